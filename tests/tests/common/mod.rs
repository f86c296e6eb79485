//! Helpers shared by the endpoint tests.

/// An endpoint of `specs/` as the generator's front end reads it, by wire name: tests take the
/// documented codes and fields from it, so they cover exactly what the spec says.
pub fn endpoint_ir(wire_name: &str) -> codegen::ir::Endpoint {
    let specs = codegen::load::load_dir(&codegen::workspace_root().join("specs")).unwrap();
    let (api, _warnings) = codegen::lower::lower(&specs).unwrap();
    api.modules
        .into_iter()
        .filter_map(|m| m.endpoint)
        .find(|e| e.wire_name == wire_name)
        .unwrap_or_else(|| panic!("no endpoint `{wire_name}` in specs/"))
}

/// How an error variant's `Debug` starts: `SystemBusy {` for an endpoint's own code, and
/// `Global(SystemBusy {` for a code of an included set, which arrives wrapped in its set's variant.
pub fn debug_prefix(variant: &codegen::ir::ErrorVariant) -> String {
    match &variant.from_set {
        Some(set) => format!(
            "{}({} {{",
            codegen::ident::pascal(set).expect("a set name the generator accepted"),
            variant.rust_name
        ),
        None => format!("{} {{", variant.rust_name),
    }
}
