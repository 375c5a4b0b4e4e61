//! The unwrapped data keys a vault holds: one normally, two or more during a key rotation.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};

use crate::codec;
use crate::error::VaultError;
use crate::files;
use crate::keys::KeyPair;
use crate::record::{Account, RecordId};
use crate::seal::{DataKey, DATA_KEY_LEN};
use crate::store::{SealedRecord, Store, WrappedDataKey, SCHEMA_VERSION};

/// The data keys of a vault by key id, and which one seals new records.
///
/// The current key is the newest wrapped data key in the store; the store's key table is the
/// persisted rotation state: more than one data key means a rotation is under way.
pub(crate) struct KeyRing {
    current: String,
    /// Every key id with its data key, in creation order (the current one last).
    keys: Vec<(String, DataKey)>,
}

impl KeyRing {
    /// Unwraps every data key of `store` with the matching key pair of `pairs`; on an empty
    /// store the first key pair creates the vault's data key.
    pub(crate) fn load(
        store: &dyn Store,
        pairs: &[KeyPair],
        dir: Option<&Path>,
    ) -> Result<Self, VaultError> {
        let found = store.schema_version()?;
        if found > SCHEMA_VERSION {
            return Err(VaultError::SchemaTooNew {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        let Some(first) = pairs.first() else {
            return Err(VaultError::InvalidKey {
                reason: "no key pair was given".into(),
            });
        };
        let mut wrapped = store.data_keys()?;
        if wrapped.is_empty() {
            if !store.is_empty()? {
                return Err(VaultError::DataKeyUnusable {
                    key_id: first.key_id().to_owned(),
                    reason: "the store holds records but no data key".into(),
                });
            }
            let fresh = DataKey::generate_bytes()?;
            store.insert_data_key(&WrappedDataKey {
                key_id: first.key_id().to_owned(),
                wrapped: first.wrap(fresh.as_slice())?,
                created: Utc::now(),
            })?;
            // Re-read: another process may have created the vault at the same moment.
            wrapped = store.data_keys()?;
        }
        wrapped.sort_by(|a, b| (a.created, &a.key_id).cmp(&(b.created, &b.key_id)));
        let Some(newest) = wrapped.last() else {
            return Err(VaultError::DataKeyUnusable {
                key_id: first.key_id().to_owned(),
                reason: "the store lost its data key while it was opened".into(),
            });
        };
        let pair_for = |key_id: &str| pairs.iter().find(|p| p.key_id() == key_id);
        if !wrapped.iter().any(|w| pair_for(&w.key_id).is_some()) {
            return Err(VaultError::WrongKey {
                key_id: first.key_id().to_owned(),
                vault_key_id: newest.key_id.clone(),
            });
        }
        let mut keys = Vec::with_capacity(wrapped.len());
        for (n, entry) in wrapped.iter().enumerate() {
            let Some(pair) = pair_for(&entry.key_id) else {
                return Err(match dir {
                    Some(dir) => VaultError::KeyFileMissing {
                        path: files::key_path(dir, &entry.key_id, n == 0),
                        key_id: entry.key_id.clone(),
                    },
                    None => VaultError::DataKeyUnusable {
                        key_id: entry.key_id.clone(),
                        reason: "no private key for it was given".into(),
                    },
                });
            };
            keys.push((entry.key_id.clone(), unwrap_data_key(pair, &entry.wrapped)?));
        }
        Ok(Self {
            current: newest.key_id.clone(),
            keys,
        })
    }

    /// The key id and data key that seal new records.
    pub(crate) fn current(&self) -> (&str, &DataKey) {
        let key = self
            .get(&self.current)
            .expect("the current key id always names a key of the ring");
        (&self.current, key)
    }

    /// Seals `account` under `id` with the current data key, as the record to store.
    pub(crate) fn seal(
        &self,
        id: &RecordId,
        account: &Account,
    ) -> Result<SealedRecord, VaultError> {
        let plaintext = codec::encode(account);
        let (key_id, data_key) = self.current();
        Ok(SealedRecord {
            id: id.clone(),
            key_id: key_id.to_owned(),
            sealed: data_key.seal(id, key_id, &plaintext)?,
        })
    }

    /// The data key of `key_id`, if the ring holds it.
    pub(crate) fn get(&self, key_id: &str) -> Option<&DataKey> {
        self.keys
            .iter()
            .find(|(id, _)| id == key_id)
            .map(|(_, k)| k)
    }

    /// Every key id, in creation order.
    pub(crate) fn key_ids(&self) -> Vec<String> {
        self.keys.iter().map(|(id, _)| id.clone()).collect()
    }

    /// Ids of the keys a rotation still has to retire.
    pub(crate) fn retiring(&self) -> Vec<String> {
        self.keys
            .iter()
            .filter(|(id, _)| *id != self.current)
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Adds a new data key and makes it the current one.
    pub(crate) fn push_current(&mut self, key_id: String, key: DataKey) {
        self.current.clone_from(&key_id);
        self.keys.push((key_id, key));
    }

    /// Drops the data key of `key_id` (its key schedule is wiped on drop).
    pub(crate) fn remove(&mut self, key_id: &str) {
        if key_id != self.current {
            self.keys.retain(|(id, _)| id != key_id);
        }
    }

    /// Opens a sealed record with the data key it names.
    pub(crate) fn open(&self, id: &RecordId, record: &SealedRecord) -> Result<Account, VaultError> {
        let corrupt = |reason: String| VaultError::CorruptRecord {
            id: id.clone(),
            reason,
        };
        let Some(key) = self.get(&record.key_id) else {
            return Err(corrupt(format!(
                "sealed under key {}, but this vault holds the data keys of {}",
                record.key_id,
                self.key_ids().join(", ")
            )));
        };
        // The id asked for (not the one the store echoes) is authenticated, so a store that
        // returns another record's bytes is caught too.
        let plaintext = key
            .open(id, &record.key_id, &record.sealed)
            .map_err(corrupt)?;
        codec::decode(&plaintext).map_err(|e| corrupt(e.to_string()))
    }
}

/// The creation time of a new data key: now, but strictly after every existing key, so the
/// newest key stays the current one even if the clock went backwards.
pub(crate) fn next_created(existing: &[WrappedDataKey]) -> DateTime<Utc> {
    let now = Utc::now();
    existing
        .iter()
        .map(|k| k.created + Duration::microseconds(1))
        .fold(now, DateTime::max)
}

/// Unwraps a data key with its key pair.
pub(crate) fn unwrap_data_key(pair: &KeyPair, wrapped: &[u8]) -> Result<DataKey, VaultError> {
    let unusable = |reason: String| VaultError::DataKeyUnusable {
        key_id: pair.key_id().to_owned(),
        reason,
    };
    let raw = pair
        .unwrap_key(wrapped)
        .map_err(|e| unusable(format!("RSA-OAEP unwrapping failed: {e}")))?;
    if raw.len() != DATA_KEY_LEN {
        return Err(unusable(format!("data key is {} bytes", raw.len())));
    }
    DataKey::from_bytes(&raw).map_err(unusable)
}
