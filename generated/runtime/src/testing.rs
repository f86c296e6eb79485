//! What the generated crates' tests share.

use serde::de::DeserializeOwned;
use serde_json::Value;
use std::cell::Cell;

thread_local! {
    /// Whether decoding on this thread refuses what the types do not describe.
    static STRICT: Cell<bool> = const { Cell::new(false) };
}

/// Whether decoding on this thread is strict (see [`assert_decodes_strictly`]): a key no field
/// has is an error instead of being skipped.
pub fn is_strict() -> bool {
    STRICT.with(Cell::get)
}

/// Asserts that a documented example answer decodes into `T` with nothing left over: every key
/// of every object is a field of its type (`errcode` and `errmsg` at the top are the
/// envelope's). A union tag no variant has stays allowed: examples may show the open union's
/// `Unknown`, which keeps its fields as received. So an example field the spec forgot fails the test instead of
/// vanishing, and no type needs `Serialize` for a round trip.
#[allow(
    clippy::panic,
    reason = "an assertion for tests: its panic is the failed test"
)]
pub fn assert_decodes_strictly<T: DeserializeOwned>(example: &str) {
    let mut value: Value = match serde_json::from_str(example) {
        Ok(value) => value,
        Err(err) => panic!("the example is not JSON: {err}"),
    };
    if let Some(object) = value.as_object_mut() {
        object.remove("errcode");
        object.remove("errmsg");
    }
    if let Err(err) = decode_strictly::<T>(value) {
        panic!("the example does not decode with every field known: {err}");
    }
}

/// Decodes `value` into `T` strictly: a key no field has, at any depth, is an error.
pub fn decode_strictly<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    /// Leaves strict mode however decoding ends.
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            STRICT.with(|strict| strict.set(false));
        }
    }
    STRICT.with(|strict| strict.set(true));
    let _reset = Reset;
    T::deserialize(value)
}
