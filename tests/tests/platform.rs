//! A third-party platform end to end on a WeChat stand-in on loopback: the ticket push, the
//! component token, authorizer clients, the authorization flow, refresh-token rotation and
//! recovery, and the order in which a refresh token is stored and its access token used.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod capture;
mod tempdir;
mod wechat_stand_in;

use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wechat_api_client::platform::store::{MemoryStore, Stored, TokenStore};
use wechat_api_client::platform::{
    AuthType, LeaseSettings, MessageCrypto, Platform, PlatformEvent, PushError, PushQuery,
};
use wechat_api_client::prelude::*;
use wechat_api_client::{Client, Error, RetryPolicy};
use wechat_stand_in::{
    APPID, AUTHORIZER_TOKEN, COMPONENT_TOKEN, LINKED, LIST, WeChat, body, requests_to,
};
use wiremock::matchers::{path, query_param};
use wiremock::{Mock, Request, ResponseTemplate};

const TOKEN: &str = "push-token";
const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

fn builder(wechat: &WeChat) -> wechat_api_client::platform::PlatformBuilder {
    Platform::builder(APPID, "secret")
        .push_crypto(TOKEN, AES_KEY)
        .unwrap()
        .client(
            Client::builder()
                .base_url(wechat.server.uri())
                .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1))),
        )
}

/// The store key of an authorizer's refresh token. Written out rather than taken from
/// `Keys`: the layout is documented (other programs read the store), so the tests pin it.
fn refresh_key(appid: &str) -> String {
    format!("wechat:{APPID}:authorizer:{appid}:refresh_token")
}

/// The store key of an authorizer's access token (the same documented layout).
fn access_key(appid: &str) -> String {
    format!("wechat:{APPID}:authorizer:{appid}:access_token")
}

fn now() -> u64 {
    wechat_api_client::platform::store::unix_now()
}

/// A push as WeChat sends it now: the message encrypted and signed with the platform's settings.
fn push(message: &str) -> (PushQuery, Vec<u8>) {
    push_at(message, now())
}

