//! One call, end to end: get a token of the endpoint's kind, send, read the answer (a
//! [`Reader`]), and decide whether to send again (a rejected token once; busy answers and failed
//! connects by the retry policy).

use super::body::Body;
use super::client::Client;
use super::de::Object;
use super::read::{Got, JsonReader, MediaReader, ReadCx, Reader};
use super::redact::{Redactor, logged_url};
use super::retry::RetryPolicy;
use super::{
    AccessToken, ApiError, Error, HttpMethod, Media, MediaInfo, MediaOr, MediaSink, Operation,
};
use std::time::Instant;
use tracing::Instrument;

/// What one attempt was sent with, for the decision that follows it.
struct Attempt {
    token: Option<AccessToken>,
    to_backup: bool,
}

impl Client {
    /// A call whose answer is the JSON object `R`.
    #[doc(hidden)]
    pub async fn call<R: Object + Send, E: ApiError>(
        &self,
        operation: &Operation,
        query: &[(&'static str, String)],
        body: Body,
    ) -> Result<R, Error<E>> {
        self.run(operation, query, body, JsonReader::new()).await
    }

    /// A call whose answer is a file, kept in memory.
    #[doc(hidden)]
    pub async fn call_media<E: ApiError>(
        &self,
        operation: &Operation,
        query: &[(&'static str, String)],
        body: Body,
    ) -> Result<Media, Error<E>> {
        let reader = MediaReader::<super::read::NoJson, Vec<u8>>::new(false, None);
        match self.run(operation, query, body, reader).await? {
            Got::Media(media) => Ok(media),
            Got::Json(_) | Got::Written(_) => Err(not_read(operation)),
        }
    }

    /// A call whose answer is the JSON object `R` or a file, kept in memory.
    #[doc(hidden)]
    pub async fn call_media_or<R: Object + Send, E: ApiError>(
        &self,
        operation: &Operation,
        query: &[(&'static str, String)],
        body: Body,
    ) -> Result<MediaOr<R>, Error<E>> {
        let reader = MediaReader::<R, Vec<u8>>::new(true, None);
        match self.run(operation, query, body, reader).await? {
            Got::Media(media) => Ok(MediaOr::Media(media)),
            Got::Json(json) => Ok(MediaOr::Json(json)),
            Got::Written(_) => Err(not_read(operation)),
        }
    }

    /// A call whose answer is a file, written to `writer` as it arrives.
    #[doc(hidden)]
    pub async fn call_media_to<E: ApiError, W: MediaSink + ?Sized>(
        &self,
        operation: &Operation,
        query: &[(&'static str, String)],
        body: Body,
        writer: &mut W,
    ) -> Result<MediaInfo, Error<E>> {
        let reader = MediaReader::<super::read::NoJson, W>::new(false, Some(writer));
        match self.run(operation, query, body, reader).await? {
            Got::Written(info) => Ok(info),
            Got::Json(_) | Got::Media(_) => Err(not_read(operation)),
        }
    }

    /// A call whose answer is the JSON object `R`, or a file written to `writer`.
    #[doc(hidden)]
    pub async fn call_media_or_to<R: Object + Send, E: ApiError, W: MediaSink + ?Sized>(
        &self,
        operation: &Operation,
        query: &[(&'static str, String)],
        body: Body,
        writer: &mut W,
    ) -> Result<MediaOr<R, MediaInfo>, Error<E>> {
        let reader = MediaReader::<R, W>::new(true, Some(writer));
        match self.run(operation, query, body, reader).await? {
            Got::Written(info) => Ok(MediaOr::Media(info)),
            Got::Json(json) => Ok(MediaOr::Json(json)),
            Got::Media(_) => Err(not_read(operation)),
        }
    }

    /// Carries out one call of `operation`, in a tracing span named `wechat_api` with the
    /// operation, the attempt number and the final errcode.
    async fn run<E: ApiError, T: Reader<E>>(
        &self,
        operation: &Operation,
        query: &[(&'static str, String)],
        body: Body,
        reader: T,
    ) -> Result<T::Output, Error<E>> {
        let span = tracing::info_span!(
            "wechat_api",
            operation = operation.name,
            attempt = tracing::field::Empty,
            errcode = tracing::field::Empty,
        );
        let result = self
            .call_with_retries(operation, query, body, reader)
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

    async fn call_with_retries<E: ApiError, T: Reader<E>>(
        &self,
        operation: &Operation,
        query: &[(&'static str, String)],
        body: Body,
        mut reader: T,
    ) -> Result<T::Output, Error<E>> {
        let body = body
            .with_constants(operation)
            .map_err(|reason| Error::Encode {
                operation: operation.name,
                reason,
            })?;
        let redactor = Redactor::for_call(operation, query, &body);
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
                to_backup: std::mem::take(&mut backup_next)
                    || self.transport.routes.use_backup(operation),
            };
            let redactor = redactor.with_token(attempt.token.as_ref());
            let error = match self
                .send_once(operation, &attempt, &redactor, query, &body, &mut reader)
                .await
            {
                Ok(output) => return Ok(output),
                Err(error) => error,
            };
            if !reader.may_send_again() {
                return Err(error);
            }
            let source = operation
                .token
                .and_then(|token| self.token_source(token.kind));
            if let (Some(rejected), Some(source), true) =
                (&attempt.token, source, error.is_token_rejected())
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
                backup_next = self
                    .transport
                    .routes
                    .connect_failed(operation, attempt.to_backup);
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

    /// A token of the kind `operation` takes, or `None` when it takes none.
    async fn token_for<E: ApiError>(
        &self,
        operation: &Operation,
    ) -> Result<Option<AccessToken>, Error<E>> {
        let Some(token) = operation.token else {
            return Ok(None);
        };
        let Some(source) = self.token_source(token.kind) else {
            return Err(Error::NoTokenSource {
                operation: operation.name,
                kind: token.kind,
            });
        };
        source
            .token()
            .await
            .map(Some)
            .map_err(|source| Error::TokenSource {
                operation: operation.name,
                source,
            })
    }

    /// Sends one request and reads its answer with `reader`.
    async fn send_once<E: ApiError, T: Reader<E>>(
        &self,
        operation: &Operation,
        attempt: &Attempt,
        redactor: &Redactor,
        query: &[(&'static str, String)],
        body: &Body,
        reader: &mut T,
    ) -> Result<T::Output, Error<E>> {
        let transport = &self.transport;
        let base = transport.routes.base_for(operation, attempt.to_backup);
        let url = format!("{base}{}", operation.path);
        let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(query.len() + 1);
        if let (Some(token), Some(value)) = (operation.token, &attempt.token) {
            pairs.push((token.query_param, value.expose_secret()));
        }
        pairs.extend(query.iter().map(|(name, value)| (*name, value.as_str())));
        tracing::debug!(url = %logged_url(&url, &pairs, operation), backup = attempt.to_backup, "sending");
        let mut request = match operation.method {
            HttpMethod::Get => transport.http.get(url),
            HttpMethod::Post => transport.http.post(url),
        };
        request = request.timeout(transport.timeout).query(&pairs);
        request = match body {
            Body::Empty => request,
            Body::Json(json) => request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(json.clone().unwrap_or_default()),
            Body::Multipart(parts) => {
                let form = Body::form(parts).await.map_err(|err| Error::Encode {
                    operation: operation.name,
                    reason: format!("cannot read a file to upload: {err}"),
                })?;
                request.multipart(form)
            }
        };
        let started = Instant::now();
        let response = request
            .send()
            .await
            .map_err(|err| Error::from_reqwest(operation.name, err, transport.timeout))?;
        tracing::debug!(
            status = response.status().as_u16(),
            declared_bytes = response.content_length(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "answered"
        );
        let cx = ReadCx {
            operation,
            transport,
            redactor,
        };
        reader.read(&cx, response).await
    }
}

fn should_retry<E: ApiError>(error: &Error<E>, policy: &RetryPolicy) -> bool {
    error.is_retryable() || (policy.retries_timeouts() && matches!(error, Error::Timeout { .. }))
}

/// A reader gave what its call did not ask for: a bug of the runtime, reported as an error
/// rather than a panic.
fn not_read<E: ApiError>(operation: &Operation) -> Error<E> {
    Error::Decode {
        operation: operation.name,
        reason: "the answer was read in a way this call does not expect".to_owned(),
        body_excerpt: String::new(),
    }
}
