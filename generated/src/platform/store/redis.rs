//! A store on Redis, for a platform served by many instances: they share the ticket and tokens,
//! and the lease on a token's refresh is Redis's own `SET … NX PX`, released and extended only
//! by its holder (a script compares the owner first).

use super::{StoreError, Stored, TokenStore};
use redis::aio::ConnectionManager;
use std::time::Duration;

/// Deletes a key if it holds the given value: the release of a lease by its owner, and the
/// removal of a rejected token that no one has replaced yet.
const DELETE_IF_EQUAL: &str = r#"
if redis.call("GET", KEYS[1]) == ARGV[1] then
    return redis.call("DEL", KEYS[1])
end
return 0
"#;

/// Extends a lease if the given owner holds it.
const EXTEND_IF_OWNER: &str = r#"
if redis.call("GET", KEYS[1]) == ARGV[1] then
    return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0
"#;

/// The `value` of the record at KEYS[1], or false: records are JSON with the value a JSON
/// string inside; anything else (a value some other program wrote) has none.
const RECORD_VALUE: &str = r#"
local function record_value(key)
    local record = redis.call("GET", key)
    if not record then
        return false
    end
    local ok, decoded = pcall(cjson.decode, record)
    if ok and type(decoded) == "table" and type(decoded.value) == "string" then
        return decoded.value
    end
    return false
end
"#;

/// Deletes a value if its record holds the given token.
const DELETE_IF_VALUE: &str = r#"
if record_value(KEYS[1]) == ARGV[1] then
    return redis.call("DEL", KEYS[1])
end
return 0
"#;

/// Sets a record (ARGV[3], expiring at ARGV[4] in Unix seconds, or never if "") if the current
/// one holds the expected value ARGV[2] (ARGV[1] "1"), or if there is none (ARGV[1] "0").
const PUT_IF_VALUE: &str = r#"
if ARGV[1] == "1" then
    if record_value(KEYS[1]) ~= ARGV[2] then
        return 0
    end
elseif redis.call("EXISTS", KEYS[1]) == 1 then
    return 0
end
if ARGV[4] == "" then
    redis.call("SET", KEYS[1], ARGV[3])
else
    redis.call("SET", KEYS[1], ARGV[3], "EXAT", ARGV[4])
end
return 1
"#;

/// How long one connection attempt to Redis may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// How long one command may take before it fails.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(5);

/// Values in Redis, shared by every process that opens the same server and prefix.
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: String,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

fn failed(what: &str) -> impl FnOnce(redis::RedisError) -> StoreError + '_ {
    move |error| StoreError::with_source(format!("redis: {what}"), error)
}

