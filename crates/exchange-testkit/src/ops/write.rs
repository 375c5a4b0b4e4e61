//! `CreateItem` and `DeleteItem` of every kind of item, and sending messages.

use super::{occurrences, resolve_folder, resolve_target, Context, Target};
use crate::datetime;
use crate::dom::Element;
use crate::folder_tree;
use crate::item::StoredItem;
use crate::item_xml;
use crate::kind::{ItemKind, RESPONSE_OBJECTS};
use crate::recurrence::series;
use crate::request::{FolderRef, ItemRef, NewItem, TYPES};
use crate::response::MessageError;
use crate::seed;
use crate::store::{self, Sent};

/// Properties the server computes; a client cannot set them.
pub(super) const READ_ONLY: &[&str] = &[
    "ItemId",
    "ParentFolderId",
    "DateTimeReceived",
    "Size",
    "DateTimeCreated",
    "HasAttachments",
    "Attachments",
    "LastModifiedTime",
    "LastModifiedName",
    "DisplayTo",
    "DisplayCc",
    "DisplayBcc",
    "IsDraft",
    "IsSubmitted",
    "IsFromMe",
    "IsResend",
    "IsUnmodified",
    "DateTimeSent",
    "ResponseObjects",
    "EffectiveRights",
    "ConversationId",
    "UniqueBody",
    "TextBody",
    "NormalizedBody",
    "InstanceKey",
    "Preview",
    "InternetMessageHeaders",
    "IsMeeting",
    "IsCancelled",
    "IsRecurring",
    "CalendarItemType",
    "MyResponseType",
    "Organizer",
    "Duration",
    "MeetingRequestWasSent",
    "AppointmentState",
    "ConflictingMeetingCount",
    "AdjacentMeetingCount",
    "FirstOccurrence",
    "LastOccurrence",
    "ModifiedOccurrences",
    "DeletedOccurrences",
    "CompleteName",
];

/// The properties the fake interprets (kept in typed fields rather than as sent).
pub(super) fn interpreted(kind: &ItemKind, name: &str) -> bool {
    matches!(name, "Subject" | "Body" | "ItemClass")
        || (*kind == ItemKind::Calendar
            && matches!(
                name,
                "UID" | "Start" | "End" | "IsAllDayEvent" | "LegacyFreeBusyStatus" | "Location"
            ))
}

/// The arguments of `CreateItem` that apply to every item.
pub(super) struct Create<'a> {
    /// `MessageDisposition`.
    pub(super) disposition: Option<&'a str>,
    /// `SendMeetingInvitations`.
    pub(super) send_invitations: Option<&'a str>,
    /// `SavedItemFolderId`.
    pub(super) folder: Option<&'a FolderRef>,
}

/// The error Exchange gives for a calendar item or window that ends before it starts.
pub(super) fn end_before_start() -> MessageError {
    MessageError::new(
        "ErrorCalendarEndDateIsEarlierThanStartDate",
        "EndDate is earlier than StartDate",
    )
}

/// Checks that a calendar item does not end before it starts.
pub(super) fn check_times(item: &StoredItem) -> Result<(), MessageError> {
    if item.kind == ItemKind::Calendar && item.end < item.start {
        return Err(end_before_start());
    }
    Ok(())
}

/// The error Exchange gives for a message without `MessageDisposition`.
pub(super) fn disposition_required() -> MessageError {
    MessageError::new(
        "ErrorMessageDispositionRequired",
        "MessageDisposition attribute is required.",
    )
}

