//! The one error type of every call, what the generated error enums implement, and the
//! errors of building a client or getting a token.

use super::TokenKind;
use super::retry::{BUSY_CODES, TOKEN_CODES};
use std::time::Duration;

/// What every generated per-endpoint error enum provides: a value for each `errcode`.
pub trait ApiError: std::error::Error + Send + Sync + 'static {
    /// The variant for `code`, or the fallback that keeps an undocumented code and its errmsg.
    fn from_errcode(code: i64, errmsg: String) -> Self;
    /// The `errcode` the server sent.
    fn code(&self) -> i64;
}

/// Everything that can go wrong in one call; `E` is the endpoint's own error enum, so
/// `Error::Api` is matched against the codes that endpoint documents.
///
/// Every variant's `Display` is one line saying what happened. None carries the access token
/// or the app secret: URLs are never kept, and a body excerpt is withheld when the response
/// is one that carries a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E: ApiError> {
    /// The server answered with a non-zero `errcode`.
    #[error("WeChat API error: {0}")]
    Api(E),
    /// The HTTP exchange failed: no connection could be made (`sent` is false: the request
    /// never reached the server), or it broke after the request was sent.
    #[error("{}", transport_message(operation, *sent, detail))]
    Transport {
        /// The endpoint's wire name.
        operation: &'static str,
        /// Whether the request may have reached the server. When false (a failed connect), the
        /// call is safe to send again and the client retries it.
        sent: bool,
        /// The innermost cause, such as `Connection refused (os error 111)`.
        detail: String,
        /// The error as `reqwest` reported it, with its URL removed.
        #[source]
        source: reqwest::Error,
    },
    /// No complete answer arrived within the call's timeout. The server may have acted on the
    /// request, so it is not sent again unless the retry policy opts in.
    #[error("{operation} timed out after {after:?} without a complete answer")]
    Timeout {
        /// The endpoint's wire name.
        operation: &'static str,
        /// The timeout that ran out.
        after: Duration,
    },
    /// The server answered with an HTTP status other than 2xx.
    #[error("HTTP status {status} from {operation}; body starts: {body_excerpt:?}")]
    HttpStatus {
        /// The endpoint's wire name.
        operation: &'static str,
        /// The HTTP status code.
        status: u16,
        /// The start of the response body, at most [`EXCERPT_LIMIT`] bytes.
        body_excerpt: String,
    },
    /// The response body is larger than the client accepts; reading stopped at the limit.
    #[error("the response of {operation} is larger than the limit of {limit} bytes")]
    BodyTooLarge {
        /// The endpoint's wire name.
        operation: &'static str,
        /// The limit set with [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes).
        limit: usize,
    },
    /// The body is under the size limit, but its decoded vectors and maps would take more than
    /// the limit (JSON of many tiny objects that each become a large struct): decoding stopped
    /// before the value was built. With the body and its strings, one answer holds at most
    /// [`MEMORY_BOUND_FACTOR`](crate::MEMORY_BOUND_FACTOR) times the limit.
    #[error(
        "the response of {operation} would take more than {limit} bytes of memory once decoded; decoding stopped"
    )]
    DecodedTooLarge {
        /// The endpoint's wire name.
        operation: &'static str,
        /// The bytes its vectors and maps may take:
        /// [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes).
        limit: usize,
    },
    /// A file the endpoint answered with could not be written to the writer it was given; the
    /// writer may hold part of it.
    #[error("cannot write the file {operation} answered with: {source}")]
    MediaWrite {
        /// The endpoint's wire name.
        operation: &'static str,
        /// What the writer reported.
        source: std::io::Error,
    },
    /// The body is not the JSON the endpoint documents.
    #[error("cannot decode the response of {operation}: {reason}; body starts: {body_excerpt:?}")]
    Decode {
        /// The endpoint's wire name.
        operation: &'static str,
        /// What the decoder found wrong, with its line and column in the body.
        reason: String,
        /// The start of the response body, at most [`EXCERPT_LIMIT`] bytes.
        body_excerpt: String,
    },
    /// The request could not be encoded as JSON (a map with non-string keys, a float that is
    /// not finite); nothing was sent.
    #[error("cannot encode the request of {operation}: {reason}")]
    Encode {
        /// The endpoint's wire name.
        operation: &'static str,
        /// What the encoder found wrong.
        reason: String,
    },
    /// The endpoint takes a kind of token the client has no source for; nothing was sent.
    #[error(
        "{operation} takes a token of kind `{kind}`, and the client has no source of that kind"
    )]
    NoTokenSource {
        /// The endpoint's wire name.
        operation: &'static str,
        /// The kind the endpoint takes.
        kind: TokenKind,
    },
    /// The token source could not give a token; nothing was sent.
    #[error("cannot get an access token for {operation}: {source}")]
    TokenSource {
        /// The endpoint's wire name.
        operation: &'static str,
        /// What the token source reported.
        source: TokenSourceError,
    },
}

