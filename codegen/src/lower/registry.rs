//! The first lowering pass: every name one spec file can use from another.
//!
//! Named types and error sets are global: any spec may use any of them, wherever it is defined.
//! Their Rust names share one namespace with the types each endpoint derives (`…Request`,
//! `…Response`, `…Error`), and operation names share the client's namespace, so collisions are
//! found here, across files, before any file is lowered.

use super::Cx;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::emit::runtime as rt;
use crate::ident::{self, Namespace};
use crate::ir::{EnumRepr, EnumValue};
use crate::load::LoadedSpec;
use crate::spec::{self, ErrorCodeSpec, TypeKind};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default)]
pub struct Registry {
    /// By the name specs use, which is also the Rust name.
    types: BTreeMap<String, NamedType>,
    error_sets: BTreeMap<String, ErrorSet>,
    /// The module path of each spec file.
    modules: BTreeMap<PathBuf, Vec<String>>,
    /// `METHOD https://host/path` of each endpoint and its file: one operation of the OpenAPI
    /// export of its host each.
    addresses: BTreeMap<String, PathBuf>,
    /// The declared token kinds, by name.
    token_kinds: BTreeMap<String, TokenKind>,
}

/// A declared token kind.
#[derive(Debug, Clone)]
pub struct TokenKind {
    pub const_name: String,
    pub query_param: String,
    pub docs: Option<String>,
    /// The module of the shared file that declares it.
    pub module: Vec<String>,
}

#[derive(Debug)]
pub struct NamedType {
    /// The module that defines it, from the `api` root.
    pub module: Vec<String>,
    pub kind: NamedKind,
}

#[derive(Debug)]
pub enum NamedKind {
    /// `all_optional`: no field is required, so the struct implements `Default`. `fields`: the
    /// wire names, for checking a union's keys against them.
    Object {
        all_optional: bool,
        fields: Vec<String>,
    },
    /// Documented values with their variant names, for checking defaults.
    Enum {
        repr: EnumRepr,
        variants: Vec<(EnumValue, String)>,
    },
    /// A tagged union: what a flattening object must leave free, and whether it has a variant
    /// without payload (a doc example can write it).
    Union {
        tag: String,
        /// The payload keys of the sibling style; empty for the inline style, whose payload
        /// fields are not known until the types are.
        payload_keys: Vec<String>,
        inline: bool,
        /// A variant that is only its tag: its Rust name.
        bare_variant: Option<String>,
        /// Each variant's payload type, by name.
        payloads: Vec<String>,
    },
}

/// A set of error codes that endpoints include: one shared enum, which each including
/// endpoint's error enum wraps in one variant, instead of a copy of every code.
#[derive(Debug)]
pub struct ErrorSet {
    pub codes: Vec<ErrorCodeSpec>,
    /// The shared enum (`GlobalError` for `global`).
    pub enum_name: String,
    /// The variant that wraps it in an endpoint's error enum (`Global`).
    pub variant: String,
    /// The module that defines it, from the `api` root.
    pub module: Vec<String>,
}

