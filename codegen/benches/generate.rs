//! In-process generation, load → lower → emit → formatted text, of synthetic spec sets of 1, 100
//! and 1,000 endpoints shaped like wxamplinkget (`codegen::synthetic`).
//!
//! `cargo bench -p codegen --bench generate`. The allocation profiler reports the bytes allocated
//! per run; the peak resident memory of the binary end to end is measured by
//! `python3 codegen/benches/bench.py generate` (BENCHMARKS.md).
#![allow(clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

fn main() {
    divan::main();
}

/// A folder of `endpoints` synthetic specs, written once per size.
fn specs(endpoints: usize) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("codegen-bench-{}-{endpoints}", std::process::id()));
    if !dir.exists() {
        codegen::synthetic::write(&dir, endpoints, 1).expect("the synthetic specs are written");
    }
    dir
}

#[divan::bench(args = [1, 100, 1000], sample_count = 10, sample_size = 1)]
fn generate(bencher: divan::Bencher, endpoints: usize) {
    let dir = specs(endpoints);
    // A failing run would be fast and wrong: check once, outside the timing.
    let generated = codegen::generate(&dir, "wechat_api_client")
        .unwrap_or_else(|err| panic!("the synthetic specs generate: {err}"));
    assert_eq!(
        generated
            .files
            .iter()
            .filter(|f| f.path.extension().is_some_and(|e| e == "rs"))
            .count(),
        endpoints + 3,
        "one file per endpoint, the error sets, and two module indexes"
    );
    bencher.bench(|| codegen::generate(&dir, "wechat_api_client").map(|g| g.files.len()));
    let _ = std::fs::remove_dir_all(&dir);
}
