//! How a platform's tokens are read and refreshed, the same way for the component token and
//! every authorizer's: from this process's cache, else from the store while fresh, else
//! refreshed by one instance at a time under the store's lease on that token, while the others
//! wait for it and then read what it stored.

use super::store::{DynTokenStore, Stored, unix_now};
use crate::{AccessToken, TokenSourceError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How the lease on a token's refresh is held and waited for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaseSettings {
    /// How long a lease lasts unless its holder extends it (every third of it, while it works).
    /// An instance that dies holding one blocks the others this long at most.
    pub ttl: Duration,
    /// How long a caller waits for another instance's refresh before it gives up with an error.
    pub wait: Duration,
    /// How often a waiting caller looks at the store again.
    pub poll: Duration,
}

impl Default for LeaseSettings {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(10),
            wait: Duration::from_secs(30),
            poll: Duration::from_millis(50),
        }
    }
}

/// A token as a refresh returns it.
pub(crate) struct Fetched {
    pub token: AccessToken,
    /// Seconds, as the endpoint says.
    pub expires_in: i64,
}

/// The store, the lease settings, and what this process remembers between calls.
pub(crate) struct Leases {
    pub store: Arc<dyn DynTokenStore>,
    pub settings: LeaseSettings,
    /// A token is refreshed once less than this is left of its life.
    pub refresh_margin: Duration,
    /// Tokens this process has read or refreshed, with their expiry in Unix seconds: most calls
    /// end here, without a round trip to the store.
    cache: Mutex<HashMap<String, (AccessToken, u64)>>,
    /// One refresh per key at a time within this process: the other callers wait here rather
    /// than poll the store.
    local: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl std::fmt::Debug for Leases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Leases")
            .field("settings", &self.settings)
            .field("refresh_margin", &self.refresh_margin)
            .finish_non_exhaustive()
    }
}

fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Every change under these locks is one insert or remove: a panic cannot leave them torn.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Leases {
    pub fn new(
        store: Arc<dyn DynTokenStore>,
        settings: LeaseSettings,
        refresh_margin: Duration,
    ) -> Self {
        Self {
            store,
            settings,
            refresh_margin,
            cache: Mutex::default(),
            local: Mutex::default(),
        }
    }

    fn fresh(&self, expires_at: u64) -> bool {
        expires_at.saturating_sub(unix_now()) > self.refresh_margin.as_secs()
    }

    fn cached(&self, key: &str) -> Option<AccessToken> {
        let cache = locked(&self.cache);
        let (token, expires_at) = cache.get(key)?;
        self.fresh(*expires_at).then(|| token.clone())
    }

    fn remember(&self, key: &str, token: &AccessToken, expires_at: u64) {
        locked(&self.cache).insert(key.to_owned(), (token.clone(), expires_at));
    }

    /// Forgets the token at `key` in this process.
    pub fn forget(&self, key: &str) {
        locked(&self.cache).remove(key);
    }

    /// The stored token at `key` if it is fresh, remembered; the stale but unexpired one apart.
    async fn read_store(
        &self,
        key: &str,
    ) -> Result<(Option<AccessToken>, Option<AccessToken>), TokenSourceError> {
        let stored = self.store.get(key).await.map_err(TokenSourceError::new)?;
        let Some(Stored { value, expires_at }) = stored else {
            return Ok((None, None));
        };
        let token = AccessToken::new(value.expose_secret());
        let expires_at = expires_at.unwrap_or(u64::MAX);
        if self.fresh(expires_at) {
            self.remember(key, &token, expires_at);
            Ok((Some(token), None))
        } else {
            Ok((None, Some(token)))
        }
    }

    /// The token at `key`: cached, stored, or refreshed by `refresh` under the lease.
    pub async fn token(
        &self,
        key: &str,
        refresh: impl AsyncFnOnce() -> Result<Fetched, TokenSourceError>,
    ) -> Result<AccessToken, TokenSourceError> {
        if let Some(token) = self.cached(key) {
            return Ok(token);
        }
        let local = Arc::clone(locked(&self.local).entry(key.to_owned()).or_default());
        let _turn = local.lock().await;
        if let Some(token) = self.cached(key) {
            return Ok(token);
        }
        let (fresh, mut stale) = self.read_store(key).await?;
        if let Some(token) = fresh {
            return Ok(token);
        }
        let lease = format!("{key}:lease");
        let owner = lease_owner();
        let deadline = Instant::now() + self.settings.wait;
        loop {
            if self
                .store
                .try_lock(&lease, &owner, self.settings.ttl)
                .await
                .map_err(TokenSourceError::new)?
            {
                break;
            }
            if Instant::now() >= deadline {
                return match stale {
                    Some(token) => {
                        tracing::warn!(
                            key,
                            "another instance holds the refresh lease past the wait; using the unexpired token"
                        );
                        Ok(token)
                    }
                    None => Err(TokenSourceError::new(format!(
                        "waited {:?} for another instance to refresh {key}",
                        self.settings.wait
                    ))),
                };
            }
            let jitter = Duration::from_millis(fastrand::u64(
                0..=self.settings.poll.as_millis().try_into().unwrap_or(50),
            ));
            tokio::time::sleep(self.settings.poll + jitter).await;
            let (fresh, still_stale) = self.read_store(key).await?;
            if let Some(token) = fresh {
                return Ok(token);
            }
            stale = still_stale.or(stale);
        }
        let refreshed = self.under_lease(key, &lease, &owner, refresh).await;
        if let Err(error) = self.store.unlock(&lease, &owner).await {
            // The lease expires by itself; the others wait at most its ttl.
            tracing::warn!(key, error = %error, "cannot release the refresh lease");
        }
        match refreshed {
            Ok(token) => Ok(token),
            Err(error) => match stale {
                Some(token) => {
                    tracing::warn!(key, error = %error, "the refresh failed; using the unexpired token");
                    Ok(token)
                }
                None => Err(error),
            },
        }
    }

    /// Holding the lease: reads the store once more (the previous holder may have just
    /// refreshed), else refreshes, extending the lease while the refresh runs, and stores the
    /// new token.
    async fn under_lease(
        &self,
        key: &str,
        lease: &str,
        owner: &str,
        refresh: impl AsyncFnOnce() -> Result<Fetched, TokenSourceError>,
    ) -> Result<AccessToken, TokenSourceError> {
        if let (Some(token), _) = self.read_store(key).await? {
            return Ok(token);
        }
        let work = refresh();
        tokio::pin!(work);
        let mut renew = tokio::time::interval(self.settings.ttl / 3);
        renew.tick().await;
        let fetched = loop {
            tokio::select! {
                fetched = &mut work => break fetched?,
                _ = renew.tick() => {
                    match self.store.extend_lock(lease, owner, self.settings.ttl).await {
                        Ok(true) => {}
                        Ok(false) => tracing::warn!(key, "the refresh lease was lost while refreshing; another instance may refresh too"),
                        Err(error) => tracing::warn!(key, error = %error, "cannot extend the refresh lease"),
                    }
                }
            }
        };
        let lifetime = Duration::from_secs(u64::try_from(fetched.expires_in).unwrap_or(0));
        let stored = Stored::expiring(fetched.token.expose_secret(), lifetime);
        self.store
            .put(key, &stored)
            .await
            .map_err(TokenSourceError::new)?;
        self.remember(key, &fetched.token, stored.expires_at.unwrap_or(0));
        Ok(fetched.token)
    }

    /// WeChat rejected `rejected`: it goes from this process's cache, and from the store unless
    /// another instance has replaced it already.
    pub async fn invalidate(&self, key: &str, rejected: &AccessToken) {
        {
            let mut cache = locked(&self.cache);
            if cache.get(key).is_some_and(|(token, _)| token == rejected) {
                cache.remove(key);
            }
        }
        if let Err(error) = self.store.delete_if(key, rejected.expose_secret()).await {
            tracing::warn!(key, error = %error, "cannot remove a rejected token from the store");
        }
    }
}

/// A fresh id for one attempt at a lease: which process, and which attempt within it.
fn lease_owner() -> String {
    format!("{}-{:016x}", std::process::id(), fastrand::u64(..))
}
