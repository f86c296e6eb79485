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
use crate::{AccessToken, Client, Error, Secret, TokenSource, TokenSourceError};
use std::sync::Arc;

/// The most accounts `api_get_authorizer_list` returns a page.
const LIST_PAGE: i64 = 500;

/// What the sources of one platform share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub component_appid: String,
    pub component_secret: Secret,
    pub keys: Keys,
    pub leases: Leases,
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
                    .ok_or_else(|| {
                        TokenSourceError::new(
                            "no component_verify_ticket is stored yet: WeChat pushes one every 10 minutes to the authorization event URL; give the pushes to Platform::handle_push",
                        )
                    })?;
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
                refresh_authorizer(&self.shared, &self.component, &self.authorizer_appid)
                    .await
                    .map_err(TokenSourceError::new)
            })
            .await
    }

    async fn invalidate(&self, rejected: &AccessToken) {
        let key = self.shared.keys.authorizer_token(&self.authorizer_appid);
        self.shared.leases.invalidate(&key, rejected).await;
    }
}

/// Refreshes an authorizer's token (under its lease). The refresh token the answer carries is
/// stored before the new access token is returned, so that a crash between the two loses
/// nothing. A refresh token that is missing, or that WeChat calls invalid (61023, as after a
/// new authorization), is looked up in `api_get_authorizer_list` and tried once more.
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
            recover_refresh_token(shared, component, authorizer_appid).await?,
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
                    shared
                        .leases
                        .store
                        .put(&refresh_key, &Stored::lasting(next))
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
                let current = recover_refresh_token(shared, component, authorizer_appid).await?;
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

/// Finds an authorizer's current refresh token in `api_get_authorizer_list` and stores it.
async fn recover_refresh_token(
    shared: &Shared,
    component: &Client,
    authorizer_appid: &str,
) -> Result<Secret, PlatformError> {
    let mut found = None;
    list_authorizers(shared, component, |appid, refresh_token| {
        if appid == authorizer_appid {
            found = Some(refresh_token.clone());
        }
        found.is_none()
    })
    .await?;
    let refresh_token = found.ok_or_else(|| PlatformError::NotAuthorized {
        authorizer_appid: authorizer_appid.to_owned(),
    })?;
    shared
        .leases
        .store
        .put(
            &shared.keys.refresh_token(authorizer_appid),
            &Stored::lasting(refresh_token.clone()),
        )
        .await?;
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
