//! Doc comments: spec text to `#[doc]` attributes, which prettyplease prints as `///` lines.

use proc_macro2::TokenStream;
use quote::quote;

/// Outer docs (`///`) for the item that follows.
pub fn outer(text: &str) -> TokenStream {
    let lines = lines(text);
    quote! { #(#[doc = #lines])* }
}

/// Inner docs (`//!`) for the enclosing module.
pub fn inner(text: &str) -> TokenStream {
    let lines = lines(text);
    quote! { #(#![doc = #lines])* }
}

/// One attribute per line, each with the leading space rustdoc strips, blank lines kept empty.
fn lines(text: &str) -> Vec<String> {
    text.trim_end()
        .lines()
        .map(|line| {
            if line.trim().is_empty() {
                String::new()
            } else {
                format!(" {}", line.trim_end())
            }
        })
        .collect()
}
