//! The fields of a struct: an endpoint's request or response, or a named object type.
//!
//! A field's rules depend on which way its struct travels. What is sent is built by callers
//! (through a request builder, or a struct literal for a named type), so a new required field
//! breaks them; what is received is only read, so a new field of any kind does not. A struct
//! that travels both ways takes the stricter rule of the two.

use super::names::{same_rust_type, type_expr};
use super::{Change, Class, diff::pair};
use crate::ir::{FieldDef, FieldLocation, Presence, StructDef, WireUse};

/// How the callers of a struct meet it.
#[derive(Debug, Clone, Copy)]
pub struct StructUse {
    /// Which ways it travels, on either side.
    pub wire: WireUse,
    /// Built through a request builder (an endpoint's request), rather than by a struct literal.
    pub has_builder: bool,
}

/// Compares the fields of two versions of a struct; `label` names a field in a sentence
/// ("request field", "field"). Returns whether documentation alone changed somewhere, which the
/// caller reports once for its whole item.
pub fn compare(
    subject: &str,
    label: &str,
    base: &StructDef,
    head: &StructDef,
    usage: StructUse,
    out: &mut Vec<Change>,
) -> bool {
    let mut docs_changed = base.docs != head.docs;
    let paired = pair(&base.fields, &head.fields, |f| f.wire_name.clone());
    // A field whose wire name changed but whose Rust name did not is the same field to callers.
    let renamed_on_wire = pair(paired.removed, paired.added, |f| f.rust_name.clone());
    for (old, new) in &renamed_on_wire.both {
        out.push(Change::compatible(
            subject,
            format!(
                "{label} `{}` is now `{}` on the wire",
                old.wire_name, new.wire_name
            ),
            "callers compile unchanged; the client sends or reads the new key",
        ));
    }
    for field in renamed_on_wire.added {
        added(subject, label, field, head, usage, out);
    }
    for field in renamed_on_wire.removed {
        out.push(Change::breaking(
            subject,
            format!("{label} `{}` removed", field.wire_name),
            format!(
                "code reading or setting `{}` no longer compiles",
                field.rust_name
            ),
        ));
    }
    for (old, new) in paired.both.into_iter().chain(renamed_on_wire.both) {
        docs_changed |= changed(subject, label, old, new, usage, out);
    }
    default_impl(subject, base, head, out);
    docs_changed
}

/// A struct whose fields are all optional implements `Default`; one required field takes it away.
fn default_impl(subject: &str, base: &StructDef, head: &StructDef, out: &mut Vec<Change>) {
    match (base.all_fields_optional, head.all_fields_optional) {
        (true, false) => out.push(Change::breaking(
            subject,
            "no longer implements `Default`",
            "a field became required; `Default::default()` and `..Default::default()` no longer compile",
        )),
        (false, true) => out.push(Change::compatible(
            subject,
            "now implements `Default`",
            "every field may now be absent",
        )),
        _ => {}
    }
}

fn added(
    subject: &str,
    label: &str,
    field: &FieldDef,
    head: &StructDef,
    usage: StructUse,
    out: &mut Vec<Change>,
) {
    let what = format!(
        "{label} `{}` added ({})",
        field.wire_name,
        presence_word(&field.presence)
    );
    let required = field.presence == Presence::Required;
    let verdict = if !usage.wire.sent {
        (Class::Compatible, "callers only read a received struct")
    } else if usage.has_builder && required {
        (
            Class::Breaking,
            "`build()` now needs the new setter: requests built without it no longer compile",
        )
    } else if usage.has_builder {
        (
            Class::Compatible,
            "the builder leaves it unset (struct literals without `..Default::default()` are outside the compatibility promise)",
        )
    } else if head.all_fields_optional {
        (
            Class::Compatible,
            "values built with `..Default::default()` leave it unset (other struct literals are outside the compatibility promise)",
        )
    } else {
        (
            Class::Breaking,
            "the type is sent and has no builder or `Default`: every struct literal building it needs the new field",
        )
    };
    out.push(match verdict {
        (Class::Breaking, reason) => Change::breaking(subject, what, reason),
        (Class::Compatible, reason) => Change::compatible(subject, what, reason),
    });
}

