//! The fixture's `files` group on the wire: answers that are files (kept or streamed), JSON or
//! a file, multipart uploads, maps, lenient scalars, query enums, defaults and constants, and
//! token kinds. Each test checks the bytes that travel and what comes back.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};
use workspace_tests::files::{
    Description, DownloadFileError, DownloadFileRequest, FetchFileRequest, FileFormat, FileSize,
    RenderValue, UploadFileRequest,
};
use workspace_tests::prelude::*;
use workspace_tests::{
    AccessToken, Client, Error, MediaOr, RetryPolicy, TokenKind, TokenSource, TokenSourceError,
    Upload,
};

const JPEG: &[u8] = b"\xff\xd8\xff\xe0 not really a jpeg \x00\x01\x02";

/// A source for each of the fixture's kinds, each with its own token.
fn client(server: &MockServer) -> Client {
    builder(server).build().unwrap()
}

fn builder(server: &MockServer) -> workspace_tests::ClientBuilder {
    Client::builder()
        .access_token("account-token")
        .token_source_for(
            TokenKind::COMPONENT_ACCESS_TOKEN,
            AccessToken::new("component-token"),
        )
        .token_source_for(TokenKind::SHOP_TOKEN, AccessToken::new("shop-token"))
        .base_url(server.uri())
        .retry(RetryPolicy::disabled())
}

fn download_request() -> DownloadFileRequest {
    let mut params = std::collections::BTreeMap::new();
    // Inserted out of order: the wire order is the map's, sorted.
    for key in ["thing2", "amount1"] {
        params.insert(
            key.to_owned(),
            RenderValue {
                value: format!("{key}-value"),
            },
        );
    }
    DownloadFileRequest::builder()
        .file_id("f-1")
        .params(params)
        .build()
}

/// The names and values of a request's query, in order.
fn query(request: &Request) -> Vec<(String, String)> {
    request.url.query_pairs().into_owned().collect()
}

#[tokio::test]
async fn a_file_answer_comes_back_with_its_type_and_name_and_the_request_is_exact() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/files/download"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-disposition", r#"attachment; filename="f-1.jpg""#)
                .set_body_raw(JPEG, "image/jpeg"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let media = client(&server)
        .download_file(download_request())
        .await
        .unwrap();
    assert_eq!(media.bytes, JPEG);
    assert_eq!(media.content_type.as_deref(), Some("image/jpeg"));
    assert_eq!(media.file_name.as_deref(), Some("f-1.jpg"));

    let sent = &server.received_requests().await.unwrap()[0];
    // The endpoint's kind in its parameter, and no token of another kind.
    assert_eq!(
        query(sent),
        [("shop_token".to_owned(), "shop-token".to_owned())]
    );
    // The map sorted by key, the constant after the fields.
    assert_eq!(
        String::from_utf8_lossy(&sent.body),
        r#"{"file_id":"f-1","params":{"amount1":{"value":"amount1-value"},"thing2":{"value":"thing2-value"}},"version":2}"#
    );
    assert_eq!(
        sent.headers.get("content-type").unwrap(),
        "application/json"
    );
}

#[tokio::test]
async fn a_json_error_is_an_error_whatever_content_type_the_gateway_gives_it() {
    for content_type in [
        "application/json",
        "text/plain",
        "application/json:UTF-8",
        "",
    ] {
        let server = MockServer::start().await;
        let body = br#" {"errcode": 40007, "errmsg": "invalid media_id rid: 1"}"#;
        let mut answer = ResponseTemplate::new(200).set_body_raw(body.as_slice(), content_type);
        if content_type.is_empty() {
            answer = ResponseTemplate::new(200).set_body_bytes(body.as_slice());
        }
        Mock::given(path("/files/download"))
            .respond_with(answer)
            .mount(&server)
            .await;
        let error = client(&server)
            .download_file(download_request())
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::Api(DownloadFileError::InvalidFileId { .. })),
            "{content_type:?}: {error:?}"
        );
    }
}

