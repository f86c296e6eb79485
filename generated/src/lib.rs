//! A typed async client for the WeChat Open Platform HTTP APIs.
//!
//! The endpoint modules (`src/api/`) are generated from the YAML specs in the repository's
//! `specs/` folder by `cargo run -p codegen`; do not edit them by hand. The client itself and
//! everything the endpoints share live in the hand-written runtime crate (`wechat-api-runtime`,
//! `generated/runtime/`), whose public items this crate re-exports; the built-in token sources
//! and the third-party platform support (this crate's other files) are hand-written too.
//!
//! A [`Client`] gets its tokens from [`TokenSource`]s (a fixed token, the built-in
//! [`StableTokenSource`] and [`WecomTokenSource`], or your own), replaces a rejected token once, retries busy answers
//! and failed connects by its [`RetryPolicy`], can fail over to a backup [`domain`], bounds
//! each attempt's time and body size, and never shows a token or secret. Each call runs in a
//! `wechat_api` tracing span. The repository's README describes every setting and its default.
//!
//! Each endpoint is a method of the client, from a trait of its own: [`prelude`] brings every
//! one of the enabled groups into scope.
//!
//! ```no_run
//! use wechat_api_client::prelude::*;
//! use wechat_api_client::wxopen::LinkStatus;
//! use wechat_api_client::Client;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder().access_token("ACCESS_TOKEN").build()?;
//! let linked = client.get_linked_mini_programs().await?;
//! for item in &linked.wxopens.items {
//!     if item.status == LinkStatus::Linked {
//!         println!("{}", item.nickname.as_deref().unwrap_or("(no name)"));
//!     }
//! }
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]
// With no group of endpoints compiled (`--no-default-features`), nothing calls the client's
// call machinery; the build is still warning-free.
#![cfg_attr(
    not(feature = "any-group"),
    allow(
        dead_code,
        unused_imports,
        reason = "no group of endpoints is compiled"
    )
)]

#[rustfmt::skip] // prettyplease formats the generated code; rustfmt would disagree.
mod api;
// The built-in token sources call endpoints of their groups: `stable_token` of `base`,
// `gettoken` of `wecom`.
#[cfg(feature = "base")]
mod stable_token_source;
#[cfg(any(feature = "base", feature = "wecom", feature = "platform"))]
mod token_cache;
#[cfg(feature = "wecom")]
mod wecom_token_source;
// Third-party platforms: the ticket push, the component and authorizer tokens, their stores.
#[cfg(feature = "platform")]
pub mod platform;
#[cfg(feature = "testing")]
pub mod testing;

pub use api::*;

/// Every call of the enabled groups as a method of the [`Client`], the declared token kinds as
/// constants of [`TokenKind`], and the builder's credential methods: `use
/// wechat_api_client::prelude::*;` and every endpoint is one expression away.
pub mod prelude {
    pub use crate::api::prelude::*;
    #[cfg(feature = "base")]
    pub use crate::stable_token_source::AppCredentials;
    #[cfg(feature = "wecom")]
    pub use crate::wecom_token_source::WecomCredentials;
}

/// What the benchmarks and fuzz target reach past the API for; not part of it.
#[doc(hidden)]
pub mod __private {
    pub use wechat_api_runtime::read_success as read_answer;
}
#[cfg(feature = "base")]
pub use stable_token_source::{AppCredentials, StableTokenSource};
#[cfg(any(feature = "base", feature = "wecom", feature = "platform"))]
pub use token_cache::DEFAULT_REFRESH_MARGIN;
pub use wechat_api_runtime::{
    AccessToken, ApiError, BuildError, Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_FAILOVER_COOLDOWN, DEFAULT_MAX_MEDIA_BYTES, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT, EXCERPT_LIMIT, Error, MEMORY_BOUND_FACTOR, Media, MediaInfo, MediaOr,
    MediaSink, Missing, RetryPolicy, Secret, Tag, TagLiteral, TokenKind, TokenSource,
    TokenSourceError, UnknownVariant, Upload, domain,
};
#[cfg(feature = "wecom")]
pub use wecom_token_source::{WecomCredentials, WecomTokenSource};

/// The README's examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
