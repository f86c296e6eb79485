//! Decoding of the generated structs: one generic map visitor, driven by what each struct
//! declares in its [`Object`] impl (its wire names, a slot per field, how to finish).
//!
//! Why not `#[derive(Deserialize)]`: the derive writes a field-name visitor, a sequence visitor
//! and a map visitor into every struct, and that code is two thirds of what rustc checks in a
//! generated crate of many endpoints (BENCHMARKS.md). Here the visitor, the field-name lookup,
//! duplicate detection and skipping of unknown fields are written once; a struct only says how
//! to read each of its fields and how to assemble itself. The behaviour is the derive's for the
//! JSON WeChat sends: unknown fields are ignored, a repeated field is an error, a missing
//! required field is `missing field "…"`, `null` is `None` for optional fields. Unlike the
//! derive, a JSON array is not accepted in place of an object (WeChat never sends one).

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A struct decoded field by field from a JSON object.
pub trait Object: Sized {
    /// The Rust name, for error messages.
    const NAME: &'static str;
    /// The wire names of the fields; a field is known by its position here.
    const FIELDS: &'static [&'static str];
    /// What has been read so far: an `Option` per field, `None` until the field is read.
    type Slots;

    /// Every slot empty.
    fn slots() -> Self::Slots;

    /// Reads the value of the field at `index` of [`Object::FIELDS`] into its slot.
    fn read<'de, A: MapAccess<'de>>(
        slots: &mut Self::Slots,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error>;

    /// The struct from its slots once the object has ended: defaults for absent fields, an
    /// error for an absent required one.
    fn finish<E: de::Error>(slots: Self::Slots) -> Result<Self, E>;

    /// Whether the keys no field has are kept (by [`Object::read_unknown`]): a struct with a
    /// flattened union reads its variant's payload from them once the tag is known.
    const CAPTURES_UNKNOWN: bool = false;

    /// Reads the value of a key no field has; skipped unless the struct keeps them.
    fn read_unknown<'de, A: MapAccess<'de>>(
        slots: &mut Self::Slots,
        key: String,
        map: &mut A,
    ) -> Result<(), A::Error> {
        let _ = (slots, key);
        map.next_value::<IgnoredAny>().map(drop)
    }
}

/// `Deserialize::deserialize` of a struct that implements [`Object`].
pub fn object<'de, T: Object, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::FIELDS, ObjectVisitor(PhantomData))
}

/// The value of a required field, or serde's `missing field` error.
pub fn required<T, E: de::Error>(slot: Option<T>, wire_name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(wire_name))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut slots = T::slots();
        let mut seen = Seen::default();
        if T::CAPTURES_UNKNOWN || crate::testing::is_strict() {
            while let Some(key) = map.next_key_seed(Keys::of::<T>(&[]).naming_unknown())? {
                match key {
                    Key::Field(index) => {
                        seen.first_time::<A::Error>(index, T::FIELDS[index])?;
                        T::read(&mut slots, index, &mut map)?;
                    }
                    Key::Named(name) if !T::CAPTURES_UNKNOWN => {
                        return Err(de::Error::custom(format_args!(
                            "field `{name}` is not a field of {}",
                            T::NAME
                        )));
                    }
                    Key::Named(name) => T::read_unknown(&mut slots, name, &mut map)?,
                    Key::Extra(_) | Key::Unknown => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            return T::finish(slots);
        }
        while let Some(key) = map.next_key_seed(FieldName(T::FIELDS))? {
            let Some(index) = key else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            seen.first_time::<A::Error>(index, T::FIELDS[index])?;
            T::read(&mut slots, index, &mut map)?;
        }
        T::finish(slots)
    }
}

/// The fields of an object seen so far, to reject a repeated one as the derive does: a bit each
/// for the first 128, a list beyond (no allocation for the structs WeChat sends).
#[derive(Default)]
pub(crate) struct Seen {
    bits: u128,
    beyond: Vec<usize>,
}

impl Seen {
    /// Records field `index`; a `duplicate field` error when it was seen before.
    #[inline]
    pub fn first_time<E: de::Error>(&mut self, index: usize, name: &'static str) -> Result<(), E> {
        let repeated = match u32::try_from(index).ok().and_then(|i| 1u128.checked_shl(i)) {
            Some(bit) => {
                let repeated = self.bits & bit != 0;
                self.bits |= bit;
                repeated
            }
            None if self.beyond.contains(&index) => true,
            None => {
                self.beyond.push(index);
                false
            }
        };
        if repeated {
            Err(E::duplicate_field(name))
        } else {
            Ok(())
        }
    }
}

