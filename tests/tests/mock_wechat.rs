//! The mock WeChat of feature `testing` (`wechat_api_client::testing`), as a user's tests use it:
//! default answers from the specs, typed answers and errors, recorded calls, and the checks of
//! each request against its spec (a request the spec does not allow is refused and reported).

// Test helpers may panic: a panic here is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::json;
use wechat_api_client::component::{CreatePreAuthCodeError, CreatePreAuthCodeRequest};
use wechat_api_client::material::{
    AddPermanentMaterialError, AddPermanentMaterialRequest, GetTemporaryMediaError,
    GetTemporaryMediaRequest, MaterialType,
};
use wechat_api_client::prelude::*;
use wechat_api_client::testing::{self, mock_token};
use wechat_api_client::wecom::{
    SendWecomMessageError, SendWecomMessageRequest, WecomMessage, WecomText,
};
use wechat_api_client::wxopen::{
    FuncId, FuncInfo, GetLinkedMiniProgramsError, GetLinkedMiniProgramsResponse, LinkSource,
    LinkStatus, LinkedMiniProgram, LinkedMiniPrograms,
};
use wechat_api_client::{
    AccessToken, Error, GlobalError, MOCKED_ENDPOINTS, MediaOr, TokenKind, Upload,
};

#[test]
fn every_endpoint_is_served_and_its_example_survives_a_typed_answer() {
    // One entry per call trait of the prelude: every endpoint of every (default) group, each
    // its own method, host and path.
    let mut identities: Vec<_> = MOCKED_ENDPOINTS
        .iter()
        .map(|e| {
            (
                e.operation.host,
                e.operation.path,
                format!("{:?}", e.operation.method),
            )
        })
        .collect();
    identities.sort_unstable();
    identities.dedup();
    assert_eq!(
        MOCKED_ENDPOINTS.len(),
        20,
        "an endpoint is missing from the mock"
    );
    assert_eq!(identities.len(), 20, "an endpoint is listed twice");
    for endpoint in MOCKED_ENDPOINTS {
        let name = endpoint.operation.name;
        match (endpoint.round_trip, endpoint.example) {
            (Some(round_trip), Some(example)) => {
                round_trip(example).unwrap_or_else(|err| panic!("{name}: {err}"));
            }
            (Some(_), None) => panic!("{name} answers JSON but has no example to serve"),
            (None, _) => {} // a file: served as bytes of its documented type
        }
    }
}

#[tokio::test]
async fn serves_each_endpoint_from_its_example_and_records_the_calls() {
    let wechat = testing::start().await;
    let client = wechat.client();

    let linked = client.get_linked_mini_programs().await.unwrap();
    assert_eq!(linked.wxopens.items[0].status, LinkStatus::Linked);
    assert_eq!(linked.wxopens.items[1].nickname.as_deref(), Some("bbbbbbb"));

    // Another token kind, another host, a union in the body.
    let code = client
        .create_pre_auth_code(
            CreatePreAuthCodeRequest::builder()
                .component_appid("wx-platform")
                .build(),
        )
        .await
        .unwrap();
    assert!(!code.pre_auth_code.is_empty());
    client
        .send_wecom_message(
            SendWecomMessageRequest::builder()
                .agentid(1000002)
                .touser("zhangsan")
                .message(WecomMessage::Text(WecomText {
                    content: "hello".to_owned(),
                }))
                .build(),
        )
        .await
        .unwrap();

    // A multipart upload: its parts are checked and recorded.
    client
        .add_permanent_material(
            AddPermanentMaterialRequest::builder()
                .r#type(MaterialType::Image)
                .media(Upload::from_bytes("photo.jpg", b"\xff\xd8\xff".to_vec()))
                .build(),
        )
        .await
        .unwrap();

    let calls = wechat.calls();
    let names: Vec<&str> = calls.iter().map(|c| c.endpoint).collect();
    assert_eq!(
        names,
        [
            "wxamplinkget",
            "api_create_preauthcode",
            "message_send",
            "add_material"
        ]
    );
    let preauth = &wechat.calls_to::<CreatePreAuthCodeError>()[0];
    assert_eq!(
        preauth.query("component_access_token"),
        Some(mock_token(TokenKind::COMPONENT_ACCESS_TOKEN).as_str())
    );
    assert_eq!(
        preauth.json(),
        Some(json!({"component_appid": "wx-platform"}))
    );
    let wecom = &wechat.calls_to::<SendWecomMessageError>()[0];
    assert!(
        wecom.path.starts_with("/qyapi.weixin.qq.com/"),
        "{}",
        wecom.path
    );
    assert_eq!(wecom.json().unwrap()["msgtype"], "text");
    let upload = &wechat.calls_to::<AddPermanentMaterialError>()[0];
    assert_eq!(upload.parts, ["media"]);
    assert_eq!(upload.query("type"), Some("image"));
    assert!(wechat.take_violations().is_empty());
}

