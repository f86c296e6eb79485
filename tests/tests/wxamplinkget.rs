//! The generated client for wxamplinkget against a real HTTP server on loopback.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::{Value, json};
use std::time::Duration;
use wechat_api_client::prelude::*;
use wechat_api_client::wxopen::{
    FuncId, GetLinkedMiniProgramsError, GetLinkedMiniProgramsResponse, LinkSource, LinkStatus,
};
use wechat_api_client::{Client, Error, RetryPolicy};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "SECRET-token-7f3a9c";
const PATH: &str = "/cgi-bin/wxopen/wxamplinkget";
/// The corrected official example (fixtures/wxamplinkget/doc-example.response.json in the
/// team's shared material), copied here so the repository stands alone.
const DOC_EXAMPLE: &str = include_str!("data/wxamplinkget.doc-example.response.json");

/// Sends each call once: these tests are about one answer (retries are tested in `client.rs`).
fn client(server: &MockServer) -> Client {
    Client::builder()
        .access_token(TOKEN)
        .base_url(server.uri())
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
}

async fn server_answering(body: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .respond_with(body)
        .mount(&server)
        .await;
    server
}

type CallError = Error<GetLinkedMiniProgramsError>;

/// Calls wxamplinkget on a server that gives this answer, expecting success.
async fn succeeds_with(answer: ResponseTemplate) -> GetLinkedMiniProgramsResponse {
    let server = server_answering(answer).await;
    client(&server).get_linked_mini_programs().await.unwrap()
}

/// Calls wxamplinkget on a server that gives this answer, expecting an error.
async fn fails_with(answer: ResponseTemplate) -> CallError {
    let server = server_answering(answer).await;
    client(&server)
        .get_linked_mini_programs()
        .await
        .unwrap_err()
}

/// Nothing a caller might print may contain the token.
fn assert_no_token(error: &CallError) {
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(TOKEN), "the token leaked: {shown}");
}

#[tokio::test]
async fn sends_the_token_as_query_parameter_and_an_empty_json_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .and(query_param("access_token", TOKEN))
        .and(body_json(json!({})))
        .respond_with(ResponseTemplate::new(200).set_body_string(DOC_EXAMPLE))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).get_linked_mini_programs().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].headers.get("content-type").unwrap(),
        "application/json"
    );
}

#[tokio::test]
async fn the_documented_example_decodes_into_the_typed_response() {
    let response = succeeds_with(ResponseTemplate::new(200).set_body_string(DOC_EXAMPLE)).await;
    let items = &response.wxopens.items;
    assert_eq!(items.len(), 2);

    let linked = &items[0];
    assert_eq!(linked.status, LinkStatus::Linked);
    assert_eq!(linked.username.as_deref(), Some("gh_xxxxxxxxx"));
    assert_eq!(linked.appid.as_deref(), Some("xxxxx"));
    assert_eq!(linked.source, Some(LinkSource::Normal));
    assert_eq!(linked.selected, Some(true));
    assert_eq!(linked.nearby_display_status, Some(false));
    assert_eq!(linked.released, Some(true));
    assert_eq!(linked.copy_verify_status, Some(1));
    assert_eq!(linked.email.as_deref(), Some("xxxx@qq.com"));
    let funcs = linked.func_infos.as_deref().unwrap();
    assert_eq!(
        funcs.iter().map(|f| f.id).collect::<Vec<_>>(),
        [FuncId::WechatVerification, FuncId::WechatPay]
    );
    assert!(funcs.iter().all(|f| f.opened == Some(false)));
    assert_eq!(funcs[1].name.as_deref(), Some("微信支付"));

    let refused = &items[1];
    assert_eq!(refused.status, LinkStatus::RefusedByMiniProgramAdmin);
    assert_eq!(refused.appid, None);
    assert_eq!(refused.selected, None);
    assert_eq!(refused.func_infos.as_deref(), Some(&[][..]));
}

