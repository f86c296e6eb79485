//! The built-in token source for a WeCom (企业微信) application: the generated `gettoken`
//! endpoint of the `wecom` group, behind a cache.

use crate::token_cache::{Fetched, TokenCache};
use crate::wecom::{GetWecomAccessToken, GetWecomAccessTokenRequest};
use crate::{
    AccessToken, Client, ClientBuilder, Secret, TokenKind, TokenKinds, TokenSource,
    TokenSourceError,
};
use std::time::Duration;

/// Tokens of a WeCom application (`TokenKind::WECOM_ACCESS_TOKEN`), from
/// `GET https://qyapi.weixin.qq.com/cgi-bin/gettoken` with the corp id and the application's
/// secret, cached until [`DEFAULT_REFRESH_MARGIN`](crate::DEFAULT_REFRESH_MARGIN) before they expire.
///
/// Concurrent callers share one fetch. WeCom hands out the same token to every caller until it
/// expires, so processes of one application can each keep their own source; when WeCom rejects
/// a token, the next call fetches again.
///
/// Most users want [`WecomCredentials::wecom_credentials`]. Build one yourself to change the margin:
///
/// ```no_run
/// use std::time::Duration;
/// use wechat_api_client::prelude::*;
/// use wechat_api_client::{Client, TokenKind, WecomTokenSource};
///
/// # fn run() -> Result<(), wechat_api_client::BuildError> {
/// let client = Client::builder()
///     .token_source_for_with(TokenKind::WECOM_ACCESS_TOKEN, |tokenless| {
///         WecomTokenSource::new(tokenless, "ww0123456789abcdef", "APP_SECRET")
///             .refresh_margin(Duration::from_secs(600))
///     })
///     .build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct WecomTokenSource {
    /// Calls `gettoken`; has no token source of its own.
    client: Client,
    corpid: String,
    corpsecret: Secret,
    cache: TokenCache<()>,
}

impl WecomTokenSource {
    /// A source that calls `gettoken` through `client` (its base URL for
    /// `qyapi.weixin.qq.com`, timeouts and retry policy apply; its tokens, if any, are not used).
    pub fn new(client: Client, corpid: impl Into<String>, corpsecret: impl Into<Secret>) -> Self {
        Self {
            client,
            corpid: corpid.into(),
            corpsecret: corpsecret.into(),
            cache: TokenCache::new(),
        }
    }

    /// Fetch the next token this long before the current one expires.
    #[must_use]
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.cache.set_refresh_margin(margin);
        self
    }
}

impl TokenSource for WecomTokenSource {
    async fn token(&self) -> Result<AccessToken, TokenSourceError> {
        self.cache
            .token(async |_: &mut ()| {
                tracing::debug!("fetching a WeCom access token");
                let request = GetWecomAccessTokenRequest::builder()
                    .corpid(self.corpid.as_str())
                    .corpsecret(self.corpsecret.clone())
                    .build();
                let answer = self
                    .client
                    .get_wecom_access_token(request)
                    .await
                    .map_err(TokenSourceError::new)?;
                Ok(Fetched {
                    token: AccessToken::from(answer.access_token),
                    expires_in: answer.expires_in,
                })
            })
            .await
    }

    async fn invalidate(&self, rejected: &AccessToken) {
        self.cache.invalidate(rejected, |(), _| {}).await;
    }
}

/// The client builder's way to a WeCom application's tokens, brought by the crate's `prelude`.
pub trait WecomCredentials {
    /// Gets the tokens of the WeCom endpoints (`TokenKind::WECOM_ACCESS_TOKEN`) for the
    /// application with this secret in the corp with this id, from `gettoken`, cached and
    /// refreshed [`DEFAULT_REFRESH_MARGIN`](crate::DEFAULT_REFRESH_MARGIN) before they expire (a [`WecomTokenSource`]). The token
    /// calls use this builder's base URL for `qyapi.weixin.qq.com`, timeouts and retry policy.
    ///
    /// The client's other token kinds are unchanged: one client can call WeChat with an
    /// account's token and WeCom with an application's.
    ///
    /// ```no_run
    /// use wechat_api_client::prelude::*;
    /// use wechat_api_client::wecom::{SendWecomMessageRequest, WecomMessage, WecomText};
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let corpid = std::env::var("WECOM_CORPID")?;
    /// let secret = std::env::var("WECOM_APP_SECRET")?;
    /// let client = wechat_api_client::Client::builder().wecom_credentials(corpid, secret).build()?;
    /// let request = SendWecomMessageRequest::builder()
    ///     .agentid(1000002)
    ///     .touser("zhangsan")
    ///     .message(WecomMessage::Text(WecomText { content: "Hello".to_owned() }))
    ///     .build();
    /// let sent = client.send_wecom_message(request).await?;
    /// # let _ = sent;
    /// # Ok(())
    /// # }
    /// ```
    fn wecom_credentials(self, corpid: impl Into<String>, corpsecret: impl Into<Secret>) -> Self;
}

impl WecomCredentials for ClientBuilder {
    fn wecom_credentials(self, corpid: impl Into<String>, corpsecret: impl Into<Secret>) -> Self {
        let (corpid, corpsecret) = (corpid.into(), corpsecret.into());
        self.token_source_for_with(TokenKind::WECOM_ACCESS_TOKEN, move |tokenless| {
            WecomTokenSource::new(tokenless, corpid, corpsecret)
        })
    }
}
