//! One call of wxamplinkget through the generated client, against the same call made with bare
//! reqwest (the same POST, query and body, decoded into hand-written structs), both to one
//! wiremock server on loopback answering the documentation's example.
//! `cargo bench -p wechat-api-client --bench call`.
//!
//! The figure includes the loopback round trip and the mock server's matching, which both sides
//! pay; the difference is what the client adds (token, retries' bookkeeping, tracing span, error
//! envelope, redaction).
#![allow(clippy::expect_used)]

use std::sync::OnceLock;
use tokio::runtime::Runtime;
use wechat_api_client::prelude::*;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn main() {
    divan::main();
}

const TOKEN: &str = "bench-token";

/// The hand-written structs a bare-reqwest caller would decode into: every field the generated
/// types decode, so both sides do the same decoding work.
// The benchmark hands the decoded value to `black_box`; nothing reads most fields.
#[allow(dead_code)]
#[path = "support/baseline.rs"]
mod baseline;

use baseline::{DOC_EXAMPLE, Response};

/// One runtime and one server for the whole run.
fn fixture() -> &'static (Runtime, MockServer) {
    static FIXTURE: OnceLock<(Runtime, MockServer)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = Runtime::new().expect("a tokio runtime");
        let server = runtime.block_on(async {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .and(path("/cgi-bin/wxopen/wxamplinkget"))
                .and(query_param("access_token", TOKEN))
                .and(body_json(serde_json::json!({})))
                .respond_with(
                    ResponseTemplate::new(200).set_body_raw(DOC_EXAMPLE, "application/json"),
                )
                .mount(&server)
                .await;
            server
        });
        (runtime, server)
    })
}

#[divan::bench]
fn generated_client(bencher: divan::Bencher) {
    let (runtime, server) = fixture();
    let client = wechat_api_client::Client::builder()
        .access_token(TOKEN)
        .base_url(server.uri())
        .build()
        .expect("the client builds");
    let call = || runtime.block_on(client.get_linked_mini_programs());
    assert_eq!(call().expect("the call succeeds").wxopens.items.len(), 2);
    bencher.bench_local(call);
}

#[divan::bench]
fn bare_reqwest(bencher: divan::Bencher) {
    let (runtime, server) = fixture();
    let http = reqwest::Client::new();
    let url = format!("{}/cgi-bin/wxopen/wxamplinkget", server.uri());
    let call = || {
        runtime.block_on(async {
            let response = http
                .post(&url)
                .query(&[("access_token", TOKEN)])
                .json(&serde_json::json!({}))
                .send()
                .await?
                .error_for_status()?;
            response.json::<Response>().await
        })
    };
    let answer = call().expect("the call succeeds");
    assert_eq!((answer.errcode, answer.wxopens.items.len()), (0, 2));
    assert!(
        answer
            .wxopens
            .items
            .iter()
            .all(|i| i.status > 0 && i.username.is_some())
    );
    assert!(
        answer
            .wxopens
            .items
            .iter()
            .any(|i| i.nickname.is_some() && i.func_infos.is_some())
    );
    bencher.bench_local(call);
}
