//! Lowering an endpoint: its request and response types, its error enum, its example.

use super::registry::check_pascal;
use super::{Cx, builder, docs_or, fields};
use crate::ident::{self, Namespace};
use crate::ir::{
    BytesDef, ConstField, Endpoint, ErrorEnum, ErrorSetEnum, ErrorVariant, FieldLocation,
    HttpMethod, IncludedSet, RequestEncoding, ResponseFormat, StructDef, ThirdParty, Token,
    TypeRef,
};
use crate::spec::{self, EndpointSpec, ErrorCodeSpec, ErrorSetSpec, PermissionSets};
use crate::suggest;
use std::collections::BTreeMap;

pub fn lower(cx: &mut Cx<'_>, e: &EndpointSpec) -> Option<Endpoint> {
    // The registry reports a bad operation name; the rest is still checked under a stand-in
    // name, so one run shows every problem, and no endpoint comes out of it.
    let valid_name = ident::snake(&e.operation)
        .ok()
        .filter(|m| *m == e.operation);
    let method_name = valid_name
        .clone()
        .unwrap_or_else(|| "invalid_operation".to_owned());
    let type_prefix = ident::pascal(&method_name).unwrap_or_default();
    check_address(cx, e);
    check_review_aids(cx, e);
    let http_method = match e.method {
        spec::HttpMethod::Get => HttpMethod::Get,
        spec::HttpMethod::Post => HttpMethod::Post,
    };
    let token = lower_token(cx, e);
    let third_party = e.third_party.as_ref().map(|t| lower_third_party(cx, t));
    let (request, constants) = lower_request(cx, e, &type_prefix);
    let format = lower_format(cx, e);
    // Without docs of its own, the emitters describe the response by the method it answers.
    let response_docs = docs_or(e.response.docs.as_deref(), "");
    let response = fields::lower_struct(
        cx,
        format!("{type_prefix}Response"),
        response_docs,
        &e.response.fields,
        "endpoint.response.fields",
    );
    let error = lower_errors(cx, e, format!("{type_prefix}Error"));
    let example_response = lower_example(cx, e);
    valid_name?;
    Some(Endpoint {
        wire_name: e.name.clone(),
        call_trait: type_prefix,
        method_name,
        summary: e.summary.trim().to_owned(),
        docs: e
            .docs
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned(),
        doc_url: e.doc_url.clone(),
        http_method,
        host: e.host.clone(),
        path: e.path.clone(),
        token: token?,
        third_party,
        request_builder: builder::lower(cx.registry, request.as_ref()?),
        request: request?,
        encoding: match e.request.encoding {
            spec::RequestEncoding::Json => RequestEncoding::Json,
            spec::RequestEncoding::Multipart => RequestEncoding::Multipart,
        },
        constants: constants?,
        format: format?,
        response: response?,
        error: error?,
        example_response,
        // Filled in by `secrets::mark_secret_fields`, once every module's types are known.
        secret_fields: Vec::new(),
        deprecated: super::fields::deprecation(e.deprecated.as_deref()),
    })
}

/// What a reviewer needs to check a spec against its source, and what tests it on the wire.
fn check_review_aids(cx: &mut Cx<'_>, e: &EndpointSpec) {
    if e.example.is_none() && e.response.format != spec::ResponseFormat::Bytes {
        cx.warn(
            "endpoint.name",
            format!("endpoint `{}` has no example response", e.name),
            "paste the documented response body under `example: {response: …}`; a generated test decodes it",
        );
    }
    if e.doc_url.as_deref().is_none_or(|url| url.trim().is_empty()) {
        cx.warn(
            "endpoint.name",
            format!("endpoint `{}` has no `doc_url`", e.name),
            "add `doc_url:` with the official documentation page, so reviewers can check the spec",
        );
    }
}

fn check_address(cx: &mut Cx<'_>, e: &EndpointSpec) {
    if e.host.is_empty() || e.host.contains(['/', ':', ' ']) {
        cx.error(
            "endpoint.host",
            format!("`{}` is not a host name", e.host),
            "write the host alone, e.g. `api.weixin.qq.com` (no scheme, no path)",
        );
    }
    if !e.path.starts_with('/') || e.path.contains(['?', '#', ' ']) {
        cx.error("endpoint.path", format!("`{}` is not a path", e.path), "write the path from its leading `/`, without a query, e.g. `/cgi-bin/wxopen/wxamplinkget`");
    }
}

