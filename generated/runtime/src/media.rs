//! Answers that are files: an endpoint whose success is bytes (an image, a voice) and whose
//! errors are still a JSON envelope, or one whose success is either.
//!
//! Which it is comes from the answer itself, not only its `Content-Type`: gateways label JSON
//! errors `text/plain` (or `application/json:UTF-8`), so a body that starts with `{` and is not
//! labelled a file (no `Content-Disposition`, no image, audio or video type) is read as JSON;
//! anything else is the file.

use std::fmt;

/// A file an endpoint answered with, held in memory.
#[derive(Clone, PartialEq, Eq)]
pub struct Media {
    /// The `Content-Type` the server sent (`image/jpeg`), if any.
    pub content_type: Option<String>,
    /// The file name of the `Content-Disposition` header (`MEDIA_ID.jpg`), if any.
    pub file_name: Option<String>,
    /// The file, exactly as received.
    pub bytes: Vec<u8>,
}

impl fmt::Debug for Media {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Media")
            .field("content_type", &self.content_type)
            .field("file_name", &self.file_name)
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .finish()
    }
}

/// What a file written to a writer was (the `…_to_writer` methods).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaInfo {
    /// The `Content-Type` the server sent, if any.
    pub content_type: Option<String>,
    /// The file name of the `Content-Disposition` header, if any.
    pub file_name: Option<String>,
    /// How many bytes were written.
    pub len: u64,
}

/// The answer of an endpoint whose success is a JSON object for some calls and a file for
/// others (temporary media: a video's answer is `{"video_url": …}`, other media are files).
#[derive(Debug, Clone, PartialEq)]
pub enum MediaOr<T, M = Media> {
    /// The file: a [`Media`] in memory, or a [`MediaInfo`] when it was written to a writer.
    Media(M),
    /// The JSON answer.
    Json(T),
}

/// What the headers of an answer say about its body.
pub(crate) struct Headers {
    pub content_type: Option<String>,
    pub file_name: Option<String>,
    /// A `Content-Disposition` or a content type that says "a file".
    labelled_file: bool,
}

impl Headers {
    pub fn of(response: &reqwest::Response) -> Self {
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let disposition = header(reqwest::header::CONTENT_DISPOSITION);
        let file_type = content_type.as_deref().is_some_and(|t| {
            let t = t.trim_start().to_ascii_lowercase();
            ["image/", "audio/", "video/", "application/octet-stream"]
                .iter()
                .any(|prefix| t.starts_with(prefix))
        });
        Self {
            labelled_file: file_type || disposition.is_some(),
            file_name: disposition.as_deref().and_then(file_name),
            content_type,
        }
    }

    /// Whether a body whose first bytes are `start` is to be read as JSON.
    pub fn is_json(&self, start: &[u8]) -> bool {
        let first = start.iter().find(|b| !b.is_ascii_whitespace());
        !self.labelled_file && first == Some(&b'{')
    }

    pub fn media(self, bytes: Vec<u8>) -> Media {
        Media {
            content_type: self.content_type,
            file_name: self.file_name,
            bytes,
        }
    }

    pub fn info(self, len: u64) -> MediaInfo {
        MediaInfo {
            content_type: self.content_type,
            file_name: self.file_name,
            len,
        }
    }
}

/// The file name of a `Content-Disposition` value: `filename*=UTF-8''…` (percent-encoded), or
/// `filename="…"` / `filename=…`. Only the last path component is kept: a server's name must
/// not become a path.
fn file_name(disposition: &str) -> Option<String> {
    let mut plain = None;
    for param in disposition.split(';').map(str::trim) {
        let Some((key, value)) = param.split_once('=') else {
            continue;
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "filename*" => {
                let encoded = value.trim().splitn(3, '\'').nth(2)?;
                return percent_decode(encoded).map(|name| last_component(&name));
            }
            "filename" => plain = Some(value.trim().trim_matches('"').to_owned()),
            _ => {}
        }
    }
    plain
        .map(|name| last_component(&name))
        .filter(|name| !name.is_empty())
}

fn last_component(name: &str) -> String {
    name.rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = text.get(at + 1..at + 3)?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            at += 3;
        } else {
            decoded.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn file_names_come_from_either_form_of_the_header_and_never_hold_a_path() {
        assert_eq!(
            file_name(r#"attachment; filename="MEDIA_ID.jpg""#).as_deref(),
            Some("MEDIA_ID.jpg")
        );
        assert_eq!(
            file_name("attachment; filename=a.amr").as_deref(),
            Some("a.amr")
        );
        assert_eq!(
            file_name("attachment; filename=x.jpg; filename*=UTF-8''%E5%9B%BE.jpg").as_deref(),
            Some("图.jpg")
        );
        assert_eq!(
            file_name(r#"attachment; filename="../../etc/passwd""#).as_deref(),
            Some("passwd")
        );
        assert_eq!(file_name("attachment").as_deref(), None);
        assert_eq!(file_name("attachment; filename*=UTF-8''%E5%9B"), None);
    }
}
