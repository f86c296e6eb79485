//! The test of an endpoint's documented example response, emitted beside the endpoint.

use crate::ir::Endpoint;
use proc_macro2::TokenStream;
use quote::quote;

/// A `#[cfg(test)]` module that decodes the example into the typed response strictly: every
/// key of every object must be a field of its type, so an example field the spec forgot fails
/// the test instead of vanishing.
pub fn emit_example_test(e: &Endpoint, json: &str) -> TokenStream {
    let response = crate::ident::to_ident(&e.response.rust_name);
    let example = raw_string(json);
    let assert_decodes = super::runtime::testing::ASSERT_DECODES_STRICTLY.tokens();
    quote! {
        #[cfg(test)]
        mod tests {
            /// The example response from the spec, verbatim.
            const EXAMPLE_RESPONSE: &str = #example;

            #[test]
            fn example_response_decodes_with_every_field_known() {
                #assert_decodes::<super::#response>(EXAMPLE_RESPONSE);
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
