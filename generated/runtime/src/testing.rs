//! What the generated crates' tests share.

use serde_json::Value;

/// Asserts that two JSON values are the same, where a number and a string of the same digits
/// count as the same: a lenient field re-encodes in its documented type, not in the form the
/// documentation's example used.
pub fn assert_same_json(encoded: &Value, expected: &Value) {
    assert!(
        same(encoded, expected),
        "the example does not round-trip:\n encoded: {encoded}\nexpected: {expected}"
    );
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, value)| b.get(key).is_some_and(|other| same(value, other)))
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
        }
        (Value::String(text), Value::Number(number))
        | (Value::Number(number), Value::String(text)) => text.trim() == number.to_string(),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::same;
    use serde_json::json;

    #[test]
    fn a_number_and_its_digits_are_the_same_and_nothing_else_is() {
        assert!(same(
            &json!({"a": "86", "b": [1]}),
            &json!({"b": [1], "a": 86})
        ));
        assert!(!same(&json!({"a": "86"}), &json!({"a": 87})));
        assert!(!same(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(!same(&json!([1, 2]), &json!([1])));
        assert!(!same(&json!("1"), &json!(true)));
    }
}
