//! A bound on the memory a decoded response may take, checked while it is built.
//!
//! The body cap bounds the bytes read, not what they decode into: thirteen bytes of JSON
//! (`{"status":1}`) become a struct of a few hundred bytes, and a vector doubles as it grows, so
//! a body under the cap could decode into twenty times its size. [`from_slice`] wraps the JSON
//! deserializer in one that meters what a decoded value allocates for its vectors (as `Vec`
//! grows) and maps (per entry) against a [`Budget`], and stops with an error as soon as the
//! next allocation would pass it, before it is made.
//!
//! Strings are not metered: each takes no more bytes than it has on the wire, so all of them
//! together take at most the body's size, which the body cap bounds. Neither are scalars. So
//! only the visitors of what can hold a vector or a map are wrapped; a string or number goes
//! to its visitor as it would without the wrapper, which keeps serde_json's fast paths. The
//! wrappers are generic, so every type decodes this way: the generated structs, serde's `Vec`
//! and maps, and `serde_json::Value`.

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use std::cell::Cell;
use std::fmt;
use std::mem::size_of;

thread_local! {
    /// What the decoding under way on this thread may still allocate: a thread's own, because a
    /// decode runs to its end on the thread that started it (nothing in it awaits), and because
    /// a value decoded inside another (a union's payload, read from its raw JSON) must draw on
    /// the same budget without being handed it.
    static LEFT: Cell<usize> = const { Cell::new(usize::MAX) };
    /// Whether the decoding under way ran out.
    static EXCEEDED: Cell<bool> = const { Cell::new(false) };
}

/// The bytes decoding may allocate on this thread while this guard lives; the budget in force
/// before comes back when it is dropped. Outside any guard, decoding is not bounded.
#[derive(Debug)]
pub(crate) struct Budget {
    previous: (usize, bool),
}

impl Budget {
    pub fn new(bytes: usize) -> Self {
        let previous = (LEFT.replace(bytes), EXCEEDED.replace(false));
        Self { previous }
    }

    /// Whether decoding stopped because the budget ran out.
    pub fn exceeded(&self) -> bool {
        EXCEEDED.get()
    }
}

impl Drop for Budget {
    fn drop(&mut self) {
        LEFT.set(self.previous.0);
        EXCEEDED.set(self.previous.1);
    }
}

fn charge<E: de::Error>(bytes: usize) -> Result<(), E> {
    match LEFT.get().checked_sub(bytes) {
        Some(left) => {
            LEFT.set(left);
            Ok(())
        }
        None => {
            EXCEEDED.set(true);
            Err(E::custom(
                "the decoded response would pass its memory bound",
            ))
        }
    }
}

fn release(bytes: usize) {
    LEFT.set(LEFT.get().saturating_add(bytes));
}

/// What the JSON parser may allocate outside the decoded value while it reads `body`: it
/// unescapes a string with escapes into a buffer of its own (which grows by doubling: three
/// times the string at most, while it moves), and an error quotes the string it stopped at.
/// So: three times the longest string with escapes, once the longest string, and a little
/// for the parser itself. Strings are measured on the wire, which is never shorter.
///
/// The scan costs a pass over the body, so it is made only for a body larger than an eighth
/// of `limit`; a smaller one (every real answer) is taken to be one string, which costs it at
/// most half the limit of its budget.
pub(crate) fn parser_reserve(body: &[u8], limit: usize) -> usize {
    const PARSER_OVERHEAD: usize = 4 * 1024;
    let (escaped, longest) = if body.len() <= limit / 8 {
        (body.len(), body.len())
    } else {
        longest_strings(body)
    };
    escaped
        .saturating_mul(3)
        .saturating_add(longest)
        .saturating_add(PARSER_OVERHEAD)
}

/// The wire length of the longest string with an escape, and of the longest string, in what
/// the JSON parser reads of `body` (it stops at the first syntax error, where the two
/// readings may part).
fn longest_strings(body: &[u8]) -> (usize, usize) {
    let (mut escaped, mut longest) = (0, 0);
    let mut at = 0;
    while at < body.len() {
        if body[at] == b'"' {
            let start = at + 1;
            let mut has_escape = false;
            at = start;
            while at < body.len() && body[at] != b'"' {
                if body[at] == b'\\' {
                    has_escape = true;
                    at += 1;
                }
                at += 1;
            }
            let len = at.min(body.len()) - start;
            longest = longest.max(len);
            if has_escape {
                escaped = escaped.max(len);
            }
        }
        at += 1;
    }
    (escaped, longest)
}

