//! `GetFolder`, `FindFolder`, and the folder writes `CreateFolder`, `UpdateFolder`,
//! `DeleteFolder` and `MoveFolder`.

use super::parts::{folder, shape, target_folder, View};
use super::TYPES;
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

/// A folder to create: `DisplayName` and `FolderClass`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewFolder {
    /// `DisplayName`.
    pub(crate) display_name: String,
    /// `FolderClass`.
    pub(crate) class: Option<String>,
}

/// Reads a folder element of `Folders` or `SetFolderField`: its display name and class.
fn folder_values(element: &Element) -> (Option<String>, Option<String>) {
    let text = |name: &str| {
        element
            .child(TYPES, name)
            .map(|e| e.text().trim().to_owned())
    };
    (text("DisplayName"), text("FolderClass"))
}

/// Decodes `CreateFolder`.
pub(crate) fn create_folder(body: &Element) -> Result<Operation, Error> {
    let parent = target_folder(required(body, MESSAGES, "ParentFolderId")?)?;
    let list = required(body, MESSAGES, "Folders")?;
    let mut folders = Vec::new();
    for element in &list.children {
        let (display_name, class) = folder_values(element);
        let display_name = display_name
            .filter(|n| !n.is_empty())
            .ok_or_else(|| violation(element, "A new folder needs a DisplayName."))?;
        folders.push(NewFolder {
            display_name,
            class,
        });
    }
    if folders.is_empty() {
        return Err(violation(
            list,
            "The element 'Folders' has incomplete content.",
        ));
    }
    Ok(Operation::CreateFolder { parent, folders })
}

/// Decodes `UpdateFolder`: each folder with its new display name (the only change modelled;
/// other changes are accepted and ignored).
pub(crate) fn update_folder(body: &Element) -> Result<Operation, Error> {
    let list = required(body, MESSAGES, "FolderChanges")?;
    let mut changes = Vec::new();
    for change in &list.children {
        let target = change
            .children
            .first()
            .map(folder)
            .transpose()?
            .flatten()
            .ok_or_else(|| violation(change, "A folder change names no folder."))?;
        let updates = required(change, TYPES, "Updates")?;
        let mut name = None;
        for update in &updates.children {
            if update.is(TYPES, "SetFolderField") {
                if let Some(element) = update.children.get(1) {
                    name = folder_values(element).0.or(name);
                }
            }
        }
        changes.push((target, name));
    }
    Ok(Operation::UpdateFolder { changes })
}

/// Decodes `DeleteFolder`.
pub(crate) fn delete_folder(body: &Element) -> Result<Operation, Error> {
    let delete_type = required_enum_attr(
        body,
        "DeleteType",
        &["HardDelete", "SoftDelete", "MoveToDeletedItems"],
    )?
    .to_owned();
    Ok(Operation::DeleteFolder {
        delete_type,
        folders: folder_ids(required(body, MESSAGES, "FolderIds")?)?,
    })
}

/// Decodes `MoveFolder`.
pub(crate) fn move_folder(body: &Element) -> Result<Operation, Error> {
    Ok(Operation::MoveFolder {
        to: target_folder(required(body, MESSAGES, "ToFolderId")?)?,
        folders: folder_ids(required(body, MESSAGES, "FolderIds")?)?,
    })
}
