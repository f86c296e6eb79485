//! Lowering tagged unions (`kind: union`), and the checks on the fields that flatten one into
//! an object.

use super::registry::{NamedKind, check_pascal};
use super::{Cx, docs_or};
use crate::ident::{self, Namespace};
use crate::ir::{FieldDef, TagValue, TypeRef, UnionDef, UnionStyle, UnionVariant, WireUse};
use crate::spec::{FieldSpec, TagRepr, TypeSpec};
use serde_yaml::Value;

pub fn lower_union(
    cx: &mut Cx<'_>,
    ty: &TypeSpec,
    rust_name: String,
    docs: String,
    at: &str,
) -> Option<UnionDef> {
    for (key, present) in [
        ("fields", ty.fields.is_some()),
        ("repr", ty.repr.is_some()),
        ("values", ty.values.is_some()),
    ] {
        if present {
            cx.error(
                format!("{at}.{key}"),
                format!("a union takes `tag`, `style` and `variants`, not `{key}`"),
                "remove it, or use `kind: object` or `kind: enum`",
            );
        }
    }
    let Some(tag) = &ty.tag else {
        cx.error(
            at,
            format!("union `{}` has no `tag`", ty.name),
            "add `tag: {name: msgtype, repr: string}`: the key that says which variant an object is",
        );
        return None;
    };
    if tag.name.trim().is_empty() {
        cx.error(
            format!("{at}.tag.name"),
            "the tag's key is empty",
            "write the key the documentation gives, e.g. `msgtype`",
        );
        return None;
    }
    let style = match ty.style {
        Some(crate::spec::UnionStyle::Inline) => UnionStyle::Inline,
        _ => UnionStyle::Sibling,
    };
    let specs = ty.variants.as_deref().unwrap_or_default();
    if specs.is_empty() {
        cx.error(
            format!("{at}.variants"),
            format!("union `{}` has no variants", ty.name),
            "list its documented variants under `variants:`",
        );
        return None;
    }
    let mut names = Namespace::default();
    let _ = names.claim(
        "Unknown",
        "the fallback variant `Unknown` that keeps undocumented tags",
    );
    let mut values: Vec<(TagValue, usize)> = Vec::new();
    let mut variants = Vec::with_capacity(specs.len());
    let mut broken = false;
    for (index, spec) in specs.iter().enumerate() {
        let at = format!("{at}.variants[{index}]");
        let Some(value) = tag_value(&spec.value, tag.repr) else {
            cx.error(
                format!("{at}.value"),
                format!(
                    "the tag is {}, so each value must be one",
                    repr_word(tag.repr)
                ),
                "fix the value or the tag's `repr`",
            );
            broken = true;
            continue;
        };
        if let Some((_, first)) = values.iter().find(|(v, _)| *v == value) {
            cx.error_also_at(
                format!("{at}.value"),
                format!("tag value {} is listed twice", show(&value)),
                "remove one of them",
                (
                    format!("{}.variants[{first}].value", at_parent(&at)),
                    "first listed here",
                ),
            );
            broken = true;
            continue;
        }
        values.push((value.clone(), index));
        let derived = match (&spec.name, &value) {
            (Some(name), _) => check_pascal(name),
            (None, TagValue::Text(text)) => ident::pascal(text).map_err(|ident::NameError(m)| {
                (m, "add `name:` with the Rust variant name".to_owned())
            }),
            (None, _) => Err((
                format!("tag value {} has no `name`", show(&value)),
                "add `name:` with the Rust variant name".to_owned(),
            )),
        };
        let rust_name = match derived {
            Ok(name) => name,
            Err((message, help)) => {
                cx.error(format!("{at}.name"), message, help);
                broken = true;
                continue;
            }
        };
        if let Err(earlier) = names.claim(&rust_name, format!("tag value {}", show(&value))) {
            cx.error(
                format!("{at}.name"),
                format!("variant name `{rust_name}` is already taken by {earlier}"),
                "give this variant a different `name:`",
            );
            broken = true;
            continue;
        }
        let payload = match &spec.payload {
            None => None,
            Some(payload) => match payload_type(cx, payload, &format!("{at}.type")) {
                Some(ty) => Some(ty),
                None => {
                    broken = true;
                    continue;
                }
            },
        };
        let field = match (style, &payload) {
            (UnionStyle::Inline, _) | (_, None) => {
                if spec.field.is_some() {
                    cx.error(
                        format!("{at}.field"),
                        "`field` names the key of a sibling payload, and this variant has none",
                        "remove `field:`",
                    );
                    broken = true;
                }
                None
            }
            (UnionStyle::Sibling, Some(_)) => {
                let key = spec.field.clone().or_else(|| match &value {
                    TagValue::Text(text) => Some(text.clone()),
                    _ => None,
                });
                match key {
                    Some(key) if key == tag.name => {
                        cx.error(
                            format!("{at}.field"),
                            format!("the payload's key `{key}` is the tag's"),
                            "write the key the payload goes under",
                        );
                        broken = true;
                        None
                    }
                    Some(key) => Some(key),
                    None => {
                        cx.error(
                            format!("{at}.field"),
                            "a payload beside a tag that is not a string needs its key",
                            "add `field:` with the key the payload goes under",
                        );
                        broken = true;
                        None
                    }
                }
            }
        };
        if let (
            UnionStyle::Inline,
            Some(TypeRef::Named {
                rust_name: payload, ..
            }),
        ) = (style, &payload)
            && payload_fields(cx, payload).contains(&tag.name)
        {
            cx.error(
                format!("{at}.type"),
                format!(
                    "`{payload}` has a field `{}`, the tag's key, beside which its fields go",
                    tag.name
                ),
                "rename the tag or the field, or use `style: sibling`",
            );
            broken = true;
        }
        variants.push(UnionVariant {
            rust_name,
            value,
            payload,
            field,
            docs: docs_or(spec.docs.as_deref(), "A documented variant."),
            deprecated: super::fields::deprecation(spec.deprecated.as_deref()),
        });
    }
    (!broken).then_some(UnionDef {
        rust_name,
        docs,
        tag: tag.name.clone(),
        style,
        variants,
        wire: WireUse::default(),
    })
}

