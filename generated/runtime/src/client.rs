//! The client, its settings and its builder. How a call is carried out is in `call.rs`.

use super::route::{Backup, Route, Routes, check_base_url};
use super::token::DynTokenSource;
use super::{AccessToken, BuildError, RetryPolicy, TokenKind, TokenSource};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// How long one attempt may take, from the start of connecting to the last byte of the body,
/// unless [`ClientBuilder::timeout`] says otherwise. No attempt hangs; a whole call takes at most
/// about the retry policy's `max_elapsed` plus one timeout, plus the token source's own time.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long establishing a connection may take, unless [`ClientBuilder::connect_timeout`] says
/// otherwise. Short, so that a dead domain is given up (and failed over) quickly.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The largest response body accepted, unless [`ClientBuilder::max_response_bytes`] says
/// otherwise: 8 MiB, far above any JSON answer of the API (a 10,000-id follower page is about
/// 0.3 MB) and small enough that a broken or hostile server cannot exhaust memory: with the
/// decoded value, one answer holds at most [`MEMORY_BOUND_FACTOR`](crate::MEMORY_BOUND_FACTOR)
/// times this.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// The largest file a bytes endpoint may answer with (an image, a voice, a video), unless the
/// endpoint's spec documents its own maximum or [`ClientBuilder::max_media_bytes`] says
/// otherwise: 64 MiB, above every media limit WeChat documents (a permanent video is 20 MB).
pub const DEFAULT_MAX_MEDIA_BYTES: u64 = 64 * 1024 * 1024;

/// How long calls stay on the backup base URL after a connection to the primary failed, unless
/// [`ClientBuilder::failover_cooldown`] says otherwise.
pub const DEFAULT_FAILOVER_COOLDOWN: Duration = Duration::from_secs(60);

/// An async client for the WeChat Open Platform API; cheap to clone (clones share one
/// connection pool, token source and failover state).
///
/// Its endpoint methods are generated from the specs, one trait per endpoint, implemented for
/// this type: `use wechat_api_client::prelude::*;` brings them all into scope, and then a call is
/// `client.get_linked_mini_programs().await?`.
///
/// ```
/// # fn run() -> Result<(), wechat_api_runtime::BuildError> {
/// let client = wechat_api_runtime::Client::builder().access_token("ACCESS_TOKEN").build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(super) transport: Arc<Transport>,
    /// Where tokens come from, one source per kind; none for a client built `without_token`.
    pub(super) tokens: Arc<Vec<(TokenKind, Arc<dyn DynTokenSource>)>>,
}

