//! The `platform` example run as separate processes, as a platform's instances run: on the
//! embedded file store alone, on one real Redis shared by several at once (each token fetched
//! once, whoever asks), and with an instance killed while it holds a refresh lease (another
//! takes over when the lease lapses, and no refresh token is lost).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod example_binary;
mod redis_server;
mod tempdir;
mod wechat_stand_in;

use example_binary::example_binary;
use redis_server::RedisServer;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use wechat_api_client::platform::store::{FileStore, RedisStore, Stored, TokenStore};
use wechat_api_client::platform::{LeaseSettings, Platform};
use wechat_api_client::prelude::*;
use wechat_api_client::{Client, RetryPolicy};
use wechat_stand_in::{APPID, AUTHORIZER_TOKEN, COMPONENT_TOKEN, WeChat, requests_to};

fn example(wechat: &WeChat, store_args: &[&str]) -> Command {
    let mut command = Command::new(example_binary("platform"));
    command
        .args(["--base-url", &wechat.server.uri()])
        .args(store_args)
        .env("WECHAT_COMPONENT_APPID", APPID)
        .env("WECHAT_COMPONENT_SECRET", "secret");
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Seeds a store with the ticket and each account's refresh token, as WeChat has them.
async fn seed(store: &impl TokenStore, wechat: &WeChat, appids: &[String]) {
    let ticket = Stored::expiring("ticket-1", Duration::from_secs(3600));
    store
        .put(&format!("wechat:{APPID}:ticket"), &ticket)
        .await
        .unwrap();
    for appid in appids {
        let refresh = format!("rt-{appid}-0");
        wechat.authorize(appid, &refresh);
        let key = format!("wechat:{APPID}:authorizer:{appid}:refresh_token");
        store.put(&key, &Stored::lasting(refresh)).await.unwrap();
    }
}

fn appids(count: usize) -> Vec<String> {
    (0..count).map(|n| format!("wx_account_{n:03}")).collect()
}

#[tokio::test]
async fn the_example_lists_every_authorizer_of_its_file_store() {
    let wechat = WeChat::start().await;
    let dir = tempdir::Dir::new("example-file");
    let file = dir.path().join("tokens.redb");
    let accounts = appids(3);
    {
        let store = FileStore::open(&file).unwrap();
        seed(&store, &wechat, &accounts).await;
    }
    let output: Output = example(&wechat, &["--store", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    for appid in &accounts {
        assert!(stdout.contains(appid.as_str()), "{stdout}");
    }
    assert!(stdout.ends_with("3 authorizers\n"), "{stdout}");
    assert_eq!(requests_to(&wechat.server, AUTHORIZER_TOKEN).await.len(), 3);
    assert_eq!(wechat.linked_tokens().await.len(), 3);
}

#[tokio::test]
async fn instances_sharing_redis_fetch_each_token_once() {
    let redis = RedisServer::start();
    let wechat = WeChat::start().await;
    let accounts = appids(30);
    let store = RedisStore::connect(&redis.url()).await.unwrap();
    seed(&store, &wechat, &accounts).await;

    // Three instances at once, each calling for every account.
    let instances: Vec<Child> = (0..3)
        .map(|_| {
            example(&wechat, &["--redis", &redis.url()])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for instance in instances {
        let output = instance.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", text(&output.stderr));
        assert!(text(&output.stdout).ends_with("30 authorizers\n"));
    }

    assert_eq!(requests_to(&wechat.server, COMPONENT_TOKEN).await.len(), 1);
    assert_eq!(
        requests_to(&wechat.server, AUTHORIZER_TOKEN).await.len(),
        30
    );
    assert_eq!(wechat.linked_tokens().await.len(), 90);
    // Each account's rotated refresh token is in Redis.
    for appid in &accounts {
        let key = format!("wechat:{APPID}:authorizer:{appid}:refresh_token");
        let stored = store.get(&key).await.unwrap().unwrap();
        assert_eq!(stored.value.expose_secret(), format!("rt-{appid}-1"));
    }
}

#[tokio::test]
async fn an_instance_killed_holding_the_refresh_lease_loses_nothing() {
    let redis = RedisServer::start();
    let wechat = WeChat::start().await;
    let accounts = vec!["wx_a".to_owned()];
    let store = RedisStore::connect(&redis.url()).await.unwrap();
    seed(&store, &wechat, &accounts).await;
    // WeChat takes the first refresh (and rotates the refresh token) but answers only after a
    // minute: the instance that sent it holds the lease, waiting.
    *wechat.hold_next_refresh.lock().unwrap() = Some(Duration::from_secs(60));
    let mut doomed = example(&wechat, &["--redis", &redis.url()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while requests_to(&wechat.server, AUTHORIZER_TOKEN)
        .await
        .is_empty()
    {
        assert!(
            Instant::now() < deadline,
            "the first instance never asked for the token"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    doomed.kill().unwrap();
    doomed.wait().unwrap();
    let killed_at = Instant::now();

    // Another instance, with the default lease settings the dead one took the lease with.
    let survivor = Platform::builder(APPID, "secret")
        .store(RedisStore::connect(&redis.url()).await.unwrap())
        .lease(LeaseSettings::default())
        .client(
            Client::builder()
                .base_url(wechat.server.uri())
                .retry(RetryPolicy::disabled()),
        )
        .build()
        .unwrap();
    survivor
        .authorizer("wx_a")
        .get_linked_mini_programs()
        .await
        .unwrap();
    let took = killed_at.elapsed();
    eprintln!("the survivor refreshed {took:?} after the kill");

    // It waited for the dead instance's lease, at most its ttl, then refreshed.
    assert!(
        took <= LeaseSettings::default().ttl + Duration::from_secs(2),
        "took {took:?}"
    );
    // The dead instance's refresh rotated WeChat's refresh token and died before storing it:
    // the survivor found the stored one invalid, recovered the current one from the
    // authorizer list, and stored its successor. Nothing was lost.
    let key = format!("wechat:{APPID}:authorizer:wx_a:refresh_token");
    let stored = store.get(&key).await.unwrap().unwrap();
    let on_wechat = wechat.refresh_tokens.lock().unwrap()["wx_a"].clone();
    assert_eq!(stored.value.expose_secret(), on_wechat);
    assert_eq!(wechat.linked_tokens().await, ["at-wx_a-2"]);
}