#[tokio::test]
async fn answers_with_the_response_and_the_error_a_test_sets() {
    let wechat = testing::start().await;
    let client = wechat.client();

    let answer = GetLinkedMiniProgramsResponse {
        wxopens: LinkedMiniPrograms {
            items: vec![LinkedMiniProgram {
                status: LinkStatus::Unknown(99),
                username: Some("gh_1".to_owned()),
                appid: None,
                nickname: Some("测试".to_owned()),
                headimg_url: None,
                selected: Some(true),
                nearby_display_status: Some(false),
                released: None,
                email: None,
                func_infos: Some(vec![FuncInfo {
                    id: FuncId::WechatPay,
                    opened: Some(true),
                    name: None,
                }]),
                source: Some(LinkSource::Unknown("SOURCE_NEW".to_owned())),
                copy_verify_status: Some(1),
            }],
        },
    };
    wechat.respond(answer.clone());
    assert_eq!(client.get_linked_mini_programs().await.unwrap(), answer);

    // The endpoint's own variants; one endpoint's answer leaves the others' alone.
    let busy = GetLinkedMiniProgramsError::Global(GlobalError::ApiUnauthorized {
        errmsg: "api unauthorized".to_owned(),
    });
    wechat.fail(busy.clone());
    match client.get_linked_mini_programs().await {
        Err(Error::Api(error)) => assert_eq!(error, busy),
        other => panic!("expected the set error, got {other:?}"),
    }
    let linked = client
        .link_mini_program(
            wechat_api_client::wxopen::LinkMiniProgramRequest::builder()
                .appid("wx-mini")
                .notify_users(true)
                .show_profile(false)
                .build(),
        )
        .await;
    assert!(linked.is_ok(), "{linked:?}");

    // Bytes for an endpoint that answers with a file, then the example again.
    wechat.respond_media::<GetTemporaryMediaError>("image/png", b"\x89PNG".to_vec());
    let media = client
        .get_temporary_media(GetTemporaryMediaRequest::builder().media_id("m1").build())
        .await
        .unwrap();
    match media {
        MediaOr::Media(media) => {
            assert_eq!(media.bytes, b"\x89PNG");
            assert_eq!(media.content_type.as_deref(), Some("image/png"));
        }
        MediaOr::Json(json) => panic!("expected bytes, got {json:?}"),
    }
    wechat.reset::<GetLinkedMiniProgramsError>();
    assert_eq!(
        client
            .get_linked_mini_programs()
            .await
            .unwrap()
            .wxopens
            .items
            .len(),
        2
    );
}

#[tokio::test]
async fn refuses_a_token_of_the_wrong_kind() {
    let wechat = testing::start().await;
    // The platform's endpoint given an account's token, as a misconfigured service would.
    let client = wechat
        .client_builder()
        .token_source_for(
            TokenKind::COMPONENT_ACCESS_TOKEN,
            AccessToken::new(mock_token(TokenKind::ACCESS_TOKEN)),
        )
        .build()
        .unwrap();
    let result = client
        .create_pre_auth_code(
            CreatePreAuthCodeRequest::builder()
                .component_appid("wx-platform")
                .build(),
        )
        .await;
    let Err(Error::HttpStatus { status, .. }) = &result else {
        panic!("expected the mock to refuse, got {result:?}");
    };
    assert_eq!(*status, 400);
    assert_eq!(
        wechat.take_violations(),
        [
            "`api_create_preauthcode` takes a `component_access_token` in `component_access_token`, but the request carries a `access_token`"
        ]
    );
}

