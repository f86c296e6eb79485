//! The mock WeChat serving the fixture client (feature `testing` of `workspace-tests`, which
//! `.ci/test` turns on): the corners of the spec language through the mock. Every response
//! type's encoding under `testing` (flags, lenient scalars, maps, defaults, unions received
//! inline or flattened) survives a round trip, and requests with query constants, a flattened
//! union, a multipart body and two hosts sharing a path pass the mock's checks.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(deprecated)] // the fixture deprecates an endpoint on purpose

use wechat_api_runtime::mock::MockWeChat;
use workspace_tests::files::{
    Description, FetchFileError, FileSize, UploadFileError, UploadFileRequest,
};
use workspace_tests::messages::{
    Audience, Message, RelayMessageError, RelayMessageRequest, SendMessageError,
    SendMessageRequest, TextContent,
};
use workspace_tests::prelude::*;
use workspace_tests::{MOCKED_ENDPOINTS, MediaOr, Upload};

#[test]
fn every_fixture_answer_survives_a_typed_answer() {
    assert_eq!(MOCKED_ENDPOINTS.len(), 9);
    let mut checked = 0;
    for endpoint in MOCKED_ENDPOINTS {
        if let (Some(round_trip), Some(example)) = (endpoint.round_trip, endpoint.example) {
            round_trip(example).unwrap_or_else(|err| panic!("{}: {err}", endpoint.operation.name));
            checked += 1;
        }
    }
    // `download` answers only with a file; every other endpoint has a JSON example.
    assert_eq!(checked, 8);
}

#[tokio::test]
async fn the_corners_of_the_spec_language_pass_the_mock_s_checks() {
    let wechat = MockWeChat::serve(MOCKED_ENDPOINTS).await;
    let client = wechat.client();

    // A query constant (`grant_type`), and the JSON answer of a JSON-or-file endpoint.
    let fetched = client
        .fetch_file(
            workspace_tests::files::FetchFileRequest::builder()
                .file_id("video")
                .build(),
        )
        .await
        .unwrap();
    assert!(matches!(fetched, MediaOr::Json(_)), "{fetched:?}");
    assert_eq!(
        wechat.calls_to::<FetchFileError>()[0].query("grant_type"),
        Some("file_read")
    );

    // A union flattened into the body: its tag and payload are keys the mock lets through.
    client
        .send_message(
            SendMessageRequest::builder()
                .filter(Audience::Everyone)
                .message(Message::Text(TextContent {
                    content: "hi".to_owned(),
                }))
                .build(),
        )
        .await
        .unwrap();
    // The same method and path on another host.
    client
        .relay_message(
            RelayMessageRequest::builder()
                .content("hi")
                .channel("c1")
                .build(),
        )
        .await
        .unwrap();
    // Both are named `send` on the wire: told apart by host.
    let (sent, relayed) = (
        wechat.calls_to::<SendMessageError>(),
        wechat.calls_to::<RelayMessageError>(),
    );
    assert_eq!((sent.len(), relayed.len()), (1, 1));
    assert_eq!(
        (sent[0].host, relayed[0].host),
        ("api.example.com", "relay.example.com")
    );

    // Multipart, with its own token kind.
    client
        .upload_file(
            UploadFileRequest::builder()
                .r#type(FileSize::Small)
                .media(Upload::from_bytes("a.mp4", b"\x00\x01".to_vec()))
                .title("A title")
                .description(Description {
                    title: "Video".to_owned(),
                    introduction: None,
                })
                .public(true)
                .signature("sig")
                .build(),
        )
        .await
        .unwrap();
    let upload = &wechat.calls_to::<UploadFileError>()[0];
    assert_eq!(
        upload.parts,
        [
            "media",
            "title",
            "description",
            "public",
            "signature",
            "scene"
        ]
    );
    assert!(wechat.take_violations().is_empty());
}

#[tokio::test]
async fn a_multipart_constant_with_another_value_is_refused() {
    let wechat = MockWeChat::serve(MOCKED_ENDPOINTS).await;
    let token =
        wechat_api_runtime::mock::mock_token(workspace_tests::TokenKind::COMPONENT_ACCESS_TOKEN);
    let form = reqwest::multipart::Form::new()
        .part(
            "media",
            reqwest::multipart::Part::bytes(b"\x00".to_vec()).file_name("a.mp4"),
        )
        .text("title", "A title")
        .text("scene", "group");
    let response = reqwest::Client::new()
        .post(format!(
            "{}/api.example.com/files/upload?access_token={token}&type=small",
            wechat.uri()
        ))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        wechat.take_violations(),
        ["`upload` must send part `scene` as `chat`"]
    );
}

#[tokio::test]
async fn beside_a_flattened_union_only_its_keys_are_let_through() {
    let wechat = MockWeChat::serve(MOCKED_ENDPOINTS).await;
    let token = wechat_api_runtime::mock::mock_token(workspace_tests::TokenKind::ACCESS_TOKEN);
    let send = |body: serde_json::Value| {
        reqwest::Client::new()
            .post(format!(
                "{}/api.example.com/messages/send?access_token={token}",
                wechat.uri()
            ))
            .json(&body)
            .send()
    };
    // The union's tag and a payload key are the body's own keys; a misspelled one is not.
    let fine = send(
        serde_json::json!({"filter": {"is_to_all": true}, "msgtype": "text", "text": {"content": "hi"}}),
    );
    assert_eq!(fine.await.unwrap().status(), 200);
    let misspelled =
        send(serde_json::json!({"filter": {"is_to_all": true}, "msgtype": "text", "txet": {}}));
    assert_eq!(misspelled.await.unwrap().status(), 400);
    let untagged = send(serde_json::json!({"filter": {"is_to_all": true}}));
    assert_eq!(untagged.await.unwrap().status(), 400);
    assert_eq!(
        wechat.take_violations(),
        [
            "`send` has no body field `txet` in its spec",
            "`send` lacks required body field `msgtype`",
        ]
    );
}
