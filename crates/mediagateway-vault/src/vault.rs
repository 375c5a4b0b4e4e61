//! The vault: seals accounts with its data key and keeps them in a [`Store`].

use std::fmt;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use secrecy::SecretString;

use crate::error::{InputProblem, VaultError};
use crate::files;
use crate::keys::KeyPair;
use crate::passphrase::PassphraseSource;
use crate::record::{Account, AccountSummary, RecordId};
use crate::rotation_ring::KeyRing;
use crate::sqlite::SqliteStore;
use crate::store::{SealedRecord, Store};

/// How many records the vault fetches from the store at a time when it walks all of them.
pub(crate) const SCAN_BATCH: usize = 256;

/// Walks the records of `store` after `after` in id order, [`SCAN_BATCH`] at a time, handing
/// each batch to `each` until it breaks or the records end. True if the records ended.
pub(crate) fn scan_batches(
    store: &dyn Store,
    mut after: Option<RecordId>,
    mut each: impl FnMut(&[SealedRecord]) -> Result<ControlFlow<()>, VaultError>,
) -> Result<bool, VaultError> {
    loop {
        let batch = store.scan(after.as_ref(), 0, SCAN_BATCH)?;
        if each(&batch)?.is_break() {
            return Ok(false);
        }
        let full = batch.len() == SCAN_BATCH;
        match batch.into_iter().next_back() {
            Some(last) if full => after = Some(last.id),
            _ => return Ok(true),
        }
    }
}

/// Settings for [`Vault::open_with`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct VaultOptions {
    /// Modulus size of a newly generated key pair (at creation and rotation), in bits.
    pub rsa_bits: usize,
    /// Where the passphrase encrypting the key files comes from.
    pub passphrase: PassphraseSource,
}

impl VaultOptions {
    /// The defaults: 3072-bit RSA, passphrase from [`PASSPHRASE_ENV`](crate::PASSPHRASE_ENV)
    /// if that variable is set.
    pub fn new() -> Self {
        Self {
            rsa_bits: KeyPair::DEFAULT_BITS,
            passphrase: PassphraseSource::from_default_env(),
        }
    }

    /// Sets the modulus size of newly generated key pairs (2048 to 8192 bits).
    pub fn rsa_bits(mut self, bits: usize) -> Self {
        self.rsa_bits = bits;
        self
    }

    /// Encrypts the key files with this passphrase.
    pub fn passphrase(mut self, passphrase: SecretString) -> Self {
        self.passphrase = PassphraseSource::Value(passphrase);
        self
    }

    /// Reads the passphrase from a file (its content without one trailing line break).
    pub fn passphrase_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.passphrase = PassphraseSource::File(path.into());
        self
    }

    /// Reads the passphrase from the environment variable `name`.
    pub fn passphrase_env(mut self, name: impl Into<String>) -> Self {
        self.passphrase = PassphraseSource::Env(name.into());
        self
    }

    /// Uses no passphrase: key files are written unencrypted.
    pub fn no_passphrase(mut self) -> Self {
        self.passphrase = PassphraseSource::None;
        self
    }
}

impl Default for VaultOptions {
    fn default() -> Self {
        Self::new()
    }
}

/// Where a vault opened from a directory keeps its key files.
pub(crate) struct KeyDir {
    pub(crate) dir: PathBuf,
    pub(crate) passphrase: Option<SecretString>,
    pub(crate) rsa_bits: usize,
}

/// The credential vault: account records sealed with AES-256-GCM under a data key, which is
/// itself wrapped with the vault's RSA key.
///
/// `Vault` is `Send + Sync`; share it behind an `Arc`.
pub struct Vault {
    pub(crate) store: Box<dyn Store>,
    pub(crate) ring: RwLock<KeyRing>,
    pub(crate) key_dir: Option<KeyDir>,
    /// Where the running rotation continues its walk over the records.
    pub(crate) rotation_cursor: Mutex<Option<RecordId>>,
}

impl Vault {
    /// File name of the SQLite database inside the vault directory.
    pub const DB_FILE: &'static str = "vault.db";
    /// File name of the first private key inside the vault directory; keys added by a
    /// rotation are named `vault-key-<key id>.pem`.
    pub const KEY_FILE: &'static str = files::FIRST_KEY_FILE;

    /// Opens the vault in `dir` with default options, creating directory, key and database on
    /// first use.
    pub fn open(dir: &Path) -> Result<Self, VaultError> {
        Self::open_with(dir, VaultOptions::new())
    }

