//! The default store: a file on [redb](https://docs.rs/redb), an embedded database that commits
//! each write to disk before it returns, so a refresh token survives a crash the moment it is
//! stored. One process opens the file at a time (redb locks it); instances that share tokens
//! need [`RedisStore`](super::RedisStore) or a store of their own.

use super::locks::Leases;
use super::{StoreError, Stored, TokenStore};
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

const VALUES: TableDefinition<&str, &[u8]> = TableDefinition::new("values");

/// Values in a redb file: durable, for a single process.
#[derive(Clone)]
pub struct FileStore {
    database: Arc<Database>,
    path: PathBuf,
    /// Leases live in memory: only this process opens the file.
    leases: Arc<Leases>,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl FileStore {
    /// Opens the store at `path`, creating the file if there is none. Fails when another
    /// process has it open.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        let database = Database::create(&path).map_err(|error| {
            StoreError::with_source(format!("cannot open {}", path.display()), error)
        })?;
        // The table exists from the start, so that reads never meet its absence.
        let setup = || -> Result<(), redb::Error> {
            let write = database.begin_write()?;
            write.open_table(VALUES)?;
            write.commit()?;
            Ok(())
        };
        setup().map_err(|error| {
            StoreError::with_source(format!("cannot set up {}", path.display()), error)
        })?;
        Ok(Self {
            database: Arc::new(database),
            path,
            leases: Arc::new(Leases::default()),
        })
    }

    /// Runs `work` on the blocking pool: redb reads and writes the disk.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Database) -> Result<T, redb::Error> + Send + 'static,
    ) -> Result<T, StoreError> {
        let database = Arc::clone(&self.database);
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || work(&database))
            .await
            .map_err(|error| StoreError::with_source("a store task failed", error))?
            .map_err(|error| StoreError::with_source(format!("{}", path.display()), error))
    }

    async fn write(
        &self,
        change: impl FnOnce(&mut redb::Table<'_, &str, &[u8]>) -> Result<(), redb::Error>
        + Send
        + 'static,
    ) -> Result<(), StoreError> {
        self.blocking(move |database| {
            let write = database.begin_write()?;
            {
                let mut table = write.open_table(VALUES)?;
                change(&mut table)?;
            }
            write.commit()?;
            Ok(())
        })
        .await
    }
}

impl TokenStore for FileStore {
    async fn get(&self, key: &str) -> Result<Option<Stored>, StoreError> {
        let key = key.to_owned();
        let bytes = self
            .blocking(move |database| {
                let read = database.begin_read()?;
                let table = read.open_table(VALUES)?;
                Ok(table.get(key.as_str())?.map(|value| value.value().to_vec()))
            })
            .await?;
        match bytes {
            Some(bytes) => Ok(Some(Stored::from_json(&bytes)?).filter(Stored::is_live)),
            None => Ok(None),
        }
    }

    async fn put(&self, key: &str, value: &Stored) -> Result<(), StoreError> {
        let (key, json) = (key.to_owned(), value.to_json());
        self.write(move |table| {
            table.insert(key.as_str(), json.as_bytes())?;
            Ok(())
        })
        .await
    }

    async fn put_if(
        &self,
        key: &str,
        expected: Option<&str>,
        value: &Stored,
    ) -> Result<bool, StoreError> {
        let (key, json) = (key.to_owned(), value.to_json());
        let expected = expected.map(str::to_owned);
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let set = Arc::clone(&done);
        self.write(move |table| {
            let current = table
                .get(key.as_str())?
                .map(|stored| stored.value().to_vec());
            let current = current
                .and_then(|bytes| Stored::from_json(&bytes).ok())
                .filter(Stored::is_live)
                .map(|stored| stored.value.expose_secret().to_owned());
            if current == expected {
                table.insert(key.as_str(), json.as_bytes())?;
                set.store(true, std::sync::atomic::Ordering::Release);
            }
            Ok(())
        })
        .await?;
        Ok(done.load(std::sync::atomic::Ordering::Acquire))
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        let key = key.to_owned();
        self.write(move |table| {
            table.remove(key.as_str())?;
            Ok(())
        })
        .await
    }

    async fn delete_if(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let (key, value) = (key.to_owned(), value.to_owned());
        self.write(move |table| {
            let current = table
                .get(key.as_str())?
                .map(|stored| stored.value().to_vec());
            let same = current
                .and_then(|bytes| Stored::from_json(&bytes).ok())
                .is_some_and(|stored| stored.value.expose_secret() == value);
            if same {
                table.remove(key.as_str())?;
            }
            Ok(())
        })
        .await
    }

    async fn keys(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let prefix = prefix.to_owned();
        self.blocking(move |database| {
            let read = database.begin_read()?;
            let table = read.open_table(VALUES)?;
            let mut keys = Vec::new();
            for entry in table.range(prefix.as_str()..)? {
                let (key, value) = entry?;
                let key = key.value();
                if !key.starts_with(prefix.as_str()) {
                    break;
                }
                if Stored::from_json(value.value()).is_ok_and(|stored| stored.is_live()) {
                    keys.push(key.to_owned());
                }
            }
            Ok(keys)
        })
        .await
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
