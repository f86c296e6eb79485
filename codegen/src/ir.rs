//! The intermediate representation: what the emitters read.
//!
//! Lowering ([`crate::lower`]) has already decided every Rust name (wire names kept beside them),
//! resolved every reference and sorted everything that has no meaningful order, so emitters make
//! no decisions of their own and two runs over the same specs produce the same output.

use std::path::PathBuf;

/// Everything generated from one specs folder.
#[derive(Debug, Clone)]
pub struct Api {
    /// The modules of the generated `api` tree, sorted by module path.
    pub modules: Vec<Module>,
    /// The token kinds the specs declare, sorted by name.
    pub token_kinds: Vec<TokenKindDef>,
}

/// A kind of token endpoints take: a client holds a token source per kind.
#[derive(Debug, Clone)]
pub struct TokenKindDef {
    /// The name specs use, and the runtime's name of the kind (`component_access_token`).
    pub name: String,
    /// The Rust constant of the kind (`COMPONENT_ACCESS_TOKEN`).
    pub const_name: String,
    /// The query parameter that carries it unless an endpoint says otherwise.
    pub query_param: String,
    pub docs: String,
    /// The module of the shared file that declares it.
    pub module: Vec<String>,
}

/// One Rust module: a group folder (with children) or one spec file (with items).
#[derive(Debug, Clone)]
pub struct Module {
    /// Module names from the `api` root, e.g. `["wxopen", "wxamplinkget"]`; empty for the root.
    pub path: Vec<String>,
    /// Spec file this module comes from, relative to the specs folder (none for group modules).
    pub spec_file: Option<PathBuf>,
    pub docs: String,
    /// Child modules, sorted by name.
    pub children: Vec<ChildModule>,
    /// Types defined by the spec file: the endpoint's own first, then named types by name.
    pub types: Vec<TypeDef>,
    /// The enums of the error sets the spec file defines, by name.
    pub error_sets: Vec<ErrorSetEnum>,
    pub endpoint: Option<Endpoint>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ChildModule {
    pub name: String,
    /// A group folder (a public module), rather than a spec file (re-exported into its group).
    pub is_group: bool,
    /// Whether a spec file's module has items to re-export (one that only declares token kinds
    /// has impls alone).
    pub has_items: bool,
}

#[derive(Debug, Clone)]
pub enum TypeDef {
    Struct(StructDef),
    Enum(EnumDef),
    Union(UnionDef),
}

/// A tagged union: an enum with a variant per documented tag, carrying its payload.
#[derive(Debug, Clone)]
pub struct UnionDef {
    pub rust_name: String,
    pub docs: String,
    /// The tag's key on the wire.
    pub tag: String,
    pub style: UnionStyle,
    /// In spec order.
    pub variants: Vec<UnionVariant>,
    pub wire: WireUse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnionStyle {
    /// The payload under a key of its own.
    Sibling,
    /// The payload's fields beside the tag.
    Inline,
}

#[derive(Debug, Clone)]
pub struct UnionVariant {
    pub rust_name: String,
    pub value: TagValue,
    /// The payload's named object type; `None` for a variant that is only its tag.
    pub payload: Option<TypeRef>,
    /// For the sibling style, the payload's key.
    pub field: Option<String>,
    pub docs: String,
    pub deprecated: Option<String>,
}

/// A union's tag value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagValue {
    Text(String),
    Integer(i64),
    Bool(bool),
}

#[derive(Debug, Clone)]
pub struct StructDef {
    pub rust_name: String,
    pub docs: String,
    /// In spec order, which is wire order.
    pub fields: Vec<FieldDef>,
    /// True when every field may be absent: the struct then implements `Default`.
    pub all_fields_optional: bool,
    /// Which ways the type crosses the wire: only those serde traits are derived.
    pub wire: WireUse,
}

/// Which ways a type crosses the wire, through the endpoints that use it: it derives
/// `Serialize` when sent, `Deserialize` when received. Deriving only what is used roughly
/// halves the serde code rustc checks. A type no endpoint uses derives both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WireUse {
    pub sent: bool,
    pub received: bool,
}

#[derive(Debug, Clone)]
pub struct FieldDef {
    pub rust_name: String,
    pub wire_name: String,
    pub docs: String,
    pub ty: TypeRef,
    pub presence: Presence,
    /// Decoding also accepts a number for a string, or a string of digits for a number.
    pub lenient: bool,
    /// For a union whose tag and payload are keys of the enclosing object: the tag's key.
    pub flatten: Option<String>,
    /// For such a union: every key it may put into the enclosing object (its tag, and its
    /// variants' payload keys or payload fields), sorted; empty for another field.
    pub flattened_keys: Vec<String>,
    /// Why the field should no longer be used.
    pub deprecated: Option<String>,
    /// Where the field's value travels.
    pub location: FieldLocation,
}

