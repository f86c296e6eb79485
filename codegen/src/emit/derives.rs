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
//! - what is only received is `Serialize` too under the crate's `testing` feature
//!   ([`Serialization::Testing`]): the mock WeChat sends a test's typed answers encoded as WeChat
//!   would, and a build without the feature pays nothing for it;
//! - `Default` for a struct whose fields are all optional and whose defaults are zero values
//!   (with a non-zero default the model emitter writes the impl out);
//! - error enums are `thiserror::Error`, and `Eq`; request builders only `Debug` and `Clone`.

use crate::ir::{EnumDef, EnumRepr, FieldLocation, Presence, StructDef, UnionDef, WireUse};
use proc_macro2::TokenStream;
use quote::quote;

/// Whether a type implements `Serialize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serialization {
    /// It is sent.
    Always,
    /// It is only received: under the `testing` feature, for the mock's typed answers.
    Testing,
    /// A multipart request, sent part by part.
    Never,
}

impl Serialization {
    /// `#[attr]` as the type needs it: as is, under the `testing` feature, or not at all.
    pub fn attr(self, attr: TokenStream) -> Option<TokenStream> {
        match self {
            Self::Always => Some(quote!(#[#attr])),
            Self::Testing => Some(quote!(#[cfg_attr(feature = "testing", #attr)])),
            Self::Never => None,
        }
    }

    /// `#[cfg(feature = "testing")]` for a hand-written `Serialize` impl that only tests use.
    pub fn cfg(self) -> Option<TokenStream> {
        (self == Self::Testing).then(|| quote!(#[cfg(feature = "testing")]))
    }

    fn of(wire: WireUse) -> Self {
        if wire.sent {
            Self::Always
        } else {
            Self::Testing
        }
    }
}

/// When a struct is `Serialize`.
pub fn struct_serialization(s: &StructDef) -> Serialization {
    if s.fields.iter().any(|f| f.location == FieldLocation::Part) {
        Serialization::Never
    } else {
        Serialization::of(s.wire)
    }
}

/// When an enum is `Serialize` (through `into` its wire type).
pub fn enum_serialization(e: &EnumDef) -> Serialization {
    Serialization::of(e.wire)
}

/// When a union is `Serialize` (by an impl the union emitter writes).
pub fn union_serialization(u: &UnionDef) -> Serialization {
    Serialization::of(u.wire)
}

/// A struct: a request, a response or a named object type.
pub fn of_struct(s: &StructDef) -> TokenStream {
    let serialization = struct_serialization(s);
    let serialize = (serialization == Serialization::Always).then(|| quote!(serde::Serialize));
    let gated = (serialization == Serialization::Testing)
        .then(|| quote!(#[cfg_attr(feature = "testing", derive(serde::Serialize))]));
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
    quote!(#[derive(#(#derives),*)] #gated)
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
    let gated = (enum_serialization(e) == Serialization::Testing)
        .then(|| quote!(#[cfg_attr(feature = "testing", derive(serde::Serialize))]));
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
    quote!(#[derive(#(#derives),*)] #gated)
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