/// A new stored item from a request's item element, in `folder`.
pub(super) fn build(
    ctx: &mut Context<'_>,
    new: &NewItem,
    folder: usize,
) -> Result<StoredItem, MessageError> {
    let change = ctx.store.next_change();
    let mut item = StoredItem::new(new.kind.clone(), folder, change, ctx.now);
    let fields = &new.fields;
    if let Some(class) = new.element.child(TYPES, "ItemClass") {
        item.class = class.text().trim().to_owned();
    }
    item.subject = fields.subject.clone();
    item.body = fields.body.clone();
    if new.kind == ItemKind::Calendar {
        let (Some(start), Some(end)) = (fields.start, fields.end) else {
            return Err(MessageError::new(
                "ErrorRequiredPropertyMissing",
                "The fake Exchange server needs Start and End for every calendar item.",
            ));
        };
        item.start = start;
        item.end = end;
        check_times(&item)?;
        item.uid = fields.uid.clone().unwrap_or_else(store::new_uid);
        item.is_all_day = fields.is_all_day.unwrap_or(false);
        if let Some(free_busy) = &fields.free_busy {
            item.free_busy.clone_from(free_busy);
        }
        item.location = fields.location.clone();
    }
    for property in new.element.children.iter().filter(|c| c.ns == TYPES) {
        let name = property.name.as_str();
        if interpreted(&new.kind, name) || READ_ONLY.contains(&name) {
            continue;
        }
        if name == "ExtendedProperty" {
            item.props.push(property.clone());
        } else {
            item.set_prop(property.clone());
        }
    }
    check_zone(&item)?;
    let names: Vec<String> = new
        .element
        .children
        .iter()
        .map(|c| c.name.clone())
        .collect();
    for name in names {
        item.touch(&name, change);
    }
    Ok(item)
}

/// One `CreateItemResponseMessage` content: the new item's id (none for sent messages).
pub(super) fn create(
    ctx: &mut Context<'_>,
    create: &Create<'_>,
    new: &NewItem,
) -> Result<String, MessageError> {
    if RESPONSE_OBJECTS.contains(&new.kind.element()) {
        return Err(MessageError::new(
            "ErrorInvalidItemForOperationCreateItem",
            &format!(
                "The fake Exchange server does not carry out {}.",
                new.kind.element()
            ),
        ));
    }
    let is_message = new.kind == ItemKind::Message;
    if is_message && create.disposition.is_none() {
        return Err(disposition_required());
    }
    if new.kind == ItemKind::Calendar && create.send_invitations.is_none() {
        return Err(MessageError::new(
            "ErrorSendMeetingInvitationsRequired",
            "SendMeetingInvitations attribute is required for Calendar items.",
        ));
    }
    let disposition = create.disposition.unwrap_or("SaveOnly");
    let sending = is_message && disposition != "SaveOnly";
    let class = new
        .element
        .child(TYPES, "ItemClass")
        .map_or(new.kind.default_class(), |c| c.text().trim());
    let default = if sending {
        "sentitems"
    } else {
        new.kind.default_folder(class)
    };
    let (mailbox, folder) = resolve_folder(ctx, create.folder, default)?;
    let item = build(ctx, new, folder)?;
    if sending {
        if let Some(copy) = send_with(ctx, mailbox, item, disposition)? {
            ctx.store.insert(mailbox, copy);
        }
        // Exchange returns no ids for messages it sends.
        return Ok("<m:Items/>".to_owned());
    }
    let xml = item_xml::item_id_only(mailbox, &item);
    ctx.store.insert(mailbox, item);
    Ok(format!("<m:Items>{xml}</m:Items>"))
}

/// The addresses of a message's recipients.
fn recipients(item: &StoredItem) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for list in ["ToRecipients", "CcRecipients", "BccRecipients"] {
        let Some(list) = item.prop(list) else {
            continue;
        };
        for mailbox in &list.children {
            if let Some(address) = mailbox.child(TYPES, "EmailAddress") {
                let address = address.text().trim().to_owned();
                if !address.is_empty() && !out.iter().any(|a| a.eq_ignore_ascii_case(&address)) {
                    out.push(address);
                }
            }
        }
    }
    out
}

/// Sends a message from `mailbox` as `disposition` (`SendOnly` or `SendAndSaveCopy`) says:
/// the copy to keep, marked read, for `SendAndSaveCopy`.
pub(super) fn send_with(
    ctx: &mut Context<'_>,
    mailbox: usize,
    mut item: StoredItem,
    disposition: &str,
) -> Result<Option<StoredItem>, MessageError> {
    send(ctx, mailbox, &item)?;
    if disposition != "SendAndSaveCopy" {
        return Ok(None);
    }
    item.set_prop(Element::new(TYPES, "IsRead", "true"));
    item.set_prop(sent_at(ctx));
    Ok(Some(item))
}

