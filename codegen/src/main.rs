//! `cargo run -p codegen`: regenerate `generated/` (its `src/api/`, `openapi/` and group
//! features) from `specs/`, the fixture client of the cross-crate tests, and the spec language's
//! JSON Schema; `--check` writes nothing and fails when any of them is stale.

use clap::{Parser, Subcommand};
use codegen::diagnostic::Diagnostics;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// Generates the typed WeChat API client from the YAML specs.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Write nothing; fail with a unified diff when the checked-in output is stale.
    #[arg(long)]
    check: bool,
    /// Fail, writing nothing, when the specs have warnings (a missing example, undocumented
    /// fields), not only errors.
    #[arg(long)]
    deny_warnings: bool,
    /// The folder of specs; with `--crate`, generate only this pair
    /// [default: `specs/` → `generated/`, and the test fixtures → `tests/`].
    #[arg(long, value_name = "DIR", requires = "crate_dir")]
    specs: Option<PathBuf>,
    /// The crate to generate into: the generator owns its `src/api/`, `shared/`, `groups/`
    /// and `openapi/`, and the two marked blocks of its `Cargo.toml` (which it must have).
    #[arg(long = "crate", value_name = "DIR", requires = "specs")]
    crate_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the JSON Schema of the spec language (checked in as `specs/spec-language.schema.json`).
    Schema,
    /// Write a synthetic spec set for benchmarks: N endpoints shaped like `wxamplinkget`, each
    /// with its own types, the odd ones with a request body (see BENCHMARKS.md).
    Synthetic {
        /// How many endpoints.
        #[arg(long, value_name = "N")]
        endpoints: usize,
        /// Spread the endpoints over this many groups (`g0`, `g1`, …); one group is `wxopen`.
        #[arg(long, value_name = "G", default_value_t = 1)]
        groups: usize,
        /// The folder to write the specs into; it must be empty or absent.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Report what the spec changes since a git ref do to the generated crate's callers: each
    /// API change, breaking or compatible and why, and the semver bump (docs/changes.md).
    Changes {
        /// The git ref to compare with (a branch, tag or commit): the old side.
        #[arg(long, value_name = "REF")]
        base: String,
        /// The folder of specs; the new side is what it holds now [default: the workspace's `specs/`].
        #[arg(long, value_name = "DIR")]
        specs: Option<PathBuf>,
        /// The client crate whose `Cargo.toml` gives the current version [default: the workspace's `generated/`].
        #[arg(long = "crate", value_name = "DIR")]
        crate_dir: Option<PathBuf>,
        /// `text` for a terminal, `markdown` for a pull request's comment.
        #[arg(long, value_enum, default_value_t = codegen::changes::cli::Format::Text)]
        format: codegen::changes::cli::Format,
        /// Exit with a failure when any change is breaking (after printing the report).
        #[arg(long)]
        deny_breaking: bool,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    match args.command {
        Some(Command::Schema) => {
            return match codegen::schema::json() {
                Ok(json) => {
                    print!("{json}");
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("error: {err}");
                    ExitCode::FAILURE
                }
            };
        }
        Some(Command::Synthetic {
            endpoints,
            groups,
            out,
        }) => return synthetic(endpoints, groups, &out),
        Some(Command::Changes {
            base,
            specs,
            crate_dir,
            format,
            deny_breaking,
        }) => {
            let root = codegen::workspace_root();
            let options = codegen::changes::cli::Options {
                base,
                specs: specs.unwrap_or_else(|| root.join("specs")),
                crate_dir: crate_dir.unwrap_or_else(|| root.join("generated")),
                format,
                deny_breaking,
            };
            return codegen::changes::cli::run(&options, std::io::stderr().is_terminal());
        }
        None => {}
    }
    let root = codegen::workspace_root();
    let (targets, with_schema) = match (args.specs, args.crate_dir) {
        (Some(specs), Some(crate_dir)) => (vec![codegen::Target { specs, crate_dir }], false),
        _ => (codegen::default_targets(&root), true),
    };
    let styled = std::io::stderr().is_terminal();
    // Generate everything before writing anything: a broken spec anywhere writes nothing.
    let mut outputs = Vec::with_capacity(2 * targets.len() + 1);
    let mut failed = false;
    for target in &targets {
        match codegen::plan(target) {
            Ok((dirs, warnings)) => {
                if !warnings.is_empty() {
                    report(&warnings, styled);
                    failed |= args.deny_warnings;
                }
                outputs.extend(dirs);
            }
            Err(codegen::Error::Specs(diagnostics)) => {
                report(&diagnostics, styled);
                failed = true;
            }
            Err(err) => {
                eprintln!("{err}");
                failed = true;
            }
        }
    }
    if with_schema {
        match codegen::schema::output() {
            Ok(file) => outputs.push(codegen::OutputDir {
                dir: root.join("specs"),
                files: vec![file],
                prune: false,
            }),
            Err(err) => {
                eprintln!("{err}");
                failed = true;
            }
        }
    }
    if failed {
        if args.deny_warnings {
            eprintln!("codegen: nothing was written (warnings are denied by --deny-warnings)");
        }
        return ExitCode::FAILURE;
    }
    let mut ok = true;
    for output in &outputs {
        ok &= if args.check {
            check(output)
        } else {
            write(output)
        };
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn report(diagnostics: &Diagnostics, styled: bool) {
    eprintln!("{}\n", diagnostics.render(styled));
}

fn check(output: &codegen::OutputDir) -> bool {
    let (out, files) = (&output.dir, &output.files);
    match codegen::write::check_in(out, files, output.prune) {
        Ok(None) => {
            eprintln!(
                "codegen: {} is up to date ({} files)",
                out.display(),
                files.len()
            );
            true
        }
        Ok(Some(diff)) => {
            println!("{diff}");
            eprintln!(
                "codegen: {} is stale; run `{}` and commit the result",
                out.display(),
                codegen::REGENERATE_COMMAND
            );
            false
        }
        Err(err) => {
            eprintln!("codegen: cannot read {}: {err}", out.display());
            false
        }
    }
}

fn write(output: &codegen::OutputDir) -> bool {
    let (out, files) = (&output.dir, &output.files);
    match codegen::write::write_in(out, files, output.prune) {
        Ok(changes) => {
            for path in &changes.written {
                eprintln!("  wrote   {}", path.display());
            }
            for path in &changes.removed {
                eprintln!("  removed {}", path.display());
            }
            eprintln!(
                "codegen: {} written, {} removed, {} unchanged in {}",
                changes.written.len(),
                changes.removed.len(),
                changes.unchanged,
                out.display()
            );
            true
        }
        Err(err) => {
            eprintln!("codegen: cannot write {}: {err}", out.display());
            false
        }
    }
}

fn synthetic(endpoints: usize, groups: usize, out: &std::path::Path) -> ExitCode {
    // Old specs left in the folder would silently join the set and skew the figures.
    let occupied = std::fs::read_dir(out).is_ok_and(|mut entries| entries.next().is_some());
    if occupied {
        eprintln!(
            "error: {} is not empty\n   = help: give a new folder, or remove this one first",
            out.display()
        );
        return ExitCode::FAILURE;
    }
    match codegen::synthetic::write(out, endpoints, groups) {
        Ok(files) => {
            eprintln!(
                "codegen: wrote {files} synthetic spec files in {}",
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: cannot write {}: {err}", out.display());
            ExitCode::FAILURE
        }
    }
}
