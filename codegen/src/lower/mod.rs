//! Stage 2: validate the loaded specs and lower them into the [`ir`](crate::ir).
//!
//! Lowering works in two passes. The first registers every name that specs can refer to across
//! files (named types, error sets, operations), so that the order of files never matters. The
//! second lowers each file, resolving references through that registry. Every problem becomes a
//! [`Diagnostic`]; lowering goes on after one, so a single run reports them all.

mod builder;
mod endpoint;
mod fields;
mod registry;
mod secrets;
mod unions;
mod wire;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ident;
use crate::ir::{
    Api, ChildModule, EnumDef, EnumRepr, EnumValue, ErrorSetEnum, Module, TokenKindDef, TypeDef,
    VariantDef, WireUse,
};
use crate::load::LoadedSpec;
use crate::spec::{TypeKind, TypeSpec};
use registry::Registry;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Validates `specs` and lowers them, with the warnings found; on any error, returns every
/// problem found (warnings too), each located in its file, and no IR.
pub fn lower(specs: &[LoadedSpec]) -> Result<(Api, Diagnostics), Diagnostics> {
    lower_some(specs, true)
}

/// Lowers the specs that loaded, reporting with their problems the `load_problems` of the files
/// that did not, so one run shows both. Any error, of either kind, means no IR.
pub fn lower_loaded(
    specs: &[LoadedSpec],
    load_problems: Diagnostics,
) -> Result<(Api, Diagnostics), Diagnostics> {
    let all_files = load_problems.is_empty();
    match lower_some(specs, all_files) {
        Ok(lowered) if all_files => Ok(lowered),
        Ok((_, found)) | Err(found) => {
            let mut problems = load_problems;
            problems.extend(found);
            Err(problems.sorted())
        }
    }
}

/// Like [`lower`]; `all_files` is false when some spec files could not be read, so a name that
/// is not found may be defined in one of them and is not reported.
fn lower_some(specs: &[LoadedSpec], all_files: bool) -> Result<(Api, Diagnostics), Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let registry = Registry::build(specs, &mut diagnostics);
    let mut modules = Vec::new();
    for spec in specs {
        let mut cx = Cx {
            file: &spec.rel_path,
            registry: &registry,
            all_files,
            diagnostics: &mut diagnostics,
        };
        if let Some(module) = lower_file(&mut cx, spec) {
            modules.push(module);
        }
    }
    for spec in specs {
        diagnostics.locate(&spec.rel_path, &spec.source, &spec.index);
    }
    let diagnostics = diagnostics.sorted();
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    secrets::mark_secret_fields(&mut modules);
    wire::mark_wire_use(&mut modules);
    let token_kinds = registry
        .token_kinds()
        .map(|(name, kind)| TokenKindDef {
            name: name.to_owned(),
            const_name: kind.const_name.clone(),
            query_param: kind.query_param.clone(),
            docs: docs_or(kind.docs.as_deref(), &format!("The `{name}` token kind.")),
            module: kind.module.clone(),
        })
        .collect();
    let api = Api {
        modules: with_group_modules(modules),
        token_kinds,
    };
    Ok((api, diagnostics))
}

/// What lowering one file needs: where it is, what other files define, where problems go.
pub(crate) struct Cx<'a> {
    pub file: &'a Path,
    pub registry: &'a Registry,
    /// Whether every spec file was read: only then is an unknown name surely unknown.
    pub all_files: bool,
    pub diagnostics: &'a mut Diagnostics,
}

impl Cx<'_> {
    pub fn error(
        &mut self,
        spec_path: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diagnostics
            .push(Diagnostic::new(self.file, spec_path, message).with_help(help));
    }

    /// Reports a name that no spec defines, unless the file defining it may be one that could
    /// not be read.
    pub fn unknown_name(
        &mut self,
        spec_path: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        if self.all_files {
            self.error(spec_path, message, help);
        }
    }

    /// Like [`Cx::error`], pointing also at an earlier node of the same file.
    pub fn error_also_at(
        &mut self,
        spec_path: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
        earlier: (impl Into<String>, impl Into<String>),
    ) {
        self.diagnostics.push(
            Diagnostic::new(self.file, spec_path, message)
                .with_help(help)
                .also_at(earlier.0, earlier.1),
        );
    }

    /// Something that does not stop generation, but that a reviewer would want fixed.
    pub fn warn(
        &mut self,
        spec_path: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diagnostics
            .push(Diagnostic::warning(self.file, spec_path, message).with_help(help));
    }
}

