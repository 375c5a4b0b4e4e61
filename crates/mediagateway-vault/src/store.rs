//! The storage backend seam: stores keep sealed bytes and never see a plaintext or a key.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Bound;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use crate::error::VaultError;
use crate::record::RecordId;

/// Newest record layout this code reads and writes; stores report theirs through
/// [`Store::schema_version`].
pub const SCHEMA_VERSION: u32 = 1;

/// One account record as a store keeps it.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedRecord {
    /// The record.
    pub id: RecordId,
    /// Id of the key pair whose data key sealed the record.
    pub key_id: String,
    /// `nonce ‖ ciphertext ‖ tag`, opaque to the store.
    pub sealed: Vec<u8>,
}

impl fmt::Debug for SealedRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealedRecord")
            .field("id", &self.id)
            .field("key_id", &self.key_id)
            .field("sealed_len", &self.sealed.len())
            .finish()
    }
}

/// A vault's data key, encrypted with RSA-OAEP under the key pair `key_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedDataKey {
    /// Id of the key pair that wrapped the data key.
    pub key_id: String,
    /// The RSA-OAEP-SHA256 ciphertext of the 32-byte data key.
    pub wrapped: Vec<u8>,
    /// When the data key was created.
    pub created: DateTime<Utc>,
}

/// Where a [`Vault`](crate::Vault) keeps its sealed records and wrapped data keys.
///
/// Implementations hold bytes only: sealing, key handling and input checks happen in the vault.
/// Every method must be atomic on its own; records are ordered by `(data_source, portal_user)`,
/// comparing bytes. Errors are reported as [`VaultError::Storage`] (see [`VaultError::storage`]).
pub trait Store: Send + Sync + fmt::Debug {
    /// Version of the record layout the store holds.
    fn schema_version(&self) -> Result<u32, VaultError>;

    /// All wrapped data keys, oldest first (by creation time, then key id).
    fn data_keys(&self) -> Result<Vec<WrappedDataKey>, VaultError>;

    /// Adds a wrapped data key unless one with the same key id exists; true if it was added.
    fn insert_data_key(&self, key: &WrappedDataKey) -> Result<bool, VaultError>;

    /// Inserts or replaces a record.
    fn put(&self, record: &SealedRecord) -> Result<(), VaultError>;

    /// Inserts or replaces all `records`: a bulk import. The provided version puts one record
    /// at a time; stores should override it with one transaction.
    fn put_many(&self, records: &[SealedRecord]) -> Result<(), VaultError> {
        for record in records {
            self.put(record)?;
        }
        Ok(())
    }

    /// The record with this id, if any.
    fn get(&self, id: &RecordId) -> Result<Option<SealedRecord>, VaultError>;

    /// Removes a record; true if it existed.
    fn delete(&self, id: &RecordId) -> Result<bool, VaultError>;

    /// Number of records.
    fn len(&self) -> Result<usize, VaultError>;

    /// True if there are no records.
    fn is_empty(&self) -> Result<bool, VaultError> {
        Ok(self.len()? == 0)
    }

    /// Up to `limit` records in id order, starting strictly after `after` (from the first record
    /// if `None`) and skipping `offset` records.
    fn scan(
        &self,
        after: Option<&RecordId>,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<SealedRecord>, VaultError>;

    /// Replaces `current` with `replacement` (same id) only if the stored record still equals
    /// `current`; true if it was replaced. Key rotation relies on this so that it never
    /// overwrites a concurrent write.
    ///
    /// The provided version reads, compares and writes in three calls; stores should override it
    /// with one atomic operation.
    fn replace_if_unchanged(
        &self,
        current: &SealedRecord,
        replacement: &SealedRecord,
    ) -> Result<bool, VaultError> {
        if self.get(&current.id)?.as_ref() != Some(current) {
            return Ok(false);
        }
        self.put(replacement)?;
        Ok(true)
    }

    /// Removes every listed record; returns how many existed. The provided version deletes one
    /// record at a time; stores should override it with one transaction.
    fn delete_many(&self, ids: &[RecordId]) -> Result<usize, VaultError> {
        let mut removed = 0;
        for id in ids {
            removed += usize::from(self.delete(id)?);
        }
        Ok(removed)
    }

    /// Removes the wrapped data key of key pair `key_id`; true if it existed. Called when a key
    /// rotation has re-sealed every record under a newer key.
    fn delete_data_key(&self, key_id: &str) -> Result<bool, VaultError> {
        let _ = key_id;
        Err(VaultError::Unsupported {
            operation: "deleting a data key",
        })
    }
}

/// A shared store, so several vaults (or a vault and an administration command) can use one backend.
impl<S: Store + ?Sized> Store for Arc<S> {
    fn schema_version(&self) -> Result<u32, VaultError> {
        (**self).schema_version()
    }