impl Registry {
    pub fn build(specs: &[LoadedSpec], diagnostics: &mut Diagnostics) -> Self {
        let mut registry = Self::default();
        let mut type_names = Namespace::default();
        let mut operations = Namespace::default();
        let mut module_owners = Namespace::default();
        let mut group_paths = BTreeMap::new();
        for spec in specs {
            let mut cx = Cx {
                file: &spec.rel_path,
                registry: &registry,
                all_files: true,
                diagnostics,
            };
            let module = module_path(&mut cx, spec);
            if module.len() > 1 && module[0] == "default" {
                cx.error(
                    "",
                    "a group folder cannot be named `default`: each group is a cargo feature of its name, and `default` is cargo's own",
                    "rename the folder",
                );
            }
            if module.len() > 1 && module[0] == crate::emit::layout::SHARED_DIR {
                cx.error(
                    "",
                    "a group folder cannot be named `shared`: each group is a crate named after the client crate and the group, and the `shared` one holds what the top-level spec files define",
                    "rename the folder",
                );
            }
            // A crate's own files: a module `lib` would overwrite a group crate's root, `main`
            // and `bin` would make cargo build binaries.
            let in_crate = if module.len() > 1 {
                &module[1..]
            } else {
                &module[..]
            };
            if let Some(name) = in_crate
                .first()
                .filter(|name| ["lib", "main", "bin"].contains(&name.as_str()))
            {
                cx.error(
                    "",
                    format!("a spec file or folder directly in a group or at the top cannot be named `{name}`: it would be the crate's `src/{name}`, which cargo reads as the crate's root or binaries"),
                    "rename the file or folder",
                );
            }
            // The client crate's own root items: its private `api` index, the hand-written
            // modules it re-exports.
            if module.len() > 1 && ["api", "domain", "platform"].contains(&module[0].as_str()) {
                cx.error(
                    "",
                    format!("a group folder cannot be named `{}`: the client crate has an item of that name at its root", module[0]),
                    "rename the folder",
                );
            }
            if module.first().is_some_and(|top| top == "prelude") {
                cx.error(
                    "",
                    "a group folder or shared spec file cannot be named `prelude`: the generated crate's `prelude` module brings every call into scope",
                    "rename the folder or file",
                );
            }
            for depth in 1..module.len() {
                group_paths.insert(module[..depth].to_vec(), spec.rel_path.clone());
            }
            let file_label = format!("spec `{}`", spec.rel_path.display());
            if let Err(earlier) = module_owners.claim(&module.join("::"), &file_label) {
                cx.error(
                    "",
                    format!(
                        "this file's module `{}` is also the module of {earlier}",
                        module.join("::")
                    ),
                    "rename one of the files",
                );
            }
            registry.register_file(spec, &module, &mut type_names, &mut operations, diagnostics);
            registry.modules.insert(spec.rel_path.clone(), module);
        }
        for (group, example_file) in &group_paths {
            for (file, module) in &registry.modules {
                if module == group {
                    diagnostics.push(
                        Diagnostic::new(
                            file,
                            "",
                            format!(
                                "module `{}` is both this file and the folder of `{}`",
                                group.join("::"),
                                example_file.display()
                            ),
                        )
                        .with_help("rename the file or the folder"),
                    );
                }
            }
        }
        registry
    }

    /// Registers what one spec file defines: its token kinds, named types, error sets and
    /// endpoint, each claiming its names.
    fn register_file(
        &mut self,
        spec: &LoadedSpec,
        module: &[String],
        type_names: &mut Namespace,
        operations: &mut Namespace,
        diagnostics: &mut Diagnostics,
    ) {
        let file = spec.rel_path.as_path();
        if !(1..=2).contains(&spec.spec.version) {
            diagnostics.push(
                Diagnostic::new(
                    file,
                    "version",
                    format!("spec language version {} does not exist", spec.spec.version),
                )
                .with_help("write `version: 2`"),
            );
        }
        self.register_token_kinds(spec, module, diagnostics);
        self.register_types(spec, module, type_names, diagnostics);
        self.register_error_sets(spec, module, type_names, diagnostics);
        if let Some(endpoint) = &spec.spec.endpoint {
            self.register_endpoint(file, endpoint, type_names, operations, diagnostics);
        }
    }

    /// The named types: each a PascalCase name no other type and no reserved name has.
    fn register_types(
        &mut self,
        spec: &LoadedSpec,
        module: &[String],
        type_names: &mut Namespace,
        diagnostics: &mut Diagnostics,
    ) {
        let file = spec.rel_path.as_path();
        let report = |at: String, message: String, help: &str| {
            Diagnostic::new(file, at, message).with_help(help)
        };
        for (index, ty) in spec.spec.types.iter().enumerate() {
            let at = format!("types[{index}].name");
            match check_pascal(&ty.name) {
                Ok(name) if is_reserved_type(&name) => diagnostics.push(report(
                    at,
                    format!("type name `{name}` would hide a type the generated code uses"),
                    "choose another name",
                )),
                Ok(name) => {
                    if let Err(earlier) =
                        type_names.claim(&name, format!("type `{name}` of `{}`", file.display()))
                    {
                        diagnostics.push(report(
                            at,
                            format!("type name `{name}` is already taken by {earlier}"),
                            "rename one of the types",
                        ));
                        continue;
                    }
                    let kind = match ty.kind {
                        TypeKind::Object => {
                            let fields = ty.fields.as_deref().unwrap_or_default();
                            NamedKind::Object {
                                all_optional: fields.iter().all(|f| !f.required),
                                fields: fields.iter().map(|f| f.name.clone()).collect(),
                            }
                        }
                        TypeKind::Enum => enum_kind(ty),
                        TypeKind::Union => union_kind(ty),
                    };
                    self.types.insert(
                        name,
                        NamedType {
                            module: module.to_vec(),
                            kind,
                        },
                    );
                }
                Err((message, help)) => diagnostics.push(report(at, message, &help)),
            }
        }
    }

