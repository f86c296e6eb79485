//! The test of an endpoint's documented example response, emitted beside the endpoint.

use crate::ir::Endpoint;
use proc_macro2::TokenStream;
use quote::quote;

/// A `#[cfg(test)]` module that decodes the example into the typed response and checks that
/// re-encoding it gives back every field it had (less the `errcode`/`errmsg` envelope), so an
/// example field the spec forgot fails the test instead of vanishing. (A number and a string of
/// the same digits count as the same: a lenient field re-encodes in its documented type.)
pub fn emit_example_test(e: &Endpoint, json: &str) -> TokenStream {
    let response = crate::ident::to_ident(&e.response.rust_name);
    let example = raw_string(json);
    let assert_same_json = super::runtime::testing::ASSERT_SAME_JSON.tokens();
    quote! {
        #[cfg(test)]
        mod tests {
            /// The example response from the spec, verbatim.
            const EXAMPLE_RESPONSE: &str = #example;

            #[test]
            fn example_response_decodes_and_round_trips() {
                let decoded: super::#response = serde_json::from_str(EXAMPLE_RESPONSE).expect("the example decodes");
                let mut expected: serde_json::Value = serde_json::from_str(EXAMPLE_RESPONSE).expect("the example is JSON");
                if let Some(object) = expected.as_object_mut() {
                    object.remove("errcode");
                    object.remove("errmsg");
                }
                let encoded = serde_json::to_value(&decoded).expect("the response encodes");
                #assert_same_json(&encoded, &expected);
            }
        }
    }
}

/// `r#"…"#` with enough `#` that the text cannot end it early: JSON stays readable.
fn raw_string(text: &str) -> TokenStream {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    let literal = format!("r{hashes}\"{text}\"{hashes}");
    literal.parse().unwrap_or_else(|_| {
        let plain = proc_macro2::Literal::string(text);
        quote!(#plain)
    })
}
