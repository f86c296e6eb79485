use super::{AccessToken, ApiError, BuildError, Error, HttpMethod, Operation, excerpt};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How long one call may take, from sending to the last byte of the body, unless
/// [`ClientBuilder::timeout`] says otherwise. A call never hangs.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// An async client for the WeChat Open Platform API. One method per endpoint, generated from
/// the specs; cheap to clone (clones share one connection pool).
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = wechat_api_client::Client::builder().access_token("ACCESS_TOKEN").build()?;
/// let linked = client.get_linked_mini_programs().await?;
/// println!("{} linked Mini Programs", linked.wxopens.items.len());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    /// Replaces `https://{host}` of every endpoint when set (tests, proxies, regional domains).
    base_url: Option<String>,
    token: AccessToken,
}

/// Configures a [`Client`]; only the access token is required.
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    base_url: Option<String>,
    token: Option<AccessToken>,
    timeout: Option<Duration>,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// The token sent with every call: an account's `access_token`, or the
    /// `authorizer_access_token` a third-party platform holds for an account.
    pub fn access_token(mut self, token: impl Into<AccessToken>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Sends every call to this base URL (`http://127.0.0.1:8080`, `https://api2.weixin.qq.com`)
    /// instead of each endpoint's official host.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The limit for one call, from sending the request to the last byte of the body;
    /// [`DEFAULT_TIMEOUT`] unless set. Ignored when [`ClientBuilder::http_client`] is given.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Uses this `reqwest` client (its timeouts, proxy and pool) instead of building one.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let token = self.token.ok_or(BuildError::MissingAccessToken)?;
        let base_url = self.base_url.map(|url| check_base_url(&url)).transpose()?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                .build()
                .map_err(|err| BuildError::Http(err.without_url()))?,
        };
        Ok(Client {
            http,
            base_url,
            token,
        })
    }
}

fn check_base_url(url: &str) -> Result<String, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidBaseUrl {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let parsed = reqwest::Url::parse(url).map_err(|err| invalid(&err.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("a base URL has no query or fragment"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// The part of every response the client reads before the endpoint's own fields.
#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Sends one call and reads its answer: a non-2xx status, a body that is not JSON, a
    /// non-zero `errcode` and a payload of the wrong shape each give their own [`Error`].
    pub(crate) async fn call<B, R, E>(
        &self,
        operation: &Operation,
        query: &[(&'static str, String)],
        body: Option<&B>,
    ) -> Result<R, Error<E>>
    where
        B: Serialize + ?Sized,
        R: DeserializeOwned,
        E: ApiError,
    {
        let url = match &self.base_url {
            Some(base) => format!("{base}{}", operation.path),
            None => format!("https://{}{}", operation.host, operation.path),
        };
        let mut request = match operation.method {
            HttpMethod::Get => self.http.get(url),
            HttpMethod::Post => self.http.post(url),
        };
        if let Some(param) = operation.token_query {
            request = request.query(&[(param, self.token.expose_secret())]);
        }
        if !query.is_empty() {
            request = request.query(query);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        tracing::debug!(operation = operation.name, "sending");
        // `without_url`: the URL carries the access token and must not reach an error message.
        let response = request
            .send()
            .await
            .map_err(|err| Error::Transport(err.without_url()))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|err| Error::Transport(err.without_url()))?;
        if !status.is_success() {
            return Err(Error::HttpStatus {
                operation: operation.name,
                status: status.as_u16(),
                body_excerpt: excerpt(&bytes),
            });
        }
        let decode_error = |err: serde_json::Error| Error::Decode {
            operation: operation.name,
            reason: err.to_string(),
            body_excerpt: excerpt(&bytes),
        };
        let envelope: Envelope = serde_json::from_slice(&bytes).map_err(decode_error)?;
        tracing::debug!(
            operation = operation.name,
            errcode = envelope.errcode,
            "answered"
        );
        if envelope.errcode != 0 {
            return Err(Error::Api(E::from_errcode(
                envelope.errcode,
                envelope.errmsg,
            )));
        }
        serde_json::from_slice(&bytes).map_err(decode_error)
    }
}
