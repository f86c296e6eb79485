//! Third-party platforms (第三方平台): the ticket WeChat pushes, the platform's
//! `component_access_token`, and a client per authorizer whose calls carry that account's
//! `authorizer_access_token`, all kept in a [`TokenStore`] that one or many instances share.
//!
//! ```no_run
//! use wechat_api_client::platform::{Platform, PushQuery};
//! use wechat_api_client::prelude::*;
//!
//! # async fn run(query: PushQuery, body: Vec<u8>) -> Result<(), Box<dyn std::error::Error>> {
//! let platform = Platform::builder("wx_component_appid", "COMPONENT_SECRET")
//!     .push_crypto("PUSH_TOKEN", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")?
//!     .build()?; // tokens in ./wechat-platform.redb
//! // In the handler of the authorization event URL: verify, decrypt, store the ticket.
//! platform.handle_push(&query, &body).await?;
//! // Later, for an account that authorized the platform:
//! let account = platform.authorizer("wx_authorizer_appid");
//! let linked = account.get_linked_mini_programs().await?;
//! # let _ = linked;
//! # Ok(())
//! # }
//! ```

mod crypto;
mod lease;
mod push;
mod sources;
pub mod store;

pub use crypto::{InvalidAesKey, MessageCrypto};
pub use lease::LeaseSettings;
pub use push::{
    AuthorizationChange, MAX_PUSH_BYTES, PUSH_REPLY, PlatformEvent, PushError, PushQuery,
};
#[cfg(feature = "redis")]
pub use store::RedisStore;
pub use store::{FileStore, MemoryStore, StoreError, Stored, TokenStore};

use crate::component::{
    AuthorizationInfo, CreatePreAuthCodeError, CreatePreAuthCodeRequest, ListAuthorizersError,
    QueryAuthorizationError, QueryAuthorizationRequest, RefreshAuthorizerTokenError,
};
use crate::prelude::*;
use crate::{BuildError, Client, ClientBuilder, Error, Secret, TokenKind};
use lease::Leases;
use sources::{AuthorizerTokenSource, ComponentTokenSource, Shared};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use store::{DynTokenStore, Keys};

/// Where [`PlatformBuilder::build`] keeps the tokens when no store is given: a [`FileStore`]
/// in the working directory.
pub const DEFAULT_STORE_PATH: &str = "wechat-platform.redb";

/// How long a ticket is kept: WeChat's are valid 12 hours.
const TICKET_LIFETIME: Duration = Duration::from_secs(12 * 3600);

/// How far a push's `timestamp` may be from now before [`Platform::handle_push`] refuses it as
/// a replay, unless [`PlatformBuilder::max_push_age`] says otherwise.
pub const DEFAULT_MAX_PUSH_AGE: Duration = Duration::from_secs(3600);

/// What a platform's own operations (authorization, recovery) can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlatformError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// `api_create_preauthcode` failed.
    #[error("cannot get a pre-authorization code: {0}")]
    PreAuthCode(#[source] Error<CreatePreAuthCodeError>),
    /// `api_query_auth` failed.
    #[error("cannot exchange the authorization code: {0}")]
    QueryAuth(#[source] Error<QueryAuthorizationError>),
    /// `api_get_authorizer_list` failed.
    #[error("cannot list the authorizers: {0}")]
    ListAuthorizers(#[source] Error<ListAuthorizersError>),
    /// `api_authorizer_token` failed.
    #[error("cannot refresh the authorizer's token: {0}")]
    RefreshToken(#[source] Error<RefreshAuthorizerTokenError>),
    /// No `component_verify_ticket` is stored yet: WeChat pushes one every 10 minutes to the
    /// authorization event URL, which must hand it to [`Platform::handle_push`] (or
    /// [`Platform::store_ticket`]).
    #[error(
        "no component_verify_ticket is stored yet: WeChat pushes one every 10 minutes to the authorization event URL; give the pushes to Platform::handle_push"
    )]
    NoTicket,
    /// The account has no refresh token anywhere: not stored, and not in
    /// `api_get_authorizer_list`. It must authorize the platform again.
    #[error("no refresh token for {authorizer_appid}: it must authorize the platform again")]
    NotAuthorized {
        /// The account's appid.
        authorizer_appid: String,
    },
    /// The authorization gave no refresh token: the account granted no API permission.
    #[error("the authorization of {authorizer_appid} carries no refresh token (no API permission)")]
    NoRefreshToken {
        /// The account's appid.
        authorizer_appid: String,
    },
}

/// What a [`PlatformBuilder`] can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlatformBuildError {
    /// The client's settings are wrong.
    #[error(transparent)]
    Client(#[from] BuildError),
    /// The default store cannot be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The [`LeaseSettings`] cannot work.
    #[error("{0}")]
    InvalidLease(String),
}

/// Which accounts the authorization page offers (`auth_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthType {
    /// Official Accounts only (1).
    OfficialAccounts,
    /// Mini Programs only (2).
    MiniPrograms,
    /// Both (3).
    Both,
    /// Another value of the documentation's table.
    Other(u8),
}