/// The token: a declared kind, carried in the endpoint's query parameter or the kind's own.
/// `Some(None)` for an endpoint without a token; `None` when the token is broken.
fn lower_token(cx: &mut Cx<'_>, e: &EndpointSpec) -> Option<Option<Token>> {
    let Some(token) = &e.token else {
        return Some(None);
    };
    let Some(kind) = cx.registry.token_kind(&token.kind) else {
        let known: Vec<&str> = cx.registry.token_kinds().map(|(name, _)| name).collect();
        let declared = if known.is_empty() {
            "none is declared yet".to_owned()
        } else {
            format!("declared: {}", known.join(", "))
        };
        cx.unknown_name(
            "endpoint.token.kind",
            format!("unknown token kind `{}`", token.kind),
            format!(
                "{}use a kind declared under `token_kinds:` in a shared spec file ({declared})",
                suggest::did_you_mean(&token.kind, known.iter().copied())
            ),
        );
        return None;
    };
    let query_param = token
        .query_param
        .clone()
        .unwrap_or_else(|| kind.query_param.clone());
    if query_param.trim().is_empty() {
        cx.error(
            "endpoint.token.query_param",
            "the token's query parameter is empty",
            "write the parameter's name, or leave `query_param` out to use the kind's own",
        );
        return None;
    }
    Some(Some(Token {
        kind: token.kind.clone(),
        const_name: kind.const_name.clone(),
        query_param,
    }))
}

fn lower_third_party(cx: &mut Cx<'_>, t: &spec::ThirdPartySpec) -> ThirdParty {
    let permission_sets = match &t.permission_set {
        None => Vec::new(),
        Some(PermissionSets::One(set)) => vec![*set],
        Some(PermissionSets::Any(sets)) => {
            if sets.is_empty() {
                cx.error(
                    "endpoint.third_party.permission_set",
                    "the list of permission sets is empty",
                    "list the sets the documentation names, or remove `permission_set:`",
                );
            }
            let mut sorted = sets.clone();
            sorted.sort_unstable();
            sorted.dedup();
            sorted
        }
    };
    ThirdParty {
        allowed: t.allowed,
        permission_sets,
        docs: t
            .docs
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned(),
    }
}

/// A constant is not a field of the request, but travels beside them: its wire name must not be
/// another field's or constant's, nor, in the query, the token's parameter.
fn check_wire_names(
    cx: &mut Cx<'_>,
    e: &EndpointSpec,
    constants: &[(String, &spec::FieldSpec, bool)],
    fields: &[(String, &spec::FieldSpec, bool)],
) {
    let token_param = e.token.as_ref().and_then(|token| {
        token.query_param.clone().or_else(|| {
            cx.registry
                .token_kind(&token.kind)
                .map(|kind| kind.query_param.clone())
        })
    });
    let mut seen: Vec<(String, bool, String)> = fields
        .iter()
        .map(|(at, f, query)| (f.name.clone(), *query, at.clone()))
        .collect();
    for (at, field, query) in constants {
        let first = seen
            .iter()
            .find(|(name, in_query, _)| *name == field.name && *in_query == *query)
            .map(|(_, _, first)| format!("{first}.name"));
        match first {
            Some(first) => cx.error_also_at(
                format!("{at}.name"),
                format!("wire name `{}` is listed twice", field.name),
                "remove one of them",
                (first, "first listed here"),
            ),
            None => seen.push((field.name.clone(), *query, at.clone())),
        }
    }
    if let Some(param) = token_param {
        for (name, _, at) in seen
            .iter()
            .filter(|(name, query, _)| *query && *name == param)
        {
            cx.error(
                format!("{at}.name"),
                format!("query parameter `{name}` is the token's parameter"),
                "remove it: the client sends the token there",
            );
        }
    }
}

