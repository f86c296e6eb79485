//! The error enum of one endpoint: a variant per documented code, and a fallback.

use super::{docs, int_lit};
use crate::ident::to_ident;
use crate::ir::{Endpoint, ErrorVariant};
use proc_macro2::TokenStream;
use quote::quote;

pub fn emit_error_enum(e: &Endpoint) -> TokenStream {
    let error = &e.error;
    let name = to_ident(&error.rust_name);
    let docs = docs::outer(&format!(
        "The errors [`Client::{m}`](crate::Client::{m}) documents: a non-zero `errcode` and the `errmsg` sent with it.\n\n\
         Codes no table documents become `Undocumented`, which keeps the code and the message.",
        m = e.method_name
    ));
    let variants = error.variants.iter().map(|v| {
        let variant = to_ident(&v.rust_name);
        let docs = docs::outer(&variant_docs(v));
        let message = display_format(v);
        quote! {
            #docs
            #[error(#message)]
            #variant {
                /// The `errmsg` the server sent.
                errmsg: String,
            },
        }
    });
    let from_arms = error.variants.iter().map(|v| {
        let variant = to_ident(&v.rust_name);
        let code = int_lit(v.code);
        quote!(#code => Self::#variant { errmsg },)
    });
    let code_arms = error.variants.iter().map(|v| {
        let variant = to_ident(&v.rust_name);
        let code = int_lit(v.code);
        quote!(Self::#variant { .. } => #code,)
    });
    let errmsg_patterns = error.variants.iter().map(|v| {
        let variant = to_ident(&v.rust_name);
        quote!(Self::#variant { errmsg })
    });
    let solution_arms = error.variants.iter().filter_map(|v| {
        let variant = to_ident(&v.rust_name);
        let solution = v.solution.as_deref()?;
        Some(quote!(Self::#variant { .. } => Some(#solution),))
    });
    // With no documented code every match would have one arm, which clippy rightly flags.
    let documented = !error.variants.is_empty();
    let code_body = if documented {
        quote!(match self { #(#code_arms)* Self::Undocumented { code, .. } => *code, })
    } else {
        quote!(let Self::Undocumented { code, .. } = self; *code)
    };
    let errmsg_body = if documented {
        quote!(match self { #(#errmsg_patterns)|* | Self::Undocumented { errmsg, .. } => errmsg, })
    } else {
        quote!(let Self::Undocumented { errmsg, .. } = self; errmsg)
    };
    let solutions: Vec<_> = solution_arms.collect();
    let solution_body = if solutions.is_empty() {
        quote!(None)
    } else {
        quote!(match self { #(#solutions)* _ => None, })
    };
    let from_body = if documented {
        quote!(match code { #(#from_arms)* code => Self::Undocumented { code, errmsg }, })
    } else {
        quote!(Self::Undocumented { code, errmsg })
    };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A code no table documents.
            #[error("errcode {code}: {errmsg} (undocumented code)")]
            Undocumented {
                /// The `errcode` the server sent.
                code: i64,
                /// The `errmsg` the server sent.
                errmsg: String,
            },
        }

        impl #name {
            /// The `errcode` the server sent.
            pub fn code(&self) -> i64 {
                #code_body
            }

            /// The `errmsg` the server sent.
            pub fn errmsg(&self) -> &str {
                #errmsg_body
            }

            /// What the documentation says to do about this error, when it says anything.
            pub fn solution(&self) -> Option<&'static str> {
                #solution_body
            }
        }

        impl crate::ApiError for #name {
            fn from_errcode(code: i64, errmsg: String) -> Self {
                #from_body
            }

            fn code(&self) -> i64 {
                #name::code(self)
            }
        }
    }
}

fn variant_docs(v: &ErrorVariant) -> String {
    let mut docs = match &v.errmsg {
        Some(errmsg) => format!("`{}` {errmsg}", v.code),
        None => format!("`{}`", v.code),
    };
    if let Some(solution) = &v.solution {
        docs.push_str(&format!(": {solution}"));
    }
    if let Some(set) = &v.from_set {
        docs.push_str(&format!("\n\nFrom the `{set}` error set."));
    }
    docs
}

/// The `#[error]` format string: the code, the errmsg received, and the documented solution.
/// Braces in spec text are doubled so `thiserror` does not read them as arguments.
fn display_format(v: &ErrorVariant) -> String {
    let escape = |text: &str| text.replace('{', "{{").replace('}', "}}");
    match &v.solution {
        Some(solution) => format!("errcode {}: {{errmsg}} ({})", v.code, escape(solution)),
        None => format!("errcode {}: {{errmsg}}", v.code),
    }
}
