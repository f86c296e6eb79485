//! What the client makes of one answer once its body is read: the HTTP status, the envelope
//! (`errcode`, `errmsg`), and the endpoint's own response type within the memory bound.
//!
//! Everything here is synchronous and takes bytes, so the fuzz target and the property tests
//! drive exactly the path a call takes.

use super::budget::{self, Budget};
use super::de::{Key, Keys, Object, Seen};
use super::redact::Redactor;
use super::{ApiError, Error, Operation};
use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// How many times [`max_response_bytes`](crate::ClientBuilder::max_response_bytes) the vectors
/// and maps of one decoded answer (and the JSON parser's buffers) may take.
///
/// One, because it is the limit that is multiplied, not the body: counted as the budget counts
/// (every vector at its peak while it grows, every map entry), the documented example of
/// `wxamplinkget` takes 1.2 times its own size, a page of 1,000 links 1.1 times and a list of
/// 10,000 openids 1.3 times, while the largest JSON answers of the API (that list, about
/// 0.3 MB) are a few percent of the default limit. No real answer comes near the bound, and a
/// body of tiny objects (13 bytes each, 208 once decoded) stops at the limit instead of twenty
/// times it.
pub(crate) const DECODED_FACTOR: usize = 1;

/// The most one answer makes the client hold, in multiples of `max_response_bytes`: the body
/// (at most the limit), its strings once decoded (no more bytes than they have in the body),
/// and the vectors and maps they fill (`DECODED_FACTOR` times the limit).
pub const MEMORY_BOUND_FACTOR: usize = 2 + DECODED_FACTOR;

/// Reads an answer: a non-2xx status, an undecodable body, a non-zero `errcode` and a body that
/// would decode past the memory bound each give their own [`Error`].
pub(crate) fn read_answer<R: Object, E: ApiError>(
    operation: &Operation,
    status: u16,
    body: &[u8],
    redactor: &Redactor,
    max_response_bytes: usize,
) -> Result<R, Error<E>> {
    let success = (200..300).contains(&status);
    if !success {
        return Err(status_error(operation, status, body, redactor));
    }
    let body_excerpt = || redactor.excerpt(body, operation, success);
    let decode_error = |err: serde_json::Error| Error::Decode {
        operation: operation.name,
        reason: redactor.one_line(&err.to_string()),
        body_excerpt: body_excerpt(),
    };
    // What the decoded value may allocate: the bound, less what the parser may take beside it.
    let bound = max_response_bytes.saturating_mul(DECODED_FACTOR);
    let for_values = bound.checked_sub(budget::parser_reserve(body, max_response_bytes));
    let api_error = |errcode: i64, errmsg: &str| {
        // The errmsg reaches `Display`: one bounded line, without anything the call sent.
        let errmsg = redactor.one_line(errmsg);
        tracing::debug!(errcode, errmsg = %errmsg, "WeChat answered with an error");
        Error::Api(E::from_errcode(errcode, errmsg))
    };
    // One pass reads the envelope and the endpoint's fields together.
    let failed = match for_values {
        Some(for_values) => {
            let budget = Budget::new(for_values);
            match budget::from_slice::<Answer<R>>(body) {
                Ok(Answer::Success(value)) => return Ok(value),
                Ok(Answer::Failure { errcode, errmsg }) => return Err(api_error(errcode, &errmsg)),
                Err(err) => Some((err, budget.exceeded())),
            }
        }
        None => None,
    };
    // It failed (or could not be tried): an error answer whose other fields do not fit the
    // endpoint's type, an errmsg that is not text, a body past the bound, or not the JSON
    // documented. The envelope alone tells the first two from the others.
    let envelope = Envelope::read(body, for_values);
    if let Ok(envelope) = &envelope
        && envelope.errcode != 0
    {
        return Err(api_error(envelope.errcode, &envelope.errmsg));
    }
    match failed {
        Some((err, false)) => Err(decode_error(err)),
        // The bound ran out, or the parser alone could pass it.
        _ => Err(Error::DecodedTooLarge {
            operation: operation.name,
            limit: bound,
        }),
    }
}

/// The error of an answer with a status other than 2xx, with an excerpt of its body.
pub(crate) fn status_error<E: ApiError>(
    operation: &Operation,
    status: u16,
    body: &[u8],
    redactor: &Redactor,
) -> Error<E> {
    Error::HttpStatus {
        operation: operation.name,
        status,
        body_excerpt: redactor.excerpt(body, operation, false),
    }
}