/// A key of an object: one of the struct's fields, one of the `extra` names the caller reads
/// itself (the envelope's `errcode` and `errmsg`), or neither. A struct's own field of the same
/// name wins.
pub(crate) struct Keys {
    fields: &'static [&'static str],
    extra: &'static [&'static str],
    /// Whether an unknown key comes back with its name ([`Key::Named`]).
    naming_unknown: bool,
}

impl Keys {
    pub fn of<T: Object>(extra: &'static [&'static str]) -> Self {
        Self {
            fields: T::FIELDS,
            extra,
            naming_unknown: false,
        }
    }

    /// These keys, with an unknown one named rather than only known unknown.
    pub fn naming_unknown(self) -> Self {
        Self {
            naming_unknown: true,
            ..self
        }
    }

    #[inline]
    fn find(&self, name: &[u8]) -> Key {
        let position = |names: &[&str]| names.iter().position(|n| n.as_bytes() == name);
        if let Some(index) = position(self.fields) {
            Key::Field(index)
        } else if let Some(index) = position(self.extra) {
            Key::Extra(index)
        } else if self.naming_unknown {
            Key::Named(String::from_utf8_lossy(name).into_owned())
        } else {
            Key::Unknown
        }
    }
}

pub(crate) enum Key {
    /// The position of a field in `Object::FIELDS`.
    Field(usize),
    /// The position of a name in the extra names.
    Extra(usize),
    /// An unknown key, when its name was asked for.
    Named(String),
    Unknown,
}

impl<'de> DeserializeSeed<'de> for Keys {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for Keys {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
        Ok(self.find(name.as_bytes()))
    }

    fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<Key, E> {
        Ok(self.find(name))
    }
}

/// A key of the object: the position of a known wire name, or `None` for an unknown one.
/// ([`Keys`] says the same and knows extra names; this one is the hot path of every nested
/// struct, and measured 10% fewer instructions per decode.)
struct FieldName(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldName {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for FieldName {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|field| *field == name))
    }

    fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|field| field.as_bytes() == name))
    }
}

#[cfg(test)]
mod tests {
    use super::{Object, object, required};
    use serde::de::{Error, MapAccess};

    /// What a generated impl looks like, for a struct with a required, an optional and a
    /// defaulted field.
    #[derive(Debug, PartialEq)]
    struct Sample {
        id: i64,
        name: Option<String>,
        tags: Vec<String>,
    }

    impl Object for Sample {
        const NAME: &'static str = "Sample";
        const FIELDS: &'static [&'static str] = &["id", "name", "tags"];
        type Slots = (Option<i64>, Option<Option<String>>, Option<Vec<String>>);

        fn slots() -> Self::Slots {
            (None, None, None)
        }

        fn read<'de, A: MapAccess<'de>>(
            slots: &mut Self::Slots,
            index: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match index {
                0 => slots.0 = Some(map.next_value()?),
                1 => slots.1 = Some(map.next_value()?),
                2 => slots.2 = Some(map.next_value()?),
                _ => {}
            }
            Ok(())
        }