/// What a successful answer is, with the checks that tie `format`, `bytes`, `fields` and the
/// example together.
fn lower_format(cx: &mut Cx<'_>, e: &EndpointSpec) -> Option<ResponseFormat> {
    let response = &e.response;
    let bytes = response.bytes.as_ref().map(|bytes| BytesDef {
        content_types: bytes.content_types.clone(),
        max_bytes: bytes.max_bytes,
    });
    let mut broken = false;
    if let Some(spec) = &response.bytes {
        for (index, content_type) in spec.content_types.iter().enumerate() {
            let valid = content_type.split_once('/').is_some_and(|(kind, sub)| {
                !kind.is_empty() && !sub.is_empty() && !content_type.contains([' ', ';', ','])
            });
            if !valid {
                cx.error(
                    format!("endpoint.response.bytes.content_types[{index}]"),
                    format!("`{content_type}` is not a content type"),
                    "write a type and subtype, e.g. `image/jpeg`",
                );
                broken = true;
            }
        }
        if spec.max_bytes == Some(0) {
            cx.error(
                "endpoint.response.bytes.max_bytes",
                "`max_bytes` is 0",
                "write the largest file the documentation allows, in bytes, or leave it out",
            );
            broken = true;
        }
    }
    let format = match response.format {
        spec::ResponseFormat::Json => {
            if response.bytes.is_some() {
                cx.error(
                    "endpoint.response.bytes",
                    "`bytes:` describes the bytes of a `bytes` or `json_or_bytes` response",
                    "add `format: bytes` (or `json_or_bytes`), or remove `bytes:`",
                );
                broken = true;
            }
            ResponseFormat::Json
        }
        spec::ResponseFormat::Bytes => {
            if !response.fields.is_empty() {
                cx.error(
                    "endpoint.response.fields",
                    "a `bytes` response has no fields: its success is the bytes",
                    "remove `fields:`, or use `format: json_or_bytes` if some answers are a JSON object",
                );
                broken = true;
            }
            if e.example.is_some() {
                cx.error(
                    "endpoint.example",
                    "a `bytes` response has no JSON example",
                    "remove `example:`; the errors are checked from the error table",
                );
                broken = true;
            }
            ResponseFormat::Bytes(bytes.unwrap_or_default())
        }
        spec::ResponseFormat::JsonOrBytes => {
            if response.fields.is_empty() {
                cx.error(
                    "endpoint.response.format",
                    "a `json_or_bytes` response needs the fields of its JSON answer",
                    "list them under `fields:`, or use `format: bytes` if every success is bytes",
                );
                broken = true;
            }
            ResponseFormat::JsonOrBytes(bytes.unwrap_or_default())
        }
    };
    (!broken).then_some(format)
}

/// One request struct holds the query parameters and the body fields; the query ones are
/// listed apart so the client sends them in the URL. Constants are not fields: they come back
/// on their own.
fn lower_request(
    cx: &mut Cx<'_>,
    e: &EndpointSpec,
    type_prefix: &str,
) -> (Option<StructDef>, Option<Vec<ConstField>>) {
    let multipart = e.request.encoding == spec::RequestEncoding::Multipart;
    if e.method == spec::HttpMethod::Get && !e.request.body.is_empty() {
        cx.error(
            "endpoint.request.body",
            "a GET endpoint cannot have body fields",
            "move them to `request.query`, or use `method: POST`",
        );
    }
    if e.method == spec::HttpMethod::Get && multipart {
        cx.error(
            "endpoint.request.encoding",
            "a GET endpoint sends no body, so it has no encoding",
            "remove `encoding:`, or use `method: POST`",
        );
    }
    // The emitters describe the request by the method that takes it.
    let docs = String::new();
    let query = e
        .request
        .query
        .iter()
        .enumerate()
        .map(|(i, f)| (format!("endpoint.request.query[{i}]"), f, true));
    let body = e
        .request
        .body
        .iter()
        .enumerate()
        .map(|(i, f)| (format!("endpoint.request.body[{i}]"), f, false));
    let (constant, all): (Vec<_>, Vec<_>) = query
        .chain(body)
        .partition(|(_, f, _)| f.constant.is_some());
    check_wire_names(cx, e, &constant, &all);
    for (at, field, query) in &all {
        // A flattened union spreads its keys over a JSON object; a query string or a multipart
        // form has no object to spread them over.
        if field.flatten && (*query || multipart) {
            cx.error(
                format!("{at}.flatten"),
                if *query {
                    "a query parameter cannot be flattened"
                } else {
                    "a multipart part cannot be flattened: the union goes as one JSON part"
                },
                "remove `flatten:`",
            );
        }
        if field.lenient {
            cx.error(
                format!("{at}.lenient"),
                "`lenient` is about reading answers, and a request field is only sent",
                "remove `lenient:`",
            );
        }
    }
    let constants = fields::lower_constants(cx, &constant);
    let located: Vec<(String, &spec::FieldSpec)> =
        all.iter().map(|(at, f, _)| (at.clone(), *f)).collect();
    let mut request =
        fields::lower_located_struct(cx, format!("{type_prefix}Request"), docs, &located);
    if let Some(request) = &mut request {
        for (field, (_, _, query)) in request.fields.iter_mut().zip(&all) {
            field.location = match (*query, multipart) {
                (true, _) => FieldLocation::Query,
                (false, true) => FieldLocation::Part,
                (false, false) => FieldLocation::Json,
            };
        }
    }
    if let Some(request) = &request {
        for (field, (at, _, query)) in request.fields.iter().zip(&all) {
            // Each field has a setter on the request's builder, beside the builder's `build()`.
            if field.rust_name == "build" {
                cx.error(
                    format!("{at}.name"),
                    "a request field's Rust name cannot be `build`: the request builder's `build()` has it",
                    "keep the wire name and add `rust_name:` with another name, e.g. `rust_name: build_number`",
                );
            }
            let file = field.ty.element() == &TypeRef::File;
            if *query {
                if !fields::is_query_type(cx.registry, &field.ty) {
                    cx.error(
                        format!("{at}.type"),
                        "a query parameter must be a string, secret, integer, number, boolean, flag or enum",
                        "send structured values in `request.body`",
                    );
                }
            } else if file && !multipart {
                cx.error(
                    format!("{at}.type"),
                    "a `file` field is a part of a multipart body, and this body is JSON",
                    "add `encoding: multipart` under `request:` (WeChat's uploads take `multipart/form-data`)",
                );
            } else if file && field.ty != TypeRef::File {
                cx.error(
                    format!("{at}.type"),
                    "a `file` field holds one file, not a list or map of them",
                    "write `type: file`",
                );
            }
        }
    }
    (request, constants)
}