    /// Opens the vault in `dir`, creating directory (0700), key file and database (0600) on
    /// first use. Every key file present is loaded, so a vault left in the middle of a key
    /// rotation opens and reads records under either key.
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
        let passphrase = options.passphrase.resolve()?;
        files::ensure_private_dir(dir)?;
        let store = SqliteStore::open(&dir.join(Self::DB_FILE))?;
        let mut loaded = Vec::new();
        for path in files::key_files(dir, Self::KEY_FILE)? {
            loaded.extend(files::read_key_file(&path, passphrase.as_ref())?);
        }
        if loaded.is_empty() {
            let wrapped = store.data_keys()?;
            // Oldest first: the last one is the newest.
            if let Some(newest) = wrapped.last() {
                return Err(VaultError::KeyFileMissing {
                    path: files::key_path(dir, &newest.key_id, wrapped.len() == 1),
                    key_id: newest.key_id.clone(),
                });
            }
            tracing::info!(bits = options.rsa_bits, "generating the vault key pair");
            let path = dir.join(Self::KEY_FILE);
            let keys = KeyPair::generate(options.rsa_bits)?;
            let keys = files::create_key_file(&path, keys, passphrase.as_ref())?;
            loaded.push(files::LoadedKey {
                encrypted: passphrase.is_some(),
                keys,
                path,
            });
        }
        for key in loaded.iter().filter(|k| !k.encrypted) {
            tracing::warn!(
                file = %key.path.display(),
                "the vault private key file is not encrypted: whoever can read it can open every stored account"
            );
        }
        let first_key_gone = !loaded.iter().any(|k| k.path == dir.join(Self::KEY_FILE));
        let key_pairs: Vec<KeyPair> = loaded.into_iter().map(|k| k.keys).collect();
        let ring = KeyRing::load(&store, &key_pairs, Some(dir))?;
        if first_key_gone {
            // Every key of the store has a file named by its id: a rotation retired the first
            // key (perhaps before rotations left a marker). Recorded for the naming rule.
            files::mark_first_key_retired(dir)?;
        }
        Ok(Self::assemble(
            Box::new(store),
            ring,
            Some(KeyDir {
                dir: dir.to_path_buf(),
                passphrase,
                rsa_bits: options.rsa_bits,
            }),
        ))
    }

    /// Opens a vault over any store with the given key pair; on an empty store this creates the
    /// data key. The key pair is only needed here: the vault keeps the unwrapped data key.
    pub fn with_store(store: Box<dyn Store>, keys: &KeyPair) -> Result<Self, VaultError> {
        Self::with_store_keys(store, std::slice::from_ref(keys))
    }

    /// Opens a vault over any store with every key pair it may need: during a key rotation,
    /// the old and the new one. On an empty store the first key pair creates the data key.
    pub fn with_store_keys(store: Box<dyn Store>, keys: &[KeyPair]) -> Result<Self, VaultError> {
        let ring = KeyRing::load(store.as_ref(), keys, None)?;
        Ok(Self::assemble(store, ring, None))
    }

    fn assemble(store: Box<dyn Store>, ring: KeyRing, key_dir: Option<KeyDir>) -> Self {
        Self {
            store,
            ring: RwLock::new(ring),
            key_dir,
            rotation_cursor: Mutex::new(None),
        }
    }

    /// Stores `account` under `id`, replacing any earlier record, in one atomic write.
    pub fn put(&self, id: &RecordId, account: &Account) -> Result<(), VaultError> {
        id.validate()?;
        account.validate()?;
        // Held until the store has the record, so a rotation cannot retire the key in between.
        let ring = self.ring();
        self.store.put(&ring.seal(id, account)?)
    }

    /// The account stored under `id`, if any. Reading does not change the last-used time; see
    /// [`Vault::touch`].
    pub fn get(&self, id: &RecordId) -> Result<Option<Account>, VaultError> {
        id.validate()?;
        match self.store.get(id)? {
            Some(record) => self.open_record(id, &record).map(Some),
            None => Ok(None),
        }
    }

    /// Removes the record under `id` (resets that user's stored login); true if there was one.
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
        if limit == 0 {
            return Ok(out);
        }
        scan_batches(self.store.as_ref(), None, |batch| {
            for record in batch {
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
            Ok(if out.len() < limit {
                ControlFlow::Continue(())
            } else {
                ControlFlow::Break(())
            })
        })?;
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

    /// Id of the key pair whose data key seals new records.
    pub fn key_id(&self) -> String {
        self.ring().current().0.to_owned()
    }

    /// A 256-bit key for `purpose` (such as signing the gateway's page tokens), derived from
    /// the current data key: every process that opens the same store with its key derives the
    /// same one, so what one gateway signs, another sharing the store can check. A key
    /// rotation changes it, so what was signed before becomes invalid.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let vault = mediagateway_vault::Vault::open(dir.path())?;
    /// let tokens = vault.derive_key("page tokens");
    /// assert_ne!(*tokens, *vault.derive_key("something else"));
    /// assert_eq!(*tokens, *vault.derive_key("page tokens"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn derive_key(&self, purpose: &str) -> zeroize::Zeroizing<[u8; 32]> {
        self.ring().current().1.derive(purpose)
    }

    /// Ids of every key pair whose data key the vault holds: more than one while a key
    /// rotation is under way, the current one last.
    pub fn key_ids(&self) -> Vec<String> {
        self.ring().key_ids()
    }

    pub(crate) fn ring(&self) -> RwLockReadGuard<'_, KeyRing> {
        // The ring is replaced only as a whole value, so a panic cannot leave it half-changed.
        self.ring
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn ring_mut(&self) -> RwLockWriteGuard<'_, KeyRing> {
        self.ring
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn cursor(&self) -> MutexGuard<'_, Option<RecordId>> {
        self.rotation_cursor
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn open_record(
        &self,
        id: &RecordId,
        record: &SealedRecord,
    ) -> Result<Account, VaultError> {
        self.ring().open(id, record)
    }
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault")
            .field("key_ids", &self.key_ids())
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}