fn push_at(message: &str, timestamp: u64) -> (PushQuery, Vec<u8>) {
    let crypto = MessageCrypto::new(TOKEN, AES_KEY, APPID).unwrap();
    let encrypted = crypto.encrypt(message);
    let timestamp = timestamp.to_string();
    let query = PushQuery {
        msg_signature: crypto.signature(&timestamp, "42", &encrypted),
        timestamp,
        nonce: "42".into(),
    };
    let body = format!(
        "<xml><AppId><![CDATA[{APPID}]]></AppId><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    );
    (query, body.into_bytes())
}

/// A ticket made `created_at` (Unix seconds).
fn ticket_message(ticket: &str, created_at: u64) -> String {
    format!(
        "<xml><AppId><![CDATA[{APPID}]]></AppId><CreateTime>{created_at}</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[{ticket}]]></ComponentVerifyTicket></xml>"
    )
}

fn ticket_push() -> (PushQuery, Vec<u8>) {
    push(&ticket_message("ticket-1", now()))
}

#[tokio::test]
async fn from_a_ticket_push_to_calls_for_many_authorizers_with_one_fetch_of_each_token() {
    let wechat = WeChat::start().await;
    let store = Arc::new(MemoryStore::new());
    let platform = builder(&wechat).store(Arc::clone(&store)).build().unwrap();
    let (query, body) = ticket_push();
    let event = platform.handle_push(&query, &body).await.unwrap();
    assert!(
        matches!(event, PlatformEvent::VerifyTicket { .. }),
        "{event:?}"
    );
    let appids = ["wx_a", "wx_b", "wx_c"];
    for appid in appids {
        wechat.authorize(appid, &format!("rt-{appid}-0"));
        store
            .put(
                &refresh_key(appid),
                &Stored::lasting(format!("rt-{appid}-0")),
            )
            .await
            .unwrap();
    }
    assert_eq!(platform.authorizers().await.unwrap(), appids);

    let calls: Vec<_> = (0..24)
        .map(|n| {
            let account = platform.authorizer(appids[n % 3]);
            tokio::spawn(async move { account.get_linked_mini_programs().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }

    assert_eq!(requests_to(&wechat.server, COMPONENT_TOKEN).await.len(), 1);
    assert_eq!(requests_to(&wechat.server, AUTHORIZER_TOKEN).await.len(), 3);
    let mut tokens = wechat.linked_tokens().await;
    tokens.sort();
    tokens.dedup();
    assert_eq!(tokens, ["at-wx_a-1", "at-wx_b-1", "at-wx_c-1"]);
    // The rotated refresh tokens are what the store keeps now.
    for appid in appids {
        let stored = store.get(&refresh_key(appid)).await.unwrap().unwrap();
        assert_eq!(stored.value.expose_secret(), format!("rt-{appid}-1"));
    }
}

#[tokio::test]
async fn without_a_ticket_the_call_fails_and_says_what_is_missing() {
    let wechat = WeChat::start().await;
    let platform = builder(&wechat).store(MemoryStore::new()).build().unwrap();
    let error = platform
        .authorizer("wx_a")
        .get_linked_mini_programs()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::TokenSource { .. }), "{error:?}");
    assert!(
        error.to_string().contains("component_verify_ticket"),
        "{error}"
    );
    assert!(wechat.server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_tampered_push_is_refused_and_stores_nothing() {
    let wechat = WeChat::start().await;
    let store = Arc::new(MemoryStore::new());
    let platform = builder(&wechat).store(Arc::clone(&store)).build().unwrap();
    let (mut query, body) = ticket_push();
    query.msg_signature = "f".repeat(40);
    let error = platform.handle_push(&query, &body).await.unwrap_err();
    assert!(matches!(error, PushError::SignatureMismatch), "{error:?}");
    assert!(
        store
            .get(&format!("wechat:{APPID}:ticket"))
            .await
            .unwrap()
            .is_none()
    );
}

/// A store that records, with one counter shared with the stand-in's wxamplinkget, when each
/// value was written.
struct Recording {
    inner: MemoryStore,
    clock: Arc<AtomicUsize>,
    writes: Mutex<Vec<(usize, String)>>,
}

impl TokenStore for Recording {
    async fn get(
        &self,
        key: &str,
    ) -> Result<Option<Stored>, wechat_api_client::platform::StoreError> {
        self.inner.get(key).await
    }
    async fn put(
        &self,
        key: &str,
        value: &Stored,
    ) -> Result<(), wechat_api_client::platform::StoreError> {
        self.inner.put(key, value).await?;
        let at = self.clock.fetch_add(1, Ordering::SeqCst);
        self.writes.lock().unwrap().push((at, key.to_owned()));
        Ok(())
    }
    async fn put_if(
        &self,
        key: &str,
        expected: Option<&str>,
        value: &Stored,
    ) -> Result<bool, wechat_api_client::platform::StoreError> {
        let set = self.inner.put_if(key, expected, value).await?;
        if set {
            let at = self.clock.fetch_add(1, Ordering::SeqCst);
            self.writes.lock().unwrap().push((at, key.to_owned()));
        }
        Ok(set)
    }
    async fn delete(&self, key: &str) -> Result<(), wechat_api_client::platform::StoreError> {
        self.inner.delete(key).await
    }
    async fn delete_if(
        &self,
        key: &str,
        value: &str,
    ) -> Result<(), wechat_api_client::platform::StoreError> {
        self.inner.delete_if(key, value).await
    }
    async fn keys(
        &self,
        prefix: &str,
    ) -> Result<Vec<String>, wechat_api_client::platform::StoreError> {
        self.inner.keys(prefix).await
    }
    async fn try_lock(
        &self,
        name: &str,
        owner: &str,
        ttl: Duration,
    ) -> Result<bool, wechat_api_client::platform::StoreError> {
        self.inner.try_lock(name, owner, ttl).await
    }
    async fn extend_lock(
        &self,
        name: &str,
        owner: &str,
        ttl: Duration,
    ) -> Result<bool, wechat_api_client::platform::StoreError> {
        self.inner.extend_lock(name, owner, ttl).await
    }
    async fn unlock(
        &self,
        name: &str,
        owner: &str,
    ) -> Result<(), wechat_api_client::platform::StoreError> {
        self.inner.unlock(name, owner).await
    }
}

#[tokio::test]
async fn the_new_refresh_token_is_stored_before_the_new_access_token_is_used() {
    let wechat = WeChat::start().await;
    let clock = Arc::new(AtomicUsize::new(0));
    let used_at = Arc::new(Mutex::new(Vec::new()));
    {
        let (clock, used_at) = (Arc::clone(&clock), Arc::clone(&used_at));
        Mock::given(path(LINKED))
            .respond_with(move |_: &Request| {
                used_at
                    .lock()
                    .unwrap()
                    .push(clock.fetch_add(1, Ordering::SeqCst));
                ResponseTemplate::new(200)
                    .set_body_json(json!({"errcode": 0, "wxopens": {"items": []}}))
            })
            .with_priority(1)
            .mount(&wechat.server)
            .await;
    }
    let store = Arc::new(Recording {
        inner: MemoryStore::new(),
        clock: Arc::clone(&clock),
        writes: Mutex::default(),
    });
    let platform = builder(&wechat).store(Arc::clone(&store)).build().unwrap();
    platform.store_ticket("ticket-1").await.unwrap();
    wechat.authorize("wx_a", "rt-wx_a-0");
    store
        .inner
        .put(&refresh_key("wx_a"), &Stored::lasting("rt-wx_a-0"))
        .await
        .unwrap();

    platform
        .authorizer("wx_a")
        .get_linked_mini_programs()
        .await
        .unwrap();

    let writes = store.writes.lock().unwrap().clone();
    let at = |suffix: &str| {
        writes
            .iter()
            .find(|(_, key)| key.ends_with(suffix))
            .map(|(at, _)| *at)
            .unwrap_or_else(|| panic!("no write of {suffix}: {writes:?}"))
    };
    let refresh = at("wx_a:refresh_token");
    let access = at("wx_a:access_token");
    let used = used_at.lock().unwrap()[0];
    assert!(
        refresh < access && access < used,
        "refresh {refresh}, access {access}, used {used}"
    );
}

#[tokio::test]
async fn an_invalid_or_missing_refresh_token_is_recovered_from_the_authorizer_list() {
    let wechat = WeChat::start().await;
    let store = Arc::new(MemoryStore::new());
    let platform = builder(&wechat).store(Arc::clone(&store)).build().unwrap();
    platform.store_ticket("ticket-1").await.unwrap();
    // WeChat has moved on (a new authorization): the stored refresh token is invalid (61023).
    wechat.authorize("wx_a", "rt-wx_a-current");
    let key = refresh_key("wx_a");
    store
        .put(&key, &Stored::lasting("rt-wx_a-stale"))
        .await
        .unwrap();
    // And this one's was lost.
    wechat.authorize("wx_b", "rt-wx_b-current");

    platform
        .authorizer("wx_a")
        .get_linked_mini_programs()
        .await
        .unwrap();
    platform
        .authorizer("wx_b")
        .get_linked_mini_programs()
        .await
        .unwrap();
    assert_eq!(wechat.linked_tokens().await, ["at-wx_a-1", "at-wx_b-1"]);
    assert_eq!(
        store
            .get(&key)
            .await
            .unwrap()
            .unwrap()
            .value
            .expose_secret(),
        "rt-wx_a-1"
    );
    assert_eq!(requests_to(&wechat.server, LIST).await.len(), 2);

    // An account nobody has: a typed error that says it must authorize again.
    let error = platform
        .authorizer("wx_gone")
        .get_linked_mini_programs()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("must authorize the platform again"),
        "{error}"
    );
}

#[tokio::test]
async fn a_rejected_authorizer_token_is_refreshed_and_the_call_sent_once_more() {
    let wechat = WeChat::start().await;
    Mock::given(path(LINKED))
        .and(query_param("access_token", "at-wx_a-1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 40001, "errmsg": "invalid credential"})),
        )
        .with_priority(1)
        .mount(&wechat.server)
        .await;
    let store = Arc::new(MemoryStore::new());
    let platform = ready(&wechat, Arc::clone(&store)).await;
    platform
        .authorizer("wx_a")
        .get_linked_mini_programs()
        .await
        .unwrap();
    assert_eq!(wechat.linked_tokens().await, ["at-wx_a-1", "at-wx_a-2"]);
    let stored = store.get(&access_key("wx_a")).await.unwrap().unwrap();
    assert_eq!(stored.value.expose_secret(), "at-wx_a-2");
}

#[tokio::test]
async fn the_authorization_flow_stores_the_account_and_unauthorized_removes_it() {
    let wechat = WeChat::start().await;
    Mock::given(path("/cgi-bin/component/api_create_preauthcode"))
        .and(query_param("component_access_token", "ct-1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"pre_auth_code": "pre-1", "expires_in": 600})),
        )
        .mount(&wechat.server)
        .await;
    Mock::given(path("/cgi-bin/component/api_query_auth"))
        .respond_with(|request: &Request| {
            assert_eq!(body(request)["authorization_code"], "auth-code-1");
            ResponseTemplate::new(200).set_body_json(json!({"authorization_info": {
                "authorizer_appid": "wx_new",
                "authorizer_access_token": "at-from-query-auth",
                "expires_in": 7200,
                "authorizer_refresh_token": "rt-wx_new-0",
                "func_info": [{"funcscope_category": {"id": 1}}]
            }}))
        })
        .mount(&wechat.server)
        .await;
    let dir = tempdir::Dir::new("platform-file");
    let file = dir.path().join("tokens.redb");
    let platform = builder(&wechat).store_path(&file).build().unwrap();
    platform.store_ticket("ticket-1").await.unwrap();

    let url = platform
        .authorization_url(
            "https://platform.example.com/back?x=1&y=2",
            AuthType::Both,
            false,
        )
        .await
        .unwrap();
    assert_eq!(
        url,
        "https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=wx_platform&pre_auth_code=pre-1&redirect_uri=https%3A%2F%2Fplatform.example.com%2Fback%3Fx%3D1%26y%3D2&auth_type=3"
    );
    let mobile = platform
        .authorization_url("https://p.example.com/", AuthType::MiniPrograms, true)
        .await
        .unwrap();
    assert!(
        mobile.starts_with(
            "https://open.weixin.qq.com/wxaopen/safe/bindcomponent?action=bindcomponent&no_scan=1&"
        ),
        "{mobile}"
    );
    assert!(mobile.ends_with("&auth_type=2#wechat_redirect"), "{mobile}");

    let info = platform
        .complete_authorization("auth-code-1")
        .await
        .unwrap();
    assert_eq!(info.authorizer_appid, "wx_new");
    // The token from the authorization is used as it is: no refresh.
    platform
        .authorizer("wx_new")
        .get_linked_mini_programs()
        .await
        .unwrap();
    assert_eq!(wechat.linked_tokens().await, ["at-from-query-auth"]);
    assert!(
        requests_to(&wechat.server, AUTHORIZER_TOKEN)
            .await
            .is_empty()
    );

    // A restart keeps it: the file is the store.
    drop(platform);
    let platform = builder(&wechat).store_path(&file).build().unwrap();
    assert_eq!(platform.authorizers().await.unwrap(), ["wx_new"]);

    let (query, body) = push(
        "<xml><AppId>wx_platform</AppId><CreateTime>1</CreateTime><InfoType>unauthorized</InfoType><AuthorizerAppid>wx_new</AuthorizerAppid></xml>",
    );
    let event = platform.handle_push(&query, &body).await.unwrap();
    assert!(
        matches!(event, PlatformEvent::Unauthorized { .. }),
        "{event:?}"
    );
    assert!(platform.authorizers().await.unwrap().is_empty());
}

#[tokio::test]
async fn recover_refresh_tokens_restores_every_account_of_the_list() {
    let wechat = WeChat::start().await;
    for appid in ["wx_1", "wx_2"] {
        wechat.authorize(appid, &format!("rt-{appid}-7"));
    }
    let platform = builder(&wechat)
        .store(MemoryStore::new())
        .lease(LeaseSettings::default())
        .build()
        .unwrap();
    platform.store_ticket("ticket-1").await.unwrap();
    assert_eq!(platform.recover_refresh_tokens().await.unwrap(), 2);
    assert_eq!(platform.authorizers().await.unwrap(), ["wx_1", "wx_2"]);
    assert!(!format!("{platform:?}").contains("rt-wx"), "{platform:?}");
}

#[tokio::test]
async fn no_ticket_token_or_refresh_token_is_logged() {
    let logs = capture::Capture::default();
    let _guard = logs.install();
    let wechat = WeChat::start().await;
    Mock::given(path(LINKED))
        .and(query_param("access_token", "at-wx_a-1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 40001, "errmsg": "invalid credential at-wx_a-1"})),
        )
        .with_priority(1)
        .mount(&wechat.server)
        .await;
    let store = Arc::new(MemoryStore::new());
    let platform = builder(&wechat).store(Arc::clone(&store)).build().unwrap();
    let (query, body) = ticket_push();
    platform.handle_push(&query, &body).await.unwrap();
    // A stale refresh token (recovered from the list), a rejected access token (refreshed).
    wechat.authorize("wx_a", "rt-wx_a-0");
    store
        .put(&refresh_key("wx_a"), &Stored::lasting("rt-wx_a-stale"))
        .await
        .unwrap();
    platform
        .authorizer("wx_a")
        .get_linked_mini_programs()
        .await
        .unwrap();
    let failed = platform
        .authorizer("wx_nobody")
        .get_linked_mini_programs()
        .await
        .unwrap_err();

    let shown = format!("{}\n{failed}\n{failed:?}\n{platform:?}", logs.text());
    assert!(shown.contains("wx_a"), "the log is captured: {shown}");
    for secret in ["ticket-1", "ct-1", "rt-wx_a", "at-wx_a", "push-token"] {
        assert!(!shown.contains(secret), "`{secret}` shown:\n{shown}");
    }
}

/// A platform whose store already holds the ticket and `wx_a`'s refresh token.
async fn ready(wechat: &WeChat, store: Arc<impl TokenStore>) -> Platform {
    let platform = builder(wechat).store(Arc::clone(&store)).build().unwrap();
    platform.store_ticket("ticket-1").await.unwrap();
    wechat.authorize("wx_a", "rt-wx_a-0");
    store
        .put(&refresh_key("wx_a"), &Stored::lasting("rt-wx_a-0"))
        .await
        .unwrap();
    platform
}

#[tokio::test]
async fn two_instances_on_one_store_refresh_a_token_once() {
    let wechat = WeChat::start().await;
    let store = Arc::new(MemoryStore::new());
    let first = ready(&wechat, Arc::clone(&store)).await;
    // A second instance: its own caches and turns, the same store (and so the same leases).
    let second = builder(&wechat).store(Arc::clone(&store)).build().unwrap();
    *wechat.hold_next_refresh.lock().unwrap() = Some(Duration::from_millis(300));
    let calls: Vec<_> = (0..10)
        .map(|n| {
            let account = if n % 2 == 0 { &first } else { &second }.authorizer("wx_a");
            tokio::spawn(async move { account.get_linked_mini_programs().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(requests_to(&wechat.server, AUTHORIZER_TOKEN).await.len(), 1);
    assert_eq!(wechat.linked_tokens().await, vec!["at-wx_a-1"; 10]);
}

#[tokio::test]
async fn a_caller_that_gives_up_mid_refresh_loses_no_refresh_token() {
    let wechat = WeChat::start().await;
    let store = Arc::new(MemoryStore::new());
    let platform = ready(&wechat, Arc::clone(&store)).await;
    *wechat.hold_next_refresh.lock().unwrap() = Some(Duration::from_millis(400));
    let account = platform.authorizer("wx_a");
    let gave_up = tokio::time::timeout(
        Duration::from_millis(100),
        account.get_linked_mini_programs(),
    )
    .await;
    assert!(gave_up.is_err(), "the call was cut short");
    // WeChat rotated the refresh token when it answered; the store has the new one anyway.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let key = refresh_key("wx_a");
    assert_eq!(
        store
            .get(&key)
            .await
            .unwrap()
            .unwrap()
            .value
            .expose_secret(),
        "rt-wx_a-1"
    );
    assert_eq!(wechat.refresh_tokens.lock().unwrap()["wx_a"], "rt-wx_a-1");
}

/// A store that never lets a lease be extended: a holder that lost its lease.
struct LeaseLost(MemoryStore);

impl TokenStore for LeaseLost {
    async fn get(
        &self,
        key: &str,
    ) -> Result<Option<Stored>, wechat_api_client::platform::StoreError> {
        self.0.get(key).await
    }
    async fn put(
        &self,
        key: &str,
        value: &Stored,
    ) -> Result<(), wechat_api_client::platform::StoreError> {
        self.0.put(key, value).await
    }
    async fn put_if(
        &self,
        key: &str,
        expected: Option<&str>,
        value: &Stored,
    ) -> Result<bool, wechat_api_client::platform::StoreError> {
        self.0.put_if(key, expected, value).await
    }
    async fn delete(&self, key: &str) -> Result<(), wechat_api_client::platform::StoreError> {
        self.0.delete(key).await
    }
    async fn delete_if(
        &self,
        key: &str,
        value: &str,
    ) -> Result<(), wechat_api_client::platform::StoreError> {
        self.0.delete_if(key, value).await
    }
    async fn keys(
        &self,
        prefix: &str,
    ) -> Result<Vec<String>, wechat_api_client::platform::StoreError> {
        self.0.keys(prefix).await
    }
    async fn try_lock(
        &self,
        name: &str,
        owner: &str,
        ttl: Duration,
    ) -> Result<bool, wechat_api_client::platform::StoreError> {
        self.0.try_lock(name, owner, ttl).await
    }
    async fn extend_lock(
        &self,
        _: &str,
        _: &str,
        _: Duration,
    ) -> Result<bool, wechat_api_client::platform::StoreError> {
        Ok(false)
    }
    async fn unlock(
        &self,
        name: &str,
        owner: &str,
    ) -> Result<(), wechat_api_client::platform::StoreError> {
        self.0.unlock(name, owner).await
    }
}

#[tokio::test]
async fn a_holder_that_lost_its_lease_stores_its_refresh_token_but_not_its_access_token() {
    let wechat = WeChat::start().await;
    let store = Arc::new(LeaseLost(MemoryStore::new()));
    let platform = ready(&wechat, Arc::clone(&store)).await;
    platform
        .authorizer("wx_a")
        .get_linked_mini_programs()
        .await
        .unwrap();
    assert_eq!(wechat.linked_tokens().await, ["at-wx_a-1"]);
    let refresh = store.get(&refresh_key("wx_a")).await.unwrap();
    assert_eq!(refresh.unwrap().value.expose_secret(), "rt-wx_a-1");
    let access = store.get(&access_key("wx_a")).await.unwrap();
    assert_eq!(access, None, "another instance may hold a newer one");
}

#[tokio::test]
async fn a_short_lived_token_is_refreshed_at_half_its_life_not_on_every_call() {
    let wechat = WeChat::start().await;
    *wechat.expires_in.lock().unwrap() = 60;
    let platform = ready(&wechat, Arc::new(MemoryStore::new())).await;
    let account = platform.authorizer("wx_a");
    for _ in 0..3 {
        account.get_linked_mini_programs().await.unwrap();
    }
    assert_eq!(requests_to(&wechat.server, AUTHORIZER_TOKEN).await.len(), 1);
}

#[tokio::test]
async fn an_account_in_no_list_is_not_looked_up_on_every_call() {
    let wechat = WeChat::start().await;
    let platform = ready(&wechat, Arc::new(MemoryStore::new())).await;
    for _ in 0..3 {
        let error = platform
            .authorizer("wx_unknown")
            .get_linked_mini_programs()
            .await
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("must authorize the platform again"),
            "{error}"
        );
    }
    assert_eq!(requests_to(&wechat.server, LIST).await.len(), 1);
}

#[tokio::test]
async fn lease_settings_that_cannot_work_are_refused() {
    let wechat = WeChat::start().await;
    let zero = LeaseSettings {
        ttl: Duration::ZERO,
        ..LeaseSettings::default()
    };
    let error = builder(&wechat)
        .store(MemoryStore::new())
        .lease(zero)
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("ttl"), "{error}");
}

#[tokio::test]
async fn replayed_pushes_and_older_tickets_change_nothing() {
    let wechat = WeChat::start().await;
    let store = Arc::new(MemoryStore::new());
    let platform = builder(&wechat).store(Arc::clone(&store)).build().unwrap();
    // A push sent two hours ago is refused.
    let (query, body) = push_at(&ticket_message("ticket-old", now()), now() - 7200);
    let error = platform.handle_push(&query, &body).await.unwrap_err();
    assert!(matches!(error, PushError::Stale { .. }), "{error:?}");
    // A ticket made after the one that arrives late stays.
    let (query, body) = push(&ticket_message("ticket-new", now()));
    platform.handle_push(&query, &body).await.unwrap();
    let (query, body) = push(&ticket_message("ticket-older", now() - 600));
    platform.handle_push(&query, &body).await.unwrap();
    let ticket = store
        .get(&format!("wechat:{APPID}:ticket"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ticket.value.expose_secret(), "ticket-new");
    // The events' Debug output shows no ticket.
    let event = platform.handle_push(&query, &body).await.unwrap();
    assert!(!format!("{event:?}").contains("ticket-older"), "{event:?}");
}
