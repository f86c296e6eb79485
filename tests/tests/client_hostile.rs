//! The client under a server that misbehaves on purpose: a secret echoed at every offset around
//! the excerpt's cut, a body under the size limit that would decode into many times its size,
//! and an errmsg that is not text. Each ends in a typed error that shows no piece of a secret.
//!
//! Each test captures what the client logs at TRACE with a subscriber of its own thread (the
//! tests run on a current-thread runtime, so the client's tasks log there too).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod capture;

use capture::Capture;
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use wechat_api_client::prelude::*;
use wechat_api_client::wxopen::GetLinkedMiniProgramsError;
use wechat_api_client::{Client, DEFAULT_MAX_RESPONSE_BYTES, EXCERPT_LIMIT, Error, RetryPolicy};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A token as long as a real one (about 150 characters); its ends are unlike anything else.
const TOKEN: &str = "Tq9Z_85_kL2mXw7vB3nR0cY4dH6fJ1gP8sA5eU2iO9tW3yQ7uE0rT4zX6cV1bN8mK2jH5gF3dS9aL7pO0iU4yT6rE1wQ8zX3cV5bN7mM2kJ9hG4fD6sA1pL8oK3iJ5uH7yG0tF2rD4eS6wA9qzQLw";
/// An AppSecret (32 hex digits), likewise.
const APP_SECRET: &str = "5b1d0e9f4c3a27861d0e9f4c3a27c0de";
const LINKED: &str = "/cgi-bin/wxopen/wxamplinkget";
const STABLE_TOKEN: &str = "/cgi-bin/stable_token";

/// How many characters of a secret's start or end may show: fewer than the runtime's piece.
const PIECE: usize = 6;

/// The offsets tried: the secret ending just before the cut, through starting just after it.
fn offsets(secret: &str) -> std::ops::RangeInclusive<usize> {
    EXCERPT_LIMIT - secret.len() - 2..=EXCERPT_LIMIT + 2
}

/// Whether `text` shows the first or last [`PIECE`] characters of `secret`.
fn shows_piece_of(text: &str, secret: &str) -> bool {
    text.contains(&secret[..PIECE]) || text.contains(&secret[secret.len() - PIECE..])
}

/// Answers the n-th request with `status` and a body holding `secret` at the n-th offset
/// (padding before it, more text after, so the body runs past the cut).
struct EchoAtNextOffset {
    status: u16,
    secret: &'static str,
    next: AtomicUsize,
}

impl EchoAtNextOffset {
    fn new(status: u16, secret: &'static str) -> Self {
        Self {
            status,
            secret,
            next: AtomicUsize::new(*offsets(secret).start()),
        }
    }
}

impl Respond for EchoAtNextOffset {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let offset = self.next.fetch_add(1, Ordering::SeqCst);
        let body = format!(
            "{}{}{}",
            "<".repeat(offset),
            self.secret,
            ">".repeat(EXCERPT_LIMIT)
        );
        ResponseTemplate::new(self.status).set_body_string(body)
    }
}

fn token_client(server: &MockServer) -> Client {
    Client::builder()
        .access_token(TOKEN)
        .base_url(server.uri())
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
}

fn app_client(server: &MockServer) -> Client {
    Client::builder()
        .app_credentials("wx-appid", APP_SECRET)
        .base_url(server.uri())
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
}

/// Calls wxamplinkget once per offset of `secret` and checks that no error and no log line
/// shows a piece of it; returns the errors for the caller's own checks.
async fn errors_at_every_offset(
    client: &Client,
    secret: &str,
) -> Vec<Error<GetLinkedMiniProgramsError>> {
    let capture = Capture::default();
    let guard = capture.install();
    let mut errors = Vec::new();
    for offset in offsets(secret) {
        let error = client.get_linked_mini_programs().await.unwrap_err();
        for shown in [error.to_string(), format!("{error:?}")] {
            assert!(
                !shows_piece_of(&shown, secret),
                "offset {offset}: a piece of the secret shows in {shown}"
            );
        }
        errors.push(error);
    }
    drop(guard);
    let logs = capture.text();
    assert!(
        logs.contains("the call failed"),
        "the failures are logged:\n{logs}"
    );
    assert!(
        !shows_piece_of(&logs, secret),
        "a piece of the secret is in the logs"
    );
    errors
}

#[tokio::test]
async fn a_token_echoed_across_the_cut_of_an_http_status_excerpt_never_shows() {
    let server = MockServer::start().await;
    Mock::given(path(LINKED))
        .respond_with(EchoAtNextOffset::new(502, TOKEN))
        .mount(&server)
        .await;
    for error in errors_at_every_offset(&token_client(&server), TOKEN).await {
        assert!(
            matches!(error, Error::HttpStatus { status: 502, .. }),
            "{error:?}"
        );
    }
}

#[tokio::test]
async fn a_token_echoed_across_the_cut_of_a_body_that_does_not_decode_never_shows() {
    let server = MockServer::start().await;
    Mock::given(path(LINKED))
        .respond_with(EchoAtNextOffset::new(200, TOKEN))
        .mount(&server)
        .await;
    for error in errors_at_every_offset(&token_client(&server), TOKEN).await {
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    }
}

