//! Account operations beyond put, get, delete and list: details, last use, the portal users of
//! one data source, and resets.

use std::ops::ControlFlow;
use std::time::Duration;

use chrono::Utc;

use crate::error::VaultError;
use crate::record::{AccountSummary, RecordId};
use crate::store::SealedRecord;
use crate::vault::{scan_batches, Vault};

/// [`Vault::touch`] rewrites the last-used time only if it is older than this, so that an
/// account used on every request does not cost a database write on every request.
pub const TOUCH_INTERVAL: Duration = Duration::from_secs(60);

impl Vault {
    /// The non-secret summary of the account under `id`, if any.
    pub fn details(&self, id: &RecordId) -> Result<Option<AccountSummary>, VaultError> {
        Ok(self.get(id)?.map(|account| account.summary(id)))
    }

    /// Records that the account under `id` was just used; false if there is no such account.
    ///
    /// Reading ([`Vault::get`]) never writes: callers touch an account after it has actually
    /// reached Exchange. The last-used time is rewritten at most once per [`TOUCH_INTERVAL`],
    /// and never over a concurrent change of the account.
    pub fn touch(&self, id: &RecordId) -> Result<bool, VaultError> {
        id.validate()?;
        let Some(record) = self.store.get(id)? else {
            return Ok(false);
        };
        let mut account = self.open_record(id, &record)?;
        let now = Utc::now();
        let fresh = account.last_used.is_some_and(|last| {
            last <= now && (now - last).to_std().is_ok_and(|age| age < TOUCH_INTERVAL)
        });
        if fresh {
            return Ok(true);
        }
        account.last_used = Some(now);
        let ring = self.ring();
        let replacement = ring.seal(id, &account)?;
        // A miss means the account was changed or deleted meanwhile; that change wins.
        self.store.replace_if_unchanged(&record, &replacement)?;
        Ok(true)
    }

    /// Deletes every portal user's stored login in `data_source`; the service account and
    /// static users stay. Returns how many records were deleted.
    pub fn reset_data_source(&self, data_source: &str) -> Result<usize, VaultError> {
        self.delete_where(Some(data_source), |id| !id.is_reserved())
    }

    /// Deletes every portal user's stored login in every data source; service accounts and
    /// static users stay. Returns how many records were deleted.
    pub fn reset_all(&self) -> Result<usize, VaultError> {
        self.delete_where(None, |id| !id.is_reserved())
    }

    /// Deletes every record of `data_source`, service account and static users included (for a
    /// data source that is removed from the configuration). Returns how many were deleted.
    pub fn delete_data_source(&self, data_source: &str) -> Result<usize, VaultError> {
        self.delete_where(Some(data_source), |_| true)
    }

    /// The portal users' accounts of `data_source`, without secrets, in id order: reserved
    /// records (the service account, static users) are left out. Records that fail to open are
    /// skipped and logged by id, as in [`Vault::list`].
    pub fn users(&self, data_source: &str) -> Result<Vec<AccountSummary>, VaultError> {
        let mut users = Vec::new();
        self.scan_source(Some(data_source), |records| {
            for record in records.iter().filter(|r| !r.id.is_reserved()) {
                match self.open_record(&record.id, record) {
                    Ok(account) => users.push(account.summary(&record.id)),
                    Err(e) => {
                        tracing::warn!(record = %record.id, error = %e, "skipping unreadable vault record");
                    }
                }
            }
            Ok(())
        })?;
        Ok(users)
    }

    /// The names of the data sources that have a service account record, in order. Reads
    /// record ids only: nothing is opened.
    pub fn data_sources(&self) -> Result<Vec<String>, VaultError> {
        let mut names = Vec::new();
        self.scan_source(None, |records| {
            names.extend(
                records
                    .iter()
                    .filter(|record| record.id.portal_user == RecordId::SERVICE_ACCOUNT)
                    .map(|record| record.id.data_source.clone()),
            );
            Ok(())
        })?;
        Ok(names)
    }

    /// Deletes the records of `data_source` (or of all) that `selected` picks, a batch of
    /// ids at a time.
    fn delete_where(
        &self,
        data_source: Option<&str>,
        selected: impl Fn(&RecordId) -> bool,
    ) -> Result<usize, VaultError> {
        let mut deleted = 0;
        self.scan_source(data_source, |records| {
            let ids: Vec<RecordId> = records
                .iter()
                .map(|record| &record.id)
                .filter(|id| selected(id))
                .cloned()
                .collect();
            deleted += self.store.delete_many(&ids)?;
            Ok(())
        })?;
        if deleted > 0 {
            tracing::info!(
                data_source = data_source.unwrap_or("*"),
                deleted,
                "vault records reset"
            );
        }
        Ok(deleted)
    }

    /// Walks the records of `data_source` (of every data source when `None`) in id order, a
    /// batch at a time.
    fn scan_source(
        &self,
        data_source: Option<&str>,
        mut each: impl FnMut(&[SealedRecord]) -> Result<(), VaultError>,
    ) -> Result<(), VaultError> {
        if let Some(data_source) = data_source {
            RecordId::new(data_source, "-").validate()?;
        }
        // Portal users are never empty, so this cursor sits just before the data source.
        let after = data_source.map(|ds| RecordId::new(ds, ""));
        scan_batches(self.store.as_ref(), after, |batch| {
            let end = data_source.map_or(batch.len(), |ds| {
                batch
                    .iter()
                    .position(|record| record.id.data_source != ds)
                    .unwrap_or(batch.len())
            });
            each(&batch[..end])?;
            Ok(if end < batch.len() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            })
        })?;
        Ok(())
    }
}
