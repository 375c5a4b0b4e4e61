//! Reading the answers of `SyncFolderItems` and `SyncFolderHierarchy`.

use crate::decoded::Node;
use crate::folders::FolderId;
use crate::operations::folders::folder_xml::folder;
use crate::operations::item_xml::item::item_id;
use crate::operations::items::summary;
use crate::operations::reading::{boolean, required_text};
use crate::sync::{Change, Changed, ChangedId, SyncResult};
use crate::xml::Element;
use crate::{Envelope, EwsError};

/// The result of a sync answer of `operation`, the items or folders read by `entity`.
pub(crate) fn sync_result(
    envelope: &Envelope,
    operation: &str,
    entity: fn(&Element) -> Result<Changed, EwsError>,
) -> Result<SyncResult, EwsError> {
    let message = envelope.single_message(operation)?;
    let sync_state = required_text(message, "SyncState")?;
    let includes_last_item_in_range = boolean(message, "IncludesLastItemInRange")?.unwrap_or(true);
    let changes = match message.child("Changes") {
        Some(changes) => changes
            .children()
            .iter()
            .map(|c| change(c, entity))
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    Ok(SyncResult {
        sync_state,
        includes_last_item_in_range,
        changes,
    })
}

fn change(
    e: &Element,
    entity: fn(&Element) -> Result<Changed, EwsError>,
) -> Result<Change, EwsError> {
    // `Create` and `Update` wrap one item or folder element.
    let inner = || {
        e.children()
            .first()
            .ok_or_else(|| EwsError::MissingElement {
                element: "item or folder".into(),
                parent: e.name().to_owned(),
            })
    };
    Ok(match e.name() {
        "Create" => Change::Create(entity(inner()?)?),
        "Update" => Change::Update(entity(inner()?)?),
        "Delete" => Change::Delete(deleted_id(e)?),
        "ReadFlagChange" => Change::ReadFlagChange {
            id: item_id(e.required_child("ItemId")?)?,
            is_read: boolean(e, "IsRead")?.ok_or_else(|| EwsError::MissingElement {
                element: "IsRead".into(),
                parent: "ReadFlagChange".into(),
            })?,
        },
        _ => Change::Unrecognized(Node::from(e)),
    })
}

fn deleted_id(e: &Element) -> Result<ChangedId, EwsError> {
    if let Some(id) = e.child("ItemId") {
        return Ok(ChangedId::Item(item_id(id)?));
    }
    let id = item_id(e.required_child("FolderId")?)?;
    Ok(ChangedId::Folder(FolderId {
        id: id.id,
        change_key: id.change_key,
    }))
}

/// Reads an item element of a change.
pub(crate) fn changed_item(e: &Element) -> Result<Changed, EwsError> {
    Ok(Changed::Item {
        summary: summary(e)?,
        is_read: boolean(e, "IsRead")?,
        element: Node::from(e),
    })
}

/// Reads a folder element of a change.
pub(crate) fn changed_folder(e: &Element) -> Result<Changed, EwsError> {
    Ok(Changed::Folder {
        folder: folder(e)?,
        element: Node::from(e),
    })
}
