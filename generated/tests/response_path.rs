//! Property tests of the response path: arbitrary bytes, JSON built from the API's own field
//! names, and bodies of tiny objects, read as a 200 answer of every endpoint (the generated
//! `RESPONSE_READERS`: the envelope, then the endpoint's type within the memory bound). None
//! may panic, and none may allocate more than the bound: the test's allocator refuses an
//! allocation past it, which aborts the test.
//!
//! One test function, because the allocator's cap is global to the process. The fuzz target
//! in `generated/fuzz/` drives the same path with coverage guidance.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use cap::Cap;
use proptest::prelude::*;
use serde_json::Value;
use std::alloc::System;
use wechat_api_client::{MEMORY_BOUND_FACTOR, RESPONSE_READERS};

#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

/// Room for an error's own text (the excerpt, the message) beside the bound: a few kilobytes,
/// as the README says.
const ERROR_TEXT: usize = 16 * 1024;

/// Reads `body` as an answer of every endpoint under a `limit` of `max_response_bytes`, with
/// allocations capped at what the bound allows beside the body the caller already holds.
fn read_within_bound(body: &[u8], limit: usize) -> Vec<Result<(), String>> {
    let mut results = Vec::with_capacity(RESPONSE_READERS.len());
    let allowed = (MEMORY_BOUND_FACTOR * limit).saturating_sub(body.len()) + ERROR_TEXT;
    for (_, read) in RESPONSE_READERS {
        let before = ALLOCATOR.allocated();
        ALLOCATOR.set_limit(before + allowed).unwrap();
        let result = read(body, limit);
        ALLOCATOR.set_limit(usize::MAX).unwrap();
        results.push(result);
    }
    results
}

/// The export's documents (one per host) as one: their paths and schemas together.
fn merged_export() -> Value {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi");
    let mut merged = serde_json::json!({"paths": {}, "components": {"schemas": {}}});
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let document: Value = serde_json::from_str(&text).unwrap();
        for section in ["paths", "components"] {
            let inner = if section == "paths" {
                None
            } else {
                Some("schemas")
            };
            let (from, to) = match inner {
                None => (&document["paths"], &mut merged["paths"]),
                Some(key) => (&document["components"][key], &mut merged["components"][key]),
            };
            for (key, value) in from.as_object().unwrap() {
                let paths = to.as_object_mut().unwrap();
                // Two hosts may share a path: keep each method.
                match (paths.get_mut(key), value) {
                    (Some(Value::Object(existing)), Value::Object(more)) if inner.is_none() => {
                        existing.extend(more.clone());
                    }
                    _ => {
                        paths.insert(key.clone(), value.clone());
                    }
                }
            }
        }
    }
    merged
}

/// The field names of every schema of the export: JSON in their words goes deep.
fn vocabulary(export: &Value) -> Vec<String> {
    let mut names = vec!["errcode".to_owned(), "errmsg".to_owned()];
    let schemas = export["components"]["schemas"].as_object().unwrap();
    for schema in schemas.values() {
        if let Some(properties) = schema["properties"].as_object() {
            names.extend(properties.keys().cloned());
        }
    }
    names.sort();
    names.dedup();
    names
}

fn json_value(names: Vec<String>) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (0u8..3).prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[a-z0-9_ \\\\\"\u{4e00}-\u{4e10}]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 8, move |inner| {
        let key = proptest::sample::select(names.clone());
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((key, inner), 0..8)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// The smallest instance of `schema` (of the export) whose outermost arrays hold `fill`
/// copies of their smallest item: the shape that decodes into many times its size. Optional
/// scalars are left out; objects and arrays are kept, since they are where the arrays are.
fn smallest(export: &Value, schema: &Value, fill: usize, depth: usize) -> Value {
    if depth > 32 {
        return Value::Null;
    }
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return smallest(
            export,
            &export["components"]["schemas"][name],
            fill,
            depth + 1,
        );
    }
    for combined in ["allOf", "anyOf", "oneOf"] {
        if let Some(first) = schema[combined].get(0) {
            return smallest(export, first, fill, depth + 1);
        }
    }
    if let Some(first) = schema["enum"].get(0) {
        return first.clone();
    }
    match schema["type"].as_str() {
        Some("array") => {
            // Only the outermost array is filled: nested ones would multiply.
            let item = smallest(export, &schema["items"], 1, depth + 1);
            Value::Array(vec![item; fill])
        }
        Some("integer") | Some("number") => Value::from(1),
        Some("boolean") => Value::Bool(true),
        Some("string") => Value::from(""),
        _ => {
            let required: Vec<&str> = schema["required"]
                .as_array()
                .map(|names| names.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut object = serde_json::Map::new();
            for (name, property) in schema["properties"].as_object().into_iter().flatten() {
                let value = smallest(export, property, fill, depth + 1);
                if required.contains(&name.as_str()) || value.is_array() || value.is_object() {
                    object.insert(name.clone(), value);
                }
            }
            object.remove("errcode");
            Value::Object(object)
        }
    }
}

/// Each endpoint's wire name and the success schema of its JSON answer (an endpoint whose
/// success is only a file has none: its JSON answer is only the error).
fn success_schemas(export: &Value) -> Vec<(String, Value)> {
    let mut schemas = Vec::new();
    for item in export["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(_, item)| item)
    {
        for operation in item.as_object().into_iter().flatten().map(|(_, op)| op) {
            let answer = &operation["responses"]["200"]["content"]["application/json"]["schema"];
            if answer.get("anyOf").is_none() {
                continue;
            }
            if let Some(name) = operation["x-wechat-endpoint"].as_str() {
                schemas.push((name.to_owned(), answer.clone()));
            }
        }
    }
    schemas
}

#[test]
fn the_response_path_never_panics_nor_passes_its_memory_bound() {
    assert!(!RESPONSE_READERS.is_empty(), "every group is compiled");
    let export = merged_export();
    let names = vocabulary(&export);
    let config = ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(bytes in prop::collection::vec(any::<u8>(), 0..2048))| {
        read_within_bound(&bytes, 64 * 1024);
    });
    proptest!(config, |(value in json_value(names.clone()), limit in 16usize..256)| {
        let body = serde_json::to_vec(&value).unwrap();
        let results = read_within_bound(&body, limit * 1024);
        // A non-zero errcode is the answer of every endpoint, whatever else the body holds.
        let code = value.get("errcode").and_then(Value::as_i64).filter(|c| *c != 0);
        if let Some(code) = code {
            for result in results {
                let error = result.expect_err("a non-zero errcode is an error");
                prop_assert!(error.contains(&format!("errcode {code}")), "{}", error);
            }
        }
    });
    // Every endpoint's answer with its arrays filled: within the bound it decodes, past it
    // it is refused by the bound, and nothing else happens.
    let schemas = success_schemas(&export);
    assert_eq!(schemas.len(), RESPONSE_READERS.len());
    proptest!(config, |(which in 0..schemas.len(), fill in 0usize..3000, limit in 16usize..64)| {
        let (name, schema) = &schemas[which];
        let body = serde_json::to_vec(&smallest(&export, schema, fill, 0)).unwrap();
        let limit = limit * 1024;
        prop_assume!(body.len() <= limit);
        let results = read_within_bound(&body, limit);
        let (index, _) = RESPONSE_READERS.iter().enumerate().find(|(_, (n, _))| n == name).unwrap();
        if let Err(error) = &results[index] {
            prop_assert!(error.contains("memory"), "{}: {}", name, error);
        }
    });
}
