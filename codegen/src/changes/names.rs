//! How the report names things: by their path in the client crate, which is what a caller
//! writes, rather than by spec file.

use crate::ir::{Module, TypeRef};

/// Where a spec file's items are public: its group's module (a spec file's own module is private
/// and re-exported into its group), or the crate root for the shared, top-level files. So a type
/// that moves between the files of one group keeps its path, and is not a change.
pub fn home(module_path: &[String]) -> Vec<String> {
    module_path[..module_path.len().saturating_sub(1)].to_vec()
}

/// `wxopen::LinkStatus`, or `GlobalError` at the root.
pub fn item_path(home: &[String], name: &str) -> String {
    home.iter()
        .map(String::as_str)
        .chain([name])
        .collect::<Vec<_>>()
        .join("::")
}

/// The public path of an item defined by `module`.
pub fn in_module(module: &Module, name: &str) -> String {
    item_path(&home(&module.path), name)
}

/// A field's type as the spec language writes it, named types by their path in the crate.
pub fn type_expr(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "string".to_owned(),
        TypeRef::Secret => "secret".to_owned(),
        TypeRef::Integer => "integer".to_owned(),
        TypeRef::Number => "number".to_owned(),
        TypeRef::Boolean => "boolean".to_owned(),
        TypeRef::Flag => "flag".to_owned(),
        TypeRef::File => "file".to_owned(),
        TypeRef::Named { rust_name, module } => item_path(&home(module), rust_name),
        TypeRef::Array(inner) => format!("array<{}>", type_expr(inner)),
        TypeRef::Map(inner) => format!("map<{}>", type_expr(inner)),
    }
}

/// Whether two field types are the same Rust type. `flag` and `boolean` are both `bool` (they
/// differ on the wire only), and a named type is the same wherever in its group it is defined.
pub fn same_rust_type(a: &TypeRef, b: &TypeRef) -> bool {
    match (a, b) {
        (TypeRef::Flag | TypeRef::Boolean, TypeRef::Flag | TypeRef::Boolean) => true,
        (
            TypeRef::Named {
                rust_name: a_name,
                module: a_module,
            },
            TypeRef::Named {
                rust_name: b_name,
                module: b_module,
            },
        ) => a_name == b_name && home(a_module) == home(b_module),
        (TypeRef::Array(a), TypeRef::Array(b)) | (TypeRef::Map(a), TypeRef::Map(b)) => {
            same_rust_type(a, b)
        }
        _ => a == b,
    }
}