        fn finish<E: Error>(slots: Self::Slots) -> Result<Self, E> {
            Ok(Self {
                id: required(slots.0, "id")?,
                name: slots.1.flatten(),
                tags: slots.2.unwrap_or_default(),
            })
        }
    }

    impl<'de> serde::Deserialize<'de> for Sample {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            object(deserializer)
        }
    }

    fn decode(json: &str) -> Result<Sample, String> {
        serde_json::from_str(json).map_err(|err| err.to_string())
    }

    #[test]
    fn strict_decoding_names_the_unknown_field_and_ends_with_the_check() {
        let example = r#"{"errcode": 0, "errmsg": "ok", "id": 7, "tags": ["a"]}"#;
        crate::testing::assert_decodes_strictly::<Sample>(example);
        let unknown = r#"{"id": 7, "nickname": "n"}"#;
        let failure = std::panic::catch_unwind(|| {
            crate::testing::assert_decodes_strictly::<Sample>(unknown);
        });
        let message = failure
            .err()
            .and_then(|payload| payload.downcast::<String>().ok())
            .map(|message| *message)
            .unwrap_or_default();
        assert!(
            message.contains("field `nickname` is not a field of Sample"),
            "{message:?}"
        );
        // Strictness ends with the check, even a failed one: a normal decode skips the field.
        assert!(!crate::testing::is_strict());
        assert_eq!(decode(unknown).map(|sample| sample.id), Ok(7));
    }

    #[test]
    fn reads_known_fields_and_skips_unknown_ones() {
        let sample =
            decode(r#"{"x": {"deep": [1, {"y": null}]}, "name": "n", "id": 7, "tags": ["a"]}"#);
        let expected = Sample {
            id: 7,
            name: Some("n".to_owned()),
            tags: vec!["a".to_owned()],
        };
        assert_eq!(sample, Ok(expected));
    }

    #[test]
    fn absent_fields_take_none_and_defaults_and_null_is_none() {
        let expected = Sample {
            id: 1,
            name: None,
            tags: Vec::new(),
        };
        assert_eq!(decode(r#"{"id": 1}"#), Ok(expected));
        assert_eq!(
            decode(r#"{"id": 1, "name": null}"#).map(|s| s.name),
            Ok(None)
        );
    }

    #[test]
    fn errors_read_like_the_derives() {
        assert!(
            decode(r#"{"name": "n"}"#)
                .unwrap_err()
                .starts_with("missing field `id`")
        );
        assert!(
            decode(r#"{"id": 1, "id": 2}"#)
                .unwrap_err()
                .starts_with("duplicate field `id`")
        );
        assert!(
            decode(r#"{"id": "1"}"#)
                .unwrap_err()
                .starts_with("invalid type: string \"1\", expected i64")
        );
        assert!(
            decode(r#"[1]"#)
                .unwrap_err()
                .starts_with("invalid type: sequence, expected struct Sample")
        );
        assert!(
            decode(r#"{"id": 1, "tags": null}"#)
                .unwrap_err()
                .starts_with("invalid type: null")
        );
    }

    /// A struct of 130 fields, past the 128 that a bit mask tracks.
    struct Wide;

    impl Object for Wide {
        const NAME: &'static str = "Wide";
        const FIELDS: &'static [&'static str] = &[
            "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12", "f13",
            "f14", "f15", "f16", "f17", "f18", "f19", "f20", "f21", "f22", "f23", "f24", "f25",
            "f26", "f27", "f28", "f29", "f30", "f31", "f32", "f33", "f34", "f35", "f36", "f37",
            "f38", "f39", "f40", "f41", "f42", "f43", "f44", "f45", "f46", "f47", "f48", "f49",
            "f50", "f51", "f52", "f53", "f54", "f55", "f56", "f57", "f58", "f59", "f60", "f61",
            "f62", "f63", "f64", "f65", "f66", "f67", "f68", "f69", "f70", "f71", "f72", "f73",
            "f74", "f75", "f76", "f77", "f78", "f79", "f80", "f81", "f82", "f83", "f84", "f85",
            "f86", "f87", "f88", "f89", "f90", "f91", "f92", "f93", "f94", "f95", "f96", "f97",
            "f98", "f99", "f100", "f101", "f102", "f103", "f104", "f105", "f106", "f107", "f108",
            "f109", "f110", "f111", "f112", "f113", "f114", "f115", "f116", "f117", "f118", "f119",
            "f120", "f121", "f122", "f123", "f124", "f125", "f126", "f127", "f128", "f129",
        ];
        type Slots = ();

        fn slots() -> Self::Slots {}

        fn read<'de, A: MapAccess<'de>>(
            _slots: &mut Self::Slots,
            _index: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            map.next_value::<serde::de::IgnoredAny>().map(|_| ())
        }

        fn finish<E: Error>(_slots: Self::Slots) -> Result<Self, E> {
            Ok(Self)
        }
    }

    impl<'de> serde::Deserialize<'de> for Wide {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            object(deserializer)
        }
    }

    #[test]
    fn repeated_fields_are_found_past_the_128th() {
        let wide = |json: &str| {
            serde_json::from_str::<Wide>(json)
                .map(|_| ())
                .map_err(|e| e.to_string())
        };
        assert_eq!(
            wide(r#"{"f0": 1, "f127": 1, "f128": 1, "f129": 1}"#),
            Ok(())
        );
        assert!(
            wide(r#"{"f127": 1, "f127": 2}"#)
                .unwrap_err()
                .starts_with("duplicate field `f127`")
        );
        assert!(
            wide(r#"{"f128": 1, "f0": 1, "f128": 2}"#)
                .unwrap_err()
                .starts_with("duplicate field `f128`")
        );
        assert!(
            wide(r#"{"f129": 1, "f128": 1, "f129": 2}"#)
                .unwrap_err()
                .starts_with("duplicate field `f129`")
        );
    }
}