#[tokio::test]
async fn a_json_document_without_an_error_code_is_the_file() {
    let server = MockServer::start().await;
    let document = br#"{"a json file": true}"#;
    Mock::given(path("/files/download"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(document.as_slice(), "text/plain"))
        .mount(&server)
        .await;
    let media = client(&server)
        .download_file(download_request())
        .await
        .unwrap();
    assert_eq!(media.bytes, document);
}

#[tokio::test]
async fn a_file_past_the_documented_maximum_or_the_clients_is_refused() {
    let server = MockServer::start().await;
    // The spec documents 1 MiB.
    Mock::given(path("/files/download"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(vec![7u8; (1 << 20) + 1], "image/png"),
        )
        .mount(&server)
        .await;
    let error = client(&server)
        .download_file(download_request())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::BodyTooLarge {
                limit: 1_048_576,
                ..
            }
        ),
        "{error:?}"
    );
    // The client's own limit wins over the spec's.
    let small = builder(&server).max_media_bytes(10).build().unwrap();
    let error = small.download_file(download_request()).await.unwrap_err();
    assert!(
        matches!(error, Error::BodyTooLarge { limit: 10, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_file_streams_to_a_writer() {
    let server = MockServer::start().await;
    let file = vec![42u8; 300_000];
    Mock::given(path("/files/download"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "content-disposition",
                    "attachment; filename*=UTF-8''%E5%9B%BE.png",
                )
                .set_body_raw(file.clone(), "image/png"),
        )
        .mount(&server)
        .await;
    let mut written = Vec::new();
    let info = client(&server)
        .download_file_to_writer(download_request(), &mut written)
        .await
        .unwrap();
    assert_eq!(written, file);
    assert_eq!(info.len, 300_000);
    assert_eq!(info.file_name.as_deref(), Some("图.png"));
    assert_eq!(info.content_type.as_deref(), Some("image/png"));
}

/// A server that answers each connection with the start of a file and then stalls; counts
/// the connections.
async fn stalling_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut request = vec![0u8; 4096];
                let _ = stream.read(&mut request).await;
                let head =
                    "HTTP/1.1 200 OK\r\ncontent-type: image/jpeg\r\ncontent-length: 1000\r\n\r\n";
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&[1u8; 100]).await;
                tokio::time::sleep(Duration::from_secs(30)).await;
            });
        }
    });
    (address, connections)
}

