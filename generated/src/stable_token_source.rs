//! The built-in token source for an account's own AppID and AppSecret: the generated
//! `stable_token` endpoint, behind a cache.
//!
//! It lives outside `runtime/` because it names a generated endpoint, and the runtime is shared
//! with the generator's fixture client, which has no such endpoint.

use crate::base::{GetStableAccessTokenRequest, GetStableAccessTokenResponse};
use crate::{AccessToken, Client, ClientBuilder, Secret, TokenSource, TokenSourceError};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// The longest a token is cached, whatever `expires_in` says: WeChat's tokens live 7200 s.
const MAX_LIFETIME_S: u64 = 7200;
/// The shortest time between two forced refreshes: WeChat ignores a second one within 30 s.
const FORCE_INTERVAL: Duration = Duration::from_secs(30);
/// How long no refresh is forced after a token from a forced refresh was rejected too: then the
/// rejection is not about the token (a wrong account or AppSecret), and each force would spend
/// one of the 20 a day and invalidate every other process's token.
const FORCE_PAUSE: Duration = Duration::from_secs(3600);

/// How long before a token expires [`StableTokenSource`] fetches the next one, unless
/// [`StableTokenSource::refresh_margin`] says otherwise: 5 minutes, because from 5 minutes before
/// expiry `stable_token` hands out a new token (before that it returns the current one again).
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// Tokens for an account's own credentials, from `POST /cgi-bin/stable_token`, cached until
/// [`DEFAULT_REFRESH_MARGIN`] before they expire.
///
/// Concurrent callers share one fetch: the first one to find the cache stale fetches while the
/// others wait for its answer (or its failure), so a burst of calls at expiry sends one
/// `stable_token` request. When WeChat rejects a token, the next fetch uses normal mode; only if
/// that returns the rejected token again does it use `force_refresh` (limited to 20 a day), at
/// most once in 30 s, and not for an hour after a forced token was rejected as well.
///
/// Most users want [`ClientBuilder::app_credentials`]. Build one yourself to change the margin,
/// or to share one cache between clients with different settings:
///
/// ```no_run
/// use std::time::Duration;
/// use wechat_api_client::{Client, StableTokenSource};
///
/// # fn run() -> Result<(), wechat_api_client::BuildError> {
/// let client = Client::builder()
///     .token_source_with(|tokenless| {
///         StableTokenSource::new(tokenless, "wx0123456789abcdef", "APP_SECRET")
///             .refresh_margin(Duration::from_secs(600))
///     })
///     .build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct StableTokenSource {
    /// Calls `stable_token`; has no token source of its own.
    client: Client,
    appid: String,
    secret: Secret,
    refresh_margin: Duration,
    /// Held across a fetch, which is what makes concurrent callers share it.
    state: Mutex<State>,
    /// How many fetches have finished: a caller that finds it changed while it waited for the
    /// lock waited for a fetch, and shares that fetch's failure instead of repeating it.
    fetches: AtomicU64,
}

#[derive(Debug, Default)]
struct State {
    cached: Option<Cached>,
    /// The token WeChat last rejected, until a different one is fetched.
    rejected: Option<AccessToken>,
    /// What the last fetch's failure said, if it failed.
    failure: Option<String>,
    /// The token the last forced refresh returned.
    forced: Option<AccessToken>,
    /// No refresh is forced before this.
    no_force_until: Option<Instant>,
}

#[derive(Debug)]
struct Cached {
    token: AccessToken,
    refresh_at: Instant,
}

impl StableTokenSource {
    /// A source that calls `stable_token` through `client` (its base URL, timeouts and retry
    /// policy apply; its token, if any, is not used).
    pub fn new(client: Client, appid: impl Into<String>, secret: impl Into<Secret>) -> Self {
        Self {
            client,
            appid: appid.into(),
            secret: secret.into(),
            refresh_margin: DEFAULT_REFRESH_MARGIN,
            state: Mutex::new(State::default()),
            fetches: AtomicU64::new(0),
        }
    }

    /// Fetch the next token this long before the current one expires.
    #[must_use]
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    async fn fetch(&self, force: bool) -> Result<GetStableAccessTokenResponse, TokenSourceError> {
        tracing::debug!(force_refresh = force, "fetching an access token");
        let mut request = GetStableAccessTokenRequest::builder()
            .grant_type("client_credential")
            .appid(self.appid.as_str())
            .secret(self.secret.clone());
        if force {
            request = request.force_refresh(true);
        }
        self.client
            .get_stable_access_token(request.build())
            .await
            .map_err(TokenSourceError::new)
    }

