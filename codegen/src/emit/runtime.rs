//! The runtime crate's items that generated code names: the contract between the generator and
//! `wechat-api-runtime` (`generated/runtime/`), written down once. smithy-rs's `RuntimeType` is
//! the model: an emitter asks for [`CLIENT`] or [`de::OBJECT`], never spells a runtime path.
//!
//! Generated code names the runtime by its absolute path (`::wechat_api_runtime::…`), so a spec
//! type that happens to share a runtime item's name cannot hide it. When the runtime renames or
//! moves an item, this file is the one place to change, and the compiled snapshots (the fixture
//! crate, the specs' crate) say whether the two still agree.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The runtime crate as generated code names it, without the leading `::`.
pub const CRATE: &str = "wechat_api_runtime";

/// An item of the runtime crate: its path inside the crate (`de::Object`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeType(&'static str);

impl RuntimeType {
    /// The item's absolute path as tokens: `::wechat_api_runtime::de::Object`.
    pub fn tokens(self) -> TokenStream {
        let krate = format_ident!("{CRATE}");
        let segments = self.0.split("::").map(|s| format_ident!("{s}"));
        quote!(::#krate #(::#segments)*)
    }

    /// The path as text, where serde's attributes take a path in a string.
    pub fn text(self) -> String {
        format!("::{CRATE}::{}", self.0)
    }

    /// The target of a rustdoc link to the item, optionally to one of its members.
    pub fn doc_link(self, member: Option<&str>) -> String {
        match member {
            Some(member) => format!("{CRATE}::{}::{member}", self.0),
            None => format!("{CRATE}::{}", self.0),
        }
    }

    /// The item's own name, the last segment of its path.
    pub fn name(self) -> &'static str {
        self.0.rsplit("::").next().unwrap_or(self.0)
    }
}

/// The client every call trait is implemented for.
pub const CLIENT: RuntimeType = RuntimeType("Client");
/// A call's error: `Error<E>`, with `E` the endpoint's error enum.
pub const ERROR: RuntimeType = RuntimeType("Error");
/// What an endpoint's error enum implements.
pub const API_ERROR: RuntimeType = RuntimeType("ApiError");
/// The state of a builder's required field that is not set yet.
pub const MISSING: RuntimeType = RuntimeType("Missing");
pub const SECRET: RuntimeType = RuntimeType("Secret");
pub const UPLOAD: RuntimeType = RuntimeType("Upload");
pub const MEDIA: RuntimeType = RuntimeType("Media");
pub const MEDIA_INFO: RuntimeType = RuntimeType("MediaInfo");
pub const MEDIA_OR: RuntimeType = RuntimeType("MediaOr");
pub const MEDIA_SINK: RuntimeType = RuntimeType("MediaSink");
pub const RETRY_POLICY: RuntimeType = RuntimeType("RetryPolicy");
pub const TAG: RuntimeType = RuntimeType("Tag");
pub const UNKNOWN_VARIANT: RuntimeType = RuntimeType("UnknownVariant");
pub const TOKEN_KIND: RuntimeType = RuntimeType("TokenKind");
pub const TOKEN_USE: RuntimeType = RuntimeType("TokenUse");
/// An endpoint as data: what `Client::call` reads.
pub const OPERATION: RuntimeType = RuntimeType("Operation");
pub const HTTP_METHOD: RuntimeType = RuntimeType("HttpMethod");
pub const BODY: RuntimeType = RuntimeType("Body");
pub const PART: RuntimeType = RuntimeType("Part");
/// A query value of a named type (an enum) as its wire text.
pub const QUERY_TEXT: RuntimeType = RuntimeType("query_text");
/// One endpoint's response path, for the fuzz target and the property tests.
pub const READ_AS: RuntimeType = RuntimeType("read_as");
pub const RESPONSE_READER: RuntimeType = RuntimeType("ResponseReader");

/// The call methods of [`CLIENT`], by the answer they read.
pub mod call {
    pub const JSON: &str = "call";
    pub const MEDIA: &str = "call_media";
    pub const MEDIA_OR: &str = "call_media_or";
    pub const MEDIA_TO: &str = "call_media_to";
    pub const MEDIA_OR_TO: &str = "call_media_or_to";
}

/// Decoding a received struct: one generic map visitor, a slot per field.
pub mod de {
    use super::RuntimeType;
    pub const OBJECT: RuntimeType = RuntimeType("de::Object");
    pub const OBJECT_FN: RuntimeType = RuntimeType("de::object");
    pub const REQUIRED: RuntimeType = RuntimeType("de::required");
}