/// Everything about reaching the server, shared by a client and the token-less client its
/// token source may use.
pub(super) struct Transport {
    pub http: reqwest::Client,
    /// Where each host's calls go.
    pub routes: Routes,
    pub timeout: Duration,
    pub max_response_bytes: usize,
    /// Overrides every endpoint's documented maximum when set.
    pub max_media_bytes: Option<u64>,
    pub retry: RetryPolicy,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.transport;
        f.debug_struct("Client")
            .field("routes", &t.routes)
            .field("timeout", &t.timeout)
            .field("max_response_bytes", &t.max_response_bytes)
            .field("retry", &t.retry)
            .field(
                "token_sources",
                &self
                    .tokens
                    .iter()
                    .map(|(kind, _)| kind.name())
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client like this one (same HTTP pool, routes, timeouts, retry policy and failover
    /// state) whose tokens of `kind` come from `source`; its other kinds are unchanged. What a
    /// third-party platform hands out per authorizer.
    pub fn with_token_source(&self, kind: TokenKind, source: impl TokenSource) -> Client {
        let source: Arc<dyn DynTokenSource> = Arc::new(source);
        let tokens = self
            .tokens
            .iter()
            .filter(|(other, _)| *other != kind)
            .cloned()
            .chain(std::iter::once((kind, source)))
            .collect();
        Client {
            transport: Arc::clone(&self.transport),
            tokens: Arc::new(tokens),
        }
    }

    /// The source of tokens of `kind`, if the client has one.
    pub(super) fn token_source(&self, kind: TokenKind) -> Option<&Arc<dyn DynTokenSource>> {
        self.tokens
            .iter()
            .find(|(source_kind, _)| *source_kind == kind)
            .map(|(_, source)| source)
    }
}

/// A token source that is built once the rest of the client is, from a token-less client with
/// the same settings.
type SourceFactory = Box<dyn FnOnce(Client) -> Arc<dyn DynTokenSource> + Send>;

#[derive(Default)]
enum TokenChoice {
    #[default]
    Unset,
    Without,
    Source(Arc<dyn DynTokenSource>),
    Factory(SourceFactory),
}

/// Configures a [`Client`]. Only the token is required: [`access_token`](Self::access_token),
/// `app_credentials` (the client crate's `AppCredentials`) or [`token_source`](Self::token_source).
#[derive(Default)]
#[must_use]
pub struct ClientBuilder {
    /// The source of [`TokenKind::ACCESS_TOKEN`].
    token: TokenChoice,
    /// The sources of the other kinds.
    other_tokens: Vec<(TokenKind, TokenChoice)>,
    max_media_bytes: Option<u64>,
    base_url: Option<String>,
    backup_base_url: Option<String>,
    /// Routes of their own, by official host: a base URL and a backup.
    host_routes: Vec<(String, Option<String>, Option<String>)>,
    failover_cooldown: Option<Duration>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    max_response_bytes: Option<usize>,
    retry: Option<RetryPolicy>,
    http: Option<reqwest::Client>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kinds: Vec<&str> = self
            .other_tokens
            .iter()
            .map(|(kind, _)| kind.name())
            .collect();
        f.debug_struct("ClientBuilder")
            .field("other_token_kinds", &kinds)
            .field("base_url", &self.base_url)
            .field("backup_base_url", &self.backup_base_url)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A fixed token, sent with every call: an account's `access_token`, or the
    /// `authorizer_access_token` a third-party platform holds for it. For scripts and tests; a
    /// long-running service wants `app_credentials` (the client crate's `AppCredentials`) or its own
    /// [`token_source`](Self::token_source), which can replace a rejected token.
    pub fn access_token(mut self, token: impl Into<AccessToken>) -> Self {
        self.token = TokenChoice::Source(Arc::new(token.into()));
        self
    }

    /// Gets tokens from `source` (a central token service, a platform's authorizer tokens).
    pub fn token_source(mut self, source: impl TokenSource) -> Self {
        self.token = TokenChoice::Source(Arc::new(source));
        self
    }

    /// Gets tokens from a source built by `make` from a client with this builder's settings and
    /// no token: for a source that calls WeChat itself (as
    /// `app_credentials` (the client crate's `AppCredentials`) does).
    pub fn token_source_with<S: TokenSource>(
        mut self,
        make: impl FnOnce(Client) -> S + Send + 'static,
    ) -> Self {
        self.token = TokenChoice::Factory(Box::new(move |client| Arc::new(make(client))));
        self
    }

    /// Gets the tokens of `kind` from `source`: for endpoints that take another kind than an
    /// account's `access_token`, such as a third-party platform's `component_access_token`
    /// (`TokenKind::COMPONENT_ACCESS_TOKEN`). A call sends the kind its endpoint takes; calling
    /// an endpoint whose kind the client has no source for fails with
    /// [`Error::NoTokenSource`](crate::Error::NoTokenSource) before anything is sent.
    pub fn token_source_for(self, kind: TokenKind, source: impl TokenSource) -> Self {
        self.choose(kind, TokenChoice::Source(Arc::new(source)))
    }

    /// Like [`token_source_for`](Self::token_source_for), for a source built by `make` from a
    /// client with this builder's settings and no token (one that calls WeChat itself).
    pub fn token_source_for_with<S: TokenSource>(
        self,
        kind: TokenKind,
        make: impl FnOnce(Client) -> S + Send + 'static,
    ) -> Self {
        let make: SourceFactory = Box::new(move |client| Arc::new(make(client)));
        self.choose(kind, TokenChoice::Factory(make))
    }

    fn choose(mut self, kind: TokenKind, choice: TokenChoice) -> Self {
        if kind == TokenKind::ACCESS_TOKEN {
            self.token = choice;
        } else {
            self.other_tokens.retain(|(other, _)| *other != kind);
            self.other_tokens.push((kind, choice));
        }
        self
    }

    /// A client that sends no token: for endpoints that take none (such as `stable_token`).
    /// Calling an endpoint that needs one fails with [`Error::NoTokenSource`](crate::Error::NoTokenSource).
    pub fn without_token(mut self) -> Self {
        self.token = TokenChoice::Without;
        self
    }

    /// The largest file a bytes endpoint may answer with, for every endpoint; by default each
    /// endpoint's documented maximum, or [`DEFAULT_MAX_MEDIA_BYTES`]. A larger file fails with
    /// [`Error::BodyTooLarge`](crate::Error::BodyTooLarge), read (or written) no further.
    pub fn max_media_bytes(mut self, limit: u64) -> Self {
        self.max_media_bytes = Some(limit);
        self
    }

    /// Sends every call to this base URL (a [`domain`](crate::domain) constant, or
    /// `http://127.0.0.1:8080` in tests) instead of each endpoint's official host.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sends the calls of the endpoints on the official `host` (`qyapi.weixin.qq.com`) to `url`,
    /// and those only: a test server or a proxy for one host leaves the others alone. A host
    /// with its own base URL has no backup unless [`host_backup_base_url`](Self::host_backup_base_url)
    /// gives it one.
    pub fn host_base_url(mut self, host: impl Into<String>, url: impl Into<String>) -> Self {
        let (host, url) = (host.into(), url.into());
        match self.host_routes.iter_mut().find(|(h, _, _)| *h == host) {
            Some(route) => route.1 = Some(url),
            None => self.host_routes.push((host, Some(url), None)),
        }
        self
    }

    /// Failover for the calls of the endpoints on the official `host`, as
    /// [`backup_base_url`](Self::backup_base_url) is for every host.
    pub fn host_backup_base_url(mut self, host: impl Into<String>, url: impl Into<String>) -> Self {
        let (host, url) = (host.into(), url.into());
        match self.host_routes.iter_mut().find(|(h, _, _)| *h == host) {
            Some(route) => route.2 = Some(url),
            None => self.host_routes.push((host, None, Some(url))),
        }
        self
    }

    /// Opt-in failover: when a connection to the base URL (or the official host) cannot be
    /// made, the next attempt, and every call for the [`failover_cooldown`](Self::failover_cooldown)
    /// after it, goes here instead. Usually [`domain::DISASTER_RECOVERY`](crate::domain::DISASTER_RECOVERY).
    pub fn backup_base_url(mut self, url: impl Into<String>) -> Self {
        self.backup_base_url = Some(url.into());
        self
    }

    /// How long calls stay on the backup after the primary failed; [`DEFAULT_FAILOVER_COOLDOWN`]
    /// unless set. After it, calls try the primary again.
    pub fn failover_cooldown(mut self, cooldown: Duration) -> Self {
        self.failover_cooldown = Some(cooldown);
        self
    }

    /// The limit for one attempt, from the start of connecting to the last byte of the body;
    /// [`DEFAULT_TIMEOUT`] unless set. Applies to a client given with
    /// [`http_client`](Self::http_client) too.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The limit for establishing a connection; [`DEFAULT_CONNECT_TIMEOUT`] unless set, and never
    /// more than the [`timeout`](Self::timeout). Ignored when [`http_client`](Self::http_client)
    /// is given (that client's own setting applies).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The largest response body accepted; [`DEFAULT_MAX_RESPONSE_BYTES`] unless set. A larger
    /// one fails with [`Error::BodyTooLarge`](crate::Error::BodyTooLarge), read no further.
    ///
    /// It also bounds what one answer makes the client hold: the body and its decoded value
    /// together stay under [`MEMORY_BOUND_FACTOR`](crate::MEMORY_BOUND_FACTOR) times this limit
    /// (a body that would decode past it fails with
    /// [`Error::DecodedTooLarge`](crate::Error::DecodedTooLarge) before the value is built).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// How failed calls are retried; [`RetryPolicy::default`] unless set,
    /// [`RetryPolicy::disabled`] to send every call once.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Uses this `reqwest` client (its proxy, pool and TLS settings) instead of building one.
    ///
    /// Build it as this builder would: `.redirect(reqwest::redirect::Policy::none())` and
    /// `.referer(false)` (a followed redirect carries the token, and a 307 the request body, to
    /// another host), and a `connect_timeout` shorter than [`timeout`](Self::timeout) (without
    /// one, a dead host is a timeout, which is neither retried nor failed over).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let cooldown = self.failover_cooldown.unwrap_or(DEFAULT_FAILOVER_COOLDOWN);
        let route =
            |base_url: Option<String>, backup: Option<String>| -> Result<Route, BuildError> {
                Ok(Route {
                    base_url: base_url.map(|url| check_base_url(&url)).transpose()?,
                    backup: backup.map(|url| Backup::new(&url, cooldown)).transpose()?,
                })
            };
        let routes = Routes {
            default: route(self.base_url, self.backup_base_url)?,
            hosts: self
                .host_routes
                .into_iter()
                .map(|(host, base_url, backup)| Ok((host, route(base_url, backup)?)))
                .collect::<Result<_, BuildError>>()?,
        };
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                // Within the attempt's timeout, so that a dead host is a connect error (retried,
                // failed over) rather than a timeout (not retried).
                .connect_timeout(connect_timeout.min(timeout))
                // WeChat does not redirect API calls. Following one would send the URL (the
                // token) as a Referer, and a 307's body (an app secret) to whatever host the
                // Location names.
                .redirect(reqwest::redirect::Policy::none())
                .referer(false)
                .build()
                .map_err(|err| BuildError::Http(err.without_url()))?,
        };
        let tokenless = Client {
            transport: Arc::new(Transport {
                http,
                routes,
                timeout,
                max_response_bytes: self
                    .max_response_bytes
                    .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
                max_media_bytes: self.max_media_bytes,
                retry: self.retry.unwrap_or_default(),
            }),
            tokens: Arc::new(Vec::new()),
        };
        if matches!(self.token, TokenChoice::Unset) && self.other_tokens.is_empty() {
            return Err(BuildError::MissingToken);
        }
        let mut tokens = Vec::with_capacity(1 + self.other_tokens.len());
        let choices =
            std::iter::once((TokenKind::ACCESS_TOKEN, self.token)).chain(self.other_tokens);
        for (kind, choice) in choices {
            let source = match choice {
                TokenChoice::Unset | TokenChoice::Without => continue,
                TokenChoice::Source(source) => source,
                TokenChoice::Factory(make) => make(tokenless.clone()),
            };
            tokens.push((kind, source));
        }
        Ok(Client {
            tokens: Arc::new(tokens),
            ..tokenless
        })
    }
}
