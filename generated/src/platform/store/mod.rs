//! Where a platform keeps its ticket and tokens: the [`TokenStore`] trait, the keys it is
//! given, and three stores: [`MemoryStore`] (tests, one process that may lose everything),
//! [`FileStore`] (the default: a file, one process) and, with the `redis` feature,
//! [`RedisStore`] (many processes).
//!
//! A store is a map from keys to values with expiries, plus a lock that one process at a time
//! holds for a while: the token sources refresh a token under its lock, so that a fleet of
//! instances fetches each token once, and the instance that refreshes an authorizer's token
//! stores its new refresh token before anyone uses the new access token.

mod file;
mod locks;
mod memory;
#[cfg(feature = "redis")]
mod redis;

pub use file::FileStore;
pub use memory::MemoryStore;
#[cfg(feature = "redis")]
pub use redis::{COMMAND_TIMEOUT, CONNECT_TIMEOUT, RedisStore};

use crate::Secret;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A stored value: a ticket, a token or a refresh token, when it expires, and when it should
/// be replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The value.
    pub value: Secret,
    /// When it expires, in Unix seconds; `None` for a refresh token, which does not.
    pub expires_at: Option<u64>,
    /// When a token should be refreshed, in Unix seconds: some time before it expires. `None`
    /// when the value is not refreshed (a refresh token, a ticket).
    pub refresh_at: Option<u64>,
}

impl Stored {
    /// A value that expires `lifetime` from now.
    pub fn expiring(value: impl Into<Secret>, lifetime: Duration) -> Self {
        Self {
            value: value.into(),
            expires_at: Some(unix_now().saturating_add(lifetime.as_secs())),
            refresh_at: None,
        }
    }

    /// A value that does not expire.
    pub fn lasting(value: impl Into<Secret>) -> Self {
        Self {
            value: value.into(),
            expires_at: None,
            refresh_at: None,
        }
    }

    /// The same value, to be refreshed at `refresh_at` (Unix seconds).
    #[must_use]
    pub fn refreshed_at(mut self, refresh_at: u64) -> Self {
        self.refresh_at = Some(refresh_at);
        self
    }

    /// How long until it expires; `None` when it does not.
    pub fn remaining(&self) -> Option<Duration> {
        self.expires_at
            .map(|at| Duration::from_secs(at.saturating_sub(unix_now())))
    }

    /// Whether it has not expired.
    pub fn is_live(&self) -> bool {
        self.expires_at.is_none_or(|at| at > unix_now())
    }

    /// Its form in a store that keeps bytes: `{"value": …, "expires_at": …, "refresh_at": …}`.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "value": self.value.expose_secret(),
            "expires_at": self.expires_at,
            "refresh_at": self.refresh_at,
        })
        .to_string()
    }

    /// The value [`to_json`](Self::to_json) made.
    pub fn from_json(json: &[u8]) -> Result<Self, StoreError> {
        #[derive(serde::Deserialize)]
        struct Record {
            value: String,
            expires_at: Option<u64>,
            #[serde(default)]
            refresh_at: Option<u64>,
        }
        // The decoder's message may quote the value: only where it failed is told.
        let record: Record = serde_json::from_slice(json).map_err(|error| {
            StoreError::new(format!(
                "a stored value is not a record (line {}, column {})",
                error.line(),
                error.column()
            ))
        })?;
        Ok(Self {
            value: Secret::new(record.value),
            expires_at: record.expires_at,
            refresh_at: record.refresh_at,
        })
    }
}

/// Seconds since the Unix epoch: stored expiries are wall-clock times, shared by processes.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// A store failed: it is unreachable, or what it holds is unreadable. Says what, never a value.
#[derive(Debug, thiserror::Error)]
#[error("token store: {message}")]
pub struct StoreError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl StoreError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            source: None,
        }
    }

    /// An error with this message, caused by `source`.
    pub fn with_source(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }
}

/// The keys a platform's values are stored under, all beginning with
/// `wechat:{component_appid}:`, so that several platforms can share a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keys {
    prefix: String,
}

impl Keys {
    /// The keys of the platform `component_appid`.
    pub fn new(component_appid: &str) -> Self {
        Self {
            prefix: format!("wechat:{component_appid}:"),
        }
    }

    /// The latest `component_verify_ticket`.
    pub fn ticket(&self) -> String {
        format!("{}ticket", self.prefix)
    }

    /// The platform's `component_access_token`.
    pub fn component_token(&self) -> String {
        format!("{}component_access_token", self.prefix)
    }

    /// An authorizer's `authorizer_access_token`.
    pub fn authorizer_token(&self, authorizer_appid: &str) -> String {
        format!("{}authorizer:{authorizer_appid}:access_token", self.prefix)
    }

    /// An authorizer's `authorizer_refresh_token`: what must never be lost.
    pub fn refresh_token(&self, authorizer_appid: &str) -> String {
        format!("{}authorizer:{authorizer_appid}:refresh_token", self.prefix)
    }

    /// The prefix of every authorizer's keys, for [`TokenStore::keys`].
    pub fn authorizers_prefix(&self) -> String {
        format!("{}authorizer:", self.prefix)
    }

    /// The authorizer whose refresh token `key` is, if it is one.
    pub fn authorizer_of_refresh_key<'a>(&self, key: &'a str) -> Option<&'a str> {
        key.strip_prefix(&self.authorizers_prefix())?
            .strip_suffix(":refresh_token")
    }
}

