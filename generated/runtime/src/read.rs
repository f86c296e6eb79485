//! Reading one answer, once the request is sent: a JSON object, or a file (into memory or a
//! writer). The call loop (`call.rs`) sends; a [`Reader`] reads what came back.

use super::answer::{read_answer, status_error};
use super::client::Transport;
use super::de::Object;
use super::media::{Headers, Media, MediaInfo};
use super::redact::Redactor;
use super::{ApiError, DEFAULT_MAX_MEDIA_BYTES, Error, MediaSink, Operation};
use bytes::Bytes;
use serde::de::IgnoredAny;
use std::future::Future;
use std::marker::PhantomData;
use tokio::io::AsyncWriteExt;

/// What a reader needs besides the response.
pub(crate) struct ReadCx<'a> {
    pub operation: &'a Operation,
    pub transport: &'a Transport,
    pub redactor: &'a Redactor,
}

/// Reads one answer into the call's result.
pub(crate) trait Reader<E: ApiError>: Send {
    type Output: Send;

    fn read<'a>(
        &'a mut self,
        cx: &'a ReadCx<'a>,
        response: reqwest::Response,
    ) -> impl Future<Output = Result<Self::Output, Error<E>>> + Send + 'a;

    /// Whether a failed attempt may be sent again: not once part of a file went to a writer.
    fn may_send_again(&self) -> bool {
        true
    }
}

/// An endpoint's JSON answer.
pub(crate) struct JsonReader<R>(PhantomData<fn() -> R>);

impl<R> JsonReader<R> {
    pub fn new() -> Self {
        Self(PhantomData)
    }
}

impl<R: Object + Send, E: ApiError> Reader<E> for JsonReader<R> {
    type Output = R;

    async fn read(&mut self, cx: &ReadCx<'_>, response: reqwest::Response) -> Result<R, Error<E>> {
        let status = response.status().as_u16();
        let limit = cx.transport.max_response_bytes;
        let body = collect(cx, response, Bytes::new(), limit as u64).await?;
        read_answer(cx.operation, status, &body, cx.redactor, limit)
    }
}

/// What a media answer turned out to be.
pub(crate) enum Got<R> {
    Json(R),
    Media(Media),
    Written(MediaInfo),
}

/// An answer that is a file (or, when `json` is set, may be the JSON object `R`), kept in
/// memory or written to a writer.
pub(crate) struct MediaReader<'w, R, W: ?Sized> {
    json: bool,
    writer: Option<&'w mut W>,
    wrote: bool,
    _json: PhantomData<fn() -> R>,
}

impl<'w, R, W: MediaSink + ?Sized> MediaReader<'w, R, W> {
    /// `json`: a successful answer may be the JSON object; `writer`: where the file goes
    /// instead of memory.
    pub fn new(json: bool, writer: Option<&'w mut W>) -> Self {
        Self {
            json,
            writer,
            wrote: false,
            _json: PhantomData,
        }
    }
}

impl<R: Object + Send, E: ApiError, W: MediaSink + ?Sized> Reader<E> for MediaReader<'_, R, W> {
    type Output = Got<R>;

    async fn read(
        &mut self,
        cx: &ReadCx<'_>,
        mut response: reqwest::Response,
    ) -> Result<Got<R>, Error<E>> {
        let status = response.status().as_u16();
        let json_limit = cx.transport.max_response_bytes;
        if !(200..300).contains(&status) {
            let body = collect(cx, response, Bytes::new(), json_limit as u64).await?;
            return Err(status_error(cx.operation, status, &body, cx.redactor));
        }
        let limit = cx
            .transport
            .max_media_bytes
            .or(cx.operation.max_media_bytes)
            .unwrap_or(DEFAULT_MAX_MEDIA_BYTES);
        if response
            .content_length()
            .is_some_and(|length| length > limit)
        {
            return Err(too_large(cx, limit));
        }
        let headers = Headers::of(&response);
        let first = next_chunk(cx, &mut response).await?.unwrap_or_default();
        if headers.is_json(&first) {
            let body = collect(cx, response, first, json_limit as u64).await?;
            if serde_json::from_slice::<IgnoredAny>(&body).is_ok() {
                if self.json {
                    let answer =
                        read_answer::<R, E>(cx.operation, status, &body, cx.redactor, json_limit);
                    return answer.map(Got::Json);
                }
                // An error envelope; or, without a code, a file that happens to be JSON.
                read_answer::<NoJson, E>(cx.operation, status, &body, cx.redactor, json_limit)?;
            }
            return self.deliver(cx, headers, body).await;
        }
        match self.writer.take() {
            None => {
                let body = collect(cx, response, first, limit).await?;
                Ok(Got::Media(headers.media(body)))
            }
            Some(writer) => {
                let written = self.stream(cx, writer, response, first, limit).await;
                written.map(|len| Got::Written(headers.info(len)))
            }
        }
    }

    fn may_send_again(&self) -> bool {
        !self.wrote
    }
}

