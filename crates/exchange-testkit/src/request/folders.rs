//! `GetFolder` and `FindFolder`.

use super::parts::{folder, shape, View};
use super::{required, required_enum_attr, violation, Operation, MESSAGES};
use crate::dom::Element;
use crate::error::Error;

/// Decodes `GetFolder`.
pub(crate) fn get_folder(body: &Element) -> Result<Operation, Error> {
    Ok(Operation::GetFolder {
        shape: shape(required(body, MESSAGES, "FolderShape")?)?,
        folders: folder_ids(required(body, MESSAGES, "FolderIds")?)?,
    })
}

/// Decodes `FindFolder`.
pub(crate) fn find_folder(body: &Element) -> Result<Operation, Error> {
    let traversal = required_enum_attr(body, "Traversal", &["Shallow", "Deep", "SoftDeleted"])?;
    let shape = shape(required(body, MESSAGES, "FolderShape")?)?;
    let mut view = View::All;
    if let Some(element) = body.child(MESSAGES, "IndexedPageFolderView") {
        view = super::parts::indexed_view(element)?;
    } else if body.child(MESSAGES, "FractionalPageFolderView").is_some() {
        view = View::Unsupported("FractionalPageFolderView".to_owned());
    }
    Ok(Operation::FindFolder {
        traversal: match traversal {
            "Shallow" => FolderTraversal::Shallow,
            "Deep" => FolderTraversal::Deep,
            _ => FolderTraversal::SoftDeleted,
        },
        shape,
        view,
        filtered: body.child(MESSAGES, "Restriction").is_some(),
        folders: folder_ids(required(body, MESSAGES, "ParentFolderIds")?)?,
    })
}

/// `Traversal` of `FindFolder`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FolderTraversal {
    /// The direct children.
    Shallow,
    /// Every folder below.
    Deep,
    /// Soft-deleted folders (never any in the fake).
    SoftDeleted,
}

/// Decodes a `NonEmptyArrayOfBaseFolderIdsType`.
pub(crate) fn folder_ids(list: &Element) -> Result<Vec<super::FolderRef>, Error> {
    let mut folders = Vec::new();
    for element in &list.children {
        match folder(element)? {
            Some(f) => folders.push(f),
            None => {
                return Err(violation(
                    element,
                    format!("The element '{}' is not a folder identifier.", element.name),
                ))
            }
        }
    }
    if folders.is_empty() {
        return Err(violation(
            list,
            format!("The element '{}' has incomplete content.", list.name),
        ));
    }
    Ok(folders)
}
