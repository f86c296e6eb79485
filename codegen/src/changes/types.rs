//! Named types: objects, open enums and tagged unions, paired by their path in the crate.

use super::Change;
use super::diff::pair;
use super::fields::{self, StructUse};
use super::names::{in_module, same_rust_type, type_expr};
use crate::ir::{Api, EnumDef, EnumValue, TagValue, TypeDef, UnionDef, WireUse};

/// A named type and the public path it is reached by.
struct Named<'a> {
    path: String,
    def: &'a TypeDef,
}

fn named_types(api: &Api) -> Vec<Named<'_>> {
    api.modules
        .iter()
        .flat_map(|module| {
            module.types.iter().map(move |def| Named {
                path: in_module(module, name(def)),
                def,
            })
        })
        .collect()
}

fn name(def: &TypeDef) -> &str {
    match def {
        TypeDef::Struct(s) => &s.rust_name,
        TypeDef::Enum(e) => &e.rust_name,
        TypeDef::Union(u) => &u.rust_name,
    }
}

fn kind(def: &TypeDef) -> &'static str {
    match def {
        TypeDef::Struct(_) => "object",
        TypeDef::Enum(_) => "enum",
        TypeDef::Union(_) => "union",
    }
}

pub fn compare(base: &Api, head: &Api, out: &mut Vec<Change>) {
    let (base, head) = (named_types(base), named_types(head));
    let paired = pair(&base, &head, |n| n.path.clone());
    for ty in paired.added {
        out.push(Change::compatible(
            &ty.path,
            format!("{} type added", kind(ty.def)),
            "a new type",
        ));
    }
    for ty in paired.removed {
        out.push(Change::breaking(
            &ty.path,
            format!("{} type removed", kind(ty.def)),
            "code naming the type no longer compiles",
        ));
    }
    for (old, new) in paired.both {
        let subject = &new.path;
        let docs_changed = match (old.def, new.def) {
            (TypeDef::Struct(a), TypeDef::Struct(b)) => {
                let usage = StructUse {
                    wire: either(a.wire, b.wire),
                    has_builder: false,
                };
                serde_impls(subject, a.wire, b.wire, false, out);
                fields::compare(subject, "field", a, b, usage, out)
            }
            (TypeDef::Enum(a), TypeDef::Enum(b)) => enums(subject, a, b, out),
            (TypeDef::Union(a), TypeDef::Union(b)) => unions(subject, a, b, out),
            (a, b) => {
                out.push(Change::breaking(
                    subject,
                    format!("changed from {} to {}", kind(a), kind(b)),
                    "a struct, an enum and a union are used in different ways: code using the type no longer compiles",
                ));
                false
            }
        };
        if docs_changed {
            out.push(Change::docs(subject, "documentation changed"));
        }
    }
}

fn either(a: WireUse, b: WireUse) -> WireUse {
    WireUse {
        sent: a.sent || b.sent,
        received: a.received || b.received,
    }
}

/// Which serde traits a type implements follows which ways it travels: a struct or a union
/// is `Serialize` when sent, an enum also `Deserialize` when received. Losing one breaks code
/// that serializes or stores the type.
fn serde_impls(
    subject: &str,
    old: WireUse,
    new: WireUse,
    deserialize: bool,
    out: &mut Vec<Change>,
) {
    let mut traits = vec![("serde::Serialize", old.sent, new.sent, "sent")];
    if deserialize {
        traits.push(("serde::Deserialize", old.received, new.received, "received"));
    }
    for (name, had, has, way) in traits {
        match (had, has) {
            (true, false) => out.push(Change::breaking(
                subject,
                format!("no longer implements `{name}`"),
                format!(
                    "no endpoint has it {way} any more; code using the impl no longer compiles"
                ),
            )),
            (false, true) => out.push(Change::compatible(
                subject,
                format!("now implements `{name}`"),
                format!("an endpoint now has it {way}"),
            )),
            _ => {}
        }
    }
}

/// Returns whether documentation alone changed.
fn enums(subject: &str, old: &EnumDef, new: &EnumDef, out: &mut Vec<Change>) -> bool {
    serde_impls(subject, old.wire, new.wire, true, out);
    let mut docs_changed = old.docs != new.docs;
    if old.repr != new.repr {
        // Every value changes with the repr: listing each as removed and added says no more.
        out.push(Change::breaking(
            subject,
            "changed between an integer and a string enum",
            "its values and its `Unknown` variant change type, and so does what goes on the wire",
        ));
        return docs_changed;
    }
    let paired = pair(&old.variants, &new.variants, |v| enum_key(&v.value));
    for variant in paired.added {
        let value = enum_value(&variant.value);
        let reason = if new.wire.received {
            format!(
                "the enum is `#[non_exhaustive]`; before, {value} arrived as `Unknown({value})`: code matching `Unknown({value})` now sees the new variant"
            )
        } else {
            "the enum is `#[non_exhaustive]`: matches already have a wildcard arm".to_owned()
        };
        out.push(Change::compatible(
            subject,
            format!("value {value} added (`{}`)", variant.rust_name),
            reason,
        ));
    }
    for variant in paired.removed {
        out.push(Change::breaking(
            subject,
            format!(
                "value {} removed (`{}`)",
                enum_value(&variant.value),
                variant.rust_name
            ),
            "the variant disappears: code naming it no longer compiles (the value now arrives as `Unknown`)",
        ));
    }
    for (a, b) in paired.both {
        let value = enum_value(&b.value);
        if a.rust_name != b.rust_name {
            out.push(Change::breaking(
                subject,
                format!(
                    "variant of value {value} renamed from `{}` to `{}`",
                    a.rust_name, b.rust_name
                ),
                "code naming the old variant no longer compiles",
            ));
        }
        docs_changed |= deprecation(
            subject,
            &format!("value {value}"),
            &a.deprecated,
            &b.deprecated,
            out,
        );
        docs_changed |= a.docs != b.docs;
    }
    docs_changed
}

