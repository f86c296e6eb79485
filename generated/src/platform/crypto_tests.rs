//! The crypto against the official vectors (`crypto_vectors.json`, with where each is from),
//! and against tampered input: each a typed error, never a panic.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::platform::push::{PushQuery, open_push, parse_event};
use crate::platform::{PlatformEvent, PushError};

const VECTORS: &str = include_str!("crypto_vectors.json");

fn vectors(list: &str) -> Vec<serde_json::Value> {
    let all: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
    all[list].as_array().unwrap().clone()
}

fn text<'a>(vector: &'a serde_json::Value, key: &str) -> &'a str {
    vector[key]
        .as_str()
        .unwrap_or_else(|| panic!("{} has no {key}", vector["name"]))
}

fn crypto_of(vector: &serde_json::Value) -> MessageCrypto {
    MessageCrypto::new(
        vector["token"].as_str().unwrap_or("unused"),
        text(vector, "encoding_aes_key"),
        text(vector, "appid"),
    )
    .unwrap()
}

fn query_of(vector: &serde_json::Value) -> PushQuery {
    PushQuery {
        timestamp: text(vector, "timestamp").to_owned(),
        nonce: text(vector, "nonce").to_owned(),
        msg_signature: text(vector, "msg_signature").to_owned(),
    }
}

fn envelope(encrypt: &str) -> String {
    format!("<xml><AppId><![CDATA[wx]]></AppId><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>")
}

#[test]
fn the_official_pushes_verify_and_decrypt_to_their_messages() {
    let list = vectors("vectors");
    assert_eq!(list.len(), 3);
    for vector in &list {
        let crypto = crypto_of(vector);
        let body = match vector.get("envelope") {
            Some(envelope) => envelope.as_str().unwrap().to_owned(),
            None => envelope(text(vector, "encrypt")),
        };
        let message = open_push(&crypto, &query_of(vector), body.as_bytes())
            .unwrap_or_else(|error| panic!("{}: {error}", vector["name"]));
        assert_eq!(message, text(vector, "message"), "{}", vector["name"]);
    }
}

#[test]
fn the_official_encryptions_are_reproduced_byte_for_byte() {
    for vector in &vectors("known_answer_encryptions") {
        let crypto = crypto_of(vector);
        let random: [u8; 16] = text(vector, "random").as_bytes().try_into().unwrap();
        let encrypted = crypto.encrypt_with_prefix(random, text(vector, "message"));
        assert_eq!(encrypted, text(vector, "encrypt"), "{}", vector["name"]);
        assert_eq!(crypto.decrypt(&encrypted).unwrap(), text(vector, "message"));
        if let Some(signature) = vector.get("msg_signature") {
            let reply = reply_xml(
                &crypto,
                &encrypted,
                text(vector, "timestamp"),
                text(vector, "nonce"),
            );
            assert!(
                reply.contains(&format!(
                    "<MsgSignature><![CDATA[{}]]></MsgSignature>",
                    signature.as_str().unwrap()
                )),
                "{reply}"
            );
            assert!(reply.contains(&format!("<Encrypt><![CDATA[{encrypted}]]></Encrypt>")));
        }
    }
}

#[test]
fn a_reply_with_a_random_prefix_opens_as_a_push() {
    let crypto = MessageCrypto::new("token", &"A".repeat(43), "wx_platform").unwrap();
    let first = crypto.encrypt("<xml>hi</xml>");
    assert_ne!(
        first,
        crypto.encrypt("<xml>hi</xml>"),
        "the prefix is random"
    );
    let reply = crypto.encrypt_reply("<xml>hi</xml>", "1700000000", "n1");
    let encrypted = reply
        .split("<Encrypt><![CDATA[")
        .nth(1)
        .and_then(|rest| rest.split("]]>").next())
        .unwrap();
    let query = PushQuery {
        timestamp: "1700000000".into(),
        nonce: "n1".into(),
        msg_signature: crypto.signature("1700000000", "n1", encrypted),
    };
    assert_eq!(
        open_push(&crypto, &query, reply.as_bytes()).unwrap(),
        "<xml>hi</xml>"
    );
}

/// The first official vector, and a way to change it.
fn push_vector() -> (MessageCrypto, PushQuery, String) {
    let vector = &vectors("vectors")[0];
    (
        crypto_of(vector),
        query_of(vector),
        text(vector, "encrypt").to_owned(),
    )
}

