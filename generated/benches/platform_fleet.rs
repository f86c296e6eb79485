//! A platform's fleet under load: several instance processes share one real Redis and 1,000
//! authorizers, and call wxamplinkget for random authorizers from many tasks each. Reports calls
//! per second and how many token fetches WeChat saw (the target: one per authorizer per expiry
//! window, and one component token).
//!
//! `cargo bench -p wechat-api-client --features platform,redis --bench platform_fleet`
//! (needs `redis-server` on PATH; `PLATFORM_FLEET="instances tasks seconds authorizers"` changes
//! the defaults, 4 64 10 1000). WeChat is a hyper server in this process that counts what it
//! sees; the instances are this binary again, in worker mode.

// A bench panics on what it cannot set up: that is a failed run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wechat_api_client::platform::Platform;
use wechat_api_client::platform::store::{RedisStore, Stored, TokenStore};
use wechat_api_client::prelude::*;
use wechat_api_client::{Client, RetryPolicy};

#[path = "../../tests/tests/redis_server/mod.rs"]
mod redis_server;
#[path = "../../tests/tests/tempdir/mod.rs"]
mod tempdir;

const APPID: &str = "wx_fleet_platform";

fn main() {
    if let Ok(config) = std::env::var("PLATFORM_FLEET_WORKER") {
        worker(&config);
    } else {
        lead();
    }
}

/// What WeChat saw.
#[derive(Default)]
struct Seen {
    component_tokens: AtomicU64,
    linked: AtomicU64,
    /// Authorizer token fetches, by authorizer.
    authorizer_tokens: Mutex<HashMap<String, u64>>,
}

