//! The synchronisation operations: what changed in a folder, or in the folder tree, since a
//! sync state.

mod changes_xml;
mod sync_requests;

pub use sync_requests::{SyncFolderHierarchy, SyncFolderItems, MAX_SYNC_CHANGES};