/// One answer read in one pass: the endpoint's value when `errcode` is 0 or absent, or the code
/// and its message. Fields of the endpoint that come after a non-zero code are skipped.
enum Answer<T> {
    Success(T),
    Failure { errcode: i64, errmsg: String },
}

/// The names the answer reads beside the endpoint's fields.
const ENVELOPE: &[&str] = &["errcode", "errmsg"];

impl<'de, T: Object> Deserialize<'de> for Answer<T> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct(T::NAME, T::FIELDS, AnswerVisitor(PhantomData))
    }
}

struct AnswerVisitor<T>(PhantomData<T>);

impl<'de, T: Object> Visitor<'de> for AnswerVisitor<T> {
    type Value = Answer<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Answer<T>, A::Error> {
        let mut slots = T::slots();
        let mut seen = Seen::default();
        let (mut errcode, mut errmsg) = (None, None);
        let keys = || {
            let keys = Keys::of::<T>(ENVELOPE);
            if T::CAPTURES_UNKNOWN {
                keys.naming_unknown()
            } else {
                keys
            }
        };
        while let Some(key) = map.next_key_seed(keys())? {
            match key {
                Key::Field(index) if errcode.is_none_or(|code| code == 0) => {
                    seen.first_time::<A::Error>(index, T::FIELDS[index])?;
                    T::read(&mut slots, index, &mut map)?;
                }
                Key::Extra(0) if errcode.is_none() => errcode = Some(map.next_value::<Code>()?.0),
                Key::Extra(1) if errmsg.is_none() => {
                    errmsg = Some(map.next_value::<LossyText>()?.0)
                }
                Key::Extra(index) => {
                    return Err(de::Error::duplicate_field(ENVELOPE[index.min(1)]));
                }
                Key::Named(name) if errcode.is_none_or(|code| code == 0) => {
                    T::read_unknown(&mut slots, name, &mut map)?;
                }
                Key::Field(_) | Key::Named(_) | Key::Unknown => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match errcode {
            Some(errcode) if errcode != 0 => Ok(Answer::Failure {
                errcode,
                errmsg: errmsg.unwrap_or_default(),
            }),
            _ => T::finish(slots).map(Answer::Success),
        }
    }
}

/// A 200 answer's body through the response path of a call (the envelope, then `R` within the
/// memory bound), for an endpoint with no secret: what the fuzz target, the property tests and
/// the decode benchmark drive. Not part of the API.
pub fn read_success<R: Object, E: ApiError>(
    body: &[u8],
    max_response_bytes: usize,
) -> Result<R, Error<E>> {
    const OPERATION: Operation = Operation {
        name: "a fuzzed answer",
        method: super::HttpMethod::Post,
        host: "example.com",
        path: "/",
        token: None,
        secrets: &[],
        body_constants: &[],
        max_media_bytes: None,
    };
    read_answer(
        &OPERATION,
        200,
        body,
        &Redactor::default(),
        max_response_bytes,
    )
}

/// One endpoint's response path, as the generated `RESPONSE_READERS` list it: the body and
/// `max_response_bytes` in, the outcome as a line of text out.
pub type ResponseReader = fn(&[u8], usize) -> Result<(), String>;

/// [`read_success`] as a line of text, the form the generated `RESPONSE_READERS` list.
#[allow(
    dead_code,
    reason = "a crate of bytes endpoints alone reads no JSON answer"
)]
pub fn read_as<R: Object, E: ApiError>(
    body: &[u8],
    max_response_bytes: usize,
) -> Result<(), String> {
    read_success::<R, E>(body, max_response_bytes)
        .map(drop)
        .map_err(|error| error.to_string())
}

/// The part of every response the client reads before the endpoint's own fields.
///
/// Lenient where a broken gateway is not a reason to lose the code: a missing `errcode` is
/// success (`stable_token` answers without one), a string of digits is read as the number, and
/// an `errmsg` that is not valid UTF-8 or not a string still gives the code, with its text
/// made readable.
struct Envelope {
    errcode: i64,
    errmsg: String,
}

