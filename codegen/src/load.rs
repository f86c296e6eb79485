//! Stage 1: find the spec files under a folder and read each into [`SpecFile`].
//!
//! A file that cannot be read or parsed becomes a [`Diagnostic`] at the line and column
//! `serde_yaml` reports; the other files are still read, so one run reports every broken file.
//! Each file keeps its text and a [`SourceIndex`], so later stages can point at lines too.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::schema;
use crate::shape::{self, ProblemKind};
use crate::source::{Location, SourceIndex};
use crate::spec::SpecFile;
use crate::suggest;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    /// The file's text, for showing the lines a diagnostic is about.
    pub source: Arc<str>,
    /// Where each node of the file is.
    pub index: SourceIndex,
}

/// Reads every `*.yaml` / `*.yml` file under `specs_dir`, in sorted path order; on any problem,
/// returns them all and no specs.
pub fn load_dir(specs_dir: &Path) -> Result<Vec<LoadedSpec>, Diagnostics> {
    let (specs, diagnostics) = load_dir_partially(specs_dir);
    if diagnostics.is_empty() {
        Ok(specs)
    } else {
        Err(diagnostics)
    }
}

/// Reads every spec file it can, and the problems of those it cannot: the files that did load
/// can still be checked, so one run reports the problems of every file.
pub fn load_dir_partially(specs_dir: &Path) -> (Vec<LoadedSpec>, Diagnostics) {
    let mut files = Vec::new();
    let mut diagnostics = Diagnostics::default();
    if let Err(err) = collect_files(specs_dir, specs_dir, &mut files) {
        diagnostics.push(Diagnostic::new(
            specs_dir,
            "",
            format!("cannot list the specs folder: {err}"),
        ));
        return (Vec::new(), diagnostics);
    }
    files.sort();
    let loaded = crate::parallel::map(&files, |rel_path| {
        match std::fs::read_to_string(specs_dir.join(rel_path)) {
            Ok(text) => parse(rel_path, &text),
            Err(err) => {
                let mut problem = Diagnostics::default();
                problem.push(Diagnostic::new(
                    rel_path,
                    "",
                    format!("cannot read the file: {err}"),
                ));
                Err(problem)
            }
        }
    });
    let mut specs = Vec::with_capacity(files.len());
    for result in loaded {
        match result {
            Ok(spec) => specs.push(spec),
            Err(problems) => diagnostics.extend(problems),
        }
    }
    (specs, diagnostics.sorted())
}

/// Parses one spec file's text; `rel_path` decides its group and module name. A malformed
/// file gets every malformed key reported, not only the first one serde stops at.
pub fn parse(rel_path: &Path, text: &str) -> Result<LoadedSpec, Diagnostics> {
    let source: Arc<str> = Arc::from(text);
    let index = SourceIndex::build(text);
    let spec: SpecFile = match serde_yaml::from_str(text) {
        Ok(spec) => spec,
        Err(err) => return Err(malformed(rel_path, &err, &source, &index)),
    };
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
        source,
        index,
    })
}

/// serde's problem, and every problem of shape the schema finds besides it.
fn malformed(
    rel_path: &Path,
    err: &serde_yaml::Error,
    source: &Arc<str>,
    index: &SourceIndex,
) -> Diagnostics {
    let mut problems = Diagnostics::default();
    // A document YAML cannot read has no shape to check: serde's error is all there is.
    if let Ok(document) = serde_yaml::from_str::<serde_yaml::Value>(source) {
        for problem in shape::check(&document, schema::value()) {
            let location = match problem.kind {
                ProblemKind::UnknownKey => index.locate_key(source, &problem.spec_path),
                ProblemKind::MissingKey | ProblemKind::UnknownValue => {
                    index.locate(source, &problem.spec_path)
                }
            };
            problems.push(diagnostic(
                rel_path,
                problem.spec_path,
                problem.message,
                location,
                source,
            ));
        }
    }
    let first = yaml_diagnostic(rel_path, err, source, index);
    if !problems.0.iter().any(|p| p.spec_path == first.spec_path) {
        problems.push(first);
    }
    problems.sorted()
}

