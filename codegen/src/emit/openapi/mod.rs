//! The OpenAPI 3.0.3 export of the specs: the same source of truth for other languages and tools
//! (Swagger UI, gateways, other generators). A document per host: OpenAPI keys operations by
//! method and path, and WeCom's host repeats many of WeChat's paths.
//!
//! Each endpoint is an operation whose id is its client method; the token is an API key in the
//! query; request bodies and responses are named schemas (the Rust type names); enums list their
//! documented values and are marked open (`x-open-enum`), since WeChat sends values no table
//! lists; each operation's own error codes are the extension `x-wechat-errors` and a table in
//! its description, and the error sets it includes (the 13 global codes) are named in
//! `x-wechat-error-sets` and listed once, at the top of the document. WeChat answers errors with HTTP 200 and a non-zero `errcode`, so every response
//! schema has `errcode` and `errmsg` beside the payload.

use crate::ir::FieldLocation;
use crate::ir::{
    Api, DefaultValue, Endpoint, EnumDef, EnumRepr, EnumValue, ErrorVariant, FieldDef, HttpMethod,
    Presence, RequestEncoding, ResponseFormat, StructDef, TypeDef, TypeRef,
};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

mod unions;

/// The export's folder, at the top of the output crate: a document per host, `<host>.json`.
pub const DIR: &str = "openapi";

/// The schema of an error answer, shared by every operation (no spec type may take the name).
pub const ERROR_RESPONSE: &str = "ErrorResponse";

/// The export: a document per host (OpenAPI keys operations by method and path, and two hosts
/// share paths: WeCom repeats many of WeChat's), each as pretty-printed JSON ending with a
/// newline, named after its host, in host order.
pub fn export(api: &Api, specs_label: &str) -> Result<Vec<(String, String)>, String> {
    let enums: BTreeMap<&str, &EnumDef> = api
        .modules
        .iter()
        .flat_map(|m| &m.types)
        .filter_map(|t| match t {
            TypeDef::Enum(e) => Some((e.rust_name.as_str(), e)),
            TypeDef::Struct(_) | TypeDef::Union(_) => None,
        })
        .collect();
    let cx = Cx { enums };
    let schemas = all_schemas(&cx, api);
    let hosts: std::collections::BTreeSet<&str> = api
        .modules
        .iter()
        .filter_map(|m| m.endpoint.as_ref())
        .map(|e| e.host.as_str())
        .collect();
    let mut documents = Vec::with_capacity(hosts.len());
    for host in hosts {
        let document = host_document(&cx, api, specs_label, host, &schemas)?;
        let text = serde_json::to_string_pretty(&document)
            .map_err(|err| format!("the OpenAPI export does not serialize: {err}"))?;
        documents.push((host.to_owned(), text + "\n"));
    }
    Ok(documents)
}

/// Every named schema of the API, and the error answer's.
fn all_schemas(cx: &Cx<'_>, api: &Api) -> Map<String, Value> {
    let mut schemas = Map::new();
    for module in &api.modules {
        if let Some(e) = &module.endpoint {
            // A GET sends no body: its request is only query parameters.
            if e.http_method != HttpMethod::Get {
                schemas.insert(
                    e.request.rust_name.clone(),
                    cx.object(&e.request, Some(e), false),
                );
            }
            // A response that is only bytes has no JSON schema of its own.
            if e.format.has_json() {
                schemas.insert(
                    e.response.rust_name.clone(),
                    cx.object(&e.response, None, true),
                );
            }
        }
        for ty in &module.types {
            let (name, schema) = match ty {
                TypeDef::Struct(s) => (&s.rust_name, cx.object(s, None, false)),
                TypeDef::Enum(e) => (&e.rust_name, enum_schema(e)),
                TypeDef::Union(u) => (&u.rust_name, unions::union_schema(u)),
            };
            schemas.insert(name.clone(), schema);
        }
    }
    schemas.insert(
        ERROR_RESPONSE.to_owned(),
        json!({
            "type": "object",
            "description": "An error answer: a non-zero `errcode` and the server's `errmsg`.",
            "properties": {
                "errcode": {"type": "integer", "format": "int64", "description": "The error code; see the operation's `x-wechat-errors` and `x-wechat-error-sets`."},
                "errmsg": {"type": "string", "description": "The server's message."},
            },
            "required": ["errcode"],
        }),
    );
    schemas
}