impl Envelope {
    /// Reads the envelope; its errmsg is kept only when `for_values` bytes allow reading it.
    fn read(body: &[u8], for_values: Option<usize>) -> Result<Self, serde_json::Error> {
        let envelope = |raw: RawEnvelope<String>| Self {
            errcode: raw.errcode.map_or(0, |code| code.0),
            errmsg: raw.errmsg.unwrap_or_default(),
        };
        let Some(for_values) = for_values else {
            // A body whose strings could make the parser pass the bound: the code alone.
            let raw = serde_json::from_slice::<RawEnvelope<IgnoredAny>>(body)?;
            return Ok(envelope(RawEnvelope {
                errcode: raw.errcode,
                errmsg: raw
                    .errmsg
                    .map(|_| "(an errmsg too large to read)".to_owned()),
            }));
        };
        // First as bytes, which keeps an errmsg of any bytes; then, when the errmsg is not a
        // string at all, as a short description of the value.
        let lossy = {
            let _budget = Budget::new(for_values);
            budget::from_slice::<RawEnvelope<LossyText>>(body)
        };
        match lossy {
            Ok(raw) => Ok(envelope(RawEnvelope {
                errcode: raw.errcode,
                errmsg: raw.errmsg.map(|text| text.0),
            })),
            Err(first) => match serde_json::from_slice::<RawEnvelope<ShownValue>>(body) {
                Ok(raw) => Ok(envelope(RawEnvelope {
                    errcode: raw.errcode,
                    errmsg: raw.errmsg.map(|shown| shown.0),
                })),
                Err(_) => Err(first),
            },
        }
    }
}

#[derive(Deserialize)]
struct RawEnvelope<M> {
    errcode: Option<Code>,
    errmsg: Option<M>,
    // Other fields are the endpoint's, skipped here and read once the code is known to be 0.
}

/// An `errcode`: a JSON integer, or a string of digits as some gateways send it.
struct Code(i64);

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CodeVisitor)
    }
}

struct CodeVisitor;

impl Visitor<'_> for CodeVisitor {
    type Value = Code;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer errcode, or one as a string of digits")
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Code, E> {
        Ok(Code(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Code, E> {
        i64::try_from(value)
            .map(Code)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(value), &self))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Code, E> {
        value
            .trim()
            .parse()
            .map(Code)
            .map_err(|_| E::invalid_value(de::Unexpected::Str(value), &self))
    }
}

/// Text from a JSON string of any bytes: invalid UTF-8 becomes U+FFFD instead of an error. Only
/// its start is kept (more than an error ever shows), so a huge errmsg costs nothing.
struct LossyText(String);

/// How much of an errmsg is kept, in bytes: four times what an error shows of it.
const ERRMSG_KEPT: usize = 4 * super::EXCERPT_LIMIT;

impl LossyText {
    fn from_bytes(bytes: &[u8]) -> Self {
        let kept = &bytes[..bytes.len().min(ERRMSG_KEPT)];
        let mut text = String::from_utf8_lossy(kept).into_owned();
        if kept.len() < bytes.len() {
            text.push('…');
        }
        Self(text)
    }
}

impl<'de> Deserialize<'de> for LossyText {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // serde_json gives a string's bytes (escapes resolved) without checking them.
        deserializer.deserialize_bytes(LossyTextVisitor)
    }
}

struct LossyTextVisitor;

impl<'de> Visitor<'de> for LossyTextVisitor {
    type Value = LossyText;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<LossyText, E> {
        Ok(LossyText::from_bytes(value.as_bytes()))
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<LossyText, E> {
        Ok(LossyText::from_bytes(value))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<LossyText, A::Error> {
        // An array: not text. Skip it and let the second reading show it as JSON.
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Err(de::Error::custom("errmsg is an array"))
    }
}

/// An `errmsg` that is not a string, shown as text: a scalar as its JSON, an array or object
/// by its kind (skipped without being built, so its size costs nothing).
struct ShownValue(String);

impl<'de> Deserialize<'de> for ShownValue {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ShownValueVisitor)
    }
}

struct ShownValueVisitor;

