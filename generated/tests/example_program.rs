//! Runs the examples as a user would, against a server on loopback: `linked_mini_programs`, and
//! `media` (a streamed download and an upload from a path).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::json;
use std::path::PathBuf;
use std::process::{Command, Output};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[path = "../../tests/tests/example_binary/mod.rs"]
mod example_binary;

use example_binary::example_binary;

const EXAMPLE: &str = "linked_mini_programs";
/// The corrected official example response, shared with the cross-crate tests.
const DOC_EXAMPLE: &str =
    include_str!("../../tests/tests/data/wxamplinkget.doc-example.response.json");

fn run(base_url: &str, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(example_binary(EXAMPLE));
    command
        .args(["--base-url", base_url])
        .env_remove("WECHAT_ACCESS_TOKEN")
        .env_remove("WECHAT_APPID")
        .env_remove("WECHAT_APP_SECRET");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn it_prints_the_linked_mini_programs_as_a_table() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/wxopen/wxamplinkget"))
        .and(query_param("access_token", "example-token"))
        .respond_with(ResponseTemplate::new(200).set_body_string(DOC_EXAMPLE))
        .expect(1)
        .mount(&server)
        .await;

    let output = run(&server.uri(), &[("WECHAT_ACCESS_TOKEN", "example-token")]);

    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let cells: Vec<Vec<&str>> = lines
        .iter()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        cells[0],
        ["STATUS", "USERNAME", "NICKNAME", "RELEASED"],
        "{stdout}"
    );
    assert_eq!(
        cells[1],
        ["Linked", "gh_xxxxxxxxx", "aaaaaaa", "yes"],
        "{stdout}"
    );
    assert_eq!(
        cells[2],
        ["RefusedByMiniProgramAdmin", "gh_xxxxxxxxxx", "bbbbbbb", "-"],
        "{stdout}"
    );
    assert_eq!(
        lines[3], "2 Mini Programs (linked, pending or refused)",
        "{stdout}"
    );
    // Columns line up: every row's second cell starts where the header's does.
    let column = lines[0].find("USERNAME").unwrap();
    assert_eq!(lines[1].find("gh_"), Some(column), "{stdout}");
    assert_eq!(lines[2].find("gh_"), Some(column), "{stdout}");
}

#[tokio::test]
async fn it_gets_a_token_from_the_app_credentials() {
    let server = MockServer::start().await;
    Mock::given(path("/cgi-bin/stable_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "from-stable-token", "expires_in": 7200})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/cgi-bin/wxopen/wxamplinkget"))
        .and(query_param("access_token", "from-stable-token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 0, "wxopens": {"items": [{"status": 4}]}})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let output = run(
        &server.uri(),
        &[
            ("WECHAT_APPID", "wx-appid"),
            ("WECHAT_APP_SECRET", "app-secret"),
        ],
    );

    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("Unknown(4)  -"),
        "{}",
        text(&output.stdout)
    );
}

#[tokio::test]
async fn an_error_goes_to_stderr_with_status_1() {
    let server = MockServer::start().await;
    Mock::given(path("/cgi-bin/wxopen/wxamplinkget"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 48001, "errmsg": "api unauthorized"})),
        )
        .mount(&server)
        .await;

    let output = run(&server.uri(), &[("WECHAT_ACCESS_TOKEN", "example-token")]);

    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with("error: WeChat API error: errcode 48001: api unauthorized"),
        "{stderr}"
    );
    assert!(!stderr.contains("example-token"), "{stderr}");
}

#[test]
fn without_credentials_it_prints_its_usage() {
    let output = run("http://127.0.0.1:9", &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("usage: linked_mini_programs"),
        "{}",
        text(&output.stderr)
    );
}

fn run_media(base_url: &str, args: &[&str]) -> Output {
    Command::new(example_binary("media"))
        .args(["--base-url", base_url])
        .args(args)
        .env("WECHAT_ACCESS_TOKEN", "example-token")
        .output()
        .unwrap()
}

#[tokio::test]
async fn the_media_example_streams_a_code_to_a_file_and_uploads_an_image() {
    let server = MockServer::start().await;
    let image = vec![0xffu8; 70_000];
    Mock::given(method("POST"))
        .and(path("/wxa/getwxacode"))
        .and(query_param("access_token", "example-token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(image.clone(), "image/jpeg"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/media/uploadimg"))
        .and(query_param("access_token", "example-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"url": "http://mmbiz.qpic.cn/uploaded", "errcode": 0, "errmsg": "ok"}),
        ))
        .mount(&server)
        .await;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("example-media");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("code.jpg");

    let downloaded = run_media(
        &server.uri(),
        &["code", "pages/index/index", out.to_str().unwrap()],
    );
    assert!(downloaded.status.success(), "{}", text(&downloaded.stderr));
    assert_eq!(std::fs::read(&out).unwrap(), image);
    assert!(text(&downloaded.stdout).contains("wrote 70000 bytes (image/jpeg)"));
    let sent = &server.received_requests().await.unwrap()[0];
    let body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body["path"], "pages/index/index");

    let cover = dir.join("cover.png");
    std::fs::write(&cover, b"\x89PNG not really").unwrap();
    let uploaded = run_media(&server.uri(), &["upload-image", cover.to_str().unwrap()]);
    assert!(uploaded.status.success(), "{}", text(&uploaded.stderr));
    assert_eq!(text(&uploaded.stdout), "http://mmbiz.qpic.cn/uploaded\n");
    let upload = &server.received_requests().await.unwrap()[1];
    let body = String::from_utf8_lossy(&upload.body);
    assert!(
        body.contains("name=\"media\"; filename=\"cover.png\""),
        "{body}"
    );
    assert!(body.contains("Content-Type: image/png"), "{body}");
}

#[tokio::test]
async fn the_media_example_leaves_no_file_behind_when_the_code_fails() {
    let server = MockServer::start().await;
    Mock::given(path("/wxa/getwxacode"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 45029, "errmsg": "qrcode count out of limit"})),
        )
        .mount(&server)
        .await;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("example-media-error");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("code.jpg");
    let failed = run_media(
        &server.uri(),
        &["code", "pages/index/index", out.to_str().unwrap()],
    );
    assert!(!failed.status.success());
    assert!(
        text(&failed.stderr).contains("45029"),
        "{}",
        text(&failed.stderr)
    );
    assert!(!out.exists());
}
