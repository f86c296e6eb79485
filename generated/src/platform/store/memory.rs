//! A store in the process's memory: for tests, and for a single process that can afford to
//! lose its refresh tokens when it stops (it cannot: prefer [`FileStore`](super::FileStore)).

use super::locks::Leases;
use super::{StoreError, Stored, TokenStore};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// Values in a map in memory, gone when the process ends.
#[derive(Debug, Default)]
pub struct MemoryStore {
    values: Mutex<HashMap<String, Stored>>,
    leases: Leases,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn values(&self) -> std::sync::MutexGuard<'_, HashMap<String, Stored>> {
        self.values
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl TokenStore for MemoryStore {
    async fn get(&self, key: &str) -> Result<Option<Stored>, StoreError> {
        Ok(self
            .values()
            .get(key)
            .filter(|value| value.is_live())
            .cloned())
    }

    async fn put(&self, key: &str, value: &Stored) -> Result<(), StoreError> {
        self.values().insert(key.to_owned(), value.clone());
        Ok(())
    }

    async fn put_if(
        &self,
        key: &str,
        expected: Option<&str>,
        value: &Stored,
    ) -> Result<bool, StoreError> {
        let mut values = self.values();
        let current = values
            .get(key)
            .filter(|stored| stored.is_live())
            .map(|stored| stored.value.expose_secret());
        if current != expected {
            return Ok(false);
        }
        values.insert(key.to_owned(), value.clone());
        Ok(true)
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.values().remove(key);
        Ok(())
    }

    async fn delete_if(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let mut values = self.values();
        if values
            .get(key)
            .is_some_and(|stored| stored.value.expose_secret() == value)
        {
            values.remove(key);
        }
        Ok(())
    }

    async fn keys(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        Ok(self
            .values()
            .iter()
            .filter(|(key, value)| key.starts_with(prefix) && value.is_live())
            .map(|(key, _)| key.clone())
            .collect())
    }

    async fn try_lock(&self, name: &str, owner: &str, ttl: Duration) -> Result<bool, StoreError> {
        Ok(self.leases.try_lock(name, owner, ttl))
    }

    async fn extend_lock(
        &self,
        name: &str,
        owner: &str,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        Ok(self.leases.extend(name, owner, ttl))
    }

    async fn unlock(&self, name: &str, owner: &str) -> Result<(), StoreError> {
        self.leases.unlock(name, owner);
        Ok(())
    }
}
