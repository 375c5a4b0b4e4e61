//! Key rotation: a new key pair and data key, every record re-sealed, the old keys retired.
//!
//! The steps are ordered so that a crash at any point leaves a vault that opens, reads every
//! record and can continue:
//!
//! 1. The new key pair is written to its own key file (`vault-key-<key id>.pem`).
//! 2. A new data key, wrapped by the new key pair, is added to the store. From now on the vault
//!    is *rotating*: the store holds more than one data key, the newest seals new writes, and
//!    records are read under whichever key their `key_id` names.
//! 3. Records whose `key_id` is not the new one are re-sealed, each with a compare-and-swap
//!    ([`Store::replace_if_unchanged`]) so a concurrent write is never overwritten. This is
//!    idempotent: resuming simply re-seals what is still under an old key.
//! 4. Once no record is left under an old key, the old wrapped data keys are deleted from the
//!    store, and then their key files. A marker file records that the vault's first key file
//!    (`vault-key.pem`) is gone, so an error about a missing key file names the right file.

use std::ops::ControlFlow;

use crate::error::VaultError;
use crate::files;
use crate::keys::KeyPair;
use crate::rotation_ring::{next_created, unwrap_data_key};
use crate::store::{Store, WrappedDataKey};
use crate::vault::{scan_batches, Vault};

/// How many records [`Vault::rotate`] re-seals per step.
const ROTATION_BATCH: usize = 256;

/// Where a key rotation stands.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RotationStatus {
    /// Id of the key pair that seals new records.
    pub key_id: String,
    /// Ids of the older key pairs still to be retired; empty once the rotation has finished.
    pub retiring: Vec<String>,
    /// Records re-sealed by the call that returned this status.
    pub resealed: usize,
}

impl RotationStatus {
    /// True if no old key remains: the rotation has finished (or none was running).
    pub fn is_finished(&self) -> bool {
        self.retiring.is_empty()
    }
}

impl Vault {
    /// Rotates the key: starts a rotation (or resumes one a crash interrupted) and runs it to
    /// the end. Only for vaults opened from a directory; see [`Vault::rotate_with`] otherwise.
    pub fn rotate(&self) -> Result<RotationStatus, VaultError> {
        self.begin_rotation()?;
        self.finish_rotation()
    }

    /// Rotates to the given key pair and runs the rotation to the end; for vaults over any
    /// store. The caller keeps the new key pair: the vault needs it at the next open.
    pub fn rotate_with(&self, keys: &KeyPair) -> Result<RotationStatus, VaultError> {
        self.begin_rotation_with(keys)?;
        self.finish_rotation()
    }

    /// Starts a rotation for a vault opened from a directory: generates a key pair of the
    /// configured size, writes its key file (encrypted if a passphrase is configured) and adds
    /// a new data key wrapped by it. If a rotation is already under way, nothing is generated
    /// and its status is returned, so calling this again after a crash resumes the rotation.
    pub fn begin_rotation(&self) -> Result<RotationStatus, VaultError> {
        let Some(key_dir) = &self.key_dir else {
            return Err(VaultError::Unsupported {
                operation: "generating a key pair without a key directory (use rotate_with)",
            });
        };
        if !self.ring().retiring().is_empty() {
            return Ok(self.status(0));
        }
        tracing::info!(bits = key_dir.rsa_bits, "generating a new vault key pair");
        let keys = KeyPair::generate(key_dir.rsa_bits)?;
        let path = key_dir.dir.join(files::key_file_name(keys.key_id()));
        let keys = files::create_key_file(&path, keys, key_dir.passphrase.as_ref())?;
        self.begin_rotation_with(&keys)
    }

    /// Starts a rotation to `keys`: adds a new data key wrapped by it, which seals every write
    /// from now on. Returns the status of the rotation; calling it again with the same key
    /// pair resumes, with another one while a rotation runs fails with
    /// [`VaultError::RotationInProgress`].
    pub fn begin_rotation_with(&self, keys: &KeyPair) -> Result<RotationStatus, VaultError> {
        let mut ring = self.ring_mut();
        if ring.current().0 == keys.key_id() {
            drop(ring);
            return Ok(self.status(0));
        }
        if !ring.retiring().is_empty() {
            return Err(VaultError::RotationInProgress {
                key_id: ring.current().0.to_owned(),
            });
        }
        let existing = self.store.data_keys()?;
        let raw = crate::seal::DataKey::generate_bytes()?;
        let wrapped = WrappedDataKey {
            key_id: keys.key_id().to_owned(),
            wrapped: keys.wrap(raw.as_slice())?,
            created: next_created(&existing),
        };
        let stored = if self.store.insert_data_key(&wrapped)? {
            wrapped.wrapped
        } else {
            // Another process started a rotation to the same key pair first: use its data key.
            self.store
                .data_keys()?
                .into_iter()
                .find(|k| k.key_id == keys.key_id())
                .map(|k| k.wrapped)
                .ok_or_else(|| VaultError::DataKeyUnusable {
                    key_id: keys.key_id().to_owned(),
                    reason: "the data key vanished while the rotation began".into(),
                })?
        };
        // Unwrapped from what is stored, so a key that could not be read back fails here.
        let data_key = unwrap_data_key(keys, &stored)?;
        ring.push_current(keys.key_id().to_owned(), data_key);
        drop(ring);
        *self.cursor() = None;
        tracing::info!(key_id = keys.key_id(), "key rotation started");
        Ok(self.status(0))
    }