    /// The error sets: each a unique name, an enum name no type has, and codes that are
    /// non-zero, listed once and named once.
    fn register_error_sets(
        &mut self,
        spec: &LoadedSpec,
        module: &[String],
        type_names: &mut Namespace,
        diagnostics: &mut Diagnostics,
    ) {
        let file = spec.rel_path.as_path();
        let report = |at: String, message: String, help: &str| {
            Diagnostic::new(file, at, message).with_help(help)
        };
        for (index, set) in spec.spec.error_sets.iter().enumerate() {
            let at = format!("error_sets[{index}]");
            if self.error_sets.contains_key(&set.name) {
                diagnostics.push(report(
                    format!("{at}.name"),
                    format!("error set `{}` is defined twice", set.name),
                    "rename or merge one of them",
                ));
                continue;
            }
            let variant = match ident::pascal(&set.name) {
                Ok(variant) => variant,
                Err(ident::NameError(message)) => {
                    diagnostics.push(report(
                        format!("{at}.name"),
                        message,
                        "name the set with letters, digits and `_`, such as `global`",
                    ));
                    continue;
                }
            };
            // A set whose enum name is taken is still registered, so that the endpoints that
            // include it are checked rather than reported as including an unknown set.
            let enum_name = format!("{variant}Error");
            if is_reserved_type(&enum_name) {
                diagnostics.push(report(
                    format!("{at}.name"),
                    format!(
                        "the set's enum `{enum_name}` would hide a type the generated code uses"
                    ),
                    "rename the set",
                ));
            } else if let Err(earlier) =
                type_names.claim(&enum_name, format!("the enum of error set `{}`", set.name))
            {
                diagnostics.push(report(
                    format!("{at}.name"),
                    format!("the set's enum `{enum_name}` is already taken by {earlier}"),
                    "rename the set or the other type",
                ));
            }
            let mut codes = BTreeMap::new();
            let mut names = Namespace::default();
            let mut valid = Vec::with_capacity(set.codes.len());
            for (code_index, code) in set.codes.iter().enumerate() {
                let code_at = format!("{at}.codes[{code_index}]");
                if code.code == 0 {
                    diagnostics.push(report(
                        format!("{code_at}.code"),
                        "code 0 means success and is not an error".to_owned(),
                        "remove this entry",
                    ));
                    continue;
                }
                if let Some(first) = codes.insert(code.code, code_index) {
                    diagnostics.push(
                        report(
                            format!("{code_at}.code"),
                            format!("code {} is listed twice in set `{}`", code.code, set.name),
                            "remove one of them",
                        )
                        .also_at(format!("{at}.codes[{first}].code"), "first listed here"),
                    );
                    continue;
                }
                match check_pascal(&code.name) {
                    Ok(name) => {
                        if let Err(earlier) = names.claim(&name, format!("code {}", code.code)) {
                            diagnostics.push(report(
                                format!("{code_at}.name"),
                                format!("variant `{name}` is already taken by {earlier}"),
                                "rename one of the two variants",
                            ));
                            continue;
                        }
                    }
                    Err((message, help)) => {
                        diagnostics.push(report(format!("{code_at}.name"), message, &help));
                        continue;
                    }
                }
                valid.push(code.clone());
            }
            valid.sort_by_key(|code| code.code);
            self.error_sets.insert(
                set.name.clone(),
                ErrorSet {
                    codes: valid,
                    enum_name,
                    variant,
                    module: module.to_vec(),
                },
            );
        }
    }

