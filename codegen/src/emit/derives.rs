//! Which traits each generated type derives, decided in one place (prost-build's `context.rs`
//! is the model): the emitters ask, and never spell a derive list themselves.
//!
//! The rules, and why:
//! - every type is `Debug` and `Clone`; data types are `PartialEq` too, so users can compare
//!   answers in their tests;
//! - enums are `Eq` and `Hash` (usable as map keys); an integer enum is `Copy`;
//! - serde's derives only where the type crosses the wire that way (`WireUse`): `Serialize` for
//!   what is sent; nothing for what is received, which decodes through the runtime (structs,
//!   unions) or `From` (enums take `Deserialize` for that); serde's code is most of what rustc
//!   checks, so deriving only the used half is the cheapest large cut of compile time;
//! - `Default` for a struct whose fields are all optional and whose defaults are zero values
//!   (with a non-zero default the model emitter writes the impl out);
//! - error enums are `thiserror::Error`, and `Eq`; request builders only `Debug` and `Clone`.

use crate::ir::{EnumDef, EnumRepr, FieldLocation, Presence, StructDef, UnionDef};
use proc_macro2::TokenStream;
use quote::quote;

/// A struct: a request, a response or a named object type.
pub fn of_struct(s: &StructDef) -> TokenStream {
    // A multipart request is sent part by part, not serialized.
    let multipart = s.fields.iter().any(|f| f.location == FieldLocation::Part);
    let serialize = (s.wire.sent && !multipart).then(|| quote!(serde::Serialize));
    let default = derives_default(s).then(|| quote!(Default));
    let derives = [
        Some(quote!(Debug)),
        Some(quote!(Clone)),
        default,
        Some(quote!(PartialEq)),
        serialize,
    ]
    .into_iter()
    .flatten();
    quote!(#[derive(#(#derives),*)])
}

/// Whether a struct's `Default` is derived: all fields optional, every default the zero value.
pub fn derives_default(s: &StructDef) -> bool {
    s.all_fields_optional && !has_value_defaults(s)
}

/// Whether a struct's `Default` is written out: all fields optional, some default not zero.
pub fn writes_default(s: &StructDef) -> bool {
    s.all_fields_optional && has_value_defaults(s)
}

fn has_value_defaults(s: &StructDef) -> bool {
    s.fields
        .iter()
        .any(|f| matches!(f.presence, Presence::DefaultValue(_)))
}

/// An open enum: it decodes `From` its wire type and encodes `Into` it.
pub fn of_enum(e: &EnumDef) -> TokenStream {
    let copy = (e.repr == EnumRepr::Integer).then(|| quote!(Copy));
    let serde = match (e.wire.sent, e.wire.received) {
        (true, false) => quote!(serde::Serialize),
        (false, true) => quote!(serde::Deserialize),
        _ => quote!(serde::Serialize, serde::Deserialize),
    };
    let derives = [
        Some(quote!(Debug)),
        Some(quote!(Clone)),
        copy,
        Some(quote!(PartialEq)),
        Some(quote!(Eq)),
        Some(quote!(Hash)),
        Some(serde),
    ]
    .into_iter()
    .flatten();
    quote!(#[derive(#(#derives),*)])
}

/// A tagged union: its serde impls are written by the union emitter (sent) or the runtime
/// (received).
pub fn of_union(_: &UnionDef) -> TokenStream {
    quote!(#[derive(Debug, Clone, PartialEq)])
}

/// An endpoint's or an error set's error enum.
pub fn of_error() -> TokenStream {
    quote!(#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)])
}

/// A request builder.
pub fn of_builder() -> TokenStream {
    quote!(#[derive(Debug, Clone)])
}
