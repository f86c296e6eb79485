//! What WeChat pushes to a third-party platform's authorization event URL, read into typed
//! events: the envelope's `Encrypt` is verified and decrypted ([`MessageCrypto`]), and the
//! XML inside becomes a [`PlatformEvent`].

use super::crypto::MessageCrypto;
use super::store::StoreError;
use crate::Secret;
use serde::Deserialize;

/// The largest push body read: a push is under a kilobyte; anything near this is not WeChat's.
pub const MAX_PUSH_BYTES: usize = 64 * 1024;

/// What the platform answers a push with once it has handled it (plain text, HTTP 200).
pub const PUSH_REPLY: &str = "success";

/// The query parameters of a push (`…?timestamp=…&nonce=…&encrypt_type=aes&msg_signature=…`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PushQuery {
    /// `timestamp`.
    pub timestamp: String,
    /// `nonce`.
    pub nonce: String,
    /// `msg_signature`: what the ciphertext is checked against.
    pub msg_signature: String,
}

/// Why a push was refused: each says what was wrong, never a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PushError {
    /// The body is larger than [`MAX_PUSH_BYTES`].
    #[error("the push body is {length} bytes, more than the {MAX_PUSH_BYTES} a push can be")]
    TooLarge {
        /// Its length.
        length: usize,
    },
    /// The body is not the XML envelope of a push, or it has no `Encrypt`.
    #[error("the push body is not a push envelope: {0}")]
    Envelope(String),
    /// `msg_signature` does not match the ciphertext: not from WeChat, or tampered with.
    #[error(
        "the push's msg_signature does not match: not sent by WeChat with this platform's token"
    )]
    SignatureMismatch,
    /// `Encrypt` is not base64.
    #[error("the push's ciphertext is not base64: {0}")]
    Base64(String),
    /// The ciphertext is empty or not a whole number of AES blocks.
    #[error("the push's ciphertext is {length} bytes, not a positive multiple of 16")]
    CiphertextLength {
        /// Its length in bytes.
        length: usize,
    },
    /// The decrypted bytes do not end in valid padding: a wrong EncodingAESKey, or tampering.
    #[error(
        "the push does not decrypt to valid padding (last byte {value}): a wrong EncodingAESKey?"
    )]
    Padding {
        /// The last byte, which should say how many bytes of padding there are (1 to 32).
        value: u8,
    },
    /// The plaintext is shorter than its header, or than the length it declares.
    #[error("the push's plaintext is cut short ({length} bytes)")]
    Truncated {
        /// The plaintext's length without its padding.
        length: usize,
    },
    /// The plaintext ends with another platform's appid.
    #[error("the push is for appid {found}, not this platform's {expected}")]
    AppIdMismatch {
        /// This platform's appid.
        expected: String,
        /// The appid the push carries.
        found: String,
    },
    /// The message is not UTF-8.
    #[error("the push's message is not UTF-8")]
    NotUtf8,
    /// The decrypted message is not an event's XML, or lacks a field its `InfoType` needs.
    #[error("the push's message is not a platform event: {0}")]
    Event(String),
    /// The platform was built without [`push_crypto`](super::PlatformBuilder::push_crypto).
    #[error(
        "the platform has no push crypto: give PlatformBuilder::push_crypto the token and EncodingAESKey"
    )]
    NoCrypto,
    /// The push's `timestamp` is too far from now: a replay, or a clock far off.
    #[error("the push's timestamp {timestamp:?} is too far from now (a replay?)")]
    Stale {
        /// The `timestamp` it came with.
        timestamp: String,
    },
    /// The event was read, but storing what it carries failed: answer with an error status so
    /// that WeChat pushes it again.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An event WeChat pushes to a platform. Its `Debug` shows no ticket, code or other XML.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlatformEvent {
    /// `component_verify_ticket`: pushed every 10 minutes, valid 12 hours; what the platform's
    /// token is fetched with.
    VerifyTicket {
        /// The ticket.
        ticket: Secret,
        /// When WeChat made it, in Unix seconds.
        create_time: i64,
    },
    /// `authorized`: an account authorized the platform.
    Authorized(AuthorizationChange),
    /// `updateauthorized`: an account changed the permission sets it grants.
    UpdateAuthorized(AuthorizationChange),
    /// `unauthorized`: an account cancelled its authorization.
    Unauthorized {
        /// The account's appid.
        authorizer_appid: String,
        /// When, in Unix seconds.
        create_time: i64,
    },
    /// An `InfoType` this crate does not model (`notify_third_fasteregister`, …), with the
    /// decrypted XML.
    Other {
        /// The `InfoType`.
        info_type: String,
        /// The whole message.
        xml: String,
    },
}

impl std::fmt::Debug for PlatformEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::VerifyTicket { create_time, .. } => f
                .debug_struct("VerifyTicket")
                .field("create_time", create_time)
                .finish_non_exhaustive(),
            Self::Authorized(change) => f.debug_tuple("Authorized").field(change).finish(),
            Self::UpdateAuthorized(change) => {
                f.debug_tuple("UpdateAuthorized").field(change).finish()
            }
            Self::Unauthorized {
                authorizer_appid,
                create_time,
            } => f
                .debug_struct("Unauthorized")
                .field("authorizer_appid", authorizer_appid)
                .field("create_time", create_time)
                .finish(),
            // Another event's XML may carry codes: only its kind and size are shown.
            Self::Other { info_type, xml } => f
                .debug_struct("Other")
                .field("info_type", info_type)
                .field("xml_bytes", &xml.len())
                .finish(),
        }
    }
}

