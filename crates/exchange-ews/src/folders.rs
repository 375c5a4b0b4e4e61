//! Folders: where a request looks ([`FolderTarget`], [`DistinguishedFolder`]), folders as read,
//! and the requests that read one folder or find those below another.

pub use crate::operations::{
    CreateFolder, DeleteFolder, FindFolder, GetFolder, MoveFolder, RenameFolder,
};
pub use crate::types::{
    DistinguishedFolder, Folder, FolderId, FolderPage, FolderTarget, Traversal,
};
