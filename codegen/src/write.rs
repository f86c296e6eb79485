//! Stage 5: put the output on disk, touching only what changed; or, with `--check`, only compare.
//!
//! The output folder belongs to the generator: a file there that the specs no longer produce
//! and that carries the `@generated` header is removed. Each write goes to a temporary file in
//! the same folder and is renamed into place, so an interrupted run never leaves half a file.

use crate::OutputFile;
use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

/// What a run changed, relative to the output folder.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub written: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
    pub unchanged: usize,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.written.is_empty() && self.removed.is_empty()
    }
}

/// Writes the files that differ from what is on disk and removes stale generated files.
pub fn write(out_dir: &Path, files: &[OutputFile]) -> io::Result<Changes> {
    write_in(out_dir, files, true)
}

/// Like [`write`]; with `prune` false, a folder the generator shares: nothing is removed.
pub fn write_in(out_dir: &Path, files: &[OutputFile], prune: bool) -> io::Result<Changes> {
    let mut changes = Changes::default();
    for file in files {
        let target = out_dir.join(&file.path);
        if std::fs::read_to_string(&target).ok().as_deref() == Some(file.contents.as_str()) {
            changes.unchanged += 1;
            continue;
        }
        write_atomically(&target, &file.contents)?;
        changes.written.push(file.path.clone());
    }
    for stale in stale_files(out_dir, files, prune)? {
        std::fs::remove_file(out_dir.join(&stale))?;
        changes.removed.push(stale);
    }
    Ok(changes)
}

/// Compares without writing: `None` when the folder is up to date, else a unified diff from
/// what is on disk to what the specs generate.
pub fn check(out_dir: &Path, files: &[OutputFile]) -> io::Result<Option<String>> {
    check_in(out_dir, files, true)
}

/// Like [`check`]; with `prune` false, files the specs do not produce are not stale.
pub fn check_in(out_dir: &Path, files: &[OutputFile], prune: bool) -> io::Result<Option<String>> {
    let mut diff = String::new();
    for file in files {
        let current = std::fs::read_to_string(out_dir.join(&file.path)).unwrap_or_default();
        if current != file.contents {
            diff.push_str(&unified_diff(&file.path, &current, &file.contents));
        }
    }
    for stale in stale_files(out_dir, files, prune)? {
        let current = std::fs::read_to_string(out_dir.join(&stale))?;
        diff.push_str(&unified_diff(&stale, &current, ""));
    }
    Ok((!diff.is_empty()).then_some(diff))
}

fn unified_diff(path: &Path, old: &str, new: &str) -> String {
    let name = path.display().to_string().replace('\\', "/");
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("a/{name} (checked in)"),
            &format!("b/{name} (generated from specs)"),
        )
        .to_string()
}

/// Generated `.rs` files on disk that the specs no longer produce.
fn stale_files(out_dir: &Path, files: &[OutputFile], prune: bool) -> io::Result<Vec<PathBuf>> {
    if !prune {
        return Ok(Vec::new());
    }
    let produced: BTreeSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    let mut on_disk = Vec::new();
    if out_dir.is_dir() {
        list_rs_files(out_dir, out_dir, &mut on_disk)?;
    }
    on_disk.sort();
    Ok(on_disk
        .into_iter()
        .filter(|path| !produced.contains(path.as_path()))
        .filter(|path| {
            std::fs::read_to_string(out_dir.join(path))
                .is_ok_and(|text| text.starts_with("// @generated"))
        })
        .collect())
}

fn list_rs_files(root: &Path, dir: &Path, found: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            list_rs_files(root, &path, found)?;
        } else if path.extension().is_some_and(|ext| ext == "rs")
            && let Ok(rel) = path.strip_prefix(root)
        {
            found.push(rel.to_path_buf());
        }
    }
    Ok(())
}

fn write_atomically(target: &Path, contents: &str) -> io::Result<()> {
    let dir = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    std::fs::write(&temp, contents)?;
    std::fs::rename(&temp, target).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}