/// An authorization or a change of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationChange {
    /// The account's appid.
    pub authorizer_appid: String,
    /// The code to exchange with `api_query_auth` ([`Platform::complete_authorization`](super::Platform::complete_authorization)).
    pub authorization_code: Secret,
    /// When the code expires, as WeChat sends it (a Unix time in seconds in practice).
    pub authorization_code_expired_time: i64,
    /// The pre-authorization code the authorization used.
    pub pre_auth_code: Option<String>,
    /// When, in Unix seconds.
    pub create_time: i64,
}

/// The envelope: `<xml><AppId>…</AppId><Encrypt>…</Encrypt></xml>`, or `ToUserName` in place
/// of `AppId` for an account's messages, with plaintext siblings in compatibility mode. Only
/// `Encrypt` matters.
#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "Encrypt")]
    encrypt: Option<String>,
}

#[derive(Deserialize)]
struct EventXml {
    #[serde(rename = "InfoType")]
    info_type: Option<String>,
    #[serde(rename = "CreateTime")]
    create_time: Option<i64>,
    #[serde(rename = "ComponentVerifyTicket")]
    ticket: Option<String>,
    #[serde(rename = "AuthorizerAppid")]
    authorizer_appid: Option<String>,
    #[serde(rename = "AuthorizationCode")]
    authorization_code: Option<String>,
    #[serde(rename = "AuthorizationCodeExpiredTime")]
    authorization_code_expired_time: Option<i64>,
    #[serde(rename = "PreAuthCode")]
    pre_auth_code: Option<String>,
}

/// The `Encrypt` element of a push body.
pub(crate) fn envelope_ciphertext(body: &[u8]) -> Result<String, PushError> {
    if body.len() > MAX_PUSH_BYTES {
        return Err(PushError::TooLarge { length: body.len() });
    }
    let text = std::str::from_utf8(body).map_err(|_| PushError::Envelope("not UTF-8".into()))?;
    reject_doctype(text).map_err(PushError::Envelope)?;
    let envelope: Envelope =
        quick_xml::de::from_str(text).map_err(|error| PushError::Envelope(error.to_string()))?;
    envelope
        .encrypt
        .filter(|encrypt| !encrypt.trim().is_empty())
        .ok_or_else(|| PushError::Envelope("no `Encrypt` element".into()))
}

/// Verifies and decrypts a push body into its message.
pub fn open_push(
    crypto: &MessageCrypto,
    query: &PushQuery,
    body: &[u8],
) -> Result<String, PushError> {
    let encrypted = envelope_ciphertext(body)?;
    crypto.verify(
        &query.msg_signature,
        &query.timestamp,
        &query.nonce,
        &encrypted,
    )?;
    crypto.decrypt(&encrypted)
}

/// The event a decrypted message is.
pub fn parse_event(xml: &str) -> Result<PlatformEvent, PushError> {
    reject_doctype(xml).map_err(PushError::Event)?;
    let event: EventXml =
        quick_xml::de::from_str(xml).map_err(|error| PushError::Event(error.to_string()))?;
    let missing = |name: &str| PushError::Event(format!("no `{name}` element"));
    let info_type = event.info_type.clone().ok_or_else(|| missing("InfoType"))?;
    let create_time = event.create_time.unwrap_or_default();
    let change = |event: EventXml| -> Result<AuthorizationChange, PushError> {
        Ok(AuthorizationChange {
            authorizer_appid: event
                .authorizer_appid
                .ok_or_else(|| missing("AuthorizerAppid"))?,
            authorization_code: Secret::new(
                event
                    .authorization_code
                    .ok_or_else(|| missing("AuthorizationCode"))?,
            ),
            authorization_code_expired_time: event
                .authorization_code_expired_time
                .unwrap_or_default(),
            pre_auth_code: event.pre_auth_code,
            create_time,
        })
    };
    Ok(match info_type.trim() {
        "component_verify_ticket" => PlatformEvent::VerifyTicket {
            ticket: Secret::new(
                event
                    .ticket
                    .ok_or_else(|| missing("ComponentVerifyTicket"))?,
            ),
            create_time,
        },
        "authorized" => PlatformEvent::Authorized(change(event)?),
        "updateauthorized" => PlatformEvent::UpdateAuthorized(change(event)?),
        "unauthorized" => PlatformEvent::Unauthorized {
            authorizer_appid: event
                .authorizer_appid
                .ok_or_else(|| missing("AuthorizerAppid"))?,
            create_time,
        },
        _ => PlatformEvent::Other {
            info_type,
            xml: xml.to_owned(),
        },
    })
}

/// WeChat's XML has no document type; one can only be an attempt at entity tricks.
fn reject_doctype(xml: &str) -> Result<(), String> {
    let upper = xml.to_ascii_uppercase();
    if upper.contains("<!DOCTYPE") || upper.contains("<!ENTITY") {
        Err("a document type or entity declaration, which WeChat never sends".into())
    } else {
        Ok(())
    }
}