    /// The endpoint: a unique method, host and path, and an operation whose method, call trait
    /// and types no other endpoint or type has.
    fn register_endpoint(
        &mut self,
        file: &Path,
        endpoint: &spec::EndpointSpec,
        type_names: &mut Namespace,
        operations: &mut Namespace,
        diagnostics: &mut Diagnostics,
    ) {
        let report = |at: String, message: String, help: &str| {
            Diagnostic::new(file, at, message).with_help(help)
        };
        let method = match endpoint.method {
            spec::HttpMethod::Get => "GET",
            spec::HttpMethod::Post => "POST",
        };
        // The same method and path on two hosts are two endpoints (WeCom shares many paths
        // with WeChat); the OpenAPI export has a document per host.
        let address = format!("{method} https://{}{}", endpoint.host, endpoint.path);
        if let Some(earlier) = self.addresses.get(&address) {
            diagnostics.push(report(
                "endpoint.path".to_owned(),
                format!(
                    "`{address}` is also the endpoint of `{}`",
                    earlier.display()
                ),
                "each endpoint needs its own method, host and path",
            ));
        } else {
            self.addresses.insert(address, file.to_path_buf());
        }
        let at = "endpoint.operation".to_owned();
        match ident::snake(&endpoint.operation) {
            Ok(method) if rt::CLIENT_METHODS.contains(&method.as_str()) => {
                diagnostics.push(report(
                    at,
                    format!("operation `{method}` is already a method of the runtime's `Client`"),
                    "choose another operation name",
                ))
            }
            Ok(method)
                if method.starts_with("r#")
                    || method.ends_with('_') && !endpoint.operation.ends_with('_') =>
            {
                diagnostics.push(report(
                    at,
                    format!("operation `{}` is a Rust keyword", endpoint.operation),
                    "choose another operation name",
                ))
            }
            Ok(method) if method == endpoint.operation => {
                if let Err(earlier) = operations.claim(
                    &method,
                    format!("endpoint `{}` in `{}`", endpoint.name, file.display()),
                ) {
                    // Its request, response and error types collide too; one error says it.
                    diagnostics.push(report(
                        at.clone(),
                        format!("operation `{method}` is already taken by {earlier}"),
                        "choose another operation name",
                    ));
                    return;
                }
                // A bytes endpoint has a second method, which streams the file.
                if endpoint.response.format != spec::ResponseFormat::Json {
                    let streaming = format!("{method}_to_writer");
                    if let Err(earlier) = operations.claim(
                        &streaming,
                        format!("the streaming method of `{method}` in `{}`", file.display()),
                    ) {
                        diagnostics.push(report(
                            at.clone(),
                            format!("the operation's streaming method `{streaming}` is already taken by {earlier}"),
                            "choose another operation name",
                        ));
                    }
                }
                for suffix in ["", "Request", "RequestBuilder", "Response", "Error"] {
                    let name = format!("{}{suffix}", ident::pascal(&method).unwrap_or_default());
                    if is_reserved_type(&name) {
                        diagnostics.push(report(
                            at.clone(),
                            format!("the operation's type or call trait `{name}` would hide a type the generated code uses"),
                            "choose another operation name",
                        ));
                        continue;
                    }
                    if let Err(earlier) = type_names.claim(
                        &name,
                        format!("type `{name}` derived from operation `{method}`"),
                    ) {
                        diagnostics.push(report(
                            at.clone(),
                            format!(
                                "the operation's {} `{name}` is already taken by {earlier}",
                                match suffix {
                                    "" => "call trait".to_owned(),
                                    "RequestBuilder" => "request builder type".to_owned(),
                                    other => format!("{} type", other.to_lowercase()),
                                }
                            ),
                            "rename the operation or the other type",
                        ));
                    }
                }
            }
            Ok(method) => diagnostics.push(report(
                at,
                format!(
                    "operation `{}` is not a snake_case name",
                    endpoint.operation
                ),
                &format!("write `{method}`"),
            )),
            Err(ident::NameError(message)) => diagnostics.push(report(
                at,
                message,
                "write the operation as a snake_case Rust method name",
            )),
        }
    }

