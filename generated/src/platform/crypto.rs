//! The encryption of a third-party platform's pushes (消息加解密): what WeChat posts to the
//! platform's authorization event URL, and the replies a platform encrypts for its callbacks.
//!
//! - The key is the base64 of the 43-character EncodingAESKey plus `=`: 32 bytes, AES-256.
//! - The cipher is AES-256-CBC with the key's first 16 bytes as the IV; the plaintext is padded
//!   PKCS#7-style to a multiple of **32** bytes (so a pad byte is 1 to 32, not 1 to 16).
//! - The plaintext is 16 random bytes, the message's byte length as a big-endian `u32`, the
//!   message (XML), then the platform's appid, which must be this platform's.
//! - `msg_signature` is the lowercase hex SHA-1 of the token, the timestamp, the nonce and the
//!   base64 ciphertext, sorted as strings and concatenated.

use super::push::PushError;
use crate::Secret;
use aes::Aes256;
use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::Engine;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use sha1::{Digest, Sha1};
use std::fmt;

/// WeChat pads to multiples of 32 bytes, the key's length, not AES's 16-byte block.
const PAD_BLOCK: usize = 32;
/// The random prefix of a plaintext.
const RANDOM_LEN: usize = 16;
/// The prefix and the length that follows it.
const HEADER_LEN: usize = RANDOM_LEN + 4;

/// The token, key and appid a platform configured for its pushes, and what it does with them.
///
/// Its `Debug` output shows the appid only.
#[derive(Clone)]
pub struct MessageCrypto {
    token: Secret,
    key: [u8; 32],
    /// The key before the last change of EncodingAESKey: pushes sent before the change still
    /// decrypt with it.
    previous_key: Option<[u8; 32]>,
    appid: String,
}

impl fmt::Debug for MessageCrypto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageCrypto")
            .field("appid", &self.appid)
            .finish_non_exhaustive()
    }
}

/// An EncodingAESKey that is not 43 characters of base64 making 32 bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the EncodingAESKey must be 43 letters and digits (base64 of 32 bytes), got {length} characters"
)]
pub struct InvalidAesKey {
    /// How many characters the key had.
    pub length: usize,
}

/// WeChat's keys are 43 random base64 characters, so the last one usually carries bits past
/// the 32 bytes; the official samples ignore them, as this engine does.
const KEY_ENGINE: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

fn decode_key(encoding_aes_key: &str) -> Result<[u8; 32], InvalidAesKey> {
    let invalid = InvalidAesKey {
        length: encoding_aes_key.chars().count(),
    };
    if encoding_aes_key.len() != 43 {
        return Err(invalid);
    }
    let bytes = KEY_ENGINE
        .decode(format!("{encoding_aes_key}="))
        .map_err(|_| invalid.clone())?;
    bytes.try_into().map_err(|_| invalid)
}

impl MessageCrypto {
    /// The crypto of the platform `appid`, with the token and EncodingAESKey of its settings
    /// ("消息校验Token" and "消息加解密Key").
    pub fn new(
        token: impl Into<Secret>,
        encoding_aes_key: &str,
        appid: impl Into<String>,
    ) -> Result<Self, InvalidAesKey> {
        Ok(Self {
            token: token.into(),
            key: decode_key(encoding_aes_key)?,
            previous_key: None,
            appid: appid.into(),
        })
    }

    /// Also decrypts with the EncodingAESKey used before the last change, as the documentation
    /// advises: pushes already under way still use it.
    pub fn with_previous_key(mut self, encoding_aes_key: &str) -> Result<Self, InvalidAesKey> {
        self.previous_key = Some(decode_key(encoding_aes_key)?);
        Ok(self)
    }

    /// The platform's appid, which every plaintext ends with.
    pub fn appid(&self) -> &str {
        &self.appid
    }

    /// `msg_signature` of a ciphertext: the hex SHA-1 of the token, `timestamp`, `nonce` and
    /// `encrypted`, sorted and concatenated.
    pub fn signature(&self, timestamp: &str, nonce: &str, encrypted: &str) -> String {
        let mut parts = [self.token.expose_secret(), timestamp, nonce, encrypted];
        parts.sort_unstable();
        let mut sha = Sha1::new();
        for part in parts {
            sha.update(part.as_bytes());
        }
        hex(&sha.finalize())
    }

    /// Checks `msg_signature` (not the URL's `signature`, which does not cover the ciphertext).
    pub fn verify(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        encrypted: &str,
    ) -> Result<(), PushError> {
        let expected = self.signature(timestamp, nonce, encrypted);
        // Compared in constant time: how far a forged signature matches must not show.
        let matches = expected.len() == msg_signature.len()
            && expected
                .bytes()
                .zip(msg_signature.bytes())
                .fold(0u8, |diff, (a, b)| diff | (a ^ b.to_ascii_lowercase()))
                == 0;
        if matches {
            Ok(())
        } else {
            Err(PushError::SignatureMismatch)
        }
    }

    /// The message inside `encrypted` (the base64 of an `Encrypt` element), after checking its
    /// padding, its length and that it ends with this platform's appid. Tries the previous key
    /// when the current one does not give a well-formed plaintext.
    pub fn decrypt(&self, encrypted: &str) -> Result<String, PushError> {
        let ciphertext = STANDARD
            .decode(encrypted.trim())
            .map_err(|error| PushError::Base64(error.to_string()))?;
        match self.decrypt_with(&self.key, &ciphertext) {
            Err(error) if !matches!(error, PushError::AppIdMismatch { .. }) => {
                match &self.previous_key {
                    Some(previous) => self.decrypt_with(previous, &ciphertext).map_err(|_| error),
                    None => Err(error),
                }
            }
            other => other,
        }
    }