#[tokio::test]
async fn a_streamed_call_is_not_sent_again_once_part_of_the_file_was_written() {
    let (address, connections) = stalling_server().await;
    let client = Client::builder()
        .token_source_for(TokenKind::SHOP_TOKEN, AccessToken::new("shop-token"))
        .base_url(address)
        .timeout(Duration::from_millis(300))
        // Timeouts are retried by this policy, but not once the writer holds part of the file.
        .retry(
            RetryPolicy::default()
                .retry_timeouts(true)
                .initial_backoff(Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    let mut written = Vec::new();
    let error = client
        .download_file_to_writer(download_request(), &mut written)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert_eq!(written, [1u8; 100]);
    assert_eq!(connections.load(Ordering::SeqCst), 1);

    // Kept in memory, nothing was handed over: the timeout is retried.
    let error = client.download_file(download_request()).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(connections.load(Ordering::SeqCst) > 2);
}

#[tokio::test]
async fn json_or_a_file_comes_back_as_either_with_lenient_scalars_and_query_enums() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/files/fetch"))
        .and(query_param("file_id", "video"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"video_url": "http://v/1.mp4", "country_code": 86, "expires_in": "7200", "ratio": "1.5"}"#,
            "text/plain",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/files/fetch"))
        .and(query_param("file_id", "image"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(JPEG, "image/jpeg"))
        .mount(&server)
        .await;
    let client = client(&server);
    let video = client
        .fetch_file(FetchFileRequest::builder().file_id("video").build())
        .await
        .unwrap();
    let MediaOr::Json(video) = video else {
        panic!("{video:?}")
    };
    assert_eq!(video.video_url, "http://v/1.mp4");
    assert_eq!(video.country_code.as_deref(), Some("86"));
    assert_eq!((video.expires_in, video.ratio), (7200, Some(1.5)));

    let image = client
        .fetch_file(
            FetchFileRequest::builder()
                .file_id("image")
                .size(FileSize::Small)
                .format(FileFormat::Png)
                .build(),
        )
        .await
        .unwrap();
    assert!(
        matches!(&image, MediaOr::Media(media) if media.bytes == JPEG),
        "{image:?}"
    );

    let sent = server.received_requests().await.unwrap();
    let pairs = |i: usize| query(&sent[i]);
    let owned = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    // The default size, the constant, no optional format; then the enums set.
    assert_eq!(
        pairs(0),
        owned(&[
            ("access_token", "account-token"),
            ("grant_type", "file_read"),
            ("file_id", "video"),
            ("size", "large"),
        ])
    );
    assert_eq!(
        pairs(1),
        owned(&[
            ("access_token", "account-token"),
            ("grant_type", "file_read"),
            ("file_id", "image"),
            ("size", "small"),
            ("format", "2"),
        ])
    );
    assert!(
        sent.iter().all(|r| r.body.is_empty()),
        "a GET sends no body"
    );
}

/// One part of a multipart body: its headers (lower-cased names) and its content.
#[derive(Debug, PartialEq)]
struct Part {
    headers: Vec<(String, String)>,
    content: Vec<u8>,
}

/// The parts of a `multipart/form-data` request, read from its bytes.
fn parts(request: &Request) -> Vec<Part> {
    let content_type = request
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap();
    let boundary = content_type
        .split("boundary=")
        .nth(1)
        .expect("a multipart content type names its boundary");
    let delimiter = format!("--{boundary}");
    let body = &request.body;
    let mut found = Vec::new();
    let positions: Vec<usize> = body
        .windows(delimiter.len())
        .enumerate()
        .filter(|(_, w)| *w == delimiter.as_bytes())
        .map(|(at, _)| at)
        .collect();
    for pair in positions.windows(2) {
        let part = &body[pair[0] + delimiter.len() + 2..pair[1] - 2];
        let split = part.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let headers = String::from_utf8_lossy(&part[..split])
            .split("\r\n")
            .map(|line| {
                let (name, value) = line.split_once(": ").unwrap();
                (name.to_ascii_lowercase(), value.to_owned())
            })
            .collect();
        found.push(Part {
            headers,
            content: part[split + 4..].to_vec(),
        });
    }
    // The closing delimiter ends the body.
    let end = format!("{delimiter}--\r\n");
    assert!(body.ends_with(end.as_bytes()), "the body ends with {end:?}");
    found
}

fn text_part(name: &str, content: &str) -> Part {
    Part {
        headers: vec![(
            "content-disposition".to_owned(),
            format!("form-data; name=\"{name}\""),
        )],
        content: content.as_bytes().to_vec(),
    }
}

fn file_part(name: &str, file_name: &str, content_type: &str, content: &[u8]) -> Part {
    Part {
        headers: vec![
            (
                "content-disposition".to_owned(),
                format!("form-data; name=\"{name}\"; filename=\"{file_name}\""),
            ),
            ("content-type".to_owned(), content_type.to_owned()),
        ],
        content: content.to_vec(),
    }
}

fn upload_request(media: Upload) -> UploadFileRequest {
    UploadFileRequest::builder()
        .r#type(FileSize::Small)
        .media(media)
        .title("A title")
        .description(Description {
            title: "Video".to_owned(),
            introduction: Some("about it".to_owned()),
        })
        .public(true)
        .signature("sig-2f8e9c1a7b")
        .build()
}

#[tokio::test]
async fn an_upload_sends_each_part_exactly_and_its_kind_of_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/files/upload"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"errcode":0,"errmsg":"ok","media_id":"M-1","tags":{"size":["s","m"],"color":[]}}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .upload_file(upload_request(Upload::from_bytes("photo.jpg", JPEG)))
        .await
        .unwrap();
    assert_eq!(response.media_id, "M-1");
    assert_eq!(response.tags["size"], ["s", "m"]);
    assert!(response.tags["color"].is_empty());

    let sent = &server.received_requests().await.unwrap()[0];
    // The platform's token, in the parameter the spec names for it (`access_token`).
    assert_eq!(
        query(sent),
        [
            ("access_token".to_owned(), "component-token".to_owned()),
            ("type".to_owned(), "small".to_owned()),
        ]
    );
    assert_eq!(
        parts(sent),
        [
            file_part("media", "photo.jpg", "image/jpeg", JPEG),
            text_part("title", "A title"),
            text_part(
                "description",
                r#"{"introduction":"about it","title":"Video"}"#
            ),
            text_part("public", "1"),
            text_part("signature", "sig-2f8e9c1a7b"),
            text_part("scene", "chat"),
        ]
    );
}

#[tokio::test]
async fn an_upload_from_a_path_is_read_again_for_each_attempt() {
    let dir = std::env::temp_dir().join(format!("fixture-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("voice.amr");
    std::fs::write(&file, b"#!AMR\n voice bytes").unwrap();
    let server = MockServer::start().await;
    // Busy first (retried), then a rejected token (refreshed), then success.
    for (errcode, times) in [(-1, 1), (40001, 1)] {
        Mock::given(path("/files/upload"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(
                format!(r#"{{"errcode":{errcode},"errmsg":"again"}}"#),
                "application/json",
            ))
            .up_to_n_times(times)
            .with_priority(if errcode == -1 { 1 } else { 2 })
            .mount(&server)
            .await;
    }
    Mock::given(path("/files/upload"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"errcode":0,"media_id":"M-2"}"#, "application/json"),
        )
        .with_priority(3)
        .mount(&server)
        .await;
    let refreshing = Refreshing::default();
    let client = builder(&server)
        .token_source_for(TokenKind::COMPONENT_ACCESS_TOKEN, refreshing.clone())
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();
    let response = client
        .upload_file(upload_request(Upload::from_path(&file)))
        .await
        .unwrap();
    assert_eq!(response.media_id, "M-2");
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 3);
    for request in &sent {
        assert_eq!(
            parts(request)[0],
            file_part("media", "voice.amr", "audio/amr", b"#!AMR\n voice bytes")
        );
    }
    // The rejection was about the platform's token: its source was told, and the resend
    // carried its next token.
    assert_eq!(*refreshing.invalidated.lock().unwrap(), ["component-1"]);
    assert_eq!(query(&sent[2])[0].1, "component-2");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Hands out `component-1`, then `component-2` once told the first was rejected.
#[derive(Clone, Default)]
struct Refreshing {
    invalidated: Arc<Mutex<Vec<String>>>,
}

impl TokenSource for Refreshing {
    async fn token(&self) -> Result<AccessToken, TokenSourceError> {
        let rejected = self.invalidated.lock().unwrap().len();
        Ok(AccessToken::new(format!("component-{}", rejected + 1)))
    }

    async fn invalidate(&self, rejected: &AccessToken) {
        self.invalidated
            .lock()
            .unwrap()
            .push(rejected.expose_secret().to_owned());
    }
}

#[tokio::test]
async fn an_endpoint_whose_kind_has_no_source_fails_before_sending() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .access_token("account-token")
        .base_url(server.uri())
        .build()
        .unwrap();
    let error = client
        .upload_file(upload_request(Upload::from_bytes("a.jpg", JPEG)))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::NoTokenSource { operation: "upload", kind } if kind == TokenKind::COMPONENT_ACCESS_TOKEN),
        "{error:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_secret_part_echoed_by_the_server_never_shows() {
    let server = MockServer::start().await;
    Mock::given(path("/files/upload"))
        .respond_with(
            ResponseTemplate::new(502).set_body_string("bad gateway for signature=sig-2f8e9c1a7b"),
        )
        .mount(&server)
        .await;
    let error = client(&server)
        .upload_file(upload_request(Upload::from_bytes("a.jpg", JPEG)))
        .await
        .unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("signature=<redacted>"), "{shown}");
    assert!(!shown.contains("sig-2f8e"), "{shown}");
}