impl<'de> Visitor<'de> for ShownValueVisitor {
    type Value = ShownValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<ShownValue, E> {
        Ok(ShownValue(value.to_string()))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<ShownValue, E> {
        Ok(ShownValue(value.to_string()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<ShownValue, E> {
        Ok(ShownValue(value.to_string()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<ShownValue, E> {
        Ok(ShownValue(value.to_string()))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<ShownValue, E> {
        Ok(ShownValue(value.to_owned()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<ShownValue, E> {
        Ok(ShownValue("null".to_owned()))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<ShownValue, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(ShownValue("(an array, not text)".to_owned()))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<ShownValue, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(ShownValue("(an object, not text)".to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::{DECODED_FACTOR, read_answer};
    use crate::de::Object;
    use crate::redact::Redactor;
    use crate::{ApiError, Error, HttpMethod, Operation};

    const OPERATION: Operation = Operation {
        name: "op",
        method: HttpMethod::Post,
        host: "example.com",
        path: "/op",
        token: None,
        secrets: &[],
        body_constants: &[],
        max_media_bytes: None,
    };

    /// Any code, kept with its message.
    #[derive(Debug, PartialEq, thiserror::Error)]
    #[error("{code}: {errmsg}")]
    struct Code {
        code: i64,
        errmsg: String,
    }

    impl ApiError for Code {
        fn from_errcode(code: i64, errmsg: String) -> Self {
            Self { code, errmsg }
        }
        fn code(&self) -> i64 {
            self.code
        }
    }

    /// A struct of one field `data`, decoded as generated structs are.
    #[derive(Debug)]
    struct Data<T>(T);

    impl<T: serde::de::DeserializeOwned + Default> Object for Data<T> {
        const NAME: &'static str = "Data";
        const FIELDS: &'static [&'static str] = &["data"];
        type Slots = Option<T>;

        fn slots() -> Self::Slots {
            None
        }

        fn read<'de, A: serde::de::MapAccess<'de>>(
            slots: &mut Self::Slots,
            _index: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            *slots = Some(map.next_value()?);
            Ok(())
        }

        fn finish<E: serde::de::Error>(slots: Self::Slots) -> Result<Self, E> {
            Ok(Self(slots.unwrap_or_default()))
        }
    }

    fn read(body: &[u8]) -> Result<Vec<u8>, Error<Code>> {
        read_answer::<Data<Vec<u8>>, Code>(&OPERATION, 200, body, &Redactor::default(), 1 << 20)
            .map(|answer| answer.0)
    }

    fn api_error(body: &[u8]) -> (i64, String) {
        match read(body) {
            Err(Error::Api(Code { code, errmsg })) => (code, errmsg),
            other => panic!("not an API error: {other:?}"),
        }
    }

    #[test]
    fn the_errcode_survives_an_errmsg_that_is_not_utf8() {
        let body = b"{\"errcode\": 40001, \"errmsg\": \"invalid credential \xff\xfe here\"}";
        assert_eq!(
            api_error(body),
            (40001, "invalid credential \u{fffd}\u{fffd} here".to_owned())
        );
    }

    #[test]
    fn the_errcode_survives_an_errmsg_of_control_characters_or_another_type() {
        let (code, errmsg) = api_error(br#"{"errcode": -1, "errmsg": "busy\n\u0000now"}"#);
        assert_eq!((code, errmsg.as_str()), (-1, "busy\\n\\u{0}now"));
        for (errmsg, shown) in [
            ("42", "42"),
            ("true", "true"),
            ("null", ""),
            ("[1, [2]]", "(an array, not text)"),
            (r#"{"a": {"b": 1}}"#, "(an object, not text)"),
        ] {
            let body = format!(r#"{{"errmsg": {errmsg}, "errcode": 45011}}"#);
            assert_eq!(
                api_error(body.as_bytes()),
                (45011, shown.to_owned()),
                "{errmsg}"
            );
        }
    }

    #[test]
    fn an_errcode_may_be_a_string_of_digits() {
        assert_eq!(
            api_error(br#"{"errcode": "40014", "errmsg": "x"}"#).0,
            40014
        );
        assert_eq!(
            read(br#"{"errcode": "0", "data": [7]}"#).ok(),
            Some(vec![7])
        );
        assert_eq!(
            read(br#"{"data": [7]}"#).ok(),
            Some(vec![7]),
            "no errcode: success"
        );
        assert!(matches!(
            read(br#"{"errcode": "zero"}"#),
            Err(Error::Decode { .. })
        ));
    }

    #[test]
    fn a_body_that_would_decode_past_the_bound_is_its_own_error() {
        // Each `[],` is 3 bytes on the wire and a 24-byte `Vec` once decoded.
        type Lists = Data<Vec<Vec<u8>>>;
        let limit = 3000;
        let body = format!(r#"{{"data": [{}[]]}}"#, "[],".repeat(900));
        assert!(body.len() < limit);
        let answer = read_answer::<Lists, Code>(
            &OPERATION,
            200,
            body.as_bytes(),
            &Redactor::default(),
            limit,
        );
        match answer {
            Err(Error::DecodedTooLarge {
                operation,
                limit: bound,
            }) => {
                assert_eq!((operation, bound), ("op", limit * DECODED_FACTOR));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_status_other_than_2xx_keeps_an_excerpt() {
        let answer = read_answer::<Data<u8>, Code>(
            &OPERATION,
            502,
            b"bad gateway",
            &Redactor::default(),
            10,
        );
        assert!(matches!(
            answer,
            Err(Error::HttpStatus { status: 502, ref body_excerpt, .. }) if body_excerpt == "bad gateway"
        ));
    }
}
