//! Two hosts in one client, on real servers on loopback: WeChat's `api.weixin.qq.com` and
//! WeCom's `qyapi.weixin.qq.com`, each with its base URL, failover and token kind. WeCom's
//! tokens come from the built-in `gettoken` source; a WeCom message is a tagged union on the
//! wire; an `errcode` sent as a string of digits is read as the number.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::json;
use std::time::Duration;
use wechat_api_client::mass::{MassAudience, MassMessage, SendMassMessageRequest, TextContent};
use wechat_api_client::prelude::*;
use wechat_api_client::wecom::{
    SendWecomMessageError, SendWecomMessageRequest, WecomMedia, WecomMessage, WecomText,
};
use wechat_api_client::{Client, ClientBuilder, Error, RetryPolicy, TokenKind, WecomTokenSource};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const WECOM_HOST: &str = "qyapi.weixin.qq.com";
const GETTOKEN: &str = "/cgi-bin/gettoken";
const WECOM_SEND: &str = "/cgi-bin/message/send";
const MASS_SEND: &str = "/cgi-bin/message/mass/sendall";

async fn requests_to(server: &MockServer, to: &str) -> Vec<Request> {
    let requests = server.received_requests().await.unwrap();
    requests
        .into_iter()
        .filter(|r| r.url.path() == to)
        .collect()
}

fn query_value(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// WeCom's `gettoken` on `server`, handing out `token`, slowly enough that concurrent callers
/// all arrive while it is under way.
async fn serve_gettoken(server: &MockServer, token: &str) {
    Mock::given(method("GET"))
        .and(path(GETTOKEN))
        .and(query_param("corpid", "ww-corp"))
        .and(query_param("corpsecret", "corp-secret"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}))
                .set_delay(Duration::from_millis(200)),
        )
        .mount(server)
        .await;
}

async fn serve_wecom_send(server: &MockServer, answer: serde_json::Value) {
    Mock::given(method("POST"))
        .and(path(WECOM_SEND))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(server)
        .await;
}

/// A client whose WeChat calls go to `wechat` and whose WeCom calls go to `wecom`.
fn two_host_builder(wechat: &MockServer, wecom: &MockServer) -> ClientBuilder {
    Client::builder()
        .access_token("account-token")
        .wecom_credentials("ww-corp", "corp-secret")
        .base_url(wechat.uri())
        .host_base_url(WECOM_HOST, wecom.uri())
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
}

fn text_message(content: &str) -> SendWecomMessageRequest {
    SendWecomMessageRequest::builder()
        .agentid(1000002)
        .touser("zhangsan|lisi")
        .message(WecomMessage::Text(WecomText {
            content: content.to_owned(),
        }))
        .build()
}

#[tokio::test]
async fn each_host_goes_to_its_own_base_url_with_its_own_token_kind() {
    let (wechat, wecom) = (MockServer::start().await, MockServer::start().await);
    serve_gettoken(&wecom, "wecom-token").await;
    serve_wecom_send(
        &wecom,
        json!({"errcode": 0, "errmsg": "ok", "msgid": "m-1"}),
    )
    .await;
    Mock::given(method("POST"))
        .and(path(MASS_SEND))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"errcode": 0, "msg_id": 34182})),
        )
        .mount(&wechat)
        .await;
    let client = two_host_builder(&wechat, &wecom).build().unwrap();

    let sent = client
        .send_wecom_message(text_message("hello"))
        .await
        .unwrap();
    assert_eq!(sent.msgid.as_deref(), Some("m-1"));
    let mass = SendMassMessageRequest::builder()
        .filter(MassAudience::Everyone)
        .message(MassMessage::Text(TextContent {
            content: "hi".to_owned(),
        }))
        .build();
    assert_eq!(client.send_mass_message(mass).await.unwrap().msg_id, 34182);

    // WeCom's calls reached only the WeCom server, with WeCom's token; WeChat's only the other.
    let wecom_sends = requests_to(&wecom, WECOM_SEND).await;
    assert_eq!(wecom_sends.len(), 1);
    assert_eq!(
        query_value(&wecom_sends[0], "access_token").as_deref(),
        Some("wecom-token")
    );
    assert_eq!(
        String::from_utf8_lossy(&wecom_sends[0].body),
        r#"{"touser":"zhangsan|lisi","agentid":1000002,"msgtype":"text","text":{"content":"hello"}}"#
    );
    let mass_sends = requests_to(&wechat, MASS_SEND).await;
    assert_eq!(mass_sends.len(), 1);
    assert_eq!(
        query_value(&mass_sends[0], "access_token").as_deref(),
        Some("account-token")
    );
    assert_eq!(
        String::from_utf8_lossy(&mass_sends[0].body),
        r#"{"filter":{"is_to_all":true},"msgtype":"text","text":{"content":"hi"}}"#
    );
    assert!(requests_to(&wechat, WECOM_SEND).await.is_empty());
    assert!(requests_to(&wechat, GETTOKEN).await.is_empty());
    assert!(requests_to(&wecom, MASS_SEND).await.is_empty());
}

