//! `CreateItem`, `DeleteItem` and `UpdateItem`.

use super::{resolve_calendar, resolve_item, Context};
use crate::item_xml;
use crate::request::{CalendarFields, FieldChange, FolderRef, ItemRef};
use crate::response::MessageError;
use crate::store::{self, StoredItem};

/// One `CreateItemResponseMessage` content: the new item's id.
pub(super) fn create(
    ctx: &mut Context<'_>,
    folder: Option<&FolderRef>,
    send_invitations: Option<&str>,
    item: &Result<CalendarFields, String>,
) -> Result<String, MessageError> {
    let mailbox = resolve_calendar(ctx, folder)?;
    let fields = item.as_ref().map_err(|kind| {
        MessageError::new(
            "ErrorInvalidItemForOperationCreateItem",
            &format!("The fake Exchange server creates only calendar items, not {kind}."),
        )
    })?;
    if send_invitations.is_none() {
        return Err(MessageError::new(
            "ErrorSendMeetingInvitationsRequired",
            "SendMeetingInvitations attribute is required for Calendar items.",
        ));
    }
    let (Some(start), Some(end)) = (fields.start, fields.end) else {
        return Err(MessageError::new(
            "ErrorRequiredPropertyMissing",
            "The fake Exchange server needs Start and End for every calendar item.",
        ));
    };
    if end < start {
        return Err(end_before_start());
    }
    let item = StoredItem {
        key: *uuid::Uuid::new_v4().as_bytes(),
        change: ctx.store.next_change(),
        created: ctx.now,
        modified: ctx.now,
        subject: fields.subject.clone(),
        body: fields.body.clone(),
        uid: fields.uid.clone().unwrap_or_else(store::new_uid),
        start,
        end,
        is_all_day: fields.is_all_day.unwrap_or(false),
        free_busy: fields
            .free_busy
            .clone()
            .unwrap_or_else(|| "Busy".to_owned()),
        location: fields.location.clone(),
    };
    let xml = item_xml::item_id_only(mailbox, &item);
    ctx.store.insert(mailbox, item);
    Ok(format!("<m:Items>{xml}</m:Items>"))
}

fn end_before_start() -> MessageError {
    MessageError::new(
        "ErrorCalendarEndDateIsEarlierThanStartDate",
        "EndDate is earlier than StartDate",
    )
}

/// One `DeleteItemResponseMessage` (no content).
pub(super) fn delete(
    ctx: &mut Context<'_>,
    id: &ItemRef,
    send_cancellations: Option<&str>,
) -> Result<String, MessageError> {
    let (mailbox, key) = resolve_item(ctx, id)?;
    if send_cancellations.is_none() {
        return Err(MessageError::new(
            "ErrorSendMeetingCancellationsRequired",
            "SendMeetingCancellations attribute is required for Calendar items.",
        ));
    }
    // Every delete type removes the item from the calendar, which is all a client sees.
    ctx.store.remove(mailbox, &key);
    Ok(String::new())
}

/// The arguments of `UpdateItem` for one item.
pub(super) struct Update<'a> {
    /// `ConflictResolution`.
    pub(super) conflict_resolution: &'a str,
    /// `SendMeetingInvitationsOrCancellations`.
    pub(super) send_updates: Option<&'a str>,
    /// The change descriptions.
    pub(super) changes: &'a [FieldChange],
}