#[tokio::test]
async fn an_app_secret_echoed_across_the_cut_by_stable_token_never_shows() {
    // A gateway page (502) and a 200 that is not JSON, both echoing the AppSecret the token
    // fetch sent: the call fails with the token source's error, which carries them.
    for status in [502, 200] {
        let server = MockServer::start().await;
        Mock::given(path(STABLE_TOKEN))
            .respond_with(EchoAtNextOffset::new(status, APP_SECRET))
            .mount(&server)
            .await;
        // A new client per call: each fetches (none shares another's failure).
        let errors = {
            let capture = Capture::default();
            let guard = capture.install();
            let mut errors = Vec::new();
            for _ in offsets(APP_SECRET) {
                let error = app_client(&server)
                    .get_linked_mini_programs()
                    .await
                    .unwrap_err();
                errors.push(error);
            }
            drop(guard);
            assert!(!shows_piece_of(&capture.text(), APP_SECRET));
            errors
        };
        for (offset, error) in offsets(APP_SECRET).zip(&errors) {
            assert!(matches!(error, Error::TokenSource { .. }), "{error:?}");
            for shown in [error.to_string(), format!("{error:?}")] {
                assert!(
                    !shows_piece_of(&shown, APP_SECRET),
                    "status {status}, offset {offset}: {shown}"
                );
            }
        }
    }
}

#[tokio::test]
async fn callers_that_share_a_failed_token_fetch_see_no_piece_of_the_secret() {
    let server = MockServer::start().await;
    Mock::given(path(STABLE_TOKEN))
        .respond_with(EchoAtNextOffset::new(502, APP_SECRET).delay())
        .mount(&server)
        .await;
    let capture = Capture::default();
    let guard = capture.install();
    for offset in offsets(APP_SECRET) {
        let client = app_client(&server);
        // The second caller waits for the first one's fetch and is given its failure.
        let (first, second) = tokio::join!(
            client.get_linked_mini_programs(),
            client.get_linked_mini_programs()
        );
        let shared = [first.unwrap_err(), second.unwrap_err()]
            .iter()
            .map(|error| format!("{error} {error:?}"))
            .collect::<Vec<_>>();
        assert!(
            shared
                .iter()
                .any(|text| text.contains("the failure of a token fetch this call waited for")),
            "{shared:?}"
        );
        for text in shared {
            assert!(
                !shows_piece_of(&text, APP_SECRET),
                "offset {offset}: {text}"
            );
        }
    }
    drop(guard);
    assert!(!shows_piece_of(&capture.text(), APP_SECRET));
}

impl EchoAtNextOffset {
    /// Slows each answer, so that concurrent callers find a fetch under way.
    fn delay(self) -> Delayed {
        Delayed(self)
    }
}

struct Delayed(EchoAtNextOffset);

impl Respond for Delayed {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0.respond(request).set_delay(Duration::from_millis(20))
    }
}

/// `{"status":1}` items, 13 bytes each with the comma, filling `bytes` of body.
fn tiny_items_body(bytes: usize) -> String {
    let head = r#"{"errcode":0,"errmsg":"ok","wxopens":{"items":["#;
    let count = (bytes - head.len() - 3) / 13;
    let items = vec![r#"{"status":1}"#; count].join(",");
    format!("{head}{items}]}}}}")
}

#[tokio::test]
async fn a_body_under_the_limit_that_would_decode_into_many_times_its_size_is_refused() {
    let server = MockServer::start().await;
    let body = tiny_items_body(DEFAULT_MAX_RESPONSE_BYTES - 64);
    assert!(body.len() < DEFAULT_MAX_RESPONSE_BYTES);
    Mock::given(path(LINKED))
        .respond_with(ResponseTemplate::new(200).set_body_string(body))
        .mount(&server)
        .await;
    let error = token_client(&server)
        .get_linked_mini_programs()
        .await
        .unwrap_err();
    match &error {
        Error::DecodedTooLarge { operation, limit } => {
            assert_eq!(*operation, "wxamplinkget");
            assert_eq!(*limit, DEFAULT_MAX_RESPONSE_BYTES);
        }
        other => panic!("expected DecodedTooLarge, got {other:?}"),
    }
    assert!(error.to_string().contains("memory"), "{error}");

    // The same items under a bound they fit in decode: it is the size that is refused.
    let small = MockServer::start().await;
    Mock::given(path(LINKED))
        .respond_with(ResponseTemplate::new(200).set_body_string(tiny_items_body(64 * 1024)))
        .mount(&small)
        .await;
    let linked = token_client(&small)
        .get_linked_mini_programs()
        .await
        .unwrap();
    assert_eq!(linked.wxopens.items.len(), 5037);
}

#[tokio::test]
async fn the_errcode_survives_an_errmsg_that_is_not_valid_utf8() {
    let server = MockServer::start().await;
    let mut body = br#"{"errcode":40001,"errmsg":"invalid credential "#.to_vec();
    body.extend_from_slice(b"\xff\xfe\x00");
    body.extend_from_slice(br#" rid: 1"}"#);
    Mock::given(path(LINKED))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let error = token_client(&server)
        .get_linked_mini_programs()
        .await
        .unwrap_err();
    assert_eq!(error.errcode(), Some(40001), "{error:?}");
    assert!(error.is_token_rejected());
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        api.errmsg(),
        "invalid credential \u{fffd}\u{fffd}\\u{0} rid: 1"
    );
    // A body with a control character, and errmsg as a number, keep the code too.
    for body in [
        json!({"errcode": -1, "errmsg": "busy\u{7}"}),
        json!({"errcode": -1, "errmsg": 17}),
    ] {
        let server = MockServer::start().await;
        Mock::given(path(LINKED))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
        let error = token_client(&server)
            .get_linked_mini_programs()
            .await
            .unwrap_err();
        assert_eq!(error.errcode(), Some(-1), "{error:?}");
    }
}
