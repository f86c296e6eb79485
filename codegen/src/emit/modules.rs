//! Module index files: the `api` root and one `mod.rs` per group folder.

use super::docs;
use crate::ident::to_ident;
use crate::ir::Module;
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
