//! The hand-written runtime of the generated WeChat API clients (not generated: edit freely).
//!
//! The generated crates (one per group of specs) describe each endpoint as data (an
//! [`Operation`]) and call [`Client::call`]; everything that is the same for every endpoint lives
//! here: the client and its settings, the call loop (tokens, retries, failover, limits,
//! tracing), the error types, secret redaction, decoding within a memory bound, tagged unions,
//! and the serde adapters of 0/1 flags and lenient scalars. Nothing here names an endpoint, and
//! its tests compile none.
//!
//! Users reach it through the client crate (`wechat-api-client`), which re-exports its public
//! items. The items marked `#[doc(hidden)]` are the contract with the generated code: the
//! generator names each of them once, in its runtime registry (`codegen/src/emit/runtime.rs`).

mod answer;
mod body;
mod budget;
mod builder;
mod call;
mod client;
#[doc(hidden)]
pub mod de;
pub mod domain;
mod error;
#[doc(hidden)]
pub mod flag;
#[doc(hidden)]
pub mod lenient;
mod media;
#[cfg(feature = "testing")]
pub mod mock;
mod read;
mod redact;
mod retry;
mod route;
#[doc(hidden)]
pub mod testing;
mod token;
#[doc(hidden)]
pub mod union;
mod upload;

pub use answer::MEMORY_BOUND_FACTOR;
#[doc(hidden)]
pub use answer::{ResponseReader, read_as, read_success};
#[doc(hidden)]
pub use body::{Body, Part, query_text};
pub use builder::Missing;
pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_FAILOVER_COOLDOWN,
    DEFAULT_MAX_MEDIA_BYTES, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
};
pub use error::{ApiError, BuildError, EXCERPT_LIMIT, Error, TokenSourceError};
pub use media::{Media, MediaInfo, MediaOr};
pub use retry::RetryPolicy;
#[doc(hidden)]
pub use token::TokenUse;
pub use token::{AccessToken, Secret, TokenKind, TokenSource};
pub use union::{Tag, TagLiteral, UnknownVariant};
pub use upload::{MediaSink, Upload};

/// An endpoint as the generated code describes it to [`Client::call`].
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Operation {
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

#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
}

impl HttpMethod {
    /// The method as HTTP writes it: `GET`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
        }
    }
}
