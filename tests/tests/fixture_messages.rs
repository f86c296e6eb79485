//! The fixture's `messages` group on the wire: tagged unions sent (a tag naming the sibling key
//! of its payload, or sitting beside the payload's fields; string and boolean tags; a union
//! flattened into the body) and received (integer and string tags, tags sent as strings of
//! digits, unknown tags kept with their object), deprecated fields and values, and two
//! endpoints with one method and path on different hosts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// The fixture marks a field, a value and an endpoint deprecated; these tests use them on purpose.
#![allow(deprecated)]

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use workspace_tests::messages::{
    Attr, AttrValue, Audience, ImageList, Message, Priority, ReadInboxResponse,
    RelayMessageRequest, SendMessageRequest, TagFilter, TextContent, TextValue, Validity, WebValue,
};
use workspace_tests::prelude::*;
use workspace_tests::{Client, Error, RetryPolicy, Tag};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .access_token("account-token")
        .base_url(server.uri())
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
}

/// Sends `request` and returns the body that travelled, as text.
async fn sent_body(request: SendMessageRequest) -> String {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/messages/send"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"errcode": 0, "msg_id": 7})))
        .expect(1)
        .mount(&server)
        .await;
    let answer = client(&server).send_message(request).await.unwrap();
    assert_eq!(answer.msg_id, 7);
    let requests = server.received_requests().await.unwrap();
    String::from_utf8(requests[0].body.clone()).unwrap()
}

#[tokio::test]
async fn each_variant_is_sent_as_its_tag_and_its_payload_under_its_key() {
    let text = SendMessageRequest::builder()
        .filter(Audience::Everyone)
        .message(Message::Text(TextContent {
            content: "hi".to_owned(),
        }))
        .build();
    assert_eq!(
        sent_body(text).await,
        r#"{"filter":{"is_to_all":true},"msgtype":"text","text":{"content":"hi"}}"#
    );

    // The payload's key is the one the variant names (`images`), not the tag (`image`); the
    // inline union writes its payload's fields beside its tag.
    let images = SendMessageRequest::builder()
        .filter(Audience::Tagged(TagFilter { tag_id: 2 }))
        .message(Message::Images(ImageList {
            media_ids: vec!["m1".to_owned(), "m2".to_owned()],
        }))
        .build();
    assert_eq!(
        sent_body(images).await,
        r#"{"filter":{"is_to_all":false,"tag_id":2},"msgtype":"image","images":{"media_ids":["m1","m2"]}}"#
    );

    // A variant without a payload is its tag alone; a deprecated field still travels when set.
    let mut voice = SendMessageRequest::builder()
        .filter(Audience::Everyone)
        .message(Message::Voice)
        .build();
    voice.urgent = Some(true);
    assert_eq!(
        sent_body(voice).await,
        r#"{"filter":{"is_to_all":true},"msgtype":"voice","urgent":1}"#
    );
}

async fn inbox(body: impl ToString) -> Result<ReadInboxResponse, String> {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/messages/inbox"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.to_string(), "application/json"))
        .mount(&server)
        .await;
    client(&server)
        .read_inbox()
        .await
        .map_err(|error| match error {
            Error::Decode { reason, .. } => reason,
            other => panic!("not a decode error: {other:?}"),
        })
}

