//! The annotated example of `docs/spec-language.md` is a spec the generator accepts as it
//! stands, so the reference cannot drift from the language.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

#[test]
fn the_annotated_example_of_the_spec_language_reference_is_a_valid_spec() {
    let root = codegen::workspace_root();
    let doc = std::fs::read_to_string(root.join("docs/spec-language.md")).unwrap();
    let section = doc
        .split("## 2. A complete annotated example")
        .nth(1)
        .expect("the reference has a section 2");
    let example = section
        .split("```yaml\n")
        .nth(1)
        .and_then(|block| block.split("\n```").next())
        .expect("section 2 has a yaml block");
    let shared = |name: &str| std::fs::read_to_string(root.join("specs").join(name)).unwrap();
    let diagnostics = codegen::check_sources(&[
        (
            PathBuf::from("member/searchmembers.yaml"),
            example.to_owned(),
        ),
        (PathBuf::from("errors.yaml"), shared("errors.yaml")),
        (PathBuf::from("tokens.yaml"), shared("tokens.yaml")),
    ]);
    assert!(diagnostics.is_empty(), "{diagnostics}");
}
