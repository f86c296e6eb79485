//! Lowering fields: type expressions, Rust field names, presence and defaults.

use super::registry::NamedKind;
use super::registry::Registry;
use super::{Cx, docs_or, is_blank};
use crate::ident::{self, Namespace};
use crate::ir::{
    ConstField, DefaultValue, FieldDef, FieldLocation, Presence, StructDef, TypeRef, WireUse,
};
use crate::spec::FieldSpec;
use crate::suggest;
use serde_yaml::Value;

pub(super) const SCALAR_NAMES: [&str; 7] = [
    "string", "secret", "integer", "number", "boolean", "flag", "file",
];
const SCALARS: &str = "string, secret, integer, number, boolean, flag, file";

/// Lowers the fields of one struct; `None` when any field is broken (all are reported).
pub fn lower_struct(
    cx: &mut Cx<'_>,
    rust_name: String,
    docs: String,
    fields: &[FieldSpec],
    at: &str,
) -> Option<StructDef> {
    let located: Vec<(String, &FieldSpec)> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| (format!("{at}[{i}]"), f))
        .collect();
    let lowered = lower_located_struct(cx, rust_name, docs, &located)?;
    // Responses and named types travel as JSON, where a file cannot be.
    let mut broken = false;
    for (field, (field_at, _)) in lowered.fields.iter().zip(&located) {
        if field.ty.element() == &TypeRef::File {
            cx.error(
                format!("{field_at}.type"),
                "a `file` is a part of a multipart request's body; it cannot be in a response or a named type",
                "put the `file` field in the endpoint's `request.body`, with `encoding: multipart`",
            );
            broken = true;
        }
    }
    (!broken).then_some(lowered)
}

/// Like [`lower_struct`], for fields gathered from several lists (a request's query and body).
pub fn lower_located_struct(
    cx: &mut Cx<'_>,
    rust_name: String,
    docs: String,
    fields: &[(String, &FieldSpec)],
) -> Option<StructDef> {
    let mut names = Namespace::default();
    let mut wire_names = Namespace::default();
    let mut lowered = Vec::with_capacity(fields.len());
    let mut broken = false;
    for (field_at, field) in fields {
        let field_at = field_at.as_str();
        if let Err(earlier) = wire_names.claim(&field.name, field_at.to_owned()) {
            cx.error_also_at(
                format!("{field_at}.name"),
                format!("wire name `{}` is listed twice", field.name),
                "remove one of them",
                (format!("{earlier}.name"), "first listed here"),
            );
            broken = true;
            continue;
        }
        match lower_field(cx, field, field_at, &mut names) {
            Some(field) => lowered.push(field),
            None => broken = true,
        }
    }
    if broken || !super::unions::check_flattened(cx, &mut lowered, fields) {
        return None;
    }
    let all_fields_optional = lowered.iter().all(|f| f.presence != Presence::Required);
    Some(StructDef {
        rust_name,
        docs,
        fields: lowered,
        all_fields_optional,
        // Decided once every endpoint is lowered, by `wire::mark_wire_use`.
        wire: WireUse::default(),
    })
}