impl AuthType {
    fn value(self) -> u8 {
        match self {
            Self::OfficialAccounts => 1,
            Self::MiniPrograms => 2,
            Self::Both => 3,
            Self::Other(value) => value,
        }
    }
}

/// Configures a [`Platform`].
pub struct PlatformBuilder {
    component_appid: String,
    component_secret: Secret,
    store: Option<Arc<dyn DynTokenStore>>,
    store_path: PathBuf,
    crypto: Option<MessageCrypto>,
    client: ClientBuilder,
    lease: LeaseSettings,
    refresh_margin: Duration,
    max_push_age: Duration,
}

impl std::fmt::Debug for PlatformBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformBuilder")
            .field("component_appid", &self.component_appid)
            .field("store_path", &self.store_path)
            .field("lease", &self.lease)
            .field("refresh_margin", &self.refresh_margin)
            .finish_non_exhaustive()
    }
}

impl PlatformBuilder {
    /// Keeps the tokens in `store` (a [`RedisStore`](store) for many instances).
    #[must_use]
    pub fn store(mut self, store: impl TokenStore) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// Keeps the tokens in a [`FileStore`] at `path` instead of [`DEFAULT_STORE_PATH`].
    #[must_use]
    pub fn store_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.store_path = path.into();
        self
    }

    /// The token and EncodingAESKey of the platform's settings, for [`Platform::handle_push`].
    pub fn push_crypto(
        mut self,
        token: impl Into<Secret>,
        encoding_aes_key: &str,
    ) -> Result<Self, InvalidAesKey> {
        self.crypto = Some(MessageCrypto::new(
            token,
            encoding_aes_key,
            self.component_appid.clone(),
        )?);
        Ok(self)
    }

    /// The same, with a crypto built by hand (one that also knows the previous key).
    #[must_use]
    pub fn push_crypto_with(mut self, crypto: MessageCrypto) -> Self {
        self.crypto = Some(crypto);
        self
    }

    /// The HTTP settings of every call (base URLs, timeouts, retries, a shared `reqwest`
    /// client); its token settings are replaced by the platform's.
    #[must_use]
    pub fn client(mut self, client: ClientBuilder) -> Self {
        self.client = client;
        self
    }

    /// How the lease on a token's refresh is held and waited for.
    #[must_use]
    pub fn lease(mut self, settings: LeaseSettings) -> Self {
        self.lease = settings;
        self
    }

    /// Refresh a token once less than this is left of its life; 5 minutes unless set.
    #[must_use]
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// Refuse a push whose `timestamp` is further than this from now (a replay);
    /// [`DEFAULT_MAX_PUSH_AGE`] unless set.
    #[must_use]
    pub fn max_push_age(mut self, age: Duration) -> Self {
        self.max_push_age = age;
        self
    }

    /// Opens the store (the default file, unless one was given) and builds the platform.
    pub fn build(self) -> Result<Platform, PlatformBuildError> {
        if let Some(problem) = self.lease.problem() {
            return Err(PlatformBuildError::InvalidLease(problem));
        }
        let store = match self.store {
            Some(store) => store,
            None => Arc::new(FileStore::open(&self.store_path)?),
        };
        let shared = Arc::new(Shared {
            keys: Keys::new(&self.component_appid),
            component_appid: self.component_appid,
            component_secret: self.component_secret,
            leases: Leases::new(store, self.lease, self.refresh_margin),
            not_authorized: std::sync::Mutex::default(),
        });
        let for_source = Arc::clone(&shared);
        let component = self
            .client
            .without_token()
            .token_source_for_with(TokenKind::COMPONENT_ACCESS_TOKEN, move |tokenless| {
                ComponentTokenSource {
                    shared: for_source,
                    tokenless,
                }
            })
            .build()?;
        Ok(Platform {
            inner: Arc::new(Inner {
                shared,
                component,
                crypto: self.crypto,
                max_push_age: self.max_push_age,
            }),
        })
    }
}

/// A third-party platform: its token chain on a [`TokenStore`], and a client per authorizer.
/// Cheap to clone; every clone and every authorizer's client share one HTTP pool.
#[derive(Debug, Clone)]
pub struct Platform {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    shared: Arc<Shared>,
    /// Calls the platform's own endpoints with the `component_access_token`.
    component: Client,
    crypto: Option<MessageCrypto>,
    max_push_age: Duration,
}

