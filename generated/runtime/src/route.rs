//! Where a call goes: each endpoint's official host, or the base URL configured for every host
//! or for its own, and the backup it fails over to when a connection cannot be made.
//!
//! Routes are per host because WeChat's hosts are different services: a test server or a proxy
//! for WeCom's `qyapi.weixin.qq.com` leaves `api.weixin.qq.com` alone, and a host with a route of
//! its own does not inherit the others' backup (WeChat's disaster-recovery domain serves WeChat
//! only).

use super::{BuildError, Operation};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How the calls to one host (or, by default, to every host) are routed.
#[derive(Debug, Default)]
pub(super) struct Route {
    /// Replaces `https://{host}` when set.
    pub base_url: Option<String>,
    pub backup: Option<Backup>,
}

/// The failover target, and until when calls go to it.
#[derive(Debug)]
pub(super) struct Backup {
    pub base_url: String,
    pub cooldown: Duration,
    pub primary_down_until: Mutex<Option<Instant>>,
}

impl Backup {
    pub fn new(url: &str, cooldown: Duration) -> Result<Self, BuildError> {
        Ok(Self {
            base_url: check_base_url(url)?,
            cooldown,
            primary_down_until: Mutex::new(None),
        })
    }
}

/// The default route and the routes of hosts configured on their own.
#[derive(Debug, Default)]
pub(super) struct Routes {
    pub default: Route,
    /// By official host.
    pub hosts: Vec<(String, Route)>,
}

impl Routes {
    fn route(&self, operation: &Operation) -> &Route {
        self.hosts
            .iter()
            .find(|(host, _)| host == operation.host)
            .map_or(&self.default, |(_, route)| route)
    }

    /// Whether the next attempt of `operation` goes to its backup: one is configured and the
    /// primary failed a connect less than the cooldown ago.
    pub fn use_backup(&self, operation: &Operation) -> bool {
        let Some(backup) = &self.route(operation).backup else {
            return false;
        };
        let down_until = backup
            .primary_down_until
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        down_until.is_some_and(|until| Instant::now() < until)
    }

    /// Records a failed connect: to the primary, calls go to the backup for the cooldown; to
    /// the backup, back to the primary (it may have recovered first). Returns whether the next
    /// attempt goes to the backup.
    pub fn connect_failed(&self, operation: &Operation, to_backup: bool) -> bool {
        let Some(backup) = &self.route(operation).backup else {
            return false;
        };
        let mut down_until = backup
            .primary_down_until
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if to_backup {
            *down_until = None;
            false
        } else {
            tracing::warn!(backup = %backup.base_url, cooldown_s = backup.cooldown.as_secs(), "cannot connect to the primary; failing over to the backup");
            // Capped, so that no cooldown (`Duration::MAX`) can overflow the clock.
            let cooldown = backup.cooldown.min(Duration::from_secs(365 * 24 * 3600));
            *down_until = Some(Instant::now() + cooldown);
            true
        }
    }

    /// The base URL of the next attempt of `operation`.
    pub fn base_for(&self, operation: &Operation, to_backup: bool) -> String {
        let route = self.route(operation);
        match (&route.backup, &route.base_url) {
            (Some(backup), _) if to_backup => backup.base_url.clone(),
            (_, Some(base)) => base.clone(),
            _ => format!("https://{}", operation.host),
        }
    }
}

pub(super) fn check_base_url(url: &str) -> Result<String, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidBaseUrl {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let parsed = reqwest::Url::parse(url).map_err(|err| invalid(&err.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("a base URL has no query or fragment"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}
