/// What every generated per-endpoint error enum provides: a value for each `errcode`.
pub trait ApiError: std::error::Error + Send + Sync + 'static {
    /// The variant for `code`, or the fallback that keeps an undocumented code and its errmsg.
    fn from_errcode(code: i64, errmsg: String) -> Self;
    /// The `errcode` the server sent.
    fn code(&self) -> i64;
}

/// Everything that can go wrong in one call; `E` is the endpoint's own error enum.
///
/// No variant carries the request URL or the access token: transport errors have their URL
/// removed, and response excerpts are of the body only.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E: ApiError> {
    /// The server answered with a non-zero `errcode`.
    #[error("WeChat API error: {0}")]
    Api(E),
    /// The request did not complete: connection refused, reset, timed out, body cut off.
    #[error("HTTP transport error: {0}")]
    Transport(#[source] reqwest::Error),
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
}

impl<E: ApiError> Error<E> {
    /// The endpoint's typed error, when the server answered with a non-zero `errcode`.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Self::Api(error) => Some(error),
            _ => None,
        }
    }
}

/// How much of an unexpected response body an [`Error`] keeps, in bytes.
pub const EXCERPT_LIMIT: usize = 512;

/// The first [`EXCERPT_LIMIT`] bytes of a body as text (lossy UTF-8), marked when cut.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT_LIMIT)]).into_owned();
    if body.len() > EXCERPT_LIMIT {
        format!("{text}…")
    } else {
        text
    }
}

/// The client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL is not an absolute `http` or `https` URL.
    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No access token was given.
    #[error("no access token: call `ClientBuilder::access_token`")]
    MissingAccessToken,
    /// The HTTP client could not be set up (TLS initialisation).
    #[error("cannot build the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}