impl Platform {
    /// Starts configuring the platform with this appid and AppSecret.
    pub fn builder(
        component_appid: impl Into<String>,
        component_secret: impl Into<Secret>,
    ) -> PlatformBuilder {
        PlatformBuilder {
            component_appid: component_appid.into(),
            component_secret: component_secret.into(),
            store: None,
            store_path: PathBuf::from(DEFAULT_STORE_PATH),
            crypto: None,
            client: Client::builder(),
            lease: LeaseSettings::default(),
            refresh_margin: crate::DEFAULT_REFRESH_MARGIN,
            max_push_age: DEFAULT_MAX_PUSH_AGE,
        }
    }

    /// The platform's appid.
    pub fn component_appid(&self) -> &str {
        &self.inner.shared.component_appid
    }

    /// The client of the platform's own endpoints (`api_create_preauthcode`,
    /// `api_get_authorizer_info`, …): its calls carry the `component_access_token`.
    pub fn client(&self) -> &Client {
        &self.inner.component
    }

    /// A client whose calls carry the `authorizer_access_token` of `authorizer_appid`, fetched
    /// with its stored refresh token and shared with every instance through the store. It
    /// shares this platform's HTTP pool and settings; make one per call or keep it.
    pub fn authorizer(&self, authorizer_appid: impl Into<String>) -> Client {
        let source = AuthorizerTokenSource {
            shared: Arc::clone(&self.inner.shared),
            component: self.inner.component.clone(),
            authorizer_appid: authorizer_appid.into(),
        };
        self.inner
            .component
            .with_token_source(TokenKind::ACCESS_TOKEN, source)
    }

    /// The appids of the accounts whose refresh tokens are stored.
    pub async fn authorizers(&self) -> Result<Vec<String>, StoreError> {
        let keys = &self.inner.shared.keys;
        let stored = self
            .inner
            .shared
            .leases
            .store
            .keys(&keys.authorizers_prefix())
            .await?;
        let mut appids: Vec<String> = stored
            .iter()
            .filter_map(|key| keys.authorizer_of_refresh_key(key))
            .map(str::to_owned)
            .collect();
        appids.sort_unstable();
        Ok(appids)
    }

    /// Handles a push to the authorization event URL: checks its signature, decrypts it, and
    /// acts on what it says. A ticket is stored; an `unauthorized` account's tokens are
    /// removed; an `authorized` or `updateauthorized` event is returned for the caller to
    /// complete with [`complete_authorization`](Self::complete_authorization) (unless the
    /// authorization page's redirect already did). Answer WeChat with [`PUSH_REPLY`] when this
    /// succeeds, and with an error status when it fails on the store, so that WeChat pushes
    /// again.
    pub async fn handle_push(
        &self,
        query: &PushQuery,
        body: &[u8],
    ) -> Result<PlatformEvent, PushError> {
        let Some(crypto) = &self.inner.crypto else {
            return Err(PushError::NoCrypto);
        };
        let message = push::open_push(crypto, query, body)?;
        let sent_at: u64 = query.timestamp.trim().parse().unwrap_or(0);
        if sent_at.abs_diff(store::unix_now()) > self.inner.max_push_age.as_secs() {
            return Err(PushError::Stale {
                timestamp: query.timestamp.clone(),
            });
        }
        let event = push::parse_event(&message)?;
        match &event {
            PlatformEvent::VerifyTicket {
                ticket,
                create_time,
            } => {
                self.store_ticket_made_at(ticket.clone(), *create_time)
                    .await?;
            }
            PlatformEvent::Unauthorized {
                authorizer_appid, ..
            } => {
                self.remove_authorizer(authorizer_appid).await?;
            }
            _ => {}
        }
        Ok(event)
    }

    /// Stores a `component_verify_ticket` received some other way, as made now.
    pub async fn store_ticket(&self, ticket: impl Into<Secret>) -> Result<(), StoreError> {
        let now = i64::try_from(store::unix_now()).unwrap_or(i64::MAX);
        self.store_ticket_made_at(ticket.into(), now).await
    }

    /// Stores a ticket made at `create_time` (Unix seconds) for 12 hours from then, unless the
    /// stored one is newer: a late or replayed push does not replace a newer ticket.
    async fn store_ticket_made_at(
        &self,
        ticket: Secret,
        create_time: i64,
    ) -> Result<(), StoreError> {
        let shared = &self.inner.shared;
        let key = shared.keys.ticket();
        let made = u64::try_from(create_time).unwrap_or(0);
        let expires_at = made.saturating_add(TICKET_LIFETIME.as_secs());
        if let Some(current) = shared.leases.store.get(&key).await?
            && current.expires_at.is_some_and(|at| at > expires_at)
        {
            tracing::info!("a ticket older than the stored one arrived; keeping the stored one");
            return Ok(());
        }
        let stored = Stored {
            value: ticket,
            expires_at: Some(expires_at),
            refresh_at: None,
        };
        shared.leases.store.put(&key, &stored).await
    }

