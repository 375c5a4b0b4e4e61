//! The vault: seals accounts with its data key and keeps them in a [`Store`].

use std::fmt;
use std::path::Path;

use chrono::Utc;

use crate::codec;
use crate::error::{InputProblem, VaultError};
use crate::files;
use crate::keys::KeyPair;
use crate::record::{Account, AccountSummary, RecordId};
use crate::seal::{DataKey, DATA_KEY_LEN};
use crate::sqlite::SqliteStore;
use crate::store::{SealedRecord, Store, WrappedDataKey, SCHEMA_VERSION};

/// How many records [`Vault::list`] fetches from the store at a time.
const SCAN_BATCH: usize = 256;

/// Settings for [`Vault::open_with`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct VaultOptions {
    /// Modulus size of a newly generated key pair, in bits; ignored when the key file exists.
    pub rsa_bits: usize,
}

impl VaultOptions {
    /// The defaults: 3072-bit RSA.
    pub fn new() -> Self {
        Self {
            rsa_bits: KeyPair::DEFAULT_BITS,
        }
    }

    /// Sets the modulus size of a newly generated key pair (2048 to 8192 bits).
    pub fn rsa_bits(mut self, bits: usize) -> Self {
        self.rsa_bits = bits;
        self
    }
}

impl Default for VaultOptions {
    fn default() -> Self {
        Self::new()
    }
}

/// The credential vault: account records sealed with AES-256-GCM under one data key, which is
/// itself wrapped with the vault's RSA key.
///
/// `Vault` is `Send + Sync`; share it behind an `Arc`.
pub struct Vault {
    store: Box<dyn Store>,
    data_key: DataKey,
    key_id: String,
}

impl Vault {
    /// File name of the SQLite database inside the vault directory.
    pub const DB_FILE: &'static str = "vault.db";
    /// File name of the private key inside the vault directory.
    pub const KEY_FILE: &'static str = "vault-key.pem";

    /// Opens the vault in `dir` with default options, creating directory, key and database on
    /// first use.
    pub fn open(dir: &Path) -> Result<Self, VaultError> {
        Self::open_with(dir, VaultOptions::new())
    }

    /// Opens the vault in `dir`, creating directory (0700), key file and database (0600) on
    /// first use.
    pub fn open_with(dir: &Path, options: VaultOptions) -> Result<Self, VaultError> {
        if !(KeyPair::MIN_BITS..=KeyPair::MAX_BITS).contains(&options.rsa_bits) {
            return Err(VaultError::InvalidInput {
                field: "RSA key size",
                problem: InputProblem::OutOfRange {
                    value: options.rsa_bits,
                    min: KeyPair::MIN_BITS,
                    max: KeyPair::MAX_BITS,
                },
            });
        }
        files::ensure_private_dir(dir)?;
        let store = SqliteStore::open(&dir.join(Self::DB_FILE))?;
        let key_path = dir.join(Self::KEY_FILE);
        let keys = match files::read_key_file(&key_path)? {
            Some(keys) => keys,
            None => {
                if let Some(existing) = store.data_keys()?.into_iter().next() {
                    return Err(VaultError::KeyFileMissing {
                        path: key_path,
                        key_id: existing.key_id,
                    });
                }
                tracing::info!(bits = options.rsa_bits, "generating the vault key pair");
                files::create_key_file(&key_path, KeyPair::generate(options.rsa_bits)?)?
            }
        };
        tracing::warn!(
            file = %key_path.display(),
            "the vault private key file is not encrypted: whoever can read it can open every stored account"
        );
        Self::with_store(Box::new(store), &keys)
    }

