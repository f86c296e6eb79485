//! Error codes: an endpoint's own, and the shared error sets.
//!
//! Every error enum is `#[non_exhaustive]` and ends in `Undocumented { code, errmsg }`, so a new
//! code is compatible (it arrived as `Undocumented` before), while a code's variant that
//! disappears or moves breaks the code that matches it.

use super::Change;
use super::diff::pair;
use super::names::in_module;
use crate::ir::{Api, ErrorEnum, ErrorSetEnum, ErrorVariant, Module};

/// The shared enums of the error sets.
pub fn compare_sets(base: &Api, head: &Api, out: &mut Vec<Change>) {
    let (base, head) = (error_sets(base), error_sets(head));
    let paired = pair(&base, &head, |(_, set)| set.name.clone());
    for (path, set) in paired.added {
        out.push(Change::compatible(
            path,
            format!("error set `{}` added", set.name),
            "a new error enum; endpoints that include it are reported on their own",
        ));
    }
    for (path, set) in paired.removed {
        out.push(Change::breaking(
            path,
            format!("error set `{}` removed", set.name),
            "its enum disappears: code naming it or its variants no longer compiles",
        ));
    }
    for ((old_path, old), (path, new)) in paired.both {
        if old_path != path {
            out.push(Change::breaking(
                path,
                format!(
                    "error set `{}`: enum `{old_path}` renamed or moved to `{path}`",
                    new.name
                ),
                "code naming the old enum no longer compiles",
            ));
        }
        let mut docs_changed = old.docs != new.docs;
        docs_changed |= codes(
            path,
            &old.variants,
            &new.variants,
            &format!("`{}`", new.rust_name),
            out,
        );
        if docs_changed {
            out.push(Change::docs(
                path,
                "documentation changed (docs, errmsg or solution)",
            ));
        }
    }
}

/// Each error set's shared enum, with its path in the crate.
fn error_sets(api: &Api) -> Vec<(String, &ErrorSetEnum)> {
    api.modules
        .iter()
        .flat_map(|module: &Module| {
            module
                .error_sets
                .iter()
                .map(move |set| (in_module(module, &set.rust_name), set))
        })
        .collect()
}

/// Compares the codes of two versions of an enum (an error set's, or an endpoint's own codes);
/// `owner` names the enum in a sentence. Returns whether only an errmsg or solution changed.
fn codes(
    subject: &str,
    old: &[ErrorVariant],
    new: &[ErrorVariant],
    owner: &str,
    out: &mut Vec<Change>,
) -> bool {
    let paired = pair(old, new, |v| v.code);
    for variant in paired.added {
        out.push(Change::compatible(
            subject,
            format!(
                "error code {} added (`{}`)",
                variant.code, variant.rust_name
            ),
            format!("{owner} is `#[non_exhaustive]`; before, the code arrived as `Undocumented`"),
        ));
    }
    for variant in paired.removed {
        out.push(Change::breaking(
            subject,
            format!("error code {} removed (`{}`)", variant.code, variant.rust_name),
            "the variant disappears: code matching it no longer compiles (the code now arrives as `Undocumented`)",
        ));
    }
    let mut docs_changed = false;
    for (a, b) in paired.both {
        if a.rust_name != b.rust_name {
            out.push(Change::breaking(
                subject,
                format!(
                    "error code {}: variant renamed from `{}` to `{}`",
                    b.code, a.rust_name, b.rust_name
                ),
                "code matching the old variant no longer compiles",
            ));
        }
        docs_changed |= a.errmsg != b.errmsg || a.solution != b.solution;
    }
    docs_changed
}

/// An endpoint's error enum: its own codes and the sets it includes. Returns whether only
/// documentation changed.
pub fn compare_endpoint(
    subject: &str,
    old: &ErrorEnum,
    new: &ErrorEnum,
    out: &mut Vec<Change>,
) -> bool {
    let set_of = |errors: &ErrorEnum, code: i64| -> Option<String> {
        errors
            .variants
            .iter()
            .find(|v| v.code == code)
            .and_then(|v| v.from_set.clone())
    };
    let old_own: Vec<ErrorVariant> = old.own_variants().cloned().collect();
    let new_own: Vec<ErrorVariant> = new.own_variants().cloned().collect();
    // A code that moves between the endpoint's own table and an included set changes variant
    // (`Own` against `Set(SetError::Own)`): reported as a move, not as removed and added.
    let (mut old_kept, mut new_kept) = (Vec::new(), Vec::new());
    for variant in &old_own {
        match set_of(new, variant.code) {
            Some(set) => out.push(Change::breaking(
                subject,
                format!(
                    "error code {} moved from `{}::{}` into error set `{set}`",
                    variant.code, old.rust_name, variant.rust_name
                ),
                "the variant moves into the set's wrapping variant: code matching the old one no longer compiles",
            )),
            None => old_kept.push(variant.clone()),
        }
    }
    for variant in &new_own {
        match set_of(old, variant.code) {
            Some(set) => out.push(Change::breaking(
                subject,
                format!(
                    "error code {} moved from error set `{set}` to `{}::{}`",
                    variant.code, new.rust_name, variant.rust_name
                ),
                "the variant moves out of the set's wrapping variant: code matching the old one no longer compiles",
            )),
            None => new_kept.push(variant.clone()),
        }
    }
    let owner = format!("`{}`", new.rust_name);
    let docs_changed = codes(subject, &old_kept, &new_kept, &owner, out);
    let sets = pair(&old.sets, &new.sets, |s| s.name.clone());
    for set in sets.added {
        out.push(Change::compatible(
            subject,
            format!(
                "includes error set `{}` (variant `{}`)",
                set.name, set.variant
            ),
            format!(
                "{owner} is `#[non_exhaustive]`; before, the set's codes arrived as `Undocumented`"
            ),
        ));
    }
    for set in sets.removed {
        out.push(Change::breaking(
            subject,
            format!("no longer includes error set `{}`", set.name),
            format!(
                "the variant `{}` disappears: code matching it no longer compiles",
                set.variant
            ),
        ));
    }
    for (a, b) in sets.both {
        if a.variant != b.variant {
            out.push(Change::breaking(
                subject,
                format!(
                    "variant of error set `{}` renamed from `{}` to `{}`",
                    b.name, a.variant, b.variant
                ),
                "code matching the old variant no longer compiles",
            ));
        }
    }
    docs_changed
}