fn lower_errors(cx: &mut Cx<'_>, e: &EndpointSpec, rust_name: String) -> Option<ErrorEnum> {
    let mut variants = Vec::new();
    let mut broken = false;
    // Where each code was first seen: its spec path, and the set it came from.
    let mut codes: BTreeMap<i64, (String, Option<String>)> = BTreeMap::new();
    let mut names = Namespace::default();
    let _ = names.claim(
        "Undocumented",
        "the fallback variant `Undocumented` for codes no table lists",
    );
    let own = e
        .errors
        .codes
        .iter()
        .enumerate()
        .map(|(i, code)| (format!("endpoint.errors.codes[{i}]"), code, None));
    let mut included = Vec::new();
    let mut sets = Vec::new();
    for (index, set_name) in e.errors.include.iter().enumerate() {
        let at = format!("endpoint.errors.include[{index}]");
        match cx.registry.error_set(set_name) {
            // A set without codes adds no code, and has no enum to wrap.
            Some(set) if set.codes.is_empty() => {}
            Some(set) => {
                included.extend(
                    set.codes
                        .iter()
                        .map(|code| (at.clone(), code, Some(set_name.clone()))),
                );
                let (variant, enum_name, module) = (
                    set.variant.clone(),
                    set.enum_name.clone(),
                    set.module.clone(),
                );
                // The set's codes are variants of its own enum; only its wrapping variant is
                // a name of the endpoint's enum.
                if let Err(earlier) = names.claim(&variant, format!("error set `{set_name}`")) {
                    cx.error(
                        at.clone(),
                        format!("variant `{variant}` of error set `{set_name}` is already taken by {earlier}"),
                        "include each set once",
                    );
                    broken = true;
                }
                if !fields::check_group(cx, &enum_name, &module, &at) {
                    broken = true;
                }
                sets.push(IncludedSet {
                    name: set_name.clone(),
                    variant,
                    enum_name,
                    module,
                });
            }
            None => {
                let known: Vec<&str> = cx.registry.error_set_names().collect();
                cx.unknown_name(
                    format!("endpoint.errors.include[{index}]"),
                    format!("unknown error set `{set_name}`"),
                    format!(
                        "{}use one of the sets defined under `error_sets:` ({})",
                        suggest::did_you_mean(set_name, known.iter().copied()),
                        known.join(", ")
                    ),
                );
                broken = true;
            }
        }
    }
    let all: Vec<(String, &ErrorCodeSpec, Option<String>)> = own.chain(included).collect();
    for (at, code, from_set) in all {
        let origin = match &from_set {
            Some(set) => format!("error set `{set}`"),
            None => "this endpoint's codes".to_owned(),
        };
        if code.code == 0 {
            if from_set.is_none() {
                cx.error(
                    format!("{at}.code"),
                    "code 0 means success and is not an error",
                    "remove this entry",
                );
            }
            broken = true;
            continue;
        }
        if let Some((first_at, first_set)) = codes.get(&code.code) {
            // Own codes come first, so `first_set` is `None` unless both come from sets.
            let (message, help) = match (first_set, &from_set) {
                (None, None) => (
                    format!("code {} is listed twice", code.code),
                    "remove one of them",
                ),
                (None, Some(set)) => (
                    format!(
                        "code {} is in this endpoint's codes and in error set `{set}`",
                        code.code
                    ),
                    "list each code once: remove it from the endpoint's codes, or do not include the set",
                ),
                (Some(first), _) => (
                    format!(
                        "code {} is in both error set `{first}` and {origin}",
                        code.code
                    ),
                    "include only one of the sets, or remove the code from one of them",
                ),
            };
            let here = if from_set.is_some() {
                at
            } else {
                format!("{at}.code")
            };
            let first_label = match (first_set, &from_set) {
                (Some(_), _) => "the set that also has it",
                (None, Some(_)) => "also listed here",
                (None, None) => "first listed here",
            };
            let first_at = first_at.clone();
            cx.error_also_at(here, message, help, (first_at, first_label));
            broken = true;
            continue;
        }
        let first_at = if from_set.is_some() {
            at.clone()
        } else {
            format!("{at}.code")
        };
        codes.insert(code.code, (first_at, from_set.clone()));
        let variant = match check_pascal(&code.name) {
            Ok(name) => name,
            Err((message, help)) => {
                cx.error(format!("{at}.name"), message, help);
                broken = true;
                continue;
            }
        };
        if from_set.is_none()
            && let Err(earlier) = names.claim(&variant, format!("code {}", code.code))
        {
            cx.error(
                format!("{at}.name"),
                format!(
                    "variant `{variant}` (code {}, from {origin}) is already taken by {earlier}",
                    code.code
                ),
                "rename one of the two variants",
            );
            broken = true;
            continue;
        }
        variants.push(error_variant(code, variant, from_set));
    }
    variants.sort_by_key(|v| v.code);
    if broken {
        None
    } else {
        Some(ErrorEnum {
            rust_name,
            variants,
            sets,
        })
    }
}

