//! Many concurrent calls on loopback: `cargo bench -p wechat-api-client --bench load`.
//!
//! A server in a child process (this program, started again with `LOAD_BENCH_SERVER=1`) answers
//! every wxamplinkget with the documentation's example and counts the connections it accepts.
//! This process runs `--tasks` tasks that each make `--calls` calls through one client, then
//! prints calls per second, latency percentiles, its own peak memory (the server's is not in
//! it) and how many connections the client opened.
//!
//! Options (after `--`): `--tasks N` (default 64), `--calls N` per task (default 500).
#![allow(clippy::expect_used, clippy::unwrap_used)]

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use wechat_api_client::prelude::*;
use wechat_api_client::{Client, RetryPolicy};

#[allow(
    dead_code,
    reason = "the baseline's structs are for the other benchmarks"
)]
#[path = "support/baseline.rs"]
mod baseline;

const SERVER_ENV: &str = "LOAD_BENCH_SERVER";

fn main() {
    if std::env::var_os(SERVER_ENV).is_some() {
        serve();
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    let option = |name: &str, default: usize| {
        args.iter()
            .position(|arg| arg == name)
            .and_then(|at| args.get(at + 1))
            .map_or(default, |value| value.parse().expect("a number"))
    };
    let (tasks, calls) = (option("--tasks", 64), option("--calls", 500));
    // `cargo bench` passes `--bench`; there is nothing else to run.
    let mut server = Command::new(std::env::current_exe().expect("this program"))
        .env(SERVER_ENV, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let mut lines = BufReader::new(server.stdout.take().expect("its output")).lines();
    let address = lines.next().expect("the server's address").expect("text");
    let report = run_clients(&address, tasks, calls);
    // Closing its input asks the server for its count, then ends it.
    drop(server.stdin.take());
    let connections = lines.next().expect("the server's count").expect("text");
    server.wait().expect("the server ends");
    println!("{report}");
    println!("connections opened: {connections}");
}

fn run_clients(address: &str, tasks: usize, calls: usize) -> String {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let client = Client::builder()
            .access_token("load-bench-token")
            .base_url(format!("http://{address}"))
            .retry(RetryPolicy::disabled())
            .build()
            .expect("a client");
        // One call first, so that the connection set-up is not in the figures.
        client
            .get_linked_mini_programs()
            .await
            .expect("the server answers");
        let started = Instant::now();
        let handles: Vec<_> = (0..tasks)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move {
                    let mut latencies = Vec::with_capacity(calls);
                    for _ in 0..calls {
                        let call = Instant::now();
                        let linked = client.get_linked_mini_programs().await.expect("a call");
                        assert_eq!(linked.wxopens.items.len(), 2);
                        latencies.push(call.elapsed());
                    }
                    latencies
                })
            })
            .collect();
        let mut latencies = Vec::with_capacity(tasks * calls);
        for handle in handles {
            latencies.extend(handle.await.expect("a task"));
        }
        let elapsed = started.elapsed();
        latencies.sort();
        let percentile = |p: f64| {
            let at = ((latencies.len() as f64 * p) as usize).min(latencies.len() - 1);
            format_duration(latencies[at])
        };
        format!(
            "{tasks} tasks × {calls} calls = {} calls in {:.2} s: {:.0} calls/s\n\
             latency p50 {}, p90 {}, p99 {}, max {}\n\
             peak memory of the client process (VmHWM): {}",
            latencies.len(),
            elapsed.as_secs_f64(),
            latencies.len() as f64 / elapsed.as_secs_f64(),
            percentile(0.50),
            percentile(0.90),
            percentile(0.99),
            format_duration(*latencies.last().expect("calls")),
            peak_memory(),
        )
    })
}

fn format_duration(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

/// The process's peak resident set, as Linux reports it.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .map(|line| line.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown (no /proc)".to_owned())
}

/// The server: prints its address, answers until its input closes, then prints how many
/// connections it accepted.
fn serve() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    let connections = Arc::new(AtomicU64::new(0));
    let accepted = Arc::clone(&connections);
    runtime.spawn(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        println!("{}", listener.local_addr().expect("an address"));
        std::io::stdout().flush().expect("the address is sent");
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            accepted.fetch_add(1, Ordering::Relaxed);
            tokio::spawn(async move {
                let answer = service_fn(|_: Request<hyper::body::Incoming>| async {
                    Ok::<_, std::convert::Infallible>(
                        Response::builder()
                            .header("content-type", "application/json")
                            .body(Full::new(Bytes::from_static(
                                baseline::DOC_EXAMPLE.as_bytes(),
                            )))
                            .expect("a response"),
                    )
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), answer)
                    .await;
            });
        }
    });
    // Wait for the input to close.
    let mut line = String::new();
    while std::io::stdin()
        .read_line(&mut line)
        .is_ok_and(|read| read > 0)
    {}
    println!("{}", connections.load(Ordering::Relaxed));
}
