//! Decoding a wxamplinkget response with the generated types, against hand-written serde structs
//! of the same shape (what a team writes without a generator): the documentation's example, and a
//! response of 1,000 items. `cargo bench -p wechat-api-client --bench decode`.
//!
//! Both sides decode with `serde_json::from_slice` from the same bytes; throughput is in bytes.
#![allow(clippy::expect_used)]

use divan::counter::BytesCount;
use wechat_api_client::wxopen::GetLinkedMiniProgramsResponse;

fn main() {
    divan::main();
}

/// Hand-written structs for the same response.
// The benchmark decodes the fields and hands the whole value to `black_box`; nothing reads them.
#[allow(dead_code)]
#[path = "support/baseline.rs"]
mod baseline;

/// A response of `items` entries, every field present, alternating the documented values.
fn large_response(items: usize) -> String {
    let item = |i: usize| {
        format!(
            r#"{{"status":{},"username":"gh_{i:08}","appid":"wx{i:016}","source":"{}","nickname":"小程序 {i}","selected":{},"nearby_display_status":0,"released":1,"headimg_url":"http://mmbiz.qpic.cn/{i}.png","func_infos":[{{"status":1,"id":1,"name":"微信认证"}},{{"status":0,"id":2,"name":"微信支付"}}],"copy_verify_status":1,"email":"mp{i}@example.com"}}"#,
            [1, 2, 3, 12][i % 4],
            [
                "SOURCE_NORMAL",
                "SOURCE_WXSTORE",
                "SOURCE_FASTREGISTER",
                "SOURCE_COMPONENT_API"
            ][i % 4],
            i % 2
        )
    };
    let items: Vec<String> = (0..items).map(item).collect();
    format!(
        r#"{{"errcode":0,"errmsg":"ok","wxopens":{{"items":[{}]}}}}"#,
        items.join(",")
    )
}

fn input(which: &str) -> Vec<u8> {
    let text = match which {
        "doc_example" => baseline::DOC_EXAMPLE.to_owned(),
        _ => large_response(1000),
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