/// Sends a message from `mailbox`: records it and delivers a copy to the inbox of every
/// recipient that is a mailbox of the fake.
pub(super) fn send(
    ctx: &mut Context<'_>,
    mailbox: usize,
    item: &StoredItem,
) -> Result<(), MessageError> {
    let recipients = recipients(item);
    if recipients.is_empty() {
        return Err(MessageError::new(
            "ErrorInvalidRecipients",
            "At least one recipient isn't valid.",
        ));
    }
    ctx.store.sent.push(Sent {
        mailbox,
        item: item.clone(),
    });
    let inbox = folder_tree::INBOX;
    let sender = ctx.directory.smtp(mailbox).to_owned();
    for address in recipients {
        let Some(target) = ctx.directory.mailbox(&address) else {
            continue;
        };
        let mut copy = item.clone();
        copy.key = *uuid::Uuid::new_v4().as_bytes();
        copy.new_version(ctx.store.next_change(), ctx.now, &[]);
        copy.folder = inbox;
        copy.created = ctx.now;
        copy.set_prop(Element::new(TYPES, "IsRead", "false"));
        copy.set_prop(sent_at(ctx));
        if copy.prop("From").is_none() {
            copy.set_prop(seed::mailbox("From", &sender, &sender));
        }
        ctx.store.insert(target, copy);
    }
    Ok(())
}

/// `DateTimeSent` of a message sent now (the server sets it; clients cannot).
fn sent_at(ctx: &Context<'_>) -> Element {
    Element::new(TYPES, "DateTimeSent", &datetime::format(ctx.now))
}

fn cancellations_required() -> MessageError {
    MessageError::new(
        "ErrorSendMeetingCancellationsRequired",
        "SendMeetingCancellations attribute is required for Calendar items.",
    )
}

/// The error Exchange gives for a time zone it does not know.
pub(super) fn check_zone(item: &StoredItem) -> Result<(), MessageError> {
    if item.kind == ItemKind::Calendar && series::zone_of(item).is_none() {
        return Err(MessageError::new(
            "ErrorTimeZone",
            "The time zone isn't valid.",
        ));
    }
    Ok(())
}

/// The arguments of `DeleteItem` that apply to every item.
pub(super) struct Delete<'a> {
    /// `DeleteType`.
    pub(super) delete_type: &'a str,
    /// `SendMeetingCancellations`.
    pub(super) send_cancellations: Option<&'a str>,
    /// `AffectedTaskOccurrences`.
    pub(super) task_occurrences: Option<&'a str>,
}

/// One `DeleteItemResponseMessage` (no content).
pub(super) fn delete(
    ctx: &mut Context<'_>,
    id: &ItemRef,
    delete: &Delete<'_>,
) -> Result<String, MessageError> {
    let (mailbox, key) = match resolve_target(ctx, id)? {
        Target::Item(mailbox, key) => (mailbox, key),
        Target::Occurrence(mailbox, key, index) => {
            if delete.send_cancellations.is_none() {
                return Err(cancellations_required());
            }
            occurrences::delete(ctx, mailbox, &key, index)?;
            return Ok(String::new());
        }
    };
    let item = ctx
        .store
        .item(mailbox, &key)
        .ok_or_else(super::item_not_found)?;
    if item.kind == ItemKind::Calendar && delete.send_cancellations.is_none() {
        return Err(cancellations_required());
    }
    if item.kind == ItemKind::Task && delete.task_occurrences.is_none() {
        return Err(MessageError::new(
            "ErrorAffectedTaskOccurrencesRequired",
            "AffectedTaskOccurrences attribute is required for Task items.",
        ));
    }
    let deleted_items = folder_tree::DELETED_ITEMS;
    if delete.delete_type == "MoveToDeletedItems" && item.folder != deleted_items {
        let change = ctx.store.next_change();
        if let Some(item) = ctx.store.item_mut(mailbox, &key) {
            // A move gives the item a new id, as on Exchange.
            item.key = *uuid::Uuid::new_v4().as_bytes();
            item.folder = deleted_items;
            item.new_version(change, ctx.now, &[]);
        }
    } else {
        // Soft-deleted items go to the recoverable items, which the fake does not model.
        ctx.store.remove(mailbox, &key);
    }
    Ok(String::new())
}