    /// How long a token that lives `expires_in` seconds is served from the cache: until the
    /// margin before it expires, or half its life when that is shorter than twice the margin
    /// (so a short-lived token is not fetched again on every call).
    fn fresh_for(&self, expires_in: i64) -> Duration {
        let seconds = u64::try_from(expires_in).unwrap_or(0).min(MAX_LIFETIME_S);
        let lifetime = Duration::from_secs(seconds);
        if lifetime > self.refresh_margin.saturating_mul(2) {
            lifetime - self.refresh_margin
        } else {
            lifetime / 2
        }
    }
}

impl StableTokenSource {
    /// Fetches a token in normal mode, and forces a new one when normal mode returns the token
    /// WeChat rejected (and forcing is allowed now).
    async fn fetch_fresh(
        &self,
        state: &mut State,
    ) -> Result<GetStableAccessTokenResponse, TokenSourceError> {
        let answer = self.fetch(false).await?;
        let Some(rejected) = &state.rejected else {
            return Ok(answer);
        };
        if rejected.expose_secret() != answer.access_token.expose_secret() {
            return Ok(answer);
        }
        let now = Instant::now();
        if state.no_force_until.is_some_and(|until| now < until) {
            tracing::info!(
                "stable_token returned the rejected token again; a refresh was forced too recently to force another"
            );
            return Ok(answer);
        }
        tracing::info!("stable_token returned the rejected token again; forcing a new one");
        state.no_force_until = Some(now + FORCE_INTERVAL);
        match self.fetch(true).await {
            Ok(forced) => {
                state.forced = Some(AccessToken::new(forced.access_token.expose_secret()));
                Ok(forced)
            }
            Err(error) => {
                tracing::warn!(error = %error, "the forced refresh failed; keeping the token normal mode returned");
                Ok(answer)
            }
        }
    }
}

impl TokenSource for StableTokenSource {
    async fn token(&self) -> Result<AccessToken, TokenSourceError> {
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
        let fetched = self.fetch_fresh(&mut state).await;
        self.fetches.fetch_add(1, Ordering::Release);
        let answer = match fetched {
            Ok(answer) => answer,
            Err(error) => {
                state.failure = Some(error.to_string());
                return Err(error);
            }
        };
        let token = AccessToken::from(answer.access_token);
        state.cached = Some(Cached {
            token: token.clone(),
            refresh_at: Instant::now() + self.fresh_for(answer.expires_in),
        });
        state.failure = None;
        state.rejected = None;
        Ok(token)
    }

    async fn invalidate(&self, rejected: &AccessToken) {
        let mut state = self.state.lock().await;
        if state.forced.as_ref() == Some(rejected) {
            tracing::warn!(
                "a token from a forced refresh was rejected too: the cause is likely not the token (the account, the AppSecret?); no refresh is forced for an hour"
            );
            state.no_force_until = Some(Instant::now() + FORCE_PAUSE);
            state.forced = None;
        }
        // Another caller may have replaced it already; then there is nothing to do.
        if state
            .cached
            .as_ref()
            .is_some_and(|cached| cached.token == *rejected)
        {
            state.cached = None;
            state.rejected = Some(rejected.clone());
        }
    }
}

impl ClientBuilder {
    /// Gets tokens for the account with this AppID and AppSecret from `stable_token`, cached
    /// and refreshed [`DEFAULT_REFRESH_MARGIN`] before they expire (a [`StableTokenSource`]).
    /// The token calls use this builder's base URL, timeouts and retry policy.
    ///
    /// Only for a single process per account, or processes that all use `stable_token` (its
    /// normal mode hands every caller the same token). Where one service owns the account's
    /// tokens, implement [`TokenSource`] to ask it instead.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let appid = std::env::var("WECHAT_APPID")?;
    /// let secret = std::env::var("WECHAT_APP_SECRET")?;
    /// let client = wechat_api_client::Client::builder().app_credentials(appid, secret).build()?;
    /// let linked = client.get_linked_mini_programs().await?;
    /// # let _ = linked;
    /// # Ok(())
    /// # }
    /// ```
    pub fn app_credentials(self, appid: impl Into<String>, secret: impl Into<Secret>) -> Self {
        let (appid, secret) = (appid.into(), secret.into());
        self.token_source_with(move |tokenless| StableTokenSource::new(tokenless, appid, secret))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_refreshed_a_margin_before_expiry_or_at_half_its_life()
    -> Result<(), crate::BuildError> {
        let client = Client::builder().without_token().build()?;
        let source = StableTokenSource::new(client, "appid", "secret");
        assert_eq!(source.fresh_for(7200), Duration::from_secs(6900));
        assert_eq!(source.fresh_for(400), Duration::from_secs(200));
        assert_eq!(source.fresh_for(0), Duration::ZERO);
        assert_eq!(source.fresh_for(-5), Duration::ZERO);
        assert_eq!(
            source.fresh_for(i64::MAX),
            Duration::from_secs(6900),
            "capped at 2 hours"
        );
        Ok(())
    }
}
