//! The binary of an example of the workspace, built (by `cargo test --workspace --no-run` with
//! the features of `.ci/test`, a no-op when `.ci/test` built it) so that it is never stale.
//! Shared by the crates' tests that run examples as a user would.

use std::path::PathBuf;
use std::process::Command;

/// The example's binary, built now so that it is never stale. `cargo test --workspace --no-run`
/// with `.ci/test`'s features builds what `.ci/test` built, so then it is a no-op.
pub fn example_binary(example: &str) -> PathBuf {
    static BUILT: std::sync::Once = std::sync::Once::new();
    BUILT.call_once(|| {
        let mut cargo = Command::new(env!("CARGO"));
        cargo.args(["test", "-q", "--workspace", "--no-run"]);
        // The features `.ci/test` passes (the README's test command): a nested build with other
        // features would rebuild every test binary of the workspace a second time.
        cargo.args([
            "--features",
            "wechat-api-client/testing,workspace-tests/testing",
        ]);
        // Same profile as the running tests (a `--target` run is not supported: the examples
        // would be looked for in the wrong folder).
        if !cfg!(debug_assertions) {
            cargo.arg("--release");
        }
        // The variables cargo sets for this test would reach build scripts that watch them
        // (ring's watches CARGO_MANIFEST_DIR) and rebuild half the dependency tree.
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
        assert!(
            cargo.status().unwrap().success(),
            "cannot build the example"
        );
    });
    // This test runs from `target/<profile>/deps/`; examples are in `target/<profile>/examples/`.
    let test_binary = std::env::current_exe().unwrap();
    let profile_dir = test_binary.parent().and_then(|d| d.parent()).unwrap();
    profile_dir
        .join("examples")
        .join(format!("{example}{}", std::env::consts::EXE_SUFFIX))
}
