//! Open enums: documented values as variants, anything else kept in `Unknown`.
//!
//! Serde goes through the wire type (`i64` or `String`) with `from`/`into`, so decoding never
//! fails on a new value and re-encoding writes back exactly what was received.

use super::{docs, int_lit};
use crate::ident::to_ident;
use crate::ir::{EnumDef, EnumRepr, EnumValue};
use proc_macro2::TokenStream;
use quote::quote;

pub fn emit_enum(e: &EnumDef) -> TokenStream {
    let name = to_ident(&e.rust_name);
    let openness = match (e.wire.sent, e.wire.received) {
        (true, false) => "`Unknown` sends a value the spec does not document.",
        (false, true) => {
            "a value this client does not know decodes into `Unknown`, which keeps it."
        }
        _ => {
            "a value this client does not know decodes into `Unknown`, which keeps it, so it is sent back unchanged."
        }
    };
    let docs = docs::outer(&format!("{}\n\nAn open enum: {openness}", e.docs));
    let derives = super::derives::of_enum(e);
    let (wire_ty, wire_name) = match e.repr {
        EnumRepr::Integer => (quote!(i64), "i64"),
        EnumRepr::String => (quote!(String), "String"),
    };
    let variants = e.variants.iter().map(|v| {
        let variant = to_ident(&v.rust_name);
        let docs = docs::outer(&format!(
            "{} (wire value `{}`)",
            v.docs,
            wire_text(&v.value)
        ));
        let deprecated = v.deprecated.as_deref().map(super::deprecated);
        quote! { #docs #deprecated #variant, }
    });
    let allow = e
        .variants
        .iter()
        .any(|v| v.deprecated.is_some())
        .then(|| quote!(#[allow(deprecated)]));
    let decode_arms = e.variants.iter().map(|v| {
        let variant = to_ident(&v.rust_name);
        let pattern = value_tokens(&v.value);
        quote!(#pattern => Self::#variant,)
    });
    let encode_arms = e.variants.iter().map(|v| {
        let variant = to_ident(&v.rust_name);
        let value = match &v.value {
            EnumValue::Integer(i) => int_lit(*i),
            EnumValue::String(s) => quote!(#s.to_owned()),
        };
        quote!(#name::#variant => #value,)
    });
    let (decode_match, unknown) = match e.repr {
        EnumRepr::Integer => (quote!(match value), quote!(Unknown(i64))),
        EnumRepr::String => (quote!(match value.as_str()), quote!(Unknown(String))),
    };
    // `from` serves `Deserialize` and `into` serves `Serialize`: each only where derived.
    let serde_args = match (e.wire.sent, e.wire.received) {
        (true, false) => quote!(#[serde(into = #wire_name)]),
        // Encoded under `testing` only, for the mock's typed answers.
        (false, true) => quote! {
            #[serde(from = #wire_name)]
            #[cfg_attr(feature = "testing", serde(into = #wire_name))]
        },
        _ => quote!(#[serde(from = #wire_name, into = #wire_name)]),
    };
    quote! {
        #docs
        #derives
        #serde_args
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value the spec does not document, kept as received.
            #unknown,
        }

        #allow
        impl From<#wire_ty> for #name {
            fn from(value: #wire_ty) -> Self {
                #decode_match {
                    #(#decode_arms)*
                    _ => Self::Unknown(value),
                }
            }
        }

        #allow
        impl From<#name> for #wire_ty {
            fn from(value: #name) -> Self {
                match value {
                    #(#encode_arms)*
                    #name::Unknown(value) => value,
                }
            }
        }
    }
}

fn value_tokens(value: &EnumValue) -> TokenStream {
    match value {
        EnumValue::Integer(i) => int_lit(*i),
        EnumValue::String(s) => quote!(#s),
    }
}

fn wire_text(value: &EnumValue) -> String {
    match value {
        EnumValue::Integer(i) => i.to_string(),
        EnumValue::String(s) => format!("\"{s}\""),
    }
}