#[tokio::test]
async fn an_item_with_only_status_decodes() {
    let body = json!({"errcode": 0, "errmsg": "ok", "wxopens": {"items": [{"status": 12}]}});
    let response = succeeds_with(ResponseTemplate::new(200).set_body_json(body)).await;
    let item = &response.wxopens.items[0];
    assert_eq!(item.status, LinkStatus::AwaitingOfficialAccountAdmin);
    assert_eq!(
        (
            item.username.as_ref(),
            item.func_infos.as_ref(),
            item.source.as_ref()
        ),
        (None, None, None)
    );
}

#[tokio::test]
async fn a_success_without_wxopens_is_an_empty_list() {
    let response = succeeds_with(
        ResponseTemplate::new(200).set_body_json(json!({"errcode": 0, "errmsg": "ok"})),
    )
    .await;
    assert!(response.wxopens.items.is_empty());
}

#[tokio::test]
async fn undocumented_status_and_source_values_decode_and_survive_re_encoding() {
    let item = json!({"status": 4, "source": "SOURCE_SOMETHING_NEW", "nickname": "n", "unknown_field": [1, 2]});
    let body = json!({"errcode": 0, "errmsg": "ok", "wxopens": {"items": [item]}});
    let response = succeeds_with(ResponseTemplate::new(200).set_body_json(body)).await;
    let decoded = &response.wxopens.items[0];
    assert_eq!(decoded.status, LinkStatus::Unknown(4));
    assert_eq!(
        decoded.source,
        Some(LinkSource::Unknown("SOURCE_SOMETHING_NEW".to_owned()))
    );
    // The unknown values convert back to exactly what was received, which is what a caller
    // sending them on (or storing them) needs. Response types derive only `Deserialize`; the
    // generated crate's own example test re-encodes whole responses.
    assert_eq!(i64::from(decoded.status), 4);
    assert_eq!(
        decoded.source.clone().map(String::from).as_deref(),
        Some("SOURCE_SOMETHING_NEW")
    );
    assert_eq!(decoded.nickname.as_deref(), Some("n"));
}

/// The codes, variant names and errmsgs of wxamplinkget's error enum, read from the specs
/// through the generator's own front end, so the test covers exactly what the spec documents.
fn documented_errors() -> Vec<codegen::ir::ErrorVariant> {
    wxamplinkget_ir().error.variants
}

/// wxamplinkget as the generator's front end reads it from `specs/`.
fn wxamplinkget_ir() -> codegen::ir::Endpoint {
    common::endpoint_ir("wxamplinkget")
}

#[tokio::test]
async fn each_documented_errcode_maps_to_its_variant() {
    let variants = documented_errors();
    assert!(variants.len() >= 9, "the global set should be included");
    for variant in variants {
        let errmsg = format!(
            "{} rid: 6f2a",
            variant.errmsg.as_deref().unwrap_or("failed")
        );
        let body = json!({"errcode": variant.code, "errmsg": errmsg});
        let error = fails_with(ResponseTemplate::new(200).set_body_json(body)).await;
        let Error::Api(api) = &error else {
            panic!("code {} gave {error:?}", variant.code)
        };
        assert_eq!(api.code(), variant.code);
        assert_eq!(api.errmsg(), errmsg);
        assert!(
            format!("{api:?}").starts_with(&common::debug_prefix(&variant)),
            "code {} became {api:?}",
            variant.code
        );
        let shown = error.to_string();
        assert!(shown.contains(&errmsg), "{shown}");
        assert!(shown.contains(&variant.code.to_string()), "{shown}");
        if let Some(solution) = &variant.solution {
            assert!(shown.contains(solution.as_str()), "{shown}");
            assert_eq!(api.solution(), Some(solution.as_str()));
        }
        assert_no_token(&error);
    }
}

