//! Any bytes as a 200 answer of every endpoint: the response path (envelope, then the
//! endpoint's type within the memory bound) must give a value or a typed error, never panic,
//! and never allocate past the bound: the allocator refuses what would pass it, which ends the
//! run with a crash libFuzzer saves.

#![no_main]

use wechat_api_client::prelude::*;
use cap::Cap;
use libfuzzer_sys::fuzz_target;
use std::alloc::System;
use wechat_api_client::{MEMORY_BOUND_FACTOR, RESPONSE_READERS};

#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

/// The client's `max_response_bytes` in this run: a body longer is refused before decoding.
const LIMIT: usize = 64 * 1024;
/// Room for an error's own text beside the bound.
const ERROR_TEXT: usize = 16 * 1024;

fuzz_target!(|body: &[u8]| {
    if body.len() > LIMIT {
        return;
    }
    let allowed = MEMORY_BOUND_FACTOR * LIMIT - body.len() + ERROR_TEXT;
    for (_, read) in RESPONSE_READERS {
        let before = ALLOCATOR.allocated();
        let capped = ALLOCATOR.set_limit(before + allowed).is_ok();
        let _ = read(body, LIMIT);
        if capped {
            let _ = ALLOCATOR.set_limit(usize::MAX);
        }
    }
});