impl<R, W: MediaSink + ?Sized> MediaReader<'_, R, W> {
    /// A file already read whole: kept, or written.
    async fn deliver<E: ApiError>(
        &mut self,
        cx: &ReadCx<'_>,
        headers: Headers,
        body: Vec<u8>,
    ) -> Result<Got<R>, Error<E>> {
        match self.writer.take() {
            None => Ok(Got::Media(headers.media(body))),
            Some(writer) => {
                self.wrote = true;
                write(cx, writer, &body).await?;
                writer
                    .flush()
                    .await
                    .map_err(|source| write_error(cx, source))?;
                Ok(Got::Written(headers.info(body.len() as u64)))
            }
        }
    }

    /// Writes the file as it arrives, at most `limit` bytes of it; returns its length.
    async fn stream<E: ApiError>(
        &mut self,
        cx: &ReadCx<'_>,
        writer: &mut W,
        mut response: reqwest::Response,
        first: Bytes,
        limit: u64,
    ) -> Result<u64, Error<E>> {
        let mut written = 0u64;
        let mut chunk = Some(first);
        while let Some(bytes) = chunk {
            written += bytes.len() as u64;
            if written > limit {
                return Err(too_large(cx, limit));
            }
            if !bytes.is_empty() {
                self.wrote = true;
                write(cx, writer, &bytes).await?;
            }
            chunk = next_chunk(cx, &mut response).await?;
        }
        writer
            .flush()
            .await
            .map_err(|source| write_error(cx, source))?;
        Ok(written)
    }
}

async fn write<E: ApiError, W: MediaSink + ?Sized>(
    cx: &ReadCx<'_>,
    writer: &mut W,
    bytes: &[u8],
) -> Result<(), Error<E>> {
    writer
        .write_all(bytes)
        .await
        .map_err(|source| write_error(cx, source))
}

fn write_error<E: ApiError>(cx: &ReadCx<'_>, source: std::io::Error) -> Error<E> {
    Error::MediaWrite {
        operation: cx.operation.name,
        source,
    }
}

fn too_large<E: ApiError>(cx: &ReadCx<'_>, limit: u64) -> Error<E> {
    Error::BodyTooLarge {
        operation: cx.operation.name,
        limit: usize::try_from(limit).unwrap_or(usize::MAX),
    }
}

async fn next_chunk<E: ApiError>(
    cx: &ReadCx<'_>,
    response: &mut reqwest::Response,
) -> Result<Option<Bytes>, Error<E>> {
    response
        .chunk()
        .await
        .map_err(|err| Error::from_reqwest(cx.operation.name, err, cx.transport.timeout))
}

/// Reads the body after `first`, stopping as soon as it is longer than `limit`: a declared
/// length over the limit is refused before reading. A declared length is reserved once; a body
/// without one grows by doubling, but never past the limit, so the buffer holds at most it.
async fn collect<E: ApiError>(
    cx: &ReadCx<'_>,
    mut response: reqwest::Response,
    first: Bytes,
    limit: u64,
) -> Result<Vec<u8>, Error<E>> {
    if response
        .content_length()
        .is_some_and(|length| length > limit)
    {
        return Err(too_large(cx, limit));
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let declared = response
        .content_length()
        .map_or(0, |length| length as usize);
    let mut body = Vec::with_capacity(declared.max(first.len()));
    let mut chunk = Some(first);
    while let Some(bytes) = chunk {
        let needed = body.len() + bytes.len();
        if needed > limit {
            return Err(too_large(cx, limit as u64));
        }
        if needed > body.capacity() {
            let grown = needed.max(body.capacity().saturating_mul(2)).min(limit);
            body.reserve_exact(grown - body.len());
        }
        body.extend_from_slice(&bytes);
        chunk = next_chunk(cx, &mut response).await?;
    }
    Ok(body)
}

/// The JSON answer of an endpoint whose success is only bytes: read for its envelope alone.
pub(crate) struct NoJson;

impl Object for NoJson {
    const NAME: &'static str = "NoJson";
    const FIELDS: &'static [&'static str] = &[];
    type Slots = ();

    fn slots() -> Self::Slots {}

    fn read<'de, A: serde::de::MapAccess<'de>>(
        _slots: &mut Self::Slots,
        _index: usize,
        _map: &mut A,
    ) -> Result<(), A::Error> {
        Ok(())
    }

    fn finish<E: serde::de::Error>(_slots: Self::Slots) -> Result<Self, E> {
        Ok(Self)
    }
}
