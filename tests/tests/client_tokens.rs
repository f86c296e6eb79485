//! Where the client's tokens come from, on a real server on loopback: a rejected token is
//! replaced and the call sent once more, never twice; the built-in `stable_token` source caches,
//! refreshes ahead of expiry and is fetched once for many concurrent callers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wechat_api_client::GlobalError;
use wechat_api_client::base::GetStableAccessTokenError;
use wechat_api_client::prelude::*;
use wechat_api_client::wxopen::GetLinkedMiniProgramsError;
use wechat_api_client::{AccessToken, Client, Error, RetryPolicy, TokenSource, TokenSourceError};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const LINKED: &str = "/cgi-bin/wxopen/wxamplinkget";
const STABLE_TOKEN: &str = "/cgi-bin/stable_token";

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

/// A `stable_token` answer as WeChat sends it: no `errcode` at all.
fn stable_token(token: &str, expires_in: i64) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"access_token": token, "expires_in": expires_in}))
}

async fn requests_to(server: &MockServer, to: &str) -> Vec<wiremock::Request> {
    let requests = server.received_requests().await.unwrap();
    requests
        .into_iter()
        .filter(|r| r.url.path() == to)
        .collect()
}

/// The `access_token` of each request to wxamplinkget, in order.
async fn tokens_sent(server: &MockServer) -> Vec<String> {
    let requests = requests_to(server, LINKED).await;
    let token_of = |request: &wiremock::Request| -> String {
        let pairs = request.url.query_pairs();
        pairs
            .filter(|(k, _)| k == "access_token")
            .map(|(_, v)| v.into_owned())
            .collect()
    };
    requests.iter().map(token_of).collect()
}

/// A token service that hands out `t1`, then `t2`, … each time the current one is rejected.
#[derive(Clone, Default)]
struct Rotating {
    current: Arc<Mutex<u32>>,
    invalidated: Arc<Mutex<Vec<String>>>,
}

impl TokenSource for Rotating {
    async fn token(&self) -> Result<AccessToken, TokenSourceError> {
        Ok(AccessToken::new(format!(
            "t{}",
            *self.current.lock().unwrap() + 1
        )))
    }

    async fn invalidate(&self, rejected: &AccessToken) {
        self.invalidated
            .lock()
            .unwrap()
            .push(rejected.expose_secret().to_owned());
        *self.current.lock().unwrap() += 1;
    }
}

fn client_with(source: impl TokenSource, server: &MockServer) -> Client {
    Client::builder()
        .token_source(source)
        .base_url(server.uri())
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_expired_token_is_replaced_and_the_call_sent_once_more() {
    let server = MockServer::start().await;
    Mock::given(path(LINKED))
        .and(query_param("access_token", "t1"))
        .respond_with(answer(42001))
        .mount(&server)
        .await;
    Mock::given(path(LINKED))
        .and(query_param("access_token", "t2"))
        .respond_with(linked_ok())
        .mount(&server)
        .await;
    let source = Rotating::default();
    let client = client_with(source.clone(), &server);

    client.get_linked_mini_programs().await.unwrap();

    assert_eq!(tokens_sent(&server).await, ["t1", "t2"]);
    assert_eq!(*source.invalidated.lock().unwrap(), ["t1"]);
}

#[tokio::test]
async fn a_second_token_error_is_returned_after_exactly_two_requests() {
    let server = MockServer::start().await;
    serve(&server, LINKED, answer(40001)).await;
    let source = Rotating::default();
    let client = client_with(source.clone(), &server);

    let error = client.get_linked_mini_programs().await.unwrap_err();

    assert!(
        matches!(
            error,
            Error::Api(GetLinkedMiniProgramsError::Global(
                GlobalError::InvalidCredential { .. }
            ))
        ),
        "{error:?}"
    );
    assert!(error.is_token_rejected() && !error.is_retryable());
    assert_eq!(tokens_sent(&server).await, ["t1", "t2"]);
    assert_eq!(*source.invalidated.lock().unwrap(), ["t1"]);
}

#[tokio::test]
async fn a_static_token_that_is_rejected_is_not_sent_again() {
    let server = MockServer::start().await;
    serve(&server, LINKED, answer(40014)).await;
    let client = Client::builder()
        .access_token("fixed")
        .base_url(server.uri())
        .build()
        .unwrap();

    let error = client.get_linked_mini_programs().await.unwrap_err();

    assert_eq!(error.errcode(), Some(40014));
    assert_eq!(
        requests_to(&server, LINKED).await.len(),
        1,
        "the same token would fail again"
    );
}

/// A client that gets its tokens from `stable_token` on `server`, retrying quickly.
fn app_client(server: &MockServer) -> Client {
    Client::builder()
        .app_credentials("wx-appid", "app-secret")
        .base_url(server.uri())
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn concurrent_callers_share_one_stable_token_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(STABLE_TOKEN))
        .and(body_json(
            json!({"grant_type": "client_credential", "appid": "wx-appid", "secret": "app-secret"}),
        ))
        // Slow, so that every caller arrives while the first fetch is under way.
        .respond_with(stable_token("stable-1", 7200).set_delay(Duration::from_millis(300)))
        .mount(&server)
        .await;
    Mock::given(path(LINKED))
        .and(query_param("access_token", "stable-1"))
        .respond_with(linked_ok())
        .mount(&server)
        .await;
    let client = app_client(&server);

    let calls: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_linked_mini_programs().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }

    assert_eq!(requests_to(&server, STABLE_TOKEN).await.len(), 1);
    assert_eq!(requests_to(&server, LINKED).await.len(), 8);
}

