//! Module index files: the `api` root and one `mod.rs` per group folder.

use super::docs;
use crate::ident::to_ident;
use crate::ir::{Api, Module};
use proc_macro2::TokenStream;
use quote::quote;

/// Declares the children: group folders as public modules (behind the feature of their name at
/// the top); spec files as private modules whose items are re-exported, so users write
/// `wxopen::LinkStatus`, not `wxopen::wxamplinkget::…`.
pub fn emit_index(module: &Module) -> TokenStream {
    let docs = docs::inner(&module.docs);
    let children = module.children.iter().map(|child| {
        let name = to_ident(&child.name);
        if child.is_group && module.path.is_empty() {
            // A top-level group is a cargo feature of the crate, so users compile only theirs.
            let feature = &child.name;
            quote! {
                #[cfg(feature = #feature)]
                pub mod #name;
            }
        } else if child.is_group {
            quote! { pub mod #name; }
        } else if !child.has_items {
            quote! { mod #name; }
        } else {
            quote! {
                mod #name;
                pub use self::#name::*;
            }
        }
    });
    quote! {
        #docs
        #(#children)*
    }
}

/// For the root: every endpoint's response path as a function of the body, so that the fuzz
/// target and the property tests drive each response type the way a call does. Each entry is
/// compiled with the group its endpoint belongs to.
pub fn emit_response_readers(api: &Api) -> TokenStream {
    let readers = api.modules.iter().filter_map(|module| {
        // An endpoint whose success is only bytes has no response type to decode.
        let endpoint = module.endpoint.as_ref().filter(|e| e.format.has_json())?;
        // Spec modules are private; their group re-exports the types.
        let parent = &module.path[..module.path.len().saturating_sub(1)];
        let group = parent.iter().map(|m| to_ident(m));
        let in_group = |name: &str| {
            let name = to_ident(name);
            let group = group.clone();
            quote!(crate::api:: #(#group::)* #name)
        };
        let response = in_group(&endpoint.response.rust_name);
        let error = in_group(&endpoint.error.rust_name);
        let wire_name = &endpoint.wire_name;
        let feature = parent.first().map(|group| quote!(#[cfg(feature = #group)]));
        Some(quote! {
            #feature
            (#wire_name, crate::runtime::read_as::<#response, #error>),
        })
    });
    quote! {
        /// Every endpoint of the enabled groups, with its response path: a 200 answer's body
        /// through the envelope and into the endpoint's type within the memory bound, as a call
        /// reads it. For the fuzz target and the property tests; not part of the API.
        #[doc(hidden)]
        pub const RESPONSE_READERS: &[(&str, crate::runtime::ResponseReader)] = &[
            #(#readers)*
        ];
    }
}

/// The token kinds a shared spec file declares, as constants of the runtime's `TokenKind`.
/// `access_token`, the kind the client builder's own token methods fill, is the runtime's.
pub fn emit_token_kinds(api: &Api, module: &[String]) -> TokenStream {
    let kinds: Vec<TokenStream> = api
        .token_kinds
        .iter()
        .filter(|kind| kind.module == module && kind.name != "access_token")
        .map(|kind| {
            let constant = quote::format_ident!("{}", kind.const_name);
            let name = &kind.name;
            let docs = docs::outer(&format!(
                "{}\n\nSent in query parameter `{}` unless an endpoint names another.",
                kind.docs, kind.query_param
            ));
            quote! {
                #docs
                pub const #constant: Self = Self::declared(#name);
            }
        })
        .collect();
    if kinds.is_empty() {
        return quote!();
    }
    quote! {
        impl crate::TokenKind {
            #(#kinds)*
        }
    }
}
