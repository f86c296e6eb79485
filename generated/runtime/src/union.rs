//! Tagged unions: an object whose tag (`msgtype`, `type`, `is_to_all`) says which variant it
//! is, with the variant's payload under a key of its own (`{"msgtype":"text","text":{…}}`, the
//! *sibling* style) or as fields beside the tag (`{"type":"DATE_TYPE_FIX_TERM","fixed_term":3}`,
//! the *inline* style).
//!
//! A received union reads its object in one pass: the tag, and every other key with its raw
//! JSON ([`Parts`]); the generated `from_parts` then picks the variant by the tag and decodes the
//! payload from the raw JSON, within the answer's memory bound. A tag no spec lists becomes the
//! union's `Unknown` variant, which keeps the tag and the rest of the object ([`UnknownVariant`]).

use super::budget;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::fmt;
use std::marker::PhantomData;

/// A union's tag as it travels: a string, an integer or a boolean.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Tag {
    /// A string tag (`"text"`).
    Text(String),
    /// An integer tag (`0`).
    Integer(i64),
    /// A boolean tag (`true`).
    Bool(bool),
}

impl Tag {
    /// Whether this tag is `value` (`"text"`, `0`, `true`); a string of digits is the integer it
    /// spells, as some gateways send numbers as strings.
    pub fn is(&self, value: impl TagLiteral) -> bool {
        value.matches(self)
    }
}

/// A tag value as the generated code writes it: compared with a received [`Tag`] without
/// building one.
pub trait TagLiteral: sealed::Sealed {
    /// Whether `tag` is this value.
    fn matches(self, tag: &Tag) -> bool;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for &str {}
    impl Sealed for i64 {}
    impl Sealed for bool {}
}

impl TagLiteral for &str {
    fn matches(self, tag: &Tag) -> bool {
        match tag {
            Tag::Text(text) => text == self,
            Tag::Integer(int) => self.trim().parse() == Ok(*int),
            Tag::Bool(_) => false,
        }
    }
}

impl TagLiteral for i64 {
    fn matches(self, tag: &Tag) -> bool {
        match tag {
            Tag::Integer(int) => *int == self,
            Tag::Text(text) => text.trim().parse() == Ok(self),
            Tag::Bool(_) => false,
        }
    }
}

impl TagLiteral for bool {
    fn matches(self, tag: &Tag) -> bool {
        *tag == Tag::Bool(self)
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text(text) => write!(f, "{text:?}"),
            Self::Integer(int) => write!(f, "{int}"),
            Self::Bool(bool) => write!(f, "{bool}"),
        }
    }
}

impl From<&str> for Tag {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<i64> for Tag {
    fn from(int: i64) -> Self {
        Self::Integer(int)
    }
}

impl From<bool> for Tag {
    fn from(bool: bool) -> Self {
        Self::Bool(bool)
    }
}

impl Serialize for Tag {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Text(text) => serializer.serialize_str(text),
            Self::Integer(int) => serializer.serialize_i64(*int),
            Self::Bool(bool) => serializer.serialize_bool(*bool),
        }
    }
}

impl<'de> Deserialize<'de> for Tag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TagVisitor)
    }
}

struct TagVisitor;