/// The module of one spec file, or `None` when the file defines nothing to emit.
fn lower_file(cx: &mut Cx<'_>, spec: &LoadedSpec) -> Option<Module> {
    let mut types = Vec::new();
    let endpoint = spec
        .spec
        .endpoint
        .as_ref()
        .and_then(|e| endpoint::lower(cx, e));
    let mut named: Vec<TypeDef> = spec
        .spec
        .types
        .iter()
        .enumerate()
        .filter_map(|(index, ty)| lower_named_type(cx, ty, &format!("types[{index}]")))
        .collect();
    named.sort_by(|a, b| type_name(a).cmp(type_name(b)));
    // The endpoint's request and response are held by the endpoint alone: `types` are the
    // file's named types.
    types.extend(named);
    let mut error_sets: Vec<ErrorSetEnum> = spec
        .spec
        .error_sets
        .iter()
        .filter_map(|set| endpoint::lower_error_set(cx, set))
        .collect();
    error_sets.sort_by(|a, b| a.name.cmp(&b.name));
    let declares_kinds = !spec.spec.token_kinds.is_empty();
    if types.is_empty() && endpoint.is_none() && error_sets.is_empty() && !declares_kinds {
        return None;
    }
    let module_name = cx.registry.module_of_file(cx.file)?;
    let docs = match &endpoint {
        Some(e) => format!("`{}`: {}", e.wire_name, e.summary),
        None if types.is_empty() && error_sets.is_empty() => format!(
            "Token kinds shared by the specs, from `{}`.",
            cx.file.display()
        ),
        None if types.is_empty() => format!(
            "Error sets shared by the specs, from `{}`.",
            cx.file.display()
        ),
        None => format!("Types shared by the specs, from `{}`.", cx.file.display()),
    };
    Some(Module {
        path: module_name,
        spec_file: Some(cx.file.to_path_buf()),
        docs,
        children: Vec::new(),
        types,
        error_sets,
        endpoint,
    })
}

fn type_name(ty: &TypeDef) -> &str {
    match ty {
        TypeDef::Struct(s) => &s.rust_name,
        TypeDef::Enum(e) => &e.rust_name,
        TypeDef::Union(u) => &u.rust_name,
    }
}

fn lower_named_type(cx: &mut Cx<'_>, ty: &TypeSpec, at: &str) -> Option<TypeDef> {
    let rust_name = cx.registry.type_rust_name(&ty.name)?.to_owned();
    if is_blank(ty.docs.as_deref()) {
        cx.warn(
            format!("{at}.name"),
            format!("type `{}` has no docs", ty.name),
            "add `docs:` with what the type stands for",
        );
    }
    let docs = docs_or(
        ty.docs.as_deref(),
        &format!("The `{}` type of the spec.", ty.name),
    );
    if ty.kind != TypeKind::Union {
        for (key, present) in [
            ("tag", ty.tag.is_some()),
            ("style", ty.style.is_some()),
            ("variants", ty.variants.is_some()),
        ] {
            if present {
                cx.error(
                    format!("{at}.{key}"),
                    format!("`{key}` belongs to a union"),
                    "remove it, or use `kind: union`",
                );
            }
        }
    }
    match ty.kind {
        TypeKind::Object => {
            if ty.repr.is_some() || ty.values.is_some() {
                let extra = if ty.repr.is_some() { "repr" } else { "values" };
                cx.error(
                    format!("{at}.{extra}"),
                    "an object type takes `fields`, not `repr` or `values`",
                    "remove `repr` and `values`, or use `kind: enum`",
                );
            }
            let Some(fields) = &ty.fields else {
                cx.error(
                    at,
                    format!("object type `{}` has no `fields`", ty.name),
                    "add `fields:` (`fields: []` for an empty object)",
                );
                return None;
            };
            fields::lower_struct(cx, rust_name, docs, fields, &format!("{at}.fields"))
                .map(TypeDef::Struct)
        }
        TypeKind::Enum => lower_enum(cx, ty, rust_name, docs, at).map(TypeDef::Enum),
        TypeKind::Union => unions::lower_union(cx, ty, rust_name, docs, at).map(TypeDef::Union),
    }
}