fn transport_message(operation: &str, sent: bool, detail: &str) -> String {
    if sent {
        format!("the connection broke during {operation}: {detail}")
    } else {
        format!("cannot connect to the server for {operation}: {detail}")
    }
}

impl<E: ApiError> Error<E> {
    /// The endpoint's typed error, when the server answered with a non-zero `errcode`.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Self::Api(error) => Some(error),
            _ => None,
        }
    }

    /// The `errcode` the server answered with, when it answered with one.
    pub fn errcode(&self) -> Option<i64> {
        self.api_error().map(ApiError::code)
    }

    /// Whether sending the same request again is safe and may succeed: errcode -1 (system
    /// busy) or 45011 (per-minute quota), or a connection that could not be made. These are
    /// what the client retries by itself. A timeout is not: the server may have acted.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(error) => BUSY_CODES.contains(&error.code()),
            Self::Transport { sent, .. } => !sent,
            _ => false,
        }
    }

    /// Whether the server rejected the access token (errcode 40001, 40014 or 42001).
    pub fn is_token_rejected(&self) -> bool {
        self.errcode()
            .is_some_and(|code| TOKEN_CODES.contains(&code))
    }

    /// Classifies a `reqwest` failure, dropping the URL (it carries the access token).
    pub(crate) fn from_reqwest(
        operation: &'static str,
        error: reqwest::Error,
        timeout: Duration,
    ) -> Self {
        let error = error.without_url();
        if error.is_connect() {
            Self::Transport {
                operation,
                sent: false,
                detail: innermost_cause(&error),
                source: error,
            }
        } else if error.is_timeout() {
            Self::Timeout {
                operation,
                after: timeout,
            }
        } else {
            Self::Transport {
                operation,
                sent: true,
                detail: innermost_cause(&error),
                source: error,
            }
        }
    }
}

/// The last error of a source chain, the one that says what actually happened.
fn innermost_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// A token source's failure, carrying the source's own error.
#[derive(Debug)]
pub struct TokenSourceError(Box<dyn std::error::Error + Send + Sync>);

impl TokenSourceError {
    /// Wraps what went wrong in a [`TokenSource`](crate::TokenSource): an error value or a message.
    pub fn new(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self(error.into())
    }

    /// The source's own error, to downcast (for the built-in `StableTokenSource`, the
    /// [`Error`] of the `stable_token` call).
    pub fn inner(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl std::fmt::Display for TokenSourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

// Transparent: `Display` already shows the wrapped error, so the chain continues below it.
impl std::error::Error for TokenSourceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// How much of an unexpected response body an [`Error`] keeps, in bytes.
pub const EXCERPT_LIMIT: usize = 512;

/// The client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A base URL is not an absolute `http` or `https` URL.
    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No token source was chosen.
    #[error(
        "no access token: call `access_token`, `app_credentials`, `token_source` or \
         `token_source_for` on the builder (or `without_token` for a client of endpoints that take none)"
    )]
    MissingToken,
    /// The HTTP client could not be set up (TLS initialisation).
    #[error("cannot build the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}
