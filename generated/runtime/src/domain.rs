//! The official API domains, as base URLs for [`ClientBuilder::base_url`] and
//! [`ClientBuilder::backup_base_url`](crate::ClientBuilder::backup_base_url).
//!
//! Names, never IP addresses: WeChat moves its access points. A client without a base URL
//! calls each endpoint's documented host: [`GENERAL`] for WeChat's, [`WECOM`] for WeCom's. The
//! access points and the disaster-recovery domain serve WeChat's endpoints only: give them with
//! [`ClientBuilder::host_base_url`](crate::ClientBuilder::host_base_url) for
//! `api.weixin.qq.com` when the client also calls WeCom.
//!
//! ```no_run
//! use wechat_api_runtime::{Client, domain};
//!
//! # fn run() -> Result<(), wechat_api_runtime::BuildError> {
//! // Call the nearest access point; when a connection to it cannot be made, use the
//! // disaster-recovery domain until it comes back.
//! let client = Client::builder()
//!     .access_token("ACCESS_TOKEN")
//!     .base_url(domain::GENERAL)
//!     .backup_base_url(domain::DISASTER_RECOVERY)
//!     .build()?;
//! # let _ = client;
//! # Ok(())
//! # }
//! ```
//!
//! [`ClientBuilder::base_url`]: crate::ClientBuilder::base_url

/// `api.weixin.qq.com`: routed to the nearest access point.
pub const GENERAL: &str = "https://api.weixin.qq.com";
/// `api2.weixin.qq.com`: the disaster-recovery domain, for when [`GENERAL`] is unreachable.
pub const DISASTER_RECOVERY: &str = "https://api2.weixin.qq.com";
/// `sh.api.weixin.qq.com`: the Shanghai access point.
pub const SHANGHAI: &str = "https://sh.api.weixin.qq.com";
/// `sz.api.weixin.qq.com`: the Shenzhen access point.
pub const SHENZHEN: &str = "https://sz.api.weixin.qq.com";
/// `hk.api.weixin.qq.com`: the Hong Kong access point.
pub const HONG_KONG: &str = "https://hk.api.weixin.qq.com";
/// `qyapi.weixin.qq.com`: WeCom (企业微信), the host of its endpoints. It has no documented
/// disaster-recovery domain.
pub const WECOM: &str = "https://qyapi.weixin.qq.com";
