//! The mock's one wiremock responder: finds the endpoint a request is for, checks and records
//! the request, and answers with what the test set, or the spec's example.

use super::check::{self, Received};
use super::record::RecordedCall;
use super::spec::{EndpointSpec, ResponseKind};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use wiremock::{Request, Respond, ResponseTemplate};

/// What the mock and the tests share.
#[derive(Debug)]
pub(super) struct State {
    pub endpoints: &'static [EndpointSpec],
    /// By index in `endpoints`: what a test set; the example otherwise.
    pub answers: Mutex<HashMap<usize, Answers>>,
    pub calls: Mutex<Vec<RecordedCall>>,
    pub violations: Mutex<Vec<String>>,
    /// Tokens the mock itself answered with (a token endpoint's example): a client whose token
    /// source fetched one from the mock sends it, and the mock takes it.
    pub issued_tokens: Mutex<HashSet<String>>,
}

/// An endpoint's answers: one-shot ones first, in order, then the standing one.
#[derive(Debug, Default)]
pub(super) struct Answers {
    pub once: VecDeque<Answer>,
    pub always: Option<Answer>,
}

/// What the mock sends for an endpoint.
#[derive(Debug, Clone)]
pub(super) struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(text: String) -> Self {
        Self {
            status: 200,
            content_type: "application/json".to_owned(),
            body: text.into_bytes(),
        }
    }
}

/// A lock that a panicking test thread left poisoned still holds good data: every update is one
/// push or insert.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(super) struct Responder(pub Arc<State>);

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let state = &self.0;
        let path = request.url.path().to_owned();
        let method = request.method.as_str().to_owned();
        let query: Vec<(String, String)> = request
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let content_type = request
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let parts = if content_type.starts_with("multipart/") {
            check::parts(&content_type, &request.body)
        } else {
            Vec::new()
        };
        // Routed by path alone, so a wrong method is reported rather than a missing endpoint.
        let found = state
            .endpoints
            .iter()
            .enumerate()
            .filter(|(_, e)| path == format!("/{}{}", e.operation.host, e.operation.path))
            .min_by_key(|(_, e)| e.operation.method.as_str() != method);
        let call = RecordedCall {
            endpoint: found.map(|(_, e)| e.operation.name).unwrap_or_default(),
            host: found.map(|(_, e)| e.operation.host).unwrap_or_default(),
            method,
            path,
            query,
            content_type,
            body: request.body.clone(),
            parts: parts.iter().map(|(name, _)| name.clone()).collect(),
            index: found.map(|(index, _)| index),
            token_param: found.and_then(|(_, e)| e.operation.token.map(|t| t.query_param)),
            secrets: found.map(|(_, e)| e.operation.secrets).unwrap_or_default(),
        };
        let Some((index, spec)) = found else {
            let problem = format!(
                "no endpoint of the enabled groups serves {} {}",
                call.method, call.path
            );
            lock(&state.calls).push(call);
            return refuse(state, 404, vec![problem]);
        };
        let issued = lock(&state.issued_tokens).clone();
        let problems = check::check(
            spec,
            &Received {
                method: &call.method,
                query: &call.query,
                content_type: &call.content_type,
                body: &call.body,
                parts: &parts,
            },
            &issued,
        );
        lock(&state.calls).push(call);
        if !problems.is_empty() {
            return refuse(state, 400, problems);
        }
        let answer = {
            let mut answers = lock(&state.answers);
            let answers = answers.entry(index).or_default();
            answers.once.pop_front().or_else(|| answers.always.clone())
        };
        let answer = answer.unwrap_or_else(|| default_answer(spec));
        remember_tokens(state, &answer);
        ResponseTemplate::new(answer.status).set_body_raw(answer.body, &answer.content_type)
    }
}

/// Records the problems and answers with them, so the failed call says what was wrong too.
fn refuse(state: &State, status: u16, problems: Vec<String>) -> ResponseTemplate {
    let text = format!("mock WeChat: {}", problems.join("; "));
    lock(&state.violations).extend(problems);
    ResponseTemplate::new(status).set_body_raw(text.into_bytes(), "text/plain")
}

/// The spec's example; for an endpoint that answers with a file, a few bytes of its first
/// documented type; `{"errcode":0,"errmsg":"ok"}` when the spec has no example.
fn default_answer(spec: &EndpointSpec) -> Answer {
    match (spec.response, spec.example) {
        (ResponseKind::Bytes(types), _) | (ResponseKind::JsonOrBytes(types), None) => Answer {
            status: 200,
            content_type: types
                .first()
                .copied()
                .unwrap_or("application/octet-stream")
                .to_owned(),
            body: b"bytes from the mock WeChat".to_vec(),
        },
        (_, Some(example)) => Answer::json(example.to_owned()),
        (ResponseKind::Json, None) => Answer::json(r#"{"errcode":0,"errmsg":"ok"}"#.to_owned()),
    }
}

/// Remembers the tokens an answer hands out: the string values of its keys that end in
/// `access_token` (`access_token`, `component_access_token`, `authorizer_access_token`), at
/// any depth, which is how WeChat names every token it issues.
fn remember_tokens(state: &State, answer: &Answer) {
    fn collect(value: &serde_json::Value, found: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(object) => {
                for (key, inner) in object {
                    match inner {
                        serde_json::Value::String(token) if key.ends_with("access_token") => {
                            found.push(token.clone());
                        }
                        _ => collect(inner, found),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|item| collect(item, found)),
            _ => {}
        }
    }
    if !answer.content_type.starts_with("application/json") {
        return;
    }
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(&answer.body) else {
        return;
    };
    let mut found = Vec::new();
    collect(&json, &mut found);
    if !found.is_empty() {
        lock(&state.issued_tokens).extend(found);
    }
}
