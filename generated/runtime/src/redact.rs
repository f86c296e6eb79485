//! Keeping secrets out of what the client logs and what its errors show.
//!
//! Two layers: by name, the token's query parameter and the endpoint's `secret` fields are
//! redacted from logged URLs, and a success body of an endpoint with secret fields is never
//! excerpted; by value, every secret the call sent (the token, secret query parameters, secret
//! body fields) is cut out of any server text an error keeps, since a gateway page or an errmsg
//! may echo the request.
//!
//! The cut comes after the scrub, never before: text is scrubbed first and bounded second, so
//! a secret that straddles the bound is removed whole rather than leaving its first bytes. A
//! piece of a secret at least [`MIN_PIECE`] bytes long that starts like the secret or ends like
//! it (a truncated echo, a body that stops in the middle of a token) is removed too.

use super::body::Body;
use super::{AccessToken, EXCERPT_LIMIT, Operation};
use serde_json::Value;
use std::ops::Range;

const REDACTED: &str = "<redacted>";
const WITHHELD: &str = "<withheld: the body may carry a secret field>";

/// The shortest run of a secret's first or last bytes that is redacted when it appears without
/// the rest of the secret. Shorter runs are left: five characters of a 150-character token or a
/// 32-digit AppSecret say next to nothing, and redacting shorter coincidences mangles ordinary
/// text (a test secret `token-1` would take `access_token` with it).
pub(crate) const MIN_PIECE: usize = 6;

/// How much server text is scrubbed for one bounded excerpt: enough to fill
/// [`EXCERPT_LIMIT`] after secrets shrank to [`REDACTED`], with a secret straddling the end of
/// this window still recognised by its first bytes.
const SCRUB_WINDOW: usize = 4 * EXCERPT_LIMIT;

/// The secret values of one call.
#[derive(Default)]
pub(crate) struct Redactor {
    values: Vec<String>,
}

