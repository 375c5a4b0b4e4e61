//! `SyncFolderItems` and `SyncFolderHierarchy`: what changed in a folder, or in the folder
//! tree, since a sync state.

use super::changes_xml::{changed_folder, changed_item, sync_result};
use crate::operations::folders::folder_xml::write_folder_shape;
use crate::operations::{sans_io_methods, write_folder, write_item_id};
use crate::soap::request_envelope;
use crate::sync::{SyncItemShape, SyncResult};
use crate::{Envelope, EwsError, ExchangeVersion, FolderTarget, ItemId, Operation};

/// The most changes one answer may hold (`MaxSyncChangesReturnedType`).
pub const MAX_SYNC_CHANGES: u32 = 512;

/// Reads the item changes of a folder since a sync state, `max_changes` at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncFolderItems {
    folder: FolderTarget,
    shape: SyncItemShape,
    sync_state: Option<String>,
    max_changes: u32,
    ignore: Vec<ItemId>,
}

impl SyncFolderItems {
    /// The request for the changes of `folder` after `sync_state` (from the start without
    /// one), at most `max_changes` (1 to 512) of them.
    pub fn new(
        folder: FolderTarget,
        shape: SyncItemShape,
        sync_state: Option<String>,
        max_changes: u32,
    ) -> Result<Self, EwsError> {
        folder.check("sync folder")?;
        if !(1..=MAX_SYNC_CHANGES).contains(&max_changes) {
            return Err(EwsError::InvalidArgument {
                argument: "max changes returned",
                reason: format!("{max_changes} is outside 1 to {MAX_SYNC_CHANGES}"),
            });
        }
        Ok(Self {
            folder,
            shape,
            sync_state: sync_state.filter(|s| !s.trim().is_empty()),
            max_changes,
            ignore: Vec::new(),
        })
    }

    /// The same request leaving out changes of `ids` (the caller's own changes).
    pub fn ignoring(mut self, ids: Vec<ItemId>) -> Result<Self, EwsError> {
        for id in &ids {
            id.check("ignored item")?;
        }
        self.ignore = ids;
        Ok(self)
    }

    /// The same request after another sync state.
    pub fn with_sync_state(mut self, sync_state: Option<String>) -> Self {
        self.sync_state = sync_state.filter(|s| !s.trim().is_empty());
        self
    }

    /// The folder synced.
    pub fn folder(&self) -> &FolderTarget {
        &self.folder
    }

    /// The sync state sent.
    pub fn sync_state(&self) -> Option<&str> {
        self.sync_state.as_deref()
    }
}

sans_io_methods!(SyncFolderItems);

impl Operation for SyncFolderItems {
    type Output = SyncResult;
    const NAME: &'static str = "SyncFolderItems";

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            w.start("m:SyncFolderItems", &[])
                .start("m:ItemShape", &[])
                .text_element("t:BaseShape", &[], self.shape.as_str())
                .end()
                .start("m:SyncFolderId", &[]);
            write_folder(w, &self.folder);
            w.end();
            if let Some(state) = &self.sync_state {
                w.text_element("m:SyncState", &[], state);
            }
            if !self.ignore.is_empty() {
                w.start("m:Ignore", &[]);
                for id in &self.ignore {
                    write_item_id(w, "t:ItemId", id);
                }
                w.end();
            }
            w.text_element("m:MaxChangesReturned", &[], &self.max_changes.to_string())
                .end();
        })
    }

    fn output(envelope: &Envelope) -> Result<SyncResult, EwsError> {
        sync_result(envelope, Self::NAME, changed_item)
    }
}

/// Reads the folder changes of the mailbox's folder tree since a sync state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncFolderHierarchy {
    sync_state: Option<String>,
}

impl SyncFolderHierarchy {
    /// The request for the folder changes after `sync_state` (every folder without one).
    pub fn new(sync_state: Option<String>) -> Self {
        Self {
            sync_state: sync_state.filter(|s| !s.trim().is_empty()),
        }
    }

    /// The sync state sent.
    pub fn sync_state(&self) -> Option<&str> {
        self.sync_state.as_deref()
    }
}

sans_io_methods!(SyncFolderHierarchy);

impl Operation for SyncFolderHierarchy {
    type Output = SyncResult;
    const NAME: &'static str = "SyncFolderHierarchy";

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            w.start("m:SyncFolderHierarchy", &[]);
            write_folder_shape(w);
            if let Some(state) = &self.sync_state {
                w.text_element("m:SyncState", &[], state);
            }
            w.end();
        })
    }

    fn output(envelope: &Envelope) -> Result<SyncResult, EwsError> {
        sync_result(envelope, Self::NAME, changed_folder)
    }
}

#[cfg(test)]
#[path = "sync_requests_tests.rs"]
mod tests;
