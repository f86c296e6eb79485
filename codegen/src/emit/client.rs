//! The client method of one endpoint, and the description of the endpoint it sends.

use super::docs;
use crate::ident::to_ident;
use crate::ir::{Endpoint, HttpMethod, Presence, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

/// Where and how the endpoint is called, for the module's and the method's docs.
pub fn endpoint_overview(e: &Endpoint) -> String {
    let method = match e.http_method {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
    };
    let mut text = format!("`{method} https://{}{}`", e.host, e.path);
    match &e.token {
        Some(token) => text.push_str(&format!(
            ", the token (`{}`) in query parameter `{}`.",
            token.kind, token.query_param
        )),
        None => text.push_str(", without a token."),
    }
    if let Some(url) = &e.doc_url {
        text.push_str(&format!(" See the [official documentation]({url})."));
    }
    text
}

/// The third-party platform section of the method's docs.
fn third_party_docs(e: &Endpoint) -> Option<String> {
    let third_party = e.third_party.as_ref()?;
    let mut text = String::from("# Third-party platforms\n\n");
    if third_party.allowed {
        text.push_str("A third-party platform may call this endpoint on behalf of an account that authorized it: build the client with the account's `authorizer_access_token` as its token; the call is otherwise the same.");
        if let Some(set) = third_party.permission_set {
            text.push_str(&format!(
                " The account must have granted the platform permission set {set}."
            ));
        }
    } else {
        text.push_str("A third-party platform cannot call this endpoint on an account's behalf.");
    }
    if !third_party.docs.is_empty() {
        text.push_str(&format!("\n\n{}", third_party.docs));
    }
    Some(text)
}

/// The method; `example` is the `# Example` section of its docs, when there is one.
pub fn emit_method(e: &Endpoint, example: Option<String>) -> TokenStream {
    let method = to_ident(&e.method_name);
    let request_ty = to_ident(&e.request.rust_name);
    let response_ty = to_ident(&e.response.rust_name);
    let error_ty = to_ident(&e.error.rust_name);
    let mut text = e.summary.clone();
    if !e.docs.is_empty() {
        text.push_str(&format!("\n\n{}", e.docs));
    }
    text.push_str(&format!("\n\n{}", endpoint_overview(e)));
    if let Some(third_party) = third_party_docs(e) {
        text.push_str(&format!("\n\n{third_party}"));
    }
    text.push_str(&format!(
        "\n\n# Errors\n\n[`Error::Api`](crate::Error::Api) with a [`{}`] when WeChat answers with a non-zero `errcode`; \
         the other [`Error`](crate::Error) variants when the call fails on the way (connection, timeout, HTTP status, \
         oversized or undecodable body, token source). A busy answer, a failed connect and a rejected token have \
         been retried first, as the client's [`RetryPolicy`](crate::RetryPolicy) and token source allow.",
        e.error.rust_name
    ));
    if let Some(example) = example {
        text.push_str(&format!("\n\n{example}"));
    }
    let docs = docs::outer(&text);
    let operation_docs = docs::outer(&format!(
        "How [`Client::{m}`](crate::Client::{m}) reaches the endpoint.",
        m = e.method_name
    ));
    let wire_name = &e.wire_name;
    let host = &e.host;
    let path = &e.path;
    let http_method = match e.http_method {
        HttpMethod::Get => quote!(crate::runtime::HttpMethod::Get),
        HttpMethod::Post => quote!(crate::runtime::HttpMethod::Post),
    };
    let token_query = match &e.token {
        Some(token) => {
            let param = &token.query_param;
            quote!(Some(#param))
        }
        None => quote!(None),
    };
    // An endpoint without parameters takes no argument; its (empty) request is built here.
    let takes_request = !e.request.fields.is_empty();
    let (params, request_value) = if takes_request {
        (quote!(request: #request_ty), quote!(&request))
    } else {
        (quote!(), quote!(&#request_ty {}))
    };
    let (query, query_arg) = query_pairs(e);
    let secrets = &e.secret_fields;
    let body = match e.http_method {
        HttpMethod::Post => quote!(Some(#request_value)),
        HttpMethod::Get => quote!(None::<&#request_ty>),
    };
    quote! {
        #operation_docs
        const OPERATION: crate::runtime::Operation = crate::runtime::Operation {
            name: #wire_name,
            method: #http_method,
            host: #host,
            path: #path,
            token_query: #token_query,
            secrets: &[#(#secrets),*],
        };

        impl crate::Client {
            #docs
            pub async fn #method(&self, #params) -> Result<#response_ty, crate::Error<#error_ty>> {
                #query
                self.call(&OPERATION, #query_arg, #body).await
            }
        }
    }
}

/// The statements that build `query`, and the expression to pass: the request's query fields
/// as text, absent optional ones left out. Required pairs go in `vec![…]` (clippy flags pushes
/// right after `Vec::new()`); optional ones are pushed when present.
fn query_pairs(e: &Endpoint) -> (TokenStream, TokenStream) {
    let fields: Vec<_> = e
        .request
        .fields
        .iter()
        .filter(|f| e.query_fields.contains(&f.rust_name))
        .collect();
    if fields.is_empty() {
        return (quote!(), quote!(&[]));
    }
    let text = |f: &crate::ir::FieldDef, value: TokenStream| match f.ty {
        TypeRef::Flag => quote!(u8::from(#value).to_string()),
        TypeRef::Secret => quote!(#value.expose_secret().to_owned()),
        _ => quote!(#value.to_string()),
    };
    let (optional, required): (Vec<&crate::ir::FieldDef>, Vec<&crate::ir::FieldDef>) = fields
        .iter()
        .partition(|f| f.presence == Presence::Optional);
    let required = required.iter().map(|f| {
        let name = to_ident(&f.rust_name);
        let wire = &f.wire_name;
        let value = text(f, quote!(request.#name));
        quote!((#wire, #value))
    });
    let pushes: Vec<_> = optional
        .iter()
        .map(|f| {
            let name = to_ident(&f.rust_name);
            let wire = &f.wire_name;
            let value = if f.ty == TypeRef::Flag {
                text(f, quote!(*value))
            } else {
                text(f, quote!(value))
            };
            quote! {
                if let Some(value) = &request.#name {
                    query.push((#wire, #value));
                }
            }
        })
        .collect();
    let binding = if pushes.is_empty() {
        quote!(let query)
    } else {
        quote!(let mut query)
    };
    (
        quote! {
            #binding: Vec<(&'static str, String)> = vec![#(#required),*];
            #(#pushes)*
        },
        quote!(&query),
    )
}
