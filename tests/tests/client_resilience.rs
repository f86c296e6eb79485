//! How the client rides out a busy server, a slow one, an oversized answer and a dead domain,
//! on real servers on loopback; and that every error says what happened in one line.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::json;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wechat_api_client::GlobalError;
use wechat_api_client::prelude::*;
use wechat_api_client::wxopen::GetLinkedMiniProgramsError;
use wechat_api_client::{Client, ClientBuilder, Error, RetryPolicy};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const LINKED: &str = "/cgi-bin/wxopen/wxamplinkget";
type CallError = Error<GetLinkedMiniProgramsError>;

/// Answers every request to `at` on `server` with `response`.
async fn serve(server: &MockServer, at: &str, response: ResponseTemplate) {
    Mock::given(path(at))
        .respond_with(response)
        .mount(server)
        .await;
}

fn answer(errcode: i64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"errcode": errcode, "errmsg": "from the test"}))
}

fn linked_ok() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"errcode": 0, "errmsg": "ok", "wxopens": {"items": []}}))
}

/// Retries that wait a millisecond or two, so the tests are about counts, not time.
fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(2))
}

fn builder(base_url: &str) -> ClientBuilder {
    Client::builder()
        .access_token("token")
        .base_url(base_url)
        .retry(quick_retries())
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

/// What every test checks of an error: its `Display` is one line.
fn one_line(error: &CallError) -> String {
    let shown = error.to_string();
    assert!(!shown.contains('\n'), "{shown:?}");
    shown
}

/// A server that answers `errcode` to the first `times` calls and succeeds after.
async fn busy_then_ok(errcode: i64, times: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path(LINKED))
        .respond_with(answer(errcode))
        .up_to_n_times(times)
        .with_priority(1)
        .mount(&server)
        .await;
    serve(&server, LINKED, linked_ok()).await;
    server
}

#[tokio::test]
async fn system_busy_twice_then_success_takes_three_requests() {
    let server = busy_then_ok(-1, 2).await;
    let client = builder(&server.uri()).build().unwrap();
    client.get_linked_mini_programs().await.unwrap();
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn the_per_minute_quota_is_retried_too() {
    let server = busy_then_ok(45011, 1).await;
    let client = builder(&server.uri()).build().unwrap();
    client.get_linked_mini_programs().await.unwrap();
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn system_busy_forever_stops_at_the_attempt_bound() {
    let server = busy_then_ok(-1, u64::MAX).await;
    let client = builder(&server.uri())
        .retry(quick_retries().max_attempts(3))
        .build()
        .unwrap();
    let error = client.get_linked_mini_programs().await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Api(GetLinkedMiniProgramsError::Global(
                GlobalError::SystemBusy { .. }
            ))
        ),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert_eq!(
        one_line(&error),
        "WeChat API error: errcode -1: from the test (The system is busy; retry later.)"
    );
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn the_time_bound_stops_retries_before_the_attempt_bound() {
    let server = busy_then_ok(-1, u64::MAX).await;
    // The first wait would be at least 500 ms, past the 100 ms the call may take.
    let policy = RetryPolicy::default()
        .max_attempts(10)
        .initial_backoff(Duration::from_secs(1))
        .max_elapsed(Duration::from_millis(100));
    let client = builder(&server.uri()).retry(policy).build().unwrap();
    let started = Instant::now();
    client.get_linked_mini_programs().await.unwrap_err();
    assert_eq!(requests(&server).await, 1);
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "it did not wait"
    );
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let server = busy_then_ok(-1, 1).await;
    let client = builder(&server.uri())
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    client.get_linked_mini_programs().await.unwrap_err();
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn an_undocumented_or_final_error_is_not_retried() {
    let server = busy_then_ok(48001, u64::MAX).await;
    let client = builder(&server.uri()).build().unwrap();
    let error = client.get_linked_mini_programs().await.unwrap_err();
    assert_eq!(error.errcode(), Some(48001));
    assert_eq!(requests(&server).await, 1);
}

async fn slow_server() -> MockServer {
    let server = MockServer::start().await;
    serve(
        &server,
        LINKED,
        linked_ok().set_delay(Duration::from_secs(5)),
    )
    .await;
    server
}

#[tokio::test]
async fn a_timeout_is_its_own_error_and_is_not_sent_again() {
    let server = slow_server().await;
    let client = builder(&server.uri())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = client.get_linked_mini_programs().await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert_eq!(
        one_line(&error),
        "wxamplinkget timed out after 200ms without a complete answer"
    );
    assert!(!error.is_retryable());
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn a_timeout_is_sent_again_when_the_caller_opts_in() {
    let server = slow_server().await;
    let client = builder(&server.uri())
        .timeout(Duration::from_millis(200))
        .retry(quick_retries().max_attempts(2).retry_timeouts(true))
        .build()
        .unwrap();
    let error = client.get_linked_mini_programs().await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let server = MockServer::start().await;
    let padding = "x".repeat(4096);
    serve(
        &server,
        LINKED,
        ResponseTemplate::new(200)
            .set_body_json(json!({"errcode": 0, "wxopens": {"items": []}, "padding": padding})),
    )
    .await;
    let limited = |limit| {
        builder(&server.uri())
            .max_response_bytes(limit)
            .build()
            .unwrap()
    };

    let error = limited(1024).get_linked_mini_programs().await.unwrap_err();
    assert!(
        matches!(error, Error::BodyTooLarge { limit: 1024, .. }),
        "{error:?}"
    );
    assert_eq!(
        one_line(&error),
        "the response of wxamplinkget is larger than the limit of 1024 bytes"
    );
    limited(8192).get_linked_mini_programs().await.unwrap();
}

/// A hostile server: a 200 whose chunked body never ends (no length to refuse it by).
async fn endless_body_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("400\r\n{}\r\n", " ".repeat(0x400));
                while socket.write_all(chunk.as_bytes()).await.is_ok() {}
            });
        }
    });
    format!("http://{address}")
}