/// The document of the endpoints on `host`, with the schemas, token kinds, groups and error
/// sets they use.
fn host_document(
    cx: &Cx<'_>,
    api: &Api,
    specs_label: &str,
    host: &str,
    schemas: &Map<String, Value>,
) -> Result<Value, String> {
    let mut paths = Map::new();
    let mut schemes = Map::new();
    let mut groups = std::collections::BTreeSet::new();
    let mut used_sets = std::collections::BTreeSet::new();
    for module in &api.modules {
        let Some(e) = module.endpoint.as_ref().filter(|e| e.host == host) else {
            continue;
        };
        if let Some(token) = &e.token {
            let docs = api
                .token_kinds
                .iter()
                .find(|kind| kind.name == token.kind)
                .map_or_else(String::new, |kind| kind.docs.clone());
            schemes.insert(
                scheme_name(&token.kind, &token.query_param),
                json!({
                    "type": "apiKey",
                    "in": "query",
                    "name": token.query_param,
                    "description": format!("The `{}` token kind. {docs}", token.kind).trim_end().to_owned(),
                }),
            );
        }
        let tag = (module.path.len() > 1).then(|| module.path[0].clone());
        groups.extend(tag.clone());
        used_sets.extend(e.error.sets.iter().map(|set| set.name.clone()));
        let method = match e.http_method {
            HttpMethod::Get => "get",
            HttpMethod::Post => "post",
        };
        let entry = paths
            .entry(e.path.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(entry) = entry {
            if entry.contains_key(method) {
                return Err(format!(
                    "two endpoints are `{method} https://{host}{}`",
                    e.path
                ));
            }
            entry.insert(method.to_owned(), cx.operation(e, tag));
        }
    }
    let tags: Vec<Value> = groups
        .iter()
        .map(|group| {
            json!({
                "name": group,
                "description": format!("The endpoints of the specs in `{specs_label}/{group}/`."),
            })
        })
        .collect();
    // Error sets are shared by many operations: listed once here, named by each operation.
    let mut info = format!(
        "Generated by `{}` from the specs in `{specs_label}/`: the endpoints on `{host}`; do not edit by hand. \
         WeChat answers a failed call with HTTP 200 and a non-zero `errcode`: each operation lists its own codes in `x-wechat-errors`, \
         and the error sets it includes in `x-wechat-error-sets`, whose codes are in this document's `x-wechat-error-sets` and below.",
        crate::REGENERATE_COMMAND
    );
    let mut error_sets = Map::new();
    for set in api.modules.iter().flat_map(|m| &m.error_sets) {
        if !used_sets.contains(&set.name) {
            continue;
        }
        info.push_str(&format!(
            "\n\n**Error set `{}`**: {}\n\n{}",
            set.name,
            set.docs.trim(),
            error_table(&set.variants).trim_end()
        ));
        error_sets.insert(set.name.clone(), json!(error_entries(&set.variants)));
    }
    let paths = Value::Object(paths);
    // A shared type (of a top-level file) is in every document, even one no operation uses,
    // so that none is lost; an endpoint's own types are in its host's.
    let shared: Vec<Value> = api
        .modules
        .iter()
        .filter(|m| m.endpoint.is_none())
        .flat_map(|m| &m.types)
        .map(|ty| reference(type_name(ty)))
        .collect();
    let schemas = reachable(&json!([paths, shared]), schemas);
    Ok(json!({
        "openapi": "3.0.3",
        "info": {
            "title": format!("WeChat Open Platform API: {host}"),
            "version": "1",
            "description": info,
        },
        "x-wechat-error-sets": error_sets,
        "servers": [{"url": format!("https://{host}")}],
        "tags": tags,
        "paths": paths,
        "components": {"securitySchemes": schemes, "schemas": schemas},
    }))
}

/// The schemas `from` refers to, and those they refer to, at any depth.
fn reachable(from: &Value, schemas: &Map<String, Value>) -> Map<String, Value> {
    let mut found = Map::new();
    let mut pending = Vec::new();
    references(from, &mut pending);
    while let Some(name) = pending.pop() {
        if found.contains_key(&name) {
            continue;
        }
        if let Some(schema) = schemas.get(&name) {
            references(schema, &mut pending);
            found.insert(name, schema.clone());
        }
    }
    // `Map` keeps its keys sorted: the document's order does not depend on the walk's.
    found
}

fn references(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(target)) => {
                        if let Some(name) = target.strip_prefix("#/components/schemas/") {
                            found.push(name.to_owned());
                        }
                    }
                    _ => references(value, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| references(item, found)),
        _ => {}
    }
}

