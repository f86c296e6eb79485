//! The JSON Schema of the spec language, derived from the [`spec`](crate::spec) types, so the
//! language is described once. Editors that speak the YAML language server read it from the
//! `# yaml-language-server: $schema=…` line at the top of each spec: they complete keys, show the
//! doc comments of `spec.rs` on hover, and flag unknown keys as the generator would.

use crate::spec::SpecFile;
use schemars::generate::SchemaSettings;
use std::sync::OnceLock;

/// The schema's file name in the specs folder.
pub const SCHEMA_FILE: &str = "spec-language.schema.json";

/// The schema as the file checked in under `specs/`, relative to that folder.
pub fn output() -> Result<crate::OutputFile, crate::Error> {
    Ok(crate::OutputFile {
        path: SCHEMA_FILE.into(),
        contents: json().map_err(crate::Error::Internal)?,
    })
}

/// The schema as a JSON value, built once per process, for [`crate::shape`].
pub fn value() -> &'static serde_json::Value {
    static SCHEMA: OnceLock<serde_json::Value> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::to_value(root()).unwrap_or_default())
}

fn root() -> schemars::Schema {
    // Draft 7 is the newest draft every common YAML editor integration fully supports.
    SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<SpecFile>()
}

/// The schema as pretty-printed JSON with a final newline, ready to check in.
pub fn json() -> Result<String, String> {
    let mut schema = root();
    schema.insert(
        "title".to_owned(),
        "WeChat API spec (spec language v1)".into(),
    );
    schema.insert(
        "description".to_owned(),
        format!(
            "One endpoint of the WeChat API, and named types and error sets any spec may use. \
             Generated from codegen/src/spec.rs by `{}`; do not edit.",
            crate::REGENERATE_COMMAND
        )
        .into(),
    );
    serde_json::to_string_pretty(&schema)
        .map(|json| json + "\n")
        .map_err(|err| format!("cannot serialize the spec language's schema: {err}"))
}
