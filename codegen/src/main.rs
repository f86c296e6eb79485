//! `cargo run -p codegen`: regenerate `generated/src/api/` from `specs/` (and the fixture client
//! of the cross-crate tests, and the spec language's JSON Schema); `--check` writes nothing and
//! fails when any of them is stale.

use clap::{Parser, Subcommand};
use codegen::diagnostic::Diagnostics;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
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
    /// The folder of specs; with `--out`, generate only this pair
    /// [default: `specs/` → `generated/src/api/`, and the test fixtures → `tests/src/api/`].
    #[arg(long, value_name = "DIR", requires = "out")]
    specs: Option<PathBuf>,
    /// The folder the generator owns for `--specs`.
    #[arg(long, value_name = "DIR", requires = "specs")]
    out: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the JSON Schema of the spec language (checked in as `specs/spec-language.schema.json`).
    Schema,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if let Some(Command::Schema) = args.command {
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
    let root = codegen::workspace_root();
    let (targets, with_schema) = match (args.specs, args.out) {
        (Some(specs), Some(out)) => (vec![(specs, out)], false),
        _ => (codegen::default_targets(&root), true),
    };
    let styled = std::io::stderr().is_terminal();
    // Generate everything before writing anything: a broken spec anywhere writes nothing.
    let mut outputs = Vec::with_capacity(targets.len() + 1);
    let mut failed = false;
    for (specs, out) in targets {
        match codegen::generate(&specs) {
            Ok(generated) => {
                if !generated.warnings.is_empty() {
                    report(&generated.warnings, styled);
                    failed |= args.deny_warnings;
                }
                outputs.push((out, generated.files));
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
            Ok(file) => outputs.push((root.join("specs"), vec![file])),
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
    for (out, files) in &outputs {
        ok &= if args.check {
            check(out, files)
        } else {
            write(out, files)
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

fn check(out: &Path, files: &[codegen::OutputFile]) -> bool {
    match codegen::write::check(out, files) {
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

fn write(out: &Path, files: &[codegen::OutputFile]) -> bool {
    match codegen::write::write(out, files) {
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
