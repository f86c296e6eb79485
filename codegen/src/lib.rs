//! The generator: WeChat API specs (YAML) in, a typed Rust client out.
//!
//! The pipeline runs one way, one module per stage:
//! [`load`] (YAML into [`spec`] structs) → [`lower`] (validate, decide names, into [`ir`]) →
//! [`emit`] (`quote!` token streams, one emitter per output kind) → [`format`](mod@format) (`prettyplease`,
//! `@generated` header) → [`write`](mod@write) (only changed files; `--check` writes nothing).
//!
//! Beside the pipeline, [`changes`] compares the specs at a git ref with the working tree's and
//! reports what the difference does to the generated crate's callers.

pub mod changes;
pub mod diagnostic;
pub mod emit;
pub mod format;
pub mod ident;
pub mod ir;
pub mod load;
pub mod lower;
pub mod manifest;
pub mod parallel;
pub mod schema;
pub mod shape;
pub mod source;
pub mod spec;
pub mod suggest;
pub mod synthetic;
pub mod write;

use std::path::{Path, PathBuf};

/// The command that regenerates the output; every generated file names it in its header.
pub const REGENERATE_COMMAND: &str = "cargo run -p codegen";

/// One output file, relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: PathBuf,
    pub contents: String,
}

/// Why a run produced no output.
#[derive(Debug)]
pub enum Error {
    /// The specs have problems; every one found is listed.
    Specs(diagnostic::Diagnostics),
    /// The generator produced code that does not parse: a bug in the generator, not the specs.
    Internal(String),
    /// The output crate's `Cargo.toml` cannot be read or lacks what the generator needs.
    Manifest(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Specs(diagnostics) => write!(f, "{diagnostics}"),
            Self::Manifest(message) => write!(f, "error: {message}"),
            Self::Internal(message) => write!(
                f,
                "error: {message}\n   = help: this is a bug in codegen; please report it with the spec that caused it"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// What a successful run produced: the files, and the warnings the specs deserve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Relative to the client crate's folder: its `src/api/` index, and the sources and
    /// manifests of the shared crate (`shared/`) and of each group's (`groups/<group>/`).
    pub files: Vec<OutputFile>,
    /// The OpenAPI 3.0.3 export of the specs, a document per host, relative to the crate's
    /// `openapi/` folder.
    pub openapi: Vec<OutputFile>,
    /// The top-level groups (spec folders), sorted: each is a cargo feature of the crate.
    pub groups: Vec<String>,
    /// Only warnings: any error stops the run with [`Error::Specs`].
    pub warnings: diagnostic::Diagnostics,
}

/// Runs the pipeline up to formatted text: every file the specs under `specs_dir` generate,
/// relative to the client crate's folder (`generated/`). `crate_name` is how the output crate
/// is named by its doc examples (`wechat_api_client`).
pub fn generate(specs_dir: &Path, crate_name: &str) -> Result<Generated, Error> {
    // Diagnostics name files as the user can open them: from the current folder when inside it.
    let shown_dir = std::env::current_dir()
        .ok()
        .and_then(|cwd| specs_dir.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| specs_dir.to_path_buf());
    let in_dir = |diagnostics: diagnostic::Diagnostics| diagnostics.in_folder(&shown_dir);
    // Files that do not load are reported with the problems of those that do.
    let (specs, load_problems) = load::load_dir_partially(specs_dir);
    let (api, warnings) =
        lower::lower_loaded(&specs, load_problems).map_err(|d| Error::Specs(in_dir(d)))?;
    let warnings = in_dir(warnings);
    // The specs' text and node index only serve diagnostics, which are located by now: free
    // them before the output is built (a large API's peak memory).
    drop(specs);
    // Headers name the specs folder as a reviewer sees it: relative to the workspace if inside.
    let root = workspace_root();
    let label = specs_dir
        .strip_prefix(&root)
        .unwrap_or(specs_dir)
        .display()
        .to_string()
        .replace('\\', "/");
    let files = emit::emit_api(&api, &label, crate_name).map_err(Error::Internal)?;
    let openapi = emit::openapi::export(&api, &label)
        .map_err(Error::Internal)?
        .into_iter()
        .map(|(host, contents)| OutputFile {
            path: PathBuf::from(format!("{host}.json")),
            contents,
        })
        .collect();
    let groups = api
        .modules
        .iter()
        .filter(|m| m.path.len() == 1 && m.spec_file.is_none())
        .map(|m| m.path[0].clone())
        .collect();
    Ok(Generated {
        files,
        openapi,
        groups,
        warnings,
    })
}

/// Checks spec files given as text (relative path, contents) as one specs folder would be,
/// without emitting: every problem found, warnings included. The fuzz target and the property
/// tests drive the front end through this.
pub fn check_sources(files: &[(PathBuf, String)]) -> diagnostic::Diagnostics {
    let mut problems = diagnostic::Diagnostics::default();
    let mut specs = Vec::with_capacity(files.len());
    for (path, text) in files {
        match load::parse(path, text) {
            Ok(spec) => specs.push(spec),
            Err(found) => problems.extend(found),
        }
    }
    match lower::lower_loaded(&specs, problems) {
        Ok((_, warnings)) => warnings,
        Err(problems) => problems,
    }
}

/// A specs folder and the crate generated from it. The generator owns the crate's `src/api/`,
/// its `openapi/` (a document per host), its `shared/` and `groups/` crates, and the blocks of
/// group features and crates in its `Cargo.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub specs: PathBuf,
    pub crate_dir: PathBuf,
}

/// The files of one folder, relative to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputDir {
    pub dir: PathBuf,
    pub files: Vec<OutputFile>,
    /// Whether the generator owns the whole folder: generated `.rs` files the specs no longer
    /// produce are then removed.
    pub prune: bool,
}

