//! The checked-in JSON Schema describes the spec language as the loader reads it: every spec
//! names it on its first line and validates against it, and what the loader rejects as a
//! malformed document (an unknown key, a missing key, a wrong value type), the schema rejects.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn schema_path() -> PathBuf {
    codegen::workspace_root()
        .join("specs")
        .join(codegen::schema::SCHEMA_FILE)
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path()).unwrap()).unwrap();
    jsonschema::draft7::new(&schema).unwrap()
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(yaml_files(&path));
        } else if path.extension().is_some_and(|e| e == "yaml") {
            files.push(path);
        }
    }
    files.sort();
    assert!(!files.is_empty(), "no specs under {}", dir.display());
    files
}

fn errors_of(validator: &jsonschema::Validator, text: &str) -> Vec<String> {
    let instance: serde_json::Value = serde_yaml::from_str(text).unwrap();
    validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn every_spec_names_the_schema_on_its_first_line() {
    let root = codegen::workspace_root();
    for dir in [root.join("specs"), root.join("codegen/tests/fixtures")] {
        for file in yaml_files(&dir) {
            let text = std::fs::read_to_string(&file).unwrap();
            let first = text.lines().next().unwrap_or_default();
            let Some(target) = first.strip_prefix("# yaml-language-server: $schema=") else {
                panic!(
                    "{} does not start with `# yaml-language-server: $schema=…`",
                    file.display()
                );
            };
            let named = file.parent().unwrap().join(target);
            assert_eq!(
                named.canonicalize().unwrap(),
                schema_path().canonicalize().unwrap(),
                "{} names another schema",
                file.display()
            );
        }
    }
}

#[test]
fn every_spec_validates_against_the_schema() {
    let validator = validator();
    let root = codegen::workspace_root();
    for dir in [root.join("specs"), root.join("codegen/tests/fixtures")] {
        for file in yaml_files(&dir) {
            let errors = errors_of(&validator, &std::fs::read_to_string(&file).unwrap());
            assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
        }
    }
}

#[test]
fn the_schema_rejects_what_the_loader_rejects_as_malformed() {
    let validator = validator();
    let corpus = codegen::workspace_root().join("codegen/tests/invalid");
    let mut compared = 0;
    for file in yaml_files(&corpus) {
        let text = std::fs::read_to_string(&file).unwrap();
        // Documents YAML itself cannot read have no instance to validate.
        if serde_yaml::from_str::<serde_json::Value>(&text).is_err() {
            continue;
        }
        if let Err(problems) = codegen::load::parse(Path::new("spec.yaml"), &text)
            // A repeated key is lost when the document becomes a JSON value.
            && !problems.0[0].message.starts_with("duplicate")
        {
            let diagnostic = &problems.0[0];
            compared += 1;
            assert!(
                !errors_of(&validator, &text).is_empty(),
                "{}: the loader rejects it ({}) but the schema accepts it",
                file.display(),
                diagnostic.message
            );
        }
    }
    assert!(
        compared >= 5,
        "only {compared} malformed documents compared"
    );
}

#[test]
fn the_schema_flags_a_misspelled_key_and_a_broken_type_expression() {
    let validator = validator();
    let spec = "version: 1\ntypes:\n  - name: A\n    kind: object\n    fields:\n      - {name: a, type: string, requried: true}\n      - {name: b, type: array<string}\n";
    let errors = errors_of(&validator, spec);
    assert!(errors.iter().any(|e| e.contains("requried")), "{errors:#?}");
    assert!(
        errors.iter().any(|e| e.contains("array<string")),
        "{errors:#?}"
    );
}