#[test]
fn a_wrong_signature_is_refused_before_decrypting() {
    let (crypto, mut query, encrypt) = push_vector();
    query.msg_signature = "0".repeat(40);
    let error = open_push(&crypto, &query, envelope(&encrypt).as_bytes()).unwrap_err();
    assert!(matches!(error, PushError::SignatureMismatch), "{error:?}");
    // A changed ciphertext no longer matches the signature either.
    let (crypto, query, mut encrypt) = push_vector();
    encrypt.replace_range(0..1, "E");
    let error = open_push(&crypto, &query, envelope(&encrypt).as_bytes()).unwrap_err();
    assert!(matches!(error, PushError::SignatureMismatch), "{error:?}");
}

#[test]
fn a_push_for_another_platform_is_refused() {
    let (_, query, encrypt) = push_vector();
    let other = MessageCrypto::new("AAAAA", &"A".repeat(43), "wx_someone_else").unwrap();
    let error = open_push(&other, &query, envelope(&encrypt).as_bytes()).unwrap_err();
    match error {
        PushError::AppIdMismatch { expected, found } => {
            assert_eq!(expected, "wx_someone_else");
            assert_eq!(found, "wx134c8103faa5a59e");
        }
        other => panic!("{other:?}"),
    }
}

/// Encrypts `plain` as is (no padding added), to make broken plaintexts.
fn raw_encrypt(crypto: &MessageCrypto, plain: &[u8]) -> String {
    let mut buffer = plain.to_vec();
    let length = buffer.len();
    let sealed = cbc::Encryptor::<Aes256>::new((&crypto.key).into(), crypto.key[..16].into())
        .encrypt_padded_mut::<NoPadding>(&mut buffer, length)
        .unwrap()
        .to_vec();
    STANDARD.encode(sealed)
}

#[test]
fn broken_plaintexts_are_typed_errors() {
    let crypto = MessageCrypto::new("t", &"A".repeat(43), "wx_platform").unwrap();
    // Padding bytes that disagree, a pad of 0, a pad of 33.
    let mut plain = vec![b'r'; 16];
    plain.extend_from_slice(&3u32.to_be_bytes());
    plain.extend_from_slice(b"abcwx_platform");
    let pad = 32 - plain.len() % 32;
    let mut bad = plain.clone();
    bad.resize(plain.len() + pad, pad as u8);
    bad[plain.len()] ^= 1;
    for broken in [bad, vec![0u8; 32], vec![33u8; 64]] {
        let error = crypto.decrypt(&raw_encrypt(&crypto, &broken)).unwrap_err();
        assert!(matches!(error, PushError::Padding { .. }), "{error:?}");
    }
    // A declared length beyond the end, and a plaintext shorter than its header.
    let mut long = vec![b'r'; 16];
    long.extend_from_slice(&1000u32.to_be_bytes());
    long.extend_from_slice(b"abc");
    let pad = 32 - long.len() % 32;
    long.resize(long.len() + pad, pad as u8);
    let error = crypto.decrypt(&raw_encrypt(&crypto, &long)).unwrap_err();
    assert!(matches!(error, PushError::Truncated { .. }), "{error:?}");
    let mut short = vec![b'r'; 8];
    short.resize(32, 24);
    let error = crypto.decrypt(&raw_encrypt(&crypto, &short)).unwrap_err();
    assert!(matches!(error, PushError::Truncated { .. }), "{error:?}");
    // Not base64; not a whole number of blocks; empty.
    for (input, want) in [("@@@", "base64"), ("AAAA", "length"), ("", "length")] {
        let error = crypto.decrypt(input).unwrap_err();
        let ok = match want {
            "base64" => matches!(error, PushError::Base64(_)),
            _ => matches!(error, PushError::CiphertextLength { .. }),
        };
        assert!(ok, "{input:?}: {error:?}");
    }
}

#[test]
fn a_truncated_ciphertext_is_refused() {
    let (crypto, _, encrypt) = push_vector();
    let bytes = STANDARD.decode(&encrypt).unwrap();
    for cut in [bytes.len() - 16, 16, 5] {
        let error = crypto.decrypt(&STANDARD.encode(&bytes[..cut])).unwrap_err();
        assert!(
            matches!(
                error,
                PushError::Padding { .. }
                    | PushError::Truncated { .. }
                    | PushError::CiphertextLength { .. }
                    | PushError::AppIdMismatch { .. }
            ),
            "{cut}: {error:?}"
        );
    }
}

