//! Synchronisation: what changed in a folder, or in the folder tree, since a sync state.

pub use crate::operations::{SyncFolderHierarchy, SyncFolderItems, MAX_SYNC_CHANGES};
pub use crate::types::{Change, Changed, ChangedId, SyncItemShape, SyncResult};
