//! Readers for fields a spec marks `lenient`: the documented type, or the other form some
//! answers use for it (the number `86` for the string `"86"`, `"7200"` for the integer `7200`).
//! The Rust type stays the documented one.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// A string that may arrive as a number.
#[derive(Debug)]
pub struct Text(pub String);

/// An integer that may arrive as a string of digits.
#[derive(Debug)]
pub struct Integer(pub i64);

/// A number that may arrive as a string.
#[derive(Debug)]
pub struct Number(pub f64);

impl<'de> serde::Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl Visitor<'_> for TextVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, or a number in its place")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Text, E> {
        Ok(Text(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Text, E> {
        Ok(Text(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Text, E> {
        Ok(Text(value.to_string()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Text, E> {
        Ok(Text(value.to_string()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Text, E> {
        Ok(Text(value.to_string()))
    }
}

impl<'de> serde::Deserialize<'de> for Integer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(IntegerVisitor)
    }
}

struct IntegerVisitor;

impl Visitor<'_> for IntegerVisitor {
    type Value = Integer;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer, or a string of digits in its place")
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Integer, E> {
        Ok(Integer(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Integer, E> {
        i64::try_from(value)
            .map(Integer)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(value), &self))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Integer, E> {
        value
            .trim()
            .parse()
            .map(Integer)
            .map_err(|_| E::invalid_value(de::Unexpected::Str(value), &self))
    }
}

impl<'de> serde::Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NumberVisitor)
    }
}

struct NumberVisitor;

impl Visitor<'_> for NumberVisitor {
    type Value = Number;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, or a string of one in its place")
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Number, E> {
        Ok(Number(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Number, E> {
        Ok(Number(value as f64))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Number, E> {
        Ok(Number(value as f64))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Number, E> {
        match value.trim().parse::<f64>() {
            Ok(number) if number.is_finite() => Ok(Number(number)),
            _ => Err(E::invalid_value(de::Unexpected::Str(value), &self)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Integer, Number, Text};

    #[test]
    fn each_reader_takes_its_type_and_the_other_form() {
        let text = |json| serde_json::from_str::<Text>(json).map(|t| t.0).ok();
        assert_eq!(text("\"86\""), Some("86".to_owned()));
        assert_eq!(text("86"), Some("86".to_owned()));
        assert_eq!(text("true"), None);
        let integer = |json| serde_json::from_str::<Integer>(json).map(|i| i.0).ok();
        assert_eq!(integer("7200"), Some(7200));
        assert_eq!(integer("\"7200\""), Some(7200));
        assert_eq!(integer("\"72 00\""), None);
        assert_eq!(integer("7.5"), None);
        let number = |json| serde_json::from_str::<Number>(json).map(|n| n.0).ok();
        assert_eq!(number("\"1.5\""), Some(1.5));
        assert_eq!(number("2"), Some(2.0));
        assert_eq!(number("\"NaN\""), None);
    }
}