impl Visitor<'_> for TagVisitor {
    type Value = Tag;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a tag: a string, an integer or a boolean")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Tag, E> {
        Ok(Tag::Text(value.to_owned()))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Tag, E> {
        Ok(Tag::Integer(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Tag, E> {
        i64::try_from(value)
            .map(Tag::Integer)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(value), &self))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Tag, E> {
        Ok(Tag::Bool(value))
    }
}

/// A variant of a union this client does not know, kept as received: its tag, and the rest of
/// its object. Sent back, it is written with the same keys and values (sorted by key).
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownVariant {
    /// The tag; `None` when the object had none.
    pub tag: Option<Tag>,
    /// The object's other keys, with their values.
    pub fields: serde_json::Map<String, serde_json::Value>,
}

impl UnknownVariant {
    #[doc(hidden)]
    pub fn serialize_with_tag<S: Serializer>(
        &self,
        serializer: S,
        tag_key: &'static str,
    ) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(tag) = &self.tag {
            map.serialize_entry(tag_key, tag)?;
        }
        for (key, value) in &self.fields {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// The tag and the other keys of a union's object, as read; decoded into a variant by
/// [`Union::from_parts`].
#[derive(Debug, Default)]
pub struct Parts {
    tag: Option<Tag>,
    rest: Vec<(String, Box<RawValue>)>,
}

impl Parts {
    /// The parts of a union flattened into a struct: its tag from the struct's slot, the keys
    /// the struct kept.
    pub fn with_tag(mut self, tag: Option<Tag>) -> Self {
        self.tag = tag;
        self
    }

    /// Keeps one more key of the object with its raw JSON.
    pub fn read<'de, A: MapAccess<'de>>(
        &mut self,
        key: String,
        map: &mut A,
    ) -> Result<(), A::Error> {
        let raw: Box<RawValue> = map.next_value()?;
        self.rest.push((key, raw));
        Ok(())
    }

    pub fn tag(&self) -> Option<&Tag> {
        self.tag.as_ref()
    }

    /// The payload of a sibling-style variant: the value under `key`.
    pub fn sibling<T: de::DeserializeOwned, E: de::Error>(
        &self,
        key: &'static str,
    ) -> Result<T, E> {
        let raw = self
            .rest
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, raw)| raw)
            .ok_or_else(|| E::missing_field(key))?;
        budget::from_slice(raw.get().as_bytes()).map_err(E::custom)
    }

    /// The payload of an inline-style variant: the object's other keys.
    pub fn inline<T: de::DeserializeOwned, E: de::Error>(&self) -> Result<T, E> {
        budget::from_slice(self.object().as_bytes()).map_err(E::custom)
    }

    /// What a tag no spec lists leaves: the tag and the rest of the object.
    pub fn unknown<E: de::Error>(self) -> Result<UnknownVariant, E> {
        let fields = budget::from_slice(self.object().as_bytes()).map_err(E::custom)?;
        Ok(UnknownVariant {
            tag: self.tag,
            fields,
        })
    }

    /// The other keys as one JSON object's text.
    fn object(&self) -> String {
        let length: usize = self
            .rest
            .iter()
            .map(|(k, v)| k.len() + v.get().len() + 4)
            .sum();
        let mut object = String::with_capacity(length + 2);
        object.push('{');
        for (index, (key, raw)) in self.rest.iter().enumerate() {
            if index > 0 {
                object.push(',');
            }
            object.push_str(&serde_json::Value::from(key.as_str()).to_string());
            object.push(':');
            object.push_str(raw.get());
        }
        object.push('}');
        object
    }
}

/// A union the generated code decodes: its tag's key, and how it is made from its parts.
pub trait Union: Sized {
    const NAME: &'static str;
    const TAG: &'static str;

    fn from_parts<E: de::Error>(parts: Parts) -> Result<Self, E>;
}

/// A union flattened into a struct: its tag from the struct's slot, its payload from the keys the
/// struct kept.
pub fn flattened<U: Union, E: de::Error>(tag: Option<Tag>, parts: Parts) -> Result<U, E> {
    let tag = tag.ok_or_else(|| E::missing_field(U::TAG))?;
    U::from_parts(parts.with_tag(Some(tag)))
}

/// Like [`flattened`], for an optional union: absent when its tag is.
pub fn flattened_optional<U: Union, E: de::Error>(
    tag: Option<Tag>,
    parts: Parts,
) -> Result<Option<U>, E> {
    tag.map(|tag| U::from_parts(parts.with_tag(Some(tag))))
        .transpose()
}

/// `Deserialize::deserialize` of a union on its own (an array's item, a field's value).
pub fn deserialize<'de, U: Union, D: Deserializer<'de>>(deserializer: D) -> Result<U, D::Error> {
    deserializer.deserialize_map(PartsVisitor(PhantomData))
}

struct PartsVisitor<U>(PhantomData<U>);

impl<'de, U: Union> Visitor<'de> for PartsVisitor<U> {
    type Value = U;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "union {}", U::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<U, A::Error> {
        let mut parts = Parts::default();
        while let Some(key) = map.next_key::<String>()? {
            if key == U::TAG {
                if parts.tag.is_some() {
                    return Err(de::Error::duplicate_field(U::TAG));
                }
                parts.tag = Some(map.next_value()?);
            } else {
                parts.read(key, &mut map)?;
            }
        }
        U::from_parts(parts)
    }
}

/// Writes a sibling-style variant: the tag, and the payload (if any) under its key.
pub fn serialize_sibling<S: Serializer, T: Serialize, P: Serialize + ?Sized>(
    serializer: S,
    tag_key: &'static str,
    tag: T,
    payload: Option<(&'static str, &P)>,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    map.serialize_entry(tag_key, &tag)?;
    if let Some((key, payload)) = payload {
        map.serialize_entry(key, payload)?;
    }
    map.end()
}

/// Writes an inline-style variant: the tag, then the payload's own fields.
pub fn serialize_inline<S: Serializer, T: Serialize, P: Serialize + ?Sized>(
    serializer: S,
    tag_key: &'static str,
    tag: T,
    payload: &P,
) -> Result<S::Ok, S::Error> {
    let fields = match serde_json::to_value(payload).map_err(serde::ser::Error::custom)? {
        serde_json::Value::Object(fields) => fields,
        _ => {
            return Err(serde::ser::Error::custom(
                "a union's payload must be an object",
            ));
        }
    };
    let mut map = serializer.serialize_map(Some(fields.len() + 1))?;
    map.serialize_entry(tag_key, &tag)?;
    for (key, value) in &fields {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Text {
        content: String,
    }

    #[derive(Debug, PartialEq)]
    enum Message {
        Text(Text),
        Voice,
        Unknown(UnknownVariant),
    }

    impl Union for Message {
        const NAME: &'static str = "Message";
        const TAG: &'static str = "msgtype";

        fn from_parts<E: de::Error>(parts: Parts) -> Result<Self, E> {
            match parts.tag() {
                Some(tag) if tag.is("text") => parts.sibling("text").map(Self::Text),
                Some(tag) if tag.is("voice") => Ok(Self::Voice),
                _ => parts.unknown().map(Self::Unknown),
            }
        }
    }

    impl<'de> Deserialize<'de> for Message {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize(deserializer)
        }
    }

    impl Serialize for Message {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                Self::Text(text) => {
                    serialize_sibling(serializer, "msgtype", "text", Some(("text", text)))
                }
                Self::Voice => serialize_sibling::<_, _, ()>(serializer, "msgtype", "voice", None),
                Self::Unknown(unknown) => unknown.serialize_with_tag(serializer, "msgtype"),
            }
        }
    }

    #[test]
    fn a_tag_before_or_after_its_payload_picks_the_variant() {
        let text = Message::Text(Text {
            content: "hi".to_owned(),
        });
        for json in [
            r#"{"msgtype": "text", "text": {"content": "hi"}}"#,
            r#"{"text": {"content": "hi"}, "other": 1, "msgtype": "text"}"#,
        ] {
            assert_eq!(
                serde_json::from_str::<Message>(json).ok(),
                Some(text_clone(&text))
            );
        }
        assert_eq!(
            serde_json::from_str::<Message>(r#"{"msgtype": "voice"}"#).ok(),
            Some(Message::Voice)
        );
        // A variant without its payload is an error that names the key.
        let missing = serde_json::from_str::<Message>(r#"{"msgtype": "text"}"#).unwrap_err();
        assert!(
            missing.to_string().contains("missing field `text`"),
            "{missing}"
        );
    }

    fn text_clone(message: &Message) -> Message {
        match message {
            Message::Text(text) => Message::Text(Text {
                content: text.content.clone(),
            }),
            _ => Message::Voice,
        }
    }

    #[test]
    fn an_unknown_tag_keeps_its_object_and_is_written_back_with_the_same_values() {
        let json = r#"{"msgtype":"video2","video2":{"media_id":"m"},"n":1}"#;
        let message: Message = serde_json::from_str(json).unwrap_or(Message::Voice);
        let Message::Unknown(unknown) = &message else {
            panic!("{message:?}")
        };
        assert_eq!(unknown.tag, Some(Tag::Text("video2".to_owned())));
        assert_eq!(unknown.fields["video2"]["media_id"], "m");
        let written = serde_json::to_value(&message).ok();
        assert_eq!(written, serde_json::from_str(json).ok());
    }

    #[test]
    fn tags_match_their_value_and_digits_their_integer() {
        assert!(Tag::Integer(2).is(2));
        assert!(Tag::Text("2".to_owned()).is(2));
        assert!(!Tag::Text("2".to_owned()).is("3"));
        assert!(Tag::Bool(false).is(false));
        assert!(!Tag::Bool(false).is(0));
    }

    #[test]
    fn an_inline_payload_is_written_beside_its_tag() {
        let text = Text {
            content: "hi".to_owned(),
        };
        let mut out = Vec::new();
        let written = serialize_inline(
            &mut serde_json::Serializer::new(&mut out),
            "type",
            Tag::Integer(0),
            &text,
        );
        assert!(written.is_ok());
        assert_eq!(
            String::from_utf8_lossy(&out),
            r#"{"type":0,"content":"hi"}"#
        );
    }
}
