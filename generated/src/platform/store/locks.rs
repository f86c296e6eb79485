//! The leases of the stores that live in one process ([`MemoryStore`](super::MemoryStore),
//! [`FileStore`](super::FileStore)): a table of who holds which lock until when.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
pub(super) struct Leases {
    held: Mutex<HashMap<String, (String, Instant)>>,
}

/// `now + ttl`, or a year from now when that overflows (a `Duration::MAX` lease).
fn until(now: Instant, ttl: Duration) -> Instant {
    now.checked_add(ttl)
        .or_else(|| now.checked_add(Duration::from_secs(365 * 24 * 3600)))
        .unwrap_or(now)
}

impl Leases {
    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<String, (String, Instant)>> {
        // A panic elsewhere while the table was held leaves it consistent: every change is one
        // insert or remove.
        self.held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn try_lock(&self, name: &str, owner: &str, ttl: Duration) -> bool {
        let now = Instant::now();
        let mut table = self.table();
        match table.get(name) {
            Some((_, until)) if *until > now => false,
            _ => {
                table.insert(name.to_owned(), (owner.to_owned(), until(now, ttl)));
                true
            }
        }
    }

    pub fn extend(&self, name: &str, owner: &str, ttl: Duration) -> bool {
        let now = Instant::now();
        let mut table = self.table();
        match table.get_mut(name) {
            Some((holder, until)) if holder == owner && *until > now => {
                *until = self::until(now, ttl);
                true
            }
            _ => false,
        }
    }

    pub fn unlock(&self, name: &str, owner: &str) {
        let mut table = self.table();
        if table.get(name).is_some_and(|(holder, _)| holder == owner) {
            table.remove(name);
        }
    }
}
