//! The client method of one endpoint, and the description of the endpoint it sends.

use super::docs;
use super::runtime::{self as rt, RuntimeType};
use crate::ident::to_ident;
use crate::ir::{
    Endpoint, FieldDef, FieldLocation, HttpMethod, Presence, RequestEncoding, ResponseFormat,
    TypeRef,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Where and how the endpoint is called, for the module's and the method's docs.
pub fn endpoint_overview(e: &Endpoint) -> String {
    let method = e.http_method.as_str();
    let mut text = format!("`{method} https://{}{}`", e.host, e.path);
    match &e.token {
        Some(token) => text.push_str(&format!(
            ", the token (`{}`) in query parameter `{}`.",
            token.kind, token.query_param
        )),
        None => text.push_str(", without a token."),
    }
    if e.encoding == RequestEncoding::Multipart {
        text.push_str(" The body is `multipart/form-data`.");
    }
    match &e.format {
        ResponseFormat::Json => {}
        ResponseFormat::Bytes(bytes) | ResponseFormat::JsonOrBytes(bytes) => {
            let what = if e.format.has_json() {
                "A successful answer is a JSON object or bytes"
            } else {
                "A successful answer is bytes"
            };
            text.push_str(&format!(" {what}"));
            if !bytes.content_types.is_empty() {
                let types: Vec<String> = bytes
                    .content_types
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect();
                text.push_str(&format!(" ({})", types.join(", ")));
            }
            match bytes.max_bytes {
                Some(max) => text.push_str(&format!(", of at most {max} bytes.")),
                None => text.push('.'),
            }
        }
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
        match third_party.permission_sets.as_slice() {
            [] => {}
            [set] => text.push_str(&format!(
                " The account must have granted the platform permission set {set}."
            )),
            [init @ .., last] => {
                let init: Vec<String> = init.iter().map(u32::to_string).collect();
                text.push_str(&format!(
                    " The account must have granted the platform one of the permission sets {} or {last}.",
                    init.join(", ")
                ));
            }
        }
    } else {
        text.push_str("A third-party platform cannot call this endpoint on an account's behalf.");
    }
    if !third_party.docs.is_empty() {
        text.push_str(&format!("\n\n{}", third_party.docs));
    }
    Some(text)
}

/// A rustdoc link to the endpoint's method, for the docs of the types in its module.
pub fn method_link(e: &Endpoint) -> String {
    format!("[`{m}`]({t}::{m})", m = e.method_name, t = e.call_trait)
}

/// The endpoint's call trait (the method and, for bytes, the method that streams them) and its
/// implementation for the runtime's client; `example` is the `# Example` section of the
/// method's docs, when there is one.
///
/// A trait, because the client is the runtime crate's type: the generated crate cannot add
/// inherent methods to it. Users bring every call into scope with the crate's prelude.
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
        "\n\n# Errors\n\n[`Error::Api`]({api}) with a [`{}`] when WeChat answers with a non-zero `errcode`; \
         the other [`Error`]({error}) variants when the call fails on the way (connection, timeout, HTTP status, \
         oversized or undecodable body, token source). A busy answer, a failed connect and a rejected token have \
         been retried first, as the client's [`RetryPolicy`]({retry}) and token source allow.",
        e.error.rust_name,
        api = rt::ERROR.doc_link(Some("Api")),
        error = rt::ERROR.doc_link(None),
        retry = rt::RETRY_POLICY.doc_link(None),
    ));
    if let Some(example) = example {
        text.push_str(&format!("\n\n{example}"));
    }
    let docs = docs::outer(&text);
    let operation = emit_operation(e);
    // An endpoint without parameters takes no argument; its (empty) request is built here.
    let takes_request = !e.request.fields.is_empty();
    let params = takes_request.then(|| quote!(request: #request_ty,));
    let request_value = if takes_request {
        quote!(&request)
    } else {
        quote!(&#request_ty {})
    };
    let (query, query_arg) = query_pairs(e);
    let (parts, body) = body(e, &request_value);
    let query = quote!(#query #parts);
    let error = rt::ERROR.tokens();
    let error = quote!(#error<#error_ty>);
    let (media, media_info, media_or) = (
        rt::MEDIA.tokens(),
        rt::MEDIA_INFO.tokens(),
        rt::MEDIA_OR.tokens(),
    );
    let (answer, call, stream) = match &e.format {
        ResponseFormat::Json => (quote!(#response_ty), rt::call::JSON, None),
        ResponseFormat::Bytes(_) => (
            media,
            rt::call::MEDIA,
            Some((media_info, rt::call::MEDIA_TO)),
        ),
        ResponseFormat::JsonOrBytes(_) => (
            quote!(#media_or<#response_ty>),
            rt::call::MEDIA_OR,
            Some((
                quote!(#media_or<#response_ty, #media_info>),
                rt::call::MEDIA_OR_TO,
            )),
        ),
    };
    let call = format_ident!("{call}");
    // The methods read the request's fields, deprecated ones too.
    let allow = super::model::allow_deprecated(&e.request);
    let deprecated = e.deprecated.as_deref().map(super::deprecated);
    let sink = rt::MEDIA_SINK.tokens();
    let streaming = stream.map(|(answer, call)| {
        let call = format_ident!("{call}");
        let name = format_ident!("{}_to_writer", e.method_name.trim_start_matches("r#"));
        let docs = docs::outer(&format!(
            "Like [`{m}`](Self::{m}), but writes the file to `writer` as it arrives instead of \
             holding it, and returns what it was (its type, name and length). For large files.\n\n\
             A call that fails once bytes were written is not sent again (the writer holds part of \
             the file): start over with a fresh writer.",
            m = e.method_name
        ));
        let declaration = quote! {
            #docs
            #deprecated
            fn #name<W: #sink + ?Sized>(
                &self,
                #params
                writer: &mut W,
            ) -> impl ::core::future::Future<Output = Result<#answer, #error>> + ::core::marker::Send;
        };
        let implementation = quote! {
            #allow
            async fn #name<W: #sink + ?Sized>(
                &self,
                #params
                writer: &mut W,
            ) -> Result<#answer, #error> {
                #query
                self.#call(&OPERATION, #query_arg, #body, writer).await
            }
        };
        (declaration, implementation)
    });
    let (stream_declaration, stream_implementation) = streaming.unzip();
    let trait_name = to_ident(&e.call_trait);
    let trait_docs = docs::outer(&format!(
        "The call of `{wire}`: [`{m}`](Self::{m}), a method of the [`Client`]({client}) \
         wherever this trait is in scope (the crate's `prelude` brings every call).",
        wire = e.wire_name,
        m = e.method_name,
        client = rt::CLIENT.doc_link(None),
    ));
    let client = rt::CLIENT.tokens();
    quote! {
        #operation

        // The method is deprecated, not the trait: the prelude names every trait.
        #trait_docs
        pub trait #trait_name {
            #docs
            #deprecated
            fn #method(&self, #params) -> impl ::core::future::Future<Output = Result<#answer, #error>> + ::core::marker::Send;

            #stream_declaration
        }

        #allow
        impl #trait_name for #client {
            async fn #method(&self, #params) -> Result<#answer, #error> {
                #query
                self.#call(&OPERATION, #query_arg, #body).await
            }

            #stream_implementation
        }
    }
}

/// The `const` the client reads the endpoint from.
fn emit_operation(e: &Endpoint) -> TokenStream {
    let docs = docs::outer(&format!(
        "How [`{m}`]({t}::{m}) reaches the endpoint.",
        m = e.method_name,
        t = e.call_trait,
    ));
    let wire_name = &e.wire_name;
    let host = &e.host;
    let path = &e.path;
    let http_method = match e.http_method {
        HttpMethod::Get => member(rt::HTTP_METHOD, "Get"),
        HttpMethod::Post => member(rt::HTTP_METHOD, "Post"),
    };
    let token = match &e.token {
        Some(token) => {
            // By name: the constant a user writes (`TokenKind::COMPONENT_ACCESS_TOKEN`) is in
            // scope only through a trait of the shared module.
            let (token_use, declared) =
                (rt::TOKEN_USE.tokens(), member(rt::TOKEN_KIND, "declared"));
            let (kind, param) = (&token.kind, &token.query_param);
            quote!(Some(#token_use { kind: #declared(#kind), query_param: #param }))
        }
        None => quote!(None),
    };
    let operation_ty = rt::OPERATION.tokens();
    let secrets = &e.secret_fields;
    // Body constants travel as JSON text, spliced into the body (or a text part) as written.
    let constants = e.constants.iter().filter(|c| !c.in_query).map(|c| {
        let (name, value) = (&c.wire_name, c.value.to_string());
        quote!((#name, #value))
    });
    let max_media_bytes = match e.format.bytes().and_then(|bytes| bytes.max_bytes) {
        Some(max) => quote!(Some(#max)),
        None => quote!(None),
    };
    quote! {
        #docs
        const OPERATION: #operation_ty = #operation_ty {
            name: #wire_name,
            method: #http_method,
            host: #host,
            path: #path,
            token: #token,
            secrets: &[#(#secrets),*],
            body_constants: &[#(#constants),*],
            max_media_bytes: #max_media_bytes,
        };
    }
}

/// The body as the runtime sends it: nothing for a GET, the request as JSON, or its parts. The
/// statements that build the parts, and the expression to pass.
fn body(e: &Endpoint, request: &TokenStream) -> (TokenStream, TokenStream) {
    let (body_ty, part_ty) = (rt::BODY.tokens(), rt::PART.tokens());
    if e.http_method == HttpMethod::Get {
        return (quote!(), quote!(#body_ty::Empty));
    }
    if e.encoding == RequestEncoding::Json {
        return (quote!(), quote!(#body_ty::json(#request)));
    }
    let body_fields: Vec<&FieldDef> = e
        .request
        .fields
        .iter()
        .filter(|f| f.location == FieldLocation::Part)
        .collect();
    // `value` is the field (`request.x`), or a reference to its value (`value`, when optional).
    let part = |f: &FieldDef, value: TokenStream, is_ref: bool| {
        let wire = &f.wire_name;
        let (reference, copy) = if is_ref {
            (value.clone(), quote!(*#value))
        } else {
            (quote!(&#value), value.clone())
        };
        match &f.ty {
            TypeRef::File => quote!(#part_ty::file(#wire, #reference)),
            TypeRef::Secret => quote!(#part_ty::secret(#wire, #reference)),
            TypeRef::Flag => quote!(#part_ty::text(#wire, u8::from(#copy).to_string())),
            TypeRef::String => quote!(#part_ty::text(#wire, #value.clone())),
            TypeRef::Integer | TypeRef::Number | TypeRef::Boolean => {
                quote!(#part_ty::text(#wire, #value.to_string()))
            }
            // Objects, lists, maps and enums travel as their JSON text.
            TypeRef::Named { .. } | TypeRef::Array(_) | TypeRef::Map(_) => {
                quote!(#part_ty::json(#wire, #reference))
            }
        }
    };
    let (optional, always): (Vec<&FieldDef>, Vec<&FieldDef>) = body_fields
        .iter()
        .partition(|f| f.presence == Presence::Optional);
    let always: Vec<TokenStream> = always
        .iter()
        .map(|f| {
            let name = to_ident(&f.rust_name);
            part(f, quote!(request.#name), false)
        })
        .collect();
    let pushes: Vec<TokenStream> = optional
        .iter()
        .map(|f| {
            let name = to_ident(&f.rust_name);
            let part = part(f, quote!(value), true);
            quote! {
                if let Some(value) = &request.#name {
                    parts.push(#part);
                }
            }
        })
        .collect();
    let (binding, start) = match (always.is_empty(), pushes.is_empty()) {
        (true, true) => (quote!(let parts), quote!(Vec::new())),
        (true, false) => (quote!(let mut parts), quote!(Vec::new())),
        (false, true) => (quote!(let parts), quote!(Vec::from([#(#always),*]))),
        (false, false) => (quote!(let mut parts), quote!(Vec::from([#(#always),*]))),
    };
    (
        quote! {
            #binding: Vec<#part_ty> = #start;
            #(#pushes)*
        },
        quote!(#body_ty::multipart(parts)),
    )
}

/// The statements that build `query`, and the expression to pass: the request's query fields
/// as text, absent optional ones left out, and the constants. Required pairs start the list
/// (clippy flags pushes right after `Vec::new()`, and `prettyplease` cannot format what is
/// inside a `vec![…]`); optional ones are pushed when present.
fn query_pairs(e: &Endpoint) -> (TokenStream, TokenStream) {
    let query_text = rt::QUERY_TEXT.tokens();
    let fields: Vec<_> = e
        .request
        .fields
        .iter()
        .filter(|f| f.location == FieldLocation::Query)
        .collect();
    let constants: Vec<TokenStream> = e
        .constants
        .iter()
        .filter(|c| c.in_query)
        .map(|c| {
            let (name, text) = (&c.wire_name, c.query_text());
            quote!((#name, #text.to_owned()))
        })
        .collect();
    if fields.is_empty() && constants.is_empty() {
        return (quote!(), quote!(&[]));
    }
    let text = |f: &FieldDef, value: TokenStream| match f.ty {
        TypeRef::Flag => quote!(u8::from(#value).to_string()),
        TypeRef::Secret => quote!(#value.expose_secret().to_owned()),
        TypeRef::Named { .. } => quote!(#query_text(&#value)),
        _ => quote!(#value.to_string()),
    };
    let (optional, required): (Vec<&FieldDef>, Vec<&FieldDef>) = fields
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
            let value = match f.ty {
                TypeRef::Flag => text(f, quote!(*value)),
                // `value` is already a reference.
                TypeRef::Named { .. } => quote!(#query_text(value)),
                _ => text(f, quote!(value)),
            };
            quote! {
                if let Some(value) = &request.#name {
                    query.push((#wire, #value));
                }
            }
        })
        .collect();
    let pairs: Vec<TokenStream> = constants.into_iter().chain(required).collect();
    let binding = if pushes.is_empty() {
        quote!(let query)
    } else {
        quote!(let mut query)
    };
    let start = if pairs.is_empty() {
        quote!(Vec::new())
    } else {
        quote!(Vec::from([#(#pairs),*]))
    };
    (
        quote! {
            #binding: Vec<(&'static str, String)> = #start;
            #(#pushes)*
        },
        quote!(&query),
    )
}

/// A member of a runtime item: a variant, an associated function.
fn member(item: RuntimeType, name: &str) -> TokenStream {
    let item = item.tokens();
    let name = format_ident!("{name}");
    quote!(#item::#name)
}
