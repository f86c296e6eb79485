//! Rust names: the one place that turns wire names and spec names into identifiers.
//!
//! Every Rust name in the output is decided here, once, during lowering: snake_case for fields,
//! methods and modules, PascalCase for types and variants; keywords become raw identifiers (or get
//! a trailing `_` where Rust forbids a raw one); a leading digit gets a prefix. Two names that end
//! up equal are reported by [`Namespace`], never silently renamed, so a generated name never
//! changes behind the author's back.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeMap;

/// Keywords of every edition up to 2024, strict and reserved.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers (`r#self` is not allowed).
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Why a name could not be made into an identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameError(pub String);

/// A snake_case identifier for a field, method or module: `headimg_url`, `r#type`, `_1st`.
pub fn snake(name: &str) -> Result<String, NameError> {
    let base = name.to_snake_case();
    finish(name, &base, "_")
}

/// A PascalCase identifier for a type or variant: `LinkStatus`, `SourceNormal`, `V1`.
pub fn pascal(name: &str) -> Result<String, NameError> {
    let base = name.to_upper_camel_case();
    finish(name, &base, "V")
}

/// A SCREAMING_SNAKE_CASE identifier for a constant: `COMPONENT_ACCESS_TOKEN`, `V1`.
pub fn screaming(name: &str) -> Result<String, NameError> {
    let base = name.to_shouty_snake_case();
    finish(name, &base, "V")
}

/// A module name. Modules map to file names, so keywords get a `_` suffix instead of `r#`.
pub fn module(name: &str) -> Result<String, NameError> {
    let ident = snake(name)?;
    Ok(match ident.strip_prefix("r#") {
        Some(keyword) => format!("{keyword}_"),
        None => ident,
    })
}

/// Checks a name the author wrote on purpose (`rust_name`, a type or variant name): it must
/// already be an identifier; keywords are escaped as for derived names.
pub fn explicit(name: &str) -> Result<String, NameError> {
    let mut chars = name.chars();
    let valid = match chars.next() {
        Some(first) => {
            (first.is_ascii_alphabetic() || first == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        None => false,
    };
    if !valid || name == "_" {
        return Err(NameError(format!(
            "`{name}` is not a Rust identifier (ASCII letters, digits and `_`, not starting with a digit)"
        )));
    }
    Ok(escape_keyword(name))
}

fn finish(original: &str, base: &str, digit_prefix: &str) -> Result<String, NameError> {
    if base.is_empty() || !base.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(NameError(format!(
            "cannot derive a Rust name from `{original}`: it needs ASCII letters or digits"
        )));
    }
    let base = if base.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{digit_prefix}{base}")
    } else {
        base.to_owned()
    };
    Ok(escape_keyword(&base))
}

fn escape_keyword(name: &str) -> String {
    if NOT_RAW.contains(&name) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// Turns a name decided here into a token for `quote!`, raw when it is `r#…`.
pub fn to_ident(name: &str) -> proc_macro2::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => proc_macro2::Ident::new(name, proc_macro2::Span::call_site()),
    }
}

/// The Rust names taken in one scope (the fields of a struct, the variants of an enum, the types
/// of the crate), each with a description of what took it, for collision reports.
#[derive(Debug, Default)]
pub struct Namespace {
    taken: BTreeMap<String, String>,
}

impl Namespace {
    /// Claims `name` for `owner`; when it is already taken, returns the earlier owner.
    pub fn claim(&mut self, name: &str, owner: impl Into<String>) -> Result<(), String> {
        // `r#type` and `type_` are different identifiers, but compare the bare words so that
        // `type` and `r#type` collide.
        let key = name.trim_start_matches("r#").to_owned();
        match self.taken.get(&key) {
            Some(earlier) => Err(earlier.clone()),
            None => {
                self.taken.insert(key, owner.into());
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_names() {
        let table = [
            ("headimg_url", "headimg_url"),
            ("userName", "user_name"),
            ("HTTPServer", "http_server"),
            ("func_News", "func_news"),
            ("type", "r#type"),
            ("match", "r#match"),
            ("self", "self_"),
            ("Self", "self_"),
            ("super", "super_"),
            ("crate", "crate_"),
            ("async", "r#async"),
            ("gen", "r#gen"),
            ("1st_place", "_1st_place"),
            ("2", "_2"),
            ("kebab-case-name", "kebab_case_name"),
            ("dotted.name", "dotted_name"),
        ];
        for (input, expected) in table {
            assert_eq!(snake(input), Ok(expected.to_owned()), "snake({input:?})");
        }
    }

    #[test]
    fn pascal_case_names() {
        let table = [
            ("SOURCE_NORMAL", "SourceNormal"),
            ("link_status", "LinkStatus"),
            ("linkStatus", "LinkStatus"),
            ("self", "Self_"),
            ("1", "V1"),
            ("404_not_found", "V404NotFound"),
            ("wx-store", "WxStore"),
        ];
        for (input, expected) in table {
            assert_eq!(pascal(input), Ok(expected.to_owned()), "pascal({input:?})");
        }
    }

    #[test]
    fn module_names_avoid_raw_identifiers() {
        assert_eq!(module("type"), Ok("type_".to_owned()));
        assert_eq!(module("wxopen"), Ok("wxopen".to_owned()));
        assert_eq!(module("self"), Ok("self_".to_owned()));
        assert_eq!(module("cgi-bin"), Ok("cgi_bin".to_owned()));
    }

    #[test]
    fn names_without_ascii_letters_are_refused() {
        for input in ["", "-", "名字", "__", "状态_status"] {
            assert!(snake(input).is_err(), "snake({input:?}) should fail");
            assert!(pascal(input).is_err(), "pascal({input:?}) should fail");
        }
    }

    #[test]
    fn explicit_names_must_be_identifiers() {
        assert_eq!(explicit("opened"), Ok("opened".to_owned()));
        assert_eq!(explicit("type"), Ok("r#type".to_owned()));
        assert_eq!(explicit("Self"), Ok("Self_".to_owned()));
        for bad in ["", "_", "1x", "has space", "dash-ed", "ünï"] {
            assert!(explicit(bad).is_err(), "explicit({bad:?}) should fail");
        }
    }

    #[test]
    fn raw_identifiers_become_raw_tokens() {
        assert_eq!(to_ident("r#type").to_string(), "r#type");
        assert_eq!(to_ident("status").to_string(), "status");
    }

    #[test]
    fn namespace_reports_the_earlier_owner() {
        let mut names = Namespace::default();
        assert_eq!(names.claim("user_name", "field `userName`"), Ok(()));
        assert_eq!(
            names.claim("user_name", "field `user_name`"),
            Err("field `userName`".to_owned())
        );
        assert_eq!(names.claim("r#type", "field `type`"), Ok(()));
        assert_eq!(
            names.claim("type", "field `Type`"),
            Err("field `type`".to_owned())
        );
    }
}
