//! Whether a request is one the spec allows: its method, its token, its fields and parts. Each
//! problem is a sentence naming the endpoint, so a failed test says what to fix.

use super::spec::{EndpointSpec, FieldPlace};
use crate::{HttpMethod, TokenKind};
use std::collections::HashSet;

/// A request as the mock received it, in the parts the checks read.
pub(super) struct Received<'a> {
    pub method: &'a str,
    pub query: &'a [(String, String)],
    pub content_type: &'a str,
    pub body: &'a [u8],
    /// The multipart body's parts (name and contents), when it is one.
    pub parts: &'a [(String, Vec<u8>)],
}

/// The token the mock's client sends for `kind`, which the mock expects back.
pub fn mock_token(kind: TokenKind) -> String {
    format!("mock-{}", kind.name())
}

/// Every way `request` differs from what `spec` allows; empty when it matches. `issued` are the
/// tokens the mock answered with, which a token source may have fetched from it.
pub(super) fn check(
    spec: &EndpointSpec,
    request: &Received<'_>,
    issued: &HashSet<String>,
) -> Vec<String> {
    let name = spec.operation.name;
    let mut problems = Vec::new();
    let expected_method = spec.operation.method.as_str();
    if request.method != expected_method {
        problems.push(format!(
            "`{name}` takes {expected_method}, not {}",
            request.method
        ));
    }
    check_token(spec, request, issued, &mut problems);
    check_query(spec, request, &mut problems);
    // A request of the wrong method is reported as that, not also for the body it lacks.
    if request.method != expected_method || spec.operation.method == HttpMethod::Get {
        return problems;
    }
    if spec.multipart {
        check_parts(spec, request, &mut problems);
    } else {
        check_json(spec, request, &mut problems);
    }
    problems
}

