//! The spec language, v1: the shapes `serde_yaml` reads a spec file into.
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
    /// The version of the spec language; only `1` exists.
    #[schemars(range(min = 1, max = 1))]
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
    /// Which token: `access_token` or `component_access_token`.
    pub kind: TokenKind,
    /// The query parameter that carries the token.
    pub query_param: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// An account's own `access_token`, or the `authorizer_access_token` a platform holds for it.
    AccessToken,
    /// A third-party platform's own `component_access_token`.
    ComponentAccessToken,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThirdPartySpec {
    /// Whether a third-party platform may call the endpoint on an authorizer's behalf.
    pub allowed: bool,
    /// The permission set the authorizer must have granted to the platform.
    #[serde(default)]
    pub permission_set: Option<u32>,
    /// How third-party use differs, if it does.
    #[serde(default)]
    pub docs: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestSpec {
    /// Query parameters besides the token; scalars only.
    #[serde(default)]
    pub query: Vec<FieldSpec>,
    /// Fields of the JSON body. A POST with no fields sends `{}`.
    #[serde(default)]
    pub body: Vec<FieldSpec>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseSpec {
    /// What the response stands for, beyond the field docs.
    #[serde(default)]
    pub docs: Option<String>,
    /// The payload fields; `errcode` and `errmsg` are read by the client and are not listed.
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// The name on the wire.
    pub name: String,
    /// The Rust field name, when the one derived from `name` is not wanted.
    #[serde(default)]
    pub rust_name: Option<String>,
    /// A type expression: a scalar, a named type, or `array<…>` of one of those.
    #[serde(rename = "type")]
    // A regex cannot match brackets at any depth: it checks up to three levels of `array<…>`,
    // as editors validate while typing; the generator checks any depth.
    #[schemars(regex(
        pattern = "^\\s*([A-Za-z_][A-Za-z0-9_]*|array<\\s*[A-Za-z_][A-Za-z0-9_]*\\s*>|array<\\s*array<\\s*[A-Za-z_][A-Za-z0-9_]*\\s*>\\s*>|array<\\s*array<\\s*array<\\s*[A-Za-z_][A-Za-z0-9_]*\\s*>\\s*>\\s*>)\\s*$"
    ))]
    pub ty: String,
    /// Whether the field is always present (`true`) or may be absent (`false`, the default).
    #[serde(default)]
    pub required: bool,
    /// The value used when the field is absent; such a field is not an `Option` in Rust.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub default: Option<serde_yaml::Value>,
    /// What the field holds, from the endpoint's documentation.
    #[serde(default)]
    pub docs: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TypeSpec {
    /// The Rust name of the type (PascalCase).
    pub name: String,
    /// `object` (a struct with `fields`) or `enum` (an open enum with `repr` and `values`).
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TypeKind {
    Object,
    Enum,
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
