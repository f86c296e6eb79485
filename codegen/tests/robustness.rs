//! The front end answers any input with diagnostics: never a panic, never a hang. Inputs are
//! arbitrary bytes, well-formed YAML documents built from the spec language's own vocabulary
//! (so they get past the parser and reach the checks), and random edits of the real specs.
//! Each case also renders its diagnostics, since rendering slices the source by their spans.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use serde_yaml::{Mapping, Value};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

/// Far above the milliseconds a case takes: only a hang reaches it.
const HANG: Duration = Duration::from_secs(20);

/// Checks and renders `files` on another thread; fails on a panic or a hang.
fn check_in_time(files: Vec<(PathBuf, String)>) -> Result<(), TestCaseError> {
    let (done, finished) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let diagnostics = codegen::check_sources(&files);
        let rendered = diagnostics.render(false);
        let _ = done.send(rendered.len());
    });
    match finished.recv_timeout(HANG) {
        Ok(_) => {
            prop_assert!(worker.join().is_ok());
            Ok(())
        }
        Err(mpsc::RecvTimeoutError::Timeout) => Err(TestCaseError::fail("the check hung")),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(TestCaseError::fail("the check panicked")),
    }
}

fn one_file(text: String) -> Vec<(PathBuf, String)> {
    vec![(PathBuf::from("group/spec.yaml"), text)]
}

const KEYS: &[&str] = &[
    "version",
    "endpoint",
    "types",
    "error_sets",
    "name",
    "operation",
    "summary",
    "docs",
    "doc_url",
    "method",
    "host",
    "path",
    "token",
    "kind",
    "query_param",
    "third_party",
    "allowed",
    "permission_set",
    "request",
    "query",
    "body",
    "response",
    "fields",
    "rust_name",
    "type",
    "required",
    "default",
    "repr",
    "values",
    "value",
    "errors",
    "include",
    "codes",
    "code",
    "errmsg",
    "solution",
    "example",
];

const WORDS: &[&str] = &[
    "1",
    "object",
    "enum",
    "integer",
    "string",
    "number",
    "boolean",
    "flag",
    "array<string>",
    "array<Thing>",
    "array<array<flag>>",
    "array<",
    "Thing",
    "thing",
    "GET",
    "POST",
    "access_token",
    "global",
    "ping",
    "Ping",
    "r#type",
    "self",
    "Unknown",
    "/ping",
    "api.example.com",
    "{}",
    "[]",
    "",
    " ",
    "é",
    "0",
    "-1",
];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        proptest::sample::select(WORDS).prop_map(|w| Value::String(w.to_owned())),
        any::<i64>().prop_map(|i| Value::Number(i.into())),
        prop_oneof![Just(0.5), Just(f64::INFINITY), Just(f64::NAN), Just(-0.0)]
            .prop_map(|f| Value::Number(f.into())),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
        "[a-zA-Z_<>]{0,12}".prop_map(Value::String),
    ]
}

/// YAML documents whose keys are mostly the language's, nested in any arrangement.
fn document() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Sequence),
            proptest::collection::vec(
                (
                    prop_oneof![
                        4 => proptest::sample::select(KEYS).prop_map(str::to_owned),
                        1 => "[a-z_]{1,8}",
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|entries| {
                let mut mapping = Mapping::new();
                for (key, value) in entries {
                    mapping.insert(Value::String(key), value);
                }
                Value::Mapping(mapping)
            }),
        ]
    })
}

/// A document that starts as a valid spec, with parts replaced by arbitrary documents.
fn nearly_valid() -> impl Strategy<Value = Value> {
    let base: Value = serde_yaml::from_str(REAL_SPEC).unwrap();
    (
        proptest::sample::select(vec![
            "endpoint",
            "types",
            "error_sets",
            "version",
            "endpoint.response",
            "endpoint.errors",
            "endpoint.request",
        ]),
        document(),
    )
        .prop_map(move |(path, replacement)| {
            let mut spec = base.clone();
            let mut node = &mut spec;
            let mut keys = path.split('.').peekable();
            while let Some(key) = keys.next() {
                let Value::Mapping(mapping) = node else { break };
                if keys.peek().is_none() {
                    mapping.insert(Value::String(key.to_owned()), replacement.clone());
                    break;
                }
                node = mapping
                    .entry(Value::String(key.to_owned()))
                    .or_insert(Value::Mapping(Mapping::new()));
            }
            spec
        })
}

const REAL_SPEC: &str = include_str!("../../specs/wxopen/wxamplinkget.yaml");
const REAL_ERRORS: &str = include_str!("../../specs/errors.yaml");
const REAL_TOKENS: &str = include_str!("../../specs/tokens.yaml");

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check_in_time(one_file(String::from_utf8_lossy(&bytes).into_owned()))?;
    }

    #[test]
    fn well_formed_documents_of_the_wrong_shape(document in document()) {
        check_in_time(one_file(serde_yaml::to_string(&document).unwrap()))?;
    }

    #[test]
    fn real_specs_with_a_part_replaced(document in nearly_valid()) {
        let files = vec![
            (PathBuf::from("wxopen/wxamplinkget.yaml"), serde_yaml::to_string(&document).unwrap()),
            (PathBuf::from("errors.yaml"), REAL_ERRORS.to_owned()),
            (PathBuf::from("tokens.yaml"), REAL_TOKENS.to_owned()),
        ];
        check_in_time(files)?;
    }

    #[test]
    fn real_specs_with_random_edits(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0..40usize, "[ \t\n:\\-\\[\\]{}#&*!|>'\"a-z0-9]{0,6}"), 1..6)
    ) {
        let mut text = REAL_SPEC.to_owned();
        for (at, removed, inserted) in edits {
            let start = at.index(text.len() + 1);
            let start = (0..=start).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let end = (start + removed).min(text.len());
            let end = (end..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len());
            text.replace_range(start..end, &inserted);
        }
        let files = vec![
            (PathBuf::from("wxopen/wxamplinkget.yaml"), text),
            (PathBuf::from("errors.yaml"), REAL_ERRORS.to_owned()),
            (PathBuf::from("tokens.yaml"), REAL_TOKENS.to_owned()),
        ];
        check_in_time(files)?;
    }
}

#[test]
fn the_unedited_real_specs_have_no_problems() {
    // The baseline the edits start from: a failure above is the edit's doing.
    let files = vec![
        (
            PathBuf::from("wxopen/wxamplinkget.yaml"),
            REAL_SPEC.to_owned(),
        ),
        (PathBuf::from("errors.yaml"), REAL_ERRORS.to_owned()),
        (PathBuf::from("tokens.yaml"), REAL_TOKENS.to_owned()),
    ];
    let diagnostics = codegen::check_sources(&files);
    assert!(diagnostics.is_empty(), "{diagnostics}");
}

#[test]
fn pathological_documents_are_answered_quickly() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_map = "a:\n".to_owned()
        + &(1..2000)
            .map(|i| format!("{}a:\n", " ".repeat(i)))
            .collect::<String>();
    let laughs = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
    let long_line = format!("version: 1\nendpoint: {}\n", "x".repeat(1_000_000));
    for text in [
        deep,
        deep_map,
        laughs.to_owned(),
        long_line,
        "\u{0}".to_owned(),
        "\u{feff}".to_owned(),
    ] {
        // `check_in_time` fails on a hang, bounded far above any normal run: not a speed test.
        check_in_time(one_file(text)).unwrap();
    }
}
