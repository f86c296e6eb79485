//! The OpenAPI export, deserialized by an independent parser (`openapiv3`, which reads the 3.0
//! structure but does not validate it), holds every operation, type, field and error code of the
//! specs it comes from, and every reference in it resolves.
//!
//! What the specs define is read through the generator's own front end, so a spec added later is
//! checked without touching this test.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codegen::ir::{
    Endpoint, EnumValue, FieldLocation, HttpMethod, Presence, RequestEncoding, ResponseFormat,
    StructDef, TypeDef,
};
use openapiv3::{
    APIKeyLocation, OpenAPI, Operation, ReferenceOr, Schema, SchemaKind, SecurityScheme, Type,
};

/// The documents of one target's export: a document per host, by host.
fn documents(crate_dir: &std::path::Path) -> Vec<(String, std::path::PathBuf)> {
    let mut found: Vec<(String, std::path::PathBuf)> = std::fs::read_dir(crate_dir.join("openapi"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let host = path.file_stem().unwrap().to_string_lossy().into_owned();
            (host, path)
        })
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no export in {}", crate_dir.display());
    found
}

/// Every document of every target the generator writes, parsed, with its host and the target's
/// specs lowered, less the endpoints of other hosts.
fn exports() -> Vec<(String, OpenAPI, codegen::ir::Api)> {
    let mut exports = Vec::new();
    for target in codegen::default_targets(&codegen::workspace_root()) {
        let specs = codegen::load::load_dir(&target.specs).unwrap();
        let (api, _) = codegen::lower::lower(&specs).unwrap();
        for (host, path) in documents(&target.crate_dir) {
            let text = std::fs::read_to_string(&path).unwrap();
            let parsed: OpenAPI = serde_json::from_str(&text)
                .unwrap_or_else(|err| panic!("{} is not OpenAPI 3.0: {err}", path.display()));
            let mut api = api.clone();
            for module in &mut api.modules {
                match &module.endpoint {
                    Some(e) if e.host != host => {
                        module.endpoint = None;
                        module.types.clear();
                    }
                    Some(_) => {}
                    // Shared types are in every document.
                    None => {}
                }
            }
            exports.push((path.display().to_string(), parsed, api));
        }
    }
    exports
}

fn schema<'a>(doc: &'a OpenAPI, name: &str) -> &'a Schema {
    let components = doc.components.as_ref().unwrap();
    match components.schemas.get(name) {
        Some(ReferenceOr::Item(schema)) => schema,
        other => panic!("schema `{name}` is {other:?}"),
    }
}

fn ref_name(reference: &ReferenceOr<Schema>) -> &str {
    match reference {
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("not a schema reference: {reference}")),
        ReferenceOr::Item(item) => panic!("an inline schema where a reference is due: {item:?}"),
    }
}

/// The properties and required names of an object schema (the object's own, for one that
/// flattens a union: the first of its `allOf`).
fn object(schema: &Schema) -> (Vec<&str>, &[String]) {
    if let SchemaKind::AllOf { all_of } = &schema.schema_kind
        && let Some(ReferenceOr::Item(own)) = all_of.first()
    {
        return object(own);
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => (
            object.properties.keys().map(String::as_str).collect(),
            &object.required,
        ),
        other => panic!("not an object: {other:?}"),
    }
}

fn operation<'a>(doc: &'a OpenAPI, e: &Endpoint) -> &'a Operation {
    let Some(ReferenceOr::Item(item)) = doc.paths.paths.get(&e.path) else {
        panic!("no path {}", e.path)
    };
    let op = match e.http_method {
        HttpMethod::Get => item.get.as_ref(),
        HttpMethod::Post => item.post.as_ref(),
    };
    op.unwrap_or_else(|| panic!("no operation at {}", e.path))
}

fn check_struct(doc: &OpenAPI, s: &StructDef, skip: &[String], label: &str) {
    let (properties, required) = object(schema(doc, &s.rust_name));
    // A flattened union's keys are in the union's schema.
    let own = s.fields.iter().filter(|f| f.flatten.is_none());
    for f in own.filter(|f| !skip.contains(&f.rust_name)) {
        assert!(
            properties.contains(&f.wire_name.as_str()),
            "{label}: `{}` lacks field `{}`",
            s.rust_name,
            f.wire_name
        );
        assert_eq!(
            required.contains(&f.wire_name),
            f.presence == Presence::Required,
            "{label}: `{}.{}` required or not",
            s.rust_name,
            f.wire_name
        );
    }
}

