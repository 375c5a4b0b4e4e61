//! The folder operations, and the reading and writing of folders, folder shapes and indexed
//! page views that `FindItem` shares.

mod find_folder;
pub(crate) mod folder_xml;
mod get_folder;

pub use find_folder::FindFolder;
pub use get_folder::GetFolder;
