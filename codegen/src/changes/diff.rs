//! Pairs the items of two [`Api`]s and hands each pair to the module that compares its kind:
//! groups and token kinds here, then the private modules `endpoints`, `types` and `errors`
//! (the error sets).

use super::{Change, endpoints, errors, types};
use crate::ir::Api;
use std::collections::BTreeMap;

/// Every change from `base` to `head`, unsorted.
pub fn changes(base: &Api, head: &Api) -> Vec<Change> {
    let mut out = Vec::new();
    groups(base, head, &mut out);
    token_kinds(base, head, &mut out);
    endpoints::compare(base, head, &mut out);
    types::compare(base, head, &mut out);
    errors::compare_sets(base, head, &mut out);
    out
}

/// Items of two sides matched by key: the pairs, then those only in the base (removed), then
/// those only in the head (added), each in key order.
#[derive(Debug)]
pub struct Paired<'a, T> {
    pub both: Vec<(&'a T, &'a T)>,
    pub removed: Vec<&'a T>,
    pub added: Vec<&'a T>,
}

/// Matches `base` and `head` items with equal keys. Keys are unique on each side (lowering
/// rejects duplicates); were one repeated, the last item of that key would be compared.
pub fn pair<'a, T, K: Ord>(
    base: impl IntoIterator<Item = &'a T>,
    head: impl IntoIterator<Item = &'a T>,
    key: impl Fn(&T) -> K,
) -> Paired<'a, T> {
    let mut base: BTreeMap<K, &T> = base.into_iter().map(|item| (key(item), item)).collect();
    let mut both = Vec::new();
    let mut added = Vec::new();
    let head: BTreeMap<K, &T> = head.into_iter().map(|item| (key(item), item)).collect();
    for (k, item) in head {
        match base.remove(&k) {
            Some(old) => both.push((old, item)),
            None => added.push(item),
        }
    }
    Paired {
        both,
        removed: base.into_values().collect(),
        added,
    }
}

/// A group is a folder of specs: a crate of its own and a cargo feature of the client.
fn groups(base: &Api, head: &Api, out: &mut Vec<Change>) {
    let group_names = |api: &'_ Api| -> Vec<String> {
        api.modules
            .iter()
            .filter(|m| m.path.len() == 1 && m.spec_file.is_none())
            .map(|m| m.path[0].clone())
            .collect()
    };
    let (base, head) = (group_names(base), group_names(head));
    let paired = pair(&base, &head, Clone::clone);
    for name in paired.added {
        out.push(Change::compatible(
            name,
            format!("group `{name}` added"),
            format!("a new cargo feature `{name}` (on by default) and module `{name}`"),
        ));
    }
    for name in paired.removed {
        out.push(Change::breaking(
            name,
            format!("group `{name}` removed"),
            format!(
                "the cargo feature `{name}` and the module `{name}` with its endpoints and types disappear"
            ),
        ));
    }
}

fn token_kinds(base: &Api, head: &Api, out: &mut Vec<Change>) {
    let paired = pair(&base.token_kinds, &head.token_kinds, |k| k.name.clone());
    let subject = |name: &str| format!("token kind `{name}`");
    for kind in paired.added {
        out.push(Change::compatible(
            &subject(&kind.name),
            "added",
            format!(
                "a new constant `TokenKind::{}` (through the prelude's `TokenKinds`)",
                kind.const_name
            ),
        ));
    }
    for kind in paired.removed {
        out.push(Change::breaking(
            &subject(&kind.name),
            "removed",
            format!(
                "the constant `TokenKind::{}` disappears, and a client's token source for it is never used",
                kind.const_name
            ),
        ));
    }
    for (old, new) in paired.both {
        let subject = subject(&new.name);
        if old.const_name != new.const_name {
            out.push(Change::breaking(
                &subject,
                format!(
                    "constant renamed from `{}` to `{}`",
                    old.const_name, new.const_name
                ),
                "code naming the old constant no longer compiles",
            ));
        }
        if old.query_param != new.query_param {
            out.push(Change::compatible(
                &subject,
                format!(
                    "default query parameter changed from `{}` to `{}`",
                    old.query_param, new.query_param
                ),
                "wire only: endpoints that do not name a parameter send the token under the new one",
            ));
        }
        if old.docs != new.docs {
            out.push(Change::docs(&subject, "documentation changed"));
        }
    }
}