fn lower_field(
    cx: &mut Cx<'_>,
    field: &FieldSpec,
    at: &str,
    names: &mut Namespace,
) -> Option<FieldDef> {
    let derived = match &field.rust_name {
        Some(name) => ident::explicit(name).and_then(|ident| match ident::snake(name) {
            Ok(snake) if snake == ident => Ok(ident),
            _ => Err(ident::NameError(format!(
                "`rust_name: {name}` is not a snake_case name"
            ))),
        }),
        None => ident::snake(&field.name),
    };
    let rust_name = match derived {
        Ok(name) => name,
        Err(ident::NameError(message)) => {
            cx.error(
                format!("{at}.rust_name"),
                message,
                "set `rust_name:` to a snake_case Rust field name",
            );
            return None;
        }
    };
    if let Err(earlier) = names.claim(&rust_name, at) {
        let named_at = if field.rust_name.is_some() {
            "rust_name"
        } else {
            "name"
        };
        cx.error_also_at(
            format!("{at}.{named_at}"),
            format!(
                "field `{}` becomes the Rust field `{rust_name}`, which another field already is",
                field.name
            ),
            "set `rust_name:` on one of the two fields",
            (
                format!("{earlier}.name"),
                format!("also `{rust_name}` in Rust"),
            ),
        );
        return None;
    }
    if field.constant.is_some() {
        cx.error(
            format!("{at}.const"),
            "only a request field can be a constant",
            "remove `const:`; a constant is a value the client sends",
        );
        return None;
    }
    let ty = parse_type(cx, &field.ty, &format!("{at}.type"))?;
    if field.lenient && !matches!(ty, TypeRef::String | TypeRef::Integer | TypeRef::Number) {
        cx.error(
            format!("{at}.lenient"),
            "`lenient` applies to `string`, `integer` and `number` fields",
            "remove `lenient:`",
        );
        return None;
    }
    let presence = match (&field.default, field.required) {
        (Some(_), true) => {
            cx.error(
                format!("{at}.default"),
                "a required field cannot have a default",
                "remove `default:` or `required: true`",
            );
            return None;
        }
        (Some(value), false) => lower_default(cx, &ty, value, &format!("{at}.default"))?,
        (None, true) => Presence::Required,
        (None, false) => Presence::Optional,
    };
    if is_blank(field.docs.as_deref()) {
        cx.warn(
            format!("{at}.name"),
            format!("field `{}` has no docs", field.name),
            "add `docs:` with what the field holds, from the endpoint's documentation",
        );
    }
    let docs = docs_or(
        field.docs.as_deref(),
        &format!("The `{}` field (undocumented in the spec).", field.name),
    );
    // A flattened field that is no union keeps an empty tag until `check_flattened` reports it.
    let flatten = field
        .flatten
        .then(|| flattened_tag(cx, &ty).unwrap_or_default());
    Some(FieldDef {
        rust_name,
        wire_name: field.name.clone(),
        docs,
        ty,
        presence,
        lenient: field.lenient,
        flatten,
        // Known once every field is lowered: `check_flattened` fills it in.
        flattened_keys: Vec::new(),
        deprecated: deprecation(field.deprecated.as_deref()),
        // The request's lowering moves its query fields and parts.
        location: FieldLocation::Json,
    })
}

/// The tag's key of a union type, for a flattened field (`check_flattened` reports a field that
/// is not a union).
fn flattened_tag(cx: &Cx<'_>, ty: &TypeRef) -> Option<String> {
    let TypeRef::Named { rust_name, .. } = ty else {
        return None;
    };
    match cx.registry.named_type(rust_name).map(|named| &named.kind) {
        Some(NamedKind::Union { tag, .. }) => Some(tag.clone()),
        _ => None,
    }
}

/// A deprecation note, trimmed; a blank one still deprecates.
pub(crate) fn deprecation(note: Option<&str>) -> Option<String> {
    note.map(|note| note.trim().to_owned())
}

/// Parses a type expression: a scalar, a named type, or `array<…>` or `map<…>` of a type.
pub fn parse_type(cx: &mut Cx<'_>, expr: &str, at: &str) -> Option<TypeRef> {
    let ty = parse_type_inner(cx, expr.trim(), at)?;
    if let TypeRef::Array(inner) | TypeRef::Map(inner) = &ty
        && contains_flag(inner)
    {
        let container = if matches!(ty, TypeRef::Array(_)) {
            "an array's items"
        } else {
            "a map's values"
        };
        cx.error(
            at,
            format!("`flag` cannot be {container}"),
            "use `integer` for 0/1 values inside arrays and maps",
        );
        return None;
    }
    Some(ty)
}

