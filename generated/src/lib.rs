//! A typed async client for the WeChat Open Platform HTTP APIs.
//!
//! The endpoint modules (`src/api/`) are generated from the YAML specs in the repository's
//! `specs/` folder by `cargo run -p codegen`; do not edit them by hand. The client itself and
//! everything the endpoints share (`src/runtime/`, this file) are hand-written.
//!
//! ```no_run
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

#[rustfmt::skip] // prettyplease formats the generated code; rustfmt would disagree.
mod api;
mod runtime;
mod stable_token_source;

pub use api::*;
pub use runtime::{
    AccessToken, ApiError, BuildError, Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_FAILOVER_COOLDOWN, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, EXCERPT_LIMIT, Error,
    RetryPolicy, Secret, TokenSource, TokenSourceError, domain,
};
pub use stable_token_source::{DEFAULT_REFRESH_MARGIN, StableTokenSource};

/// The README's examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