impl Redactor {
    /// The secrets in a call's query parameters and body (a JSON body, or multipart text
    /// parts), found by the endpoint's secret field names (at any depth of a JSON body).
    pub fn for_call(operation: &Operation, query: &[(&str, String)], body: &Body) -> Self {
        let mut redactor = Self::default();
        if operation.secrets.is_empty() {
            return redactor;
        }
        for (name, value) in query {
            if operation.secrets.contains(name) {
                redactor.add(value);
            }
        }
        for (name, text) in body.text_parts() {
            if operation.secrets.contains(&name) {
                redactor.add(text);
            } else if text.starts_with(['{', '[']) {
                // A JSON part (an object, a list) may hold secret fields of its own.
                if let Ok(json) = serde_json::from_str::<Value>(text) {
                    redactor.collect(&json, operation.secrets);
                }
            }
        }
        if let Some(json) = body
            .json_bytes()
            .and_then(|b| serde_json::from_slice::<Value>(b).ok())
        {
            redactor.collect(&json, operation.secrets);
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

    /// `text` with every secret value, and every piece of one that starts or ends like it,
    /// replaced.
    pub fn scrub(&self, text: &str) -> String {
        let mut ranges = Vec::new();
        for secret in &self.values {
            secret_ranges(text, secret, &mut ranges);
        }
        if ranges.is_empty() {
            return text.to_owned();
        }
        ranges.sort_unstable_by_key(|range| (range.start, range.end));
        let mut scrubbed = String::with_capacity(text.len());
        let mut copied_to = 0;
        for range in ranges {
            if range.end <= copied_to {
                continue;
            }
            if range.start >= copied_to {
                scrubbed.push_str(&text[copied_to..range.start]);
                scrubbed.push_str(REDACTED);
            }
            // An overlapping range extends the redaction already written.
            copied_to = range.end;
        }
        scrubbed.push_str(&text[copied_to..]);
        scrubbed
    }

    /// Server text for an error's `Display` (an errmsg, a decoder's message, which may quote the
    /// body): secrets cut out, control characters escaped so it stays on one line, and at most
    /// [`EXCERPT_LIMIT`] bytes.
    pub fn one_line(&self, text: &str) -> String {
        self.bounded(text, true)
    }

    /// An excerpt of a response body for an error: lossy UTF-8, secrets cut out, at most
    /// [`EXCERPT_LIMIT`] bytes. A 2xx body of an endpoint with secret fields is withheld: it is
    /// where WeChat puts the secrets the endpoint returns.
    pub fn excerpt(&self, body: &[u8], operation: &Operation, success_status: bool) -> String {
        if success_status && !operation.secrets.is_empty() {
            return WITHHELD.to_owned();
        }
        let window = &body[..body.len().min(SCRUB_WINDOW)];
        let text = String::from_utf8_lossy(window);
        let mut excerpt = self.bounded(&text, false);
        if window.len() < body.len() && !excerpt.ends_with('…') {
            excerpt.push('…');
        }
        excerpt
    }

    /// Scrubs the start of `text` (the [`SCRUB_WINDOW`]), then cuts it to [`EXCERPT_LIMIT`]
    /// bytes, marking a cut with `…`. Scrubbing first is what keeps a secret that straddles
    /// the cut from leaving its first bytes behind.
    fn bounded(&self, text: &str, escape_controls: bool) -> String {
        let window = &text[..floor_char_boundary(text, SCRUB_WINDOW)];
        let scrubbed = self.scrub(window);
        let mut line = String::new();
        let mut chars = scrubbed.chars();
        for c in chars.by_ref() {
            if line.len() >= EXCERPT_LIMIT {
                line.push('…');
                return line;
            }
            if escape_controls && c.is_control() {
                line.extend(c.escape_default());
            } else {
                line.push(c);
            }
        }
        if window.len() < text.len() {
            line.push('…');
        }
        line
    }
}

/// The byte ranges of `text` to redact for one secret: its whole occurrences, and runs of at
/// least [`MIN_PIECE`] bytes that start like it (a cut or truncated echo) or end like it (text
/// that starts in the middle of it). Ranges are widened to character boundaries.
fn secret_ranges(text: &str, secret: &str, ranges: &mut Vec<Range<usize>>) {
    let (text_bytes, secret_bytes) = (text.as_bytes(), secret.as_bytes());
    if secret_bytes.len() < MIN_PIECE {
        let mut from = 0;
        while let Some(found) = text[from..].find(secret) {
            ranges.push(from + found..from + found + secret.len());
            from += found + secret.len();
        }
        return;
    }
    let head = &secret_bytes[..MIN_PIECE];
    let tail = &secret_bytes[secret_bytes.len() - MIN_PIECE..];
    for start in occurrences(text_bytes, head) {
        let matched = common_prefix(&text_bytes[start..], secret_bytes);
        ranges.push(widen(text, start..start + matched));
    }
    for start in occurrences(text_bytes, tail) {
        let end = start + MIN_PIECE;
        let matched = common_suffix(&text_bytes[..end], secret_bytes);
        ranges.push(widen(text, end - matched..end));
    }
}

fn occurrences<'a>(haystack: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(move |(_, window)| *window == needle)
        .map(|(at, _)| at)
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// `range` grown to the character boundaries around it (a match may end inside a character
/// where the text and the secret share its first bytes).
fn widen(text: &str, mut range: Range<usize>) -> Range<usize> {
    while !text.is_char_boundary(range.start) {
        range.start -= 1;
    }
    while !text.is_char_boundary(range.end) {
        range.end += 1;
    }
    range
}

/// The largest character boundary of `text` at or below `at`.
fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The URL as it may be logged: the token and the endpoint's secret parameters redacted.
pub(crate) fn logged_url(url: &str, pairs: &[(&str, &str)], operation: &Operation) -> String {
    let mut logged = url.to_owned();
    for (index, (name, value)) in pairs.iter().enumerate() {
        let token = operation.token.map(|token| token.query_param);
        let secret = Some(*name) == token || operation.secrets.contains(name);
        let value = if secret { REDACTED } else { value };
        logged.push(if index == 0 { '?' } else { '&' });
        logged.push_str(&format!("{name}={value}"));
    }
    logged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HttpMethod;

    const OPERATION: Operation = Operation {
        name: "op",
        method: HttpMethod::Post,
        host: "example.com",
        path: "/op",
        token: Some(crate::TokenUse {
            kind: crate::TokenKind::ACCESS_TOKEN,
            query_param: "access_token",
        }),
        secrets: &["secret", "code"],
        body_constants: &[],
        max_media_bytes: None,
    };

    #[test]
    fn secrets_are_found_by_name_in_the_query_and_at_any_depth_of_the_body() {
        let body =
            br#"{"appid":"a","secret":"S3CR3T","nested":[{"code":"C0DE","other":"visible"}]}"#;
        let query = [("code", "Q-C0DE".to_owned()), ("page", "1".to_owned())];
        let body = Body::Json(Ok(body.to_vec()));
        let redactor = Redactor::for_call(&OPERATION, &query, &body)
            .with_token(Some(&AccessToken::new("T0KEN")));
        assert_eq!(
            redactor.scrub("S3CR3T C0DE Q-C0DE T0KEN visible 1"),
            "<redacted> <redacted> <redacted> <redacted> visible 1"
        );
    }

    /// A token of a real token's length (about 150 characters), its ends unlike the padding.
    const LONG_TOKEN: &str = "Tq9Z_85_kL2mXw7vB3nR0cY4dH6fJ1gP8sA5eU2iO9tW3yQ7uE0rT4zX6cV1bN8mK2jH5gF3dS9aL7pO0iU4yT6rE1wQ8zX3cV5bN7mM2kJ9hG4fD6sA1pL8oK3iJ5uH7yG0tF2rD4eS6wA9qZxLw";

    /// Where `LONG_TOKEN`'s first or last bytes show (at least `MIN_PIECE` of them).
    fn leaks(text: &str) -> bool {
        let end = LONG_TOKEN.len() - MIN_PIECE;
        text.contains(&LONG_TOKEN[..MIN_PIECE]) || text.contains(&LONG_TOKEN[end..])
    }

    #[test]
    fn a_secret_straddling_the_cut_is_removed_whole_at_every_offset() {
        let redactor = Redactor::default().with_token(Some(&AccessToken::new(LONG_TOKEN)));
        for offset in 0..EXCERPT_LIMIT + 16 {
            let text = format!("{}{LONG_TOKEN}{}", "x".repeat(offset), "y".repeat(600));
            let excerpt = redactor.excerpt(text.as_bytes(), &OPERATION, false);
            let line = redactor.one_line(&text);
            for shown in [&excerpt, &line] {
                assert!(!leaks(shown), "offset {offset}: {shown}");
                assert!(
                    shown.len() <= EXCERPT_LIMIT + '…'.len_utf8(),
                    "offset {offset}"
                );
            }
        }
    }

    #[test]
    fn pieces_of_a_secret_at_either_end_of_a_text_are_removed() {
        let redactor = Redactor::default().with_token(Some(&AccessToken::new(LONG_TOKEN)));
        // A body that stops in the middle of the token, and one that starts in its middle.
        let truncated = format!("gateway echo: {}", &LONG_TOKEN[..60]);
        assert_eq!(redactor.scrub(&truncated), "gateway echo: <redacted>");
        let resumed = format!("{} and more", &LONG_TOKEN[90..]);
        assert_eq!(redactor.scrub(&resumed), "<redacted> and more");
        // Five characters are not a piece; six are.
        assert_eq!(redactor.scrub("Tq9Z_ stays"), "Tq9Z_ stays");
        assert_eq!(redactor.scrub("Tq9Z_8 goes"), "<redacted> goes");
        // Overlapping and adjacent pieces make one redaction each.
        let twice = format!("{LONG_TOKEN}{LONG_TOKEN}!");
        assert_eq!(redactor.scrub(&twice), "<redacted><redacted>!");
    }

    #[test]
    fn pieces_of_secrets_of_several_bytes_a_character_are_cut_on_character_boundaries() {
        let secret = "密钥é-ABCDEFGH-秘密";
        let redactor = Redactor::default().with_token(Some(&AccessToken::new(secret)));
        // The text shares the secret's first bytes up to the middle of `é`.
        assert_eq!(redactor.scrub("[密钥è]"), "[<redacted>]");
        assert_eq!(redactor.scrub("x-秘密"), "x<redacted>");
    }

    #[test]
    fn secrets_in_json_parts_of_a_multipart_body_are_found_by_name() {
        use crate::body::Part;
        let nested = serde_json::json!({"info": {"secret": "P4RT-S3CR3T"}});
        let body = Body::multipart(vec![
            Part::json("description", &nested),
            Part::text("code", "T3XT-C0DE".to_owned()),
            Part::text("title", "visible".to_owned()),
        ]);
        let redactor = Redactor::for_call(&OPERATION, &[], &body);
        assert_eq!(
            redactor.scrub("P4RT-S3CR3T T3XT-C0DE visible"),
            "<redacted> <redacted> visible"
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
