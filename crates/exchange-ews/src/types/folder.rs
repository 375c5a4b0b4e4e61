//! Folders as `GetFolder` and `FindFolder` return them.

use std::fmt;

/// The id of a folder, with the change key of the version that was read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct FolderId {
    /// The opaque folder id (base64).
    pub id: String,
    /// The change key: identifies one version of the folder.
    pub change_key: Option<String>,
}

impl FolderId {
    /// An id without a change key.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            change_key: None,
        }
    }

    /// The same id with a change key.
    pub fn with_change_key(mut self, change_key: impl Into<String>) -> Self {
        self.change_key = Some(change_key.into());
        self
    }
}

impl fmt::Display for FolderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

/// A folder and the properties the server returned of it.
///
/// Only the id is always present: Exchange leaves out what a shape does not ask for, and
/// some folder kinds lack some properties (a calendar folder has no unread count).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Folder {
    /// `FolderId`.
    pub id: FolderId,
    /// `ParentFolderId` (absent for the root of the mailbox).
    pub parent_id: Option<FolderId>,
    /// `DisplayName`.
    pub display_name: Option<String>,
    /// `FolderClass` (`IPF.Appointment`, `IPF.Note`, …).
    pub folder_class: Option<String>,
    /// `TotalCount`: the items in the folder.
    pub total_count: Option<u32>,
    /// `ChildFolderCount`: the folders directly below.
    pub child_folder_count: Option<u32>,
    /// `UnreadCount`.
    pub unread_count: Option<u32>,
}

/// How far below its parent `FindFolder` looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Traversal {
    /// The direct children only.
    Shallow,
    /// Every folder below, at any depth.
    Deep,
}

impl Traversal {
    /// The `Traversal` attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Shallow => "Shallow",
            Self::Deep => "Deep",
        }
    }
}

/// One page of `FindFolder`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FolderPage {
    /// The folders of the page.
    pub folders: Vec<Folder>,
    /// `IncludesLastItemInRange`: whether this page ends the view.
    pub includes_last_item_in_range: bool,
    /// `IndexedPagingOffset`: the offset of the next page, when the server sent one.
    pub indexed_paging_offset: Option<u32>,
    /// `TotalItemsInView`: how many folders the whole view holds.
    pub total_items_in_view: Option<u32>,
}
