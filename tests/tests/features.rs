//! Each group of specs is a crate, and a cargo feature of the client crate that turns it on: the crate builds, without a
//! warning, with its default features, with no group, with each group alone, and with the
//! third-party platform (`platform`, `redis`) and nothing else.
//!
//! The groups come from the specs through the generator, so a new group folder is checked
//! without touching this test. Each build is a nested `cargo check` of the generated crate only
//! (its dependencies are checked once and shared by all of them).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

fn groups() -> Vec<String> {
    let root = codegen::workspace_root();
    codegen::generate(&root.join("specs"), "wechat_api_client")
        .unwrap()
        .groups
}

/// `cargo check` of the generated crate with these feature arguments: its diagnostics.
fn check(feature_args: &[&str]) -> String {
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .current_dir(codegen::workspace_root())
        .args([
            "check",
            "-q",
            "--locked",
            "-p",
            "wechat-api-client",
            "--lib",
        ])
        .args(feature_args)
        .args(["--message-format", "short"]);
    // The variables cargo sets for this test would reach build scripts that watch them and
    // rebuild half the dependency tree.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if [
            "CARGO_MANIFEST_",
            "CARGO_PKG_",
            "CARGO_CRATE_",
            "CARGO_BIN_",
            "CARGO_TARGET_TMPDIR",
        ]
        .iter()
        .any(|prefix| name.starts_with(prefix))
        {
            cargo.env_remove(&*name);
        }
    }
    let output = cargo.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "`cargo check {}` failed:\n{stderr}",
        feature_args.join(" ")
    );
    stderr
}

fn assert_clean(feature_args: &[&str]) {
    let diagnostics = check(feature_args);
    assert!(
        !diagnostics.contains("warning"),
        "`cargo check {}` warns:\n{diagnostics}",
        feature_args.join(" ")
    );
}

#[test]
fn the_generated_crate_builds_with_any_choice_of_groups() {
    let groups = groups();
    assert!(
        groups.contains(&"wxopen".to_owned()) && groups.contains(&"base".to_owned()),
        "{groups:?}"
    );
    assert_clean(&[]);
    assert_clean(&["--no-default-features"]);
    for group in &groups {
        assert_clean(&["--no-default-features", "--features", group]);
    }
    // The hand-written features: a platform with no other group, and its Redis store.
    assert_clean(&["--no-default-features", "--features", "platform"]);
    assert_clean(&["--no-default-features", "--features", "redis"]);
    // The mock WeChat: with no group (it serves nothing), and with one.
    assert_clean(&["--no-default-features", "--features", "testing"]);
    assert_clean(&["--no-default-features", "--features", "testing,wxopen"]);
}

#[test]
fn every_group_has_a_feature_that_gates_its_crate() {
    let root = codegen::workspace_root();
    let manifest = std::fs::read_to_string(root.join("generated/Cargo.toml")).unwrap();
    let api = std::fs::read_to_string(root.join("generated/src/api/mod.rs")).unwrap();
    for group in groups() {
        let package = format!("wechat-api-client-{group}");
        assert!(
            manifest.contains(&format!("{group} = [\"dep:{package}\", \"any-group\"]")),
            "no feature for group `{group}` in generated/Cargo.toml"
        );
        assert!(
            manifest.contains(&format!(
                "{package} = {{ path = \"groups/{group}\", optional = true }}"
            )),
            "group `{group}`'s crate is not an optional dependency in generated/Cargo.toml"
        );
        let group_manifest =
            std::fs::read_to_string(root.join(format!("generated/groups/{group}/Cargo.toml")))
                .unwrap();
        assert!(group_manifest.contains(&format!("name = \"{package}\"")));
        let krate = package.replace('-', "_");
        assert!(
            api.contains(&format!(
                "#[cfg(feature = \"{group}\")]\npub use ::{krate} as {group};"
            )),
            "group `{group}` is not behind its feature:\n{api}"
        );
    }
}
