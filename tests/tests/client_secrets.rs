//! The access token and the app secret never show: a subscriber captures everything at TRACE
//! (tracing events and spans, and `log` records of the HTTP stack through `tracing-log`) while
//! successful and failing calls run; then neither string may appear in the capture, nor in any
//! error's `Display` or `Debug`. The same capture shows the call span's fields.
//!
//! One test in its own binary: the subscriber is global to the process.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod capture;

use capture::Capture;
use serde_json::json;
use std::time::Duration;
use tracing_subscriber::fmt::format::FmtSpan;
use wechat_api_client::prelude::*;
use wechat_api_client::wxopen::GetLinkedMiniProgramsError;
use wechat_api_client::{Client, Error, RetryPolicy};
use wiremock::matchers::{path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const APP_SECRET: &str = "app-secret-5b1d0e";
const TOKEN_1: &str = "token-one-93ac7f";
const TOKEN_2: &str = "token-two-c42e18";
const LINKED: &str = "/cgi-bin/wxopen/wxamplinkget";
const STABLE_TOKEN: &str = "/cgi-bin/stable_token";

/// Answers every request to `at` on `server` with `response`.
async fn serve(server: &MockServer, at: &str, response: ResponseTemplate) {
    Mock::given(path(at))
        .respond_with(response)
        .mount(server)
        .await;
}

fn stable_token(token: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"access_token": token, "expires_in": 7200}))
}

fn answer(errcode: i64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"errcode": errcode, "errmsg": "test"}))
}

fn app_client(base_url: &str) -> Client {
    Client::builder()
        .app_credentials("wx-appid", APP_SECRET)
        .base_url(base_url)
        .timeout(Duration::from_millis(300))
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap()
}

/// Calls wxamplinkget with an app-credentials client on `server`, expecting a failure.
async fn failed_call(server: &MockServer) -> Error<GetLinkedMiniProgramsError> {
    app_client(&server.uri())
        .get_linked_mini_programs()
        .await
        .unwrap_err()
}

#[tokio::test]
async fn no_token_or_secret_reaches_logs_spans_or_errors() {
    let capture = Capture::default();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_writer(capture.clone())
        .try_init()
        .unwrap();
    let mut shown = Vec::new();

    // A token that expires (refreshed through stable_token), a busy answer, then success.
    let server = MockServer::start().await;
    Mock::given(path(STABLE_TOKEN))
        .respond_with(stable_token(TOKEN_1))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    serve(&server, STABLE_TOKEN, stable_token(TOKEN_2)).await;
    Mock::given(path(LINKED))
        .and(query_param("access_token", TOKEN_1))
        .respond_with(answer(42001))
        .mount(&server)
        .await;
    Mock::given(path(LINKED))
        .and(query_param("access_token", TOKEN_2))
        .respond_with(answer(-1))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path(LINKED))
        .and(query_param("access_token", TOKEN_2))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"errcode": 0, "wxopens": {}})),
        )
        .mount(&server)
        .await;
    let client = app_client(&server.uri());
    client.get_linked_mini_programs().await.unwrap();
    shown.push(format!("{client:?}"));

    // A stable_token answer that does not decode, with the token in it.
    let broken = MockServer::start().await;
    serve(
        &broken,
        STABLE_TOKEN,
        ResponseTemplate::new(200)
            .set_body_json(json!({"access_token": TOKEN_1, "expires_in": "soon"})),
    )
    .await;
    let error = failed_call(&broken).await;
    shown.push(format!("{error} {error:?}"));

    // A slow server, and a dead one: errors from the HTTP stack, whose URL held the token.
    let slow = MockServer::start().await;
    serve(&slow, STABLE_TOKEN, stable_token(TOKEN_1)).await;
    serve(&slow, LINKED, answer(0).set_delay(Duration::from_secs(5))).await;
    let error = failed_call(&slow).await;
    shown.push(format!("{error} {error:?}"));
    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let error = Client::builder()
        .access_token(TOKEN_2)
        .base_url(dead)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
        .get_linked_mini_programs()
        .await
        .unwrap_err();
    shown.push(format!("{error} {error:?}"));

    // Servers that echo what they were sent: a gateway page with the URL, an errmsg with the
    // secret. The values are cut out of what the errors keep.
    let echoing = MockServer::start().await;
    serve(&echoing, STABLE_TOKEN, stable_token(TOKEN_1)).await;
    serve(
        &echoing,
        LINKED,
        ResponseTemplate::new(502).set_body_string(format!(
            "<p>upstream failed for {LINKED}?access_token={TOKEN_1}</p>"
        )),
    )
    .await;
    let error = failed_call(&echoing).await;
    assert!(
        error.to_string().contains("access_token=<redacted>"),
        "{error}"
    );
    shown.push(format!("{error} {error:?}"));
    let echoing = MockServer::start().await;
    serve(
        &echoing,
        STABLE_TOKEN,
        ResponseTemplate::new(200).set_body_json(
            json!({"errcode": 40125, "errmsg": format!("invalid appsecret {APP_SECRET}")}),
        ),
    )
    .await;
    let error = failed_call(&echoing).await;
    assert!(
        error.to_string().contains("invalid appsecret <redacted>"),
        "{error}"
    );
    shown.push(format!("{error} {error:?}"));

    let logs = capture.text();
    for secret in [APP_SECRET, TOKEN_1, TOKEN_2] {
        assert!(!logs.contains(secret), "{secret} is in the logs:\n{logs}");
        for text in &shown {
            assert!(!text.contains(secret), "{secret} is shown: {text}");
        }
    }
    // The capture is not empty by accident: the call span and its fields, the redacted URL,
    // the refresh and the retry are all there.
    for expected in [
        // (The fmt subscriber lists a field again each time it is recorded.)
        "wechat_api{operation=\"wxamplinkget\" attempt=1 attempt=2 attempt=3 errcode=0}: ",
        "wechat_api{operation=\"stable_token\" attempt=1 errcode=0}: ",
        "errcode=none",
        "access_token=<redacted>",
        "the access token was rejected",
        "retrying",
        "<withheld: the body may carry a secret field>",
    ] {
        assert!(
            logs.contains(expected),
            "{expected:?} is not in the logs:\n{logs}"
        );
    }
}