fn scheme_name(kind: &str, query_param: &str) -> String {
    if kind == query_param {
        kind.to_owned()
    } else {
        format!("{kind}_in_{query_param}")
    }
}

struct Cx<'a> {
    enums: BTreeMap<&'a str, &'a EnumDef>,
}

impl Cx<'_> {
    fn operation(&self, e: &Endpoint, tag: Option<String>) -> Value {
        let mut op = Map::new();
        op.insert("operationId".into(), json!(e.method_name));
        op.insert("summary".into(), json!(e.summary));
        op.insert("description".into(), json!(description(e)));
        deprecate(&mut op, e.deprecated.as_deref());
        if let Some(tag) = tag {
            op.insert("tags".into(), json!([tag]));
        }
        if let Some(url) = &e.doc_url {
            op.insert("externalDocs".into(), json!({"url": url}));
        }

        let security = match &e.token {
            Some(token) => json!([{ scheme_name(&token.kind, &token.query_param): [] }]),
            None => json!([]),
        };
        op.insert("security".into(), security);
        let mut parameters: Vec<Value> = e
            .request
            .fields
            .iter()
            .filter(|f| f.location == FieldLocation::Query)
            .map(|f| {
                let mut schema = self.field_schema(f);
                if let (Value::Object(map), Some(default)) = (&mut schema, self.default_value(f)) {
                    map.insert("default".into(), default);
                }
                let mut parameter = Map::new();
                parameter.insert("name".into(), json!(f.wire_name));
                parameter.insert("in".into(), json!("query"));
                parameter.insert("required".into(), json!(f.presence == Presence::Required));
                parameter.insert("description".into(), json!(f.docs));
                parameter.insert("schema".into(), schema);
                deprecate(&mut parameter, f.deprecated.as_deref());
                Value::Object(parameter)
            })
            .collect();
        parameters.extend(e.constants.iter().filter(|c| c.in_query).map(|c| {
            json!({
                "name": c.wire_name,
                "in": "query",
                "required": true,
                "description": c.docs,
                "schema": const_schema(&c.value),
            })
        }));
        if !parameters.is_empty() {
            op.insert("parameters".into(), json!(parameters));
        }
        if e.http_method == HttpMethod::Post {
            let mut media = Map::new();
            media.insert("schema".into(), reference(&e.request.rust_name));
            let content_type = match e.encoding {
                RequestEncoding::Json => "application/json",
                RequestEncoding::Multipart => {
                    // Parts that hold objects, lists or maps are JSON text.
                    let encoding: Map<String, Value> = e
                        .request
                        .fields
                        .iter()
                        .filter(|f| f.location == FieldLocation::Part)
                        .filter(|f| match &f.ty {
                            // An enum's part is its raw value; an object's is JSON.
                            TypeRef::Named { rust_name, .. } => {
                                !self.enums.contains_key(rust_name.as_str())
                            }
                            TypeRef::Array(_) | TypeRef::Map(_) => true,
                            _ => false,
                        })
                        .map(|f| {
                            (
                                f.wire_name.clone(),
                                json!({"contentType": "application/json"}),
                            )
                        })
                        .collect();
                    if !encoding.is_empty() {
                        media.insert("encoding".into(), Value::Object(encoding));
                    }
                    "multipart/form-data"
                }
            };
            op.insert(
                "requestBody".into(),
                json!({"required": true, "content": {content_type: media}}),
            );
        }
        // Errors come with HTTP 200 too: the answer is the payload or the error envelope.
        let json_answer = match e.format {
            ResponseFormat::Bytes(_) => reference(ERROR_RESPONSE),
            _ => json!({"anyOf": [reference(&e.response.rust_name), reference(ERROR_RESPONSE)]}),
        };
        let mut content = Map::new();
        content.insert("application/json".into(), json!({"schema": json_answer}));
        let description = match &e.format {
            ResponseFormat::Json => {
                "The payload when `errcode` is 0 or absent; otherwise an error of `x-wechat-errors` or of the sets in `x-wechat-error-sets` (or a code no table lists)."
            }
            ResponseFormat::Bytes(bytes) | ResponseFormat::JsonOrBytes(bytes) => {
                let types = if bytes.content_types.is_empty() {
                    vec!["application/octet-stream".to_owned()]
                } else {
                    bytes.content_types.clone()
                };
                for content_type in types {
                    content.insert(
                        content_type,
                        json!({"schema": {"type": "string", "format": "binary"}}),
                    );
                }
                if e.format.has_json() {
                    "The file's bytes; or, as JSON, the payload when `errcode` is 0 or absent, otherwise an error of `x-wechat-errors` or of the sets in `x-wechat-error-sets`."
                } else {
                    "The file's bytes; or, as JSON, an error of `x-wechat-errors` or of the sets in `x-wechat-error-sets` (or a code no table lists)."
                }
            }
        };
        op.insert(
            "responses".into(),
            json!({"200": {"description": description, "content": content}}),
        );
        // The codes of included sets are listed once, at the top of the document.
        op.insert(
            "x-wechat-errors".into(),
            json!(error_entries(e.error.own_variants())),
        );
        if !e.error.sets.is_empty() {
            let sets: Vec<&str> = e.error.sets.iter().map(|set| set.name.as_str()).collect();
            op.insert("x-wechat-error-sets".into(), json!(sets));
        }
        op.insert("x-wechat-endpoint".into(), json!(e.wire_name));
        if let Some(third_party) = &e.third_party {
            op.insert(
                "x-wechat-third-party".into(),
                json!({"allowed": third_party.allowed, "permission_sets": third_party.permission_sets}),
            );
        }
        Value::Object(op)
    }

    /// An object type. A request schema lists only its body fields (query fields are
    /// parameters); a response schema adds `errcode` and `errmsg`.
    fn object(&self, s: &StructDef, request: Option<&Endpoint>, envelope: bool) -> Value {
        let mut properties = Map::new();
        let mut required = Vec::new();
        if envelope {
            properties.insert(
                "errcode".into(),
                json!({"type": "integer", "format": "int64", "description": "0 (or absent) on success; any other value is an error of the operation's `x-wechat-errors` or `x-wechat-error-sets`."}),
            );
            properties.insert(
                "errmsg".into(),
                json!({"type": "string", "description": "`ok` on success; the server's message otherwise."}),
            );
        }
        let mut flattened = None;
        for f in &s.fields {
            if f.location == FieldLocation::Query {
                continue;
            }
            if f.flatten.is_some() {
                flattened = Some(f);
                continue;
            }
            let mut schema = self.field_schema(f);
            if f.lenient {
                schema = lenient_schema(schema, &f.ty);
            }
            if let Value::Object(map) = &mut schema {
                map.insert("description".into(), json!(f.docs));
                deprecate(map, f.deprecated.as_deref());
                if let Some(default) = self.default_value(f) {
                    map.insert("default".into(), default);
                }
                if f.rust_name.trim_start_matches("r#") != f.wire_name {
                    map.insert(
                        "x-rust-name".into(),
                        json!(f.rust_name.trim_start_matches("r#")),
                    );
                }
            }
            properties.insert(f.wire_name.clone(), schema);
            if f.presence == Presence::Required {
                required.push(f.wire_name.clone());
            }
        }
        for constant in request
            .iter()
            .flat_map(|e| &e.constants)
            .filter(|c| !c.in_query)
        {
            let mut schema = const_schema(&constant.value);
            if let Value::Object(map) = &mut schema {
                map.insert("description".into(), json!(constant.docs));
            }
            properties.insert(constant.wire_name.clone(), schema);
            required.push(constant.wire_name.clone());
        }
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        if !s.docs.is_empty() {
            schema.insert("description".into(), json!(s.docs));
        }
        schema.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), json!(required));
        }
        // A flattened union's keys are this object's too: both schemas hold.
        match flattened.map(|f| (&f.ty, f.presence == Presence::Required)) {
            Some((TypeRef::Named { rust_name, .. }, required)) => {
                let union = if required {
                    reference(rust_name)
                } else {
                    json!({"anyOf": [reference(rust_name), {"type": "object"}]})
                };
                let mut wrapper = Map::new();
                if let Some(description) = schema.remove("description") {
                    wrapper.insert("description".into(), description);
                }
                wrapper.insert("allOf".into(), json!([Value::Object(schema), union]));
                Value::Object(wrapper)
            }
            _ => Value::Object(schema),
        }
    }

    /// A field's value; a named type is wrapped in `allOf`, the 3.0 way to give a reference
    /// docs and a default of its own.
    fn field_schema(&self, f: &FieldDef) -> Value {
        match &f.ty {
            TypeRef::Named { rust_name, .. } => json!({"allOf": [reference(rust_name)]}),
            other => type_schema(other),
        }
    }

    fn default_value(&self, f: &FieldDef) -> Option<Value> {
        let flag = f.ty == TypeRef::Flag;
        Some(match &f.presence {
            Presence::Required | Presence::Optional => return None,
            Presence::DefaultZero => match &f.ty {
                TypeRef::String | TypeRef::Secret => json!(""),
                TypeRef::Integer | TypeRef::Flag => json!(0),
                TypeRef::Number => json!(0.0),
                TypeRef::Boolean => json!(false),
                TypeRef::Array(_) => json!([]),
                TypeRef::Named { .. } | TypeRef::Map(_) => json!({}),
                TypeRef::File => return None,
            },
            Presence::DefaultValue(value) => match value {
                DefaultValue::Integer(i) => json!(i),
                DefaultValue::Number(n) => json!(n),
                DefaultValue::String(s) => json!(s),
                DefaultValue::Bool(b) if flag => json!(u8::from(*b)),
                DefaultValue::Bool(b) => json!(b),
                DefaultValue::EnumVariant { enum_name, variant } => {
                    let e = self.enums.get(enum_name.as_str())?;
                    let v = e.variants.iter().find(|v| &v.rust_name == variant)?;
                    wire_value(&v.value)
                }
            },
        })
    }
}