#[tokio::test]
async fn a_cached_token_is_fetched_again_ahead_of_its_expiry() {
    let server = MockServer::start().await;
    // A 2-second token is served from the cache for half its life (the margin is longer).
    serve(&server, STABLE_TOKEN, stable_token("short-lived", 2)).await;
    serve(&server, LINKED, linked_ok()).await;
    let client = app_client(&server);

    client.get_linked_mini_programs().await.unwrap();
    client.get_linked_mini_programs().await.unwrap();
    assert_eq!(
        requests_to(&server, STABLE_TOKEN).await.len(),
        1,
        "the second call uses the cache"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.get_linked_mini_programs().await.unwrap();
    assert_eq!(
        requests_to(&server, STABLE_TOKEN).await.len(),
        2,
        "refreshed before it expired"
    );
}

#[tokio::test]
async fn a_rejected_stable_token_returned_again_is_force_refreshed() {
    let server = MockServer::start().await;
    let normal =
        json!({"grant_type": "client_credential", "appid": "wx-appid", "secret": "app-secret"});
    let forced = json!({"grant_type": "client_credential", "appid": "wx-appid", "secret": "app-secret", "force_refresh": true});
    Mock::given(path(STABLE_TOKEN))
        .and(body_json(normal))
        .respond_with(stable_token("tok-A", 7200))
        .mount(&server)
        .await;
    Mock::given(path(STABLE_TOKEN))
        .and(body_json(forced))
        .respond_with(stable_token("tok-B", 7200))
        .mount(&server)
        .await;
    Mock::given(path(LINKED))
        .and(query_param("access_token", "tok-A"))
        .respond_with(answer(40001))
        .mount(&server)
        .await;
    Mock::given(path(LINKED))
        .and(query_param("access_token", "tok-B"))
        .respond_with(linked_ok())
        .mount(&server)
        .await;
    let client = app_client(&server);

    client.get_linked_mini_programs().await.unwrap();

    let fetches = requests_to(&server, STABLE_TOKEN).await;
    let forced: Vec<bool> = fetches
        .iter()
        .map(|r| r.body_json::<serde_json::Value>().unwrap()["force_refresh"] == json!(true))
        .collect();
    assert_eq!(
        forced,
        [false, false, true],
        "normal mode first, forced only when it returned tok-A"
    );
    assert_eq!(requests_to(&server, LINKED).await.len(), 2);
}

#[tokio::test]
async fn a_failing_token_source_is_its_own_error_and_nothing_is_sent() {
    let server = MockServer::start().await;
    serve(&server, STABLE_TOKEN, answer(40125)).await;
    serve(&server, LINKED, linked_ok()).await;

    let error = app_client(&server)
        .get_linked_mini_programs()
        .await
        .unwrap_err();

    let Error::TokenSource { operation, source } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(*operation, "wxamplinkget");
    let inner = source
        .inner()
        .downcast_ref::<Error<GetStableAccessTokenError>>();
    assert!(
        matches!(
            inner,
            Some(Error::Api(
                GetStableAccessTokenError::InvalidAppsecret { .. }
            ))
        ),
        "{inner:?}"
    );
    assert!(
        error.to_string().starts_with(
            "cannot get an access token for wxamplinkget: WeChat API error: errcode 40125"
        ),
        "{error}"
    );
    assert!(requests_to(&server, LINKED).await.is_empty());
}

#[tokio::test]
async fn a_client_without_a_token_cannot_call_an_endpoint_that_needs_one() {
    let server = MockServer::start().await;
    serve(&server, STABLE_TOKEN, stable_token("direct", 7200)).await;
    let client = Client::builder()
        .without_token()
        .base_url(server.uri())
        .build()
        .unwrap();

    let direct = client
        .get_stable_access_token(
            wechat_api_client::base::GetStableAccessTokenRequest::builder()
                .grant_type("client_credential")
                .appid("wx-appid")
                .secret("app-secret")
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(
        (direct.access_token.expose_secret(), direct.expires_in),
        ("direct", 7200)
    );

    let error = client.get_linked_mini_programs().await.unwrap_err();
    assert!(
        matches!(error, Error::NoTokenSource { operation: "wxamplinkget", kind } if kind == wechat_api_client::TokenKind::ACCESS_TOKEN),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "wxamplinkget takes a token of kind `access_token`, and the client has no source of that kind"
    );
    assert!(requests_to(&server, LINKED).await.is_empty());
}

#[tokio::test]
async fn callers_waiting_for_a_failed_fetch_share_its_failure() {
    let server = MockServer::start().await;
    serve(
        &server,
        STABLE_TOKEN,
        answer(40125).set_delay(Duration::from_millis(300)),
    )
    .await;
    let client = app_client(&server);

    let calls: Vec<_> = (0..5)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_linked_mini_programs().await })
        })
        .collect();
    for call in calls {
        let error = call.await.unwrap().unwrap_err();
        assert!(matches!(error, Error::TokenSource { .. }), "{error:?}");
        assert!(error.to_string().contains("errcode 40125"), "{error}");
    }
    assert_eq!(requests_to(&server, STABLE_TOKEN).await.len(), 1);
}