#[tokio::test]
async fn concurrent_wecom_calls_share_one_gettoken_and_a_rejected_token_is_fetched_again() {
    let (wechat, wecom) = (MockServer::start().await, MockServer::start().await);
    serve_gettoken(&wecom, "wecom-token").await;
    serve_wecom_send(&wecom, json!({"errcode": 0, "errmsg": "ok"})).await;
    let client = two_host_builder(&wechat, &wecom).build().unwrap();

    let calls: Vec<_> = (0..8)
        .map(|n| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .send_wecom_message(text_message(&format!("m{n}")))
                    .await
            })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(requests_to(&wecom, GETTOKEN).await.len(), 1);
    assert_eq!(requests_to(&wecom, WECOM_SEND).await.len(), 8);

    // WeCom says the token expired (42001): the source fetches again and the call is sent once
    // more.
    wecom.reset().await;
    serve_gettoken(&wecom, "wecom-token-2").await;
    Mock::given(query_param("access_token", "wecom-token"))
        .and(path(WECOM_SEND))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 42001, "errmsg": "access_token expired"})),
        )
        .mount(&wecom)
        .await;
    Mock::given(query_param("access_token", "wecom-token-2"))
        .and(path(WECOM_SEND))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"errcode": 0})))
        .mount(&wecom)
        .await;
    client
        .send_wecom_message(text_message("again"))
        .await
        .unwrap();
    assert_eq!(requests_to(&wecom, GETTOKEN).await.len(), 1);
    assert_eq!(requests_to(&wecom, WECOM_SEND).await.len(), 2);
}

#[tokio::test]
async fn a_wecom_error_is_typed_and_a_string_errcode_is_read_as_its_number() {
    let (wechat, wecom) = (MockServer::start().await, MockServer::start().await);
    serve_gettoken(&wecom, "wecom-token").await;
    // Gateways send `"errcode": "0"`: still a success.
    serve_wecom_send(
        &wecom,
        json!({"errcode": "0", "errmsg": "ok", "invaliduser": "nobody"}),
    )
    .await;
    let client = two_host_builder(&wechat, &wecom).build().unwrap();
    let sent = client.send_wecom_message(text_message("hi")).await.unwrap();
    assert_eq!(sent.invaliduser.as_deref(), Some("nobody"));

    wecom.reset().await;
    serve_gettoken(&wecom, "wecom-token").await;
    serve_wecom_send(
        &wecom,
        json!({"errcode": "81013", "errmsg": "user & party & tag all invalid"}),
    )
    .await;
    let image = SendWecomMessageRequest::builder()
        .agentid(1000002)
        .totag("7")
        .message(WecomMessage::Image(WecomMedia {
            media_id: "MEDIA".to_owned(),
        }))
        .build();
    let error = client.send_wecom_message(image).await.unwrap_err();
    let Error::Api(error) = error else {
        panic!("not an API error: {error:?}");
    };
    assert_eq!(error.code(), 81013);
    assert!(
        !matches!(error, SendWecomMessageError::Undocumented { .. }),
        "{error:?}"
    );
    let sent = requests_to(&wecom, WECOM_SEND).await;
    assert_eq!(
        String::from_utf8_lossy(&sent[0].body),
        r#"{"totag":"7","agentid":1000002,"msgtype":"image","image":{"media_id":"MEDIA"}}"#
    );
}

/// A base URL where nothing listens: a port that was free a moment ago.
fn dead_base_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", listener.local_addr().unwrap())
}