fn parse_type_inner(cx: &mut Cx<'_>, expr: &str, at: &str) -> Option<TypeRef> {
    for (prefix, wrap) in [
        ("array<", TypeRef::Array as fn(Box<TypeRef>) -> TypeRef),
        ("map<", TypeRef::Map),
    ] {
        if let Some(rest) = expr.strip_prefix(prefix) {
            let Some(inner) = rest.strip_suffix('>') else {
                cx.error(
                    at,
                    format!("`{expr}` is missing its closing `>`"),
                    format!("write `{prefix}ItemType>`"),
                );
                return None;
            };
            return parse_type_inner(cx, inner.trim(), at).map(|inner| wrap(Box::new(inner)));
        }
    }
    Some(match expr {
        "string" => TypeRef::String,
        "secret" => TypeRef::Secret,
        "integer" => TypeRef::Integer,
        "number" => TypeRef::Number,
        "boolean" => TypeRef::Boolean,
        "flag" => TypeRef::Flag,
        "file" => TypeRef::File,
        name => match cx.registry.named_type(name) {
            Some(named) => {
                check_group(cx, name, &named.module, at);
                TypeRef::Named {
                    rust_name: name.to_owned(),
                    module: named.module.clone(),
                }
            }
            None => {
                let known: Vec<&str> = cx.registry.type_names().collect();
                let candidates = SCALAR_NAMES.iter().copied().chain(known.iter().copied());
                let defined = if known.is_empty() {
                    "none yet".to_owned()
                } else {
                    known.join(", ")
                };
                cx.unknown_name(
                        at,
                        format!("unknown type `{name}`"),
                        format!(
                            "{}use one of {SCALARS}, `array<…>`, `map<…>`, or a type defined under `types:` ({defined})",
                            suggest::did_you_mean(name, candidates)
                        ),
                    );
                return None;
            }
        },
    })
}

/// Whether a query parameter may have this type: a scalar that reads as text, or an enum.
pub fn is_query_type(registry: &Registry, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::String
        | TypeRef::Secret
        | TypeRef::Integer
        | TypeRef::Number
        | TypeRef::Boolean
        | TypeRef::Flag => true,
        TypeRef::Named { rust_name, .. } => matches!(
            registry.named_type(rust_name).map(|named| &named.kind),
            Some(NamedKind::Enum { .. })
        ),
        TypeRef::File | TypeRef::Array(_) | TypeRef::Map(_) => false,
    }
}

/// The request's constants: each a scalar or enum value that fits its field's type.
pub fn lower_constants(
    cx: &mut Cx<'_>,
    fields: &[(String, &FieldSpec, bool)],
) -> Option<Vec<ConstField>> {
    let mut constants = Vec::with_capacity(fields.len());
    let mut broken = false;
    for (at, field, in_query) in fields {
        let Some(value) = &field.constant else {
            continue;
        };
        if field.required || field.default.is_some() || field.lenient {
            let key = if field.default.is_some() {
                "default"
            } else if field.lenient {
                "lenient"
            } else {
                "required"
            };
            cx.error(
                format!("{at}.{key}"),
                format!("a constant is always sent: `{key}` says nothing more"),
                format!("remove `{key}:`"),
            );
            broken = true;
            continue;
        }
        let Some(ty) = parse_type(cx, &field.ty, &format!("{at}.type")) else {
            broken = true;
            continue;
        };
        if is_blank(field.docs.as_deref()) {
            cx.warn(
                format!("{at}.name"),
                format!("constant `{}` has no docs", field.name),
                "add `docs:` with what the value means, from the endpoint's documentation",
            );
        }
        match const_value(cx, &ty, value) {
            Some(value) => constants.push(ConstField {
                wire_name: field.name.clone(),
                docs: docs_or(field.docs.as_deref(), "A value the client always sends."),
                in_query: *in_query,
                value,
            }),
            None => {
                cx.error(
                    format!("{at}.const"),
                    format!(
                        "constant `{}` does not fit the field's type `{}`",
                        yaml_inline(value),
                        field.ty.trim()
                    ),
                    "a constant is a string, integer, number, boolean or flag value, or a documented value of an enum",
                );
                broken = true;
            }
        }
    }
    (!broken).then_some(constants)
}