/// Returns whether documentation alone changed.
fn unions(subject: &str, old: &UnionDef, new: &UnionDef, out: &mut Vec<Change>) -> bool {
    serde_impls(subject, old.wire, new.wire, false, out);
    // A received union is `#[non_exhaustive]` with an `Unknown` variant; one only sent is neither.
    match (old.wire.received, new.wire.received) {
        (false, true) => out.push(Change::breaking(
            subject,
            "became `#[non_exhaustive]` with an `Unknown` variant",
            "an endpoint now receives it: a `match` without a wildcard arm no longer compiles",
        )),
        (true, false) => out.push(Change::breaking(
            subject,
            "lost its `Unknown` variant and `#[non_exhaustive]`",
            "no endpoint receives it any more: code naming `Unknown` no longer compiles",
        )),
        _ => {}
    }
    if old.tag != new.tag || old.style != new.style {
        out.push(Change::compatible(
            subject,
            "tag key or style changed",
            "wire only: the Rust API is the same",
        ));
    }
    let mut docs_changed = old.docs != new.docs;
    let paired = pair(&old.variants, &new.variants, |v| tag_key(&v.value));
    let open = old.wire.received && new.wire.received;
    for variant in paired.added {
        let what = format!(
            "variant `{}` added (tag {})",
            variant.rust_name,
            tag_value(&variant.value)
        );
        if open {
            out.push(Change::compatible(
                subject,
                what,
                "the union is `#[non_exhaustive]`; before, this kind arrived as `Unknown`",
            ));
        } else {
            out.push(Change::breaking(
                subject,
                what,
                "the union is only sent, so not `#[non_exhaustive]`: a `match` over it without a wildcard arm no longer compiles",
            ));
        }
    }
    for variant in paired.removed {
        out.push(Change::breaking(
            subject,
            format!(
                "variant `{}` removed (tag {})",
                variant.rust_name,
                tag_value(&variant.value)
            ),
            "code naming the variant no longer compiles",
        ));
    }
    for (a, b) in paired.both {
        let tag = tag_value(&b.value);
        if a.rust_name != b.rust_name {
            out.push(Change::breaking(
                subject,
                format!(
                    "variant of tag {tag} renamed from `{}` to `{}`",
                    a.rust_name, b.rust_name
                ),
                "code naming the old variant no longer compiles",
            ));
        }
        let payload =
            |p: &Option<crate::ir::TypeRef>| p.as_ref().map_or("none".to_owned(), type_expr);
        let same_payload = match (&a.payload, &b.payload) {
            (Some(x), Some(y)) => same_rust_type(x, y),
            (x, y) => x.is_none() && y.is_none(),
        };
        if !same_payload {
            out.push(Change::breaking(
                subject,
                format!(
                    "payload of variant `{}` changed from `{}` to `{}`",
                    b.rust_name,
                    payload(&a.payload),
                    payload(&b.payload)
                ),
                "code building or matching the variant no longer compiles",
            ));
        }
        if a.field != b.field {
            out.push(Change::compatible(
                subject,
                format!("payload key of variant `{}` changed", b.rust_name),
                "wire only: the Rust API is the same",
            ));
        }
        docs_changed |= deprecation(
            subject,
            &format!("variant `{}`", b.rust_name),
            &a.deprecated,
            &b.deprecated,
            out,
        );
        docs_changed |= a.docs != b.docs;
    }
    docs_changed
}

/// Reports a deprecation added or lifted; returns whether only its text changed.
fn deprecation(
    subject: &str,
    what: &str,
    old: &Option<String>,
    new: &Option<String>,
    out: &mut Vec<Change>,
) -> bool {
    match (old, new) {
        (None, Some(why)) => out.push(Change::compatible(
            subject,
            format!("{what} deprecated: {why}"),
            "code using it compiles, with a deprecation warning",
        )),
        (Some(_), None) => out.push(Change::compatible(
            subject,
            format!("{what} no longer deprecated"),
            "its deprecation warning goes away",
        )),
        (Some(a), Some(b)) => return a != b,
        (None, None) => {}
    }
    false
}

/// Values compare by kind and value (an enum's repr decides the kind).
fn enum_key(value: &EnumValue) -> (u8, String) {
    match value {
        EnumValue::Integer(i) => (0, i.to_string()),
        EnumValue::String(s) => (1, s.clone()),
    }
}

fn enum_value(value: &EnumValue) -> String {
    crate::lower::display_value(value)
}

/// Tags compare by value and kind: `1` and `"1"` are different tags.
fn tag_key(value: &TagValue) -> (u8, String) {
    match value {
        TagValue::Text(s) => (0, s.clone()),
        TagValue::Integer(i) => (1, i.to_string()),
        TagValue::Bool(b) => (2, b.to_string()),
    }
}

fn tag_value(value: &TagValue) -> String {
    match value {
        TagValue::Text(s) => format!("{s:?}"),
        TagValue::Integer(i) => i.to_string(),
        TagValue::Bool(b) => b.to_string(),
    }
}