#[tokio::test]
async fn a_host_fails_over_to_its_own_backup_and_the_other_host_is_untouched() {
    let (wechat, wecom_backup) = (MockServer::start().await, MockServer::start().await);
    serve_gettoken(&wecom_backup, "wecom-token").await;
    serve_wecom_send(&wecom_backup, json!({"errcode": 0})).await;
    Mock::given(path(MASS_SEND))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"errcode": 0, "msg_id": 1})))
        .mount(&wechat)
        .await;
    let client = Client::builder()
        .access_token("account-token")
        .wecom_credentials("ww-corp", "corp-secret")
        .base_url(wechat.uri())
        .host_base_url(WECOM_HOST, dead_base_url())
        .host_backup_base_url(WECOM_HOST, wecom_backup.uri())
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();

    client.send_wecom_message(text_message("hi")).await.unwrap();
    assert_eq!(requests_to(&wecom_backup, GETTOKEN).await.len(), 1);
    assert_eq!(requests_to(&wecom_backup, WECOM_SEND).await.len(), 1);

    // WeChat's host has no backup and its server is up: its calls still go there.
    let mass = SendMassMessageRequest::builder()
        .filter(MassAudience::Everyone)
        .message(MassMessage::Text(TextContent {
            content: "hi".to_owned(),
        }))
        .build();
    client.send_mass_message(mass).await.unwrap();
    assert_eq!(requests_to(&wechat, MASS_SEND).await.len(), 1);
    assert!(requests_to(&wecom_backup, MASS_SEND).await.is_empty());
}

#[tokio::test]
async fn a_client_without_a_wecom_source_sends_nothing_to_wecom() {
    let wecom = MockServer::start().await;
    let client = Client::builder()
        .access_token("account-token")
        .host_base_url(WECOM_HOST, wecom.uri())
        .build()
        .unwrap();
    let error = client
        .send_wecom_message(text_message("hi"))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::NoTokenSource { kind, .. } if *kind == TokenKind::WECOM_ACCESS_TOKEN),
        "{error:?}"
    );
    assert!(wecom.received_requests().await.unwrap().is_empty());
    // The account's token never went to WeCom.
    assert!(!format!("{error:?}").contains("account-token"));
}

#[tokio::test]
async fn a_wecom_source_built_by_hand_keeps_its_refresh_margin() {
    let wecom = MockServer::start().await;
    // A token of 3 s with a margin of 1 s is served for 2 s, then fetched again.
    Mock::given(path(GETTOKEN))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "short", "expires_in": 3})),
        )
        .mount(&wecom)
        .await;
    serve_wecom_send(&wecom, json!({"errcode": 0})).await;
    let client = Client::builder()
        .token_source_for_with(TokenKind::WECOM_ACCESS_TOKEN, |tokenless| {
            WecomTokenSource::new(tokenless, "ww-corp", "corp-secret")
                .refresh_margin(Duration::from_secs(1))
        })
        .host_base_url(WECOM_HOST, wecom.uri())
        .build()
        .unwrap();
    client.send_wecom_message(text_message("a")).await.unwrap();
    client.send_wecom_message(text_message("b")).await.unwrap();
    assert_eq!(requests_to(&wecom, GETTOKEN).await.len(), 1);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    client.send_wecom_message(text_message("c")).await.unwrap();
    assert_eq!(requests_to(&wecom, GETTOKEN).await.len(), 2);
}

#[tokio::test]
async fn a_failed_gettoken_is_a_token_source_error_without_the_secret() {
    let wecom = MockServer::start().await;
    // WeCom's errmsg may echo what it was sent.
    Mock::given(path(GETTOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"errcode": 40001, "errmsg": "invalid secret corpsecret=corp-secret-0123456789, hint: [x]"}),
        ))
        .mount(&wecom)
        .await;
    let client = Client::builder()
        .wecom_credentials("ww-corp", "corp-secret-0123456789")
        .host_base_url(WECOM_HOST, wecom.uri())
        .build()
        .unwrap();
    let error = client
        .send_wecom_message(text_message("hi"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::TokenSource { .. }), "{error:?}");
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("40001"), "{shown}");
    assert!(!shown.contains("corp-secret"), "{shown}");
    assert!(!shown.contains("0123456789"), "{shown}");
    assert!(requests_to(&wecom, WECOM_SEND).await.is_empty());
}