fn check_endpoint(doc: &OpenAPI, e: &Endpoint, label: &str) {
    let op = operation(doc, e);
    assert_eq!(op.operation_id.as_deref(), Some(e.method_name.as_str()));
    // The token: an API key in the query, under the endpoint's parameter name.
    let security = op.security.as_ref().unwrap();
    match &e.token {
        Some(token) => {
            let scheme = security[0].keys().next().unwrap();
            let components = doc.components.as_ref().unwrap();
            let Some(ReferenceOr::Item(SecurityScheme::APIKey { location, name, .. })) =
                components.security_schemes.get(scheme)
            else {
                panic!("{label}: scheme `{scheme}` is not an API key")
            };
            assert!(matches!(location, APIKeyLocation::Query));
            assert_eq!(name, &token.query_param);
        }
        None => assert!(
            security.is_empty(),
            "{label}: {} takes no token",
            e.wire_name
        ),
    }
    // Query fields are parameters; the others are the body's schema.
    let parameters: Vec<&str> = op
        .parameters
        .iter()
        .map(|p| match p {
            ReferenceOr::Item(p) => p.parameter_data_ref().name.as_str(),
            ReferenceOr::Reference { reference } => panic!("{reference}"),
        })
        .collect();
    for f in e
        .request
        .fields
        .iter()
        .filter(|f| f.location == FieldLocation::Query)
    {
        assert!(
            parameters.contains(&f.wire_name.as_str()),
            "{label}: no parameter {}",
            f.wire_name
        );
    }
    // Constants: a required parameter, or a required body property, of their one value.
    for constant in e.constants.iter().filter(|c| c.in_query) {
        assert!(
            parameters.contains(&constant.wire_name.as_str()),
            "{label}: no parameter {}",
            constant.wire_name
        );
    }
    if e.http_method == HttpMethod::Post {
        let Some(ReferenceOr::Item(body)) = &op.request_body else {
            panic!("{label}: {} has no request body", e.wire_name)
        };
        let content_type = match e.encoding {
            RequestEncoding::Json => "application/json",
            RequestEncoding::Multipart => "multipart/form-data",
        };
        let body_schema = body.content[content_type].schema.as_ref().unwrap();
        assert_eq!(ref_name(body_schema), e.request.rust_name);
        let query: Vec<String> = e
            .request
            .fields
            .iter()
            .filter(|f| f.location == FieldLocation::Query)
            .map(|f| f.rust_name.clone())
            .collect();
        check_struct(doc, &e.request, &query, label);
        let (properties, required) = object(schema(doc, &e.request.rust_name));
        for constant in e.constants.iter().filter(|c| !c.in_query) {
            assert!(properties.contains(&constant.wire_name.as_str()), "{label}");
            assert!(required.contains(&constant.wire_name), "{label}");
        }
    }
    let Some(ReferenceOr::Item(ok)) = op
        .responses
        .responses
        .get(&openapiv3::StatusCode::Code(200))
    else {
        panic!("{label}: no 200 response")
    };
    // A file: its content types, each bytes.
    if let Some(bytes) = e.format.bytes() {
        let types: Vec<&str> = ok.content.keys().map(String::as_str).collect();
        for content_type in &bytes.content_types {
            assert!(types.contains(&content_type.as_str()), "{label}: {types:?}");
        }
    }
    let json = ok.content["application/json"].schema.as_ref().unwrap();
    if let ResponseFormat::Bytes(_) = e.format {
        // Only errors are JSON.
        assert_eq!(ref_name(json), "ErrorResponse", "{label}");
    } else {
        // The payload, or the error envelope: WeChat answers both with HTTP 200.
        let ReferenceOr::Item(answer) = json else {
            panic!("{label}: the answer's schema is a bare reference")
        };
        let SchemaKind::AnyOf { any_of } = &answer.schema_kind else {
            panic!("{label}: {answer:?}")
        };
        let names: Vec<&str> = any_of.iter().map(ref_name).collect();
        assert_eq!(names, [e.response.rust_name.as_str(), "ErrorResponse"]);
        check_struct(doc, &e.response, &[], label);
        let (envelope, _) = object(schema(doc, &e.response.rust_name));
        assert!(envelope.contains(&"errcode") && envelope.contains(&"errmsg"));
    }
    // Every code of its own: in the extension, with its variant name, and in the description.
    let errors = op.extensions["x-wechat-errors"].as_array().unwrap();
    let description = op.description.as_deref().unwrap();
    let own: Vec<_> = e.error.own_variants().collect();
    assert_eq!(errors.len(), own.len(), "{label}: {}", e.wire_name);
    for v in own {
        assert!(
            errors
                .iter()
                .any(|x| x["code"] == v.code && x["name"] == v.rust_name.as_str()),
            "{label}: {} lacks code {}",
            e.wire_name,
            v.code
        );
        assert!(
            description.contains(&format!("| {} | ", v.code)),
            "{label}: the description of {} lacks code {}",
            e.wire_name,
            v.code
        );
    }
    // The codes of its sets: the sets are named, and each code is in the document's table of
    // its set (extension and description).
    let sets: Vec<&str> = e.error.sets.iter().map(|set| set.name.as_str()).collect();
    let named: Vec<&str> = op
        .extensions
        .get("x-wechat-error-sets")
        .map(|names| {
            names
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_str().unwrap())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(named, sets, "{label}: {}", e.wire_name);
    for v in e.error.variants.iter().filter(|v| v.from_set.is_some()) {
        let set = v.from_set.as_deref().unwrap();
        assert!(
            description.contains(&format!("`{set}`")),
            "{label}: {}",
            e.wire_name
        );
        let listed = doc.extensions["x-wechat-error-sets"][set]
            .as_array()
            .unwrap();
        assert!(
            listed
                .iter()
                .any(|x| x["code"] == v.code && x["name"] == v.rust_name.as_str()),
            "{label}: set {set} lacks code {}",
            v.code
        );
        let info = doc.info.description.as_deref().unwrap();
        assert!(
            info.contains(&format!("| {} | ", v.code)),
            "{label}: {}",
            v.code
        );
    }
}

#[test]
fn the_export_holds_every_operation_type_field_and_error_code() {
    for (label, doc, api) in exports() {
        assert_eq!(doc.openapi, "3.0.3");
        let mut endpoints = 0;
        for module in &api.modules {
            if let Some(e) = &module.endpoint {
                check_endpoint(&doc, e, &label);
                if e.format.has_json() {
                    check_struct(&doc, &e.response, &[], &label);
                }
                endpoints += 1;
            }
            for ty in &module.types {
                match ty {
                    TypeDef::Struct(s) => {
                        let is_request = module
                            .endpoint
                            .as_ref()
                            .is_some_and(|e| e.request.rust_name == s.rust_name);
                        if !is_request {
                            check_struct(&doc, s, &[], &label);
                        }
                    }
                    TypeDef::Enum(e) => {
                        let schema = schema(&doc, &e.rust_name);
                        assert_eq!(
                            schema.schema_data.extensions.get("x-open-enum"),
                            Some(&serde_json::Value::Bool(true)),
                            "{label}: `{}` is not marked open",
                            e.rust_name
                        );
                        for v in &e.variants {
                            let listed = match (&schema.schema_kind, &v.value) {
                                (SchemaKind::Type(Type::Integer(t)), EnumValue::Integer(i)) => {
                                    t.enumeration.contains(&Some(*i))
                                }
                                (SchemaKind::Type(Type::String(t)), EnumValue::String(s)) => {
                                    t.enumeration.contains(&Some(s.clone()))
                                }
                                _ => false,
                            };
                            assert!(listed, "{label}: `{}` lacks {:?}", e.rust_name, v.value);
                        }
                    }
                    TypeDef::Union(u) => {
                        let schema = schema(&doc, &u.rust_name);
                        let SchemaKind::OneOf { one_of } = &schema.schema_kind else {
                            panic!("{label}: `{}` is not oneOf", u.rust_name)
                        };
                        assert_eq!(one_of.len(), u.variants.len(), "{label}: {}", u.rust_name);
                        assert_eq!(
                            schema.schema_data.extensions.get("x-union-tag"),
                            Some(&serde_json::Value::from(u.tag.as_str())),
                            "{label}"
                        );
                    }
                }
            }
        }
        let operations = doc.operations().count();
        assert_eq!(
            operations, endpoints,
            "{label}: operations that no spec defines"
        );
        assert!(endpoints > 0);
    }
}

/// Every `$ref` in the export names a schema it defines (the parser does not resolve them).
#[test]
fn every_reference_resolves() {
    fn walk<'a>(value: &'a serde_json::Value, found: &mut Vec<&'a str>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(target)) = map.get("$ref") {
                    found.push(target);
                }
                map.values().for_each(|v| walk(v, found));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    let paths = codegen::default_targets(&codegen::workspace_root())
        .into_iter()
        .flat_map(|target| documents(&target.crate_dir));
    for (_, path) in paths {
        let text = std::fs::read_to_string(path).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut refs = Vec::new();
        walk(&json, &mut refs);
        assert!(!refs.is_empty());
        for target in refs {
            let name = target.strip_prefix("#/components/schemas/").unwrap();
            assert!(
                json["components"]["schemas"].get(name).is_some(),
                "`{target}` resolves to nothing"
            );
        }
    }
}

#[test]
fn the_link_family_is_exported_as_written() {
    let (_, doc, _) = exports().into_iter().next().unwrap();
    let ids: Vec<_> = doc
        .operations()
        .filter_map(|(_, _, op)| op.operation_id.clone())
        .collect();
    for id in [
        "get_linked_mini_programs",
        "link_mini_program",
        "unlink_mini_program",
    ] {
        assert!(ids.contains(&id.to_owned()), "{ids:?}");
    }
    // 0/1 flags are integers on the wire, and all three body fields are required.
    let (properties, required) = object(schema(&doc, "LinkMiniProgramRequest"));
    assert_eq!(properties, ["appid", "notify_users", "show_profile"]);
    assert_eq!(required, ["appid", "notify_users", "show_profile"]);
    let SchemaKind::Type(Type::Object(link)) = &schema(&doc, "LinkMiniProgramRequest").schema_kind
    else {
        panic!()
    };
    let ReferenceOr::Item(flag) = &link.properties["notify_users"] else {
        panic!()
    };
    let SchemaKind::Type(Type::Integer(flag)) = &flag.schema_kind else {
        panic!("{flag:?}")
    };
    assert_eq!(flag.enumeration, [Some(0), Some(1)]);
}