#[test]
fn the_previous_key_still_opens_pushes_sent_before_a_change() {
    let (old, _, encrypt) = push_vector();
    let rotated = MessageCrypto::new(
        "AAAAA",
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        old.appid(),
    )
    .unwrap();
    assert!(rotated.decrypt(&encrypt).is_err());
    let rotated = rotated.with_previous_key(&"A".repeat(43)).unwrap();
    assert!(rotated.decrypt(&encrypt).unwrap().contains("debug_demo"));
}

#[test]
fn keys_that_are_not_43_base64_characters_are_refused() {
    for key in ["short", &"A".repeat(44), &format!("{}!", "A".repeat(42))] {
        assert!(MessageCrypto::new("t", key, "wx").is_err(), "{key}");
    }
    let shown = format!(
        "{:?}",
        MessageCrypto::new("the-token", &"A".repeat(43), "wx1").unwrap()
    );
    assert!(!shown.contains("the-token"), "{shown}");
}

#[test]
fn envelopes_and_events_that_are_not_wechat_s_are_refused() {
    let (crypto, query, _) = push_vector();
    for body in [
        "not xml at all",
        "<xml><AppId>wx</AppId></xml>",
        "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><xml><Encrypt>&e;</Encrypt></xml>",
    ] {
        let error = open_push(&crypto, &query, body.as_bytes()).unwrap_err();
        assert!(matches!(error, PushError::Envelope(_)), "{body}: {error:?}");
    }
    let huge = vec![b' '; crate::platform::MAX_PUSH_BYTES + 1];
    assert!(matches!(
        open_push(&crypto, &query, &huge),
        Err(PushError::TooLarge { .. })
    ));
    assert!(matches!(
        parse_event("<xml><AppId>wx</AppId></xml>"),
        Err(PushError::Event(_))
    ));
    assert!(matches!(
        parse_event("<xml><InfoType>authorized</InfoType></xml>"),
        Err(PushError::Event(_))
    ));
}

#[test]
fn the_documented_events_are_read_in_plain_text_and_in_cdata() {
    let ticket = parse_event(
        "<xml><AppId><![CDATA[wx9bd52800ff14f997]]></AppId><CreateTime>1475950934</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[ticket@@@XDvE]]></ComponentVerifyTicket></xml>",
    )
    .unwrap();
    assert_eq!(
        ticket,
        PlatformEvent::VerifyTicket {
            ticket: crate::Secret::new("ticket@@@XDvE"),
            create_time: 1_475_950_934
        }
    );
    let authorized = parse_event(
        "<xml>\n<AppId>wx_platform</AppId>\n<CreateTime>1413192760</CreateTime>\n<InfoType>authorized</InfoType>\n<AuthorizerAppid>wx_account</AuthorizerAppid>\n<AuthorizationCode>code123</AuthorizationCode>\n<AuthorizationCodeExpiredTime>1413196360</AuthorizationCodeExpiredTime>\n<PreAuthCode>pre456</PreAuthCode>\n</xml>",
    )
    .unwrap();
    let PlatformEvent::Authorized(change) = authorized else {
        panic!("{authorized:?}")
    };
    assert_eq!(change.authorizer_appid, "wx_account");
    assert_eq!(change.authorization_code.expose_secret(), "code123");
    assert_eq!(change.authorization_code_expired_time, 1_413_196_360);
    assert_eq!(change.pre_auth_code.as_deref(), Some("pre456"));
    let unauthorized = parse_event(
        "<xml><AppId>wx</AppId><CreateTime>1</CreateTime><InfoType>unauthorized</InfoType><AuthorizerAppid>wx_gone</AuthorizerAppid></xml>",
    )
    .unwrap();
    assert_eq!(
        unauthorized,
        PlatformEvent::Unauthorized {
            authorizer_appid: "wx_gone".into(),
            create_time: 1
        }
    );
    let other = parse_event("<xml><InfoType>notify_third_fasteregister</InfoType></xml>").unwrap();
    assert!(
        matches!(other, PlatformEvent::Other { info_type, .. } if info_type == "notify_third_fasteregister")
    );
}
