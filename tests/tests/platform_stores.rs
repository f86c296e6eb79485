//! The three token stores behave alike: values with expiries, compare-and-delete, listing by
//! prefix, and leases that only their owner extends or releases and that lapse by themselves.
//! The Redis store runs against a real `redis-server` started on loopback.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod redis_server;
mod tempdir;

use redis_server::RedisServer;
use std::time::Duration;
use wechat_api_client::platform::store::{
    FileStore, MemoryStore, RedisStore, Stored, TokenStore, unix_now,
};

async fn behaves_like_a_store(store: &impl TokenStore, label: &str) {
    // Values, and their absence.
    assert_eq!(store.get("k:a").await.unwrap(), None, "{label}");
    let lasting = Stored::lasting("refresh-1");
    store.put("k:a", &lasting).await.unwrap();
    assert_eq!(
        store.get("k:a").await.unwrap(),
        Some(lasting.clone()),
        "{label}"
    );
    let expiring = Stored::expiring("token-1", Duration::from_secs(3600));
    store.put("k:b", &expiring).await.unwrap();
    assert_eq!(store.get("k:b").await.unwrap(), Some(expiring), "{label}");
    // An expired value is absent.
    let expired = Stored {
        value: "old".into(),
        expires_at: Some(unix_now() - 1),
        refresh_at: None,
    };
    store.put("k:c", &expired).await.unwrap();
    assert_eq!(store.get("k:c").await.unwrap(), None, "{label}");

    // Listing by prefix, the expired one left out, and a prefix with glob characters taken
    // literally.
    store.put("other:x", &lasting).await.unwrap();
    store.put("k*[x]:y", &lasting).await.unwrap();
    let mut keys = store.keys("k:").await.unwrap();
    keys.sort();
    assert_eq!(keys, ["k:a", "k:b"], "{label}");
    assert_eq!(store.keys("k*[x]").await.unwrap(), ["k*[x]:y"], "{label}");

    // Compare-and-delete removes only the value it names.
    store.delete_if("k:b", "not-it").await.unwrap();
    assert!(store.get("k:b").await.unwrap().is_some(), "{label}");
    store.delete_if("k:b", "token-1").await.unwrap();
    assert_eq!(store.get("k:b").await.unwrap(), None, "{label}");
    store.delete("k:a").await.unwrap();
    assert_eq!(store.get("k:a").await.unwrap(), None, "{label}");

    // Compare-and-set: onto nothing, then only over the value expected.
    let first = Stored::lasting("r1");
    assert!(
        store.put_if("k:cas", None, &first).await.unwrap(),
        "{label}"
    );
    assert!(
        !store.put_if("k:cas", None, &first).await.unwrap(),
        "{label}"
    );
    let second = Stored::lasting("r2");
    assert!(
        !store.put_if("k:cas", Some("r0"), &second).await.unwrap(),
        "{label}"
    );
    assert_eq!(
        store.get("k:cas").await.unwrap(),
        Some(first.clone()),
        "{label}"
    );
    assert!(
        store.put_if("k:cas", Some("r1"), &second).await.unwrap(),
        "{label}"
    );
    assert_eq!(store.get("k:cas").await.unwrap(), Some(second), "{label}");
    // An expired value counts as none.
    assert!(store.put_if("k:c", None, &first).await.unwrap(), "{label}");
    store.delete("k:cas").await.unwrap();
    store.delete("k:c").await.unwrap();
    // What a token needs: its refresh time survives the store.
    let token = Stored::expiring("t", Duration::from_secs(60)).refreshed_at(unix_now() + 30);
    store.put("k:t", &token).await.unwrap();
    assert_eq!(store.get("k:t").await.unwrap(), Some(token), "{label}");
    store.delete("k:t").await.unwrap();

    // Leases: one owner at a time; only the owner extends or releases.
    let ttl = Duration::from_millis(300);
    assert!(
        store.try_lock("lease", "one", ttl).await.unwrap(),
        "{label}"
    );
    assert!(
        !store.try_lock("lease", "two", ttl).await.unwrap(),
        "{label}"
    );
    assert!(
        !store.extend_lock("lease", "two", ttl).await.unwrap(),
        "{label}"
    );
    store.unlock("lease", "two").await.unwrap();
    assert!(
        !store.try_lock("lease", "two", ttl).await.unwrap(),
        "{label}: released by a stranger"
    );
    assert!(
        store.extend_lock("lease", "one", ttl).await.unwrap(),
        "{label}"
    );
    store.unlock("lease", "one").await.unwrap();
    assert!(
        store.try_lock("lease", "two", ttl).await.unwrap(),
        "{label}: released by its owner"
    );
    // A lease nobody releases lapses after its ttl: a dead holder blocks no one for longer.
    tokio::time::sleep(ttl + Duration::from_millis(150)).await;
    assert!(
        store.try_lock("lease", "three", ttl).await.unwrap(),
        "{label}: lapsed"
    );
    assert!(
        !store.extend_lock("lease", "two", ttl).await.unwrap(),
        "{label}"
    );
}

#[tokio::test]
async fn the_memory_store() {
    behaves_like_a_store(&MemoryStore::new(), "memory").await;
}

#[tokio::test]
async fn the_file_store_keeps_values_across_reopening_and_admits_one_opener() {
    let dir = tempdir::Dir::new("file-store");
    let path = dir.path().join("tokens.redb");
    {
        let store = FileStore::open(&path).unwrap();
        behaves_like_a_store(&store, "file").await;
        store
            .put(
                "wechat:wx:authorizer:a:refresh_token",
                &Stored::lasting("keep-me"),
            )
            .await
            .unwrap();
        // The file is this process's: a second opener is refused, with the path in the message.
        let second = FileStore::open(&path).unwrap_err();
        assert!(second.to_string().contains("tokens.redb"), "{second}");
    }
    let reopened = FileStore::open(&path).unwrap();
    let kept = reopened
        .get("wechat:wx:authorizer:a:refresh_token")
        .await
        .unwrap();
    assert_eq!(
        kept.map(|stored| stored.value.expose_secret().to_owned())
            .as_deref(),
        Some("keep-me")
    );
}

#[tokio::test]
async fn the_redis_store_on_a_real_server() {
    let server = RedisServer::start();
    let store = RedisStore::connect(&server.url())
        .await
        .unwrap()
        .prefix("test:");
    behaves_like_a_store(&store, "redis").await;
    // Two connections are two instances: they see each other's values and leases.
    let other = RedisStore::connect(&server.url())
        .await
        .unwrap()
        .prefix("test:");
    store.put("shared", &Stored::lasting("v")).await.unwrap();
    assert!(other.get("shared").await.unwrap().is_some());
    assert!(
        store
            .try_lock("l", "a", Duration::from_secs(5))
            .await
            .unwrap()
    );
    assert!(
        !other
            .try_lock("l", "b", Duration::from_secs(5))
            .await
            .unwrap()
    );
    // Another prefix is another store.
    let apart = RedisStore::connect(&server.url())
        .await
        .unwrap()
        .prefix("elsewhere:");
    assert!(apart.get("shared").await.unwrap().is_none());
}

#[tokio::test]
async fn a_redis_store_that_cannot_connect_is_an_error_not_a_hang() {
    let server = RedisServer::start();
    let url = server.url();
    drop(server);
    let started = std::time::Instant::now();
    let error = RedisStore::connect(&url).await.unwrap_err();
    assert!(error.to_string().contains("redis"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(30));
}