#[tokio::test]
async fn a_rejection_that_is_not_about_the_token_forces_one_refresh_only() {
    let server = MockServer::start().await;
    let forced = json!({"grant_type": "client_credential", "appid": "wx-appid", "secret": "app-secret", "force_refresh": true});
    Mock::given(path(STABLE_TOKEN))
        .and(body_json(forced))
        .respond_with(stable_token("tok-B", 7200))
        .with_priority(1)
        .mount(&server)
        .await;
    serve(&server, STABLE_TOKEN, stable_token("tok-A", 7200)).await;
    // Every token is refused: the account, not the token, is wrong.
    serve(&server, LINKED, answer(40001)).await;
    let client = app_client(&server);

    for _ in 0..3 {
        let error = client.get_linked_mini_programs().await.unwrap_err();
        assert_eq!(error.errcode(), Some(40001), "{error:?}");
    }
    let forced = requests_to(&server, STABLE_TOKEN)
        .await
        .iter()
        .filter(|r| r.body_json::<serde_json::Value>().unwrap()["force_refresh"] == json!(true))
        .count();
    assert_eq!(forced, 1, "each force spends one of 20 a day");
}

#[tokio::test]
async fn a_token_refresh_does_not_use_up_a_retry() {
    let server = MockServer::start().await;
    Mock::given(path(LINKED))
        .and(query_param("access_token", "t1"))
        .respond_with(answer(42001))
        .mount(&server)
        .await;
    Mock::given(path(LINKED))
        .and(query_param("access_token", "t2"))
        .respond_with(answer(-1))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path(LINKED))
        .and(query_param("access_token", "t2"))
        .respond_with(linked_ok())
        .mount(&server)
        .await;
    // Two attempts: the busy answer after the refresh still has its one retry.
    let client = Client::builder()
        .token_source(Rotating::default())
        .base_url(server.uri())
        .retry(
            RetryPolicy::default()
                .max_attempts(2)
                .initial_backoff(Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    client.get_linked_mini_programs().await.unwrap();
    assert_eq!(requests_to(&server, LINKED).await.len(), 3);
}

#[tokio::test]
async fn an_absurd_expires_in_is_survived() {
    let server = MockServer::start().await;
    serve(&server, STABLE_TOKEN, stable_token("forever", i64::MAX)).await;
    serve(&server, LINKED, linked_ok()).await;
    app_client(&server)
        .get_linked_mini_programs()
        .await
        .unwrap();
}
