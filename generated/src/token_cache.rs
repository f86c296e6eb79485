//! The cache behind the built-in token sources: a token served until a margin before it
//! expires, and one fetch at a time when it must be replaced.
//!
//! Each source brings its fetch (an endpoint of its group) and may keep state of its own beside
//! the cache (`E`), which its fetch and its handling of a rejected token read and change under
//! the same lock.

use crate::{AccessToken, TokenSourceError};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// The longest a token is cached, whatever `expires_in` says: WeChat's and WeCom's tokens live
/// 7200 s.
const MAX_LIFETIME_S: u64 = 7200;

/// How long before a token expires the built-in token sources fetch the next one, unless told
/// otherwise: 5 minutes, because from 5 minutes before expiry `stable_token` hands out a new
/// token (before that it returns the current one again).
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// A token as a fetch returns it.
#[cfg_attr(not(any(feature = "base", feature = "wecom")), allow(dead_code))]
pub(crate) struct Fetched {
    pub(crate) token: AccessToken,
    /// Seconds, as the endpoint says.
    pub(crate) expires_in: i64,
}

// With only the `platform` feature, the built-in sources that use it are not compiled.
#[cfg_attr(not(any(feature = "base", feature = "wecom")), allow(dead_code))]
#[derive(Debug)]
pub(crate) struct TokenCache<E> {
    refresh_margin: Duration,
    /// Held across a fetch, which is what makes concurrent callers share it.
    state: Mutex<State<E>>,
    /// How many fetches have finished: a caller that finds it changed while it waited for the
    /// lock waited for a fetch, and shares that fetch's failure instead of repeating it.
    fetches: AtomicU64,
}

#[derive(Debug, Default)]
struct State<E> {
    cached: Option<Cached>,
    /// What the last fetch's failure said, if it failed.
    failure: Option<String>,
    /// The source's own state.
    extra: E,
}

#[derive(Debug)]
struct Cached {
    token: AccessToken,
    refresh_at: Instant,
}

#[cfg_attr(not(any(feature = "base", feature = "wecom")), allow(dead_code))]
impl<E: Default> TokenCache<E> {
    pub(crate) fn new() -> Self {
        Self {
            refresh_margin: DEFAULT_REFRESH_MARGIN,
            state: Mutex::new(State::default()),
            fetches: AtomicU64::new(0),
        }
    }

    pub(crate) fn set_refresh_margin(&mut self, margin: Duration) {
        self.refresh_margin = margin;
    }

    /// The cached token, or the one `fetch` gets when the cache is empty or stale. Concurrent
    /// callers share one fetch: the first one to find the cache stale fetches while the others
    /// wait for its answer, or its failure.
    pub(crate) async fn token(
        &self,
        fetch: impl AsyncFnOnce(&mut E) -> Result<Fetched, TokenSourceError>,
    ) -> Result<AccessToken, TokenSourceError> {
        let fetches_before = self.fetches.load(Ordering::Acquire);
        let mut state = self.state.lock().await;
        if let Some(cached) = &state.cached
            && Instant::now() < cached.refresh_at
        {
            return Ok(cached.token.clone());
        }
        if self.fetches.load(Ordering::Acquire) != fetches_before
            && let Some(failure) = &state.failure
        {
            return Err(TokenSourceError::new(format!(
                "{failure} (the failure of a token fetch this call waited for)"
            )));
        }
        let fetched = fetch(&mut state.extra).await;
        self.fetches.fetch_add(1, Ordering::Release);
        let fetched = match fetched {
            Ok(fetched) => fetched,
            Err(error) => {
                state.failure = Some(error.to_string());
                return Err(error);
            }
        };
        state.cached = Some(Cached {
            token: fetched.token.clone(),
            refresh_at: Instant::now() + fresh_for(self.refresh_margin, fetched.expires_in),
        });
        state.failure = None;
        Ok(fetched.token)
    }

    /// Drops `rejected` from the cache if it is still there (another caller may have replaced
    /// it already), then lets the source note the rejection: `was_cached` says whether it was
    /// the cached token.
    pub(crate) async fn invalidate(&self, rejected: &AccessToken, note: impl FnOnce(&mut E, bool)) {
        let mut state = self.state.lock().await;
        let was_cached = state
            .cached
            .as_ref()
            .is_some_and(|cached| cached.token == *rejected);
        if was_cached {
            state.cached = None;
        }
        note(&mut state.extra, was_cached);
    }
}

#[cfg_attr(not(any(feature = "base", feature = "wecom")), allow(dead_code))]
/// How long a token that lives `expires_in` seconds is served from the cache: until `margin`
/// before it expires, or half its life when that is shorter than twice the margin (so a
/// short-lived token is not fetched again on every call).
fn fresh_for(margin: Duration, expires_in: i64) -> Duration {
    let seconds = u64::try_from(expires_in).unwrap_or(0).min(MAX_LIFETIME_S);
    let lifetime = Duration::from_secs(seconds);
    if lifetime > margin.saturating_mul(2) {
        lifetime - margin
    } else {
        lifetime / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_refreshed_a_margin_before_expiry_or_at_half_its_life() {
        let margin = DEFAULT_REFRESH_MARGIN;
        assert_eq!(fresh_for(margin, 7200), Duration::from_secs(6900));
        assert_eq!(fresh_for(margin, 400), Duration::from_secs(200));
        assert_eq!(fresh_for(margin, 0), Duration::ZERO);
        assert_eq!(fresh_for(margin, -5), Duration::ZERO);
        assert_eq!(
            fresh_for(margin, i64::MAX),
            Duration::from_secs(6900),
            "capped at 2 hours"
        );
    }

    #[tokio::test]
    async fn a_token_is_fetched_then_cached_until_rejected() {
        let cache = TokenCache::<u32>::new();
        let first = cache.token(async |count: &mut u32| {
            *count += 1;
            Err(TokenSourceError::new("refused"))
        });
        assert!(first.await.is_err());
        // The next caller did not wait for that fetch: it fetches again, and succeeds.
        let token = cache
            .token(async |count: &mut u32| {
                *count += 1;
                Ok(Fetched {
                    token: AccessToken::new("t1"),
                    expires_in: 7200,
                })
            })
            .await;
        assert_eq!(token.ok(), Some(AccessToken::new("t1")));
        // Cached: this fetch is not called.
        let cached = cache
            .token(async |_: &mut u32| Err(TokenSourceError::new("not called")))
            .await;
        assert_eq!(cached.ok(), Some(AccessToken::new("t1")));
        let mut counted = None;
        cache
            .invalidate(&AccessToken::new("t1"), |count, was_cached| {
                counted = Some((*count, was_cached));
            })
            .await;
        assert_eq!(counted, Some((2, true)));
    }
}