/// Compares one field; returns whether its documentation changed.
fn changed(
    subject: &str,
    label: &str,
    old: &FieldDef,
    new: &FieldDef,
    usage: StructUse,
    out: &mut Vec<Change>,
) -> bool {
    let name = &new.wire_name;
    if old.rust_name != new.rust_name {
        out.push(Change::breaking(
            subject,
            format!(
                "{label} `{name}` renamed in Rust from `{}` to `{}`",
                old.rust_name, new.rust_name
            ),
            "code naming the old field or setter no longer compiles",
        ));
    }
    presence(subject, label, old, new, usage, out);
    if !same_rust_type(&old.ty, &new.ty) {
        out.push(Change::breaking(
            subject,
            format!(
                "{label} `{name}` changed type from `{}` to `{}`",
                type_expr(&old.ty),
                type_expr(&new.ty)
            ),
            "its Rust type changes: code reading or setting it no longer compiles",
        ));
    } else if old.ty != new.ty {
        out.push(Change::compatible(
            subject,
            format!(
                "{label} `{name}` changed from `{}` to `{}` on the wire",
                type_expr(&old.ty),
                type_expr(&new.ty)
            ),
            "the Rust type is the same; only how the value travels changes",
        ));
    }
    let wire_only = [
        (old.lenient != new.lenient, "leniency (`lenient`)"),
        (old.flatten != new.flatten, "flattening"),
        (old.location != new.location, "location"),
    ];
    for (differs, what) in wire_only {
        if differs {
            let detail = if old.location != new.location && what == "location" {
                format!(
                    " (from {} to {})",
                    location_word(old.location),
                    location_word(new.location)
                )
            } else {
                String::new()
            };
            out.push(Change::compatible(
                subject,
                format!("{label} `{name}` changed its {what}{detail}"),
                "wire only: the Rust API is the same",
            ));
        }
    }
    match (&old.deprecated, &new.deprecated) {
        (None, Some(why)) => out.push(Change::compatible(
            subject,
            format!("{label} `{name}` deprecated: {why}"),
            "code using it compiles, with a deprecation warning",
        )),
        (Some(_), None) => out.push(Change::compatible(
            subject,
            format!("{label} `{name}` no longer deprecated"),
            "its deprecation warning goes away",
        )),
        _ => {}
    }
    let reworded = matches!((&old.deprecated, &new.deprecated), (Some(a), Some(b)) if a != b);
    old.docs != new.docs || reworded
}

/// A field's presence decides its Rust type (`Option<T>` only when optional) and whether a
/// builder's `build()` needs it (only when required).
fn presence(
    subject: &str,
    label: &str,
    old: &FieldDef,
    new: &FieldDef,
    usage: StructUse,
    out: &mut Vec<Change>,
) {
    if old.presence == new.presence {
        return;
    }
    let name = &new.wire_name;
    let what = format!(
        "{label} `{name}` changed from {} to {}",
        presence_word(&old.presence),
        presence_word(&new.presence)
    );
    let was_option = old.presence == Presence::Optional;
    let is_option = new.presence == Presence::Optional;
    if was_option != is_option {
        let (from, to) = if is_option {
            ("`T`", "`Option<T>`")
        } else {
            ("`Option<T>`", "`T`")
        };
        out.push(Change::breaking(
            subject,
            what,
            format!("its Rust type changes from {from} to {to}: code reading or setting it no longer compiles"),
        ));
    } else if usage.wire.sent && usage.has_builder && new.presence == Presence::Required {
        out.push(Change::breaking(
            subject,
            what,
            "`build()` now needs its setter: requests built without it no longer compile",
        ));
    } else if usage.wire.sent && new.presence == Presence::Required {
        out.push(Change::compatible(
            subject,
            what,
            "the Rust type is the same and struct literals set it already; values are now always sent",
        ));
    } else if new.presence == Presence::Required {
        out.push(Change::compatible(
            subject,
            what,
            "the Rust type is the same; an answer without it now fails to decode",
        ));
    } else if usage.wire.sent && usage.has_builder && old.presence == Presence::Required {
        out.push(Change::compatible(
            subject,
            what,
            "`build()` no longer needs its setter; unset, the default is sent",
        ));
    } else {
        out.push(Change::compatible(
            subject,
            what,
            "the Rust type is the same; an absent value now takes the default",
        ));
    }
}

fn presence_word(presence: &Presence) -> String {
    match presence {
        Presence::Required => "required".to_owned(),
        Presence::Optional => "optional".to_owned(),
        Presence::DefaultZero => "defaulted".to_owned(),
        Presence::DefaultValue(value) => format!("defaulted to {}", default_word(value)),
    }
}

fn default_word(value: &crate::ir::DefaultValue) -> String {
    use crate::ir::DefaultValue;
    match value {
        DefaultValue::Integer(i) => i.to_string(),
        DefaultValue::Number(n) => n.to_string(),
        DefaultValue::String(s) => format!("{s:?}"),
        DefaultValue::Bool(b) => b.to_string(),
        DefaultValue::EnumVariant { enum_name, variant } => format!("`{enum_name}::{variant}`"),
    }
}

fn location_word(location: FieldLocation) -> &'static str {
    match location {
        FieldLocation::Json => "the JSON body",
        FieldLocation::Query => "the query",
        FieldLocation::Part => "a multipart part",
    }
}
