//! Which ways each type crosses the wire: sent in a request, received in a response, or both.
//!
//! The emitters derive `Serialize` only for what is sent and `Deserialize` only for what is
//! received. Serde's derives are most of the code rustc checks in a generated crate, so deriving
//! only the used half is the cheapest large cut of its compile time.

use super::secrets::{element_type, structs_by_name};
use super::type_name;
use crate::ir::{Module, StructDef, TypeDef, TypeRef, WireUse};
use std::collections::{BTreeMap, BTreeSet};

/// Sets `wire` of every struct and enum in `modules`. Names are unique across the API, so types
/// are keyed by Rust name. A type no endpoint reaches is marked both ways, with the types it
/// holds: a user may still send or store it.
pub fn mark_wire_use(modules: &mut [Module]) {
    let structs = structs_by_name(modules);
    let mut sent = BTreeSet::new();
    let mut received = BTreeSet::new();
    for endpoint in modules.iter().filter_map(|m| m.endpoint.as_ref()) {
        reach(&endpoint.request.rust_name, &structs, &mut sent);
        reach(&endpoint.response.rust_name, &structs, &mut received);
    }
    // A type no endpoint reaches goes both ways, and so does everything it holds: its
    // `Serialize` and `Deserialize` need theirs.
    let names: Vec<&str> = modules
        .iter()
        .flat_map(|module| &module.types)
        .map(type_name)
        .collect();
    for name in names {
        if !sent.contains(name) && !received.contains(name) {
            reach(name, &structs, &mut sent);
            reach(name, &structs, &mut received);
        }
    }
    let use_of = |name: &str| WireUse {
        sent: sent.contains(name),
        received: received.contains(name),
    };
    for module in modules {
        for ty in &mut module.types {
            match ty {
                TypeDef::Struct(def) => def.wire = use_of(&def.rust_name),
                TypeDef::Enum(def) => def.wire = use_of(&def.rust_name),
                TypeDef::Union(def) => def.wire = use_of(&def.rust_name),
            }
        }
        if let Some(endpoint) = &mut module.endpoint {
            endpoint.request.wire = use_of(&endpoint.request.rust_name);
            endpoint.response.wire = use_of(&endpoint.response.rust_name);
        }
    }
}

/// Adds `name` and every type its fields reach, at any depth, to `found`.
fn reach(name: &str, structs: &BTreeMap<String, StructDef>, found: &mut BTreeSet<String>) {
    // `found` doubles as the visited set, which ends the walk at types that contain themselves.
    if !found.insert(name.to_owned()) {
        return;
    }
    let Some(def) = structs.get(name) else {
        return;
    };
    for field in &def.fields {
        if let TypeRef::Named { rust_name, .. } = element_type(&field.ty) {
            reach(rust_name, structs, found);
        }
    }
}
