//! Structs: requests, responses and named object types.

use super::runtime as rt;
use super::{ModuleCx, docs};
use crate::ident::to_ident;
use crate::ir::{DefaultValue, Endpoint, FieldDef, FieldLocation, Presence, StructDef, TypeRef};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

pub fn emit_struct(cx: &ModuleCx<'_>, s: &StructDef, endpoint: Option<&Endpoint>) -> TokenStream {
    let name = to_ident(&s.rust_name);
    let docs = docs::outer(&struct_docs(s, endpoint));
    let fields = s.fields.iter().map(|f| emit_field(cx, s, f));
    let default_impl = super::derives::writes_default(s).then(|| manual_default(s));
    // The default functions serve decoding, the `Default` impl and the request's builder; a type
    // that is only sent and has neither has no caller for them.
    let is_request = endpoint.is_some_and(|e| e.request.rust_name == s.rust_name);
    let default_fns: Vec<_> = if s.wire.received || default_impl.is_some() || is_request {
        s.fields.iter().filter_map(|f| default_fn(cx, f)).collect()
    } else {
        Vec::new()
    };
    let default_fns = (!default_fns.is_empty()).then(|| quote!(impl #name { #(#default_fns)* }));
    // A received struct decodes through the runtime (`super::decode`, in the file's `decode`
    // module), an empty one too: the client reads an endpoint's answer (its envelope and its
    // fields) in one pass through it.
    let derives = super::derives::of_struct(s);
    quote! {
        #docs
        #derives
        pub struct #name {
            #(#fields)*
        }
        #default_impl
        #default_fns
    }
}

/// The struct's docs; an endpoint's request or response without docs of its own is described
/// by the method that takes or returns it.
fn struct_docs(s: &StructDef, endpoint: Option<&Endpoint>) -> String {
    match endpoint {
        Some(e) if s.docs.is_empty() && s.rust_name == e.request.rust_name => {
            format!("The request of {}.", super::client::method_link(e))
        }
        Some(e) if s.docs.is_empty() && s.rust_name == e.response.rust_name => format!(
            "The response of {} when `errcode` is 0.",
            super::client::method_link(e)
        ),
        _ => s.docs.clone(),
    }
}

fn emit_field(cx: &ModuleCx<'_>, s: &StructDef, f: &FieldDef) -> TokenStream {
    let name = to_ident(&f.rust_name);
    let docs = docs::outer(&f.docs);
    let value_ty = cx.type_tokens(&f.ty);
    let ty = match f.presence {
        Presence::Optional => quote!(Option<#value_ty>),
        _ => value_ty,
    };
    let mut args = Vec::new();
    if f.flatten.is_some() {
        // The union's tag and payload are keys of this object; an absent optional one writes
        // nothing.
        args.push(quote!(flatten));
    } else if f.wire_name != f.rust_name.trim_start_matches("r#") {
        let wire = &f.wire_name;
        args.push(quote!(rename = #wire));
    }
    if f.flatten.is_some() {
    } else if f.location == FieldLocation::Query {
        args.push(quote!(skip));
    } else {
        let flag = f.ty == TypeRef::Flag;
        let (flag_serialize, flag_option) = (
            rt::flag::SERIALIZE.text(),
            rt::flag::SERIALIZE_OPTION.text(),
        );
        match &f.presence {
            Presence::Required if flag => args.push(quote!(serialize_with = #flag_serialize)),
            Presence::Required => {}
            Presence::Optional => {
                if flag {
                    args.push(quote!(serialize_with = #flag_option));
                }
                args.push(quote!(skip_serializing_if = "Option::is_none"));
            }
            // Defaults act when decoding, which `super::decode` does: nothing to say to serde.
            Presence::DefaultZero | Presence::DefaultValue(_) if flag => {
                args.push(quote!(serialize_with = #flag_serialize));
            }
            Presence::DefaultZero | Presence::DefaultValue(_) => {}
        }
    }
    // These attributes only serve `Serialize` (a received type decodes through `super::decode`),
    // so they follow it: always, under `testing`, or never (a multipart request).
    let serde = if args.is_empty() {
        None
    } else {
        super::derives::struct_serialization(s).attr(quote!(serde(#(#args),*)))
    };
    let deprecated = f.deprecated.as_deref().map(super::deprecated);
    quote! {
        #docs
        #deprecated
        #serde
        pub #name: #ty,
    }
}

/// `#[allow(deprecated)]` for the impls of a struct with a deprecated field, which set it.
pub(crate) fn allow_deprecated(s: &StructDef) -> Option<TokenStream> {
    s.fields
        .iter()
        .any(|f| f.deprecated.is_some())
        .then(|| quote!(#[allow(deprecated)]))
}

/// An associated function of its struct, so two structs' defaults cannot collide.
pub(crate) fn default_fn_name(f: &FieldDef) -> proc_macro2::Ident {
    format_ident!("default_{}", f.rust_name.trim_start_matches("r#"))
}

/// The value of a field whose spec default is not its type's zero value, for decoding, the
/// `Default` impl and the request builder.
fn default_fn(cx: &ModuleCx<'_>, f: &FieldDef) -> Option<TokenStream> {
    let Presence::DefaultValue(value) = &f.presence else {
        return None;
    };
    let name = default_fn_name(f);
    let ty = cx.type_tokens(&f.ty);
    let value = default_expr(cx, value, &f.ty);
    Some(quote! {
        fn #name() -> #ty {
            #value
        }
    })
}

fn default_expr(cx: &ModuleCx<'_>, value: &DefaultValue, ty: &TypeRef) -> TokenStream {
    match value {
        DefaultValue::Integer(i) => super::int_lit(*i),
        DefaultValue::Number(n) => {
            let lit = Literal::f64_unsuffixed(*n);
            quote!(#lit)
        }
        DefaultValue::String(s) => quote!(#s.to_owned()),
        DefaultValue::Bool(b) => quote!(#b),
        DefaultValue::EnumVariant { variant, .. } => {
            let ty = cx.type_tokens(ty);
            let variant = to_ident(variant);
            quote!(#ty::#variant)
        }
    }
}

/// `Default` by hand when a field's spec default is not its type's zero value.
fn manual_default(s: &StructDef) -> TokenStream {
    let name = to_ident(&s.rust_name);
    let fields = s.fields.iter().map(|f| {
        let field = to_ident(&f.rust_name);
        match f.presence {
            Presence::DefaultValue(_) => {
                let function = default_fn_name(f);
                quote!(#field: Self::#function(),)
            }
            _ => quote!(#field: Default::default(),),
        }
    });
    let allow = allow_deprecated(s);
    quote! {
        #allow
        impl Default for #name {
            fn default() -> Self {
                Self { #(#fields)* }
            }
        }
    }
}