fn query_value<'a>(request: &'a Received<'_>, key: &str) -> Option<&'a str> {
    request
        .query
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn check_token(
    spec: &EndpointSpec,
    request: &Received<'_>,
    issued: &HashSet<String>,
    problems: &mut Vec<String>,
) {
    let name = spec.operation.name;
    let Some(token) = spec.operation.token else {
        return;
    };
    let expected = mock_token(token.kind);
    match query_value(request, token.query_param) {
        // A token the mock handed out through a token endpoint names no kind: taken as is.
        Some(sent) if sent == expected || issued.contains(sent) => {}
        // The mock's tokens name their kind, so a token of the wrong kind is told apart.
        Some(sent) if sent.starts_with("mock-") => problems.push(format!(
            "`{name}` takes a `{}` in `{}`, but the request carries a `{}`",
            token.kind,
            token.query_param,
            sent.trim_start_matches("mock-")
        )),
        Some(_) => problems.push(format!(
            "`{name}`: `{}` is not a token the mock handed out (its `{}` for the client, or one a token endpoint answered with)",
            token.query_param, token.kind
        )),
        None => problems.push(format!(
            "`{name}` takes a `{}` in query parameter `{}`, and the request has none",
            token.kind, token.query_param
        )),
    }
}

fn check_query(spec: &EndpointSpec, request: &Received<'_>, problems: &mut Vec<String>) {
    let name = spec.operation.name;
    for field in spec.fields.iter().filter(|f| f.place == FieldPlace::Query) {
        if field.required && query_value(request, field.wire_name).is_none() {
            problems.push(format!(
                "`{name}` lacks required query parameter `{}`",
                field.wire_name
            ));
        }
    }
    for (key, value) in spec.query_constants {
        if query_value(request, key) != Some(value) {
            problems.push(format!("`{name}` must send `{key}={value}` in its query"));
        }
    }
    let token_param = spec.operation.token.map(|t| t.query_param);
    for (key, _) in request.query {
        let known = token_param == Some(key.as_str())
            || spec.query_constants.iter().any(|(k, _)| k == key)
            || spec
                .fields
                .iter()
                .any(|f| f.place == FieldPlace::Query && f.wire_name == key);
        if !known {
            problems.push(format!(
                "`{name}` has no query parameter `{key}` in its spec"
            ));
        }
    }
}

fn check_json(spec: &EndpointSpec, request: &Received<'_>, problems: &mut Vec<String>) {
    let name = spec.operation.name;
    if !request.content_type.starts_with("application/json") {
        problems.push(format!(
            "`{name}` takes a JSON body, and the request's content type is `{}`",
            request.content_type
        ));
    }
    let object = match serde_json::from_slice::<serde_json::Value>(request.body) {
        Ok(serde_json::Value::Object(object)) => object,
        Ok(_) => {
            problems.push(format!("`{name}`'s body is JSON but not an object"));
            return;
        }
        Err(err) => {
            problems.push(format!("`{name}`'s body is not JSON: {err}"));
            return;
        }
    };
    for field in spec.fields.iter().filter(|f| f.place == FieldPlace::Body) {
        let present = object.get(field.wire_name).is_some_and(|v| !v.is_null());
        if field.required && !present {
            problems.push(format!(
                "`{name}` lacks required body field `{}`",
                field.wire_name
            ));
        }
    }
    for (key, json) in spec.operation.body_constants {
        let expected = serde_json::from_str::<serde_json::Value>(json).ok();
        if object.get(*key) != expected.as_ref() {
            problems.push(format!(
                "`{name}` must send `\"{key}\": {json}` in its body"
            ));
        }
    }
    for key in object.keys() {
        let known = spec.operation.body_constants.iter().any(|(k, _)| k == key)
            || spec.flattened_keys.contains(&key.as_str())
            || spec
                .fields
                .iter()
                .any(|f| f.place == FieldPlace::Body && f.wire_name == key);
        if !known {
            problems.push(format!("`{name}` has no body field `{key}` in its spec"));
        }
    }
}

fn check_parts(spec: &EndpointSpec, request: &Received<'_>, problems: &mut Vec<String>) {
    let name = spec.operation.name;
    if !request.content_type.starts_with("multipart/form-data") {
        problems.push(format!(
            "`{name}` takes a multipart body, and the request's content type is `{}`",
            request.content_type
        ));
        return;
    }
    let part = |name: &str| {
        request
            .parts
            .iter()
            .find(|(part, _)| part == name)
            .map(|(_, contents)| contents)
    };
    for field in spec.fields.iter().filter(|f| f.place == FieldPlace::Part) {
        if field.required && part(field.wire_name).is_none() {
            problems.push(format!(
                "`{name}` lacks required part `{}`",
                field.wire_name
            ));
        }
    }
    // A multipart body's constants travel as text parts of their own, as the client writes them.
    for (key, json) in spec.operation.body_constants {
        let expected = crate::body::constant_part_text(json);
        if part(key).map(|contents| contents.as_slice()) != Some(expected.as_bytes()) {
            problems.push(format!("`{name}` must send part `{key}` as `{expected}`"));
        }
    }
    for (part, _) in request.parts {
        let known = spec.operation.body_constants.iter().any(|(k, _)| k == part)
            || spec
                .fields
                .iter()
                .any(|f| f.place == FieldPlace::Part && f.wire_name == part);
        if !known {
            problems.push(format!("`{name}` has no part `{part}` in its spec"));
        }
    }
}

/// A multipart body's parts, in order: each one's name (from its `Content-Disposition`) and
/// contents.
pub(super) fn parts(content_type: &str, body: &[u8]) -> Vec<(String, Vec<u8>)> {
    let Some(boundary) = content_type
        .split(';')
        .filter_map(|param| {
            let (key, value) = param.split_once('=')?;
            key.trim()
                .eq_ignore_ascii_case("boundary")
                .then(|| value.trim().trim_matches('"'))
        })
        .next()
        .filter(|boundary| !boundary.is_empty())
    else {
        return Vec::new();
    };
    let delimiter = format!("--{boundary}");
    split_on(body, delimiter.as_bytes())
        .into_iter()
        .filter_map(|part| {
            // Headers, a blank line, the contents, and the CRLF before the next delimiter.
            let end = find(part, b"\r\n\r\n")?;
            let headers = String::from_utf8_lossy(&part[..end]);
            let contents = &part[end + 4..];
            let contents = contents.strip_suffix(b"\r\n").unwrap_or(contents);
            let name = headers.lines().find_map(|line| {
                let (header, value) = line.split_once(':')?;
                if !header.trim().eq_ignore_ascii_case("content-disposition") {
                    return None;
                }
                value.split(';').find_map(|param| {
                    let param = param.trim();
                    param
                        .strip_prefix("name=")
                        .map(|name| name.trim_matches('"').to_owned())
                })
            })?;
            Some((name, contents.to_vec()))
        })
        .collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split_on<'a>(mut body: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::new();
    while let Some(at) = find(body, delimiter) {
        pieces.push(&body[..at]);
        body = &body[at + delimiter.len()..];
    }
    pieces.push(body);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_parts_of_a_multipart_body() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"media\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n\x00\x01name=\"fake\"\r\n--XyZ\r\ncontent-disposition: form-data; name=description\r\n\r\n{}\r\n--XyZ--\r\n";
        let expected = [
            ("media".to_owned(), b"\x00\x01name=\"fake\"".to_vec()),
            ("description".to_owned(), b"{}".to_vec()),
        ];
        assert_eq!(parts("multipart/form-data; boundary=XyZ", body), expected);
        assert_eq!(
            parts("multipart/form-data; Boundary=\"XyZ\"", body),
            expected
        );
        assert!(parts("multipart/form-data", body).is_empty());
        assert!(parts("multipart/form-data; boundary=", body).is_empty());
    }
}
