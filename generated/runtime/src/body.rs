//! What a request sends besides its query: nothing, a JSON object, or multipart parts; and the
//! constants every call of an endpoint sends with it.

use super::{Operation, Secret, Upload};
use serde::Serialize;

/// The body of one call, as the generated method builds it from its request.
#[derive(Debug)]
pub enum Body {
    /// A GET.
    Empty,
    /// The request as JSON, or why it does not encode.
    Json(Result<Vec<u8>, String>),
    /// `multipart/form-data`, a part per field.
    Multipart(Vec<Part>),
}

impl Body {
    pub fn json<T: Serialize + ?Sized>(request: &T) -> Self {
        Self::Json(serde_json::to_vec(request).map_err(|err| err.to_string()))
    }

    pub fn multipart(parts: Vec<Part>) -> Self {
        Self::Multipart(parts)
    }

    /// The body with the operation's constants added, ready to be sent any number of times; or
    /// why it cannot be sent.
    pub fn with_constants(self, operation: &Operation) -> Result<Self, String> {
        match self {
            Self::Empty => Ok(Self::Empty),
            Self::Json(Err(reason)) => Err(reason),
            Self::Json(Ok(mut json)) => {
                // A request struct always encodes as an object: `{…}`. The constants go in
                // before its closing brace, as the JSON texts the generator wrote.
                if !operation.body_constants.is_empty() {
                    if json.pop() != Some(b'}') {
                        return Err("the request did not encode as a JSON object".to_owned());
                    }
                    for (name, value) in operation.body_constants {
                        if json.last() != Some(&b'{') {
                            json.push(b',');
                        }
                        let name = serde_json::to_string(name).map_err(|err| err.to_string())?;
                        json.extend_from_slice(name.as_bytes());
                        json.push(b':');
                        json.extend_from_slice(value.as_bytes());
                    }
                    json.push(b'}');
                }
                Ok(Self::Json(Ok(json)))
            }
            Self::Multipart(mut parts) => {
                if let Some(reason) = parts.iter().find_map(Part::invalid) {
                    return Err(reason.to_owned());
                }
                for (name, value) in operation.body_constants {
                    parts.push(Part::text(name, constant_part_text(value)));
                }
                Ok(Self::Multipart(parts))
            }
        }
    }

    /// The JSON bytes, for a JSON body.
    pub fn json_bytes(&self) -> Option<&[u8]> {
        match self {
            Self::Json(Ok(json)) => Some(json),
            _ => None,
        }
    }

    /// The text of each text part, by name, for a multipart body.
    pub fn text_parts(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let parts = match self {
            Self::Multipart(parts) => parts.as_slice(),
            _ => &[],
        };
        parts.iter().filter_map(|part| match &part.value {
            Value::Text(text) => Some((part.name, text.as_str())),
            Value::Secret(secret) => Some((part.name, secret.expose_secret())),
            Value::File(_) | Value::Invalid(_) => None,
        })
    }

    /// The parts as `reqwest` sends them, for one attempt: files from a path are opened again.
    pub async fn form(parts: &[Part]) -> std::io::Result<reqwest::multipart::Form> {
        let mut form = reqwest::multipart::Form::new();
        for part in parts {
            form = match &part.value {
                Value::Text(text) => form.text(part.name, text.clone()),
                Value::Secret(secret) => form.text(part.name, secret.expose_secret().to_owned()),
                Value::File(upload) => form.part(part.name, upload.to_part().await?),
                // `with_constants` refused the body before anything was sent.
                Value::Invalid(_) => form,
            };
        }
        Ok(form)
    }
}

/// One part of a multipart body.
#[derive(Debug)]
pub struct Part {
    name: &'static str,
    value: Value,
}

#[derive(Debug)]
enum Value {
    Text(String),
    Secret(Secret),
    File(Upload),
    /// A value that could not be turned into text: the call fails before sending.
    Invalid(String),
}

impl Part {
    pub fn text(name: &'static str, text: String) -> Self {
        Self {
            name,
            value: Value::Text(text),
        }
    }

    pub fn secret(name: &'static str, secret: &Secret) -> Self {
        Self {
            name,
            value: Value::Secret(secret.clone()),
        }
    }

    pub fn file(name: &'static str, upload: &Upload) -> Self {
        Self {
            name,
            value: Value::File(upload.clone()),
        }
    }

    /// A text part holding `value` as JSON (an object, a list), or as its text when it is a
    /// string (an enum's value).
    pub fn json<T: Serialize + ?Sized>(name: &'static str, value: &T) -> Self {
        let value = match serde_json::to_value(value) {
            Ok(serde_json::Value::String(text)) => Value::Text(text),
            Ok(other) => Value::Text(other.to_string()),
            Err(err) => Value::Invalid(format!("part `{name}`: {err}")),
        };
        Self { name, value }
    }

    fn invalid(&self) -> Option<&str> {
        match &self.value {
            Value::Invalid(reason) => Some(reason),
            _ => None,
        }
    }
}

/// A query parameter's text for a value that serializes as a JSON scalar: an enum's wire value.
pub fn query_text<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// A body constant (JSON text) as the text of a multipart part: a string as itself, another
/// value as its JSON.
pub(crate) fn constant_part_text(json: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::String(text)) => text,
        _ => json.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HttpMethod;

    fn operation(body_constants: &'static [(&'static str, &'static str)]) -> Operation {
        Operation {
            name: "op",
            method: HttpMethod::Post,
            host: "example.com",
            path: "/op",
            token: None,
            secrets: &[],
            body_constants,
            max_media_bytes: None,
        }
    }

    fn json(body: Body) -> String {
        String::from_utf8(body.json_bytes().unwrap_or_default().to_vec()).unwrap_or_default()
    }

    #[test]
    fn constants_join_the_json_object() {
        let constants = operation(&[("version", "2"), ("scene", "\"chat\"")]);
        let with = |request: serde_json::Value| {
            Body::json(&request)
                .with_constants(&constants)
                .map(json)
                .unwrap_or_default()
        };
        assert_eq!(
            with(serde_json::json!({"a": 1})),
            r#"{"a":1,"version":2,"scene":"chat"}"#
        );
        assert_eq!(
            with(serde_json::json!({})),
            r#"{"version":2,"scene":"chat"}"#
        );
        assert!(
            Body::json(&[1])
                .with_constants(&constants)
                .is_err_and(|reason| reason.contains("object"))
        );
    }

    #[test]
    fn constants_are_text_parts_and_strings_lose_their_quotes() {
        let body = Body::multipart(vec![Part::text("type", "image".to_owned())])
            .with_constants(&operation(&[("version", "2"), ("scene", "\"chat\"")]))
            .ok();
        let parts: Vec<(&str, &str)> = body.iter().flat_map(Body::text_parts).collect();
        assert_eq!(
            parts,
            [("type", "image"), ("version", "2"), ("scene", "chat")]
        );
    }

    #[test]
    fn json_parts_hold_json_and_strings_their_text() {
        let object = Part::json("description", &serde_json::json!({"title": "t"}));
        let text = Part::json("kind", &"video");
        let body = Body::multipart(vec![object, text]);
        let parts: Vec<(&str, &str)> = body.text_parts().collect();
        assert_eq!(
            parts,
            [("description", r#"{"title":"t"}"#), ("kind", "video")]
        );
    }
}