fn type_schema(ty: &TypeRef) -> Value {
    match ty {
        TypeRef::String => json!({"type": "string"}),
        TypeRef::Secret => json!({"type": "string", "format": "password", "x-secret": true}),
        TypeRef::Integer => json!({"type": "integer", "format": "int64"}),
        TypeRef::Number => json!({"type": "number", "format": "double"}),
        TypeRef::Boolean => json!({"type": "boolean"}),
        TypeRef::Flag => json!({"type": "integer", "enum": [0, 1], "x-flag": true}),
        TypeRef::Named { rust_name, .. } => reference(rust_name),
        TypeRef::File => json!({"type": "string", "format": "binary"}),
        TypeRef::Array(inner) => json!({"type": "array", "items": type_schema(inner)}),
        TypeRef::Map(inner) => {
            json!({"type": "object", "additionalProperties": type_schema(inner)})
        }
    }
}

/// A constant: its one value, which is also its default.
fn const_schema(value: &Value) -> Value {
    let ty = match value {
        Value::String(_) => "string",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        _ => "integer",
    };
    json!({"type": ty, "enum": [value], "default": value, "x-const": true})
}

/// A lenient field accepts its documented type or the other form some answers send: a number
/// for a string, a string of digits for a number.
fn lenient_schema(documented: Value, ty: &TypeRef) -> Value {
    let other = match ty {
        TypeRef::String => json!({"type": "number"}),
        TypeRef::Integer => json!({"type": "string", "pattern": "^\\s*-?[0-9]+\\s*$"}),
        _ => {
            json!({"type": "string", "pattern": "^\\s*-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?\\s*$"})
        }
    };
    json!({"anyOf": [documented, other], "x-lenient": true})
}

