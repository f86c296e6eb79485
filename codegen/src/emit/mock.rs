//! What the mock WeChat (the runtime's `mock`, feature `testing`) knows of an endpoint: its
//! request's fields and where each travels, its answer's kind and example, and the impls that
//! name the endpoint by its error enum and its response type. Behind the crate's `testing`
//! feature, so a build without it compiles none of it.

use super::runtime as rt;
use crate::ident::to_ident;
use crate::ir::{Endpoint, FieldLocation, Presence, ResponseFormat};
use proc_macro2::TokenStream;
use quote::quote;

/// The endpoint's `MockedEndpoint` impl (on its error enum), and its response's
/// `MockedResponse` impl when it answers with JSON. Names the file's `OPERATION`.
pub fn emit_mocked(e: &Endpoint) -> TokenStream {
    let error = to_ident(&e.error.rust_name);
    let (mocked_endpoint, mocked_response, spec_ty) = (
        rt::mock::MOCKED_ENDPOINT.tokens(),
        rt::mock::MOCKED_RESPONSE.tokens(),
        rt::mock::ENDPOINT_SPEC.tokens(),
    );
    let (field_spec, place) = (
        rt::mock::FIELD_SPEC.tokens(),
        rt::mock::FIELD_PLACE.tokens(),
    );
    let fields = e.request.fields.iter().map(|f| {
        // A flattened union is required or not as its tag's key.
        let wire_name = f.flatten.as_ref().unwrap_or(&f.wire_name);
        let place = match f.location {
            FieldLocation::Query => quote!(#place::Query),
            FieldLocation::Json => quote!(#place::Body),
            FieldLocation::Part => quote!(#place::Part),
        };
        let required = f.presence == Presence::Required;
        quote!(#field_spec { wire_name: #wire_name, place: #place, required: #required })
    });
    // A flattened union's keys (its tag, its payloads') are keys of the body itself.
    let flattened_keys = e.request.fields.iter().flat_map(|f| &f.flattened_keys);
    let query_constants = e.constants.iter().filter(|c| c.in_query).map(|c| {
        let (name, text) = (&c.wire_name, c.query_text());
        quote!((#name, #text))
    });
    let multipart = e.encoding == crate::ir::RequestEncoding::Multipart;
    let kind = rt::mock::RESPONSE_KIND.tokens();
    let response_kind = match &e.format {
        ResponseFormat::Json => quote!(#kind::Json),
        ResponseFormat::Bytes(bytes) => {
            let types = &bytes.content_types;
            quote!(#kind::Bytes(&[#(#types),*]))
        }
        ResponseFormat::JsonOrBytes(bytes) => {
            let types = &bytes.content_types;
            quote!(#kind::JsonOrBytes(&[#(#types),*]))
        }
    };
    let has_json = e.format.has_json();
    let example = match e.example_response.as_deref().filter(|_| has_json) {
        Some(example) => quote!(Some(#example)),
        None => quote!(None),
    };
    let response = to_ident(&e.response.rust_name);
    let round_trip = rt::mock::ROUND_TRIP.tokens();
    let round_trip = if has_json {
        quote!(Some(#round_trip::<#response>))
    } else {
        quote!(None)
    };
    let response_impl = has_json.then(|| {
        quote! {
            #[cfg(feature = "testing")]
            impl #mocked_response for #response {
                type Endpoint = #error;
            }
        }
    });
    quote! {
        #[cfg(feature = "testing")]
        impl #mocked_endpoint for #error {
            const ENDPOINT: #spec_ty = #spec_ty {
                operation: OPERATION,
                fields: &[#(#fields),*],
                flattened_keys: &[#(#flattened_keys),*],
                query_constants: &[#(#query_constants),*],
                multipart: #multipart,
                response: #response_kind,
                example: #example,
                round_trip: #round_trip,
            };
            fn errmsg(&self) -> &str {
                #error::errmsg(self)
            }
        }
        #response_impl
    }
}