#[tokio::test]
async fn undocumented_errcodes_keep_their_number_and_errmsg() {
    for (code, errmsg) in [(1003, "some new failure"), (1005, ""), (89407, "rid: 1")] {
        let error = fails_with(
            ResponseTemplate::new(200).set_body_json(json!({"errcode": code, "errmsg": errmsg})),
        )
        .await;
        match &error {
            Error::Api(GetLinkedMiniProgramsError::Undocumented {
                code: got,
                errmsg: got_msg,
            }) => {
                assert_eq!((*got, got_msg.as_str()), (code, errmsg));
            }
            other => panic!("code {code} gave {other:?}"),
        }
        assert!(error.to_string().contains(&code.to_string()));
    }
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_decode_error_with_an_excerpt() {
    let error =
        fails_with(ResponseTemplate::new(200).set_body_string("<html>502 Bad Gateway</html>"))
            .await;
    match &error {
        Error::Decode {
            body_excerpt,
            operation,
            ..
        } => {
            assert_eq!(body_excerpt, "<html>502 Bad Gateway</html>");
            assert_eq!(*operation, "wxamplinkget");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_no_token(&error);
}

#[tokio::test]
async fn a_truncated_body_is_a_decode_error() {
    let truncated = &DOC_EXAMPLE[..DOC_EXAMPLE.len() / 2];
    let error = fails_with(ResponseTemplate::new(200).set_body_string(truncated)).await;
    assert!(
        matches!(&error, Error::Decode { reason, .. } if reason.contains("EOF")),
        "{error:?}"
    );
    assert_no_token(&error);
}

#[tokio::test]
async fn a_payload_of_the_wrong_shape_is_a_decode_error() {
    let body = json!({"errcode": 0, "errmsg": "ok", "wxopens": {"items": [{"status": "linked"}]}});
    let error = fails_with(ResponseTemplate::new(200).set_body_json(body)).await;
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
}

#[tokio::test]
async fn an_http_5xx_is_a_status_error() {
    let error = fails_with(ResponseTemplate::new(503).set_body_string("upstream overloaded")).await;
    match &error {
        Error::HttpStatus {
            status,
            body_excerpt,
            ..
        } => {
            assert_eq!(*status, 503);
            assert_eq!(body_excerpt, "upstream overloaded");
        }
        other => panic!("expected a status error, got {other:?}"),
    }
    assert_no_token(&error);
}

#[tokio::test]
async fn a_huge_unexpected_body_is_excerpted() {
    let error = fails_with(ResponseTemplate::new(500).set_body_string("x".repeat(100_000))).await;
    let Error::HttpStatus { body_excerpt, .. } = &error else {
        panic!("{error:?}")
    };
    assert!(body_excerpt.len() <= wechat_api_client::EXCERPT_LIMIT + '…'.len_utf8());
}

#[tokio::test]
async fn a_refused_connection_is_an_unsent_transport_error_without_the_token() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .access_token(TOKEN)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let error = client.get_linked_mini_programs().await.unwrap_err();
    assert!(
        matches!(error, Error::Transport { sent: false, .. }),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert!(
        error
            .to_string()
            .starts_with("cannot connect to the server for wxamplinkget: "),
        "{error}"
    );
    assert_no_token(&error);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = server_answering(
        ResponseTemplate::new(200)
            .set_body_string(DOC_EXAMPLE)
            .set_delay(Duration::from_secs(30)),
    )
    .await;
    let client = Client::builder()
        .access_token(TOKEN)
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = client.get_linked_mini_programs().await.unwrap_err();
    assert!(
        matches!(&error, Error::Timeout { after, .. } if *after == Duration::from_millis(200)),
        "{error:?}"
    );
    assert!(!error.is_retryable());
    assert_no_token(&error);
}

#[test]
fn the_token_is_not_in_the_client_s_debug_output() {
    let client = Client::builder().access_token(TOKEN).build().unwrap();
    let shown = format!("{client:?}");
    assert!(
        !shown.contains(TOKEN) && shown.contains("token_sources: [\"access_token\"]"),
        "{shown}"
    );
}

#[test]
fn a_bad_base_url_is_refused() {
    for url in [
        "not a url",
        "ftp://example.com",
        "http://example.com/?access_token=x",
    ] {
        let result = Client::builder().access_token(TOKEN).base_url(url).build();
        assert!(result.is_err(), "{url} was accepted");
    }
}

#[test]
fn the_spec_s_example_is_the_corrected_official_one() {
    let endpoint = wxamplinkget_ir();
    let in_spec: Value =
        serde_json::from_str(endpoint.example_response.as_deref().unwrap()).unwrap();
    let official: Value = serde_json::from_str(DOC_EXAMPLE).unwrap();
    assert_eq!(in_spec, official);
}