/// Marks a deprecated operation or schema, and adds why to its description (OpenAPI's
/// `deprecated` is a flag with no room for the note).
fn deprecate(map: &mut Map<String, Value>, note: Option<&str>) {
    let Some(note) = note else { return };
    map.insert("deprecated".into(), json!(true));
    let described = match map.get("description") {
        Some(Value::String(text)) if !text.trim().is_empty() => {
            format!("{}\n\n**Deprecated**: {note}", text.trim_end())
        }
        _ => format!("**Deprecated**: {note}"),
    };
    map.insert("description".into(), json!(described));
}

fn type_name(ty: &TypeDef) -> &str {
    match ty {
        TypeDef::Struct(s) => &s.rust_name,
        TypeDef::Enum(e) => &e.rust_name,
        TypeDef::Union(u) => &u.rust_name,
    }
}

fn reference(rust_name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{rust_name}")})
}

fn enum_schema(e: &EnumDef) -> Value {
    let ty = match e.repr {
        EnumRepr::Integer => json!("integer"),
        EnumRepr::String => json!("string"),
    };
    let values: Vec<Value> = e.variants.iter().map(|v| wire_value(&v.value)).collect();
    let names: Vec<&str> = e.variants.iter().map(|v| v.rust_name.as_str()).collect();
    let docs: Vec<&str> = e.variants.iter().map(|v| v.docs.as_str()).collect();
    let mut description = e.docs.clone();
    description.push_str("\n\nOpen: values no table lists occur and must be accepted.");
    let mut schema = json!({
        "type": ty,
        "description": description,
        "enum": values,
        "x-open-enum": true,
        "x-enum-varnames": names,
        "x-enum-descriptions": docs,
    });
    let deprecated: Vec<Value> = e
        .variants
        .iter()
        .filter(|v| v.deprecated.is_some())
        .map(|v| wire_value(&v.value))
        .collect();
    if let (Value::Object(map), false) = (&mut schema, deprecated.is_empty()) {
        map.insert("x-deprecated-values".into(), json!(deprecated));
    }
    schema
}

