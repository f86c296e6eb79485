//! A mock WeChat for the tests of services that call it (feature `testing`): a server on
//! loopback that serves every endpoint it is given from the spec's example answer, lets a test
//! set an answer or an error per endpoint with the endpoint's own types, checks each request
//! against the spec (method, path, token kind, required fields, multipart parts) and records
//! the calls.
//!
//! The client crate hands it the endpoints of its enabled groups (`wechat_api_client::testing`);
//! built on wiremock, whose server it runs.

mod check;
mod record;
mod serve;
mod spec;

pub use check::mock_token;
pub use record::RecordedCall;
pub use spec::{
    EndpointSpec, FieldPlace, FieldSpec, MockedEndpoint, MockedResponse, ResponseKind, RoundTrip,
    round_trip,
};

use crate::{AccessToken, Client, ClientBuilder, RetryPolicy, TokenKind};
use serve::{Answer, Responder, State, lock};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::{Mock, MockServer};

/// A mock WeChat on loopback. Dropping it stops the server; when a request broke the spec and
/// the test did not take the problems with [`take_violations`](Self::take_violations), the drop
/// fails the test with them (as wiremock's expectations do).
///
/// Setting an answer for an endpoint the mock does not serve (its group's feature is off), or
/// one that cannot be sent, panics at once: a test tool's mistakes fail the test where they are.
#[derive(Debug)]
pub struct MockWeChat {
    server: MockServer,
    state: Arc<State>,
}

/// How many answers an endpoint gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Times {
    /// Every call from now on (after any one-shot answers queued before).
    Always,
    /// The next call only; queued after the others.
    Once,
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
            issued_tokens: Mutex::new(HashSet::new()),
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

    /// A client builder pointed at the mock: each official host under a path of its own, a token
    /// of every kind the endpoints take ([`mock_token`], which the mock checks), and the default
    /// retry policy with 1 ms waits (a test of a retried error does not sleep). Set anything
    /// else before `build()`.
    pub fn client_builder(&self) -> ClientBuilder {
        let uri = self.uri();
        let fast = Duration::from_millis(1);
        let mut builder = Client::builder()
            .access_token(mock_token(TokenKind::ACCESS_TOKEN))
            .retry(
                RetryPolicy::default()
                    .initial_backoff(fast)
                    .max_backoff(fast),
            );
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

    /// A client pointed at the mock: [`client_builder`](Self::client_builder), built.
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
    #[track_caller]
    pub fn respond<R: MockedResponse>(&self, response: R) {
        self.set::<R::Endpoint>(encode(&response), Times::Always);
    }

    /// Answers the next call of the endpoint of `response` with it; later calls get what they
    /// got before.
    #[track_caller]
    pub fn respond_once<R: MockedResponse>(&self, response: R) {
        self.set::<R::Endpoint>(encode(&response), Times::Once);
    }

    /// Answers the endpoint of `error` with its `errcode` and `errmsg`, from now on.
    #[track_caller]
    pub fn fail<E: MockedEndpoint>(&self, error: E) {
        self.set::<E>(error_answer(&error), Times::Always);
    }

    /// Answers the next call of the endpoint of `error` with it: a busy server, an expired
    /// token, then the usual answer.
    #[track_caller]
    pub fn fail_once<E: MockedEndpoint>(&self, error: E) {
        self.set::<E>(error_answer(&error), Times::Once);
    }

    /// Answers endpoint `E` with this JSON, whatever it is: for answers its types cannot say
    /// (a field of the wrong type, a number sent as a string, a body WeChat should not send).
    #[track_caller]
    pub fn respond_json<E: MockedEndpoint>(&self, body: serde_json::Value) {
        self.set::<E>(Answer::json(body.to_string()), Times::Always);
    }

    /// Answers endpoint `E` (one that answers with a file) with these bytes.
    #[track_caller]
    pub fn respond_media<E: MockedEndpoint>(&self, content_type: &str, bytes: impl Into<Vec<u8>>) {
        let answer = Answer {
            status: 200,
            content_type: content_type.to_owned(),
            body: bytes.into(),
        };
        self.set::<E>(answer, Times::Always);
    }

    /// Answers endpoint `E` with an HTTP status (100 to 999) and a text body: a gateway's error
    /// page.
    #[track_caller]
    #[allow(
        clippy::panic,
        reason = "a test tool: a status HTTP cannot carry fails the test where it is set"
    )]
    pub fn respond_status<E: MockedEndpoint>(&self, status: u16, body: &str) {
        if !(100..=999).contains(&status) {
            panic!("mock WeChat: {status} is not an HTTP status");
        }
        let answer = Answer {
            status,
            content_type: "text/plain".to_owned(),
            body: body.as_bytes().to_vec(),
        };
        self.set::<E>(answer, Times::Always);
    }

    /// Serves endpoint `E` from its spec's example again, and drops its queued answers.
    pub fn reset<E: MockedEndpoint>(&self) {
        if let Some(index) = self.index_of::<E>() {
            lock(&self.state.answers).remove(&index);
        }
    }

    #[track_caller]
    #[allow(
        clippy::panic,
        reason = "a test tool: an answer for an endpoint the mock does not serve would never be sent"
    )]
    fn set<E: MockedEndpoint>(&self, answer: Answer, times: Times) {
        let Some(index) = self.index_of::<E>() else {
            panic!(
                "mock WeChat: `{}` is not served by this mock (is its group's feature on?)",
                E::ENDPOINT.operation.name
            );
        };
        let mut answers = lock(&self.state.answers);
        let answers = answers.entry(index).or_default();
        match times {
            Times::Always => answers.always = Some(answer),
            Times::Once => answers.once.push_back(answer),
        }
    }

    /// The endpoint's index among those served: by method, host and path, which (unlike its
    /// wire name) no two endpoints share.
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
        let Some(index) = self.index_of::<E>() else {
            return Vec::new();
        };
        lock(&self.state.calls)
            .iter()
            .filter(|call| call.index == Some(index))
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

/// A typed answer as JSON.
#[track_caller]
#[allow(
    clippy::panic,
    reason = "a test tool: an answer that cannot be encoded fails the test where it is set"
)]
fn encode<R: MockedResponse>(response: &R) -> Answer {
    match serde_json::to_string(response) {
        Ok(text) => Answer::json(text),
        Err(err) => panic!("mock WeChat: the answer does not encode: {err}"),
    }
}

fn error_answer<E: MockedEndpoint>(error: &E) -> Answer {
    let body = serde_json::json!({ "errcode": error.code(), "errmsg": error.errmsg() });
    Answer::json(body.to_string())
}
