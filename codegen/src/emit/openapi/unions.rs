//! The OpenAPI form of a tagged union: `oneOf` its variants, each an object whose tag has its
//! one value, and of an object that flattens one: `allOf` its own properties and the union.

use super::reference;
use crate::ir::{TagValue, UnionDef, UnionStyle};
use serde_json::{Value, json};

pub fn union_schema(u: &UnionDef) -> Value {
    let variants: Vec<Value> = u
        .variants
        .iter()
        .map(|v| {
            let tag = json!({"type": tag_type(&v.value), "enum": [tag_json(&v.value)]});
            let mut properties = serde_json::Map::new();
            properties.insert(u.tag.clone(), tag);
            let mut required = vec![u.tag.clone()];
            let schema = match (&v.payload, u.style) {
                (Some(crate::ir::TypeRef::Named { rust_name, .. }), UnionStyle::Inline) => {
                    let tag_only =
                        json!({"type": "object", "properties": properties, "required": required});
                    json!({"allOf": [reference(rust_name), tag_only]})
                }
                (Some(crate::ir::TypeRef::Named { rust_name, .. }), UnionStyle::Sibling) => {
                    let key = v.field.clone().unwrap_or_default();
                    properties.insert(key.clone(), reference(rust_name));
                    required.push(key);
                    json!({"type": "object", "properties": properties, "required": required})
                }
                _ => json!({"type": "object", "properties": properties, "required": required}),
            };
            let mut schema = schema;
            if let Value::Object(map) = &mut schema {
                map.insert("title".into(), json!(v.rust_name));
                map.insert("description".into(), json!(v.docs));
                super::deprecate(map, v.deprecated.as_deref());
            }
            schema
        })
        .collect();
    let mut description = u.docs.clone();
    if u.wire.received {
        description.push_str("\n\nOpen: tags no table lists occur and must be accepted.");
    }
    json!({
        "description": description,
        "oneOf": variants,
        "x-union-tag": u.tag,
        "x-open-union": u.wire.received,
    })
}

fn tag_type(value: &TagValue) -> &'static str {
    match value {
        TagValue::Text(_) => "string",
        TagValue::Integer(_) => "integer",
        TagValue::Bool(_) => "boolean",
    }
}

fn tag_json(value: &TagValue) -> Value {
    match value {
        TagValue::Text(text) => json!(text),
        TagValue::Integer(int) => json!(int),
        TagValue::Bool(b) => json!(b),
    }
}