/// Where a field's value travels (progenitor's parameter kinds): decided once, in lowering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldLocation {
    /// A key of a JSON object: a JSON request body, a response, or a type they hold.
    Json,
    /// A query parameter of the request's URL.
    Query,
    /// A part of a multipart request body.
    Part,
}

/// How a field behaves when it is absent from the wire.
#[derive(Debug, Clone, PartialEq)]
pub enum Presence {
    /// Absent is an error.
    Required,
    /// Absent is `None`; `None` is not sent.
    Optional,
    /// Absent takes the type's `Default` (the spec's default is the zero value).
    DefaultZero,
    /// Absent takes this value, which the emitter writes as a Rust expression.
    DefaultValue(DefaultValue),
}

/// A non-zero default, already checked against the field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    Integer(i64),
    Number(f64),
    String(String),
    Bool(bool),
    /// The Rust name of an enum type and of one of its variants.
    EnumVariant {
        enum_name: String,
        variant: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    String,
    /// A string whose value must not be shown: `crate::Secret` in Rust, a string on the wire.
    Secret,
    Integer,
    Number,
    Boolean,
    /// `bool` in Rust, `0`/`1` on the wire.
    Flag,
    /// A file to upload: a part of a multipart request (`crate::Upload` in Rust).
    File,
    /// A named type: its Rust name and the module that defines it (from the `api` root).
    Named {
        rust_name: String,
        module: Vec<String>,
    },
    Array(Box<TypeRef>),
    /// An object keyed by strings (`map<T>`): a `BTreeMap<String, T>`, sorted, so what goes on
    /// the wire does not depend on the order keys were inserted in.
    Map(Box<TypeRef>),
}

impl TypeRef {
    /// The type of the values at the bottom of arrays and maps.
    pub fn element(&self) -> &TypeRef {
        let mut ty = self;
        while let TypeRef::Array(inner) | TypeRef::Map(inner) = ty {
            ty = inner;
        }
        ty
    }
}

