//! Name resolution, availability, synchronisation and id conversion of the client.

use chrono::{DateTime, Utc};

use crate::directory::{
    AlternateId, AvailabilityMailbox, ConvertId, ConvertedId, FreeBusyOptions, FreeBusyView,
    GetUserAvailability, IdFormat, Resolution, ResolveNames, SerializableTimeZone,
};
use crate::sync::{Change, SyncFolderHierarchy, SyncFolderItems, SyncItemShape, SyncResult};
use crate::{EwsClient, EwsError, FolderTarget};

/// The most answers [`EwsClient::sync_folder_items_all`] reads before giving up, so that a
/// server that never reports the end cannot keep the client busy forever.
const MAX_SYNC_PAGES: usize = 10_000;

impl EwsClient {
    /// The mailboxes and contacts `entry` may stand for; an empty list when nothing matches.
    /// Several matches are a success, not the warning Exchange reports them with.
    pub async fn resolve_names(
        &self,
        entry: &str,
        return_full_contact_data: bool,
    ) -> Result<Vec<Resolution>, EwsError> {
        self.execute(&ResolveNames::new(entry, return_full_contact_data)?)
            .await
    }

    /// The free/busy views of `mailboxes` over `start`..`end`, one result per mailbox in
    /// the order given (a mailbox the server cannot read fails alone).
    pub async fn user_availability(
        &self,
        mailboxes: &[AvailabilityMailbox],
        time_zone: &SerializableTimeZone,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        options: FreeBusyOptions,
    ) -> Result<Vec<Result<FreeBusyView, EwsError>>, EwsError> {
        let request =
            GetUserAvailability::new(mailboxes.to_vec(), time_zone.clone(), start, end, options)?;
        self.execute(&request).await
    }

    /// One answer of `SyncFolderItems`: at most `max_changes` changes of `folder` after
    /// `sync_state`.
    pub async fn sync_folder_items(
        &self,
        folder: &FolderTarget,
        shape: SyncItemShape,
        sync_state: Option<&str>,
        max_changes: u32,
    ) -> Result<SyncResult, EwsError> {
        let request = SyncFolderItems::new(
            folder.clone(),
            shape,
            sync_state.map(str::to_owned),
            max_changes,
        )?;
        self.execute(&request).await
    }

    /// Every change of `folder` after `sync_state`, asking again with each new sync state
    /// until the server reports `IncludesLastItemInRange`. The result holds the last sync
    /// state and every change in order.
    pub async fn sync_folder_items_all(
        &self,
        folder: &FolderTarget,
        shape: SyncItemShape,
        sync_state: Option<&str>,
        max_changes: u32,
    ) -> Result<SyncResult, EwsError> {
        let mut request = SyncFolderItems::new(
            folder.clone(),
            shape,
            sync_state.map(str::to_owned),
            max_changes,
        )?;
        let mut changes: Vec<Change> = Vec::new();
        for _ in 0..MAX_SYNC_PAGES {
            let page = self.execute(&request).await?;
            changes.extend(page.changes);
            if page.includes_last_item_in_range {
                return Ok(SyncResult {
                    sync_state: page.sync_state,
                    includes_last_item_in_range: true,
                    changes,
                });
            }
            if page.sync_state.is_empty() || request.sync_state() == Some(&page.sync_state) {
                // The same state again would return the same page for ever.
                return Err(EwsError::InvalidValue {
                    element: "SyncState".into(),
                    value: crate::soap::cut(&page.sync_state),
                    expected: "a new sync state while changes remain",
                });
            }
            request = request.with_sync_state(Some(page.sync_state));
        }
        Err(EwsError::InvalidValue {
            element: "IncludesLastItemInRange".into(),
            value: "false".into(),
            expected: "the end of the changes within 10000 answers",
        })
    }

    /// The folder changes of the mailbox after `sync_state` (every folder without one).
    pub async fn sync_folder_hierarchy(
        &self,
        sync_state: Option<&str>,
    ) -> Result<SyncResult, EwsError> {
        self.execute(&SyncFolderHierarchy::new(sync_state.map(str::to_owned)))
            .await
    }

    /// `ids` converted into `destination`, one result per id in the order given.
    pub async fn convert_ids(
        &self,
        ids: &[AlternateId],
        destination: IdFormat,
    ) -> Result<Vec<Result<ConvertedId, EwsError>>, EwsError> {
        self.execute(&ConvertId::new(ids.to_vec(), destination)?)
            .await
    }
}