    /// Re-seals up to `max_records` records still under an old key; when none is left, retires
    /// the old keys. Each call is safe to interrupt: records are re-sealed one at a time.
    pub fn rotation_step(&self, max_records: usize) -> Result<RotationStatus, VaultError> {
        let mut resealed = 0;
        let reached_end = {
            let ring = self.ring();
            if ring.retiring().is_empty() || max_records == 0 {
                return Ok(self.status(0));
            }
            let current_id = ring.current().0;
            let mut cursor = self.cursor();
            let start = cursor.clone();
            let ended = scan_batches(self.store.as_ref(), start, |batch| {
                for record in batch {
                    if resealed >= max_records {
                        break;
                    }
                    *cursor = Some(record.id.clone());
                    if record.key_id == current_id {
                        continue;
                    }
                    let account = ring.open(&record.id, record)?;
                    let replacement = ring.seal(&record.id, &account)?;
                    // A miss means the record changed meanwhile: rewritten under the new key,
                    // or deleted. Either way there is nothing left to re-seal.
                    if self.store.replace_if_unchanged(record, &replacement)? {
                        resealed += 1;
                    }
                }
                Ok(if resealed < max_records {
                    ControlFlow::Continue(())
                } else {
                    ControlFlow::Break(())
                })
            })?;
            if ended {
                *cursor = None;
            }
            ended
        };
        if reached_end {
            self.retire_old_keys()?;
        }
        Ok(self.status(resealed))
    }

    /// The status of the vault's key rotation, without changing anything.
    pub fn rotation_status(&self) -> RotationStatus {
        self.status(0)
    }

    /// Number of records still sealed under a key other than the current one.
    pub fn records_under_old_keys(&self) -> Result<usize, VaultError> {
        let current = self.key_id();
        count_not_under(self.store.as_ref(), &current)
    }

    fn finish_rotation(&self) -> Result<RotationStatus, VaultError> {
        let mut resealed = 0;
        loop {
            let status = self.rotation_step(ROTATION_BATCH)?;
            resealed += status.resealed;
            if status.is_finished() {
                tracing::info!(key_id = %status.key_id, resealed, "key rotation finished");
                return Ok(RotationStatus { resealed, ..status });
            }
        }
    }

    /// Deletes the old data keys, and then their key files, if no record needs them any more.
    fn retire_old_keys(&self) -> Result<(), VaultError> {
        // Exclusive: no write can be sealing under an old key while the check runs.
        let mut ring = self.ring_mut();
        let (current, _) = ring.current();
        let current = current.to_owned();
        if count_not_under(self.store.as_ref(), &current)? > 0 {
            return Ok(());
        }
        for old in ring.retiring() {
            self.store.delete_data_key(&old)?;
            ring.remove(&old);
            tracing::info!(key_id = %old, "retired an old vault key");
        }
        drop(ring);
        if let Some(key_dir) = &self.key_dir {
            // Before the first key's file goes: from now on every key file is named by its id.
            files::mark_first_key_retired(&key_dir.dir)?;
            files::remove_stale_key_temporaries(&key_dir.dir)?;
            for path in files::key_files(&key_dir.dir, Vault::KEY_FILE)? {
                // Files that cannot be read are left alone: they may not be ours to delete.
                match files::read_key_file(&path, key_dir.passphrase.as_ref()) {
                    Ok(Some(loaded)) if loaded.keys.key_id() != current => {
                        files::remove_key_file(&path)?;
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(file = %path.display(), error = %e, "leaving an unreadable key file in place");
                    }
                }
            }
        }
        Ok(())
    }

    fn status(&self, resealed: usize) -> RotationStatus {
        let ring = self.ring();
        RotationStatus {
            key_id: ring.current().0.to_owned(),
            retiring: ring.retiring(),
            resealed,
        }
    }
}

fn count_not_under(store: &dyn Store, key_id: &str) -> Result<usize, VaultError> {
    let mut count = 0;
    scan_batches(store, None, |batch| {
        count += batch.iter().filter(|r| r.key_id != key_id).count();
        Ok(ControlFlow::Continue(()))
    })?;
    Ok(count)
}
