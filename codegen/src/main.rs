//! `cargo run -p codegen`: regenerate `generated/src/api/` from `specs/`.

use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

/// Generates the typed WeChat API client from the YAML specs.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Write nothing; fail with a unified diff when the checked-in output is stale.
    #[arg(long)]
    check: bool,
    /// The folder of specs [default: `specs/` of the workspace].
    #[arg(long, value_name = "DIR")]
    specs: Option<PathBuf>,
    /// The folder the generator owns [default: `generated/src/api/` of the workspace].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let root = codegen::workspace_root();
    let specs = args.specs.unwrap_or_else(|| root.join("specs"));
    let out = args.out.unwrap_or_else(|| root.join("generated/src/api"));
    let files = match codegen::generate(&specs) {
        Ok(files) => files,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    if args.check {
        return match codegen::write::check(&out, &files) {
            Ok(None) => {
                eprintln!(
                    "codegen: {} is up to date ({} files)",
                    out.display(),
                    files.len()
                );
                ExitCode::SUCCESS
            }
            Ok(Some(diff)) => {
                println!("{diff}");
                eprintln!(
                    "codegen: {} is stale; run `{}` and commit the result",
                    out.display(),
                    codegen::REGENERATE_COMMAND
                );
                ExitCode::FAILURE
            }
            Err(err) => {
                eprintln!("codegen: cannot read {}: {err}", out.display());
                ExitCode::FAILURE
            }
        };
    }
    match codegen::write::write(&out, &files) {
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
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("codegen: cannot write {}: {err}", out.display());
            ExitCode::FAILURE
        }
    }
}