fn lower_enum(
    cx: &mut Cx<'_>,
    ty: &TypeSpec,
    rust_name: String,
    docs: String,
    at: &str,
) -> Option<EnumDef> {
    if ty.fields.is_some() {
        cx.error(
            format!("{at}.fields"),
            "an enum type takes `repr` and `values`, not `fields`",
            "remove `fields`, or use `kind: object`",
        );
    }
    let Some(repr) = ty.repr else {
        cx.error(
            at,
            format!("enum `{}` has no `repr`", ty.name),
            "add `repr: integer` or `repr: string`: how values travel on the wire",
        );
        return None;
    };
    let repr = match repr {
        crate::spec::EnumRepr::Integer => EnumRepr::Integer,
        crate::spec::EnumRepr::String => EnumRepr::String,
    };
    let values = ty.values.as_deref().unwrap_or_default();
    if values.is_empty() {
        cx.error(
            format!("{at}.values"),
            format!("enum `{}` has no values", ty.name),
            "list its documented values under `values:`",
        );
        return None;
    }
    let mut names = ident::Namespace::default();
    let _ = names.claim(
        "Unknown",
        "the fallback variant `Unknown` that keeps undocumented values",
    );
    let mut seen_values = BTreeMap::new();
    let mut variants = Vec::new();
    let at_enum = at;
    for (index, value) in values.iter().enumerate() {
        let at = format!("{at}.values[{index}]");
        let Some(wire) = registry::enum_value(&value.value, repr) else {
            let expected = if repr == EnumRepr::Integer {
                "an integer"
            } else {
                "a string"
            };
            cx.error(
                format!("{at}.value"),
                format!(
                    "enum `{}` has `repr: {}`, so each value must be {expected}",
                    ty.name,
                    repr_word(repr)
                ),
                "fix the value or the enum's `repr`",
            );
            continue;
        };
        if let Some(first) = seen_values.insert(display_value(&wire), index) {
            cx.error_also_at(
                format!("{at}.value"),
                format!("value {} is listed twice", display_value(&wire)),
                "remove one of them",
                (
                    format!("{at_enum}.values[{first}].value"),
                    "first listed here",
                ),
            );
            continue;
        }
        let derived = match (&value.name, &wire) {
            (Some(name), _) => registry::check_pascal(name),
            (None, EnumValue::String(s)) => ident::pascal(s).map_err(|ident::NameError(m)| {
                (m, "add `name:` with the Rust variant name".to_owned())
            }),
            (None, EnumValue::Integer(_)) => Err((
                format!("integer value {} has no `name`", display_value(&wire)),
                "add `name:` with the Rust variant name, e.g. `name: Linked`".to_owned(),
            )),
        };
        let variant = match derived {
            Ok(name) => name,
            Err((message, help)) => {
                cx.error(format!("{at}.name"), message, help);
                continue;
            }
        };
        if let Err(earlier) = names.claim(&variant, format!("value {}", display_value(&wire))) {
            cx.error(
                format!("{at}.name"),
                format!("variant name `{variant}` is already taken by {earlier}"),
                "give this value a different `name:`",
            );
            continue;
        }
        let docs = docs_or(
            value.docs.as_deref(),
            &format!("The value {}.", display_value(&wire)),
        );
        variants.push(VariantDef {
            rust_name: variant,
            value: wire,
            docs,
            deprecated: fields::deprecation(value.deprecated.as_deref()),
        });
    }
    Some(EnumDef {
        rust_name,
        docs,
        repr,
        variants,
        wire: WireUse::default(),
    })
}

fn repr_word(repr: EnumRepr) -> &'static str {
    match repr {
        EnumRepr::Integer => "integer",
        EnumRepr::String => "string",
    }
}

pub(crate) fn display_value(value: &EnumValue) -> String {
    match value {
        EnumValue::Integer(i) => i.to_string(),
        EnumValue::String(s) => format!("\"{s}\""),
    }
}

/// Whether docs are absent or only blanks: worth a warning, since rustdoc shows a stand-in.
pub(crate) fn is_blank(docs: Option<&str>) -> bool {
    docs.is_none_or(|docs| docs.trim().is_empty())
}

/// The author's docs, trimmed, or a stand-in so every public item has rustdoc.
pub(crate) fn docs_or(docs: Option<&str>, fallback: &str) -> String {
    match docs.map(str::trim) {
        Some(docs) if !docs.is_empty() => docs.to_owned(),
        _ => fallback.to_owned(),
    }
}

/// Adds a module for every group folder (and the root), listing its children, and sorts.
fn with_group_modules(files: Vec<Module>) -> Vec<Module> {
    let mut children: BTreeMap<Vec<String>, BTreeSet<ChildModule>> = BTreeMap::new();
    children.entry(Vec::new()).or_default();
    for module in &files {
        for depth in 0..module.path.len() {
            let is_group = depth + 1 < module.path.len();
            let child = ChildModule {
                name: module.path[depth].clone(),
                is_group,
                has_items: is_group
                    || module.endpoint.is_some()
                    || !module.types.is_empty()
                    || !module.error_sets.is_empty(),
            };
            children
                .entry(module.path[..depth].to_vec())
                .or_default()
                .insert(child);
        }
    }
    let mut modules = files;
    for (path, kids) in children {
        let docs = match path.last() {
            Some(group) if path.len() == 1 => format!(
                "The `{group}` group of endpoints, from the specs in `specs/{group}/`.\n\n\
                 Compiled with the cargo feature `{group}`, on by default."
            ),
            Some(group) => format!(
                "The `{group}` group of endpoints, from the specs in `specs/{}/`.",
                path.join("/")
            ),
            None => "The generated API: the endpoints and their types, one module per spec folder.\n\n\
                     Each folder at the top is a cargo feature of the same name, all on by default; \
                     the spec files at the top of the specs folder are shared by every group."
                .to_owned(),
        };
        modules.push(Module {
            path,
            spec_file: None,
            docs,
            children: kids.into_iter().collect(),
            types: Vec::new(),
            error_sets: Vec::new(),
            endpoint: None,
        });
    }
    modules.sort_by(|a, b| a.path.cmp(&b.path));
    modules
}