#[tokio::test]
async fn received_unions_pick_their_variant_and_keep_unknown_tags_with_their_object() {
    let answer = inbox(json!({
        "errcode": 0,
        "attrs": [
            {"name": "bio", "type": 0, "text": {"value": "hello"}},
            // The tag after its payload, and as a string of digits.
            {"web": {"url": "https://example.com"}, "type": "1", "name": "site"},
            {"name": "new", "type": 7, "video": {"id": "v1"}, "extra": [1, 2]}
        ],
        "validity": [
            {"type": "FIX_TERM", "fixed_term": 30},
            {"begin": 1, "type": "FIX_TIME_RANGE", "end": 2},
            {"type": "FOREVER", "since": 5}
        ],
        "priority": 2
    }))
    .await
    .unwrap();

    assert_eq!(
        answer.attrs[0],
        Attr {
            name: "bio".to_owned(),
            value: AttrValue::Text(TextValue {
                value: "hello".to_owned()
            }),
        }
    );
    assert_eq!(
        answer.attrs[1].value,
        AttrValue::Web(WebValue {
            url: "https://example.com".to_owned(),
            title: None
        })
    );
    assert_eq!(answer.attrs[1].name, "site");
    // The flattened union's unknown variant keeps every key the struct does not own.
    let AttrValue::Unknown(unknown) = &answer.attrs[2].value else {
        panic!("tag 7 is not documented: {:?}", answer.attrs[2]);
    };
    assert_eq!(unknown.tag, Some(Tag::Integer(7)));
    assert_eq!(
        serde_json::Value::Object(unknown.fields.clone()),
        json!({"video": {"id": "v1"}, "extra": [1, 2]})
    );
    assert_eq!(answer.attrs[2].name, "new");

    assert!(matches!(&answer.validity[0], Validity::Term(term) if term.fixed_term == 30));
    assert!(
        matches!(&answer.validity[1], Validity::Range(range) if (range.begin, range.end) == (1, 2))
    );
    let Validity::Unknown(unknown) = &answer.validity[2] else {
        panic!("FOREVER is not documented: {:?}", answer.validity[2]);
    };
    assert_eq!(unknown.tag, Some(Tag::Text("FOREVER".to_owned())));
    assert_eq!(
        serde_json::Value::Object(unknown.fields.clone()),
        json!({"since": 5})
    );
    // A deprecated value still decodes as itself.
    assert_eq!(answer.priority, Some(Priority::Old));
}

#[tokio::test]
async fn a_known_tag_without_its_payload_or_a_union_without_a_tag_is_a_decode_error() {
    let missing_payload = inbox(json!({
        "errcode": 0,
        "attrs": [{"name": "bio", "type": 0, "web": {"url": "u"}}]
    }))
    .await
    .unwrap_err();
    assert!(
        missing_payload.contains("missing field `text`"),
        "{missing_payload}"
    );

    let missing_tag = inbox(json!({
        "errcode": 0,
        "attrs": [{"name": "bio", "text": {"value": "v"}}]
    }))
    .await
    .unwrap_err();
    assert!(
        missing_tag.contains("missing field `type`"),
        "{missing_tag}"
    );

    let wrong_payload = inbox(json!({
        "errcode": 0,
        "validity": [{"type": "FIX_TERM", "fixed_term": "thirty"}]
    }))
    .await
    .unwrap_err();
    assert!(
        wrong_payload.contains("fixed_term") || wrong_payload.contains("invalid type"),
        "{wrong_payload}"
    );

    let twice = inbox(
        r#"{"errcode": 0, "validity": [{"type": "FIX_TERM", "fixed_term": 1, "type": "X"}]}"#,
    )
    .await;
    // A duplicate tag is refused rather than one of them silently winning.
    assert!(twice.is_err(), "{twice:?}");
}

#[tokio::test]
async fn one_method_and_path_on_two_hosts_are_two_endpoints_routed_apart() {
    let (api, relay) = (MockServer::start().await, MockServer::start().await);
    for (server, answer) in [
        (&api, json!({"errcode": 0, "msg_id": 1})),
        (&relay, json!({"errcode": 0, "relayed": true})),
    ] {
        Mock::given(method("POST"))
            .and(path("/messages/send"))
            .respond_with(ResponseTemplate::new(200).set_body_json(answer))
            .expect(1)
            .mount(server)
            .await;
    }
    let client = Client::builder()
        .access_token("account-token")
        .host_base_url("api.example.com", api.uri())
        .host_base_url("relay.example.com", relay.uri())
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let relayed = client
        .relay_message(
            RelayMessageRequest::builder()
                .content("hi")
                .channel("c1")
                .build(),
        )
        .await
        .unwrap();
    assert!(relayed.relayed);
    let sent = client
        .send_message(
            SendMessageRequest::builder()
                .filter(Audience::Everyone)
                .message(Message::Voice)
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(sent.msg_id, 1);
    let relayed = &relay.received_requests().await.unwrap()[0];
    assert_eq!(
        String::from_utf8_lossy(&relayed.body),
        r#"{"content":"hi"}"#
    );
    // A deprecated parameter still travels when set.
    assert!(
        relayed.url.query().unwrap_or("").contains("channel=c1"),
        "{}",
        relayed.url
    );
}
