//! The token sources of a platform: its own `component_access_token`, from the stored ticket,
//! and each authorizer's `authorizer_access_token`, from its stored refresh token. Both go
//! through [`Leases`], so that a fleet refreshes each token once.

use super::PlatformError;
use super::lease::{Fetched, Leases};
use super::store::{Keys, Stored};
use crate::component::{
    GetComponentAccessTokenRequest, ListAuthorizersRequest, RefreshAuthorizerTokenError,
    RefreshAuthorizerTokenRequest,
};
use crate::prelude::*;
use crate::{AccessToken, Client, Error, Secret, TokenSource, TokenSourceError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The most accounts `api_get_authorizer_list` returns a page.
const LIST_PAGE: i64 = 500;
/// How long an account found in no list is not looked up again: the list's quota is limited,
/// and an appid from a user's input must not spend it on every call.
const NOT_AUTHORIZED_MEMORY: Duration = Duration::from_secs(300);
/// The waits between attempts to store a refresh token WeChat just handed out.
const STORE_RETRIES: [Duration; 3] = [
    Duration::from_millis(100),
    Duration::from_millis(400),
    Duration::from_millis(1600),
];

/// What the sources of one platform share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub component_appid: String,
    pub component_secret: Secret,
    pub keys: Keys,
    pub leases: Leases,
    /// Accounts the authorizer list did not have, and when that was seen.
    pub not_authorized: Mutex<HashMap<String, Instant>>,
}

/// The platform's `component_access_token`, fetched with the latest stored ticket.
#[derive(Debug)]
pub(crate) struct ComponentTokenSource {
    pub shared: Arc<Shared>,
    /// Calls `api_component_token`, which takes no token.
    pub tokenless: Client,
}

impl TokenSource for ComponentTokenSource {
    async fn token(&self) -> Result<AccessToken, TokenSourceError> {
        let shared = &self.shared;
        let key = shared.keys.component_token();
        shared
            .leases
            .token(&key, async || {
                let ticket = shared
                    .leases
                    .store
                    .get(&shared.keys.ticket())
                    .await
                    .map_err(TokenSourceError::new)?
                    .filter(Stored::is_live)
                    .ok_or_else(|| TokenSourceError::new(PlatformError::NoTicket))?;
                tracing::debug!("fetching the component_access_token");
                let request = GetComponentAccessTokenRequest::builder()
                    .component_appid(shared.component_appid.as_str())
                    .component_appsecret(shared.component_secret.clone())
                    .component_verify_ticket(ticket.value)
                    .build();
                let answer = self
                    .tokenless
                    .get_component_access_token(request)
                    .await
                    .map_err(TokenSourceError::new)?;
                Ok(Fetched {
                    token: AccessToken::from(answer.component_access_token),
                    expires_in: answer.expires_in,
                })
            })
            .await
    }

    async fn invalidate(&self, rejected: &AccessToken) {
        let key = self.shared.keys.component_token();
        self.shared.leases.invalidate(&key, rejected).await;
    }
}

/// One authorizer's `authorizer_access_token`, refreshed with its stored refresh token.
#[derive(Debug)]
pub(crate) struct AuthorizerTokenSource {
    pub shared: Arc<Shared>,
    /// Calls the platform's endpoints with its `component_access_token`.
    pub component: Client,
    pub authorizer_appid: String,
}

impl TokenSource for AuthorizerTokenSource {
    async fn token(&self) -> Result<AccessToken, TokenSourceError> {
        let key = self.shared.keys.authorizer_token(&self.authorizer_appid);
        self.shared
            .leases
            .token(&key, async || {
                // On a task of its own: once WeChat has answered with a new refresh token, it
                // is stored even if this caller is dropped (a timeout around the call).
                let (shared, component, appid) = (
                    Arc::clone(&self.shared),
                    self.component.clone(),
                    self.authorizer_appid.clone(),
                );
                let refresh =
                    tokio::spawn(
                        async move { refresh_authorizer(&shared, &component, &appid).await },
                    );
                match refresh.await {
                    Ok(refreshed) => refreshed.map_err(TokenSourceError::new),
                    Err(failed) => Err(TokenSourceError::new(failed)),
                }
            })
            .await
    }

    async fn invalidate(&self, rejected: &AccessToken) {
        let key = self.shared.keys.authorizer_token(&self.authorizer_appid);
        self.shared.leases.invalidate(&key, rejected).await;
    }
}