fn error_variant(
    code: &ErrorCodeSpec,
    rust_name: String,
    from_set: Option<String>,
) -> ErrorVariant {
    let text = |text: &Option<String>| {
        text.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    ErrorVariant {
        code: code.code,
        rust_name,
        errmsg: text(&code.errmsg),
        solution: text(&code.solution),
        from_set,
    }
}

/// The shared enum of an error set this file defines, from the codes the registry checked;
/// `None` when the registry rejected the set.
pub fn lower_error_set(cx: &mut Cx<'_>, spec: &ErrorSetSpec) -> Option<ErrorSetEnum> {
    let set = cx.registry.error_set(&spec.name)?;
    // A set defined twice is reported by the registry; only its first definition is emitted.
    // A set without codes has nothing to wrap: no enum, and no variant in the endpoints.
    if Some(&set.module) != cx.registry.module_of_file(cx.file).as_ref() || set.codes.is_empty() {
        return None;
    }
    let variants = set
        .codes
        .iter()
        .map(|code| error_variant(code, code.name.clone(), Some(spec.name.clone())))
        .collect();
    Some(ErrorSetEnum {
        name: spec.name.clone(),
        rust_name: set.enum_name.clone(),
        docs: docs_or(
            spec.docs.as_deref(),
            &format!("The codes of the `{}` error set.", spec.name),
        ),
        variants,
    })
}

fn lower_example(cx: &mut Cx<'_>, e: &EndpointSpec) -> Option<String> {
    let example = e.example.as_ref()?;
    match serde_json::from_str::<serde_json::Value>(&example.response) {
        Ok(serde_json::Value::Object(_)) => Some(example.response.trim().to_owned()),
        Ok(_) => {
            cx.error(
                "endpoint.example.response",
                "the example response is JSON but not an object",
                "paste the whole response body, `{ \"errcode\": 0, … }`",
            );
            None
        }
        Err(err) => {
            cx.error(
                "endpoint.example.response",
                format!("the example response is not valid JSON: {err}"),
                "fix the JSON; documentation examples often lack braces or quotes",
            );
            None
        }
    }
}