impl RedisStore {
    /// Connects to the server at `url` (`redis://127.0.0.1:6379/`); the connection is kept and
    /// re-established when it drops. Bounded in time: each connection attempt has
    /// [`CONNECT_TIMEOUT`], each command [`COMMAND_TIMEOUT`], and a lost connection is tried
    /// again twice before a command fails, so a dead server is an error, never a hang.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(failed("the URL is not a Redis URL"))?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(CONNECT_TIMEOUT)
            .set_response_timeout(COMMAND_TIMEOUT)
            .set_number_of_retries(2)
            .set_max_delay(500);
        let connection = client
            .get_connection_manager_with_config(config)
            .await
            .map_err(failed("cannot connect"))?;
        Ok(Self {
            connection,
            prefix: String::new(),
        })
    }

    /// Puts `prefix` before every key and lock: for a server shared with other applications.
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn lock_key(&self, name: &str) -> String {
        format!("{}lease:{name}", self.prefix)
    }

    async fn query<T: redis::FromRedisValue>(
        &self,
        command: &redis::Cmd,
        what: &str,
    ) -> Result<T, StoreError> {
        let mut connection = self.connection.clone();
        command
            .query_async(&mut connection)
            .await
            .map_err(failed(what))
    }

    async fn script(
        &self,
        script: &str,
        key: String,
        args: &[&str],
        what: &str,
    ) -> Result<i64, StoreError> {
        let mut connection = self.connection.clone();
        let source = format!("{RECORD_VALUE}\n{script}");
        let script = redis::Script::new(&source);
        let mut invocation = script.key(key);
        for arg in args {
            invocation.arg(*arg);
        }
        invocation
            .invoke_async(&mut connection)
            .await
            .map_err(failed(what))
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

impl TokenStore for RedisStore {
    async fn get(&self, key: &str) -> Result<Option<Stored>, StoreError> {
        let bytes: Option<Vec<u8>> = self
            .query(redis::cmd("GET").arg(self.key(key)), "GET failed")
            .await?;
        bytes.map(|bytes| Stored::from_json(&bytes)).transpose()
    }

    async fn put(&self, key: &str, value: &Stored) -> Result<(), StoreError> {
        let mut command = redis::cmd("SET");
        command.arg(self.key(key)).arg(value.to_json());
        // Redis drops an expired value itself.
        if let Some(at) = value.expires_at {
            command.arg("EXAT").arg(at);
        }
        self.query::<()>(&command, "SET failed").await
    }

    async fn put_if(
        &self,
        key: &str,
        expected: Option<&str>,
        value: &Stored,
    ) -> Result<bool, StoreError> {
        let expiry = value
            .expires_at
            .map(|at| at.to_string())
            .unwrap_or_default();
        let (present, expected) = match expected {
            Some(expected) => ("1", expected),
            None => ("0", ""),
        };
        let record = value.to_json();
        let set = self
            .script(
                PUT_IF_VALUE,
                self.key(key),
                &[present, expected, &record, &expiry],
                "compare-and-set failed",
            )
            .await?;
        Ok(set == 1)
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.query::<()>(redis::cmd("DEL").arg(self.key(key)), "DEL failed")
            .await
    }

    async fn delete_if(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.script(
            DELETE_IF_VALUE,
            self.key(key),
            &[value],
            "compare-and-delete failed",
        )
        .await
        .map(drop)
    }

    async fn keys(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let pattern = format!("{}*", escape_glob(&self.key(prefix)));
        let mut keys = Vec::new();
        let mut cursor: u64 = 0;
        loop {
            let (next, batch): (u64, Vec<String>) = self
                .query(
                    redis::cmd("SCAN")
                        .arg(cursor)
                        .arg("MATCH")
                        .arg(&pattern)
                        .arg("COUNT")
                        .arg(1000),
                    "SCAN failed",
                )
                .await?;
            keys.extend(
                batch
                    .into_iter()
                    .filter_map(|key| key.strip_prefix(&self.prefix).map(str::to_owned)),
            );
            if next == 0 {
                break;
            }
            cursor = next;
        }
        // SCAN may return a key twice.
        keys.sort_unstable();
        keys.dedup();
        Ok(keys)
    }

    async fn try_lock(&self, name: &str, owner: &str, ttl: Duration) -> Result<bool, StoreError> {
        let taken: Option<String> = self
            .query(
                redis::cmd("SET")
                    .arg(self.lock_key(name))
                    .arg(owner)
                    .arg("NX")
                    .arg("PX")
                    .arg(millis(ttl)),
                "SET NX failed",
            )
            .await?;
        Ok(taken.is_some())
    }

    async fn extend_lock(
        &self,
        name: &str,
        owner: &str,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let ttl = millis(ttl).to_string();
        let extended = self
            .script(
                EXTEND_IF_OWNER,
                self.lock_key(name),
                &[owner, &ttl],
                "lease extension failed",
            )
            .await?;
        Ok(extended == 1)
    }

    async fn unlock(&self, name: &str, owner: &str) -> Result<(), StoreError> {
        self.script(
            DELETE_IF_EQUAL,
            self.lock_key(name),
            &[owner],
            "lease release failed",
        )
        .await
        .map(drop)
    }
}

/// `SCAN MATCH` reads a glob: the prefix's own `*`, `?`, `[` and `\` are literal.
fn escape_glob(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}
