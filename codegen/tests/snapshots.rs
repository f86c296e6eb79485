//! Snapshots of everything the generator writes, for the real specs and for fixture specs that
//! exercise the corners, and of the diagnostics for broken specs. A changed snapshot fails the
//! test; review it with `cargo insta review` (see the README).

// Test helpers may panic: a panic here is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn snapshot_output(label: &str, specs_dir: &Path) {
    let generated = codegen::generate(specs_dir, "wechat_api_client")
        .unwrap_or_else(|err| panic!("{label} should generate:\n{err}"));
    assert!(
        generated.warnings.is_empty(),
        "{label} has warnings:\n{}",
        generated.warnings
    );
    for document in &generated.openapi {
        let name = format!("{label}__openapi__{}", document.path.display());
        insta::assert_snapshot!(name, document.contents);
    }
    let files = generated.files;
    assert!(!files.is_empty(), "{label} generated nothing");
    for file in files {
        let name = format!(
            "{label}__{}",
            file.path.display().to_string().replace(['/', '\\'], "__")
        );
        insta::assert_snapshot!(name, file.contents);
    }
}

fn fixtures(folder: &str) -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(folder);
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
    assert!(!cases.is_empty(), "no fixtures under {}", root.display());
    cases
}

#[test]
fn the_specs_of_the_repository() {
    snapshot_output("specs", &codegen::workspace_root().join("specs"));
}

#[test]
fn fixture_specs() {
    for (name, dir) in fixtures("fixtures") {
        snapshot_output(&format!("fixture_{name}"), &dir);
    }
}

#[test]
fn broken_specs_report_every_problem_and_generate_nothing() {
    for (name, dir) in fixtures("invalid") {
        match codegen::generate(&dir, "wechat_api_client") {
            Ok(_) => panic!("invalid spec `{name}` generated output"),
            Err(err) => insta::assert_snapshot!(format!("invalid_{name}"), err.to_string()),
        }
    }
}

#[test]
fn specs_with_warnings_generate_and_report_them() {
    for (name, dir) in fixtures("warnings") {
        match codegen::generate(&dir, "wechat_api_client") {
            Ok(generated) => {
                assert!(!generated.warnings.is_empty(), "`{name}` has no warnings");
                assert!(!generated.files.is_empty(), "`{name}` generated nothing");
                insta::assert_snapshot!(format!("warnings_{name}"), generated.warnings.to_string());
            }
            Err(err) => panic!("`{name}` should generate despite its warnings:\n{err}"),
        }
    }
}

#[test]
fn generation_is_deterministic() {
    let specs = codegen::workspace_root().join("specs");
    let first = codegen::generate(&specs, "wechat_api_client").unwrap();
    let second = codegen::generate(&specs, "wechat_api_client").unwrap();
    assert_eq!(first, second);
}
