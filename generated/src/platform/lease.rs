//! How a platform's tokens are read and refreshed, the same way for the component token and
//! every authorizer's: from this process's cache, else from the store while fresh, else
//! refreshed by one instance at a time under the store's lease on that token, while the others
//! wait for it (a bounded time) and then read what it stored.

use super::store::{DynTokenStore, Stored, unix_now};
use crate::{AccessToken, TokenSourceError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The longest a token is trusted, whatever `expires_in` says: WeChat's tokens live 7,200 s.
const MAX_LIFETIME_S: u64 = 7200;
/// How many tokens this process caches before it drops the expired ones.
const CACHE_SWEEP_AT: usize = 4096;

/// How the lease on a token's refresh is held and waited for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaseSettings {
    /// How long a lease lasts unless its holder extends it (every third of it, while it works).
    /// An instance that dies holding one blocks the others this long at most.
    pub ttl: Duration,
    /// How long a caller waits for another instance's (or task's) refresh before it gives up:
    /// with the old token while that is unexpired, else with an error.
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

impl LeaseSettings {
    /// Why these settings cannot work, if they cannot.
    pub(crate) fn problem(&self) -> Option<String> {
        let hour = Duration::from_secs(3600);
        if self.ttl < Duration::from_millis(100) || self.ttl > hour {
            return Some(format!(
                "the lease ttl must be 100 ms to 1 h, not {:?}",
                self.ttl
            ));
        }
        if self.wait > hour {
            return Some(format!(
                "the lease wait must be at most 1 h, not {:?}",
                self.wait
            ));
        }
        if self.poll < Duration::from_millis(1) || self.poll > self.ttl {
            return Some(format!(
                "the lease poll must be 1 ms to the ttl, not {:?}",
                self.poll
            ));
        }
        None
    }
}

/// A token as a refresh returns it.
pub(crate) struct Fetched {
    pub token: AccessToken,
    /// Seconds, as the endpoint says.
    pub expires_in: i64,
}

/// A token this process knows, with when to refresh it and when it expires (Unix seconds).
#[derive(Clone)]
struct Known {
    token: AccessToken,
    refresh_at: u64,
    expires_at: u64,
}

/// The store, the lease settings, and what this process remembers between calls.
pub(crate) struct Leases {
    pub store: Arc<dyn DynTokenStore>,
    pub settings: LeaseSettings,
    /// A token is refreshed once less than this is left of its life (or half its life, for a
    /// token that lives less than twice this).
    pub refresh_margin: Duration,
    /// Tokens this process has read or refreshed: most calls end here, without a round trip to
    /// the store.
    cache: Mutex<HashMap<String, Known>>,
    /// One refresh per key at a time within this process: the other callers wait here rather
    /// than poll the store. An entry goes when no one uses it.
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

/// What the store holds for a key, as far as a caller is concerned.
enum Read {
    Fresh(AccessToken),
    /// Due for a refresh, but still usable.
    Stale(AccessToken),
    Missing,
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

    /// The stored form of a token that lives `expires_in` seconds from now: it expires then
    /// (capped at two hours), and is refreshed a margin before, or at half its life when that
    /// is shorter than twice the margin.
    pub fn stored_form(&self, token: &AccessToken, expires_in: i64) -> Stored {
        let lifetime = u64::try_from(expires_in).unwrap_or(0).min(MAX_LIFETIME_S);
        let margin = self.refresh_margin.as_secs();
        let fresh_for = if lifetime > margin.saturating_mul(2) {
            lifetime - margin
        } else {
            lifetime / 2
        };
        let now = unix_now();
        Stored::expiring(token.expose_secret(), Duration::from_secs(lifetime))
            .refreshed_at(now.saturating_add(fresh_for))
    }

    fn cached(&self, key: &str) -> Option<AccessToken> {
        let cache = locked(&self.cache);
        let known = cache.get(key)?;
        (known.refresh_at > unix_now()).then(|| known.token.clone())
    }

    fn remember(&self, key: &str, known: Known) {
        let mut cache = locked(&self.cache);
        if cache.len() >= CACHE_SWEEP_AT {
            let now = unix_now();
            cache.retain(|_, known| known.expires_at > now);
        }
        cache.insert(key.to_owned(), known);
    }

    /// Forgets the token at `key` in this process.
    pub fn forget(&self, key: &str) {
        locked(&self.cache).remove(key);
    }

    /// The stored token at `key`; a fresh one is remembered.
    async fn read_store(&self, key: &str) -> Result<Read, TokenSourceError> {
        let stored = self.store.get(key).await.map_err(TokenSourceError::new)?;
        let Some(stored) = stored.filter(Stored::is_live) else {
            return Ok(Read::Missing);
        };
        let token = AccessToken::new(stored.value.expose_secret());
        let expires_at = stored.expires_at.unwrap_or(u64::MAX);
        let refresh_at = stored
            .refresh_at
            .unwrap_or_else(|| expires_at.saturating_sub(self.refresh_margin.as_secs()));
        if refresh_at > unix_now() {
            self.remember(
                key,
                Known {
                    token: token.clone(),
                    refresh_at,
                    expires_at,
                },
            );
            Ok(Read::Fresh(token))
        } else {
            Ok(Read::Stale(token))
        }
    }

    /// What a caller that could not refresh gets: the stored token if it is still usable.
    async fn fallback(
        &self,
        key: &str,
        why: TokenSourceError,
    ) -> Result<AccessToken, TokenSourceError> {
        match self.read_store(key).await {
            Ok(Read::Fresh(token)) => Ok(token),
            Ok(Read::Stale(token)) => {
                tracing::warn!(key, error = %why, "no fresh token; using the unexpired one");
                Ok(token)
            }
            _ => Err(why),
        }
    }

    /// The token at `key`: cached, stored, or refreshed by `refresh` under the lease. Waits at
    /// most the lease's `wait`, in this process and for other instances together.
    pub async fn token(
        &self,
        key: &str,
        refresh: impl AsyncFnOnce() -> Result<Fetched, TokenSourceError>,
    ) -> Result<AccessToken, TokenSourceError> {
        if let Some(token) = self.cached(key) {
            return Ok(token);
        }
        let started = tokio::time::Instant::now();
        let deadline = started.checked_add(self.settings.wait).unwrap_or(started);
        let local = Arc::clone(locked(&self.local).entry(key.to_owned()).or_default());
        let result = match tokio::time::timeout_at(deadline, local.lock()).await {
            Ok(_turn) => self.token_in_turn(key, deadline, refresh).await,
            Err(_) => {
                let why = TokenSourceError::new(format!(
                    "waited {:?} for another task's refresh of {key}",
                    self.settings.wait
                ));
                self.fallback(key, why).await
            }
        };
        // Drop this key's turn if no one else holds or waits for it.
        let mut local_map = locked(&self.local);
        if Arc::strong_count(&local) <= 2 {
            local_map.remove(key);
        }
        result
    }

    /// With this process's turn for `key`: the store's token, or a refresh under the lease.
    async fn token_in_turn(
        &self,
        key: &str,
        deadline: tokio::time::Instant,
        refresh: impl AsyncFnOnce() -> Result<Fetched, TokenSourceError>,
    ) -> Result<AccessToken, TokenSourceError> {
        if let Some(token) = self.cached(key) {
            return Ok(token);
        }
        if let Read::Fresh(token) = self.read_store(key).await? {
            return Ok(token);
        }
        let lease = format!("{key}:lease");
        let owner = lease_owner();
        loop {
            match self.store.try_lock(&lease, &owner, self.settings.ttl).await {
                Ok(true) => break,
                Ok(false) => {}
                Err(error) => return self.fallback(key, TokenSourceError::new(error)).await,
            }
            if tokio::time::Instant::now() >= deadline {
                let why = TokenSourceError::new(format!(
                    "waited {:?} for another instance to refresh {key}",
                    self.settings.wait
                ));
                return self.fallback(key, why).await;
            }
            let poll = self.settings.poll;
            let jitter = Duration::from_micros(fastrand::u64(
                0..=u64::try_from(poll.as_micros()).unwrap_or(50_000),
            ));
            tokio::time::sleep_until(deadline.min(tokio::time::Instant::now() + poll + jitter))
                .await;
            if let Read::Fresh(token) = self.read_store(key).await? {
                return Ok(token);
            }
        }
        let refreshed = self.under_lease(key, &lease, &owner, refresh).await;
        if let Err(error) = self.store.unlock(&lease, &owner).await {
            // The lease lapses by itself; the others wait at most its ttl.
            tracing::warn!(key, error = %error, "cannot release the refresh lease");
        }
        match refreshed {
            Ok(token) => Ok(token),
            Err(error) => self.fallback(key, error).await,
        }
    }

    /// Holding the lease: reads the store once more (the previous holder may have just
    /// refreshed), else refreshes, extending the lease while the refresh runs, and stores the
    /// new token if the lease is still this caller's.
    async fn under_lease(
        &self,
        key: &str,
        lease: &str,
        owner: &str,
        refresh: impl AsyncFnOnce() -> Result<Fetched, TokenSourceError>,
    ) -> Result<AccessToken, TokenSourceError> {
        if let Read::Fresh(token) = self.read_store(key).await? {
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
                        Ok(false) => tracing::warn!(key, "the refresh lease was lost while refreshing"),
                        Err(error) => tracing::warn!(key, error = %error, "cannot extend the refresh lease"),
                    }
                }
            }
        };
        let stored = self.stored_form(&fetched.token, fetched.expires_in);
        // A holder whose lease lapsed (a slow answer, a store outage) may be overtaken by
        // another instance's newer token: it uses its own but does not store it over theirs.
        let still_ours = self
            .store
            .extend_lock(lease, owner, self.settings.ttl)
            .await
            .unwrap_or(false);
        if still_ours {
            self.store
                .put(key, &stored)
                .await
                .map_err(TokenSourceError::new)?;
        } else {
            tracing::warn!(
                key,
                "the refresh lease lapsed; the new token is used but not stored"
            );
        }
        self.remember(
            key,
            Known {
                token: fetched.token.clone(),
                refresh_at: stored.refresh_at.unwrap_or(0),
                expires_at: stored.expires_at.unwrap_or(0),
            },
        );
        Ok(fetched.token)
    }

    /// WeChat rejected `rejected`: it goes from this process's cache, and from the store unless
    /// another instance has replaced it already.
    pub async fn invalidate(&self, key: &str, rejected: &AccessToken) {
        {
            let mut cache = locked(&self.cache);
            if cache.get(key).is_some_and(|known| known.token == *rejected) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::store::MemoryStore;

    #[test]
    fn settings_that_cannot_work_are_named() {
        assert_eq!(LeaseSettings::default().problem(), None);
        let zero_ttl = LeaseSettings {
            ttl: Duration::ZERO,
            ..LeaseSettings::default()
        };
        assert!(zero_ttl.problem().is_some());
        let endless_wait = LeaseSettings {
            wait: Duration::MAX,
            ..LeaseSettings::default()
        };
        assert!(endless_wait.problem().is_some());
        let no_poll = LeaseSettings {
            poll: Duration::ZERO,
            ..LeaseSettings::default()
        };
        assert!(no_poll.problem().is_some());
    }

    #[test]
    fn a_token_is_refreshed_a_margin_before_expiry_or_at_half_its_life() {
        let leases = Leases::new(
            Arc::new(MemoryStore::new()),
            LeaseSettings::default(),
            Duration::from_secs(300),
        );
        let token = AccessToken::new("t");
        let before = unix_now();
        let (long, short, absurd, negative) = (
            leases.stored_form(&token, 7200),
            leases.stored_form(&token, 60),
            leases.stored_form(&token, i64::MAX),
            leases.stored_form(&token, -5),
        );
        let after = unix_now();
        let within = |at: Option<u64>, offset: u64| {
            at.is_some_and(|at| (before + offset..=after + offset).contains(&at))
        };
        assert!(within(long.expires_at, 7200) && within(long.refresh_at, 6900));
        assert!(
            within(short.refresh_at, 30),
            "half the life of a short token"
        );
        assert!(within(absurd.expires_at, 7200), "capped at two hours");
        assert!(within(negative.expires_at, 0));
    }
}
