//! A mock WeChat for the tests of services that call it (feature `testing`): a server on
//! loopback that serves every endpoint it is given from the spec's example answer, lets a test
//! set an answer or an error per endpoint with the endpoint's own types, checks each request
//! against the spec (method, path, token kind, required fields, multipart parts) and records
//! the calls.
//!
//! The client crate hands it the endpoints of its enabled groups (`wechat_api_client::testing`);
//! built on wiremock, whose server it runs.

mod check;
mod spec;

pub use check::mock_token;
pub use spec::{
    EndpointSpec, FieldPlace, FieldSpec, MockedEndpoint, MockedResponse, ResponseKind, RoundTrip,
    round_trip,
};

use crate::{AccessToken, Client, ClientBuilder, HttpMethod, TokenKind};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A mock WeChat on loopback. Dropping it stops the server; when a request broke the spec and
/// the test did not take the problems with [`take_violations`](Self::take_violations), the drop
/// fails the test with them (as wiremock's expectations do).
#[derive(Debug)]
pub struct MockWeChat {
    server: MockServer,
    state: Arc<State>,
}

#[derive(Debug)]
struct State {
    endpoints: &'static [EndpointSpec],
    /// By index in `endpoints`: what a test set; the example otherwise.
    answers: Mutex<HashMap<usize, Answer>>,
    calls: Mutex<Vec<RecordedCall>>,
    violations: Mutex<Vec<String>>,
}

/// What the mock sends for an endpoint.
#[derive(Debug, Clone)]
struct Answer {
    status: u16,
    content_type: String,
    body: Vec<u8>,
}

impl Answer {
    fn json(text: String) -> Self {
        Self {
            status: 200,
            content_type: "application/json".to_owned(),
            body: text.into_bytes(),
        }
    }
}

/// A request the mock received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedCall {
    /// The endpoint's wire name (`wxamplinkget`); empty for a path no endpoint serves.
    pub endpoint: &'static str,
    pub method: String,
    /// The path as the client sent it, the official host first (`/api.weixin.qq.com/cgi-bin/…`).
    pub path: String,
    /// The query parameters, the token among them (the mock's, never a real one).
    pub query: Vec<(String, String)>,
    pub content_type: String,
    pub body: Vec<u8>,
    /// The names of the multipart body's parts, in order; empty for another body.
    pub parts: Vec<String>,
}