async fn answer(seen: Arc<Seen>, request: Request<hyper::body::Incoming>) -> Response<Full<Bytes>> {
    let path = request.uri().path().to_owned();
    let body = request
        .into_body()
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .unwrap_or_default();
    let json = match path.as_str() {
        "/cgi-bin/component/api_component_token" => {
            seen.component_tokens.fetch_add(1, Ordering::Relaxed);
            r#"{"component_access_token":"ct","expires_in":7200}"#.to_owned()
        }
        "/cgi-bin/component/api_authorizer_token" => {
            let sent: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            let appid = sent["authorizer_appid"].as_str().unwrap_or("?").to_owned();
            let token = format!(r#"{{"authorizer_access_token":"at-{appid}","expires_in":7200}}"#);
            let mut tokens = seen
                .authorizer_tokens
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            *tokens.entry(appid).or_default() += 1;
            token
        }
        _ => {
            seen.linked.fetch_add(1, Ordering::Relaxed);
            r#"{"errcode":0,"wxopens":{"items":[{"status":1,"username":"gh_x","nickname":"x"}]}}"#
                .to_owned()
        }
    };
    Response::new(Full::new(Bytes::from(json)))
}

fn lead() {
    let config = std::env::var("PLATFORM_FLEET").unwrap_or_else(|_| "4 64 10 1000".to_owned());
    let numbers: Vec<u64> = config
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    let [instances, tasks, seconds, authorizers] = numbers[..] else {
        eprintln!("PLATFORM_FLEET must be four numbers: instances tasks seconds authorizers");
        std::process::exit(2);
    };
    let redis = redis_server::RedisServer::start();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    let seen = Arc::new(Seen::default());
    let wechat = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let address = listener.local_addr().expect("an address");
        let seen = Arc::clone(&seen);
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let seen = Arc::clone(&seen);
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let seen = Arc::clone(&seen);
                        async move { Ok::<_, std::convert::Infallible>(answer(seen, request).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        // The ticket and every authorizer's refresh token, as the push handler and the
        // authorizations would have stored them.
        let store = RedisStore::connect(&redis.url()).await.expect("redis");
        let ticket = Stored::expiring("ticket", Duration::from_secs(3600));
        store.put(&format!("wechat:{APPID}:ticket"), &ticket).await.expect("seed");
        for n in 0..authorizers {
            let key = format!("wechat:{APPID}:authorizer:wx_{n:05}:refresh_token");
            store.put(&key, &Stored::lasting(format!("rt-{n}"))).await.expect("seed");
        }
        format!("http://{address}")
    });

    let exe = std::env::current_exe().expect("this binary");
    let started = Instant::now();
    let workers: Vec<_> = (0..instances)
        .map(|_| {
            Command::new(&exe)
                .env(
                    "PLATFORM_FLEET_WORKER",
                    format!("{} {wechat} {tasks} {seconds} {authorizers}", redis.url()),
                )
                .stdout(Stdio::piped())
                .spawn()
                .expect("a worker")
        })
        .collect();
    let (mut calls, mut errors) = (0u64, 0u64);
    for worker in workers {
        let output = worker.wait_with_output().expect("the worker ends");
        let counts: Vec<u64> = String::from_utf8_lossy(&output.stdout)
            .split_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect();
        calls += counts.first().copied().unwrap_or(0);
        errors += counts.get(1).copied().unwrap_or(0);
    }
    let wall = started.elapsed().as_secs_f64();
    let tokens = seen
        .authorizer_tokens
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let fetched: u64 = tokens.values().sum();
    let most = tokens.values().copied().max().unwrap_or(0);
    println!(
        "| instances × tasks | authorizers | calls | calls/s | errors | component token fetches | authorizer token fetches (authorizers reached, most for one) |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    println!(
        "| {instances} × {tasks} | {authorizers} | {calls} | {:.0} | {errors} | {} | {fetched} ({}, {most}) |",
        calls as f64 / wall,
        seen.component_tokens.load(Ordering::Relaxed),
        tokens.len(),
    );
    println!(
        "wall {wall:.1} s including the instances' start; WeChat answered {} wxamplinkget calls",
        seen.linked.load(Ordering::Relaxed)
    );
    if most > 1 || seen.component_tokens.load(Ordering::Relaxed) > 1 {
        eprintln!("a token was fetched more than once in one expiry window");
        std::process::exit(1);
    }
}

/// One instance: `tasks` tasks calling for random authorizers for `seconds`; prints its calls
/// and errors.
fn worker(config: &str) {
    let parts: Vec<&str> = config.split_whitespace().collect();
    let [redis, wechat, tasks, seconds, authorizers] = parts[..] else {
        std::process::exit(2);
    };
    let (tasks, seconds, authorizers): (u64, u64, u64) = (
        tasks.parse().unwrap_or(1),
        seconds.parse().unwrap_or(1),
        authorizers.parse().unwrap_or(1),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    let (calls, errors) = runtime.block_on(async {
        let store = RedisStore::connect(redis).await.expect("redis");
        let platform = Platform::builder(APPID, "secret")
            .store(store)
            .client(
                Client::builder()
                    .base_url(wechat)
                    .retry(RetryPolicy::disabled()),
            )
            .build()
            .expect("a platform");
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let (calls, errors) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let handles: Vec<_> = (0..tasks)
            .map(|_| {
                let (platform, calls, errors) =
                    (platform.clone(), Arc::clone(&calls), Arc::clone(&errors));
                tokio::spawn(async move {
                    while Instant::now() < deadline {
                        let appid = format!("wx_{:05}", fastrand::u64(0..authorizers));
                        match platform.authorizer(appid).get_linked_mini_programs().await {
                            Ok(_) => calls.fetch_add(1, Ordering::Relaxed),
                            Err(error) => {
                                eprintln!("{error}");
                                errors.fetch_add(1, Ordering::Relaxed)
                            }
                        };
                    }
                })
            })
            .collect();
        for handle in handles {
            let _ = handle.await;
        }
        (
            calls.load(Ordering::Relaxed),
            errors.load(Ordering::Relaxed),
        )
    });
    println!("{calls} {errors}");
}
