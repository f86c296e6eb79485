//! The last lowering pass: which wire names of each endpoint hold secrets.
//!
//! The runtime redacts these from logged URLs and withholds a response excerpt that names one,
//! so the search follows named types to any depth (a token nested in an `authorization_info`
//! object counts as much as one at the top).

use crate::ir::{FieldDef, FieldLocation, Module, Presence, StructDef, TypeDef, TypeRef, UnionDef};
use std::collections::{BTreeMap, BTreeSet};

/// Sets `secret_fields` of every endpoint in `modules`.
pub fn mark_secret_fields(modules: &mut [Module]) {
    let structs = structs_by_name(modules);
    for module in modules {
        let Some(endpoint) = &mut module.endpoint else {
            continue;
        };
        let mut found = BTreeSet::new();
        let mut visited = BTreeSet::new();
        for def in [&endpoint.request, &endpoint.response] {
            collect(&def.fields, &structs, &mut visited, &mut found);
        }
        endpoint.secret_fields = found.into_iter().collect();
    }
}

fn collect(
    fields: &[FieldDef],
    structs: &BTreeMap<String, StructDef>,
    visited: &mut BTreeSet<String>,
    found: &mut BTreeSet<String>,
) {
    for field in fields {
        match element_type(&field.ty) {
            TypeRef::Secret => {
                found.insert(field.wire_name.clone());
            }
            // `visited` ends the walk at types that contain themselves.
            TypeRef::Named { rust_name, .. } if visited.insert(rust_name.clone()) => {
                if let Some(def) = structs.get(rust_name) {
                    collect(&def.fields, structs, visited, found);
                }
            }
            _ => {}
        }
    }
}

/// Every struct of the API by Rust name (names are unique across it), for walks that follow
/// named types from field to field. Shared with `super::wire`. A union is there as a struct of
/// its variants' payloads, so that walks go through it.
pub(super) fn structs_by_name(modules: &[Module]) -> BTreeMap<String, StructDef> {
    let endpoint_structs = modules
        .iter()
        .filter_map(|module| module.endpoint.as_ref())
        .flat_map(|e| [&e.request, &e.response])
        .map(|def| (def.rust_name.clone(), def.clone()));
    modules
        .iter()
        .flat_map(|module| &module.types)
        .filter_map(|ty| match ty {
            TypeDef::Struct(def) => Some((def.rust_name.clone(), def.clone())),
            TypeDef::Union(union) => Some((union.rust_name.clone(), payloads(union))),
            TypeDef::Enum(_) => None,
        })
        .chain(endpoint_structs)
        .collect()
}

fn payloads(union: &UnionDef) -> StructDef {
    let fields = union
        .variants
        .iter()
        .filter_map(|variant| {
            Some(FieldDef {
                rust_name: variant.rust_name.clone(),
                wire_name: variant.field.clone().unwrap_or_default(),
                docs: String::new(),
                ty: variant.payload.clone()?,
                presence: Presence::Optional,
                lenient: false,
                flatten: None,
                flattened_keys: Vec::new(),
                deprecated: None,
                location: FieldLocation::Json,
            })
        })
        .collect();
    StructDef {
        rust_name: union.rust_name.clone(),
        docs: String::new(),
        fields,
        all_fields_optional: true,
        wire: union.wire,
    }
}

/// The type of a field's values: an array's elements or a map's values, at any depth.
pub(super) fn element_type(ty: &TypeRef) -> &TypeRef {
    ty.element()
}
