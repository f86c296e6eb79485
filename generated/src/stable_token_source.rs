//! The built-in token source for an account's own AppID and AppSecret: the generated
//! `stable_token` endpoint, behind a cache.
//!
//! It lives in the client crate, not the runtime crate, because it names a generated endpoint;
//! the runtime is shared with the generator's fixture client, which has no such endpoint.

use crate::base::{
    GetStableAccessToken, GetStableAccessTokenRequest, GetStableAccessTokenResponse,
};
use crate::token_cache::{Fetched, TokenCache};
use crate::{AccessToken, Client, ClientBuilder, Secret, TokenSource, TokenSourceError};
use std::time::{Duration, Instant};

/// The shortest time between two forced refreshes: WeChat ignores a second one within 30 s.
const FORCE_INTERVAL: Duration = Duration::from_secs(30);
/// How long no refresh is forced after a token from a forced refresh was rejected too: then the
/// rejection is not about the token (a wrong account or AppSecret), and each force would spend
/// one of the 20 a day and invalidate every other process's token.
const FORCE_PAUSE: Duration = Duration::from_secs(3600);

/// Tokens for an account's own credentials, from `POST /cgi-bin/stable_token`, cached until
/// [`DEFAULT_REFRESH_MARGIN`](crate::DEFAULT_REFRESH_MARGIN) before they expire.
///
/// Concurrent callers share one fetch: the first one to find the cache stale fetches while the
/// others wait for its answer (or its failure), so a burst of calls at expiry sends one
/// `stable_token` request. When WeChat rejects a token, the next fetch uses normal mode; only if
/// that returns the rejected token again does it use `force_refresh` (limited to 20 a day), at
/// most once in 30 s, and not for an hour after a forced token was rejected as well.
///
/// Most users want [`AppCredentials::app_credentials`]. Build one yourself to change the margin,
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
    cache: TokenCache<Forcing>,
}

/// What decides whether a fetch forces a refresh.
#[derive(Debug, Default)]
struct Forcing {
    /// The token WeChat last rejected, until a different one is fetched.
    rejected: Option<AccessToken>,
    /// The token the last forced refresh returned.
    forced: Option<AccessToken>,
    /// No refresh is forced before this.
    no_force_until: Option<Instant>,
}

impl StableTokenSource {
    /// A source that calls `stable_token` through `client` (its base URL, timeouts and retry
    /// policy apply; its token, if any, is not used).
    pub fn new(client: Client, appid: impl Into<String>, secret: impl Into<Secret>) -> Self {
        Self {
            client,
            appid: appid.into(),
            secret: secret.into(),
            cache: TokenCache::new(),
        }
    }

    /// Fetch the next token this long before the current one expires.
    #[must_use]
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.cache.set_refresh_margin(margin);
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
}

impl StableTokenSource {
    /// Fetches a token in normal mode, and forces a new one when normal mode returns the token
    /// WeChat rejected (and forcing is allowed now).
    async fn fetch_fresh(
        &self,
        state: &mut Forcing,
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
        self.cache
            .token(async |forcing: &mut Forcing| {
                let answer = self.fetch_fresh(forcing).await?;
                forcing.rejected = None;
                Ok(Fetched {
                    token: AccessToken::from(answer.access_token),
                    expires_in: answer.expires_in,
                })
            })
            .await
    }

    async fn invalidate(&self, rejected: &AccessToken) {
        self.cache
            .invalidate(rejected, |forcing, was_cached| {
                if forcing.forced.as_ref() == Some(rejected) {
                    tracing::warn!(
                        "a token from a forced refresh was rejected too: the cause is likely not the token (the account, the AppSecret?); no refresh is forced for an hour"
                    );
                    forcing.no_force_until = Some(Instant::now() + FORCE_PAUSE);
                    forcing.forced = None;
                }
                if was_cached {
                    forcing.rejected = Some(rejected.clone());
                }
            })
            .await;
    }
}

/// The client builder's way to an account's own tokens, brought by the crate's `prelude`.
pub trait AppCredentials {
    /// Gets tokens for the account with this AppID and AppSecret from `stable_token`, cached
    /// and refreshed [`DEFAULT_REFRESH_MARGIN`](crate::DEFAULT_REFRESH_MARGIN) before they expire (a [`StableTokenSource`]).
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
    /// use wechat_api_client::prelude::*;
    ///
    /// let client = wechat_api_client::Client::builder().app_credentials(appid, secret).build()?;
    /// let linked = client.get_linked_mini_programs().await?;
    /// # let _ = linked;
    /// # Ok(())
    /// # }
    /// ```
    fn app_credentials(self, appid: impl Into<String>, secret: impl Into<Secret>) -> Self;
}

impl AppCredentials for ClientBuilder {
    fn app_credentials(self, appid: impl Into<String>, secret: impl Into<Secret>) -> Self {
        let (appid, secret) = (appid.into(), secret.into());
        self.token_source_with(move |tokenless| StableTokenSource::new(tokenless, appid, secret))
    }
}
