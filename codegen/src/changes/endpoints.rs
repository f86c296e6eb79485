//! Endpoints: each is a call trait with one method, a request (and its builder), a response
//! and an error enum.
//!
//! Endpoints pair by what they call (HTTP method, host and path). One left over on each side is
//! then paired by spec file, and then by method name: an endpoint whose URL changed, or whose
//! spec moved, is one endpoint that changed rather than one removed and another added.

use super::diff::pair;
use super::fields::{self, StructUse};
use super::names::{home, item_path};
use super::{Change, errors};
use crate::ir::{Api, Endpoint, Module, RequestEncoding, ResponseFormat};

struct Located<'a> {
    module: &'a Module,
    endpoint: &'a Endpoint,
}

impl Located<'_> {
    /// `wxopen::get_linked_mini_programs`: the method, in its group.
    fn subject(&self) -> String {
        item_path(&home(&self.module.path), &self.endpoint.method_name)
    }

    fn identity(&self) -> (&'static str, String, String) {
        let e = self.endpoint;
        (e.http_method.as_str(), e.host.clone(), e.path.clone())
    }
}

fn located(api: &Api) -> Vec<Located<'_>> {
    api.modules
        .iter()
        .filter_map(|module| {
            Some(Located {
                module,
                endpoint: module.endpoint.as_ref()?,
            })
        })
        .collect()
}

pub fn compare(base: &Api, head: &Api, out: &mut Vec<Change>) {
    let (base, head) = (located(base), located(head));
    let by_url = pair(&base, &head, Located::identity);
    let by_file = pair(by_url.removed, by_url.added, |e| e.module.path.clone());
    let by_method = pair(by_file.removed, by_file.added, Located::subject);
    for e in by_method.added {
        out.push(Change::compatible(
            &e.subject(),
            format!("endpoint added ({})", url(e.endpoint)),
            format!("a new call trait `{}`", e.endpoint.call_trait),
        ));
    }
    for e in by_method.removed {
        out.push(Change::breaking(
            &e.subject(),
            format!("endpoint removed ({})", url(e.endpoint)),
            format!(
                "the call trait `{}` and the types of the endpoint disappear",
                e.endpoint.call_trait
            ),
        ));
    }
    let pairs = by_url
        .both
        .into_iter()
        .chain(by_file.both)
        .chain(by_method.both);
    for (old, new) in pairs {
        endpoint(old, new, out);
    }
}

fn endpoint(old: &Located<'_>, new: &Located<'_>, out: &mut Vec<Change>) {
    let subject = new.subject();
    let (a, b) = (old.endpoint, new.endpoint);
    if old.subject() != subject || a.call_trait != b.call_trait {
        out.push(Change::breaking(
            &subject,
            format!(
                "renamed from `{}` (trait `{}`) to `{subject}` (trait `{}`)",
                old.subject(),
                a.call_trait,
                b.call_trait
            ),
            "code calling the old method or importing the old call trait no longer compiles",
        ));
    } else {
        // With the method, the names derived from it change too: report those only alone.
        let names = [
            ("request type", &a.request.rust_name, &b.request.rust_name),
            (
                "response type",
                &a.response.rust_name,
                &b.response.rust_name,
            ),
            ("error enum", &a.error.rust_name, &b.error.rust_name),
        ];
        for (what, x, y) in names {
            if x != y {
                out.push(Change::breaking(
                    &subject,
                    format!("{what} renamed from `{x}` to `{y}`"),
                    "code naming the old type no longer compiles",
                ));
            }
        }
    }
    if url(a) != url(b) {
        out.push(Change::compatible(
            &subject,
            format!("now calls {} (was {})", url(b), url(a)),
            "the Rust API is the same, but the client calls a different URL",
        ));
    }
    call_shape(&subject, a, b, out);
    token(&subject, a, b, out);
    // A response that is JSON on one side only is covered by the change of format: its fields
    // and example are not compared.
    let both_json = a.format.has_json() && b.format.has_json();
    let mut docs_changed = a.summary != b.summary
        || a.docs != b.docs
        || a.doc_url != b.doc_url
        || (both_json && a.example_response != b.example_response)
        || third_party_docs(a) != third_party_docs(b);
    match (&a.deprecated, &b.deprecated) {
        (None, Some(why)) => out.push(Change::compatible(
            &subject,
            format!("deprecated: {why}"),
            "calls compile, with a deprecation warning",
        )),
        (Some(_), None) => out.push(Change::compatible(
            &subject,
            "no longer deprecated",
            "its deprecation warning goes away",
        )),
        (Some(x), Some(y)) => docs_changed |= x != y,
        (None, None) => {}
    }
    let request_use = StructUse {
        wire: b.request.wire,
        has_builder: true,
    };
    docs_changed |= fields::compare(
        &subject,
        "request field",
        &a.request,
        &b.request,
        request_use,
        out,
    );
    let response_use = StructUse {
        wire: b.response.wire,
        has_builder: false,
    };
    if both_json {
        docs_changed |= fields::compare(
            &subject,
            "response field",
            &a.response,
            &b.response,
            response_use,
            out,
        );
    }
    docs_changed |= errors::compare_endpoint(&subject, &a.error, &b.error, out);
    if docs_changed {
        out.push(Change::docs(&subject, "documentation changed"));
    }
}