fn yaml_diagnostic(
    rel_path: &Path,
    err: &serde_yaml::Error,
    source: &Arc<str>,
    index: &SourceIndex,
) -> Diagnostic {
    // serde_yaml appends " at line L column C" to its message; the location is shown apart.
    let message = err.to_string();
    let message = match message.find(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    };
    let (mut spec_path, message) = split_yaml_path(&message);
    let position = err
        .location()
        .and_then(|at| index.locate_position(source, at.line(), at.column()));
    // Messages about one key of a mapping are about the path of that key.
    let key = ["unknown field `", "duplicate field `"]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix))
        .and_then(|rest| rest.split('`').next());
    if let Some(key) = key {
        spec_path = if spec_path.is_empty() {
            key.to_owned()
        } else {
            format!("{spec_path}.{key}")
        };
    }
    let location = if message.starts_with("missing field") && !spec_path.is_empty() {
        // serde_yaml points at the mapping's first key; the mapping's own key says more.
        index.locate(source, &spec_path).or(position)
    } else if message.starts_with("duplicate field") {
        // serde_yaml points at the mapping; the index knows where the key comes again.
        index.locate_repeated_key(source, &spec_path).or(position)
    } else {
        position
    };
    diagnostic(rel_path, spec_path, message, location, source)
}

fn diagnostic(
    rel_path: &Path,
    spec_path: String,
    message: String,
    location: Option<Location>,
    source: &Arc<str>,
) -> Diagnostic {
    let line = location
        .as_ref()
        .and_then(|l| source.lines().nth(l.line - 1));
    let help = yaml_help(&message, spec_path.is_empty(), line.unwrap_or_default());
    // The help lists what is allowed and suggests a spelling; the message need not repeat it.
    let message = match message.split_once(", expected ") {
        Some((found, _)) if message.starts_with("unknown ") => found.to_owned(),
        _ => message,
    };
    let diagnostic = Diagnostic::new(rel_path, spec_path, message).with_help(help);
    match location {
        Some(location) => diagnostic.at(location, Arc::clone(source)),
        None => diagnostic,
    }
}

/// How to fix what serde_yaml found. Its messages name what was found and what was expected
/// (`unknown field `nmae`, expected one of `name`, …`), so the help can suggest the closest name.
fn yaml_help(message: &str, outside_any_key: bool, line: &str) -> String {
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    if let (Some(found), Some(expected)) = (quoted.first(), message.find("expected"))
        && (message.starts_with("unknown field") || message.starts_with("unknown variant"))
    {
        let expected: Vec<&str> = message[expected..].split('`').skip(1).step_by(2).collect();
        let what = if message.starts_with("unknown field") {
            "the keys allowed here are"
        } else {
            "the values allowed here are"
        };
        return format!(
            "{}{what} {}",
            suggest::did_you_mean(found, expected.iter().copied()),
            expected
                .iter()
                .map(|e| format!("`{e}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if message.starts_with("missing fields") {
        return "add the keys; docs/spec-language.md says what each holds".to_owned();
    }
    if message.starts_with("missing field") {
        return "add the key; docs/spec-language.md says what it holds".to_owned();
    }
    if message.starts_with("duplicate") {
        return "a key may appear once in a mapping: remove or merge the other one".to_owned();
    }
    if let Some((_, expected)) = message.split_once(", expected ") {
        return format!("write {} here", expected_in_words(expected));
    }
    if line.contains('\t') {
        return "YAML indents with spaces only: replace the tab with spaces".to_owned();
    }
    if message.contains("mapping values are not allowed") {
        return "a key is indented deeper than the keys beside it, or a value holds an unquoted `: `: align the key, or quote the value".to_owned();
    }
    if message.contains("did not find expected") {
        return "close the bracket, brace or quote opened before this point".to_owned();
    }
    if outside_any_key {
        "this is a YAML syntax error: check the indentation (spaces, keys of one mapping aligned) and that quotes and brackets are closed".to_owned()
    } else {
        "see docs/spec-language.md for the shape this key takes".to_owned()
    }
}

/// serde's name for what it expected (`i64`, `a boolean`, `struct FieldSpec`), for a spec author.
fn expected_in_words(expected: &str) -> String {
    match expected {
        "i64" | "u32" | "i32" | "u64" => "a whole number".to_owned(),
        "a boolean" => "`true` or `false`".to_owned(),
        "a sequence" => "a list (`- item` lines, or `[a, b]`)".to_owned(),
        other if other.starts_with("struct ") => {
            "a mapping of keys (`key: value` lines)".to_owned()
        }
        other => other.to_owned(),
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

/// Whether a file, by its path relative to the specs folder, is a spec: a `.yaml` or `.yml` file
/// with no hidden (`.`) folder or name on the way. The specs of a folder on disk and those of a
/// git ref (`codegen changes`) are chosen by this one rule.
pub fn is_spec_file(rel_path: &Path) -> bool {
    let hidden = rel_path
        .components()
        .any(|c| matches!(c, std::path::Component::Normal(name) if name.to_string_lossy().starts_with('.')));
    !hidden && has_spec_extension(rel_path)
}

fn has_spec_extension(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext == "yaml" || ext == "yml")
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
        } else if let Ok(rel) = path.strip_prefix(root)
            && is_spec_file(rel)
        {
            files.push(rel.to_path_buf());
        }
    }
    Ok(())
}
