//! How a received struct decodes: an impl of the runtime's `de::Object` (its wire names, a
//! named slot per field, how to read each, how to finish), instead of `#[derive(Deserialize)]`.
//!
//! The runtime's one generic visitor does what the derive would repeat in every struct (the
//! field-name visitor, the map loop, duplicate and unknown fields), which is most of the code
//! rustc checks in a crate of many endpoints. What stays here is per field, and reads like the
//! struct: the slots are a struct of the same field names, `read` fills the slot of field `i`
//! of `FIELDS`, and `finish` says what an absent field is.
//!
//! It is emitted into each file's `decode` submodule, after the types a reader came for; the
//! submodule names the file's own types through `super::` (the `ModuleCx` it is given says so).

use super::ModuleCx;
use super::runtime as rt;
use crate::ident::to_ident;
use crate::ir::{FieldDef, Presence, StructDef, TypeRef};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// The slot of a flattened union's other keys: no snake_case field name starts with `_`.
const REST: &str = "_rest";

pub fn emit_decode(cx: &ModuleCx<'_>, s: &StructDef) -> TokenStream {
    let ty = cx.named_tokens(&s.rust_name, cx.path());
    let rust_name = &s.rust_name;
    let slots = format_ident!("{}Slots", s.rust_name);
    // A flattened union is known by its tag's key; the object's other keys are kept, in a last
    // slot, for its payload.
    let wire_names = s
        .fields
        .iter()
        .map(|f| f.flatten.as_ref().unwrap_or(&f.wire_name));
    let flattened = s.fields.iter().any(|f| f.flatten.is_some());
    let rest = format_ident!("{REST}");
    let (object, object_fn) = (rt::de::OBJECT.tokens(), rt::de::OBJECT_FN.tokens());
    let (flattened_fn, flattened_optional) = (
        rt::union::FLATTENED.tokens(),
        rt::union::FLATTENED_OPTIONAL.tokens(),
    );
    let required = rt::de::REQUIRED.tokens();
    let (rest_type, rest_start) = if flattened {
        let parts = rt::union::PARTS.tokens();
        (quote!(#rest: #parts,), quote!(#rest: Default::default(),))
    } else {
        (quote!(), quote!())
    };
    if s.fields.is_empty() {
        return emit_decode_empty(&ty, rust_name);
    }
    let slot_fields = s.fields.iter().map(|f| {
        let field = to_ident(&f.rust_name);
        let value = value_type(cx, f);
        quote!(#field: Option<#value>,)
    });
    let empty_slots = s.fields.iter().map(|f| {
        let field = to_ident(&f.rust_name);
        quote!(#field: None,)
    });
    let read_arms = s.fields.iter().enumerate().map(|(i, f)| {
        let (index, field) = (Literal::usize_unsuffixed(i), to_ident(&f.rust_name));
        let read = read_value(f);
        quote!(#index => slots.#field = Some(#read),)
    });
    let finish_fields = s.fields.iter().map(|f| {
        let field = to_ident(&f.rust_name);
        let wire = &f.wire_name;
        let value = match (&f.presence, &f.flatten) {
            (Presence::Required, Some(_)) => {
                quote!(#flattened_fn(slots.#field, slots.#rest)?)
            }
            (_, Some(_)) => {
                quote!(#flattened_optional(slots.#field, slots.#rest)?)
            }
            (presence, None) => match presence {
                Presence::Required => quote!(#required(slots.#field, #wire)?),
                Presence::Optional => quote!(slots.#field.flatten()),
                Presence::DefaultZero => quote!(slots.#field.unwrap_or_default()),
                Presence::DefaultValue(_) => {
                    let function = super::model::default_fn_name(f);
                    quote!(slots.#field.unwrap_or_else(Self::#function))
                }
            },
        };
        quote!(#field: #value,)
    });
    let captures = flattened.then(|| {
        quote! {
            const CAPTURES_UNKNOWN: bool = true;

            fn read_unknown<'de, A: serde::de::MapAccess<'de>>(
                slots: &mut Self::Slots,
                key: String,
                map: &mut A,
            ) -> Result<(), A::Error> {
                slots.#rest.read(key, map)
            }
        }
    });
    let allow = super::model::allow_deprecated(s);
    // One field would make the match a single arm, which clippy flags.
    let read_body = if s.fields.len() == 1 {
        let field = to_ident(&s.fields[0].rust_name);
        let read = read_value(&s.fields[0]);
        quote!(if index == 0 { slots.#field = Some(#read); })
    } else {
        quote!(match index { #(#read_arms)* _ => {} })
    };
    let slots_docs = super::docs::outer(&format!(
        "The fields of a [`{rust_name}`]({}) as they are read.",
        cx.type_path(rust_name, cx.path())
    ));
    quote! {
        #slots_docs
        pub struct #slots {
            #(#slot_fields)*
            #rest_type
        }

        impl<'de> serde::Deserialize<'de> for #ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #object_fn(deserializer)
            }
        }

        #allow
        impl #object for #ty {
            const NAME: &'static str = #rust_name;
            const FIELDS: &'static [&'static str] = &[#(#wire_names),*];
            type Slots = #slots;

            fn slots() -> Self::Slots {
                #slots { #(#empty_slots)* #rest_start }
            }

            fn read<'de, A: serde::de::MapAccess<'de>>(
                slots: &mut Self::Slots,
                index: usize,
                map: &mut A,
            ) -> Result<(), A::Error> {
                #read_body
                Ok(())
            }

            fn finish<E: serde::de::Error>(slots: Self::Slots) -> Result<Self, E> {
                Ok(Self {
                    #(#finish_fields)*
                })
            }

            #captures
        }
    }
}

/// The impls for a struct without fields: it only has to be an object.
fn emit_decode_empty(ty: &TokenStream, rust_name: &str) -> TokenStream {
    let (object, object_fn) = (rt::de::OBJECT.tokens(), rt::de::OBJECT_FN.tokens());
    quote! {
        impl<'de> serde::Deserialize<'de> for #ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #object_fn(deserializer)
            }
        }

        /// No field of its own; the object's fields are skipped.
        impl #object for #ty {
            const NAME: &'static str = #rust_name;
            const FIELDS: &'static [&'static str] = &[];
            type Slots = ();

            fn slots() -> Self::Slots {}

            fn read<'de, A: serde::de::MapAccess<'de>>(
                _slots: &mut Self::Slots,
                _index: usize,
                _map: &mut A,
            ) -> Result<(), A::Error> {
                Ok(())
            }

            fn finish<E: serde::de::Error>(_slots: Self::Slots) -> Result<Self, E> {
                Ok(Self {})
            }
        }
    }
}

/// The type a slot holds: the field's type as read (an optional field reads `null` as `None`).
fn value_type(cx: &ModuleCx<'_>, f: &FieldDef) -> TokenStream {
    if f.flatten.is_some() {
        // The slot of a flattened union holds its tag.
        return rt::TAG.tokens();
    }
    let ty = cx.type_tokens(&f.ty);
    match f.presence {
        Presence::Optional => quote!(Option<#ty>),
        _ => ty,
    }
}

/// Reads the field's value from the map; flags go through the runtime's 0/1 reader, and lenient
/// fields through the reader that also takes the other form.
fn read_value(f: &FieldDef) -> TokenStream {
    let reader = match (&f.ty, f.lenient) {
        (TypeRef::Flag, _) => rt::flag::FLAG.tokens(),
        (TypeRef::String, true) => rt::lenient::TEXT.tokens(),
        (TypeRef::Integer, true) => rt::lenient::INTEGER.tokens(),
        (TypeRef::Number, true) => rt::lenient::NUMBER.tokens(),
        _ => return quote!(map.next_value()?),
    };
    match f.presence {
        Presence::Optional => quote! {
            map.next_value::<Option<#reader>>()?.map(|value| value.0)
        },
        _ => quote!(map.next_value::<#reader>()?.0),
    }
}
