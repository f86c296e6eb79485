//! Module index files: a group crate's root (`lib.rs`) and its nested groups' `mod.rs`, the
//! shared crate's root, and the client crate's `api` index, which re-exports them all.

use super::docs;
use super::layout::{Home, Layout};
use super::runtime as rt;
use crate::ident::to_ident;
use crate::ir::{Api, Module};
use proc_macro2::TokenStream;
use quote::quote;

/// A group's index: nested group folders as public modules, spec files as private modules whose
/// items are re-exported, so users write `wxopen::LinkStatus`, not `wxopen::wxamplinkget::…`.
pub fn emit_index(module: &Module) -> TokenStream {
    let docs = docs::inner(&module.docs);
    // A crate root names its modules with `rustfmt::skip`: prettyplease formats them, and
    // `cargo fmt` would disagree (the attribute also covers what they contain).
    let crate_root = module.path.len() == 1;
    let children = module
        .children
        .iter()
        .map(|child| declare_child(child, crate_root));
    quote! {
        #docs
        #(#children)*
    }
}

fn declare_child(child: &crate::ir::ChildModule, crate_root: bool) -> TokenStream {
    let name = to_ident(&child.name);
    let skip = crate_root.then(|| quote!(#[rustfmt::skip]));
    if child.is_group {
        quote! { #skip pub mod #name; }
    } else if !child.has_items {
        quote! { #skip mod #name; }
    } else {
        quote! {
            #skip mod #name;
            pub use self::#name::*;
        }
    }
}

/// The shared crate's root: the modules of the top-level spec files, their items re-exported.
pub fn emit_shared_index(root: &Module) -> TokenStream {
    let docs = docs::inner(
        "What the top-level spec files define (error sets, shared types), for every group's crate; \
         the client crate re-exports it at its root.",
    );
    let children = root
        .children
        .iter()
        .filter(|child| !child.is_group)
        .map(|child| declare_child(child, true));
    quote! {
        #docs
        #(#children)*
    }
}

/// The client crate's `api` index: each group's crate as a module of the group's name, behind
/// the feature of that name (so users compile only their groups), the shared crate's items, the
/// declared token kinds, the prelude and the response readers.
pub fn emit_client_index(api: &Api, root: &Module, layout: &Layout) -> TokenStream {
    let docs = docs::inner(&root.docs);
    let groups = root
        .children
        .iter()
        .filter(|child| child.is_group)
        .map(|child| {
            let name = to_ident(&child.name);
            let krate = to_ident(&layout.crate_ident(Home::Group(&child.name)));
            let feature = &child.name;
            quote! {
                #[cfg(feature = #feature)]
                pub use ::#krate as #name;
            }
        });
    let shared = to_ident(&layout.crate_ident(Home::Shared));
    let token_kinds = emit_token_kinds(api);
    let prelude = emit_prelude(api);
    let readers = emit_response_readers(api);
    let mocked = emit_mocked_endpoints(api);
    quote! {
        #docs
        #(#groups)*
        pub use ::#shared::*;
        #token_kinds
        #prelude
        #readers
        #mocked
    }
}

/// For the root, under the `testing` feature: every endpoint of the enabled groups as the mock
/// WeChat serves it, each compiled with its group.
pub fn emit_mocked_endpoints(api: &Api) -> TokenStream {
    let (mocked, spec) = (
        rt::mock::MOCKED_ENDPOINT.tokens(),
        rt::mock::ENDPOINT_SPEC.tokens(),
    );
    let entries = api.modules.iter().filter_map(|module| {
        let endpoint = module.endpoint.as_ref()?;
        // Spec modules are private; their group re-exports the types.
        let parent = &module.path[..module.path.len().saturating_sub(1)];
        let group = parent.iter().map(|m| to_ident(m));
        let error = to_ident(&endpoint.error.rust_name);
        let feature = parent.first().map(|group| quote!(#[cfg(feature = #group)]));
        Some(quote! {
            #feature
            <crate::api:: #(#group::)* #error as #mocked>::ENDPOINT,
        })
    });
    quote! {
        /// Every endpoint of the enabled groups as the mock WeChat serves and checks it (feature
        /// `testing`): what `testing::start` hands the runtime's mock.
        #[cfg(feature = "testing")]
        #[doc(hidden)]
        pub const MOCKED_ENDPOINTS: &[#spec] = &[
            #(#entries)*
        ];
    }
}

/// For the root: every endpoint's response path as a function of the body, so that the fuzz
/// target and the property tests drive each response type the way a call does. Each entry is
/// compiled with the group its endpoint belongs to.
pub fn emit_response_readers(api: &Api) -> TokenStream {
    let (read_as, reader) = (rt::READ_AS.tokens(), rt::RESPONSE_READER.tokens());
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
            (#wire_name, #read_as::<#response, #error>),
        })
    });
    quote! {
        /// Every endpoint of the enabled groups, with its response path: a 200 answer's body
        /// through the envelope and into the endpoint's type within the memory bound, as a call
        /// reads it. For the fuzz target and the property tests; not part of the API.
        #[doc(hidden)]
        pub const RESPONSE_READERS: &[(&str, #reader)] = &[
            #(#readers)*
        ];
    }
}

/// For the root: the token kinds the specs declare, as constants of the runtime's `TokenKind`
/// through a trait (`TokenKind::COMPONENT_ACCESS_TOKEN` once the prelude is in scope): the
/// runtime's type takes no inherent items from another crate. `access_token`, the kind the
/// client builder's own token methods fill, is the runtime's.
pub fn emit_token_kinds(api: &Api) -> TokenStream {
    let declared = || {
        api.token_kinds
            .iter()
            .filter(|kind| kind.name != "access_token")
    };
    if declared().next().is_none() {
        return quote!();
    }
    let token_kind = rt::TOKEN_KIND.tokens();
    let declarations = declared().map(|kind| {
        let constant = quote::format_ident!("{}", kind.const_name);
        let docs = docs::outer(&format!(
            "{}\n\nSent in query parameter `{}` unless an endpoint names another.",
            kind.docs, kind.query_param
        ));
        quote! {
            #docs
            const #constant: #token_kind;
        }
    });
    let definitions = declared().map(|kind| {
        let constant = quote::format_ident!("{}", kind.const_name);
        let name = &kind.name;
        quote!(const #constant: Self = Self::declared(#name);)
    });
    let docs = docs::outer(&format!(
        "The token kinds the specs declare, as constants of [`TokenKind`]({}).",
        rt::TOKEN_KIND.doc_link(None)
    ));
    quote! {
        #docs
        pub trait TokenKinds {
            #(#declarations)*
        }

        impl TokenKinds for #token_kind {
            #(#definitions)*
        }
    }
}

/// For the root: `prelude`, which brings every call trait of the enabled groups (and the
/// declared token kinds) into scope with one import.
pub fn emit_prelude(api: &Api) -> TokenStream {
    let calls = api.modules.iter().filter_map(|module| {
        let endpoint = module.endpoint.as_ref()?;
        let parent = &module.path[..module.path.len().saturating_sub(1)];
        let group = parent.iter().map(|m| to_ident(m));
        let name = to_ident(&endpoint.call_trait);
        let feature = parent.first().map(|group| quote!(#[cfg(feature = #group)]));
        Some(quote! {
            #feature
            pub use crate::api:: #(#group::)* #name;
        })
    });
    let token_kinds = api
        .token_kinds
        .iter()
        .any(|kind| kind.name != "access_token")
        .then(|| {
            quote!(
                pub use crate::api::TokenKinds;
            )
        });
    quote! {
        /// The calls of the enabled groups as methods of the client, and the declared token
        /// kinds as constants: `use …::prelude::*;` and every endpoint is one expression away.
        pub mod prelude {
            #(#calls)*
            #token_kinds
        }
    }
}