/// A constant as it travels: flags as 0/1, enum values as their wire value.
fn const_value(cx: &Cx<'_>, ty: &TypeRef, value: &Value) -> Option<serde_json::Value> {
    Some(match (ty, value) {
        (TypeRef::String, Value::String(s)) => serde_json::Value::from(s.clone()),
        (TypeRef::Integer, Value::Number(n)) => serde_json::Value::from(n.as_i64()?),
        (TypeRef::Number, Value::Number(n)) => {
            serde_json::Number::from_f64(n.as_f64()?).map(serde_json::Value::Number)?
        }
        (TypeRef::Boolean, Value::Bool(b)) => serde_json::Value::from(*b),
        (TypeRef::Flag, Value::Bool(b)) => serde_json::Value::from(u8::from(*b)),
        (TypeRef::Flag, Value::Number(n)) if matches!(n.as_i64(), Some(0 | 1)) => {
            serde_json::Value::from(n.as_i64()?)
        }
        (TypeRef::Named { rust_name, .. }, _) => {
            let Some(NamedKind::Enum { repr, variants }) =
                cx.registry.named_type(rust_name).map(|named| &named.kind)
            else {
                return None;
            };
            let wire = super::registry::enum_value(value, *repr)?;
            variants.iter().find(|(v, _)| *v == wire)?;
            match wire {
                crate::ir::EnumValue::Integer(i) => serde_json::Value::from(i),
                crate::ir::EnumValue::String(s) => serde_json::Value::from(s),
            }
        }
        _ => return None,
    })
}

fn contains_flag(ty: &TypeRef) -> bool {
    ty.element() == &TypeRef::Flag
}

/// Checks a default against the field's type: zero values use `Default`, others a value.
fn lower_default(cx: &mut Cx<'_>, ty: &TypeRef, value: &Value, at: &str) -> Option<Presence> {
    let presence = match (ty, value) {
        (TypeRef::Array(_), Value::Sequence(items)) if items.is_empty() => {
            Some(Presence::DefaultZero)
        }
        (TypeRef::Map(_), Value::Mapping(entries)) if entries.is_empty() => {
            Some(Presence::DefaultZero)
        }
        (TypeRef::String, Value::String(s)) if s.is_empty() => Some(Presence::DefaultZero),
        (TypeRef::String, Value::String(s)) => {
            Some(Presence::DefaultValue(DefaultValue::String(s.clone())))
        }
        (TypeRef::Integer, Value::Number(n)) => n.as_i64().map(|i| {
            if i == 0 {
                Presence::DefaultZero
            } else {
                Presence::DefaultValue(DefaultValue::Integer(i))
            }
        }),
        (TypeRef::Number, Value::Number(n)) => n.as_f64().filter(|f| f.is_finite()).map(|f| {
            if f == 0.0 {
                Presence::DefaultZero
            } else {
                Presence::DefaultValue(DefaultValue::Number(f))
            }
        }),
        (TypeRef::Boolean | TypeRef::Flag, Value::Bool(b)) => Some(bool_default(*b)),
        (TypeRef::Flag, Value::Number(n)) => match n.as_i64() {
            Some(0) => Some(Presence::DefaultZero),
            Some(1) => Some(bool_default(true)),
            _ => None,
        },
        (TypeRef::Named { rust_name, .. }, _) => return named_default(cx, rust_name, value, at),
        _ => None,
    };
    if presence.is_none() {
        let message = if matches!(ty, TypeRef::Secret | TypeRef::File) {
            "a field of type `secret` or `file` cannot have a default".to_owned()
        } else {
            format!(
                "default `{}` does not fit the field's type",
                yaml_inline(value)
            )
        };
        cx.error(at, message, default_help(ty));
    }
    presence
}

fn bool_default(value: bool) -> Presence {
    if value {
        Presence::DefaultValue(DefaultValue::Bool(true))
    } else {
        Presence::DefaultZero
    }
}

