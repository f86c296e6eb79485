//! The fixture client (generated from `codegen/tests/fixtures/corners/`) on the wire: request
//! bodies, renamed keywords, 0/1 flags, query parameters, GET without a token.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};
use workspace_tests::prelude::*;
use workspace_tests::shop::{
    CreateOrderRequest, ListOrdersRequest, OrderItem, OrderKind, OrderState,
};
use workspace_tests::{AccessToken, Client, CommonError, Error, Money, RetryPolicy, TokenKind};

/// A source for each of the fixture's token kinds. Sends each call once: these tests are about
/// one answer (retries are tested in `client.rs`).
fn client(server: &MockServer) -> Client {
    Client::builder()
        .access_token("account-token")
        .token_source_for(
            TokenKind::COMPONENT_ACCESS_TOKEN,
            AccessToken::new("component-token"),
        )
        .token_source_for(TokenKind::SHOP_TOKEN, AccessToken::new("shop-token"))
        .base_url(server.uri())
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
}

fn order() -> CreateOrderRequest {
    CreateOrderRequest {
        dry_run: true,
        trace_id: Some("t-1".to_owned()),
        r#type: OrderKind::Cancelled,
        r#match: "m".to_owned(),
        self_: Some(false),
        _1st_choice: None,
        user_name: Some("new".to_owned()),
        user_name_legacy: Some("old".to_owned()),
        items: vec![OrderItem {
            sku: "a".to_owned(),
            count: 2,
            tags: None,
            fragile: Some(true),
            voucher_code: None,
        }],
        matrix: vec![vec![1, 2], vec![]],
        gift: false,
        total: Some(Money {
            amount: 100,
            currency: "CNY".to_owned(),
        }),
    }
}

#[tokio::test]
async fn a_request_body_travels_with_wire_names_and_flags_as_numbers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/shop/createorder"))
        .and(query_param("component_access_token", "component-token"))
        .and(query_param("dry_run", "1"))
        .and(query_param("trace-id", "t-1"))
        .and(body_json(json!({
            "type": -1,
            "match": "m",
            "self": false,
            "userName": "new",
            "user_name": "old",
            "items": [{"sku": "a", "count": 2, "fragile": 1}],
            "matrix": [[1, 2], []],
            "gift": 0,
            "total": {"amount": 100, "currency": "CNY"}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"errcode": 0, "errmsg": "ok", "order_id": "o-9", "state": "PAID_OUT"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server).create_order(order()).await.unwrap();
    assert_eq!(response.order_id, "o-9");
    assert_eq!(response.state, OrderState::PaidOut);
}

#[test]
fn absent_fields_of_a_received_type_take_the_spec_defaults() {
    // `OrderItem` is in list_orders' response: it decodes, and `count` defaults to 1.
    let item: OrderItem = serde_json::from_value(json!({"sku": "s"})).unwrap();
    assert_eq!(item.count, 1);
    // `Receipt` is used by no endpoint: it decodes, and so does the `Money` it holds, whose
    // `currency` defaults to CNY.
    let receipt: workspace_tests::Receipt =
        serde_json::from_value(json!({"total": {"amount": 5}})).unwrap();
    assert_eq!(receipt.total.currency, "CNY");
}

#[test]
fn unset_fields_take_the_spec_defaults() {
    // Request types derive only `Serialize`: their spec defaults reach users through the builder.
    let request = CreateOrderRequest::builder()
        .dry_run(false)
        .r#match("m")
        .items(Vec::new())
        .build();
    assert_eq!(request.r#type, OrderKind::Gift);
    assert!(request.gift);
    assert!(request.matrix.is_empty());
}

#[tokio::test]
async fn a_code_from_the_included_set_and_an_own_code_map_to_variants() {
    for (code, expected) in [
        (40001, "Common(InvalidCredential"),
        (89001, "OutOfStock"),
        (-1, "Common(SystemBusy"),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"errcode": code, "errmsg": "m"})),
            )
            .mount(&server)
            .await;
        let error = client(&server).create_order(order()).await.unwrap_err();
        let Error::Api(api) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(api.code(), code);
        assert!(format!("{api:?}").starts_with(expected), "{api:?}");
    }
    let braces = CommonError::InvalidCredential {
        errmsg: "x".to_owned(),
    };
    assert_eq!(
        braces.to_string(),
        "errcode 40001: x (Fetch a new token; braces {like these} must survive formatting.)"
    );
}

#[tokio::test]
async fn a_get_sends_its_query_and_no_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/shop/listorders"))
        .and(query_param("page", "2"))
        .and(query_param_is_missing("verbose"))
        .and(query_param_is_missing("access_token"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"orders": [{"sku": "z", "count": 3}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .list_orders(ListOrdersRequest::builder().page(2).build())
        .await
        .unwrap();
    assert_eq!(response.orders[0].sku, "z");
    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].body.is_empty(), "a GET has no body");
}

#[tokio::test]
async fn a_secret_travels_as_text_but_is_never_shown() {
    let server = MockServer::start().await;
    // The answer is broken (`count` is text) and names a secret field: no excerpt of it is kept.
    Mock::given(method("GET"))
        .and(path("/shop/listorders"))
        .and(query_param("signature", "sig-SECRET-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"orders": [{"sku": "z", "count": "x", "voucher_code": "voucher-SECRET-2"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let request = ListOrdersRequest::builder()
        .page(1)
        .signature("sig-SECRET-1")
        .build();
    let error = client(&server)
        .list_orders(request.clone())
        .await
        .unwrap_err();
    let Error::Decode { body_excerpt, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(
        body_excerpt,
        "<withheld: the body may carry a secret field>"
    );
    let shown = format!("{error} {error:?} {request:?}");
    assert!(!shown.contains("SECRET"), "{shown}");
}
