//! Hand-written support code for the generated endpoints (not generated: edit freely).
//!
//! The generated modules under `src/api/` describe each endpoint as data (an [`Operation`]) and
//! call [`Client::call`]; everything that is the same for every endpoint lives here: the client
//! and its settings, the call loop (tokens, retries, failover, limits, tracing), the error
//! types, secret redaction, and the serde adapter for 0/1 flags. Nothing here names an
//! endpoint, so the fixture client of the generator's tests compiles it too.

mod answer;
#[allow(dead_code, reason = "which body kinds are sent depends on the specs")]
mod body;
mod budget;
mod builder;
#[allow(dead_code, reason = "which answers are read depends on the specs")]
mod call;
mod client;
#[allow(
    dead_code,
    reason = "a crate whose specs receive no object does not decode one"
)]
pub(crate) mod de;
pub mod domain;
mod error;
#[allow(
    dead_code,
    reason = "which adapters are used depends on the flags the specs have"
)]
pub(crate) mod flag;
#[allow(
    dead_code,
    reason = "which readers are used depends on the specs' fields"
)]
pub(crate) mod lenient;
mod media;
#[allow(dead_code, reason = "which answers are read depends on the specs")]
mod read;
mod redact;
mod retry;
mod route;
#[cfg(test)]
pub(crate) mod testing;
mod token;
#[allow(dead_code, reason = "which unions there are depends on the specs")]
pub(crate) mod union;
mod upload;

pub use answer::MEMORY_BOUND_FACTOR;
#[doc(hidden)]
pub use answer::read_success;
#[allow(
    unused_imports,
    reason = "a crate of bytes endpoints alone reads no JSON answer"
)]
pub(crate) use answer::{ResponseReader, read_as};
#[allow(
    unused_imports,
    reason = "which body kinds are used depends on the specs"
)]
pub(crate) use body::{Body, Part, query_text};
pub use builder::Missing;
pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_FAILOVER_COOLDOWN,
    DEFAULT_MAX_MEDIA_BYTES, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
};
pub use error::{ApiError, BuildError, EXCERPT_LIMIT, Error, TokenSourceError};
pub use media::{Media, MediaInfo, MediaOr};
pub use retry::RetryPolicy;
pub use token::{AccessToken, Secret, TokenKind, TokenSource, TokenUse};
pub use union::{Tag, TagLiteral, UnknownVariant};
pub use upload::{MediaSink, Upload};

/// An endpoint as the generated code describes it to [`Client::call`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Operation {
    /// The endpoint's wire name, for logs and errors.
    pub name: &'static str,
    pub method: HttpMethod,
    /// The official host, used unless the client has a base URL.
    pub host: &'static str,
    pub path: &'static str,
    /// The token the endpoint takes and the query parameter that carries it, if it takes one.
    pub token: Option<TokenUse>,
    /// The wire names of the endpoint's fields of type `secret`, at any depth: their values are
    /// redacted from logged URLs and cut out of error texts, and a 2xx body of the endpoint is
    /// never excerpted.
    pub secrets: &'static [&'static str],
    /// Body fields the client always sends: a wire name and the value's JSON text.
    pub body_constants: &'static [(&'static str, &'static str)],
    /// The largest file the endpoint documents, for an endpoint that answers with bytes.
    pub max_media_bytes: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code, reason = "which methods are used depends on the specs")]
pub(crate) enum HttpMethod {
    Get,
    Post,
}