    /// Forgets an account: its refresh token and access token (after `unauthorized`).
    pub async fn remove_authorizer(&self, authorizer_appid: &str) -> Result<(), StoreError> {
        let shared = &self.inner.shared;
        let access = shared.keys.authorizer_token(authorizer_appid);
        shared.leases.forget(&access);
        shared.leases.store.delete(&access).await?;
        shared
            .leases
            .store
            .delete(&shared.keys.refresh_token(authorizer_appid))
            .await
    }

    /// The URL of the authorization page an account's administrator opens (on a computer, or
    /// in WeChat with `mobile`), with a fresh pre-authorization code; the page redirects to
    /// `redirect_uri` with `auth_code`, for [`complete_authorization`](Self::complete_authorization).
    pub async fn authorization_url(
        &self,
        redirect_uri: &str,
        auth_type: AuthType,
        mobile: bool,
    ) -> Result<String, PlatformError> {
        let request = CreatePreAuthCodeRequest::builder()
            .component_appid(self.component_appid())
            .build();
        let code = self
            .inner
            .component
            .create_pre_auth_code(request)
            .await
            .map_err(PlatformError::PreAuthCode)?;
        let auth_type = auth_type.value().to_string();
        let mut query = form_urlencoded::Serializer::new(String::new());
        let base = if mobile {
            query.extend_pairs([("action", "bindcomponent"), ("no_scan", "1")]);
            "https://open.weixin.qq.com/wxaopen/safe/bindcomponent"
        } else {
            "https://mp.weixin.qq.com/cgi-bin/componentloginpage"
        };
        query.extend_pairs([
            ("component_appid", self.component_appid()),
            ("pre_auth_code", code.pre_auth_code.as_str()),
            ("redirect_uri", redirect_uri),
            ("auth_type", auth_type.as_str()),
        ]);
        let fragment = if mobile { "#wechat_redirect" } else { "" };
        Ok(format!("{base}?{}{fragment}", query.finish()))
    }

    /// Completes an authorization: exchanges the `auth_code` the page redirected with (or an
    /// `authorized` event's code) for the account's tokens, and stores its refresh token first,
    /// then its access token.
    pub async fn complete_authorization(
        &self,
        authorization_code: impl Into<Secret>,
    ) -> Result<AuthorizationInfo, PlatformError> {
        let request = QueryAuthorizationRequest::builder()
            .component_appid(self.component_appid())
            .authorization_code(authorization_code)
            .build();
        let answer = self
            .inner
            .component
            .query_authorization(request)
            .await
            .map_err(PlatformError::QueryAuth)?;
        let info = answer.authorization_info;
        let shared = &self.inner.shared;
        let Some(refresh_token) = &info.authorizer_refresh_token else {
            return Err(PlatformError::NoRefreshToken {
                authorizer_appid: info.authorizer_appid,
            });
        };
        let store = &shared.leases.store;
        store
            .put(
                &shared.keys.refresh_token(&info.authorizer_appid),
                &Stored::lasting(refresh_token.clone()),
            )
            .await?;
        if let (Some(token), Some(expires_in)) = (&info.authorizer_access_token, info.expires_in) {
            let key = shared.keys.authorizer_token(&info.authorizer_appid);
            shared.leases.forget(&key);
            let token = crate::AccessToken::new(token.expose_secret());
            store
                .put(&key, &shared.leases.stored_form(&token, expires_in))
                .await?;
        }
        Ok(info)
    }

    /// Stores the current refresh token of every account in `api_get_authorizer_list` that has
    /// none stored: the recovery after a store was lost. Returns how many were stored. A stored
    /// token is left alone (it may be newer than the list's); the authorizer clients recover
    /// one that WeChat calls invalid. The list's quota is limited.
    pub async fn recover_refresh_tokens(&self) -> Result<usize, PlatformError> {
        let shared = &self.inner.shared;
        let mut found = Vec::new();
        sources::list_authorizers(shared, &self.inner.component, |appid, token| {
            found.push((appid.to_owned(), token.clone()));
            true
        })
        .await?;
        let mut stored = 0;
        for (appid, token) in &found {
            let key = shared.keys.refresh_token(appid);
            let lasting = Stored::lasting(token.clone());
            if shared.leases.store.put_if(&key, None, &lasting).await? {
                stored += 1;
            }
        }
        Ok(stored)
    }
}