/// 0/1 flags on the wire, `bool` in Rust.
pub mod flag {
    use super::RuntimeType;
    pub const FLAG: RuntimeType = RuntimeType("flag::Flag");
    pub const SERIALIZE: RuntimeType = RuntimeType("flag::serialize");
    pub const SERIALIZE_OPTION: RuntimeType = RuntimeType("flag::option::serialize");
}

/// Scalars that arrive in either of two forms.
pub mod lenient {
    use super::RuntimeType;
    pub const TEXT: RuntimeType = RuntimeType("lenient::Text");
    pub const INTEGER: RuntimeType = RuntimeType("lenient::Integer");
    pub const NUMBER: RuntimeType = RuntimeType("lenient::Number");
}

/// Tagged unions.
pub mod union {
    use super::RuntimeType;
    pub const UNION: RuntimeType = RuntimeType("union::Union");
    pub const PARTS: RuntimeType = RuntimeType("union::Parts");
    pub const DESERIALIZE: RuntimeType = RuntimeType("union::deserialize");
    pub const FLATTENED: RuntimeType = RuntimeType("union::flattened");
    pub const FLATTENED_OPTIONAL: RuntimeType = RuntimeType("union::flattened_optional");
    pub const SERIALIZE_SIBLING: RuntimeType = RuntimeType("union::serialize_sibling");
    pub const SERIALIZE_INLINE: RuntimeType = RuntimeType("union::serialize_inline");
}

/// What the generated tests use.
pub mod testing {
    use super::RuntimeType;
    pub const ASSERT_DECODES_STRICTLY: RuntimeType =
        RuntimeType("testing::assert_decodes_strictly");
}

/// The mock WeChat of feature `testing`, which serves each endpoint from its spec.
pub mod mock {
    use super::RuntimeType;
    pub const MOCKED_ENDPOINT: RuntimeType = RuntimeType("mock::MockedEndpoint");
    pub const MOCKED_RESPONSE: RuntimeType = RuntimeType("mock::MockedResponse");
    pub const ENDPOINT_SPEC: RuntimeType = RuntimeType("mock::EndpointSpec");
    pub const FIELD_SPEC: RuntimeType = RuntimeType("mock::FieldSpec");
    pub const FIELD_PLACE: RuntimeType = RuntimeType("mock::FieldPlace");
    pub const RESPONSE_KIND: RuntimeType = RuntimeType("mock::ResponseKind");
    pub const ROUND_TRIP: RuntimeType = RuntimeType("mock::round_trip");
}

/// The runtime's public items at its root, which the client crate re-exports at its own: a
/// shared spec type of one of these names would clash with the re-export.
pub const ROOT_ITEMS: &[RuntimeType] = &[
    RuntimeType("AccessToken"),
    API_ERROR,
    RuntimeType("BuildError"),
    CLIENT,
    RuntimeType("ClientBuilder"),
    ERROR,
    MEDIA,
    MEDIA_INFO,
    MEDIA_OR,
    MEDIA_SINK,
    MISSING,
    RETRY_POLICY,
    SECRET,
    TAG,
    RuntimeType("TagLiteral"),
    TOKEN_KIND,
    RuntimeType("TokenSource"),
    RuntimeType("TokenSourceError"),
    UNKNOWN_VARIANT,
    UPLOAD,
];

/// The inherent methods of [`CLIENT`]: a call trait's method of one of these names would never
/// be called (an inherent method wins), so an operation may not take one.
pub const CLIENT_METHODS: &[&str] = &[
    "builder",
    call::JSON,
    call::MEDIA,
    call::MEDIA_OR,
    call::MEDIA_TO,
    call::MEDIA_OR_TO,
    "with_token_source",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_absolute_and_named_once() {
        assert_eq!(
            de::OBJECT.tokens().to_string(),
            ":: wechat_api_runtime :: de :: Object"
        );
        assert_eq!(
            flag::SERIALIZE_OPTION.text(),
            "::wechat_api_runtime::flag::option::serialize"
        );
        assert_eq!(
            CLIENT.doc_link(Some("call")),
            "wechat_api_runtime::Client::call"
        );
        assert_eq!(lenient::TEXT.name(), "Text");
        let mut names: Vec<&str> = ROOT_ITEMS.iter().map(|item| item.name()).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "a root item is listed twice");
    }
}
