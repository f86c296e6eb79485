//! A mock WeChat for the tests of services that call it (feature `testing`).
//!
//! [`start`] serves every endpoint of the enabled groups on loopback, from the spec's example
//! answer; [`MockWeChat::client`] is a client pointed at it. A test sets an endpoint's answer
//! with its own types ([`MockWeChat::respond`] takes the endpoint's response,
//! [`MockWeChat::fail`] one of its error variants, [`MockWeChat::fail_once`] for the next call
//! only), and reads back what was sent ([`MockWeChat::calls_to`]). Every request is checked
//! against the spec (method, path, token kind, required fields, query parameters, multipart
//! parts, constants): a request the spec does not allow is answered with HTTP 400 saying why,
//! and fails the test when the mock is dropped.
//!
//! ```
//! use wechat_api_client::prelude::*;
//! use wechat_api_client::wxopen::GetLinkedMiniProgramsError;
//! use wechat_api_client::{Error, GlobalError};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let wechat = wechat_api_client::testing::start().await;
//! let client = wechat.client();
//!
//! // The spec's example answer, decoded.
//! let linked = client.get_linked_mini_programs().await.unwrap();
//! assert_eq!(linked.wxopens.items.len(), 2);
//!
//! // An error code, as one of the endpoint's own variants.
//! let unauthorized = GetLinkedMiniProgramsError::Global(GlobalError::ApiUnauthorizedToComponent {
//!     errmsg: "api unauthorized".to_owned(),
//! });
//! wechat.fail(unauthorized.clone());
//! let failed = client.get_linked_mini_programs().await;
//! assert!(matches!(failed, Err(Error::Api(error)) if error == unauthorized));
//! assert_eq!(wechat.calls_to::<GetLinkedMiniProgramsError>().len(), 2);
//! # }
//! ```

pub use wechat_api_runtime::mock::{
    MockWeChat, MockedEndpoint, MockedResponse, RecordedCall, mock_token,
};

/// Starts a mock WeChat on a free loopback port, serving every endpoint of the enabled groups.
pub async fn start() -> MockWeChat {
    MockWeChat::serve(crate::api::MOCKED_ENDPOINTS).await
}