fn at_parent(at: &str) -> &str {
    at.rsplit_once(".variants[")
        .map_or(at, |(parent, _)| parent)
}

/// A payload: a named object type.
fn payload_type(cx: &mut Cx<'_>, name: &str, at: &str) -> Option<TypeRef> {
    match cx.registry.named_type(name) {
        Some(named) if matches!(named.kind, NamedKind::Object { .. }) => {
            let module = named.module.clone();
            super::fields::check_group(cx, name, &module, at).then(|| TypeRef::Named {
                rust_name: name.to_owned(),
                module,
            })
        }
        Some(_) => {
            cx.error(
                at,
                format!("`{name}` is not an object type"),
                "a payload is an object type defined under `types:` with `kind: object`",
            );
            None
        }
        None if super::fields::SCALAR_NAMES.contains(&name)
            || name.starts_with("array<")
            || name.starts_with("map<") =>
        {
            cx.error(
                at,
                format!("a payload is an object, and `{name}` is not one"),
                "define an object type under `types:` with the value as a field, and name it here",
            );
            None
        }
        None => {
            let known: Vec<&str> = cx.registry.type_names().collect();
            cx.unknown_name(
                at,
                format!("unknown type `{name}`"),
                format!(
                    "{}a payload is an object type defined under `types:`",
                    crate::suggest::did_you_mean(name, known.iter().copied())
                ),
            );
            None
        }
    }
}

fn payload_fields(cx: &Cx<'_>, name: &str) -> Vec<String> {
    match cx.registry.named_type(name).map(|named| &named.kind) {
        Some(NamedKind::Object { fields, .. }) => fields.clone(),
        _ => Vec::new(),
    }
}

