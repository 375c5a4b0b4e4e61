//! The folder operations, and the reading and writing of folders, folder shapes and indexed
//! page views that `FindItem` shares.

mod find_folder;
mod folder_writes;
pub(crate) mod folder_xml;
mod get_folder;

pub use find_folder::FindFolder;
pub use folder_writes::{CreateFolder, DeleteFolder, MoveFolder, RenameFolder};
pub use get_folder::GetFolder;
