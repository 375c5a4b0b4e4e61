//! Occurrences of recurring calendar items named by their ids: reading and deleting them.

use super::{item_not_found, Context};
use crate::item::StoredItem;
use crate::recurrence::series::{self, Instance};
use crate::response::MessageError;

/// The occurrence `index` of the series `key`, checked to exist and not to be deleted.
pub(super) fn instance(
    ctx: &Context<'_>,
    mailbox: usize,
    key: &[u8; 16],
    index: usize,
) -> Result<(StoredItem, Instance), MessageError> {
    let master = ctx.store.item(mailbox, key).ok_or_else(item_not_found)?;
    let instance = series::instance(master, index).ok_or_else(|| {
        MessageError::new(
            "ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange",
            "Occurrence index is out of recurrence range.",
        )
    })?;
    if series::is_deleted(master, &instance) {
        return Err(MessageError::new(
            "ErrorCalendarOccurrenceIsDeletedFromRecurrence",
            "Occurrence with this index was previously deleted from the recurrence.",
        ));
    }
    Ok((series::occurrence_at(master, &instance), instance))
}

/// Keeps a changed occurrence as an exception of its series.
pub(super) fn keep_exception(
    ctx: &mut Context<'_>,
    mailbox: usize,
    key: &[u8; 16],
    mut exception: StoredItem,
) -> Result<(), MessageError> {
    let Some(mut occurrence) = exception.occurrence else {
        return Err(item_not_found());
    };
    occurrence.modified = true;
    exception.occurrence = Some(occurrence);
    let change = exception.change;
    let now = ctx.now;
    let master = ctx
        .store
        .item_mut(mailbox, key)
        .ok_or_else(item_not_found)?;
    master
        .modified_occurrences
        .retain(|e| e.occurrence.map(|o| o.index) != Some(occurrence.index));
    master.modified_occurrences.push(exception);
    master
        .modified_occurrences
        .sort_by_key(|e| e.occurrence.map(|o| o.original_start));
    master.new_version(change, now, &["ModifiedOccurrences"]);
    Ok(())
}

/// Deletes occurrence `index` from its series: the series keeps it as a deleted occurrence.
pub(super) fn delete(
    ctx: &mut Context<'_>,
    mailbox: usize,
    key: &[u8; 16],
    index: usize,
) -> Result<(), MessageError> {
    let (_, instance) = instance(ctx, mailbox, key, index)?;
    let change = ctx.store.next_change();
    let now = ctx.now;
    let master = ctx
        .store
        .item_mut(mailbox, key)
        .ok_or_else(item_not_found)?;
    master.deleted_occurrences.push(instance.start);
    master.deleted_occurrences.sort();
    master
        .modified_occurrences
        .retain(|e| e.occurrence.map(|o| o.index) != Some(index));
    master.new_version(change, now, &["DeletedOccurrences"]);
    Ok(())
}