    fn data_keys(&self) -> Result<Vec<WrappedDataKey>, VaultError> {
        (**self).data_keys()
    }

    fn insert_data_key(&self, key: &WrappedDataKey) -> Result<bool, VaultError> {
        (**self).insert_data_key(key)
    }

    fn put(&self, record: &SealedRecord) -> Result<(), VaultError> {
        (**self).put(record)
    }

    fn put_many(&self, records: &[SealedRecord]) -> Result<(), VaultError> {
        (**self).put_many(records)
    }

    fn get(&self, id: &RecordId) -> Result<Option<SealedRecord>, VaultError> {
        (**self).get(id)
    }

    fn delete(&self, id: &RecordId) -> Result<bool, VaultError> {
        (**self).delete(id)
    }

    fn len(&self) -> Result<usize, VaultError> {
        (**self).len()
    }

    fn is_empty(&self) -> Result<bool, VaultError> {
        (**self).is_empty()
    }

    fn scan(
        &self,
        after: Option<&RecordId>,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<SealedRecord>, VaultError> {
        (**self).scan(after, offset, limit)
    }

    fn replace_if_unchanged(
        &self,
        current: &SealedRecord,
        replacement: &SealedRecord,
    ) -> Result<bool, VaultError> {
        (**self).replace_if_unchanged(current, replacement)
    }

    fn delete_many(&self, ids: &[RecordId]) -> Result<usize, VaultError> {
        (**self).delete_many(ids)
    }

    fn delete_data_key(&self, key_id: &str) -> Result<bool, VaultError> {
        (**self).delete_data_key(key_id)
    }
}

/// A store in process memory, gone when dropped: for tests and embedded use without files.
#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<MemoryInner>,
}

#[derive(Default)]
struct MemoryInner {
    keys: Vec<WrappedDataKey>,
    records: BTreeMap<RecordId, SealedRecord>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, MemoryInner> {
        // Every change is a single map operation, so a panic elsewhere cannot leave it half-done.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("records", &self.lock().records.len())
            .finish()
    }
}

impl Store for MemoryStore {
    fn schema_version(&self) -> Result<u32, VaultError> {
        Ok(SCHEMA_VERSION)
    }

    fn data_keys(&self) -> Result<Vec<WrappedDataKey>, VaultError> {
        // Oldest first, as the database stores return them.
        let mut keys = self.lock().keys.clone();
        keys.sort_by(|a, b| (a.created, &a.key_id).cmp(&(b.created, &b.key_id)));
        Ok(keys)
    }

    fn insert_data_key(&self, key: &WrappedDataKey) -> Result<bool, VaultError> {
        let mut inner = self.lock();
        if inner.keys.iter().any(|k| k.key_id == key.key_id) {
            return Ok(false);
        }
        inner.keys.push(key.clone());
        Ok(true)
    }

    fn put(&self, record: &SealedRecord) -> Result<(), VaultError> {
        self.lock()
            .records
            .insert(record.id.clone(), record.clone());
        Ok(())
    }

    fn get(&self, id: &RecordId) -> Result<Option<SealedRecord>, VaultError> {
        Ok(self.lock().records.get(id).cloned())
    }

    fn delete(&self, id: &RecordId) -> Result<bool, VaultError> {
        Ok(self.lock().records.remove(id).is_some())
    }

    fn len(&self) -> Result<usize, VaultError> {
        Ok(self.lock().records.len())
    }

    fn scan(
        &self,
        after: Option<&RecordId>,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<SealedRecord>, VaultError> {
        let inner = self.lock();
        let start = after.map_or(Bound::Unbounded, Bound::Excluded);
        Ok(inner
            .records
            .range((start, Bound::Unbounded))
            .skip(offset)
            .take(limit)
            .map(|(_, r)| r.clone())
            .collect())
    }

    fn replace_if_unchanged(
        &self,
        current: &SealedRecord,
        replacement: &SealedRecord,
    ) -> Result<bool, VaultError> {
        let mut inner = self.lock();
        match inner.records.get_mut(&current.id) {
            Some(stored) if stored == current => {
                *stored = replacement.clone();
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn delete_many(&self, ids: &[RecordId]) -> Result<usize, VaultError> {
        let mut inner = self.lock();
        Ok(ids
            .iter()
            .filter(|id| inner.records.remove(id).is_some())
            .count())
    }

    fn delete_data_key(&self, key_id: &str) -> Result<bool, VaultError> {
        let mut inner = self.lock();
        let before = inner.keys.len();
        inner.keys.retain(|k| k.key_id != key_id);
        Ok(inner.keys.len() < before)
    }
}
