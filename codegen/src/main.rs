//! `cargo run -p codegen`: regenerate `generated/src/api/` from `specs/` (and the fixture client
//! of the cross-crate tests); `--check` writes nothing and fails when either is stale.

use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Generates the typed WeChat API client from the YAML specs.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Write nothing; fail with a unified diff when the checked-in output is stale.
    #[arg(long)]
    check: bool,
    /// The folder of specs; with `--out`, generate only this pair
    /// [default: `specs/` → `generated/src/api/`, and the test fixtures → `tests/src/api/`].
    #[arg(long, value_name = "DIR", requires = "out")]
    specs: Option<PathBuf>,
    /// The folder the generator owns for `--specs`.
    #[arg(long, value_name = "DIR", requires = "specs")]
    out: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let targets = match (args.specs, args.out) {
        (Some(specs), Some(out)) => vec![(specs, out)],
        _ => codegen::default_targets(&codegen::workspace_root()),
    };
    // Generate everything before writing anything: a broken spec anywhere writes nothing.
    let mut outputs = Vec::with_capacity(targets.len());
    let mut failed = false;
    for (specs, out) in targets {
        match codegen::generate(&specs) {
            Ok(files) => outputs.push((out, files)),
            Err(err) => {
                eprintln!("{err}\n  (in {})\n", specs.display());
                failed = true;
            }
        }
    }
    if failed {
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