fn wire_value(value: &EnumValue) -> Value {
    match value {
        EnumValue::Integer(i) => json!(i),
        EnumValue::String(s) => json!(s),
    }
}

/// The endpoint's docs, then its own error table and the sets it includes, which tools without
/// the extensions still show.
fn description(e: &Endpoint) -> String {
    let mut text = e.docs.clone();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    let own: Vec<&ErrorVariant> = e.error.own_variants().collect();
    let sets: Vec<String> = e
        .error
        .sets
        .iter()
        .map(|set| format!("`{}`", set.name))
        .collect();
    text.push_str("**Errors**: WeChat answers with HTTP 200 and a non-zero `errcode`");
    match (own.is_empty(), sets.is_empty()) {
        (true, true) => text.push_str("; no code is documented."),
        (true, false) => text.push_str(&format!(
            ": the codes of the error sets {} (tables at the top of the document).",
            sets.join(", ")
        )),
        (false, _) => {
            text.push_str(".\n\n");
            text.push_str(&error_table(own));
            if !sets.is_empty() {
                text.push_str(&format!(
                    "\nAnd the codes of the error sets {} (tables at the top of the document).",
                    sets.join(", ")
                ));
            }
        }
    }
    text.trim_end().to_owned()
}

/// A markdown table of error codes.
fn error_table<'a>(variants: impl IntoIterator<Item = &'a ErrorVariant>) -> String {
    let mut text =
        String::from("| errcode | errmsg | name | solution |\n| --- | --- | --- | --- |\n");
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    for v in variants {
        text.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            v.code,
            cell(v.errmsg.as_deref().unwrap_or("")),
            v.rust_name,
            cell(v.solution.as_deref().unwrap_or("")),
        ));
    }
    text
}

/// The entries of `x-wechat-errors` and `x-wechat-error-sets`.
fn error_entries<'a>(variants: impl IntoIterator<Item = &'a ErrorVariant>) -> Vec<Value> {
    variants
        .into_iter()
        .map(|v| {
            let mut entry = Map::new();
            entry.insert("code".into(), json!(v.code));
            entry.insert("name".into(), json!(v.rust_name));
            if let Some(errmsg) = &v.errmsg {
                entry.insert("errmsg".into(), json!(errmsg));
            }
            if let Some(solution) = &v.solution {
                entry.insert("solution".into(), json!(solution));
            }
            Value::Object(entry)
        })
        .collect()
}
