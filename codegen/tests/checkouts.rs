//! One codegen binary serves every checkout it is run in: two copies of the workspace that share
//! a target folder (a CI cache, a second worktree) share the binary, and each run must read and
//! write its own checkout, found from the current folder, not the one the binary was built in.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// What the default run reads and owns, copied from this workspace into `to`.
fn checkout(to: &Path) {
    let root = codegen::workspace_root();
    let _ = std::fs::remove_dir_all(to);
    for dir in ["specs", "codegen/tests/fixtures/corners"] {
        copy_dir(&root.join(dir), &to.join(dir));
    }
    for file in ["generated/Cargo.toml", "tests/Cargo.toml"] {
        std::fs::create_dir_all(to.join(file).parent().unwrap()).unwrap();
        std::fs::copy(root.join(file), to.join(file)).unwrap();
    }
    std::fs::write(to.join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
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

fn run_in(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_codegen"))
        .args(args)
        // A folder below the checkout's root: the root is found upwards.
        .current_dir(dir.join("specs"))
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .unwrap()
}

fn generated(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let api = dir.join("generated/groups");
    let mut stack = vec![api.clone()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path.strip_prefix(&api).unwrap().to_path_buf());
            }
        }
    }
    files.sort();
    files
}

#[test]
fn the_binary_regenerates_the_checkout_it_runs_in() {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let (a, b) = (scratch.join("checkout_a"), scratch.join("checkout_b"));
    checkout(&a);
    checkout(&b);
    // Checkout A lacks one spec, so the two outputs differ.
    std::fs::remove_file(a.join("specs/wxopen/wxampunlink.yaml")).unwrap();

    for dir in [&a, &b] {
        let output = run_in(dir, &[]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let (in_a, in_b) = (generated(&a), generated(&b));
    let unlink = PathBuf::from("wxopen/src/wxampunlink.rs");
    assert!(!in_a.contains(&unlink), "A has no such spec: {in_a:?}");
    assert!(in_b.contains(&unlink), "B has: {in_b:?}");
    assert!(a.join("generated/openapi/api.weixin.qq.com.json").is_file());
    assert!(b.join("tests/src/api/mod.rs").is_file());

    // Each checkout is now up to date by its own specs, and a change in one is seen there only.
    assert!(run_in(&a, &["--check"]).status.success());
    assert!(run_in(&b, &["--check"]).status.success());
    std::fs::remove_file(b.join("specs/wxopen/wxamplink.yaml")).unwrap();
    assert!(run_in(&a, &["--check"]).status.success());
    assert!(!run_in(&b, &["--check"]).status.success());
}
