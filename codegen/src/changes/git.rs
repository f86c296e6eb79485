//! The spec files of a folder as they are at a git ref, read into memory.
//!
//! `git ls-tree` lists the folder's files at the ref, and one `git cat-file --batch` process
//! reads them all: no checkout, no temporary folder, and one process however many files.
//! Which files count is [`load::is_spec_file`](crate::load::is_spec_file), as for a folder on disk.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One file at the ref: its path relative to the specs folder, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitFile {
    pub rel_path: PathBuf,
    pub contents: Vec<u8>,
}

/// Why the specs at a ref could not be read.
#[derive(Debug)]
pub enum GitError {
    /// `git` could not be started.
    GitNotFound(std::io::Error),
    /// The specs folder is not inside a git work tree.
    NotARepository { dir: PathBuf, stderr: String },
    /// The ref names no commit.
    UnknownRef { reference: String },
    /// git failed otherwise, or said something this module does not understand.
    Failed { command: String, message: String },
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::GitNotFound(err) => write!(
                f,
                "cannot run `git`: {err}\n   = help: install git, or put it on the PATH"
            ),
            Self::NotARepository { dir, stderr } => write!(
                f,
                "{} is not inside a git repository{}\n   = help: run the command in a clone of the repository, or point `--specs` at a folder inside one",
                dir.display(),
                if stderr.is_empty() {
                    String::new()
                } else {
                    format!(" (git: {stderr})")
                }
            ),
            Self::UnknownRef { reference } => write!(
                f,
                "`{reference}` names no commit in this repository\n   = help: give a branch, tag or commit (`main`, `origin/main`, `HEAD~1`); for a remote branch, run `git fetch` first"
            ),
            Self::Failed { command, message } => write!(f, "`{command}` failed: {message}"),
        }
    }
}

impl std::error::Error for GitError {}

/// The spec files under `specs_dir` as they are in the commit `reference` names, sorted by path.
/// A folder absent at that commit has no files (every spec is then new).
pub fn spec_files_at(specs_dir: &Path, reference: &str) -> Result<Vec<GitFile>, GitError> {
    // A ref is never an option: refuse what git would read as one.
    if reference.is_empty() || reference.starts_with('-') {
        return Err(GitError::UnknownRef {
            reference: reference.to_owned(),
        });
    }
    let inside = git(specs_dir, &["rev-parse", "--is-inside-work-tree"], None)?;
    if !inside.success || inside.stdout.trim_ascii() != b"true" {
        return Err(GitError::NotARepository {
            dir: specs_dir.to_path_buf(),
            stderr: inside.stderr.trim().to_owned(),
        });
    }
    let commit = format!("{reference}^{{commit}}");
    let verified = git(
        specs_dir,
        &["rev-parse", "--verify", "--quiet", &commit],
        None,
    )?;
    if !verified.success {
        return Err(GitError::UnknownRef {
            reference: reference.to_owned(),
        });
    }
    // Run inside the specs folder, `ls-tree` takes `.` as that folder and prints paths
    // relative to it: the paths `load::parse` wants, with no prefix to strip.
    let listed = git(
        specs_dir,
        &["ls-tree", "-r", "-z", &commit, "--", "."],
        None,
    )?;
    if !listed.success {
        return Err(failed("git ls-tree", &listed));
    }
    let entries = tree_entries(&listed.stdout)?;
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let mut input = Vec::new();
    for (object, _) in &entries {
        input.extend_from_slice(object.as_bytes());
        input.push(b'\n');
    }
    let output = git(specs_dir, &["cat-file", "--batch"], Some(input))?;
    if !output.success {
        return Err(failed("git cat-file --batch", &output));
    }
    let blobs = batch_contents(&output.stdout, entries.len())?;
    Ok(entries
        .into_iter()
        .zip(blobs)
        .map(|((_, rel_path), contents)| GitFile { rel_path, contents })
        .collect())
}

