//! A Mini Program code downloaded to a file as it arrives, and an image uploaded for an article.
//!
//! ```text
//! WECHAT_ACCESS_TOKEN=… cargo run -p wechat-api-client --example media -- code pages/index/index code.jpg
//! WECHAT_ACCESS_TOKEN=… cargo run -p wechat-api-client --example media -- upload-image cover.png
//! ```
//!
//! `code` writes the image of a Mini Program code for the page to the file, streamed (it is never
//! held whole in memory), and prints its type and size. `upload-image` uploads the image (read
//! from disk as it is sent) and prints the URL to use in an article. The token comes from
//! `WECHAT_ACCESS_TOKEN` (an account's `access_token`, or a platform's `authorizer_access_token`);
//! `--base-url` replaces the official domain. Errors go to stderr with exit status 1.

use std::process::ExitCode;
use wechat_api_client::material::UploadArticleImageRequest;
use wechat_api_client::prelude::*;
use wechat_api_client::wxacode::GetMiniProgramCodeRequest;
use wechat_api_client::{Client, Upload, domain};

const USAGE: &str = "usage: media [--base-url URL] code PAGE OUT_FILE
       media [--base-url URL] upload-image FILE
environment: WECHAT_ACCESS_TOKEN";

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut base_url = domain::GENERAL.to_owned();
    if let Some(at) = args.iter().position(|arg| arg == "--base-url") {
        args.remove(at);
        if at >= args.len() {
            return Err(USAGE.to_owned());
        }
        base_url = args.remove(at);
    }
    let token = std::env::var("WECHAT_ACCESS_TOKEN").map_err(|_| USAGE.to_owned())?;
    let client = Client::builder()
        .access_token(token)
        .base_url(base_url)
        .build()
        .map_err(|err| err.to_string())?;
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["code", page, out] => code(&client, page, out).await,
        ["upload-image", file] => upload_image(&client, file).await,
        _ => Err(USAGE.to_owned()),
    }
}

async fn code(client: &Client, page: &str, out: &str) -> Result<(), String> {
    let mut file = tokio::fs::File::create(out)
        .await
        .map_err(|err| format!("cannot create {out}: {err}"))?;
    let request = GetMiniProgramCodeRequest::builder().path(page).build();
    let written = client
        .get_mini_program_code_to_writer(request, &mut file)
        .await;
    match written {
        Ok(info) => {
            let kind = info.content_type.as_deref().unwrap_or("an image");
            println!("wrote {} bytes ({kind}) to {out}", info.len);
            Ok(())
        }
        Err(err) => {
            // Nothing usable was written: do not leave a broken image behind.
            let _ = tokio::fs::remove_file(out).await;
            Err(err.to_string())
        }
    }
}

async fn upload_image(client: &Client, file: &str) -> Result<(), String> {
    let request = UploadArticleImageRequest::builder()
        .media(Upload::from_path(file))
        .build();
    let uploaded = client
        .upload_article_image(request)
        .await
        .map_err(|err| err.to_string())?;
    println!("{}", uploaded.url);
    Ok(())
}