    fn register_token_kinds(
        &mut self,
        spec: &LoadedSpec,
        module: &[String],
        diagnostics: &mut Diagnostics,
    ) {
        let file = spec.rel_path.as_path();
        for (index, kind) in spec.spec.token_kinds.iter().enumerate() {
            let at = format!("token_kinds[{index}]");
            let report = |at: String, message: String, help: String| {
                Diagnostic::new(file, at, message).with_help(help)
            };
            if module.len() > 1 {
                diagnostics.push(report(
                    format!("{at}.name"),
                    format!("token kind `{}` is declared in a group", kind.name),
                    "declare token kinds in a shared spec file at the top of the specs folder: every group's endpoints may take them".to_owned(),
                ));
                continue;
            }
            let const_name = match ident::screaming(&kind.name) {
                Ok(name) if ident::snake(&kind.name).is_ok_and(|snake| snake == kind.name) => name,
                _ => {
                    diagnostics.push(report(
                        format!("{at}.name"),
                        format!("token kind `{}` is not a snake_case name", kind.name),
                        "name the kind as it is known on the wire, e.g. `component_access_token`"
                            .to_owned(),
                    ));
                    continue;
                }
            };
            if kind
                .docs
                .as_deref()
                .is_none_or(|docs| docs.trim().is_empty())
            {
                diagnostics.push(
                    Diagnostic::warning(
                        file,
                        format!("{at}.name"),
                        format!("token kind `{}` has no docs", kind.name),
                    )
                    .with_help(
                        "add `docs:` with what the token is, who holds it and where it comes from",
                    ),
                );
            }
            if kind.query_param.trim().is_empty() {
                diagnostics.push(report(
                    format!("{at}.query_param"),
                    "the token's query parameter is empty".to_owned(),
                    "write the parameter's name, usually the kind's own name".to_owned(),
                ));
            }
            if let Some(earlier) = self.token_kinds.get(&kind.name) {
                diagnostics.push(report(
                    format!("{at}.name"),
                    format!(
                        "token kind `{}` is already declared in module `{}`",
                        kind.name,
                        earlier.module.join("::")
                    ),
                    "declare each kind once".to_owned(),
                ));
                continue;
            }
            self.token_kinds.insert(
                kind.name.clone(),
                TokenKind {
                    const_name,
                    query_param: kind.query_param.clone(),
                    docs: kind.docs.clone(),
                    module: module.to_vec(),
                },
            );
        }
    }

    pub fn token_kind(&self, name: &str) -> Option<&TokenKind> {
        self.token_kinds.get(name)
    }

    pub fn token_kinds(&self) -> impl Iterator<Item = (&str, &TokenKind)> {
        self.token_kinds
            .iter()
            .map(|(name, kind)| (name.as_str(), kind))
    }

    /// The Rust name of a named type a spec defines or refers to, if it is defined somewhere.
    pub fn type_rust_name(&self, name: &str) -> Option<&str> {
        self.types.get_key_value(name).map(|(key, _)| key.as_str())
    }

    pub fn named_type(&self, name: &str) -> Option<&NamedType> {
        self.types.get(name)
    }

    pub fn type_names(&self) -> impl Iterator<Item = &str> {
        self.types.keys().map(String::as_str)
    }

    pub fn error_set(&self, name: &str) -> Option<&ErrorSet> {
        self.error_sets.get(name)
    }

    pub fn error_set_names(&self) -> impl Iterator<Item = &str> {
        self.error_sets.keys().map(String::as_str)
    }

    pub fn module_of_file(&self, file: &Path) -> Option<Vec<String>> {
        self.modules.get(file).cloned()
    }
}

/// Names the generated code relies on besides the runtime's (Rust's prelude, and the client
/// crate's own root items): a spec type with one of these names would hide them in its module,
/// or clash with them at the crate root.
const RESERVED_TYPES: &[&str] = &[
    "BTreeMap",
    "Box",
    "Default",
    "Err",
    // The error answer's schema in the OpenAPI export.
    "ErrorResponse",
    "From",
    "None",
    "Ok",
    "Option",
    "Result",
    "Some",
    "String",
    "Vec",
    // The client crate's hand-written token sources, and the declared token kinds' trait.
    "StableTokenSource",
    "WecomTokenSource",
    "TokenKinds",
    // The client crate's builder traits, at its root and in its prelude.
    "AppCredentials",
    "WecomCredentials",
    // Named by every call trait's signature (written with absolute paths, but a type of this
    // name would still confuse a reader).
    "Future",
    "Send",
    "Sized",
];

