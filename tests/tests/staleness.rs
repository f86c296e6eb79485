//! The checked-in generated code must be what the specs generate today.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[test]
fn generated_code_is_up_to_date_with_the_specs() {
    let root = codegen::workspace_root();
    for (specs, out) in codegen::default_targets(&root) {
        let files = codegen::generate(&specs)
            .unwrap_or_else(|err| panic!("{} does not generate:\n{err}", specs.display()));
        if let Some(diff) = codegen::write::check(&out, &files).unwrap() {
            panic!(
                "{} is stale: the specs in {} generate something else.\nRun `{}` and commit the result.\n\n{diff}",
                out.display(),
                specs.display(),
                codegen::REGENERATE_COMMAND
            );
        }
    }
}
