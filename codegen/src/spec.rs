//! The spec language, v2: the shapes `serde_yaml` reads a spec file into. (Version 1 files are
//! read the same way: version 2 only adds to the language.)
//!
//! Every struct rejects keys it does not know (`deny_unknown_fields`), so a misspelled key is an
//! error rather than silently ignored. These types describe what the author wrote; deciding Rust
//! names, resolving references and checking consistency is the job of [`crate::lower`].
//! `docs/spec-language.md` documents the language for spec authors.

use schemars::JsonSchema;
use serde::Deserialize;

/// One spec file: at most one endpoint, plus named types and error sets any spec may use.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    /// The version of the spec language: `2`. (`1` is still read: version 2 only adds to it.)
    #[schemars(range(min = 1, max = 2))]
    pub version: u32,
    /// The endpoint this file describes; a file of shared types or error sets has none.
    #[serde(default)]
    pub endpoint: Option<EndpointSpec>,
    /// Named object and enum types; any spec may use them by name.
    #[serde(default)]
    pub types: Vec<TypeSpec>,
    /// Named tables of error codes that endpoints include by name.
    #[serde(default)]
    pub error_sets: Vec<ErrorSetSpec>,
    /// The kinds of token endpoints take (an account's `access_token`, a platform's
    /// `component_access_token`, …), declared once, in a shared file at the top of the specs
    /// folder; an endpoint's `token.kind` names one.
    #[serde(default)]
    pub token_kinds: Vec<TokenKindSpec>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenKindSpec {
    /// The kind's name, which endpoints' `token.kind` use (`component_access_token`).
    pub name: String,
    /// The query parameter that carries the token, unless an endpoint names another.
    pub query_param: String,
    /// What the token is, who holds it and where it comes from.
    #[serde(default)]
    pub docs: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointSpec {
    /// The endpoint's name on the wire, usually the last path segment (`wxamplinkget`).
    pub name: String,
    /// The Rust method name on the client (`get_linked_mini_programs`); it also names the
    /// endpoint's request, response and error types.
    pub operation: String,
    /// One line: what the endpoint does. It starts the rustdoc of the client method.
    pub summary: String,
    /// Everything a caller should know beyond the summary (Markdown).
    #[serde(default)]
    pub docs: Option<String>,
    /// The official documentation page, so reviewers can check the spec against it.
    #[serde(default)]
    pub doc_url: Option<String>,
    /// `GET` or `POST`.
    pub method: HttpMethod,
    /// The host alone, without scheme or path (`api.weixin.qq.com`).
    pub host: String,
    /// The path from its leading `/`, without a query (`/cgi-bin/wxopen/wxamplinkget`).
    pub path: String,
    /// The token the endpoint takes; absent for endpoints that take none (token endpoints).
    #[serde(default)]
    pub token: Option<TokenSpec>,
    /// Whether and how a third-party platform may call the endpoint for an authorizer.
    #[serde(default)]
    pub third_party: Option<ThirdPartySpec>,
    /// What the caller sends besides the token.
    #[serde(default)]
    pub request: RequestSpec,
    /// What a successful response (`errcode` 0) carries.
    pub response: ResponseSpec,
    /// The error codes the endpoint documents, and the error sets it includes.
    #[serde(default)]
    pub errors: ErrorsSpec,
    /// A documented response; a generated test decodes it.
    #[serde(default)]
    pub example: Option<ExampleSpec>,
    /// Why the endpoint should no longer be called, and what to call instead: the client method
    /// is `#[deprecated]` with this note.
    #[serde(default)]
    pub deprecated: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum HttpMethod {
    #[serde(rename = "GET")]
    Get,
    #[serde(rename = "POST")]
    Post,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenSpec {
    /// Which token: the name of a kind declared under `token_kinds:` (`access_token`).
    pub kind: String,
    /// The query parameter that carries the token, when not the kind's own.
    #[serde(default)]
    pub query_param: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThirdPartySpec {
    /// Whether a third-party platform may call the endpoint on an authorizer's behalf.
    pub allowed: bool,
    /// The permission set the authorizer must have granted to the platform, or the list of
    /// sets any one of which lets it call the endpoint (`[17, 18]`).
    #[serde(default)]
    pub permission_set: Option<PermissionSets>,
    /// How third-party use differs, if it does.
    #[serde(default)]
    pub docs: Option<String>,
}

/// One permission set, or several.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum PermissionSets {
    One(u32),
    Any(Vec<u32>),
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestSpec {
    /// How the body travels: `json` (the default) or `multipart` (`multipart/form-data`, for
    /// uploads: `file` fields are file parts, other fields text parts).
    #[serde(default)]
    pub encoding: RequestEncoding,
    /// Query parameters besides the token: scalars and enums.
    #[serde(default)]
    pub query: Vec<FieldSpec>,
    /// Fields of the body. A JSON POST with no fields sends `{}`.
    #[serde(default)]
    pub body: Vec<FieldSpec>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestEncoding {
    /// A JSON object.
    #[default]
    Json,
    /// `multipart/form-data`: a part per field.
    Multipart,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseSpec {
    /// What the response stands for, beyond the field docs.
    #[serde(default)]
    pub docs: Option<String>,
    /// What a successful answer is: `json` (the default: an object of `fields`), `bytes` (a
    /// file: an image, a voice, …; errors still come as JSON), or `json_or_bytes` (either: a
    /// JSON object of `fields` for some answers, bytes for others).
    #[serde(default)]
    pub format: ResponseFormat,
    /// For `bytes` and `json_or_bytes`: what the bytes are.
    #[serde(default)]
    pub bytes: Option<BytesSpec>,
    /// The payload fields; `errcode` and `errmsg` are read by the client and are not listed.
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResponseFormat {
    /// A JSON object of `fields`.
    #[default]
    Json,
    /// Bytes (a file), or a JSON error.
    Bytes,
    /// A JSON object of `fields` or bytes, or a JSON error.
    JsonOrBytes,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BytesSpec {
    /// The content types the documentation gives for the bytes (`image/jpeg`).
    #[serde(default)]
    pub content_types: Vec<String>,
    /// The largest file the documentation allows, in bytes: the client's default limit for it.
    #[serde(default)]
    pub max_bytes: Option<u64>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// The name on the wire.
    pub name: String,
    /// The Rust field name, when the one derived from `name` is not wanted.
    #[serde(default)]
    pub rust_name: Option<String>,
    /// A type expression: a scalar, a named type, or `array<…>` or `map<…>` of a type.
    #[serde(rename = "type")]
    // A regex cannot match brackets at any depth: it checks up to three levels of `array<…>`
    // and `map<…>`, as editors validate while typing; the generator checks any depth.
    #[schemars(regex(
        pattern = "^\\s*([A-Za-z_][A-Za-z0-9_]*|(array|map)<\\s*[A-Za-z_][A-Za-z0-9_]*\\s*>|(array|map)<\\s*(array|map)<\\s*[A-Za-z_][A-Za-z0-9_]*\\s*>\\s*>|(array|map)<\\s*(array|map)<\\s*(array|map)<\\s*[A-Za-z_][A-Za-z0-9_]*\\s*>\\s*>\\s*>)\\s*$"
    ))]
    pub ty: String,
    /// Whether the field is always present (`true`) or may be absent (`false`, the default).
    #[serde(default)]
    pub required: bool,
    /// The value used when the field is absent; such a field is not an `Option` in Rust.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub default: Option<serde_yaml::Value>,
    /// For a request field: the value the client always sends. The field is then not a
    /// parameter of the call (`grant_type: authorization_code`).
    #[serde(default, rename = "const")]
    #[schemars(with = "Option<serde_json::Value>")]
    pub constant: Option<serde_yaml::Value>,
    /// Also accept what some answers send in place of the documented type: a number for a
    /// `string`, a string of digits for an `integer` or a `number`. The Rust type stays the
    /// documented one; strict is the default.
    #[serde(default)]
    pub lenient: bool,
    /// For a field whose type is a union: its tag and payload are keys of this object, not an
    /// object under the field's own name (which then only names the Rust field).
    #[serde(default)]
    pub flatten: bool,
    /// Why the field should no longer be used: `#[deprecated]` with this note.
    #[serde(default)]
    pub deprecated: Option<String>,
    /// What the field holds, from the endpoint's documentation.
    #[serde(default)]
    pub docs: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TypeSpec {
    /// The Rust name of the type (PascalCase).
    pub name: String,
    /// `object` (a struct with `fields`), `enum` (an open enum with `repr` and `values`) or
    /// `union` (a tagged union with `tag`, `style` and `variants`).
    pub kind: TypeKind,
    /// What the type stands for.
    #[serde(default)]
    pub docs: Option<String>,
    /// For `kind: object`.
    #[serde(default)]
    pub fields: Option<Vec<FieldSpec>>,
    /// For `kind: enum`: how values travel on the wire.
    #[serde(default)]
    pub repr: Option<EnumRepr>,
    /// For `kind: enum`: the documented values. Others decode into `Unknown`.
    #[serde(default)]
    pub values: Option<Vec<EnumValueSpec>>,
    /// For `kind: union`: the key of the tag that says which variant an object is, and its type.
    #[serde(default)]
    pub tag: Option<UnionTagSpec>,
    /// For `kind: union`: where a variant's payload is: `sibling` (the default: under a key of its
    /// own beside the tag) or `inline` (its fields beside the tag).
    #[serde(default)]
    pub style: Option<UnionStyle>,
    /// For `kind: union`: the documented variants. A received tag no variant has decodes into
    /// `Unknown`, which keeps the object.
    #[serde(default)]
    pub variants: Option<Vec<UnionVariantSpec>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnionTagSpec {
    /// The tag's key on the wire (`msgtype`).
    pub name: String,
    /// The tag's type: `string`, `integer` or `boolean`.
    pub repr: TagRepr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TagRepr {
    String,
    Integer,
    Boolean,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnionStyle {
    /// The payload is an object under its own key: `{"msgtype": "text", "text": {…}}`.
    Sibling,
    /// The payload's fields are beside the tag: `{"type": "FIX_TERM", "fixed_term": 3}`.
    Inline,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnionVariantSpec {
    /// The tag's value for this variant, of the tag's `repr`.
    #[schemars(with = "serde_json::Value")]
    pub value: serde_yaml::Value,
    /// The Rust variant name; derived from a string value when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// The payload: a named object type; absent for a variant that is only its tag.
    #[serde(rename = "type", default)]
    pub payload: Option<String>,
    /// For `style: sibling`: the payload's key; the tag's value when absent (a string tag).
    #[serde(default)]
    pub field: Option<String>,
    /// What the variant means.
    #[serde(default)]
    pub docs: Option<String>,
    /// Why the variant should no longer be sent: `#[deprecated]` with this note.
    #[serde(default)]
    pub deprecated: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TypeKind {
    Object,
    Enum,
    Union,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EnumRepr {
    Integer,
    String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumValueSpec {
    /// The value on the wire: an integer or a string, as the enum's `repr` says.
    #[schemars(with = "IntegerOrString")]
    pub value: serde_yaml::Value,
    /// The Rust variant name; derived from a string value when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// What the value means.
    #[serde(default)]
    pub docs: Option<String>,
    /// Why the value should no longer be used: `#[deprecated]` with this note.
    #[serde(default)]
    pub deprecated: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorsSpec {
    /// Names of error sets whose codes this endpoint can also return.
    #[serde(default)]
    pub include: Vec<String>,
    /// The endpoint's own codes.
    #[serde(default)]
    pub codes: Vec<ErrorCodeSpec>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorSetSpec {
    /// The name endpoints include the set by.
    pub name: String,
    /// What the codes of the set have in common.
    #[serde(default)]
    pub docs: Option<String>,
    /// The codes of the set.
    pub codes: Vec<ErrorCodeSpec>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorCodeSpec {
    /// The `errcode` the server sends; never 0, which means success.
    pub code: i64,
    /// The Rust variant name (PascalCase).
    pub name: String,
    /// The errmsg the server sends with this code, as documented; leave it out when no source
    /// gives it (the meaning then goes in `solution`).
    #[serde(default)]
    pub errmsg: Option<String>,
    /// What the caller should do about it, as documented.
    #[serde(default)]
    pub solution: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExampleSpec {
    /// A complete response body (JSON), as documented; the generated tests decode it.
    pub response: String,
}

/// The schema of an enum value: what `repr: integer` or `repr: string` allows.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)] // Only its schema is used.
enum IntegerOrString {
    Integer(i64),
    String(String),
}
