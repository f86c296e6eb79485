//! Stage 3: turn the IR into Rust token streams, one emitter per kind of output, then format.
//!
//! Emitters only translate: every name and order was decided by lowering. Generated code reaches
//! the hand-written support code through `crate::runtime` and other modules' types through
//! `crate::api::…`, so every output file stands alone.

mod builder;
mod client;
mod decode;
mod docs;
mod enums;
mod errors;
mod example;
mod model;
mod modules;
pub mod openapi;
mod unions;

use crate::OutputFile;
use crate::format::format_file;
use crate::ident::to_ident;
use crate::ir::{Api, Module, TypeDef, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use std::path::PathBuf;

/// Every output file, sorted by path. `specs_label` names the specs folder in the headers
/// (`specs`). Fails only if the generator itself produced invalid Rust.
pub fn emit_api(api: &Api, specs_label: &str, crate_name: &str) -> Result<Vec<OutputFile>, String> {
    // Each module is emitted and formatted on one thread: token streams cannot cross threads.
    let emitted = crate::parallel::map(&api.modules, |module| {
        let mut tokens = emit_module(module, crate_name);
        if module.path.is_empty() {
            tokens.extend(modules::emit_response_readers(api));
        }
        if module.spec_file.is_some() {
            tokens.extend(modules::emit_token_kinds(api, &module.path));
        }
        let source = match &module.spec_file {
            Some(spec) => format!(
                "{specs_label}/{}",
                spec.display().to_string().replace('\\', "/")
            ),
            None => format!("the folders of {specs_label}/ (module index)"),
        };
        Ok(OutputFile {
            path: output_path(module),
            contents: format_file(tokens, &source)?,
        })
    });
    let mut files = emitted.into_iter().collect::<Result<Vec<_>, String>>()?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// `mod.rs` for the root and for groups, `<name>.rs` for spec files.
fn output_path(module: &Module) -> PathBuf {
    let mut path: PathBuf = module.path.iter().collect();
    if module.spec_file.is_some() {
        path.set_extension("rs");
    } else {
        path.push("mod.rs");
    }
    path
}

fn emit_module(module: &Module, crate_name: &str) -> TokenStream {
    if module.spec_file.is_none() {
        return modules::emit_index(module);
    }
    let cx = ModuleCx {
        path: &module.path,
        crate_name,
    };
    let module_docs = docs::inner(&module.docs);
    let endpoint_docs = module
        .endpoint
        .as_ref()
        .map(|e| docs::inner(&format!("\n{}", client::endpoint_overview(e))));
    let types: Vec<TokenStream> = module
        .types
        .iter()
        .map(|ty| match ty {
            TypeDef::Struct(s) => model::emit_struct(&cx, s, module.endpoint.as_ref()),
            TypeDef::Enum(e) => enums::emit_enum(e),
            TypeDef::Union(u) => unions::emit_union(&cx, u),
        })
        .collect();
    // A reader meets the endpoint first: request, response, errors, the call; then the types
    // they use; the example's test last.
    let own_types = module
        .endpoint
        .as_ref()
        .map_or(0, |e| if e.format.has_json() { 2 } else { 1 });
    let (endpoint_types, named_types) = types.split_at(own_types.min(types.len()));
    let endpoint = module.endpoint.as_ref().map(|e| {
        let builder = builder::emit_builder(&cx, e);
        let error = errors::emit_error_enum(&cx, e);
        let client = client::emit_method(e, builder::call_example(&cx, e));
        quote! { #builder #error #client }
    });
    let error_sets = module.error_sets.iter().map(errors::emit_error_set_enum);
    let example = module.endpoint.as_ref().and_then(|e| {
        Some(example::emit_example_test(
            e,
            e.example_response.as_deref()?,
        ))
    });
    quote! {
        #module_docs
        #endpoint_docs
        #(#endpoint_types)*
        #endpoint
        #(#error_sets)*
        #(#named_types)*
        #example
    }
}

/// Where the code being emitted lives, to write references to types as short as is unambiguous.
pub(crate) struct ModuleCx<'a> {
    path: &'a [String],
    /// The crate the output is part of, as doc examples (separate crates) name it.
    crate_name: &'a str,
}

impl ModuleCx<'_> {
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
            TypeRef::Secret => quote!(crate::Secret),
            TypeRef::Integer => quote!(i64),
            TypeRef::Number => quote!(f64),
            TypeRef::Boolean | TypeRef::Flag => quote!(bool),
            TypeRef::File => quote!(crate::Upload),
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

    /// A named type of the module at `module`, as this module's code names it.
    pub fn named_tokens(&self, rust_name: &str, module: &[String]) -> TokenStream {
        let name = to_ident(rust_name);
        if module == self.path {
            quote!(#name)
        } else {
            // Spec modules are re-exported by their group, so the group path names it.
            let group = module[..module.len().saturating_sub(1)]
                .iter()
                .map(|m| to_ident(m));
            quote!(crate::api:: #(#group::)* #name)
        }
    }

    /// The same path as [`ModuleCx::named_tokens`], as text for a rustdoc link.
    pub fn type_path(&self, rust_name: &str, module: &[String]) -> String {
        if module == self.path {
            return rust_name.to_owned();
        }
        let mut path = vec!["crate", "api"];
        path.extend(
            module[..module.len().saturating_sub(1)]
                .iter()
                .map(String::as_str),
        );
        path.push(rust_name);
        path.join("::")
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
