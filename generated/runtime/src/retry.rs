//! When a failed attempt is sent again, and after how long.

use std::time::Duration;

/// errcodes that say "busy now, the same request may succeed later": -1 (system busy) and
/// 45011 (per-minute quota). From the official global return-code table.
pub(crate) const BUSY_CODES: [i64; 2] = [-1, 45011];

/// errcodes that say the access token was rejected: 40001 (invalid credential, or not the
/// latest), 40014 (invalid access_token) and 42001 (expired). The client asks its token source
/// for a fresh token and sends the request again once, as WxJava, EasyWeChat and PowerWeChat do.
pub(crate) const TOKEN_CODES: [i64; 3] = [40001, 40014, 42001];

/// How the client retries a call that failed in a way that may pass: errcode -1 or 45011, a
/// connection that could not be made, and (only when opted in) a timeout.
///
/// The wait before retry *n* is `initial_backoff × 2ⁿ⁻¹`, capped at `max_backoff`, of which a
/// random half is taken off (jitter, so that many clients do not retry in step). A call stops
/// after `max_attempts` sends, or earlier when the next wait would end after `max_elapsed`
/// from the start of the call. (`max_elapsed` decides whether another attempt starts; one that
/// has started may run to the client's timeout, so a call takes at most about `max_elapsed` plus
/// one timeout.) The resend after a token refresh is not counted: it is token handling.
///
/// The defaults (4 attempts, 500 ms, 4 s, 15 s, timeouts not retried) ride out the brief
/// "system busy" spells WeChat has without holding a request handler for long; WxJava's
/// 1 s × 2ⁿ up to 5 tries can wait 31 s.
///
/// ```
/// use std::time::Duration;
/// use wechat_api_runtime::RetryPolicy;
///
/// let patient = RetryPolicy::default().max_attempts(6).max_elapsed(Duration::from_secs(60));
/// let never = RetryPolicy::disabled();
/// # let _ = (patient, never);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Duration,
    retry_timeouts: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(4),
            max_elapsed: Duration::from_secs(15),
            retry_timeouts: false,
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is sent once. (A rejected token is still refreshed and the call
    /// sent once more: that is token handling, not a retry.)
    pub fn disabled() -> Self {
        Self::default().max_attempts(1)
    }

    /// The most sends of one call, the first included (at least 1).
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry; each later one doubles it.
    #[must_use]
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest wait between two attempts.
    #[must_use]
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// No retry starts after this long from the start of the call (an attempt already under
    /// way may still run to the client's timeout).
    #[must_use]
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// Also retry a call that timed out after it was sent. Only for endpoints that are safe to
    /// repeat (reads): the server may have acted on the first request.
    #[must_use]
    pub fn retry_timeouts(mut self, retry: bool) -> Self {
        self.retry_timeouts = retry;
        self
    }

    pub(crate) fn retries_timeouts(&self) -> bool {
        self.retry_timeouts
    }

    /// The wait before the next attempt, after `attempts_made` sends that took `elapsed`, or
    /// `None` when the bounds say stop.
    pub(crate) fn next_delay(&self, attempts_made: u32, elapsed: Duration) -> Option<Duration> {
        if attempts_made >= self.max_attempts {
            return None;
        }
        let doublings = attempts_made.saturating_sub(1).min(20);
        let backoff = self
            .initial_backoff
            .saturating_mul(1 << doublings)
            .min(self.max_backoff);
        let delay = backoff / 2 + backoff.mul_f64(fastrand::f64() / 2.0);
        (elapsed.saturating_add(delay) <= self.max_elapsed).then_some(delay)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn delays_double_within_jitter_and_stop_at_the_attempt_bound() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_secs(10))
            .max_attempts(4);
        for (made, nominal) in [(1, 100), (2, 200), (3, 400)] {
            let delay = policy.next_delay(made, Duration::ZERO).unwrap();
            let nominal = Duration::from_millis(nominal);
            assert!(
                delay >= nominal / 2 && delay <= nominal,
                "{made}: {delay:?}"
            );
        }
        assert_eq!(policy.next_delay(4, Duration::ZERO), None);
    }

    #[test]
    fn the_backoff_is_capped_and_the_elapsed_bound_stops_early() {
        let policy = RetryPolicy::default()
            .max_attempts(100)
            .initial_backoff(Duration::from_secs(1))
            .max_backoff(Duration::from_secs(2))
            .max_elapsed(Duration::from_secs(30));
        let late = policy.next_delay(50, Duration::ZERO).unwrap();
        assert!(late <= Duration::from_secs(2), "{late:?}");
        assert_eq!(policy.next_delay(2, Duration::from_secs(29)), None);
    }

    #[test]
    fn disabled_means_one_attempt() {
        assert_eq!(RetryPolicy::disabled().next_delay(1, Duration::ZERO), None);
        assert_eq!(
            RetryPolicy::default()
                .max_attempts(0)
                .next_delay(1, Duration::ZERO),
            None
        );
    }
}