/// Decodes a `T` from JSON, as `serde_json::from_slice` does, within this thread's budget.
pub(crate) fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let value = T::deserialize(Metered { inner: &mut json })?;
    json.end()?;
    Ok(value)
}

/// A deserializer whose visitors are metered.
struct Metered<D> {
    inner: D,
}

impl<D> Metered<D> {
    fn visitor<V>(&self, inner: V, kind: Kind) -> MeteredVisitor<V> {
        MeteredVisitor { inner, kind }
    }
}

/// What the value being visited becomes, for what its allocations are.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Anything: a map is a map of entries.
    Value,
    /// A struct: its fields fill a value already counted, so entries cost nothing.
    Struct,
}

macro_rules! forward_deserialize {
    ($($method:ident($($arg:ident: $ty:ty),*) => $kind:ident;)*) => {$(
        #[inline]
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            let visitor = self.visitor(visitor, Kind::$kind);
            self.inner.$method($($arg,)* visitor)
        }
    )*};
}

/// Methods whose visitor is given a scalar: a number, a string (which takes no more bytes
/// than it has on the wire, so the body bounds it), a field name. Nothing to meter, so the
/// visitor goes unwrapped and serde_json's fast paths stay as they are.
macro_rules! forward_scalar {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        #[inline]
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            self.inner.$method($($arg,)* visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Metered<D> {
    type Error = D::Error;

    forward_scalar! {
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_identifier();
        deserialize_ignored_any();
    }

    forward_deserialize! {
        deserialize_any() => Value;
        deserialize_bytes() => Value;
        deserialize_byte_buf() => Value;
        deserialize_option() => Value;
        deserialize_newtype_struct(name: &'static str) => Value;
        deserialize_seq() => Value;
        deserialize_tuple(len: usize) => Value;
        deserialize_tuple_struct(name: &'static str, len: usize) => Value;
        deserialize_map() => Value;
        deserialize_struct(name: &'static str, fields: &'static [&'static str]) => Struct;
        deserialize_enum(name: &'static str, variants: &'static [&'static str]) => Value;
    }

    #[inline]
    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

struct MeteredVisitor<V> {
    inner: V,
    kind: Kind,
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E: de::Error>(self, value: $ty) -> Result<V::Value, E> {
            self.inner.$method(value)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for MeteredVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    forward_visit! {
        visit_bool(bool);
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
        visit_f32(f32);
        visit_f64(f64);
        visit_char(char);
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<V::Value, E> {
        self.inner.visit_str(value)
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<V::Value, E> {
        self.inner.visit_borrowed_str(value)
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<V::Value, E> {
        self.inner.visit_string(value)
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<V::Value, E> {
        self.inner.visit_bytes(value)
    }

    fn visit_borrowed_bytes<E: de::Error>(self, value: &'de [u8]) -> Result<V::Value, E> {
        self.inner.visit_borrowed_bytes(value)
    }

    fn visit_byte_buf<E: de::Error>(self, value: Vec<u8>) -> Result<V::Value, E> {
        self.inner.visit_byte_buf(value)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(Metered { inner })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, inner: D) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(Metered { inner })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(MeteredSeq {
            inner: seq,
            len: 0,
            capacity: 0,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(MeteredMap {
            inner: map,
            entries_cost: self.kind != Kind::Struct,
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(MeteredEnum { inner: data })
    }
}

/// A seed whose deserializer is metered.
struct MeteredSeed<S> {
    inner: S,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for MeteredSeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, inner: D) -> Result<S::Value, D::Error> {
        self.inner.deserialize(Metered { inner })
    }
}

/// A sequence, counted as the `Vec` it becomes grows: from nothing to its smallest capacity,
/// then doubling, with the old and the new buffer both held while it moves.
struct MeteredSeq<A> {
    inner: A,
    len: usize,
    capacity: usize,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for MeteredSeq<A> {
    type Error = A::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        let element = self.inner.next_element_seed(MeteredSeed { inner: seed })?;
        if element.is_some() {
            self.len += 1;
            let size = size_of::<S::Value>();
            if self.len > self.capacity && size > 0 {
                // `Vec`'s growth: at least 8 elements of one byte, 4 of up to 1 KiB, 1 beyond.
                let smallest = match size {
                    1 => 8,
                    2..=1024 => 4,
                    _ => 1,
                };
                let grown = self.capacity.saturating_mul(2).max(smallest);
                charge(grown.saturating_mul(size))?;
                release(self.capacity * size);
                self.capacity = grown;
            }
        }
        Ok(element)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// A map's entries: each costs its key and value twice over (a tree's half-full nodes or a
/// hash table's spare room) plus a word, unless the map is a struct's fields.
struct MeteredMap<A> {
    inner: A,
    entries_cost: bool,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for MeteredMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let key = self.inner.next_key_seed(MeteredSeed { inner: seed })?;
        if key.is_some() && self.entries_cost {
            let size = size_of::<K::Value>();
            charge(size.saturating_mul(2))?;
        }
        Ok(key)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        let value = self.inner.next_value_seed(MeteredSeed { inner: seed })?;
        if self.entries_cost {
            let size = size_of::<S::Value>();
            charge(size.saturating_mul(2).saturating_add(size_of::<usize>()))?;
        }
        Ok(value)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

struct MeteredEnum<A> {
    inner: A,
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for MeteredEnum<A> {
    type Error = A::Error;
    type Variant = MeteredEnum<A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), A::Error> {
        let (tag, variant) = self.inner.variant_seed(MeteredSeed { inner: seed })?;
        Ok((tag, MeteredEnum { inner: variant }))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for MeteredEnum<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.inner.unit_variant()
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        self.inner.newtype_variant_seed(MeteredSeed { inner: seed })
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        let visitor = MeteredVisitor {
            inner: visitor,
            kind: Kind::Value,
        };
        self.inner.tuple_variant(len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        let visitor = MeteredVisitor {
            inner: visitor,
            kind: Kind::Struct,
        };
        self.inner.struct_variant(fields, visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::{Budget, from_slice};
    use std::collections::BTreeMap;

    fn decode<T: serde::de::DeserializeOwned>(json: &str, budget: usize) -> Result<T, bool> {
        let budget = Budget::new(budget);
        from_slice(json.as_bytes()).map_err(|_| budget.exceeded())
    }

    #[test]
    fn a_vector_costs_what_it_holds_at_its_peak() {
        // Five `u64`s: 4 slots (32 bytes), then 8 (64) while the 4 are still held: 96 at peak.
        let json = "[1, 2, 3, 4, 5]";
        assert_eq!(decode::<Vec<u64>>(json, 96), Ok(vec![1, 2, 3, 4, 5]));
        assert_eq!(decode::<Vec<u64>>(json, 95), Err(true));
        // Four fit in the first 32 bytes.
        assert_eq!(decode::<Vec<u64>>("[1, 2, 3, 4]", 32), Ok(vec![1, 2, 3, 4]));
    }

    #[test]
    fn strings_and_field_names_cost_nothing() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Named {
            name: String,
        }
        let named = Named {
            name: "abcdef".to_owned(),
        };
        assert_eq!(decode::<Named>(r#"{"name": "abcdef"}"#, 0), Ok(named));
    }

    #[test]
    fn map_entries_cost_twice_their_key_and_value() {
        // An entry of `String` key (24 bytes) and `u8` value (1): 2 × 24 + 2 × 1, and a word.
        let json = r#"{"k": 1}"#;
        let cost = 2 * 24 + 2 + 8;
        assert!(decode::<BTreeMap<String, u8>>(json, cost).is_ok());
        assert_eq!(decode::<BTreeMap<String, u8>>(json, cost - 1), Err(true));
    }

    #[test]
    fn a_body_of_tiny_objects_stops_before_it_is_built() {
        #[derive(serde::Deserialize)]
        #[allow(dead_code, reason = "decoded, not read")]
        struct Item {
            status: i64,
            padding: Option<[u64; 20]>,
        }
        let body = format!("[{}{{\"status\":1}}]", "{\"status\":1},".repeat(100_000));
        let size = std::mem::size_of::<Item>();
        assert!(size > 160, "each 13-byte item becomes {size} bytes");
        assert_eq!(decode::<Vec<Item>>(&body, body.len() * 2).err(), Some(true));
    }

    #[test]
    fn the_parser_reserve_covers_its_buffer_for_the_longest_escaped_string() {
        use super::{longest_strings, parser_reserve};
        let body = br#"{"a": "plain text here", "b": "two\"escapes\n", "c": [1, 2]}"#;
        assert_eq!(longest_strings(body), (14, 15));
        // An unterminated string runs to the end of the body.
        assert_eq!(longest_strings(br#"["ab", "\u0041bcdef"#), (11, 11));
        // A small body is not scanned: taken as one string of its length.
        assert_eq!(parser_reserve(body, 1 << 20), 4 * body.len() + 4096);
        assert_eq!(parser_reserve(body, 64), 3 * 14 + 15 + 4096);
    }

    #[test]
    fn other_errors_are_not_taken_for_the_bound() {
        assert_eq!(decode::<Vec<u64>>("[1, \"x\"]", 1 << 20), Err(false));
        assert_eq!(decode::<Vec<u64>>("[1] trailing", 1 << 20), Err(false));
    }
}