/// Where the generated index goes inside the output crate.
pub const API_DIR: &str = emit::layout::API_DIR;

/// What `target` generates, folder by folder, with the warnings the specs deserve.
pub fn plan(target: &Target) -> Result<(Vec<OutputDir>, diagnostic::Diagnostics), Error> {
    let manifest_path = target.crate_dir.join("Cargo.toml");
    // The manifest names the crate (doc examples use it) and holds the group features: without
    // it, every group's `cfg(feature)` would silently compile the group out.
    let manifest = std::fs::read_to_string(&manifest_path).map_err(|err| {
        Error::Manifest(format!(
            "cannot read {}: {err}\n   = help: the output crate needs a Cargo.toml with a `[package]` name, under `[features]` the lines\n{}\n{}\n     and under `[dependencies]` the lines\n{}\n{}",
            manifest_path.display(),
            manifest::BEGIN,
            manifest::END,
            manifest::DEPENDENCIES_BEGIN,
            manifest::DEPENDENCIES_END,
        ))
    })?;
    let crate_name = manifest::crate_name(&manifest).ok_or_else(|| {
        Error::Manifest(format!(
            "{} has no `name` under `[package]`",
            manifest_path.display()
        ))
    })?;
    let generated = generate(&target.specs, &crate_name)?;
    let layout = emit::layout::Layout::new(&crate_name);
    let crate_text = |home| {
        (
            layout.package(home),
            emit::layout::Layout::crate_dir_text(home),
        )
    };
    let packages: Vec<(String, String)> = std::iter::once(crate_text(emit::layout::Home::Shared))
        .chain(
            generated
                .groups
                .iter()
                .map(|group| crate_text(emit::layout::Home::Group(group))),
        )
        .collect();
    let blocks = manifest::with_group_blocks(&manifest, &generated.groups, &packages)
        .map_err(|message| Error::Manifest(format!("{}: {message}", manifest_path.display())))?;
    let manifest = OutputFile {
        path: PathBuf::from("Cargo.toml"),
        contents: blocks,
    };
    // Each folder the generator owns, with the files under it.
    let owned = |prefix: &str| -> Vec<OutputFile> {
        generated
            .files
            .iter()
            .filter_map(|file| {
                Some(OutputFile {
                    path: file.path.strip_prefix(prefix).ok()?.to_path_buf(),
                    contents: file.contents.clone(),
                })
            })
            .collect()
    };
    let mut outputs: Vec<OutputDir> = [API_DIR, emit::layout::SHARED_DIR, emit::layout::GROUPS_DIR]
        .into_iter()
        .map(|prefix| OutputDir {
            dir: target.crate_dir.join(prefix),
            files: owned(prefix),
            prune: true,
        })
        .collect();
    outputs.extend([
        OutputDir {
            dir: target.crate_dir.join(emit::openapi::DIR),
            files: generated.openapi,
            prune: true,
        },
        OutputDir {
            dir: target.crate_dir.clone(),
            files: vec![manifest],
            prune: false,
        },
    ]);
    Ok((outputs, generated.warnings))
}

/// What `cargo run -p codegen` regenerates by default: the client from `specs/`, and the fixture
/// client the cross-crate tests compile (with warnings denied) and call.
pub fn default_targets(root: &Path) -> Vec<Target> {
    vec![
        Target {
            specs: root.join("specs"),
            crate_dir: root.join("generated"),
        },
        Target {
            specs: root.join("codegen/tests/fixtures/corners"),
            crate_dir: root.join("tests"),
        },
    ]
}

/// The workspace the generator runs in: the default home of `specs/` and `generated/`.
///
/// Found at run time, from the current folder upwards: the first folder whose `Cargo.toml`
/// declares a `[workspace]` and that has a `specs/` folder. Not the folder the binary was built
/// in: two checkouts that share a target folder (a CI cache, a second worktree) share one binary,
/// and each must regenerate its own files. Outside any such folder, the one `cargo run` names
/// (`CARGO_MANIFEST_DIR`, the `codegen` package's folder) is used, then the one it was built in.
pub fn workspace_root() -> PathBuf {
    let from_cwd = std::env::current_dir()
        .ok()
        .and_then(|cwd| find_workspace(&cwd));
    let from_cargo = || {
        std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .and_then(|dir| find_workspace(&dir))
    };
    from_cwd.or_else(from_cargo).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."))
    })
}

/// `start` or the nearest folder above it that is a workspace with specs.
fn find_workspace(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| {
            let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
            dir.join("specs").is_dir() && manifest.lines().any(|line| line.trim() == "[workspace]")
        })
        .map(Path::to_path_buf)
}