/// Refreshes an authorizer's token (under its lease). The refresh token the answer carries
/// replaces the one sent before the new access token is returned, so that a crash between the
/// two loses nothing, and only if the store still holds the one sent (never over a newer one).
/// A refresh token that is missing, or that WeChat calls invalid (61023, as after a new
/// authorization), is looked up in `api_get_authorizer_list` and tried once more.
async fn refresh_authorizer(
    shared: &Shared,
    component: &Client,
    authorizer_appid: &str,
) -> Result<Fetched, PlatformError> {
    let refresh_key = shared.keys.refresh_token(authorizer_appid);
    let stored = shared.leases.store.get(&refresh_key).await?;
    let (mut refresh_token, mut recovered) = match stored {
        Some(stored) => (stored.value, false),
        None => (
            recover_refresh_token(shared, component, authorizer_appid, None).await?,
            true,
        ),
    };
    loop {
        tracing::debug!(authorizer_appid, "refreshing an authorizer_access_token");
        let request = RefreshAuthorizerTokenRequest::builder()
            .component_appid(shared.component_appid.as_str())
            .authorizer_appid(authorizer_appid)
            .authorizer_refresh_token(refresh_token.clone())
            .build();
        match component.refresh_authorizer_token(request).await {
            Ok(answer) => {
                if let Some(next) = answer.authorizer_refresh_token
                    && next != refresh_token
                {
                    store_refresh_token(shared, authorizer_appid, Some(&refresh_token), next)
                        .await?;
                }
                return Ok(Fetched {
                    token: AccessToken::from(answer.authorizer_access_token),
                    expires_in: answer.expires_in,
                });
            }
            Err(Error::Api(RefreshAuthorizerTokenError::RefreshTokenInvalid { .. }))
                if !recovered =>
            {
                tracing::warn!(
                    authorizer_appid,
                    "the stored refresh token is invalid; looking up the current one"
                );
                recovered = true;
                let current = recover_refresh_token(
                    shared,
                    component,
                    authorizer_appid,
                    Some(&refresh_token),
                )
                .await?;
                if current == refresh_token {
                    return Err(PlatformError::NotAuthorized {
                        authorizer_appid: authorizer_appid.to_owned(),
                    });
                }
                refresh_token = current;
            }
            Err(error) => return Err(PlatformError::RefreshToken(error)),
        }
    }
}

/// Replaces the stored refresh token `sent` (or no token) with `next`, trying again when the
/// store fails: it is the only copy. Another value in its place (an instance that overtook
/// this one) is left there.
async fn store_refresh_token(
    shared: &Shared,
    authorizer_appid: &str,
    sent: Option<&Secret>,
    next: Secret,
) -> Result<(), PlatformError> {
    let key = shared.keys.refresh_token(authorizer_appid);
    let value = Stored::lasting(next);
    let expected = sent.map(Secret::expose_secret);
    let mut waits = STORE_RETRIES.iter();
    loop {
        match shared.leases.store.put_if(&key, expected, &value).await {
            Ok(true) => return Ok(()),
            Ok(false) => {
                tracing::warn!(
                    authorizer_appid,
                    "another instance replaced the refresh token first; keeping its value"
                );
                return Ok(());
            }
            Err(error) => match waits.next() {
                Some(wait) => {
                    tracing::warn!(authorizer_appid, error = %error, "cannot store a new refresh token; trying again");
                    tokio::time::sleep(*wait).await;
                }
                None => {
                    tracing::error!(authorizer_appid, error = %error, "cannot store a new refresh token; it will be recovered from the authorizer list");
                    return Err(PlatformError::Store(error));
                }
            },
        }
    }
}

/// Finds an authorizer's current refresh token in `api_get_authorizer_list` and stores it in
/// place of `stale` (or of nothing).
async fn recover_refresh_token(
    shared: &Shared,
    component: &Client,
    authorizer_appid: &str,
    stale: Option<&Secret>,
) -> Result<Secret, PlatformError> {
    let not_authorized = || PlatformError::NotAuthorized {
        authorizer_appid: authorizer_appid.to_owned(),
    };
    {
        let mut seen = shared
            .not_authorized
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        seen.retain(|_, at| at.elapsed() < NOT_AUTHORIZED_MEMORY);
        if seen.contains_key(authorizer_appid) {
            return Err(not_authorized());
        }
    }
    let mut found = None;
    list_authorizers(shared, component, |appid, refresh_token| {
        if appid == authorizer_appid {
            found = Some(refresh_token.clone());
        }
        found.is_none()
    })
    .await?;
    let Some(refresh_token) = found else {
        shared
            .not_authorized
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(authorizer_appid.to_owned(), Instant::now());
        return Err(not_authorized());
    };
    store_refresh_token(shared, authorizer_appid, stale, refresh_token.clone()).await?;
    tracing::info!(
        authorizer_appid,
        "recovered a refresh token from api_get_authorizer_list"
    );
    Ok(refresh_token)
}

/// Pages through `api_get_authorizer_list`, giving each account to `each` until it says stop.
pub(crate) async fn list_authorizers(
    shared: &Shared,
    component: &Client,
    mut each: impl FnMut(&str, &Secret) -> bool,
) -> Result<(), PlatformError> {
    let mut offset = 0;
    loop {
        let request = ListAuthorizersRequest::builder()
            .component_appid(shared.component_appid.as_str())
            .offset(offset)
            .count(LIST_PAGE)
            .build();
        let page = component
            .list_authorizers(request)
            .await
            .map_err(PlatformError::ListAuthorizers)?;
        let read = i64::try_from(page.list.len()).unwrap_or(i64::MAX);
        for item in &page.list {
            if !each(&item.authorizer_appid, &item.refresh_token) {
                return Ok(());
            }
        }
        offset = offset.saturating_add(read);
        if read == 0 || offset >= page.total_count {
            return Ok(());
        }
    }
}
