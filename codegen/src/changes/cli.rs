//! `cargo run -p codegen -- changes --base <REF>`: the working tree's specs against those at a
//! git ref, as a report on standard output.

use super::render::{self, Context};
use super::{Version, git};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::Api;
use crate::{load, lower, manifest};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For a terminal.
    Text,
    /// For a pull request's comment.
    Markdown,
}

#[derive(Debug, Clone)]
pub struct Options {
    /// The git ref of the old side.
    pub base: String,
    /// The specs folder; the new side is what it holds now.
    pub specs: PathBuf,
    /// The client crate, whose `Cargo.toml` gives the current version.
    pub crate_dir: PathBuf,
    pub format: Format,
    /// Fail when any change is breaking.
    pub deny_breaking: bool,
}

/// Runs the subcommand: the report on standard output, problems on standard error.
pub fn run(options: &Options, styled: bool) -> ExitCode {
    let shown = shown_path(&options.specs);
    let head = match working_tree(&options.specs) {
        Ok(api) => api,
        Err(problems) => {
            eprintln!(
                "{}error: the specs in the working tree ({}) have {}; fix them first",
                errors(&problems.clone().in_folder(&shown), styled),
                shown.display(),
                error_count(problems.error_count())
            );
            return ExitCode::FAILURE;
        }
    };
    let base = match at_ref(&options.specs, &options.base) {
        Ok(api) => api,
        Err(BaseError::Git(err)) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
        Err(BaseError::Specs(problems)) => {
            // Named as git names a file at a commit: `HEAD:specs/wxopen/wxamplinkget.yaml`.
            let label = PathBuf::from(format!("{}:{}", options.base, shown.display()));
            eprintln!(
                "{}error: the specs at `{}` have {}, so they cannot be compared",
                errors(&problems.clone().in_folder(&label), styled),
                options.base,
                error_count(problems.error_count())
            );
            return ExitCode::FAILURE;
        }
    };
    let report = super::compare(&base, &head);
    let package = package(&options.crate_dir);
    let cx = Context {
        base: &options.base,
        package: package
            .as_ref()
            .map(|(name, version)| (name.as_str(), *version)),
    };
    match options.format {
        Format::Text => print!("{}", render::text(&report, &cx)),
        Format::Markdown => print!("{}", render::markdown(&report, &cx)),
    }
    if options.deny_breaking && report.is_breaking() {
        eprintln!("codegen: the specs have breaking changes (denied by --deny-breaking)");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// The specs as they are on disk, lowered; warnings do not matter to a comparison.
pub fn working_tree(specs_dir: &Path) -> Result<Api, Diagnostics> {
    let (specs, load_problems) = load::load_dir_partially(specs_dir);
    lower::lower_loaded(&specs, load_problems).map(|(api, _warnings)| api)
}

#[derive(Debug)]
pub enum BaseError {
    Git(git::GitError),
    Specs(Diagnostics),
}

/// The specs as they are at `reference`, read from git and lowered.
pub fn at_ref(specs_dir: &Path, reference: &str) -> Result<Api, BaseError> {
    let files = git::spec_files_at(specs_dir, reference).map_err(BaseError::Git)?;
    let mut problems = Diagnostics::default();
    let mut specs = Vec::with_capacity(files.len());
    for file in files {
        let parsed = match String::from_utf8(file.contents) {
            Ok(text) => load::parse(&file.rel_path, &text),
            Err(_) => {
                let mut problem = Diagnostics::default();
                problem.push(Diagnostic::new(
                    &file.rel_path,
                    "",
                    "cannot read the file: it is not UTF-8",
                ));
                Err(problem)
            }
        };
        match parsed {
            Ok(spec) => specs.push(spec),
            Err(found) => problems.extend(found),
        }
    }
    lower::lower_loaded(&specs, problems.sorted())
        .map(|(api, _warnings)| api)
        .map_err(BaseError::Specs)
}

/// The client crate's package name and version, from its `Cargo.toml`; `None` (the report then
/// gives the bump alone) when the manifest cannot be read or has no plain version.
fn package(crate_dir: &Path) -> Option<(String, Version)> {
    let manifest = std::fs::read_to_string(crate_dir.join("Cargo.toml")).ok()?;
    let name = manifest::package_field(&manifest, "name")?;
    let version = Version::parse(&manifest::package_field(&manifest, "version")?)?;
    Some((name, version))
}

/// The errors alone (warnings do not stop a comparison), each followed by a blank line. Not
/// `Diagnostics::render`: its summary says that nothing was written, which is generation's word.
fn errors(problems: &Diagnostics, styled: bool) -> String {
    problems
        .0
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}\n\n", d.render(styled)))
        .collect()
}

fn error_count(count: usize) -> String {
    match count {
        1 => "1 error".to_owned(),
        n => format!("{n} errors"),
    }
}

/// The folder as the user would type it: relative to the current folder when inside it.
fn shown_path(dir: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| dir.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .map(|rel| {
            if rel.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                rel
            }
        })
        .unwrap_or_else(|| dir.to_path_buf())
}