fn tag_value(value: &Value, repr: TagRepr) -> Option<TagValue> {
    match (repr, value) {
        (TagRepr::String, Value::String(text)) => Some(TagValue::Text(text.clone())),
        (TagRepr::Integer, Value::Number(n)) => n.as_i64().map(TagValue::Integer),
        (TagRepr::Boolean, Value::Bool(b)) => Some(TagValue::Bool(*b)),
        _ => None,
    }
}

fn repr_word(repr: TagRepr) -> &'static str {
    match repr {
        TagRepr::String => "a string",
        TagRepr::Integer => "an integer",
        TagRepr::Boolean => "a boolean",
    }
}

pub(crate) fn show(value: &TagValue) -> String {
    match value {
        TagValue::Text(text) => format!("\"{text}\""),
        TagValue::Integer(int) => int.to_string(),
        TagValue::Bool(b) => b.to_string(),
    }
}

/// The checks on an object's flattened fields: each is a union, there is at most one, and its
/// keys are none of the object's own. Reports every problem; `false` when there is one. Each
/// flattened field gets its keys (`flattened_keys`), which the mock WeChat lets through.
pub fn check_flattened(
    cx: &mut Cx<'_>,
    fields: &mut [FieldDef],
    specs: &[(String, &FieldSpec)],
) -> bool {
    let mut found_keys = Vec::new();
    let mut ok = true;
    let mut flattened = None;
    for (field, (at, _)) in fields.iter().zip(specs) {
        if field.flatten.is_none() {
            continue;
        }
        let union = match &field.ty {
            TypeRef::Named { rust_name, .. } => {
                match cx.registry.named_type(rust_name).map(|n| &n.kind) {
                    Some(NamedKind::Union {
                        tag,
                        payload_keys,
                        inline,
                        payloads,
                        ..
                    }) => Some((tag.clone(), payload_keys.clone(), *inline, payloads.clone())),
                    _ => None,
                }
            }
            _ => None,
        };
        let Some((tag, mut keys, inline, payloads)) = union else {
            cx.error(
                format!("{at}.flatten"),
                "only a union can be flattened",
                "remove `flatten:`, or make the field's type a `kind: union` type",
            );
            ok = false;
            continue;
        };
        if let Some(first) = flattened.replace(at.clone()) {
            cx.error_also_at(
                format!("{at}.flatten"),
                "an object can flatten one union",
                "keep `flatten:` on one field; the other union goes under its own key",
                (format!("{first}.flatten"), "also flattened here"),
            );
            ok = false;
            continue;
        }
        if field.presence != crate::ir::Presence::Required
            && field.presence != crate::ir::Presence::Optional
        {
            cx.error(
                format!("{at}.flatten"),
                "a flattened union has no default",
                "remove `default:`",
            );
            ok = false;
        }
        if inline {
            for payload in &payloads {
                keys.extend(payload_fields(cx, payload));
            }
        }
        keys.push(tag);
        keys.sort();
        keys.dedup();
        found_keys.push((at.clone(), keys.clone()));
        for (other, (other_at, _)) in fields.iter().zip(specs) {
            if other.flatten.is_some() {
                continue;
            }
            if keys.contains(&other.wire_name) {
                cx.error_also_at(
                    format!("{other_at}.name"),
                    format!(
                        "`{}` is also a key of the union flattened into this object",
                        other.wire_name
                    ),
                    "rename one of them, or do not flatten the union",
                    (format!("{at}.flatten"), "flattened here"),
                );
                ok = false;
            }
        }
    }
    for (field, (at, _)) in fields.iter_mut().zip(specs) {
        if let Some((_, keys)) = found_keys.iter().find(|(found_at, _)| found_at == at) {
            field.flattened_keys = keys.clone();
        }
    }
    ok
}
