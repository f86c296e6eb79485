//! One call, end to end: get a token, send, read the envelope, and decide whether to send
//! again (a rejected token once; busy answers and failed connects by the retry policy).

use super::answer::read_answer;
use super::client::{Client, Transport};
use super::de::Object;
use super::redact::{Redactor, logged_url};
use super::retry::RetryPolicy;
use super::{AccessToken, ApiError, Error, HttpMethod, Operation, TokenSourceError};
use serde::Serialize;
use std::time::Instant;
use tracing::Instrument;

/// What one attempt was sent with, for the decision that follows it.
struct Attempt {
    token: Option<AccessToken>,
    to_backup: bool,
}

impl Client {
    /// Carries out one call of `operation`, in a tracing span named `wechat_api` with the
    /// operation, the attempt number and the final errcode.
    pub(crate) async fn call<B, R, E>(
        &self,
        operation: &Operation,
        query: &[(&'static str, String)],
        body: Option<&B>,
    ) -> Result<R, Error<E>>
    where
        B: Serialize + ?Sized,
        R: Object,
        E: ApiError,
    {
        let span = tracing::info_span!(
            "wechat_api",
            operation = operation.name,
            attempt = tracing::field::Empty,
            errcode = tracing::field::Empty,
        );
        let result = self
            .call_with_retries(operation, query, body)
            .instrument(span.clone())
            .await;
        match &result {
            Ok(_) => {
                span.record("errcode", 0);
            }
            Err(error) => {
                match error.errcode() {
                    Some(code) => span.record("errcode", code),
                    None => span.record("errcode", tracing::field::display("none")),
                };
                span.in_scope(|| tracing::debug!(error = %error, "the call failed"));
            }
        }
        result
    }

    async fn call_with_retries<B, R, E>(
        &self,
        operation: &Operation,
        query: &[(&'static str, String)],
        body: Option<&B>,
    ) -> Result<R, Error<E>>
    where
        B: Serialize + ?Sized,
        R: Object,
        E: ApiError,
    {
        let body = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|err| Error::Encode {
                operation: operation.name,
                reason: err.to_string(),
            })?;
        let redactor = Redactor::for_call(operation, query, body.as_deref());
        let started = Instant::now();
        let policy = &self.transport.retry;
        // Every send counts in `attempts` (the span's field); the resend after a token refresh
        // is token handling, so the retry policy counts `attempts - 1` after one.
        let mut attempts: u32 = 0;
        let mut token_refreshed = false;
        let mut next_token = None;
        // After a failed connect to the primary, the next attempt goes to the backup whatever
        // the cooldown (which only decides where later calls go).
        let mut backup_next = false;
        loop {
            attempts += 1;
            tracing::Span::current().record("attempt", attempts);
            let token = match next_token.take() {
                Some(token) => Some(token),
                None => self.token_for(operation).await?,
            };
            let attempt = Attempt {
                token,
                to_backup: std::mem::take(&mut backup_next) || self.transport.use_backup(),
            };
            let redactor = redactor.with_token(attempt.token.as_ref());
            let error = match self
                .send_once(operation, &attempt, &redactor, query, body.as_deref())
                .await
            {
                Ok(response) => return Ok(response),
                Err(error) => error,
            };
            if let (Some(rejected), Some(source), true) =
                (&attempt.token, &self.token, error.is_token_rejected())
            {
                if token_refreshed {
                    return Err(error);
                }
                token_refreshed = true;
                tracing::info!(
                    errcode = error.errcode(),
                    "the access token was rejected; refreshing it and sending once more"
                );
                source.invalidate(rejected).await;
                let fresh = self.token_for(operation).await?;
                if fresh.as_ref() == Some(rejected) {
                    tracing::info!(
                        "the token source gave the rejected token again; not sending again"
                    );
                    return Err(error);
                }
                next_token = fresh;
                continue;
            }
            if matches!(error, Error::Transport { sent: false, .. }) {
                backup_next = self.transport.connect_failed(attempt.to_backup);
            }
            if !should_retry(&error, policy) {
                return Err(error);
            }
            let counted = attempts - u32::from(token_refreshed);
            let Some(delay) = policy.next_delay(counted, started.elapsed()) else {
                tracing::info!(attempts, error = %error, "giving up: the retry bounds are reached");
                return Err(error);
            };
            tracing::info!(attempt = attempts, delay_ms = delay.as_millis() as u64, error = %error, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    /// A token for `operation`, or `None` when it takes none.
    async fn token_for<E: ApiError>(
        &self,
        operation: &Operation,
    ) -> Result<Option<AccessToken>, Error<E>> {
        if operation.token_query.is_none() {
            return Ok(None);
        }
        let token_error = |source| Error::TokenSource {
            operation: operation.name,
            source,
        };
        let Some(source) = &self.token else {
            return Err(token_error(TokenSourceError::new(
                "this client was built without a token, and the endpoint needs one",
            )));
        };
        source.token().await.map(Some).map_err(token_error)
    }

    /// Sends one request and reads its answer: a non-2xx status, an oversized or undecodable
    /// body and a non-zero `errcode` each give their own [`Error`].
    async fn send_once<R, E>(
        &self,
        operation: &Operation,
        attempt: &Attempt,
        redactor: &Redactor,
        query: &[(&'static str, String)],
        body: Option<&[u8]>,
    ) -> Result<R, Error<E>>
    where
        R: Object,
        E: ApiError,
    {
        let transport = &self.transport;
        let base = transport.base_for(operation, attempt.to_backup);
        let url = format!("{base}{}", operation.path);
        let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(query.len() + 1);
        if let (Some(param), Some(token)) = (operation.token_query, &attempt.token) {
            pairs.push((param, token.expose_secret()));
        }
        pairs.extend(query.iter().map(|(name, value)| (*name, value.as_str())));
        tracing::debug!(url = %logged_url(&url, &pairs, operation), backup = attempt.to_backup, "sending");
        let mut request = match operation.method {
            HttpMethod::Get => transport.http.get(url),
            HttpMethod::Post => transport.http.post(url),
        };
        request = request.timeout(transport.timeout).query(&pairs);
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        let reqwest_error = |err| Error::from_reqwest(operation.name, err, transport.timeout);
        let started = Instant::now();
        let response = request.send().await.map_err(reqwest_error)?;
        let status = response.status().as_u16();
        let bytes = read_body(response, transport, operation).await?;
        tracing::debug!(
            status,
            bytes = bytes.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "answered"
        );
        read_answer(
            operation,
            status,
            &bytes,
            redactor,
            transport.max_response_bytes,
        )
    }
}

fn should_retry<E: ApiError>(error: &Error<E>, policy: &RetryPolicy) -> bool {
    error.is_retryable() || (policy.retries_timeouts() && matches!(error, Error::Timeout { .. }))
}

/// Reads the body, stopping as soon as it is longer than `limit`: a declared length over the
/// limit is refused before reading, and a body without one is counted as it arrives.
async fn read_body<E: ApiError>(
    mut response: reqwest::Response,
    transport: &Transport,
    operation: &Operation,
) -> Result<Vec<u8>, Error<E>> {
    let limit = transport.max_response_bytes;
    let too_large = || Error::BodyTooLarge {
        operation: operation.name,
        limit,
    };
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(too_large());
    }
    // A declared length is reserved once; a body without one grows by doubling, but never
    // past the limit, so the buffer holds at most the limit.
    let declared = response
        .content_length()
        .map_or(0, |length| length as usize);
    let mut body = Vec::with_capacity(declared);
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|err| Error::from_reqwest(operation.name, err, transport.timeout))?
    {
        let needed = body.len() + chunk.len();
        if needed > limit {
            return Err(too_large());
        }
        if needed > body.capacity() {
            let grown = needed.max(body.capacity().saturating_mul(2)).min(limit);
            body.reserve_exact(grown - body.len());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
