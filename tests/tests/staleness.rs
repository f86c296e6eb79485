//! The checked-in generated code must be what the specs generate today.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[test]
fn generated_code_is_up_to_date_with_the_specs() {
    let root = codegen::workspace_root();
    for target in codegen::default_targets(&root) {
        let (outputs, _) = codegen::plan(&target)
            .unwrap_or_else(|err| panic!("{} does not generate:\n{err}", target.specs.display()));
        for output in outputs {
            if let Some(diff) =
                codegen::write::check_in(&output.dir, &output.files, output.prune).unwrap()
            {
                panic!(
                    "{} is stale: the specs in {} generate something else.\nRun `{}` and commit the result.\n\n{diff}",
                    output.dir.display(),
                    target.specs.display(),
                    codegen::REGENERATE_COMMAND
                );
            }
        }
    }
}

#[test]
fn the_checked_in_schema_is_the_one_the_spec_types_derive() {
    let specs = codegen::workspace_root().join("specs");
    let schema = codegen::schema::output().unwrap();
    if let Some(diff) = codegen::write::check(&specs, &[schema]).unwrap() {
        panic!(
            "specs/{} is stale: codegen/src/spec.rs changed.\nRun `{}` and commit the result.\n\n{diff}",
            codegen::schema::SCHEMA_FILE,
            codegen::REGENERATE_COMMAND
        );
    }
}