/// What the method takes and returns, and how the request travels.
fn call_shape(subject: &str, a: &Endpoint, b: &Endpoint, out: &mut Vec<Change>) {
    match (&a.request_builder, &b.request_builder) {
        (None, Some(_)) => out.push(Change::breaking(
            subject,
            "now takes a request argument",
            "the request gained its first field: calls without an argument no longer compile",
        )),
        (Some(_), None) => out.push(Change::breaking(
            subject,
            "no longer takes a request argument",
            "the request lost its last field: calls passing one no longer compile",
        )),
        _ => {}
    }
    if format_word(&a.format) != format_word(&b.format) {
        out.push(Change::breaking(
            subject,
            format!(
                "answer changed from {} to {}",
                format_word(&a.format),
                format_word(&b.format)
            ),
            "the method's return type changes",
        ));
    } else if a.format != b.format {
        out.push(Change::compatible(
            subject,
            "accepted content types or size limit of the file changed",
            "the Rust API is the same; which answers are accepted changes",
        ));
    }
    match (a.encoding, b.encoding) {
        (RequestEncoding::Json, RequestEncoding::Multipart) => out.push(Change::breaking(
            subject,
            "request body changed from JSON to multipart",
            "a multipart request is sent part by part: the request type no longer implements `serde::Serialize`",
        )),
        (RequestEncoding::Multipart, RequestEncoding::Json) => out.push(Change::compatible(
            subject,
            "request body changed from multipart to JSON",
            "wire only (the request type now implements `serde::Serialize`)",
        )),
        _ => {}
    }
    let constants = |e: &Endpoint| -> Vec<String> {
        e.constants
            .iter()
            .map(|c| {
                format!(
                    "{}={}{}",
                    c.wire_name,
                    c.value,
                    if c.in_query { " (query)" } else { "" }
                )
            })
            .collect()
    };
    if constants(a) != constants(b) {
        out.push(Change::compatible(
            subject,
            format!(
                "constant values sent changed from [{}] to [{}]",
                constants(a).join(", "),
                constants(b).join(", ")
            ),
            "wire only: the client sends different fixed values",
        ));
    }
}

/// The token a call takes decides which of a client's token sources it uses.
fn token(subject: &str, a: &Endpoint, b: &Endpoint, out: &mut Vec<Change>) {
    match (&a.token, &b.token) {
        (None, Some(t)) => out.push(Change::breaking(
            subject,
            format!("now takes a token (`{}`)", t.kind),
            "a client without a token source of that kind fails every call with `Error::NoTokenSource`",
        )),
        (Some(t), None) => out.push(Change::compatible(
            subject,
            format!("no longer takes a token (was `{}`)", t.kind),
            "the client stops sending one",
        )),
        (Some(x), Some(y)) if x.kind != y.kind => out.push(Change::breaking(
            subject,
            format!("token kind changed from `{}` to `{}`", x.kind, y.kind),
            "the client needs a token source of the new kind: one configured for the old kind only fails at run time",
        )),
        (Some(x), Some(y)) if x.query_param != y.query_param => out.push(Change::compatible(
            subject,
            format!(
                "token sent in query parameter `{}` (was `{}`)",
                y.query_param, x.query_param
            ),
            "wire only",
        )),
        _ => {}
    }
}

fn third_party_docs(e: &Endpoint) -> Option<(bool, Vec<u32>, String)> {
    e.third_party
        .as_ref()
        .map(|t| (t.allowed, t.permission_sets.clone(), t.docs.clone()))
}

fn url(e: &Endpoint) -> String {
    format!("`{} https://{}{}`", e.http_method.as_str(), e.host, e.path)
}

fn format_word(format: &ResponseFormat) -> &'static str {
    match format {
        ResponseFormat::Json => "JSON",
        ResponseFormat::Bytes(_) => "a file (bytes)",
        ResponseFormat::JsonOrBytes(_) => "JSON or a file",
    }
}
