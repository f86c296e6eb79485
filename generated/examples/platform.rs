//! A third-party platform that lists the Mini Programs linked to each Official Account that
//! authorized it: every authorizer in its token store, each called with its own
//! `authorizer_access_token` (fetched from its refresh token, once, and shared through the store).
//!
//! ```text
//! WECHAT_COMPONENT_APPID=wx… WECHAT_COMPONENT_SECRET=… cargo run -p wechat-api-client --features platform,redis --example platform
//! … --example platform -- --store tokens.redb            # the embedded store (the default file)
//! … --example platform -- --redis redis://127.0.0.1/      # the store many instances share
//! … --example platform -- --recover                       # first restore the refresh tokens from WeChat
//! ```
//!
//! The `component_verify_ticket` must be in the store: the platform's push handler
//! (`Platform::handle_push`) puts it there every 10 minutes. `--base-url` replaces the official
//! domain. Errors go to stderr with exit status 1; an account that fails is reported and the
//! others go on.

use std::process::ExitCode;
use wechat_api_client::platform::{Platform, PlatformBuilder, RedisStore};
use wechat_api_client::prelude::*;
use wechat_api_client::wxopen::LinkStatus;
use wechat_api_client::{Client, domain};

const USAGE: &str = "usage: platform [--base-url URL] [--store FILE | --redis URL] [--recover]
environment: WECHAT_COMPONENT_APPID, WECHAT_COMPONENT_SECRET";

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

struct Options {
    base_url: String,
    store: Option<String>,
    redis: Option<String>,
    recover: bool,
}

fn options(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        base_url: domain::GENERAL.to_owned(),
        store: None,
        redis: None,
        recover: false,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--base-url" => options.base_url = args.next().ok_or(USAGE)?,
            "--store" => options.store = Some(args.next().ok_or(USAGE)?),
            "--redis" => options.redis = Some(args.next().ok_or(USAGE)?),
            "--recover" => options.recover = true,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unexpected argument `{other}`\n{USAGE}")),
        }
    }
    Ok(options)
}

/// Whether every authorizer was listed.
async fn run() -> Result<bool, String> {
    let options = options(std::env::args().skip(1))?;
    let appid = std::env::var("WECHAT_COMPONENT_APPID").map_err(|_| USAGE.to_owned())?;
    let secret = std::env::var("WECHAT_COMPONENT_SECRET").map_err(|_| USAGE.to_owned())?;
    let mut builder: PlatformBuilder =
        Platform::builder(appid, secret).client(Client::builder().base_url(options.base_url));
    if let Some(url) = &options.redis {
        builder = builder.store(
            RedisStore::connect(url)
                .await
                .map_err(|err| err.to_string())?,
        );
    } else if let Some(path) = &options.store {
        builder = builder.store_path(path);
    }
    let platform = builder.build().map_err(|err| err.to_string())?;
    if options.recover {
        let restored = platform
            .recover_refresh_tokens()
            .await
            .map_err(|err| err.to_string())?;
        eprintln!("restored {restored} refresh tokens");
    }
    let authorizers = platform
        .authorizers()
        .await
        .map_err(|err| err.to_string())?;
    let mut all_listed = true;
    for appid in &authorizers {
        match platform
            .authorizer(appid.as_str())
            .get_linked_mini_programs()
            .await
        {
            Ok(linked) => {
                println!("{appid}");
                for item in &linked.wxopens.items {
                    let status = match item.status {
                        LinkStatus::Linked => "linked".to_owned(),
                        other => format!("{other:?}"),
                    };
                    println!(
                        "  {}  {}  {status}",
                        item.username.as_deref().unwrap_or("-"),
                        item.nickname.as_deref().unwrap_or("-"),
                    );
                }
            }
            Err(error) => {
                all_listed = false;
                eprintln!("{appid}: {error}");
            }
        }
    }
    println!("{} authorizers", authorizers.len());
    Ok(all_listed)
}
