//! Stage 1: find the spec files under a folder and read each into [`SpecFile`].
//!
//! A file that cannot be read or parsed becomes a [`Diagnostic`] with the line and column
//! `serde_yaml` reports; the other files are still read, so one run reports every broken file.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::spec::SpecFile;
use std::path::{Path, PathBuf};

/// One parsed spec file.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// Relative to the specs folder, with `/` separators whatever the platform.
    pub rel_path: PathBuf,
    /// The folders between the specs folder and the file: the file's group.
    pub group: Vec<String>,
    /// The file name without its extension.
    pub stem: String,
    pub spec: SpecFile,
}

/// Reads every `*.yaml` / `*.yml` file under `specs_dir`, in sorted path order.
pub fn load_dir(specs_dir: &Path) -> Result<Vec<LoadedSpec>, Diagnostics> {
    let mut files = Vec::new();
    let mut diagnostics = Diagnostics::default();
    if let Err(err) = collect_files(specs_dir, specs_dir, &mut files) {
        diagnostics.push(Diagnostic::new(
            specs_dir,
            "",
            format!("cannot list the specs folder: {err}"),
        ));
        return Err(diagnostics);
    }
    files.sort();
    let mut specs = Vec::with_capacity(files.len());
    for rel_path in files {
        match std::fs::read_to_string(specs_dir.join(&rel_path)) {
            Ok(text) => match parse(&rel_path, &text) {
                Ok(spec) => specs.push(spec),
                Err(diagnostic) => diagnostics.push(diagnostic),
            },
            Err(err) => diagnostics.push(Diagnostic::new(
                &rel_path,
                "",
                format!("cannot read the file: {err}"),
            )),
        }
    }
    if diagnostics.is_empty() {
        Ok(specs)
    } else {
        Err(diagnostics.sorted())
    }
}

/// Parses one spec file's text; `rel_path` decides its group and module name.
pub fn parse(rel_path: &Path, text: &str) -> Result<LoadedSpec, Diagnostic> {
    let spec: SpecFile =
        serde_yaml::from_str(text).map_err(|err| yaml_diagnostic(rel_path, &err))?;
    let group = rel_path
        .parent()
        .map(|parent| {
            parent
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    let stem = rel_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(LoadedSpec {
        rel_path: rel_path.to_path_buf(),
        group,
        stem,
        spec,
    })
}

fn yaml_diagnostic(rel_path: &Path, err: &serde_yaml::Error) -> Diagnostic {
    // serde_yaml appends " at line L column C" to its message; the location is shown apart.
    let message = err.to_string();
    let message = match message.find(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    };
    let (spec_path, message) = split_yaml_path(&message);
    let help = if message.contains("unknown field") {
        "remove the key or fix its spelling; docs/spec-language.md lists every key"
    } else if message.contains("missing field") {
        "add the key; docs/spec-language.md says what it holds"
    } else {
        "see docs/spec-language.md for the shape this key takes"
    };
    let diagnostic = Diagnostic::new(rel_path, spec_path, message).with_help(help);
    match err.location() {
        Some(location) => diagnostic.at(location.line(), location.column()),
        None => diagnostic,
    }
}

/// serde_yaml prefixes errors inside a document with the key path (`endpoint.method: …`).
fn split_yaml_path(message: &str) -> (String, String) {
    match message.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') && !path.is_empty() => {
            (path.to_owned(), rest.to_owned())
        }
        _ => (String::new(), message.to_owned()),
    }
}

fn collect_files(root: &Path, dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let hidden = path
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            collect_files(root, &path, files)?;
        } else if path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml")
            && let Ok(rel) = path.strip_prefix(root)
        {
            files.push(rel.to_path_buf());
        }
    }
    Ok(())
}