/// Requests a client would not send, written by hand: each breaks the spec one way.
#[tokio::test]
async fn refuses_requests_the_spec_does_not_allow() {
    let wechat = testing::start().await;
    let http = reqwest::Client::new();
    let base = format!("{}/api.weixin.qq.com", wechat.uri());
    let token = mock_token(TokenKind::ACCESS_TOKEN);

    // A required body field missing, and one the spec does not have.
    let response = http
        .post(format!(
            "{base}/cgi-bin/wxopen/wxamplink?access_token={token}"
        ))
        .json(&json!({"notify_users": 1, "shwo_profile": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("lacks required body field `appid`")
    );
    // The wrong method, and no token.
    http.get(format!("{base}/cgi-bin/wxopen/wxamplinkget"))
        .send()
        .await
        .unwrap();
    // A multipart body without its required file part.
    let form = reqwest::multipart::Form::new().text("extra", "{}");
    http.post(format!(
        "{base}/cgi-bin/material/add_material?access_token={token}&type=image"
    ))
    .multipart(form)
    .send()
    .await
    .unwrap();
    // A path no endpoint has.
    let missing = http
        .post(format!("{base}/cgi-bin/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    assert_eq!(
        wechat.take_violations(),
        [
            "`wxamplink` lacks required body field `appid`",
            "`wxamplink` lacks required body field `show_profile`",
            "`wxamplink` has no body field `shwo_profile` in its spec",
            "`wxamplinkget` takes POST, not GET",
            "`wxamplinkget` takes a `access_token` in query parameter `access_token`, and the request has none",
            "`add_material` lacks required part `media`",
            "`add_material` has no part `extra` in its spec",
            "no endpoint of the enabled groups serves POST /api.weixin.qq.com/cgi-bin/nothing",
        ]
    );
    assert_eq!(wechat.calls().len(), 4);
}

#[tokio::test]
#[should_panic(expected = "the mock WeChat received requests its specs do not allow")]
async fn a_refused_request_the_test_did_not_take_fails_it_at_the_drop() {
    let wechat = testing::start().await;
    let _ = reqwest::Client::new()
        .post(format!("{}/nowhere", wechat.uri()))
        .send()
        .await;
}

#[tokio::test]
async fn a_one_shot_error_is_retried_like_the_real_one() {
    let wechat = testing::start().await;
    let client = wechat.client();
    // WeChat's "system busy" once, then the usual answer: the client's retry policy (with the
    // mock's 1 ms waits) gets through.
    wechat.fail_once(GetLinkedMiniProgramsError::Global(
        GlobalError::SystemBusy {
            errmsg: "system error".to_owned(),
        },
    ));
    let linked = client.get_linked_mini_programs().await.unwrap();
    assert_eq!(linked.wxopens.items.len(), 2);
    assert_eq!(wechat.calls_to::<GetLinkedMiniProgramsError>().len(), 2);
}

#[tokio::test]
async fn a_token_source_that_fetches_from_the_mock_is_accepted_and_never_shown() {
    let wechat = testing::start().await;
    // The WeCom token source calls `gettoken` on the mock, and sends the token it answered with.
    let client = wechat
        .client_builder()
        .wecom_credentials("ww-corp", "corp-secret-value")
        .build()
        .unwrap();
    client
        .send_wecom_message(
            SendWecomMessageRequest::builder()
                .agentid(1000002)
                .touser("zhangsan")
                .message(WecomMessage::Text(WecomText {
                    content: "hello".to_owned(),
                }))
                .build(),
        )
        .await
        .unwrap();
    let calls = wechat.calls();
    let names: Vec<&str> = calls.iter().map(|c| c.endpoint).collect();
    assert_eq!(names, ["gettoken", "message_send"]);
    assert!(wechat.take_violations().is_empty());
    // What a failed assertion would print shows neither the secret nor the token.
    let token = calls[1].query("access_token").unwrap().to_owned();
    let printed = format!("{calls:?}");
    assert!(!printed.contains("corp-secret-value"), "{printed}");
    assert!(!printed.contains(&token), "{printed}");
    assert!(printed.contains("ww-corp"), "{printed}");
}

#[tokio::test]
#[should_panic(expected = "is not an HTTP status")]
async fn an_answer_that_cannot_be_sent_fails_where_it_is_set() {
    let wechat = testing::start().await;
    wechat.respond_status::<GetLinkedMiniProgramsError>(42, "no");
}
