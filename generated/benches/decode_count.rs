//! Decoding, counted in instructions rather than timed: wall-clock medians on a shared machine
//! vary by more than the differences measured here, instruction counts do not.
//!
//! ```sh
//! cargo bench -p wechat-api-client --bench decode_count --no-run
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/deps/decode_count-<hash> <way> <input> <repeats>
//! ```
//!
//! `<way>`: `client` (the response path of a call: envelope and fields in one pass, within the
//! memory bound), `two_passes` (what the client did before: the envelope with serde's derive,
//! then the generated types), `generated_types` (`serde_json::from_slice` alone), `baseline`
//! (hand-written serde structs), `none` (the program's own cost). `<input>`: `doc_example` or
//! `items_1000`. Divide the difference from `none` by the repeats.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::hint::black_box;
use wechat_api_client::wxopen::{GetLinkedMiniProgramsError, GetLinkedMiniProgramsResponse};
use wechat_api_client::{__private, DEFAULT_MAX_RESPONSE_BYTES};

#[allow(dead_code, reason = "decoded, not read")]
#[path = "support/baseline.rs"]
mod baseline;

/// The envelope as the client read it before it read answers in one pass.
#[derive(serde::Deserialize)]
struct Envelope {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        // `cargo bench` runs every bench target with `--bench`: nothing to count then.
        eprintln!("usage: decode_count <way> <doc_example|items_1000> <repeats>");
        return;
    }
    let bytes = match args[2].as_str() {
        "doc_example" => baseline::DOC_EXAMPLE.as_bytes().to_vec(),
        "items_1000" => baseline::large_response(1000).into_bytes(),
        other => panic!("unknown input {other}"),
    };
    let repeats: usize = args[3].parse().expect("a number of repeats");
    for _ in 0..repeats {
        match args[1].as_str() {
            "client" => {
                black_box(
                    __private::read_answer::<
                        GetLinkedMiniProgramsResponse,
                        GetLinkedMiniProgramsError,
                    >(&bytes, DEFAULT_MAX_RESPONSE_BYTES)
                    .unwrap(),
                );
            }
            "two_passes" => {
                let envelope: Envelope = serde_json::from_slice(&bytes).unwrap();
                black_box((envelope.errcode, envelope.errmsg));
                black_box(serde_json::from_slice::<GetLinkedMiniProgramsResponse>(&bytes).unwrap());
            }
            "generated_types" => {
                black_box(serde_json::from_slice::<GetLinkedMiniProgramsResponse>(&bytes).unwrap());
            }
            "baseline" => {
                black_box(serde_json::from_slice::<baseline::Response>(&bytes).unwrap());
            }
            "none" => {}
            other => panic!("unknown way {other}"),
        }
    }
}
