//! Reading items of every kind: the choice of a kind's reader, the properties every kind
//! shares (`t:ItemType`) and the small readers the kinds' readers use.

use super::calendar::calendar_item;
use super::calendar_values::mailbox;
use super::contact::contact;
use super::item_values::{attachments, extended_property};
use super::message::{meeting_cancellation, meeting_request, meeting_response, message};
use super::task::task;
use crate::decoded::Node;
use crate::items::{Body, BodyType, GenericItem, Importance, Mailbox, Reminder, Sensitivity};
use crate::operations::folders::folder_xml::folder_id;
use crate::operations::reading::{self, choice, count, date_time, free_text, invalid, text};
use crate::types::ItemProperties;
use crate::xml::Element;
use crate::{EwsError, Item, ItemId};

/// The children of `t:ItemType` read into [`ItemProperties`].
pub(crate) const ITEM_CHILDREN: &[&str] = &[
    "ItemId",
    "ParentFolderId",
    "ItemClass",
    "Subject",
    "Sensitivity",
    "Body",
    "Attachments",
    "DateTimeReceived",
    "Size",
    "Categories",
    "Importance",
    "DateTimeSent",
    "DateTimeCreated",
    "ReminderDueBy",
    "ReminderIsSet",
    "ReminderMinutesBeforeStart",
    "HasAttachments",
    "ExtendedProperty",
    "Culture",
    "LastModifiedTime",
];

/// Reads an item element of any kind into the struct of its kind.
pub(crate) fn item(e: &Element) -> Result<Item, EwsError> {
    Ok(match e.name() {
        // A shape without the times (`IdOnly`, a few chosen properties) still reads: the
        // item is kept whole rather than refused.
        "CalendarItem" if e.child("Start").is_none() || e.child("End").is_none() => {
            Item::Other(generic(e)?)
        }
        "CalendarItem" => Item::Calendar(calendar_item(e)?),
        "Contact" => Item::Contact(contact(e)?),
        "Task" => Item::Task(task(e)?),
        "Message" => {
            let message = message(e)?;
            if message.is_note() {
                Item::Note(message)
            } else {
                Item::Message(message)
            }
        }
        "MeetingRequest" => Item::MeetingRequest(meeting_request(e)?),
        "MeetingResponse" => Item::MeetingResponse(meeting_response(e)?),
        "MeetingCancellation" => Item::MeetingCancellation(meeting_cancellation(e)?),
        _ => Item::Other(generic(e)?),
    })
}

/// An item kept whole: its id, its element name and everything in it.
pub(crate) fn generic(e: &Element) -> Result<GenericItem, EwsError> {
    Ok(GenericItem {
        id: item_id(e.required_child("ItemId")?)?,
        kind: e.name().to_owned(),
        node: Node::from(e),
    })
}

/// Reads the properties every item kind shares. The id is required.
pub(crate) fn item_properties(e: &Element) -> Result<ItemProperties, EwsError> {
    Ok(ItemProperties {
        id: item_id(e.required_child("ItemId")?)?,
        parent_folder_id: e.child("ParentFolderId").map(folder_id).transpose()?,
        item_class: text(e, "ItemClass"),
        subject: free_text(e, "Subject"),
        sensitivity: choice(e, "Sensitivity", Sensitivity::parse, "a sensitivity")?,
        body: e.child("Body").map(body).transpose()?,
        attachments: e
            .child("Attachments")
            .map(attachments)
            .transpose()?
            .unwrap_or_default(),
        date_time_received: date_time(e, "DateTimeReceived")?,
        size: count(e, "Size")?.map(u64::from),
        categories: strings(e, "Categories"),
        importance: choice(e, "Importance", Importance::parse, "an importance")?,
        date_time_sent: date_time(e, "DateTimeSent")?,
        date_time_created: date_time(e, "DateTimeCreated")?,
        reminder: Reminder {
            is_set: reading::boolean(e, "ReminderIsSet")?.unwrap_or(false),
            minutes_before_start: count(e, "ReminderMinutesBeforeStart")?,
            due_by: date_time(e, "ReminderDueBy")?,
        },
        has_attachments: reading::boolean(e, "HasAttachments")?,
        extended_properties: e
            .children()
            .iter()
            .filter(|c| c.name() == "ExtendedProperty")
            .map(extended_property)
            .collect::<Result<_, _>>()?,
        culture: text(e, "Culture"),
        last_modified: date_time(e, "LastModifiedTime")?,
    })
}

/// The children of `e` that neither [`item_properties`] nor the lists `read` name, in
/// document order.
pub(crate) fn unread(e: &Element, read: &[&[&str]]) -> Vec<Node> {
    e.children()
        .iter()
        .filter(|c| {
            !ITEM_CHILDREN.contains(&c.name()) && !read.iter().any(|l| l.contains(&c.name()))
        })
        .map(Node::from)
        .collect()
}

/// The `t:String` entries of a child `t:ArrayOfStringsType`, blank ones left out.
pub(crate) fn strings(e: &Element, name: &str) -> Vec<String> {
    e.child(name)
        .map(|list| {
            list.children()
                .iter()
                .filter(|s| s.name() == "String" && !s.text().trim().is_empty())
                .map(|s| s.text().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The mailbox of a child `t:SingleRecipientType` (`From`, `Sender`, …).
pub(crate) fn single_mailbox(e: &Element, name: &str) -> Option<Mailbox> {
    e.child(name).and_then(|r| r.child("Mailbox")).map(mailbox)
}

/// The mailboxes of a child `t:ArrayOfRecipientsType` (`ToRecipients`, …).
pub(crate) fn mailboxes(e: &Element, name: &str) -> Vec<Mailbox> {
    e.child(name)
        .map(|list| {
            list.children()
                .iter()
                .filter(|m| m.name() == "Mailbox")
                .map(mailbox)
                .collect()
        })
        .unwrap_or_default()
}

/// A child id element (`ConversationId`, `AssociatedCalendarItemId`); `None` when absent.
pub(crate) fn optional_id(e: &Element, name: &str) -> Result<Option<ItemId>, EwsError> {
    e.child(name).map(item_id).transpose()
}

/// Reads a `t:Body` (`t:BodyType`): its format and text.
pub(crate) fn body(e: &Element) -> Result<Body, EwsError> {
    let kind = match e.attribute("BodyType").map(str::trim) {
        None | Some("Text") => BodyType::Text,
        Some("HTML") => BodyType::Html,
        Some(other) => return Err(invalid("Body@BodyType", other, "Text or HTML")),
    };
    Ok(Body {
        kind,
        content: e.text().to_owned(),
    })
}

/// Reads a `t:ItemId` (its `Id` attribute is required, the `ChangeKey` optional).
pub(crate) fn item_id(e: &Element) -> Result<ItemId, EwsError> {
    item_id_from(e, "Id", "ChangeKey")
}

/// Reads an item id held in the attributes `id_attribute` (required) and `key_attribute`
/// (optional) of `e`, as `t:RootItemId` holds it in `RootItemId` and `RootItemChangeKey`.
pub(crate) fn item_id_from(
    e: &Element,
    id_attribute: &str,
    key_attribute: &str,
) -> Result<ItemId, EwsError> {
    let id = e
        .attribute(id_attribute)
        .filter(|id| !id.trim().is_empty())
        .ok_or_else(|| EwsError::MissingElement {
            element: format!("@{id_attribute}"),
            parent: e.name().to_owned(),
        })?;
    Ok(ItemId {
        id: id.to_owned(),
        change_key: e
            .attribute(key_attribute)
            .filter(|k| !k.is_empty())
            .map(str::to_owned),
    })
}
