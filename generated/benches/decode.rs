//! Decoding a wxamplinkget response with the generated types, against hand-written serde structs
//! of the same shape (what a team writes without a generator): the documentation's example, and a
//! response of 1,000 items. `cargo bench -p wechat-api-client --bench decode`.
//!
//! Both sides decode with `serde_json::from_slice` from the same bytes; throughput is in bytes.
//! A third line reads the same bytes the way a call does: the envelope first, then the
//! generated types within the memory bound (`MEMORY_BOUND_FACTOR`).
#![allow(clippy::expect_used)]

use divan::counter::BytesCount;
use wechat_api_client::wxopen::{GetLinkedMiniProgramsError, GetLinkedMiniProgramsResponse};
use wechat_api_client::{__private, DEFAULT_MAX_RESPONSE_BYTES};

fn main() {
    divan::main();
}

/// Hand-written structs for the same response.
// The benchmark decodes the fields and hands the whole value to `black_box`; nothing reads them.
#[allow(dead_code)]
#[path = "support/baseline.rs"]
mod baseline;

fn input(which: &str) -> Vec<u8> {
    let text = match which {
        "doc_example" => baseline::DOC_EXAMPLE.to_owned(),
        _ => baseline::large_response(1000),
    };
    // Both sides must read the whole input, or the comparison says nothing.
    let generated: GetLinkedMiniProgramsResponse =
        serde_json::from_str(&text).expect("the generated types decode it");
    let baseline: baseline::Response =
        serde_json::from_str(&text).expect("the baseline decodes it");
    assert_eq!(generated.wxopens.items.len(), baseline.wxopens.items.len());
    text.into_bytes()
}

const INPUTS: [&str; 2] = ["doc_example", "items_1000"];

#[divan::bench(args = INPUTS)]
fn generated_types(bencher: divan::Bencher, which: &str) {
    let bytes = input(which);
    bencher
        .counter(BytesCount::of_slice(&bytes))
        .bench(|| serde_json::from_slice::<GetLinkedMiniProgramsResponse>(&bytes));
}

#[divan::bench(args = INPUTS)]
fn hand_written_baseline(bencher: divan::Bencher, which: &str) {
    let bytes = input(which);
    bencher
        .counter(BytesCount::of_slice(&bytes))
        .bench(|| serde_json::from_slice::<baseline::Response>(&bytes));
}

#[divan::bench(args = INPUTS)]
fn client_response_path(bencher: divan::Bencher, which: &str) {
    let bytes = input(which);
    bencher.counter(BytesCount::of_slice(&bytes)).bench(|| {
        __private::read_answer::<GetLinkedMiniProgramsResponse, GetLinkedMiniProgramsError>(
            &bytes,
            DEFAULT_MAX_RESPONSE_BYTES,
        )
    });
}