/// Storage for a platform's ticket and tokens, shared by every instance of the platform.
///
/// Implement it to keep them elsewhere (a database the platform already runs). The lock is a
/// lease: held by `owner` until `ttl` passes or `owner` releases it, so that a process that
/// dies holding it blocks the others for at most `ttl`; the holder extends it while it works.
pub trait TokenStore: Send + Sync + 'static {
    /// The value at `key`, if there is one and it has not expired.
    fn get(&self, key: &str) -> impl Future<Output = Result<Option<Stored>, StoreError>> + Send;

    /// Sets the value at `key`. It must be durable when this returns: a refresh token written
    /// here is the only copy.
    fn put(&self, key: &str, value: &Stored)
    -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Sets the value at `key` only if its current value is `expected` (`None`: no value);
    /// whether it did. What keeps a refresh token from being replaced by an older one.
    fn put_if(
        &self,
        key: &str,
        expected: Option<&str>,
        value: &Stored,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Removes the value at `key`, if any.
    fn delete(&self, key: &str) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Removes the value at `key` if it is still `value` (a token another instance has not
    /// replaced yet).
    fn delete_if(
        &self,
        key: &str,
        value: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The keys that begin with `prefix`, in any order.
    fn keys(&self, prefix: &str) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    /// Takes the lock `name` for `owner` for `ttl`, if no one holds it; whether it was taken.
    fn try_lock(
        &self,
        name: &str,
        owner: &str,
        ttl: Duration,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Extends the lock `name` to `ttl` from now if `owner` still holds it; whether it did.
    fn extend_lock(
        &self,
        name: &str,
        owner: &str,
        ttl: Duration,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Releases the lock `name` if `owner` holds it.
    fn unlock(
        &self,
        name: &str,
        owner: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// [`TokenStore`] behind a pointer: the platform holds any store the same way.
pub(crate) trait DynTokenStore: Send + Sync {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Stored>, StoreError>>;
    fn put<'a>(&'a self, key: &'a str, value: &'a Stored) -> BoxFuture<'a, Result<(), StoreError>>;
    fn put_if<'a>(
        &'a self,
        key: &'a str,
        expected: Option<&'a str>,
        value: &'a Stored,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>>;
    fn delete_if<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    fn keys<'a>(&'a self, prefix: &'a str) -> BoxFuture<'a, Result<Vec<String>, StoreError>>;
    fn try_lock<'a>(
        &'a self,
        name: &'a str,
        owner: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;
    fn extend_lock<'a>(
        &'a self,
        name: &'a str,
        owner: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;
    fn unlock<'a>(&'a self, name: &'a str, owner: &'a str)
    -> BoxFuture<'a, Result<(), StoreError>>;
}

impl<T: TokenStore> DynTokenStore for T {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Stored>, StoreError>> {
        Box::pin(TokenStore::get(self, key))
    }
    fn put<'a>(&'a self, key: &'a str, value: &'a Stored) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(TokenStore::put(self, key, value))
    }
    fn put_if<'a>(
        &'a self,
        key: &'a str,
        expected: Option<&'a str>,
        value: &'a Stored,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(TokenStore::put_if(self, key, expected, value))
    }
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(TokenStore::delete(self, key))
    }
    fn delete_if<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(TokenStore::delete_if(self, key, value))
    }
    fn keys<'a>(&'a self, prefix: &'a str) -> BoxFuture<'a, Result<Vec<String>, StoreError>> {
        Box::pin(TokenStore::keys(self, prefix))
    }
    fn try_lock<'a>(
        &'a self,
        name: &'a str,
        owner: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(TokenStore::try_lock(self, name, owner, ttl))
    }
    fn extend_lock<'a>(
        &'a self,
        name: &'a str,
        owner: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(TokenStore::extend_lock(self, name, owner, ttl))
    }
    fn unlock<'a>(
        &'a self,
        name: &'a str,
        owner: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(TokenStore::unlock(self, name, owner))
    }
}

/// A shared store is a store: keep an `Arc` to look at what the platform stored.
impl<T: TokenStore> TokenStore for std::sync::Arc<T> {
    fn get(&self, key: &str) -> impl Future<Output = Result<Option<Stored>, StoreError>> + Send {
        T::get(self, key)
    }
    fn put(
        &self,
        key: &str,
        value: &Stored,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        T::put(self, key, value)
    }
    fn put_if(
        &self,
        key: &str,
        expected: Option<&str>,
        value: &Stored,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        T::put_if(self, key, expected, value)
    }
    fn delete(&self, key: &str) -> impl Future<Output = Result<(), StoreError>> + Send {
        T::delete(self, key)
    }
    fn delete_if(
        &self,
        key: &str,
        value: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        T::delete_if(self, key, value)
    }
    fn keys(&self, prefix: &str) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send {
        T::keys(self, prefix)
    }
    fn try_lock(
        &self,
        name: &str,
        owner: &str,
        ttl: Duration,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        T::try_lock(self, name, owner, ttl)
    }
    fn extend_lock(
        &self,
        name: &str,
        owner: &str,
        ttl: Duration,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        T::extend_lock(self, name, owner, ttl)
    }
    fn unlock(
        &self,
        name: &str,
        owner: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        T::unlock(self, name, owner)
    }
}