#[derive(Debug, Clone)]
pub struct EnumDef {
    pub rust_name: String,
    pub docs: String,
    pub repr: EnumRepr,
    /// In spec order.
    pub variants: Vec<VariantDef>,
    pub wire: WireUse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumRepr {
    Integer,
    String,
}

#[derive(Debug, Clone)]
pub struct VariantDef {
    pub rust_name: String,
    pub value: EnumValue,
    pub docs: String,
    pub deprecated: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnumValue {
    Integer(i64),
    String(String),
}

#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The name on the wire, e.g. `wxamplinkget`.
    pub wire_name: String,
    /// The client method, e.g. `get_linked_mini_programs`.
    pub method_name: String,
    /// The trait that adds the method to the runtime's `Client`, e.g. `GetLinkedMiniPrograms`.
    pub call_trait: String,
    pub summary: String,
    pub docs: String,
    pub doc_url: Option<String>,
    pub http_method: HttpMethod,
    pub host: String,
    pub path: String,
    /// The token the endpoint takes, and the query parameter that carries it.
    pub token: Option<Token>,
    pub third_party: Option<ThirdParty>,
    /// The request type: query fields and body fields together.
    pub request: StructDef,
    /// How the body travels.
    pub encoding: RequestEncoding,
    /// Values the client sends with every call; not fields of the request.
    pub constants: Vec<ConstField>,
    /// What a successful answer is.
    pub format: ResponseFormat,
    /// How users build the request; `None` when it has no fields (the method takes no argument).
    pub request_builder: Option<RequestBuilder>,
    pub response: StructDef,
    pub error: ErrorEnum,
    /// The documented response body, already checked to be JSON.
    pub example_response: Option<String>,
    /// The wire names of fields of type `secret` in the request and response, at any depth,
    /// sorted: the runtime redacts them from logs and errors.
    pub secret_fields: Vec<String>,
    /// Why the endpoint should no longer be called.
    pub deprecated: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
}

impl HttpMethod {
    /// The method as HTTP writes it: `GET`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Token {
    /// The kind's name, as declared (`access_token`).
    pub kind: String,
    /// The kind's Rust constant (`ACCESS_TOKEN`).
    pub const_name: String,
    pub query_param: String,
}

#[derive(Debug, Clone)]
pub struct ThirdParty {
    pub allowed: bool,
    /// Any one of these lets a platform call the endpoint; empty when none is documented.
    pub permission_sets: Vec<u32>,
    pub docs: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestEncoding {
    Json,
    Multipart,
}

/// A request value the client always sends.
#[derive(Debug, Clone)]
pub struct ConstField {
    pub wire_name: String,
    pub docs: String,
    /// In the query, or else in the body.
    pub in_query: bool,
    /// The value as it travels: a JSON scalar (a flag already as 0/1, an enum as its value).
    pub value: serde_json::Value,
}

impl ConstField {
    /// The value as query text: a string as itself, another scalar as its JSON.
    pub fn query_text(&self) -> String {
        match &self.value {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseFormat {
    /// A JSON object: the response struct.
    Json,
    /// Bytes, or a JSON error.
    Bytes(BytesDef),
    /// The response struct or bytes, or a JSON error.
    JsonOrBytes(BytesDef),
}

impl ResponseFormat {
    pub fn bytes(&self) -> Option<&BytesDef> {
        match self {
            Self::Json => None,
            Self::Bytes(bytes) | Self::JsonOrBytes(bytes) => Some(bytes),
        }
    }

    /// Whether a successful answer can be the JSON response struct.
    pub fn has_json(&self) -> bool {
        !matches!(self, Self::Bytes(_))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BytesDef {
    pub content_types: Vec<String>,
    pub max_bytes: Option<u64>,
}

/// One error enum per endpoint: a variant per code of its own, and one per included set, which
/// wraps the set's shared enum.
#[derive(Debug, Clone)]
pub struct ErrorEnum {
    pub rust_name: String,
    /// Every code the endpoint documents, its own and its sets', sorted by code.
    pub variants: Vec<ErrorVariant>,
    /// The included sets, in the order the spec includes them.
    pub sets: Vec<IncludedSet>,
}

impl ErrorEnum {
    /// The endpoint's own codes: a variant each in its enum.
    pub fn own_variants(&self) -> impl Iterator<Item = &ErrorVariant> {
        self.variants.iter().filter(|v| v.from_set.is_none())
    }
}

/// An error set an endpoint includes: a variant of the endpoint's enum wraps the set's enum.
#[derive(Debug, Clone)]
pub struct IncludedSet {
    /// The set's name in the specs, e.g. `global`.
    pub name: String,
    /// The variant of the endpoint's enum, e.g. `Global`.
    pub variant: String,
    /// The set's shared enum, e.g. `GlobalError`, and the module that defines it.
    pub enum_name: String,
    pub module: Vec<String>,
}

/// The shared enum of an error set: a variant per code.
#[derive(Debug, Clone)]
pub struct ErrorSetEnum {
    /// The set's name in the specs, e.g. `global`.
    pub name: String,
    pub rust_name: String,
    pub docs: String,
    /// Sorted by code.
    pub variants: Vec<ErrorVariant>,
}

#[derive(Debug, Clone)]
pub struct ErrorVariant {
    pub code: i64,
    pub rust_name: String,
    /// The documented `errmsg`, when a source gives it.
    pub errmsg: Option<String>,
    pub solution: Option<String>,
    /// The error set the code comes from; `None` for the endpoint's own codes.
    pub from_set: Option<String>,
}

/// The builder of a request: a type parameter per required field, which is the runtime's
/// `Missing` until the field is set, so `build()` exists only once every required field is set
/// (a compile-time check).
#[derive(Debug, Clone)]
pub struct RequestBuilder {
    pub rust_name: String,
    /// In field order.
    pub required: Vec<BuilderParam>,
    /// A value for each required field, for the doc example; `None` when some required field
    /// has no value simple enough to write (the example is then left out).
    pub example: Option<Vec<SampleValue>>,
}

#[derive(Debug, Clone)]
pub struct BuilderParam {
    /// The Rust name of the field (and of its setter).
    pub field: String,
    /// The builder's type parameter for it, e.g. `NotifyUsers`: never the name of a type the
    /// builder's code mentions.
    pub type_param: String,
}

/// A value a doc example sets a required field to.
#[derive(Debug, Clone, PartialEq)]
pub enum SampleValue {
    /// A placeholder string, `"…"`.
    Text,
    Bool,
    Integer,
    Number,
    EmptyList,
    /// The first documented variant of an enum.
    EnumVariant {
        enum_name: String,
        module: Vec<String>,
        variant: String,
    },
    /// `Default::default()` of an object type whose fields are all optional, or of a map.
    Default,
    /// A file from bytes in memory.
    File,
}
