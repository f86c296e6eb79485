//! 0/1 flags on the wire, `bool` in Rust: encoded with
//! `#[serde(serialize_with = "crate::flag::serialize")]`, decoded through [`Flag`].
//!
//! Decoding is lenient because servers are: `0`/`1`, any other integer (non-zero is `true`) and
//! JSON booleans are all accepted. Encoding always writes `0` or `1`.

use serde::Serializer;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

pub fn serialize<S: Serializer>(value: &bool, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u8(u8::from(*value))
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    deserializer.deserialize_any(FlagVisitor)
}

/// A flag as a value of its own: how a struct decoded by [`super::de`] reads a flag field
/// (`Option<Flag>` for an optional one, where `null` is `None`).
#[derive(Debug)]
pub struct Flag(pub bool);

impl<'de> serde::Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize(deserializer).map(Flag)
    }
}

/// For `Option<bool>` fields: `serialize_with = "crate::flag::option::serialize"`
/// (and `with` in hand-written serde types).
pub mod option {
    use super::FlagVisitor;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        value: &Option<bool>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(flag) => serializer.serialize_some(&u8::from(*flag)),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<bool>, D::Error> {
        deserializer.deserialize_option(OptionalFlag)
    }

    struct OptionalFlag;

    impl<'de> serde::de::Visitor<'de> for OptionalFlag {
        type Value = Option<bool>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a 0/1 flag or null")
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_any(FlagVisitor).map(Some)
        }
    }
}

struct FlagVisitor;

impl Visitor<'_> for FlagVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a 0/1 flag")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<bool, E> {
        Ok(value)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<bool, E> {
        Ok(value != 0)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<bool, E> {
        Ok(value != 0)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Flags {
        #[serde(with = "super")]
        required: bool,
        #[serde(
            default,
            with = "super::option",
            skip_serializing_if = "Option::is_none"
        )]
        optional: Option<bool>,
    }

    #[test]
    fn decodes_integers_and_booleans() {
        let cases = [
            (r#"{"required":1}"#, true, None),
            (r#"{"required":0,"optional":1}"#, false, Some(true)),
            (r#"{"required":true,"optional":0}"#, true, Some(false)),
            (r#"{"required":2,"optional":null}"#, true, None),
        ];
        for (json, required, optional) in cases {
            let flags: Flags = serde_json::from_str(json).unwrap();
            assert_eq!(flags, Flags { required, optional }, "{json}");
        }
    }

    #[test]
    fn encodes_zero_and_one() {
        let flags = Flags {
            required: true,
            optional: Some(false),
        };
        assert_eq!(
            serde_json::to_string(&flags).unwrap(),
            r#"{"required":1,"optional":0}"#
        );
        let flags = Flags {
            required: false,
            optional: None,
        };
        assert_eq!(serde_json::to_string(&flags).unwrap(), r#"{"required":0}"#);
    }

    #[test]
    fn refuses_strings() {
        assert!(serde_json::from_str::<Flags>(r#"{"required":"1"}"#).is_err());
    }
}