#[tokio::test]
async fn an_endless_body_is_cut_at_the_limit() {
    let base = endless_body_server().await;
    let client = builder(&base)
        .max_response_bytes(64 * 1024)
        .build()
        .unwrap();
    let error = client.get_linked_mini_programs().await.unwrap_err();
    assert!(matches!(error, Error::BodyTooLarge { .. }), "{error:?}");
}

/// A base URL where nothing listens: a port that was free a moment ago.
fn dead_base_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", listener.local_addr().unwrap())
}

#[tokio::test]
async fn a_failed_connect_fails_over_to_the_backup_on_the_next_attempt() {
    let backup = MockServer::start().await;
    serve(&backup, LINKED, linked_ok()).await;
    let client = builder(&dead_base_url())
        .backup_base_url(backup.uri())
        .build()
        .unwrap();
    client.get_linked_mini_programs().await.unwrap();
    assert_eq!(requests(&backup).await, 1);
}

#[tokio::test]
async fn later_calls_stay_on_the_backup_for_the_cooldown() {
    let backup = MockServer::start().await;
    serve(&backup, LINKED, linked_ok()).await;
    // Without retries a call makes one attempt, so the second call can only succeed if it
    // goes straight to the backup.
    let client = |cooldown| {
        builder(&dead_base_url())
            .backup_base_url(backup.uri())
            .failover_cooldown(cooldown)
            .retry(RetryPolicy::disabled())
            .build()
            .unwrap()
    };
    let sticky = client(Duration::from_secs(60));
    sticky.get_linked_mini_programs().await.unwrap_err();
    sticky.get_linked_mini_programs().await.unwrap();
    assert_eq!(requests(&backup).await, 1);

    let forgetful = client(Duration::ZERO);
    forgetful.get_linked_mini_programs().await.unwrap_err();
    forgetful.get_linked_mini_programs().await.unwrap_err();
    assert_eq!(
        requests(&backup).await,
        1,
        "with no cooldown, calls start at the primary"
    );
}

#[tokio::test]
async fn the_next_attempt_fails_over_even_with_no_cooldown() {
    let backup = MockServer::start().await;
    serve(&backup, LINKED, linked_ok()).await;
    let client = builder(&dead_base_url())
        .backup_base_url(backup.uri())
        .failover_cooldown(Duration::ZERO)
        .build()
        .unwrap();
    client.get_linked_mini_programs().await.unwrap();
    assert_eq!(requests(&backup).await, 1);
}

#[tokio::test]
async fn without_a_backup_a_dead_domain_is_a_connect_error_after_the_retries() {
    let client = builder(&dead_base_url()).build().unwrap();
    let error = client.get_linked_mini_programs().await.unwrap_err();
    assert!(
        matches!(error, Error::Transport { sent: false, .. }),
        "{error:?}"
    );
    assert!(
        one_line(&error).starts_with("cannot connect to the server for wxamplinkget: "),
        "{error}"
    );
}

#[tokio::test]
async fn an_http_status_and_an_undecodable_body_are_one_line_errors_with_an_excerpt() {
    let server = MockServer::start().await;
    serve(
        &server,
        LINKED,
        ResponseTemplate::new(502).set_body_string("<html>\nbad gateway\n</html>"),
    )
    .await;
    let error = builder(&server.uri())
        .build()
        .unwrap()
        .get_linked_mini_programs()
        .await
        .unwrap_err();
    assert_eq!(
        one_line(&error),
        r#"HTTP status 502 from wxamplinkget; body starts: "<html>\nbad gateway\n</html>""#
    );
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let elsewhere = MockServer::start().await;
    serve(&elsewhere, LINKED, linked_ok()).await;
    let server = MockServer::start().await;
    serve(
        &server,
        LINKED,
        ResponseTemplate::new(307)
            .insert_header("location", format!("{}{LINKED}", elsewhere.uri())),
    )
    .await;
    let error = builder(&server.uri())
        .build()
        .unwrap()
        .get_linked_mini_programs()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::HttpStatus { status: 307, .. }),
        "{error:?}"
    );
    assert_eq!(requests(&elsewhere).await, 0, "the token went elsewhere");
}

#[tokio::test]
async fn an_errmsg_stays_one_bounded_line() {
    let server = MockServer::start().await;
    let errmsg = format!("line one\nline two {}", "x".repeat(5000));
    serve(
        &server,
        LINKED,
        ResponseTemplate::new(200).set_body_json(json!({"errcode": 1005, "errmsg": errmsg})),
    )
    .await;
    let error = builder(&server.uri())
        .build()
        .unwrap()
        .get_linked_mini_programs()
        .await
        .unwrap_err();
    let shown = one_line(&error);
    assert!(
        shown.starts_with("WeChat API error: errcode 1005: line one\\nline two xxx"),
        "{shown}"
    );
    assert!(shown.len() < 1000, "{} bytes", shown.len());
}
