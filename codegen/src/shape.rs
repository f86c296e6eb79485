//! Every malformed key of a spec file at once, checked against the spec language's schema.
//!
//! serde stops at the first problem of a document, so a file with three misspelled keys would
//! take three runs. When serde rejects a file, this walk of the parsed YAML against the JSON
//! Schema derived from [`crate::spec`] finds every unknown key, missing key and unknown value
//! of a closed set (`method`, `kind`, …), each with its spec path. It checks only what the
//! schema says about keys and closed sets; types of values stay serde's job.

use crate::source::join;
use crate::suggest;
use serde_json::Value as Schema;
use serde_yaml::Value;

/// One problem, worded as serde words it, so both read the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeProblem {
    /// The node the problem is about: for an unknown key, the key's own path.
    pub spec_path: String,
    pub message: String,
    pub kind: ProblemKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    UnknownKey,
    MissingKey,
    UnknownValue,
}

/// Walks `document` against `schema` (the root of [`crate::schema`]'s output).
pub fn check(document: &Value, schema: &Schema) -> Vec<ShapeProblem> {
    let mut walk = Walk {
        root: schema,
        problems: Vec::new(),
    };
    walk.node(document, schema, "", 0);
    walk.problems
}

struct Walk<'a> {
    root: &'a Schema,
    problems: Vec<ShapeProblem>,
}

/// Deeper than any spec; guards against a schema that refers to itself without end.
const MAX_DEPTH: usize = 64;

impl<'a> Walk<'a> {
    fn node(&mut self, value: &Value, schema: &'a Schema, path: &str, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let schema = self.resolve(schema);
        if let Some(members) = schema.get("allOf").and_then(Schema::as_array) {
            for member in members {
                self.node(value, member, path, depth + 1);
            }
        }
        let choices = ["anyOf", "oneOf"]
            .iter()
            .find_map(|key| schema.get(*key).and_then(Schema::as_array));
        if let Some(choices) = choices {
            self.choice(value, choices, path, depth);
        }
        if let Some(allowed) = schema.get("enum").and_then(Schema::as_array) {
            let names: Vec<&str> = allowed.iter().filter_map(Schema::as_str).collect();
            self.closed_value(value, &names, path);
        }
        match value {
            Value::Mapping(mapping) if has_type(schema, "object") => {
                self.mapping(mapping, schema, path, depth);
            }
            Value::Sequence(items) if has_type(schema, "array") => {
                if let Some(item_schema) = schema.get("items") {
                    for (index, item) in items.iter().enumerate() {
                        self.node(item, item_schema, &format!("{path}[{index}]"), depth + 1);
                    }
                }
            }
            _ => {}
        }
    }

    /// `anyOf`/`oneOf`: a closed set of constants, or an optional value (`X` or `null`).
    fn choice(&mut self, value: &Value, choices: &'a [Schema], path: &str, depth: usize) {
        let constants: Option<Vec<&str>> = choices
            .iter()
            .map(|choice| choice.get("const").and_then(Schema::as_str))
            .collect();
        if let Some(constants) = constants {
            self.closed_value(value, &constants, path);
            return;
        }
        if value.is_null() {
            return;
        }
        let not_null: Vec<&Schema> = choices
            .iter()
            .filter(|choice| choice.get("type").and_then(Schema::as_str) != Some("null"))
            .collect();
        if let [only] = not_null.as_slice() {
            self.node(value, only, path, depth + 1);
        }
    }

    fn mapping(
        &mut self,
        mapping: &serde_yaml::Mapping,
        schema: &'a Schema,
        path: &str,
        depth: usize,
    ) {
        let properties = schema.get("properties").and_then(Schema::as_object);
        let closed = schema.get("additionalProperties") == Some(&Schema::Bool(false));
        let known: Vec<&str> = properties
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default();
        // A misspelled required key is one mistake: reported as the unknown key, whose help
        // suggests the right spelling, not again as the missing one.
        let mut meant = Vec::new();
        for (key, value) in mapping {
            let Some(key) = key.as_str() else { continue };
            let key_path = join(path, key);
            match properties.and_then(|p| p.get(key)) {
                Some(property) => self.node(value, property, &key_path, depth + 1),
                None if closed => {
                    meant.extend(suggest::closest(key, known.iter().copied()));
                    self.problems.push(ShapeProblem {
                        spec_path: key_path,
                        message: format!(
                            "unknown field `{key}`, {}",
                            expected_list(&known, "there are no fields")
                        ),
                        kind: ProblemKind::UnknownKey,
                    });
                }
                None => {}
            }
        }
        let required = schema.get("required").and_then(Schema::as_array);
        let missing: Vec<String> = required
            .into_iter()
            .flatten()
            .filter_map(Schema::as_str)
            .filter(|key| !mapping.contains_key(*key) && !meant.contains(key))
            .map(|key| format!("`{key}`"))
            .collect();
        // One problem per mapping: the keys are all added in one place.
        let message = match missing.as_slice() {
            [] => return,
            [one] => format!("missing field {one}"),
            [init @ .., last] => format!("missing fields {} and {last}", init.join(", ")),
        };
        self.problems.push(ShapeProblem {
            spec_path: path.to_owned(),
            message,
            kind: ProblemKind::MissingKey,
        });
    }

