//! What the mock keeps of each request: enough to assert on, and nothing that shows a token.

use std::fmt;

/// A request the mock received.
///
/// Its `Debug` output withholds the token and the values of the endpoint's `secret` fields (as
/// the client's own logs do): a test may give the mock's client a real token source, and a
/// failed `assert_eq!` prints what it compares.
#[derive(Clone, PartialEq, Eq)]
pub struct RecordedCall {
    /// The endpoint's wire name (`wxamplinkget`); empty for a path no endpoint serves.
    pub endpoint: &'static str,
    /// The endpoint's official host; empty for a path no endpoint serves.
    pub host: &'static str,
    pub method: String,
    /// The path as the client sent it, the official host first (`/api.weixin.qq.com/cgi-bin/…`).
    pub path: String,
    /// The query parameters, the token among them.
    pub query: Vec<(String, String)>,
    pub content_type: String,
    pub body: Vec<u8>,
    /// The names of the multipart body's parts, in order; empty for another body.
    pub parts: Vec<String>,
    /// The endpoint the request reached, by its index in the mock's list.
    pub(super) index: Option<usize>,
    /// The endpoint's token parameter and `secret` fields: what `Debug` withholds.
    pub(super) token_param: Option<&'static str>,
    pub(super) secrets: &'static [&'static str],
}

impl RecordedCall {
    /// The body as JSON, when it is.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The value of query parameter `key`.
    pub fn query(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Whether `key` names the token or a `secret` field, whose value `Debug` withholds.
    fn is_secret(&self, key: &str) -> bool {
        self.token_param == Some(key) || self.secrets.contains(&key)
    }
}

const WITHHELD: &str = "<withheld>";

impl fmt::Debug for RecordedCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let query: Vec<(&str, &str)> = self
            .query
            .iter()
            .map(|(k, v)| {
                let shown = if self.is_secret(k) { WITHHELD } else { v };
                (k.as_str(), shown)
            })
            .collect();
        let body = match self.json() {
            Some(mut json) => {
                withhold(&mut json, &|key| self.is_secret(key));
                json.to_string()
            }
            None => format!("{} bytes", self.body.len()),
        };
        f.debug_struct("RecordedCall")
            .field("endpoint", &self.endpoint)
            .field("host", &self.host)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &query)
            .field("content_type", &self.content_type)
            .field("body", &body)
            .field("parts", &self.parts)
            .finish()
    }
}

/// Replaces the values of secret keys, at any depth.
fn withhold(value: &mut serde_json::Value, is_secret: &dyn Fn(&str) -> bool) {
    match value {
        serde_json::Value::Object(object) => {
            for (key, inner) in object.iter_mut() {
                if is_secret(key) {
                    *inner = serde_json::Value::String(WITHHELD.to_owned());
                } else {
                    withhold(inner, is_secret);
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                withhold(item, is_secret);
            }
        }
        _ => {}
    }
}