/// One `UpdateItemResponseMessage` content: the item's id with its new change key.
pub(super) fn update(
    ctx: &mut Context<'_>,
    id: &ItemRef,
    update: &Update<'_>,
) -> Result<String, MessageError> {
    let (mailbox, key) = resolve_item(ctx, id)?;
    if update.send_updates.is_none() {
        return Err(MessageError::new(
            "ErrorSendMeetingInvitationsOrCancellationsRequired",
            "SendMeetingInvitationsOrCancellations attribute is required for Calendar items.",
        ));
    }
    let current = ctx
        .store
        .item(mailbox, &key)
        .ok_or_else(super::item_not_found)?;
    let given = match id {
        ItemRef::Item { change_key, .. } => change_key.as_deref(),
        ItemRef::Recurrence(_) => None,
    };
    match (update.conflict_resolution, given) {
        ("AlwaysOverwrite", _) => {}
        ("NeverOverwrite", None) => {
            return Err(MessageError::new(
                "ErrorChangeKeyRequiredForWriteOperations",
                "When making a write operation, the ChangeKey must be provided.",
            ))
        }
        (_, Some(given)) if given != store::change_key(current.change) => {
            return Err(MessageError::new(
                "ErrorIrresolvableConflict",
                "The send or update operation could not be performed because the change key \
                 passed in the request does not match the current change key for the item.",
            ))
        }
        _ => {}
    }
    let mut changed = current.clone();
    for change in update.changes {
        apply(&mut changed, change)?;
    }
    if changed.end < changed.start {
        return Err(end_before_start());
    }
    changed.change = ctx.store.next_change();
    changed.modified = ctx.now;
    let xml = item_xml::item_id_only(mailbox, &changed);
    if let Some(stored) = ctx.store.item_mut(mailbox, &key) {
        *stored = changed;
    }
    Ok(format!(
        "<m:Items>{xml}</m:Items><m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>"
    ))
}

fn wrong_count() -> MessageError {
    MessageError::new(
        "ErrorIncorrectUpdatePropertyCount",
        "An object within a change description must contain one and only one property to modify.",
    )
}

/// Applies one change description. Properties the fake does not model are accepted and
/// ignored, as when creating items.
fn apply(item: &mut StoredItem, change: &FieldChange) -> Result<(), MessageError> {
    match change {
        FieldChange::Set {
            field,
            value,
            properties,
        } => {
            if *properties != 1 || value.count() > 1 {
                return Err(wrong_count());
            }
            let missing = wrong_count;
            match field.as_str() {
                "item:Subject" => item.subject = Some(value.subject.clone().ok_or_else(missing)?),
                "item:Body" => item.body = Some(value.body.clone().ok_or_else(missing)?),
                "calendar:UID" => item.uid = value.uid.clone().ok_or_else(missing)?,
                "calendar:Start" => item.start = value.start.ok_or_else(missing)?,
                "calendar:End" => item.end = value.end.ok_or_else(missing)?,
                "calendar:IsAllDayEvent" => {
                    item.is_all_day = value.is_all_day.ok_or_else(missing)?
                }
                "calendar:LegacyFreeBusyStatus" => {
                    item.free_busy = value.free_busy.clone().ok_or_else(missing)?;
                }
                "calendar:Location" => {
                    item.location = Some(value.location.clone().ok_or_else(missing)?)
                }
                _ => {}
            }
        }
        FieldChange::Append { field, value } => {
            let appended = match (field.as_str(), &value.body) {
                ("item:Body", Some(body)) => body,
                ("item:Body", None) => return Err(wrong_count()),
                _ => {
                    return Err(MessageError::new(
                        "ErrorInvalidPropertyAppend",
                        "The append action is not supported for this property.",
                    ))
                }
            };
            match &mut item.body {
                Some(body) => body.content.push_str(&appended.content),
                None => item.body = Some(appended.clone()),
            }
        }
        FieldChange::Delete { field } => match field.as_str() {
            "item:Subject" => item.subject = None,
            "item:Body" => item.body = None,
            "calendar:Location" => item.location = None,
            "calendar:Start"
            | "calendar:End"
            | "calendar:UID"
            | "calendar:IsAllDayEvent"
            | "calendar:LegacyFreeBusyStatus" => {
                return Err(MessageError::new(
                    "ErrorInvalidPropertyDelete",
                    "The delete action is not supported for this property.",
                ))
            }
            _ => {}
        },
    }
    Ok(())
}