    fn closed_value(&mut self, value: &Value, allowed: &[&str], path: &str) {
        if let Value::String(found) = value
            && !allowed.contains(&found.as_str())
        {
            self.problems.push(ShapeProblem {
                spec_path: path.to_owned(),
                message: format!(
                    "unknown variant `{found}`, {}",
                    expected_list(allowed, "there are no variants")
                ),
                kind: ProblemKind::UnknownValue,
            });
        }
    }

    /// Follows `{"$ref": "#/definitions/Name"}` to the definition.
    fn resolve(&self, schema: &'a Schema) -> &'a Schema {
        let target = schema
            .get("$ref")
            .and_then(Schema::as_str)
            .and_then(|reference| reference.strip_prefix("#/"))
            .and_then(|pointer| self.root.pointer(&format!("/{pointer}")));
        target.unwrap_or(schema)
    }
}

fn has_type(schema: &Schema, wanted: &str) -> bool {
    match schema.get("type") {
        Some(Schema::String(ty)) => ty == wanted,
        Some(Schema::Array(types)) => types.iter().any(|ty| ty.as_str() == Some(wanted)),
        _ => false,
    }
}

/// serde's wording: "expected `a`", "expected `a` or `b`", "expected one of `a`, `b`, `c`".
fn expected_list(names: &[&str], none: &str) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.as_slice() {
        [] => none.to_owned(),
        [one] => format!("expected {one}"),
        [a, b] => format!("expected {a} or {b}"),
        all => format!("expected one of {}", all.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(yaml: &str) -> Vec<(String, String)> {
        let schema: Schema = serde_json::from_str(&crate::schema::json().unwrap()).unwrap();
        let document: Value = serde_yaml::from_str(yaml).unwrap();
        check(&document, &schema)
            .into_iter()
            .map(|p| (p.spec_path, p.message))
            .collect()
    }

    #[test]
    fn finds_every_malformed_key_and_value_in_one_walk() {
        let found = problems(
            "version: 1\nendpont: {}\ntypes:\n  - name: A\n    kind: obejct\n    fileds: []\n  - kind: enum\nerror_sets:\n  - {name: g, codes: [{code: 1, nmae: X, errmsg: x}]}\n",
        );
        let paths: Vec<&str> = found.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "endpont",
                "types[0].kind",
                "types[0].fileds",
                "types[1]",
                // `nmae` is taken for the missing `name`: one mistake, one problem.
                "error_sets[0].codes[0].nmae",
            ],
            "{found:#?}"
        );
        assert_eq!(
            found[1].1,
            "unknown variant `obejct`, expected one of `object`, `enum`, `union`"
        );
        assert_eq!(found[3].1, "missing field `name`");
    }

    #[test]
    fn valid_specs_and_closed_sets_pass() {
        assert!(problems("version: 1\n").is_empty());
        assert!(
            problems("version: 1\nendpoint:\n  name: a\n  operation: a\n  summary: A.\n  method: GET\n  host: h\n  path: /a\n  token: {kind: access_token, query_param: access_token}\n  response: {fields: []}\n").is_empty()
        );
        // The method is a closed set; a token kind is any declared name, which lowering checks.
        let found = problems(
            "version: 1\nendpoint:\n  name: a\n  operation: a\n  summary: A.\n  method: GTE\n  host: h\n  path: /a\n  token: {kind: acess_token, query_param: t}\n  response: {fields: []}\n",
        );
        assert_eq!(found.len(), 1, "{found:#?}");
    }
}