    fn decrypt_with(&self, key: &[u8; 32], ciphertext: &[u8]) -> Result<String, PushError> {
        if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(16) {
            return Err(PushError::CiphertextLength {
                length: ciphertext.len(),
            });
        }
        let mut buffer = ciphertext.to_vec();
        let plain = cbc::Decryptor::<Aes256>::new(key.into(), key[..16].into())
            .decrypt_padded_mut::<NoPadding>(&mut buffer)
            .map_err(|_| PushError::CiphertextLength {
                length: ciphertext.len(),
            })?;
        let unpadded = unpad(plain)?;
        let (message, appid) = split_plaintext(unpadded)?;
        if appid != self.appid.as_bytes() {
            return Err(PushError::AppIdMismatch {
                expected: self.appid.clone(),
                found: String::from_utf8_lossy(appid).into_owned(),
            });
        }
        String::from_utf8(message.to_vec()).map_err(|_| PushError::NotUtf8)
    }

    /// The base64 ciphertext of `message`, with a fresh random prefix.
    pub fn encrypt(&self, message: &str) -> String {
        let mut random = [0u8; RANDOM_LEN];
        fill_random(&mut random);
        self.encrypt_with_prefix(random, message)
    }

    /// Like [`encrypt`](Self::encrypt), with the random prefix given: for known-answer tests.
    pub(crate) fn encrypt_with_prefix(&self, random: [u8; RANDOM_LEN], message: &str) -> String {
        let length = u32::try_from(message.len()).unwrap_or(u32::MAX);
        let mut plain =
            Vec::with_capacity(HEADER_LEN + message.len() + self.appid.len() + PAD_BLOCK);
        plain.extend_from_slice(&random);
        plain.extend_from_slice(&length.to_be_bytes());
        plain.extend_from_slice(message.as_bytes());
        plain.extend_from_slice(self.appid.as_bytes());
        let pad = PAD_BLOCK - plain.len() % PAD_BLOCK;
        plain.resize(plain.len() + pad, pad as u8);
        let length = plain.len();
        let ciphertext = cbc::Encryptor::<Aes256>::new((&self.key).into(), self.key[..16].into())
            .encrypt_padded_mut::<NoPadding>(&mut plain, length)
            .map(<[u8]>::to_vec)
            .unwrap_or_default();
        STANDARD.encode(ciphertext)
    }

    /// The encrypted reply to a push or a message, as WeChat expects it back: the `Encrypt`,
    /// `MsgSignature`, `TimeStamp` and `Nonce` elements.
    pub fn encrypt_reply(&self, message: &str, timestamp: &str, nonce: &str) -> String {
        reply_xml(self, &self.encrypt(message), timestamp, nonce)
    }
}

pub(crate) fn reply_xml(
    crypto: &MessageCrypto,
    encrypted: &str,
    timestamp: &str,
    nonce: &str,
) -> String {
    let signature = crypto.signature(timestamp, nonce, encrypted);
    // The base64 alphabet, a hex digest and the caller's timestamp and nonce: CDATA cannot be
    // broken out of by the first two; the last two are escaped.
    format!(
        "<xml>\n<Encrypt><![CDATA[{encrypted}]]></Encrypt>\n<MsgSignature><![CDATA[{signature}]]></MsgSignature>\n<TimeStamp>{}</TimeStamp>\n<Nonce>{}</Nonce>\n</xml>",
        quick_xml::escape::escape(timestamp),
        quick_xml::escape::escape(nonce),
    )
}

/// Removes WeChat's padding: the last byte says how many bytes (1 to 32) it added, each of
/// that value.
fn unpad(plain: &[u8]) -> Result<&[u8], PushError> {
    let Some(&last) = plain.last() else {
        return Err(PushError::Padding { value: 0 });
    };
    let pad = usize::from(last);
    if pad == 0 || pad > PAD_BLOCK || pad > plain.len() {
        return Err(PushError::Padding { value: last });
    }
    let (body, padding) = plain.split_at(plain.len() - pad);
    if padding.iter().any(|&byte| byte != last) {
        return Err(PushError::Padding { value: last });
    }
    Ok(body)
}

/// The message and the appid after the random prefix and the length.
fn split_plaintext(plain: &[u8]) -> Result<(&[u8], &[u8]), PushError> {
    let truncated = || PushError::Truncated {
        length: plain.len(),
    };
    let header = plain.get(RANDOM_LEN..HEADER_LEN).ok_or_else(truncated)?;
    let declared = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
    let end = usize::try_from(declared)
        .ok()
        .and_then(|length| HEADER_LEN.checked_add(length))
        .filter(|end| *end <= plain.len())
        .ok_or_else(truncated)?;
    Ok((&plain[HEADER_LEN..end], &plain[end..]))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    text
}

/// Random bytes from the operating system; the prefix makes equal messages encrypt differently.
fn fill_random(buffer: &mut [u8]) {
    if getrandom::fill(buffer).is_err() {
        // No OS randomness (never seen on a supported target): a weaker but still varying prefix.
        buffer.iter_mut().for_each(|byte| *byte = fastrand::u8(..));
    }
}

#[cfg(test)]
#[path = "crypto_tests.rs"]
mod tests;
