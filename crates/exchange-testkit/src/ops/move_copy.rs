//! `MoveItem` and `CopyItem`: items put into another folder, of the same mailbox or of one
//! the caller may open.
//!
//! As on Exchange, an item id names the item where it is: a moved item gets a new id (the
//! old one is then not found) and, like every other change of the fake, a new change key; a
//! copy is a new item with an id of its own. Both keep every property of the item (extended
//! properties, `UID`, `InternetMessageId`, …) and its attachments, as Exchange copies the
//! MAPI properties along. Ids come back unless `ReturnNewItemIds` is false, and never for
//! a move or copy into another mailbox.

use super::{folders, item_not_found, resolve_target, Context, Target};
use crate::item::StoredItem;
use crate::item_xml;
use crate::request::{ItemRef, Transfer};
use crate::response::MessageError;

/// Whether the items leave their folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// `MoveItem`.
    Move,
    /// `CopyItem`.
    Copy,
}

/// The content of one response message per item of `transfer`, in order.
pub(super) fn run(
    ctx: &mut Context<'_>,
    transfer: &Transfer,
    mode: Mode,
) -> Vec<Result<String, MessageError>> {
    // Exchange names a missing target with its own code rather than `ErrorFolderNotFound`.
    let target = folders::resolve(ctx, &transfer.to).map_err(|error| {
        if error == folders::folder_not_found() {
            MessageError::new(
                "ErrorToFolderNotFound",
                "The destination folder could not be found.",
            )
        } else {
            error
        }
    });
    transfer
        .ids
        .iter()
        .map(|id| {
            let to = target.clone()?;
            one(ctx, id, to, mode, transfer.return_new_ids)
        })
        .collect()
}

/// Moves or copies one item into the folder `to` (a mailbox and a folder).
fn one(
    ctx: &mut Context<'_>,
    id: &ItemRef,
    (mailbox, folder): (usize, usize),
    mode: Mode,
    return_new_ids: bool,
) -> Result<String, MessageError> {
    let (from, key) = match resolve_target(ctx, id)? {
        Target::Item(from, key) => (from, key),
        Target::Occurrence(..) => {
            return Err(MessageError::new(
                "ErrorCalendarCannotMoveOrCopyOccurrence",
                "Cannot move or copy an occurrence of a recurring series.",
            ))
        }
    };
    let change = ctx.store.next_change();
    let now = ctx.now;
    let new_key = *uuid::Uuid::new_v4().as_bytes();
    let renew = |item: &mut StoredItem| {
        item.key = new_key;
        item.folder = folder;
        item.new_version(change, now, &[]);
    };
    let xml = match mode {
        // Within the mailbox the item keeps its place in creation order.
        Mode::Move if from == mailbox => {
            let item = ctx.store.item_mut(from, &key).ok_or_else(item_not_found)?;
            renew(item);
            item_xml::item_id_only(mailbox, item)
        }
        Mode::Move => {
            let mut item = ctx.store.remove(from, &key).ok_or_else(item_not_found)?;
            renew(&mut item);
            let xml = item_xml::item_id_only(mailbox, &item);
            ctx.store.insert(mailbox, item);
            xml
        }
        Mode::Copy => {
            let mut item = ctx
                .store
                .item(from, &key)
                .ok_or_else(item_not_found)?
                .clone();
            renew(&mut item);
            item.created = now;
            let xml = item_xml::item_id_only(mailbox, &item);
            ctx.store.insert(mailbox, item);
            xml
        }
    };
    if return_new_ids && from == mailbox {
        Ok(format!("<m:Items>{xml}</m:Items>"))
    } else {
        Ok("<m:Items/>".to_owned())
    }
}
