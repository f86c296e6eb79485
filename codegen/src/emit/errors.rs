//! Error enums: one per endpoint (a variant per code of its own, one per included error set, and
//! a fallback), and one shared enum per error set.

use super::runtime as rt;
use super::{ModuleCx, docs, int_lit};
use crate::ident::to_ident;
use crate::ir::{Endpoint, ErrorSetEnum, ErrorVariant};
use proc_macro2::TokenStream;
use quote::quote;

pub fn emit_error_enum(cx: &ModuleCx<'_>, e: &Endpoint) -> TokenStream {
    let error = &e.error;
    let name = to_ident(&error.rust_name);
    let mut docs_text = format!(
        "The errors {} documents: a non-zero `errcode` and the `errmsg` sent with it.",
        super::client::method_link(e)
    );
    for set in &error.sets {
        docs_text.push_str(&format!(
            "\n\nThe codes of the `{}` error set arrive as `{}`, which wraps a [`{}`]({}).",
            set.name,
            set.variant,
            set.enum_name,
            cx.type_path(&set.enum_name, &set.module),
        ));
    }
    docs_text.push_str(
        "\n\nCodes no table documents become `Undocumented`, which keeps the code and the message.",
    );
    let docs = docs::outer(&docs_text);
    let own: Vec<&ErrorVariant> = error.own_variants().collect();
    let own_variants = own.iter().map(|v| code_variant(v));
    let set_variants = error.sets.iter().map(|set| {
        let variant = to_ident(&set.variant);
        let ty = cx.named_tokens(&set.enum_name, &set.module);
        let doc = docs::outer(&format!("A code of the `{}` error set.", set.name));
        quote! {
            #doc
            #[error(transparent)]
            #variant(#ty),
        }
    });
    let arms = Arms::of(&own);
    let (code_arms, errmsg_patterns, solution_arms, from_arms) =
        (arms.code, arms.errmsg, arms.solution, arms.from);
    // A wrapped set answers `code()`, `errmsg()` and `solution()` through its own enum.
    let delegate = |method: &str| -> Vec<TokenStream> {
        let method = to_ident(method);
        error
            .sets
            .iter()
            .map(|set| {
                let variant = to_ident(&set.variant);
                quote!(Self::#variant(error) => error.#method(),)
            })
            .collect()
    };
    let (set_code, set_errmsg, set_solution) =
        (delegate("code"), delegate("errmsg"), delegate("solution"));
    // Each set's enum takes the codes it documents and gives the message back otherwise.
    let set_from = error.sets.iter().map(|set| {
        let variant = to_ident(&set.variant);
        let ty = cx.named_tokens(&set.enum_name, &set.module);
        quote! {
            let errmsg = match #ty::from_errcode(code, errmsg) {
                Ok(error) => return Self::#variant(error),
                Err(errmsg) => errmsg,
            };
        }
    });
    // With nothing but the fallback, every match would have one arm, which clippy flags.
    let only_fallback = own.is_empty() && error.sets.is_empty();
    let code_body = if only_fallback {
        quote!(let Self::Undocumented { code, .. } = self; *code)
    } else {
        quote!(match self { #(#code_arms)* #(#set_code)* Self::Undocumented { code, .. } => *code, })
    };
    let errmsg_body = if only_fallback {
        quote!(let Self::Undocumented { errmsg, .. } = self; errmsg)
    } else if own.is_empty() {
        quote!(match self { #(#set_errmsg)* Self::Undocumented { errmsg, .. } => errmsg, })
    } else {
        quote!(match self {
            #(#set_errmsg)*
            #(#errmsg_patterns)|* | Self::Undocumented { errmsg, .. } => errmsg,
        })
    };
    let solution_body = if solution_arms.is_empty() && error.sets.is_empty() {
        quote!(None)
    } else {
        quote!(match self { #(#solution_arms)* #(#set_solution)* _ => None, })
    };
    let own_from = if own.is_empty() {
        quote!(Self::Undocumented { code, errmsg })
    } else {
        quote!(match code { #(#from_arms)* code => Self::Undocumented { code, errmsg }, })
    };
    let api_error = rt::API_ERROR.tokens();
    let derives = super::derives::of_error();
    quote! {
        #docs
        #derives
        #[non_exhaustive]
        pub enum #name {
            #(#own_variants)*
            #(#set_variants)*
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

        impl #api_error for #name {
            fn from_errcode(code: i64, errmsg: String) -> Self {
                #(#set_from)*
                #own_from
            }

            fn code(&self) -> i64 {
                #name::code(self)
            }
        }
    }
}

/// The shared enum of an error set: every endpoint that includes the set wraps it, so its codes
/// are compiled once, not once per endpoint.
pub fn emit_error_set_enum(set: &ErrorSetEnum) -> TokenStream {
    let name = to_ident(&set.rust_name);
    let docs = docs::outer(&format!(
        "{}\n\nThe `{}` error set: endpoints that include it wrap it in their error enum.",
        set.docs, set.name
    ));
    let variants: Vec<&ErrorVariant> = set.variants.iter().collect();
    let own_variants = variants.iter().map(|v| code_variant(v));
    let arms = Arms::of(&variants);
    let (code_arms, errmsg_patterns, solution_arms, from_arms) =
        (arms.code, arms.errmsg, arms.solution, arms.from);
    let solution_body = if solution_arms.is_empty() {
        quote!(None)
    } else if solution_arms.len() == variants.len() {
        quote!(match self { #(#solution_arms)* })
    } else {
        quote!(match self { #(#solution_arms)* _ => None, })
    };
    let derives = super::derives::of_error();
    quote! {
        #docs
        #derives
        #[non_exhaustive]
        pub enum #name {
            #(#own_variants)*
        }

        impl #name {
            /// The variant of `code`, or `errmsg` back when the set does not document the code.
            pub fn from_errcode(code: i64, errmsg: String) -> Result<Self, String> {
                Ok(match code {
                    #(#from_arms)*
                    _ => return Err(errmsg),
                })
            }

            /// The `errcode` the server sent.
            pub fn code(&self) -> i64 {
                match self { #(#code_arms)* }
            }

            /// The `errmsg` the server sent.
            pub fn errmsg(&self) -> &str {
                match self { #(#errmsg_patterns)|* => errmsg, }
            }

            /// What the documentation says to do about this error, when it says anything.
            pub fn solution(&self) -> Option<&'static str> {
                #solution_body
            }
        }
    }
}

/// A variant for one documented code, with the `errmsg` the server sent.
fn code_variant(v: &ErrorVariant) -> TokenStream {
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
}

/// The match arms of one variant per code, shared by endpoint and set enums.
struct Arms {
    code: Vec<TokenStream>,
    errmsg: Vec<TokenStream>,
    solution: Vec<TokenStream>,
    from: Vec<TokenStream>,
}

impl Arms {
    fn of(variants: &[&ErrorVariant]) -> Self {
        let mut arms = Self {
            code: Vec::new(),
            errmsg: Vec::new(),
            solution: Vec::new(),
            from: Vec::new(),
        };
        for v in variants {
            let variant = to_ident(&v.rust_name);
            let code = int_lit(v.code);
            arms.code.push(quote!(Self::#variant { .. } => #code,));
            arms.errmsg.push(quote!(Self::#variant { errmsg }));
            arms.from.push(quote!(#code => Self::#variant { errmsg },));
            if let Some(solution) = v.solution.as_deref() {
                arms.solution
                    .push(quote!(Self::#variant { .. } => Some(#solution),));
            }
        }
        arms
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
