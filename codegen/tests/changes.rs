//! `codegen changes`: snapshots of the report between pairs of spec sets
//! (`tests/changes/<case>/{base,head}/`), one case per area of the policy, and the git path
//! end to end through the binary.

// Test helpers may panic: a panic here is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codegen::changes::render::{self, Context};
use codegen::changes::{ChangeReport, Version};
use std::path::{Path, PathBuf};
use std::process::Command;

fn lowered(dir: &Path) -> codegen::ir::Api {
    let specs = codegen::load::load_dir(dir)
        .unwrap_or_else(|problems| panic!("{} should load:\n{problems}", dir.display()));
    let (api, _warnings) = codegen::lower::lower(&specs)
        .unwrap_or_else(|problems| panic!("{} should lower:\n{problems}", dir.display()));
    api
}

fn report(case: &Path) -> ChangeReport {
    codegen::changes::compare(&lowered(&case.join("base")), &lowered(&case.join("head")))
}

fn context() -> Context<'static> {
    Context {
        base: "base",
        package: Some(("wechat-api-client", Version::parse("0.4.2").unwrap())),
    }
}

fn cases() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/changes");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .map(|path| {
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                path,
            )
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 8, "cases missing under {}", root.display());
    cases
}

#[test]
fn each_case_reports_its_changes() {
    for (name, dir) in cases() {
        let report = report(&dir);
        insta::assert_snapshot!(format!("changes_{name}"), render::text(&report, &context()));
    }
}

#[test]
fn markdown_for_a_pull_request() {
    for name in ["errors", "no_change", "docs_only"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/changes")
            .join(name);
        let report = report(&dir);
        insta::assert_snapshot!(
            format!("changes_markdown_{name}"),
            render::markdown(&report, &context())
        );
    }
}

#[test]
fn a_side_compared_with_itself_has_no_changes() {
    for (name, dir) in cases() {
        for side in ["base", "head"] {
            let api = lowered(&dir.join(side));
            let report = codegen::changes::compare(&api, &api);
            assert!(
                report.changes.is_empty(),
                "{name}/{side}: {:?}",
                report.changes
            );
        }
    }
}

/// A throwaway git repository under the target folder, removed when dropped.
struct Repo(PathBuf);

impl Repo {
    fn new(name: &str) -> Self {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("changes-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let repo = Self(dir);
        repo.git(&["init", "-q"]);
        repo
    }

    fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .arg("-C")
            .arg(&self.0)
            .args(args)
            .env("GIT_AUTHOR_NAME", "test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", &self.0)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    fn copy_specs(&self, from: &Path) {
        let specs = self.0.join("specs");
        let _ = std::fs::remove_dir_all(&specs);
        copy_dir(from, &specs);
    }

    fn changes(&self, args: &[&str]) -> std::process::Output {
        // The folder's parent is the ceiling: git must not find the repository the target
        // folder is in when this one has no `.git`.
        Command::new(env!("CARGO_BIN_EXE_codegen"))
            .current_dir(&self.0)
            .env("GIT_CEILING_DIRECTORIES", self.0.parent().unwrap())
            .arg("changes")
            .args(["--specs", "specs"])
            .args(args)
            .output()
            .unwrap()
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn compares_the_working_tree_with_a_git_ref() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/changes/errors");
    let repo = Repo::new("git");
    repo.copy_specs(&case.join("base"));
    // A file git ignores by name is not a spec, in the working tree or at the ref.
    std::fs::write(repo.0.join("specs/README.md"), "not a spec").unwrap();
    repo.git(&["add", "."]);
    repo.git(&["commit", "-q", "-m", "base"]);

    let unchanged = repo.changes(&["--base", "HEAD", "--deny-breaking"]);
    let stdout = String::from_utf8_lossy(&unchanged.stdout);
    assert!(
        unchanged.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&unchanged.stderr)
    );
    assert!(stdout.contains("No API changes since HEAD."), "{stdout}");

    repo.copy_specs(&case.join("head"));
    let changed = repo.changes(&["--base", "HEAD", "--deny-breaking"]);
    let stdout = String::from_utf8_lossy(&changed.stdout);
    let stderr = String::from_utf8_lossy(&changed.stderr);
    assert_eq!(changed.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("error code 45009 removed (`DailyQuotaReached`)"),
        "{stdout}"
    );
    assert!(stderr.contains("--deny-breaking"), "{stderr}");

    // Without --deny-breaking the same report is a success; Markdown is a table.
    let markdown = repo.changes(&["--base", "HEAD", "--format", "markdown"]);
    let stdout = String::from_utf8_lossy(&markdown.stdout);
    assert!(markdown.status.success(), "{stdout}");
    assert!(
        stdout.starts_with("## API changes since `HEAD`: major bump"),
        "{stdout}"
    );
    assert!(
        stdout.contains("| `GlobalError` | error code 45009 removed"),
        "{stdout}"
    );
}

#[test]
fn a_bad_ref_or_a_folder_outside_git_is_a_clear_error() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/changes/no_change");
    let repo = Repo::new("bad-ref");
    repo.copy_specs(&case.join("base"));
    repo.git(&["add", "."]);
    repo.git(&["commit", "-q", "-m", "base"]);
    for reference in ["no-such-branch", "--output=x"] {
        // `--base=…`: clap would take `--output=x` after a space as an option of its own.
        let output = repo.changes(&[&format!("--base={reference}")]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains(&format!("`{reference}` names no commit")),
            "{stderr}"
        );
        assert!(stderr.contains("git fetch"), "{stderr}");
        assert!(output.stdout.is_empty());
    }

    let outside = Repo::new("outside");
    std::fs::remove_dir_all(outside.0.join(".git")).unwrap();
    outside.copy_specs(&case.join("base"));
    let output = outside.changes(&["--base", "HEAD"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("is not inside a git repository"),
        "{stderr}"
    );
}
