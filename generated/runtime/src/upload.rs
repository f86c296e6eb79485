//! A file to upload, from memory or from a path, and where a streamed download goes.

use std::fmt;
use std::path::{Path, PathBuf};

/// A file for a multipart upload (a `file` field of a spec): its bytes, or the path to read them
/// from, with the file name and content type its part carries.
///
/// A file from a path is opened when the request is sent, streamed rather than read into
/// memory, and opened again if the call is sent again (a retry, a refreshed token).
///
/// ```
/// use wechat_api_runtime::Upload;
///
/// let from_disk = Upload::from_path("/srv/uploads/cover.jpg"); // file name `cover.jpg`, `image/jpeg`
/// let in_memory = Upload::from_bytes("voice.amr", vec![0u8; 16]).content_type("audio/amr");
/// # let _ = (from_disk, in_memory);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Upload {
    source: Source,
    file_name: String,
    content_type: Option<String>,
}

#[derive(Clone, PartialEq, Eq)]
enum Source {
    Bytes(bytes::Bytes),
    Path(PathBuf),
}

impl Upload {
    /// A file whose bytes are in memory; cheap to clone and to send again.
    pub fn from_bytes(file_name: impl Into<String>, bytes: impl Into<bytes::Bytes>) -> Self {
        let file_name = file_name.into();
        Self {
            content_type: guess(&file_name),
            source: Source::Bytes(bytes.into()),
            file_name,
        }
    }

    /// A file on disk, named by the last component of its path. It is read when sent.
    pub fn from_path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".to_owned());
        Self {
            content_type: guess(&file_name),
            source: Source::Path(path),
            file_name,
        }
    }

    /// The file name the part carries (WeChat reads the file's type from it).
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = file_name.into();
        self
    }

    /// The part's content type, when the one guessed from the file name's extension is wrong.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The part's file name.
    pub fn name(&self) -> &str {
        &self.file_name
    }

    /// The path the file is read from, for a file on disk.
    pub fn path(&self) -> Option<&Path> {
        match &self.source {
            Source::Path(path) => Some(path),
            Source::Bytes(_) => None,
        }
    }

    /// The part for one attempt: bytes are shared, a path is opened again.
    pub(crate) async fn to_part(&self) -> std::io::Result<reqwest::multipart::Part> {
        let part = match &self.source {
            Source::Bytes(bytes) => {
                let length = bytes.len() as u64;
                let body = reqwest::Body::from(bytes.clone());
                reqwest::multipart::Part::stream_with_length(body, length)
            }
            Source::Path(path) => {
                let file = tokio::fs::File::open(path).await?;
                let length = file.metadata().await?.len();
                reqwest::multipart::Part::stream_with_length(reqwest::Body::from(file), length)
            }
        };
        let part = part.file_name(self.file_name.clone());
        match &self.content_type {
            Some(content_type) => part
                .mime_str(content_type)
                .map_err(|err| std::io::Error::new(std::io::ErrorKind::InvalidInput, err)),
            None => Ok(part),
        }
    }
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Upload");
        debug.field("file_name", &self.file_name);
        debug.field("content_type", &self.content_type);
        match &self.source {
            Source::Bytes(bytes) => debug.field("bytes", &bytes.len()),
            Source::Path(path) => debug.field("path", path),
        };
        debug.finish()
    }
}

/// The content type of a file name's extension, when it has a well-known one: the media types
/// table, and the voice format WeChat records in that the table lacks.
fn guess(file_name: &str) -> Option<String> {
    let extension = Path::new(file_name)
        .extension()?
        .to_str()?
        .to_ascii_lowercase();
    if extension == "amr" {
        return Some("audio/amr".to_owned());
    }
    mime_guess::from_ext(&extension)
        .first()
        .map(|mime| mime.essence_str().to_owned())
}

/// Where a streamed download goes: any async writer (a file, a socket, a buffer).
pub trait MediaSink: tokio::io::AsyncWrite + Unpin + Send {}

impl<W: tokio::io::AsyncWrite + Unpin + Send + ?Sized> MediaSink for W {}
