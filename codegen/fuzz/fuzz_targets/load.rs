//! Any bytes as a spec file: the front end must answer with diagnostics, never panic or hang.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let diagnostics = codegen::check_sources(&[("fuzz/spec.yaml".into(), text)]);
    // Rendering slices the source by the diagnostics' spans: it is part of what is fuzzed.
    let _ = diagnostics.render(false);
});
