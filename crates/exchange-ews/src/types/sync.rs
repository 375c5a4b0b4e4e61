//! Types of `SyncFolderItems` and `SyncFolderHierarchy`: the changes since a sync state.

use crate::decoded::Node;
use crate::folders::{Folder, FolderId};
use crate::items::ItemSummary;
use crate::ItemId;

/// The item shape of `SyncFolderItems`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum SyncItemShape {
    /// Only the ids (and the summary properties this crate asks for).
    #[default]
    IdOnly,
    /// The default properties of each item.
    Default,
}

impl SyncItemShape {
    /// The `BaseShape` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IdOnly => "IdOnly",
            Self::Default => "Default",
        }
    }
}

/// A created or changed item or folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// An item (`SyncFolderItems`).
    Item {
        /// What this crate reads of it.
        summary: ItemSummary,
        /// `IsRead`, when the shape returned it.
        is_read: Option<bool>,
        /// The whole element, as sent.
        element: Node,
    },
    /// A folder (`SyncFolderHierarchy`).
    Folder {
        /// What this crate reads of it.
        folder: Folder,
        /// The whole element, as sent.
        element: Node,
    },
}

/// The id of a deleted item or folder.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ChangedId {
    /// An item.
    Item(ItemId),
    /// A folder.
    Folder(FolderId),
}

/// One change since the sync state sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// `Create`: a new item or folder.
    Create(Changed),
    /// `Update`: a changed item or folder.
    Update(Changed),
    /// `Delete`: a removed item or folder.
    Delete(ChangedId),
    /// `ReadFlagChange`: an item marked read or unread.
    ReadFlagChange {
        /// The item.
        id: ItemId,
        /// Whether it is read now.
        is_read: bool,
    },
    /// A kind of change this crate does not know, as sent.
    Unrecognized(Node),
}

/// One answer of `SyncFolderItems` or `SyncFolderHierarchy`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncResult {
    /// `SyncState`: to send with the next request.
    pub sync_state: String,
    /// `IncludesLastItemInRange`: whether no changes are left.
    pub includes_last_item_in_range: bool,
    /// The changes in the server's order.
    pub changes: Vec<Change>,
}
