//! Stage 3: turn the IR into Rust token streams, one emitter per kind of output, then format.
//!
//! Emitters only translate: every name and order was decided by lowering. Generated code reaches
//! the hand-written runtime crate through the paths of [`runtime`] (its one registry), types of
//! its own crate through `crate::…` and of the shared crate through its name ([`layout`] decides
//! which crate a module is in), so every output file stands alone.

mod builder;
mod client;
mod decode;
mod derives;
mod docs;
mod enums;
mod errors;
mod example;
pub mod layout;
pub mod manifests;
mod mock;
mod model;
mod modules;
pub mod openapi;
pub mod runtime;
mod unions;

use crate::OutputFile;
use crate::format::format_file;
use crate::ident::to_ident;
use crate::ir::{Api, Endpoint, Module, StructDef, TypeDef, TypeRef};
use layout::{Home, Layout};
use proc_macro2::TokenStream;
use quote::quote;

/// Every output file, relative to the client crate's folder and sorted by path: the crates'
/// sources and manifests ([`layout`] says where each goes). `specs_label` names the specs folder
/// in the headers (`specs`); `crate_name` is the client crate's (`wechat_api_client`). Fails only
/// if the generator itself produced invalid Rust.
pub fn emit_api(api: &Api, specs_label: &str, crate_name: &str) -> Result<Vec<OutputFile>, String> {
    let layout = Layout::new(crate_name);
    // Each module is emitted and formatted on one thread: token streams cannot cross threads.
    let emitted = crate::parallel::map(&api.modules, |module| {
        let tokens = if module.path.is_empty() {
            modules::emit_client_index(api, module, &layout)
        } else {
            emit_module(module, &layout)
        };
        let source = match &module.spec_file {
            Some(spec) => format!(
                "{specs_label}/{}",
                spec.display().to_string().replace('\\', "/")
            ),
            None => format!("the folders of {specs_label}/ (module index)"),
        };
        Ok(OutputFile {
            path: Layout::module_file(module),
            contents: format_file(tokens, &source)?,
        })
    });
    let mut files = emitted.into_iter().collect::<Result<Vec<_>, String>>()?;
    if let Some(root) = api.modules.iter().find(|m| m.path.is_empty()) {
        files.push(OutputFile {
            path: Layout::shared_root(),
            contents: format_file(
                modules::emit_shared_index(root),
                &format!("the top-level files of {specs_label}/ (module index)"),
            )?,
        });
    }
    files.extend(manifests::emit_manifests(api, &layout, specs_label));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn emit_module(module: &Module, layout: &Layout) -> TokenStream {
    if module.spec_file.is_none() {
        return modules::emit_index(module);
    }
    let cx = ModuleCx {
        path: &module.path,
        layout,
        crate_name: layout.client_crate(),
        nested: false,
    };
    let module_docs = docs::inner(&module.docs);
    let endpoint_docs = module
        .endpoint
        .as_ref()
        .map(|e| docs::inner(&format!("\n{}", client::endpoint_overview(e))));
    // A reader meets the endpoint first: request, response, errors, the call; then the types
    // they use; the decoding machinery and the example's test last.
    let named_types = module.types.iter().map(|ty| match ty {
        TypeDef::Struct(s) => model::emit_struct(&cx, s, None),
        TypeDef::Enum(e) => enums::emit_enum(e),
        TypeDef::Union(u) => unions::emit_union(&cx, u),
    });
    let endpoint = module.endpoint.as_ref().map(|e| {
        let request = model::emit_struct(&cx, &e.request, Some(e));
        let response = own_response(e).map(|response| model::emit_struct(&cx, response, Some(e)));
        let builder = builder::emit_builder(&cx, e);
        let error = errors::emit_error_enum(&cx, e);
        let client = client::emit_method(e, builder::call_example(&cx, e));
        let mocked = mock::emit_mocked(e);
        quote! { #request #response #builder #error #client #mocked }
    });
    let error_sets = module.error_sets.iter().map(errors::emit_error_set_enum);
    let decode = decode_module(&cx, module);
    let example = module.endpoint.as_ref().and_then(|e| {
        Some(example::emit_example_test(
            e,
            e.example_response.as_deref()?,
        ))
    });
    quote! {
        #module_docs
        #endpoint_docs
        #endpoint
        #(#error_sets)*
        #(#named_types)*
        #decode
        #example
    }
}

/// The endpoint's response type, when it has one: a success that is only bytes has none.
fn own_response(e: &Endpoint) -> Option<&StructDef> {
    e.format.has_json().then_some(&e.response)
}

/// The file's `decode` submodule: how each received struct and union decodes, out of the way of
/// the types a reader came for. `None` when the file receives nothing.
fn decode_module(cx: &ModuleCx<'_>, module: &Module) -> Option<TokenStream> {
    let cx = cx.nested();
    let response = module.endpoint.as_ref().and_then(own_response);
    let decoders: Vec<TokenStream> = response
        .map(|response| decode::emit_decode(&cx, response))
        .into_iter()
        .chain(module.types.iter().filter_map(|ty| match ty {
            TypeDef::Struct(s) if s.wire.received => Some(decode::emit_decode(&cx, s)),
            TypeDef::Union(u) if u.wire.received => Some(unions::emit_decode(&cx, u)),
            _ => None,
        }))
        .collect();
    if decoders.is_empty() {
        return None;
    }
    Some(quote! {
        /// How the received types decode: through the runtime's one visitor, told each struct's
        /// wire names, a slot per field, how to read each and how to finish.
        #[allow(missing_debug_implementations, reason = "decoding state, reachable only as `Object::Slots`")]
        mod decode {
            #(#decoders)*
        }
    })
}

/// Where the code being emitted lives, to write references to types as short as is unambiguous.
pub(crate) struct ModuleCx<'a> {
    path: &'a [String],
    layout: &'a Layout,
    /// Whether the code goes into a submodule of the file (`decode`), which names the file's
    /// own types through `super::`.
    nested: bool,
    /// The crate the output is part of, as doc examples (separate crates) name it.
    crate_name: &'a str,
}

impl<'a> ModuleCx<'a> {
    /// The module path of the spec file being emitted.
    pub fn path(&self) -> &'a [String] {
        self.path
    }

    /// The same file, for code in its `decode` submodule.
    pub fn nested(&self) -> Self {
        Self {
            path: self.path,
            layout: self.layout,
            crate_name: self.crate_name,
            nested: true,
        }
    }

    /// How a user names a type of this module from outside the crate: spec modules are
    /// re-exported by their group, and the `api` root by the crate.
    pub fn public_path(&self, rust_name: &str) -> String {
        self.public_path_in(self.path, rust_name)
    }

    /// Like [`ModuleCx::public_path`], for a type of the module at `module`.
    pub fn public_path_in(&self, module: &[String], rust_name: &str) -> String {
        let mut path = vec![self.crate_name];
        path.extend(
            module[..module.len().saturating_sub(1)]
                .iter()
                .map(|m| m.as_str()),
        );
        path.push(rust_name);
        path.join("::")
    }

    /// The Rust type of a field's value (without the `Option` of an optional field).
    pub fn type_tokens(&self, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::String => quote!(String),
            TypeRef::Secret => runtime::SECRET.tokens(),
            TypeRef::Integer => quote!(i64),
            TypeRef::Number => quote!(f64),
            TypeRef::Boolean | TypeRef::Flag => quote!(bool),
            TypeRef::File => runtime::UPLOAD.tokens(),
            TypeRef::Array(inner) => {
                let inner = self.type_tokens(inner);
                quote!(Vec<#inner>)
            }
            TypeRef::Map(inner) => {
                let inner = self.type_tokens(inner);
                quote!(std::collections::BTreeMap<String, #inner>)
            }
            TypeRef::Named { rust_name, module } => self.named_tokens(rust_name, module),
        }
    }

    /// A named type of the module at `module`, as this module's code names it: by its name in
    /// its own module; through `crate::` in its crate (a crate re-exports its spec modules'
    /// items, a nested group's by the nested module); through the other crate's name otherwise.
    pub fn named_tokens(&self, rust_name: &str, module: &[String]) -> TokenStream {
        let name = to_ident(rust_name);
        if module == self.path {
            return if self.nested {
                quote!(super::#name)
            } else {
                quote!(#name)
            };
        }
        let (root, inner) = self.crate_path(module);
        let inner = inner.iter().map(|m| to_ident(m));
        if root == "crate" {
            quote!(crate:: #(#inner::)* #name)
        } else {
            let root = to_ident(&root);
            quote!(::#root:: #(#inner::)* #name)
        }
    }

    /// The same path as [`ModuleCx::named_tokens`], as text for a rustdoc link.
    pub fn type_path(&self, rust_name: &str, module: &[String]) -> String {
        if module == self.path {
            return if self.nested {
                format!("super::{rust_name}")
            } else {
                rust_name.to_owned()
            };
        }
        let (root, inner) = self.crate_path(module);
        let mut path = vec![root.as_str()];
        path.extend(inner.iter().map(String::as_str));
        path.push(rust_name);
        path.join("::")
    }

    /// The crate that defines the types of the spec module at `module`, as this module names it
    /// (`crate` for its own), and the modules inside that crate that re-export them.
    fn crate_path<'m>(&self, module: &'m [String]) -> (String, &'m [String]) {
        let home = Home::of_type(module);
        let own = Home::of(self.path, true);
        let root = if home == own {
            "crate".to_owned()
        } else {
            self.layout.crate_ident(home)
        };
        let inner = match home {
            Home::Group(_) => &module[1..module.len().saturating_sub(1).max(1)],
            _ => &module[..0],
        };
        (root, inner)
    }
}

/// `#[deprecated(note = …)]`, with the spec's note.
pub(crate) fn deprecated(note: &str) -> TokenStream {
    if note.is_empty() {
        quote!(#[deprecated])
    } else {
        quote!(#[deprecated(note = #note)])
    }
}

/// An integer literal; negative values as `-` and a literal, which is what `syn` expects.
pub(crate) fn int_lit(value: i64) -> TokenStream {
    let magnitude = proc_macro2::Literal::u64_unsuffixed(value.unsigned_abs());
    if value < 0 {
        quote!(-#magnitude)
    } else {
        quote!(#magnitude)
    }
}