    /// Opens a vault over any store with the given key pair; on an empty store this creates the
    /// data key. The key pair is only needed here: the vault keeps the unwrapped data key.
    pub fn with_store(store: Box<dyn Store>, keys: &KeyPair) -> Result<Self, VaultError> {
        let found = store.schema_version()?;
        if found > SCHEMA_VERSION {
            return Err(VaultError::SchemaTooNew {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        let mut wrapped = store.data_keys()?;
        if wrapped.is_empty() {
            if !store.is_empty()? {
                return Err(VaultError::DataKeyUnusable {
                    key_id: keys.key_id().to_owned(),
                    reason: "the store holds records but no data key".into(),
                });
            }
            let fresh = DataKey::generate_bytes()?;
            store.insert_data_key(&WrappedDataKey {
                key_id: keys.key_id().to_owned(),
                wrapped: keys.wrap(fresh.as_slice())?,
                created: Utc::now(),
            })?;
            // Re-read: another process may have created the vault at the same moment.
            wrapped = store.data_keys()?;
        }
        let Some(mine) = wrapped.iter().find(|k| k.key_id == keys.key_id()) else {
            return Err(VaultError::WrongKey {
                key_id: keys.key_id().to_owned(),
                vault_key_id: wrapped
                    .first()
                    .map_or_else(String::new, |k| k.key_id.clone()),
            });
        };
        let unusable = |reason: String| VaultError::DataKeyUnusable {
            key_id: keys.key_id().to_owned(),
            reason,
        };
        let raw = keys
            .unwrap_key(&mine.wrapped)
            .map_err(|e| unusable(format!("RSA-OAEP unwrapping failed: {e}")))?;
        if raw.len() != DATA_KEY_LEN {
            return Err(unusable(format!("data key is {} bytes", raw.len())));
        }
        let data_key = DataKey::from_bytes(&raw).map_err(unusable)?;
        Ok(Self {
            store,
            data_key,
            key_id: keys.key_id().to_owned(),
        })
    }

    /// Stores `account` under `id`, replacing any earlier record, in one atomic write.
    pub fn put(&self, id: &RecordId, account: &Account) -> Result<(), VaultError> {
        id.validate()?;
        account.validate()?;
        let plaintext = codec::encode(account);
        let sealed = self.data_key.seal(id, &self.key_id, &plaintext)?;
        self.store.put(&SealedRecord {
            id: id.clone(),
            key_id: self.key_id.clone(),
            sealed,
        })
    }

    /// The account stored under `id`, if any.
    pub fn get(&self, id: &RecordId) -> Result<Option<Account>, VaultError> {
        id.validate()?;
        match self.store.get(id)? {
            Some(record) => self.open_record(id, &record).map(Some),
            None => Ok(None),
        }
    }

    /// Removes the record under `id`; true if there was one.
    pub fn delete(&self, id: &RecordId) -> Result<bool, VaultError> {
        id.validate()?;
        self.store.delete(id)
    }

    /// Accounts in id order, without secrets.
    ///
    /// `filter` keeps accounts whose user name, mailbox or portal user contains it, ignoring
    /// case. `offset` and `limit` count accounts that match. Records that fail to open are
    /// skipped and logged by id, so one damaged record cannot hide the others.
    pub fn list(
        &self,
        filter: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<AccountSummary>, VaultError> {
        let needle = filter.map(str::to_lowercase).filter(|f| !f.is_empty());
        let mut skip = offset;
        let mut out = Vec::new();
        let mut after: Option<RecordId> = None;
        while out.len() < limit {
            let batch = self.store.scan(after.as_ref(), 0, SCAN_BATCH)?;
            let done = batch.len() < SCAN_BATCH;
            for record in &batch {
                let summary = match self.open_record(&record.id, record) {
                    Ok(account) => account.summary(&record.id),
                    Err(e) => {
                        tracing::warn!(record = %record.id, error = %e, "skipping unreadable vault record");
                        continue;
                    }
                };
                if needle
                    .as_deref()
                    .is_some_and(|n| !summary.matches_lowercase(n))
                {
                    continue;
                }
                if skip > 0 {
                    skip -= 1;
                } else if out.len() < limit {
                    out.push(summary);
                }
            }
            match batch.into_iter().next_back() {
                Some(last) if !done => after = Some(last.id),
                _ => break,
            }
        }
        Ok(out)
    }

    /// Number of stored records.
    pub fn len(&self) -> Result<usize, VaultError> {
        self.store.len()
    }

    /// True if no records are stored.
    pub fn is_empty(&self) -> Result<bool, VaultError> {
        self.store.is_empty()
    }

    /// Id of the key pair this vault's data key is wrapped with.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    fn open_record(&self, id: &RecordId, record: &SealedRecord) -> Result<Account, VaultError> {
        let corrupt = |reason: String| VaultError::CorruptRecord {
            id: id.clone(),
            reason,
        };
        if record.key_id != self.key_id {
            return Err(corrupt(format!(
                "sealed under key {}, but this vault holds the data key of {}",
                record.key_id, self.key_id
            )));
        }
        // The id asked for (not the one the store echoes) is authenticated, so a store that
        // returns another record's bytes is caught too.
        let plaintext = self
            .data_key
            .open(id, &self.key_id, &record.sealed)
            .map_err(corrupt)?;
        codec::decode(&plaintext).map_err(|e| corrupt(e.to_string()))
    }
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault")
            .field("key_id", &self.key_id)
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}
