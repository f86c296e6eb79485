use std::fmt;

/// An access token (or `authorizer_access_token`). Its `Debug` output never shows the value,
/// and it has no `Display`, so it cannot leak into logs or error messages by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// Wraps a token obtained elsewhere (a token service, `stable_token`, a test).
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The token itself, to put on the wire. Do not log it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

impl From<String> for AccessToken {
    fn from(token: String) -> Self {
        Self(token)
    }
}

impl From<&str> for AccessToken {
    fn from(token: &str) -> Self {
        Self(token.to_owned())
    }
}
