//! Tagged unions: an enum with a variant per documented tag carrying its payload, how it is
//! written (the tag and the payload's key, or the payload's fields), and how it is read (the
//! runtime's `union::Parts`, then the variant the tag names).

use super::runtime as rt;
use super::{ModuleCx, docs};
use crate::ident::to_ident;
use crate::ir::{TagValue, UnionDef, UnionStyle, UnionVariant};
use proc_macro2::TokenStream;
use quote::quote;

pub fn emit_union(cx: &ModuleCx<'_>, u: &UnionDef) -> TokenStream {
    let name = to_ident(&u.rust_name);
    let mut text = u.docs.clone();
    text.push_str(&format!(
        "\n\nA tagged union: `{}` says which variant an object is; {}.",
        u.tag,
        match u.style {
            UnionStyle::Sibling => "the payload is under a key of its own beside it",
            UnionStyle::Inline => "the payload's fields are beside it",
        }
    ));
    if u.wire.received {
        text.push_str(" A tag no spec lists arrives as `Unknown`, with the rest of its object.");
    }
    let docs = docs::outer(&text);
    let variants = u.variants.iter().map(|v| {
        let docs = docs::outer(&format!("{} (tag {})", v.docs, show(&v.value)));
        let deprecated = v.deprecated.as_deref().map(super::deprecated);
        let variant = to_ident(&v.rust_name);
        match &v.payload {
            Some(payload) => {
                let payload = cx.type_tokens(payload);
                quote!(#docs #deprecated #variant(#payload),)
            }
            None => quote!(#docs #deprecated #variant,),
        }
    });
    let unknown_variant = rt::UNKNOWN_VARIANT.tokens();
    let (unknown, non_exhaustive) = if u.wire.received {
        (
            quote! {
                /// A variant this client does not know, kept as received.
                Unknown(#unknown_variant),
            },
            quote!(#[non_exhaustive]),
        )
    } else {
        (quote!(), quote!())
    };
    let serialize = emit_serialize(u);
    let derives = super::derives::of_union(u);
    quote! {
        #docs
        #derives
        #non_exhaustive
        pub enum #name {
            #(#variants)*
            #unknown
        }

        #serialize
    }
}

fn emit_serialize(u: &UnionDef) -> TokenStream {
    let name = to_ident(&u.rust_name);
    let tag_key = &u.tag;
    let (sibling, inline) = (
        rt::union::SERIALIZE_SIBLING.tokens(),
        rt::union::SERIALIZE_INLINE.tokens(),
    );
    let arms = u.variants.iter().map(|v| {
        let variant = to_ident(&v.rust_name);
        let tag = tag_tokens(&v.value);
        match (&v.payload, u.style, &v.field) {
            (None, _, _) => quote! {
                Self::#variant => #sibling::<_, _, ()>(serializer, #tag_key, #tag, None),
            },
            (Some(_), UnionStyle::Sibling, field) => {
                let key = field.clone().unwrap_or_default();
                quote! {
                    Self::#variant(payload) => #sibling(serializer, #tag_key, #tag, Some((#key, payload))),
                }
            }
            (Some(_), UnionStyle::Inline, _) => quote! {
                Self::#variant(payload) => #inline(serializer, #tag_key, #tag, payload),
            },
        }
    });
    let unknown = u.wire.received.then(
        || quote!(Self::Unknown(unknown) => unknown.serialize_with_tag(serializer, #tag_key),),
    );
    let allow = deprecated_allow(u);
    // A union only received is encoded by the mock WeChat alone (feature `testing`).
    let cfg = super::derives::union_serialization(u).cfg();
    quote! {
        #cfg
        #allow
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#arms)*
                    #unknown
                }
            }
        }
    }
}

/// How a received union decodes, for the file's `decode` submodule.
pub fn emit_decode(cx: &ModuleCx<'_>, u: &UnionDef) -> TokenStream {
    let name = cx.named_tokens(&u.rust_name, cx.path());
    let rust_name = &u.rust_name;
    let tag_key = &u.tag;
    let arms = u.variants.iter().map(|v| {
        let variant = to_ident(&v.rust_name);
        let value = tag_tokens(&v.value);
        let read = match (&v.payload, u.style, &v.field) {
            (None, _, _) => quote!(Ok(Self::#variant)),
            (Some(_), UnionStyle::Sibling, field) => {
                let key = field.clone().unwrap_or_default();
                quote!(parts.sibling(#key).map(Self::#variant))
            }
            (Some(_), UnionStyle::Inline, _) => quote!(parts.inline().map(Self::#variant)),
        };
        quote!(Some(tag) if tag.is(#value) => #read,)
    });
    let allow = deprecated_allow(u);
    let (union, deserialize, parts) = (
        rt::union::UNION.tokens(),
        rt::union::DESERIALIZE.tokens(),
        rt::union::PARTS.tokens(),
    );
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #deserialize(deserializer)
            }
        }

        /// Decoding: the variant the tag names, its payload read from the object's other keys.
        #allow
        impl #union for #name {
            const NAME: &'static str = #rust_name;
            const TAG: &'static str = #tag_key;

            fn from_parts<E: serde::de::Error>(parts: #parts) -> Result<Self, E> {
                match parts.tag() {
                    #(#arms)*
                    _ => parts.unknown().map(Self::Unknown),
                }
            }
        }
    }
}

fn deprecated_allow(u: &UnionDef) -> Option<TokenStream> {
    u.variants
        .iter()
        .any(|v: &UnionVariant| v.deprecated.is_some())
        .then(|| quote!(#[allow(deprecated)]))
}

/// The tag as a literal (`"text"`, `0i64`, `true`): written as it is, without a `Tag` to build.
fn tag_tokens(value: &TagValue) -> TokenStream {
    match value {
        TagValue::Text(text) => quote!(#text),
        TagValue::Integer(int) => {
            let int = proc_macro2::Literal::i64_suffixed(*int);
            quote!(#int)
        }
        TagValue::Bool(b) => quote!(#b),
    }
}

fn show(value: &TagValue) -> String {
    match value {
        TagValue::Text(text) => format!("`\"{text}\"`"),
        TagValue::Integer(int) => format!("`{int}`"),
        TagValue::Bool(b) => format!("`{b}`"),
    }
}
