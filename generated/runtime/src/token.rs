//! Secrets that must not leak, and where the client gets its access token.

use super::TokenSourceError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// An access token (or `authorizer_access_token`). Its `Debug` output never shows the value,
/// and it has no `Display`, so it cannot leak into logs or error messages by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// Wraps a token obtained elsewhere (a token service, `stable_token`, a test).
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The token itself, to put on the wire. Do not log it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

impl From<String> for AccessToken {
    fn from(token: String) -> Self {
        Self(token)
    }
}

impl From<&str> for AccessToken {
    fn from(token: &str) -> Self {
        Self(token.to_owned())
    }
}

impl From<Secret> for AccessToken {
    fn from(secret: Secret) -> Self {
        Self(secret.0)
    }
}

/// A string that must not be shown: an app secret, or a token inside a request or response
/// model (a spec field of type `secret`). On the wire it is a plain JSON string; its `Debug`
/// output is `Secret(<redacted>)` and it has no `Display`.
#[derive(Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The value itself, to put on the wire. Do not log it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl From<&str> for Secret {
    fn from(secret: &str) -> Self {
        Self(secret.to_owned())
    }
}

/// A kind of token: what an endpoint takes, and what a token source of the client gives.
///
/// The specs declare the kinds (`token_kinds:`); each but [`ACCESS_TOKEN`](Self::ACCESS_TOKEN)
/// is a constant here generated from them, such as `TokenKind::COMPONENT_ACCESS_TOKEN`. A
/// [`Client`](crate::Client) holds one [`TokenSource`] per kind, and a call sends the kind its
/// endpoint takes, never another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TokenKind(&'static str);

impl TokenKind {
    /// An account's own `access_token`, or the `authorizer_access_token` a third-party platform
    /// holds for it: what [`ClientBuilder::access_token`](crate::ClientBuilder::access_token),
    /// [`token_source`](crate::ClientBuilder::token_source) and `app_credentials` provide.
    pub const ACCESS_TOKEN: Self = Self("access_token");

    /// A kind the specs declare; the generated constants use it.
    #[doc(hidden)]
    pub const fn declared(name: &'static str) -> Self {
        Self(name)
    }

    /// The kind's name in the specs (`component_access_token`).
    pub fn name(&self) -> &'static str {
        self.0
    }
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// Which token an endpoint takes, and the query parameter that carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenUse {
    pub kind: TokenKind,
    pub query_param: &'static str,
}

/// Where a [`Client`](crate::Client) gets the access token it sends. The client asks before
/// every call, so an implementation should answer from a cache; when WeChat rejects a token
/// (errcode 40001, 40014 or 42001) the client calls [`invalidate`](TokenSource::invalidate)
/// with it, asks again, and sends the call once more with the new token.
///
/// Implement it to plug in the service that owns your tokens (the official advice is that one
/// service refreshes them and every other process asks it). A third-party platform calling on
/// behalf of an account implements it to hand out that account's `authorizer_access_token`:
///
/// ```no_run
/// use wechat_api_runtime::{AccessToken, Client, TokenSource, TokenSourceError};
///
/// /// The platform's own store of authorizer tokens, kept fresh by its refresh job.
/// struct AuthorizerTokens {
///     store: MyTokenStore,
///     authorizer_appid: String,
/// }
///
/// impl TokenSource for AuthorizerTokens {
///     async fn token(&self) -> Result<AccessToken, TokenSourceError> {
///         let token = self
///             .store
///             .authorizer_access_token(&self.authorizer_appid)
///             .await
///             .map_err(TokenSourceError::new)?;
///         Ok(AccessToken::new(token))
///     }
///
///     async fn invalidate(&self, rejected: &AccessToken) {
///         // Ask the refresh job for a new one (it compares, so many callers refresh once).
///         self.store.refresh_if_current(&self.authorizer_appid, rejected.expose_secret()).await;
///     }
/// }
///
/// # struct MyTokenStore;
/// # impl MyTokenStore {
/// #     async fn authorizer_access_token(&self, _: &str) -> Result<String, std::io::Error> { Ok(String::new()) }
/// #     async fn refresh_if_current(&self, _: &str, _: &str) {}
/// # }
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let source = AuthorizerTokens { store: MyTokenStore, authorizer_appid: "wx0123456789abcdef".into() };
/// let client = Client::builder().token_source(source).build()?;
/// // Every call of `client` now carries that account's token.
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
pub trait TokenSource: Send + Sync + 'static {
    /// A token to send now.
    fn token(&self) -> impl Future<Output = Result<AccessToken, TokenSourceError>> + Send;

    /// WeChat rejected `rejected` as invalid or expired: the next [`token`](TokenSource::token)
    /// should not return it. Several calls may report the same token at once; refresh once.
    /// The default does nothing (a source that cannot refresh).
    fn invalidate(&self, rejected: &AccessToken) -> impl Future<Output = ()> + Send {
        let _ = rejected;
        async {}
    }
}

/// A static token: returned as is; a rejection cannot be repaired, so the call fails with it.
impl TokenSource for AccessToken {
    async fn token(&self) -> Result<AccessToken, TokenSourceError> {
        Ok(self.clone())
    }
}

pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// [`TokenSource`] in a form the client can hold behind `Arc<dyn …>` (a trait whose methods
/// return `impl Future` is not object safe); implemented for every `TokenSource`.
pub(crate) trait DynTokenSource: Send + Sync {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, TokenSourceError>>;
    fn invalidate<'a>(&'a self, rejected: &'a AccessToken) -> BoxFuture<'a, ()>;
}

impl<T: TokenSource> DynTokenSource for T {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, TokenSourceError>> {
        Box::pin(TokenSource::token(self))
    }

    fn invalidate<'a>(&'a self, rejected: &'a AccessToken) -> BoxFuture<'a, ()> {
        Box::pin(TokenSource::invalidate(self, rejected))
    }
}