impl RecordedCall {
    /// The body as JSON, when it is.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The value of query parameter `key`.
    pub fn query(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A lock that a panicking test thread left poisoned still holds good data: every update is one
/// push or insert.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl MockWeChat {
    /// Starts a mock serving `endpoints` on a free loopback port.
    pub async fn serve(endpoints: &'static [EndpointSpec]) -> Self {
        let server = MockServer::start().await;
        let state = Arc::new(State {
            endpoints,
            answers: Mutex::new(HashMap::new()),
            calls: Mutex::new(Vec::new()),
            violations: Mutex::new(Vec::new()),
        });
        Mock::given(wiremock::matchers::any())
            .respond_with(Responder(Arc::clone(&state)))
            .mount(&server)
            .await;
        Self { server, state }
    }

    /// The server's base URL (`http://127.0.0.1:port`).
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// A client builder pointed at the mock: each official host under a path of its own, and
    /// a token of every kind the endpoints take ([`mock_token`]), which the mock checks. Set
    /// anything else (a retry policy, timeouts) before `build()`.
    pub fn client_builder(&self) -> ClientBuilder {
        let uri = self.uri();
        let mut builder = Client::builder().access_token(mock_token(TokenKind::ACCESS_TOKEN));
        let mut hosts: Vec<&str> = self
            .state
            .endpoints
            .iter()
            .map(|e| e.operation.host)
            .collect();
        hosts.sort_unstable();
        hosts.dedup();
        for host in hosts {
            builder = builder.host_base_url(host, format!("{uri}/{host}"));
        }
        let mut kinds: Vec<TokenKind> = self
            .state
            .endpoints
            .iter()
            .filter_map(|e| e.operation.token.map(|t| t.kind))
            .filter(|kind| *kind != TokenKind::ACCESS_TOKEN)
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        for kind in kinds {
            builder = builder.token_source_for(kind, AccessToken::new(mock_token(kind)));
        }
        builder
    }

    /// A client pointed at the mock, with the default settings: [`client_builder`](Self::client_builder), built.
    #[allow(
        clippy::expect_used,
        reason = "the builder holds only the mock's own loopback URLs, which are valid"
    )]
    pub fn client(&self) -> Client {
        self.client_builder()
            .build()
            .expect("the mock's base URLs are valid")
    }

    /// Answers the endpoint of `response` with it, encoded as WeChat does, from now on.
    pub fn respond<R: MockedResponse>(&self, response: R) {
        let answer = match serde_json::to_string(&response) {
            Ok(text) => Answer::json(text),
            Err(err) => Answer {
                status: 500,
                content_type: "text/plain".to_owned(),
                body: format!("mock WeChat: the answer does not encode: {err}").into_bytes(),
            },
        };
        self.set::<R::Endpoint>(answer);
    }

    /// Answers the endpoint of `error` with its `errcode` and `errmsg`, from now on.
    pub fn fail<E: MockedEndpoint>(&self, error: E) {
        let body = serde_json::json!({ "errcode": error.code(), "errmsg": error.errmsg() });
        self.set::<E>(Answer::json(body.to_string()));
    }

    /// Answers endpoint `E` with this JSON, whatever it is: for answers its types cannot say
    /// (a field of the wrong type, a body WeChat should not send).
    pub fn respond_json<E: MockedEndpoint>(&self, body: serde_json::Value) {
        self.set::<E>(Answer::json(body.to_string()));
    }

    /// Answers endpoint `E` (one that answers with a file) with these bytes.
    pub fn respond_media<E: MockedEndpoint>(&self, content_type: &str, bytes: impl Into<Vec<u8>>) {
        self.set::<E>(Answer {
            status: 200,
            content_type: content_type.to_owned(),
            body: bytes.into(),
        });
    }

    /// Answers endpoint `E` with an HTTP status and a text body: a gateway's error page.
    pub fn respond_status<E: MockedEndpoint>(&self, status: u16, body: &str) {
        self.set::<E>(Answer {
            status,
            content_type: "text/plain".to_owned(),
            body: body.as_bytes().to_vec(),
        });
    }

    /// Serves endpoint `E` from its spec's example again.
    pub fn reset<E: MockedEndpoint>(&self) {
        if let Some(index) = self.index_of::<E>() {
            lock(&self.state.answers).remove(&index);
        }
    }

    fn set<E: MockedEndpoint>(&self, answer: Answer) {
        match self.index_of::<E>() {
            Some(index) => {
                lock(&self.state.answers).insert(index, answer);
            }
            None => lock(&self.state.violations).push(format!(
                "a test set an answer for `{}`, which this mock does not serve (is its group's feature on?)",
                E::ENDPOINT.operation.name
            )),
        }
    }

    fn index_of<E: MockedEndpoint>(&self) -> Option<usize> {
        let wanted = E::ENDPOINT.operation;
        self.state.endpoints.iter().position(|e| {
            e.operation.host == wanted.host
                && e.operation.path == wanted.path
                && e.operation.method == wanted.method
        })
    }

    /// Every request received, in order.
    pub fn calls(&self) -> Vec<RecordedCall> {
        lock(&self.state.calls).clone()
    }

    /// The requests endpoint `E` received, in order.
    pub fn calls_to<E: MockedEndpoint>(&self) -> Vec<RecordedCall> {
        let name = E::ENDPOINT.operation.name;
        lock(&self.state.calls)
            .iter()
            .filter(|call| call.endpoint == name)
            .cloned()
            .collect()
    }

    /// How the requests so far broke the spec, taken: the drop no longer reports them.
    pub fn take_violations(&self) -> Vec<String> {
        std::mem::take(&mut *lock(&self.state.violations))
    }
}

impl Drop for MockWeChat {
    #[allow(
        clippy::panic,
        reason = "a test tool: a request that broke the spec fails the test, as wiremock's expectations do"
    )]
    fn drop(&mut self) {
        let violations = self.take_violations();
        if !violations.is_empty() && !std::thread::panicking() {
            panic!(
                "the mock WeChat received requests its specs do not allow:\n- {}",
                violations.join("\n- ")
            );
        }
    }
}

/// The one wiremock responder: finds the endpoint, checks and records the request, answers.
struct Responder(Arc<State>);

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
            check::part_names(&content_type, &request.body)
        } else {
            Vec::new()
        };
        // Routed by path alone, so a wrong method is reported rather than a missing endpoint.
        let found = state
            .endpoints
            .iter()
            .enumerate()
            .filter(|(_, e)| path == format!("/{}{}", e.operation.host, e.operation.path))
            .min_by_key(|(_, e)| method_of(e.operation.method) != method);
        let mut call = RecordedCall {
            endpoint: found.map(|(_, e)| e.operation.name).unwrap_or_default(),
            method,
            path,
            query,
            content_type,
            body: request.body.clone(),
            parts,
        };
        let Some((index, spec)) = found else {
            let problem = format!(
                "no endpoint of the enabled groups serves {} {}",
                call.method, call.path
            );
            lock(&state.calls).push(call);
            return refuse(state, 404, vec![problem]);
        };
        let problems = check::check(
            spec,
            &check::Received {
                method: &call.method,
                query: &call.query,
                content_type: &call.content_type,
                body: &call.body,
                parts: &call.parts,
            },
        );
        call.endpoint = spec.operation.name;
        lock(&state.calls).push(call);
        if !problems.is_empty() {
            return refuse(state, 400, problems);
        }
        let answer = lock(&state.answers).get(&index).cloned();
        let Answer {
            status,
            content_type,
            body,
        } = answer.unwrap_or_else(|| default_answer(spec));
        ResponseTemplate::new(status).set_body_raw(body, &content_type)
    }
}

fn method_of(method: HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
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
