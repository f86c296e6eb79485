//! What the mock knows of an endpoint: generated for each one (in its file, behind the group
//! crate's `testing` feature) from the same spec as its call, so the mock checks a request
//! against what the spec says rather than against what the client happens to send.

use crate::{ApiError, Operation};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;

/// An endpoint as the mock WeChat serves and checks it.
#[derive(Debug, Clone, Copy)]
pub struct EndpointSpec {
    /// What the client's call reads: method, host, path, token, body constants.
    pub operation: Operation,
    /// The request's fields, in spec order.
    pub fields: &'static [FieldSpec],
    /// The keys a union flattened into the request's body may put there: its tag, and its
    /// variants' payload keys (or payload fields).
    pub flattened_keys: &'static [&'static str],
    /// Query parameters the client always sends: a wire name and the value's text.
    pub query_constants: &'static [(&'static str, &'static str)],
    /// The request body's encoding.
    pub multipart: bool,
    pub response: ResponseKind,
    /// The spec's example answer, served until a test sets another.
    pub example: Option<&'static str>,
    /// Decodes the example into the endpoint's response type, encodes that, and decodes it
    /// again: what a test's typed answer goes through. `None` without a JSON example.
    pub round_trip: Option<RoundTrip>,
}

/// Checks that an example answer survives encoding: [`round_trip`] for a response type.
pub type RoundTrip = fn(&str) -> Result<(), String>;

/// One field of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub wire_name: &'static str,
    pub place: FieldPlace,
    /// Absent is an error; a field with a default or that may be absent is not required.
    pub required: bool,
}

/// Where a request field travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldPlace {
    Query,
    /// A key of the JSON body.
    Body,
    /// A part of the multipart body.
    Part,
}

/// What a successful answer of the endpoint is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseKind {
    Json,
    /// A file; the content types the spec documents.
    Bytes(&'static [&'static str]),
    /// A JSON object or a file.
    JsonOrBytes(&'static [&'static str]),
}

/// An endpoint the mock can serve, named by its error enum (each endpoint has its own):
/// `wechat.fail(GetLinkedMiniProgramsError::…)`, `wechat.calls_to::<GetLinkedMiniProgramsError>()`.
pub trait MockedEndpoint: ApiError {
    /// The endpoint as the spec describes it.
    const ENDPOINT: EndpointSpec;
    /// The `errmsg` the error carries, sent with its code.
    fn errmsg(&self) -> &str;
}

/// An endpoint's response type, which the mock sends encoded as WeChat would.
pub trait MockedResponse: Serialize {
    /// The endpoint the type answers.
    type Endpoint: MockedEndpoint;
}

/// [`EndpointSpec::round_trip`] for a response type `T`.
pub fn round_trip<T: DeserializeOwned + Serialize + PartialEq + Debug>(
    example: &str,
) -> Result<(), String> {
    let decoded: T = serde_json::from_str(example)
        .map_err(|err| format!("the example does not decode: {err}"))?;
    let encoded = serde_json::to_value(&decoded)
        .map_err(|err| format!("the answer does not encode: {err}"))?;
    // Strictly: a key the encoding misnamed is an error even when the value it lost was absent.
    let again: T = crate::testing::decode_strictly(encoded.clone())
        .map_err(|err| format!("the encoded answer does not decode: {err}\n{encoded}"))?;
    if again == decoded {
        Ok(())
    } else {
        Err(format!(
            "the encoded answer decodes to another value:\n{decoded:?}\n{again:?}\n{encoded}"
        ))
    }
}
