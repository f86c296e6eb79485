//! Lists the Mini Programs linked to an Official Account, as a table.
//!
//! ```text
//! WECHAT_ACCESS_TOKEN=… cargo run -p wechat-api-client --example linked_mini_programs
//! WECHAT_APPID=wx… WECHAT_APP_SECRET=… cargo run -p wechat-api-client --example linked_mini_programs -- --base-url https://api2.weixin.qq.com
//! ```
//!
//! The token comes from `WECHAT_ACCESS_TOKEN` when it is set (an account's `access_token`, or a
//! platform's `authorizer_access_token`); otherwise from `stable_token` with `WECHAT_APPID` and
//! `WECHAT_APP_SECRET`. `--base-url` replaces the official domain (a regional domain, a proxy, a
//! test server). Errors go to stderr with exit status 1.

use std::process::ExitCode;
use wechat_api_client::prelude::*;
use wechat_api_client::wxopen::LinkedMiniProgram;
use wechat_api_client::{Client, domain};

const USAGE: &str = "usage: linked_mini_programs [--base-url URL]
environment: WECHAT_ACCESS_TOKEN, or WECHAT_APPID and WECHAT_APP_SECRET";

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
    let base_url = base_url_from_args(std::env::args().skip(1))?;
    let builder = Client::builder().base_url(base_url);
    let builder = match std::env::var("WECHAT_ACCESS_TOKEN") {
        Ok(token) => builder.access_token(token),
        Err(_) => {
            let appid = std::env::var("WECHAT_APPID").map_err(|_| USAGE.to_owned())?;
            let secret = std::env::var("WECHAT_APP_SECRET").map_err(|_| USAGE.to_owned())?;
            builder.app_credentials(appid, secret)
        }
    };
    let client = builder.build().map_err(|err| err.to_string())?;
    let linked = client
        .get_linked_mini_programs()
        .await
        .map_err(|err| err.to_string())?;
    print!("{}", table(&linked.wxopens.items));
    Ok(())
}

fn base_url_from_args(mut args: impl Iterator<Item = String>) -> Result<String, String> {
    let mut base_url = domain::GENERAL.to_owned();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--base-url" => base_url = args.next().ok_or(USAGE)?,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unexpected argument `{other}`\n{USAGE}")),
        }
    }
    Ok(base_url)
}

/// One row per Mini Program, columns padded to their widest cell.
fn table(items: &[LinkedMiniProgram]) -> String {
    let yes_no = |flag: Option<bool>| match flag {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    };
    let mut rows = vec![["STATUS", "USERNAME", "NICKNAME", "RELEASED"].map(str::to_owned)];
    for item in items {
        rows.push([
            format!("{:?}", item.status),
            item.username.clone().unwrap_or_else(|| "-".to_owned()),
            item.nickname.clone().unwrap_or_else(|| "-".to_owned()),
            yes_no(item.released).to_owned(),
        ]);
    }
    let widths: Vec<usize> = (0..4)
        .map(|column| {
            rows.iter()
                .map(|row| row[column].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out.push_str(&format!(
        "{} Mini Programs (linked, pending or refused)\n",
        items.len()
    ));
    out
}