/// The blobs of `ls-tree -r -z` output that are spec files: (object id, path). Symbolic links
/// (mode 120000) and submodules are not files with specs in them.
fn tree_entries(listing: &[u8]) -> Result<Vec<(String, PathBuf)>, GitError> {
    let mut entries = Vec::new();
    for record in listing.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let record = String::from_utf8_lossy(record);
        // `<mode> SP <type> SP <object> TAB <path>`
        let parsed = record.split_once('\t').and_then(|(meta, path)| {
            let mut meta = meta.split(' ');
            Some((meta.next()?, meta.next()?, meta.next()?, path))
        });
        let Some((mode, kind, object, path)) = parsed else {
            return Err(GitError::Failed {
                command: "git ls-tree".to_owned(),
                message: format!("unexpected line `{record}`"),
            });
        };
        let rel_path = PathBuf::from(path);
        if kind == "blob" && mode != "120000" && crate::load::is_spec_file(&rel_path) {
            entries.push((object.to_owned(), rel_path));
        }
    }
    entries.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(entries)
}

/// Splits `cat-file --batch` output (`<object> <type> <size>\n<contents>\n` per object) into
/// the contents of `count` objects.
fn batch_contents(output: &[u8], count: usize) -> Result<Vec<Vec<u8>>, GitError> {
    let bad = |message: String| GitError::Failed {
        command: "git cat-file --batch".to_owned(),
        message,
    };
    let mut reader = BufReader::new(output);
    let mut blobs = Vec::with_capacity(count);
    for _ in 0..count {
        let mut header = String::new();
        reader
            .read_line(&mut header)
            .map_err(|err| bad(err.to_string()))?;
        let size = header
            .split_whitespace()
            .nth(2)
            .and_then(|size| size.parse::<usize>().ok())
            .ok_or_else(|| bad(format!("unexpected header `{}`", header.trim())))?;
        let mut contents = vec![0; size];
        reader
            .read_exact(&mut contents)
            .map_err(|err| bad(err.to_string()))?;
        let mut newline = [0; 1];
        reader
            .read_exact(&mut newline)
            .map_err(|err| bad(err.to_string()))?;
        blobs.push(contents);
    }
    Ok(blobs)
}

struct GitOutput {
    success: bool,
    stdout: Vec<u8>,
    stderr: String,
}

fn failed(command: &str, output: &GitOutput) -> GitError {
    GitError::Failed {
        command: command.to_owned(),
        message: output.stderr.trim().to_owned(),
    }
}

/// Runs `git -C dir args…`, feeding `input` to its standard input from a thread of its own: git
/// writes while it reads, so writing everything first could fill both pipes and wait forever.
fn git(dir: &Path, args: &[&str], input: Option<Vec<u8>>) -> Result<GitOutput, GitError> {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(GitError::GitNotFound)?;
    let writer = match (input, child.stdin.take()) {
        (Some(input), Some(mut stdin)) => Some(std::thread::spawn(move || {
            // A write error means git exited early; its status and stderr say why.
            let _ = stdin.write_all(&input);
        })),
        _ => None,
    };
    let output = child.wait_with_output().map_err(|err| GitError::Failed {
        command: format!("git {}", args.join(" ")),
        message: err.to_string(),
    })?;
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    Ok(GitOutput {
        success: output.status.success(),
        stdout: output.stdout,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_blobs_of_a_listing_that_are_specs() {
        let listing = [
            "100644 blob aaa\terrors.yaml",
            "100644 blob bbb\tREADME.md",
            "120000 blob ccc\tlink.yaml",
            "160000 commit ddd\tsub",
            "100644 blob eee\t.hidden/x.yaml",
            "100644 blob fff\twxopen/a.yml",
        ]
        .join("\0");
        let entries = tree_entries(listing.as_bytes()).unwrap_or_default();
        assert_eq!(
            entries,
            [
                ("aaa".to_owned(), PathBuf::from("errors.yaml")),
                ("fff".to_owned(), PathBuf::from("wxopen/a.yml")),
            ]
        );
    }

    #[test]
    fn splits_batch_output() {
        let output = b"aaa blob 3\nabc\nbbb blob 0\n\n";
        let blobs = batch_contents(output, 2).unwrap_or_default();
        assert_eq!(blobs, [b"abc".to_vec(), Vec::new()]);
        assert!(batch_contents(b"aaa missing\n", 1).is_err());
    }
}
