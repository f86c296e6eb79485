//! Keeping secrets out of what the client logs and what its errors show.
//!
//! Two layers: by name, the token's query parameter and the endpoint's `secret` fields are
//! redacted from logged URLs, and a success body of an endpoint with secret fields is never
//! excerpted; by value, every secret the call sent (the token, secret query parameters, secret
//! body fields) is cut out of any server text an error keeps, since a gateway page or an errmsg
//! may echo the request.

use super::{AccessToken, EXCERPT_LIMIT, Operation, excerpt};
use serde_json::Value;

const REDACTED: &str = "<redacted>";
const WITHHELD: &str = "<withheld: the body may carry a secret field>";

/// The secret values of one call.
#[derive(Default)]
pub(crate) struct Redactor {
    values: Vec<String>,
}

impl Redactor {
    /// The secrets in a call's query parameters and JSON body, found by the endpoint's secret
    /// field names (at any depth of the body).
    pub fn for_call(operation: &Operation, query: &[(&str, String)], body: Option<&[u8]>) -> Self {
        let mut redactor = Self::default();
        if operation.secrets.is_empty() {
            return redactor;
        }
        for (name, value) in query {
            if operation.secrets.contains(name) {
                redactor.add(value);
            }
        }
        if let Some(body) = body.and_then(|b| serde_json::from_slice::<Value>(b).ok()) {
            redactor.collect(&body, operation.secrets);
        }
        redactor
    }

    /// Adds the token an attempt sends.
    pub fn with_token(&self, token: Option<&AccessToken>) -> Self {
        let mut redactor = Self {
            values: self.values.clone(),
        };
        if let Some(token) = token {
            redactor.add(token.expose_secret());
        }
        redactor
    }

    fn add(&mut self, value: &str) {
        // An empty value would match everywhere and hide nothing.
        if !value.is_empty() {
            self.values.push(value.to_owned());
        }
    }

    fn collect(&mut self, value: &Value, secrets: &[&str]) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    match value {
                        Value::String(text) if secrets.contains(&key.as_str()) => self.add(text),
                        other => self.collect(other, secrets),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| self.collect(item, secrets)),
            _ => {}
        }
    }

    /// `text` with every secret value replaced.
    pub fn scrub(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for value in &self.values {
            if text.contains(value.as_str()) {
                text = text.replace(value.as_str(), REDACTED);
            }
        }
        text
    }

    /// Server text for an error's `Display` (an errmsg, a decoder's message, which may quote the
    /// body): secrets cut out, control characters escaped so it stays on one line, and at most
    /// [`EXCERPT_LIMIT`] bytes.
    pub fn one_line(&self, text: &str) -> String {
        let scrubbed = self.scrub(text);
        let mut line = String::new();
        for c in scrubbed.chars() {
            if line.len() >= EXCERPT_LIMIT {
                line.push('…');
                break;
            }
            if c.is_control() {
                line.extend(c.escape_default());
            } else {
                line.push(c);
            }
        }
        line
    }

    /// An excerpt of a response body for an error. A 2xx body of an endpoint with secret fields
    /// is withheld: it is where WeChat puts the secrets the endpoint returns.
    pub fn excerpt(&self, body: &[u8], operation: &Operation, success_status: bool) -> String {
        if success_status && !operation.secrets.is_empty() {
            return WITHHELD.to_owned();
        }
        self.scrub(&excerpt(body))
    }
}

/// The URL as it may be logged: the token and the endpoint's secret parameters redacted.
pub(crate) fn logged_url(url: &str, pairs: &[(&str, &str)], operation: &Operation) -> String {
    let mut logged = url.to_owned();
    for (index, (name, value)) in pairs.iter().enumerate() {
        let secret = Some(*name) == operation.token_query || operation.secrets.contains(name);
        let value = if secret { REDACTED } else { value };
        logged.push(if index == 0 { '?' } else { '&' });
        logged.push_str(&format!("{name}={value}"));
    }
    logged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::HttpMethod;

    const OPERATION: Operation = Operation {
        name: "op",
        method: HttpMethod::Post,
        host: "example.com",
        path: "/op",
        token_query: Some("access_token"),
        secrets: &["secret", "code"],
    };

    #[test]
    fn secrets_are_found_by_name_in_the_query_and_at_any_depth_of_the_body() {
        let body =
            br#"{"appid":"a","secret":"S3CR3T","nested":[{"code":"C0DE","other":"visible"}]}"#;
        let query = [("code", "Q-C0DE".to_owned()), ("page", "1".to_owned())];
        let redactor = Redactor::for_call(&OPERATION, &query, Some(body))
            .with_token(Some(&AccessToken::new("T0KEN")));
        assert_eq!(
            redactor.scrub("S3CR3T C0DE Q-C0DE T0KEN visible 1"),
            "<redacted> <redacted> <redacted> <redacted> visible 1"
        );
    }

    #[test]
    fn server_text_is_one_bounded_line() {
        let redactor = Redactor::default();
        assert_eq!(redactor.one_line("a\nb\tc"), "a\\nb\\tc");
        let long = redactor.one_line(&"x".repeat(10_000));
        assert!(long.len() <= EXCERPT_LIMIT + '…'.len_utf8() && long.ends_with('…'));
    }

    #[test]
    fn a_success_body_of_an_endpoint_with_secrets_is_withheld() {
        let redactor = Redactor::default();
        assert_eq!(redactor.excerpt(b"{}", &OPERATION, true), WITHHELD);
        assert_eq!(
            redactor.excerpt(b"bad gateway", &OPERATION, false),
            "bad gateway"
        );
    }

    #[test]
    fn logged_urls_show_no_secret_parameter() {
        let pairs = [("access_token", "T0KEN"), ("code", "C0DE"), ("page", "2")];
        assert_eq!(
            logged_url("https://example.com/op", &pairs, &OPERATION),
            "https://example.com/op?access_token=<redacted>&code=<redacted>&page=2"
        );
    }
}