/// Whether a type of this name would hide or clash with an item generated code relies on: the
/// runtime's root items (re-exported at the client crate's root) and [`RESERVED_TYPES`].
fn is_reserved_type(name: &str) -> bool {
    RESERVED_TYPES.contains(&name) || rt::ROOT_ITEMS.iter().any(|item| item.name() == name)
}

/// A type or variant name the author wrote: it must be a PascalCase identifier.
pub fn check_pascal(name: &str) -> Result<String, (String, String)> {
    let ident = ident::explicit(name).map_err(|ident::NameError(m)| {
        (m, "write a PascalCase name such as `LinkStatus`".to_owned())
    })?;
    match ident::pascal(name) {
        Ok(pascal) if pascal == name => Ok(ident),
        Ok(pascal) => Err((
            format!("`{name}` is not PascalCase"),
            format!("write `{pascal}`"),
        )),
        Err(ident::NameError(m)) => {
            Err((m, "write a PascalCase name such as `LinkStatus`".to_owned()))
        }
    }
}

/// The variant name of one documented enum value: the author's `name`, or one derived from a
/// string value. Lowering reports the failures; here they just leave the value out.
pub fn variant_name(value: &spec::EnumValueSpec, wire: &EnumValue) -> Option<String> {
    match (&value.name, wire) {
        (Some(name), _) => check_pascal(name).ok(),
        (None, EnumValue::String(s)) => ident::pascal(s).ok(),
        (None, EnumValue::Integer(_)) => None,
    }
}

/// Reads a YAML value as a value of an enum with this `repr`.
pub fn enum_value(value: &serde_yaml::Value, repr: EnumRepr) -> Option<EnumValue> {
    match (repr, value) {
        (EnumRepr::Integer, serde_yaml::Value::Number(n)) => n.as_i64().map(EnumValue::Integer),
        (EnumRepr::String, serde_yaml::Value::String(s)) => Some(EnumValue::String(s.clone())),
        _ => None,
    }
}

fn union_kind(ty: &spec::TypeSpec) -> NamedKind {
    let variants = ty.variants.as_deref().unwrap_or_default();
    let inline = ty.style == Some(spec::UnionStyle::Inline);
    let payload_keys = if inline {
        Vec::new()
    } else {
        variants
            .iter()
            .filter(|v| v.payload.is_some())
            .filter_map(|v| {
                v.field
                    .clone()
                    .or_else(|| v.value.as_str().map(str::to_owned))
            })
            .collect()
    };
    let bare_variant =
        variants
            .iter()
            .find(|v| v.payload.is_none())
            .and_then(|v| match (&v.name, &v.value) {
                (Some(name), _) => check_pascal(name).ok(),
                (None, serde_yaml::Value::String(s)) => ident::pascal(s).ok(),
                _ => None,
            });
    NamedKind::Union {
        tag: ty
            .tag
            .as_ref()
            .map(|tag| tag.name.clone())
            .unwrap_or_default(),
        payload_keys,
        inline,
        bare_variant,
        payloads: variants.iter().filter_map(|v| v.payload.clone()).collect(),
    }
}

fn enum_kind(ty: &spec::TypeSpec) -> NamedKind {
    let repr = match ty.repr {
        Some(spec::EnumRepr::String) => EnumRepr::String,
        _ => EnumRepr::Integer,
    };
    let mut seen = std::collections::BTreeSet::new();
    let variants = ty
        .values
        .as_deref()
        .unwrap_or_default()
        .iter()
        .filter_map(|v| {
            let wire = enum_value(&v.value, repr)?;
            // A repeated value is reported by lowering; list it once here.
            if !seen.insert(super::display_value(&wire)) {
                return None;
            }
            let name = variant_name(v, &wire)?;
            Some((wire, name))
        })
        .collect();
    NamedKind::Enum { repr, variants }
}

fn module_path(cx: &mut Cx<'_>, spec: &LoadedSpec) -> Vec<String> {
    let mut path = Vec::new();
    for part in spec.group.iter().chain(std::iter::once(&spec.stem)) {
        match ident::module(part) {
            Ok(name) => path.push(name),
            Err(ident::NameError(message)) => {
                cx.error(
                    "",
                    format!("the file or folder name `{part}` cannot be a module: {message}"),
                    "rename it with ASCII letters, digits, `_` or `-`",
                );
                path.push(format!("invalid_{}", path.len()));
            }
        }
    }
    path
}