fn named_default(cx: &mut Cx<'_>, rust_name: &str, value: &Value, at: &str) -> Option<Presence> {
    match cx.registry.named_type(rust_name).map(|named| &named.kind) {
        Some(NamedKind::Object {
            all_optional: true, ..
        }) if matches!(value, Value::Mapping(m) if m.is_empty()) => Some(Presence::DefaultZero),
        Some(NamedKind::Object { all_optional, .. }) => {
            let help = if *all_optional {
                "write `default: {}`".to_owned()
            } else {
                format!(
                    "`{rust_name}` has required fields, so it has no default: remove `default:`"
                )
            };
            let message = if *all_optional {
                format!(
                    "an object default must be `{{}}`, not `{}`",
                    yaml_inline(value)
                )
            } else {
                format!("`{rust_name}` has required fields, so it cannot have a default")
            };
            cx.error(at, message, help);
            None
        }
        Some(NamedKind::Enum { repr, variants }) => {
            let wire = super::registry::enum_value(value, *repr);
            match variants.iter().find(|(v, _)| Some(v) == wire.as_ref()) {
                Some((_, variant)) => Some(Presence::DefaultValue(DefaultValue::EnumVariant {
                    enum_name: rust_name.to_owned(),
                    variant: variant.clone(),
                })),
                None => {
                    let listed: Vec<String> = variants
                        .iter()
                        .map(|(v, _)| super::display_value(v))
                        .collect();
                    cx.error(
                        at,
                        format!(
                            "default `{}` is not a documented value of `{rust_name}`",
                            yaml_inline(value)
                        ),
                        format!("use one of {}", listed.join(", ")),
                    );
                    None
                }
            }
        }
        Some(NamedKind::Union { .. }) => {
            cx.error(
                at,
                format!("union `{rust_name}` has no default"),
                "remove `default:`; make the field optional or required",
            );
            None
        }
        None => None,
    }
}

fn default_help(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::Array(_) => "an array's only default is `[]`",
        TypeRef::Map(_) => "a map's only default is `{}`",
        TypeRef::File => "a file has no default: remove `default:`",
        TypeRef::String => "a string default is a quoted string",
        TypeRef::Secret => "a secret has no default: remove `default:`",
        TypeRef::Integer => "an integer default is a whole number",
        TypeRef::Number => "a number default is a number",
        TypeRef::Boolean => "a boolean default is `true` or `false`",
        TypeRef::Flag => "a flag default is `true`, `false`, `1` or `0`",
        TypeRef::Named { .. } => "see the named type's values",
    }
}

fn yaml_inline(value: &Value) -> String {
    let text = match value {
        // JSON shows collections on one line; YAML shows the scalars JSON cannot (`.inf`, `.nan`).
        Value::Sequence(_) | Value::Mapping(_) => serde_json::to_string(value).ok(),
        _ => serde_yaml::to_string(value)
            .ok()
            .map(|text| text.trim_end().replace('\n', " ")),
    };
    text.unwrap_or_else(|| "?".to_owned())
}

/// A group is a cargo feature of the generated crate: its types exist only with it on. So a spec
/// may use the types of its own group and the shared ones (files at the top of the specs
/// folder), never another group's.
/// Whether a spec may use `name`, defined in module `defined_in`: only types of its own group or
/// shared ones. Reports the problem when it may not.
pub(super) fn check_group(cx: &mut Cx<'_>, name: &str, defined_in: &[String], at: &str) -> bool {
    let group_of = |module: &[String]| (module.len() > 1).then(|| module[0].clone());
    let Some(their_group) = group_of(defined_in) else {
        return true;
    };
    let our_group = cx
        .registry
        .module_of_file(cx.file)
        .and_then(|module| group_of(&module));
    if our_group.as_deref() == Some(their_group.as_str()) {
        return true;
    }
    let user = match &our_group {
        Some(group) => format!("a spec of group `{group}`"),
        None => "a shared spec (at the top of the specs folder)".to_owned(),
    };
    cx.error(
        at,
        format!(
            "type `{name}` belongs to group `{their_group}`, a cargo feature that may be off, so {user} cannot use it"
        ),
        format!(
            "move `{name}` to a spec file at the top of the specs folder, where every group can use it"
        ),
    );
    false
}
