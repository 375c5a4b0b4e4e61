//! Reading items of every kind: the choice of a kind's reader, the properties every kind
//! shares (`t:ItemType`) and the small readers the kinds' readers use.

use chrono::{DateTime, Utc};

use super::calendar_item::{calendar_item, item_id};
use super::calendar_values::mailbox;
use super::contact_xml::contact;
use super::item_values::{attachments, extended_property};
use super::message_xml::{meeting_cancellation, meeting_request, meeting_response, message};
use super::reading;
use super::task_xml::task;
use super::GenericItem;
use crate::soap::cut;
use crate::types::ItemProperties;
use crate::xml::{parse_date_time, Element};
use crate::{
    Body, BodyType, EwsError, FolderId, Importance, Item, ItemId, Mailbox, Node, Reminder,
    Sensitivity,
};

/// The children of `t:ItemType` read into [`ItemProperties`].
pub(super) const ITEM_CHILDREN: &[&str] = &[
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
fn generic(e: &Element) -> Result<GenericItem, EwsError> {
    Ok(GenericItem {
        id: item_id(e.required_child("ItemId")?)?,
        kind: e.name().to_owned(),
        node: Node::from(e),
    })
}

/// Reads the properties every item kind shares. The id is required.
pub(super) fn item_properties(e: &Element) -> Result<ItemProperties, EwsError> {
    Ok(ItemProperties {
        id: item_id(e.required_child("ItemId")?)?,
        parent_folder_id: e
            .child("ParentFolderId")
            .map(|f| {
                item_id(f).map(|id| FolderId {
                    id: id.id,
                    change_key: id.change_key,
                })
            })
            .transpose()?,
        item_class: trimmed(e, "ItemClass"),
        subject: text(e, "Subject"),
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
        culture: trimmed(e, "Culture"),
        last_modified: date_time(e, "LastModifiedTime")?,
    })
}

/// The children of `e` that neither [`item_properties`] nor the lists `read` name, in
/// document order.
pub(super) fn unread(e: &Element, read: &[&[&str]]) -> Vec<Node> {
    e.children()
        .iter()
        .filter(|c| {
            !ITEM_CHILDREN.contains(&c.name()) && !read.iter().any(|l| l.contains(&c.name()))
        })
        .map(Node::from)
        .collect()
}

/// The text of a child as sent (free text keeps its spaces); `None` when absent or blank.
pub(super) fn text(e: &Element, name: &str) -> Option<String> {
    e.child_text(name)
        .filter(|t| !t.trim().is_empty())
        .map(str::to_owned)
}

/// The trimmed text of a child (ids, classes, codes); `None` when absent or blank.
pub(super) fn trimmed(e: &Element, name: &str) -> Option<String> {
    reading::text(e, name)
}

/// A child `xs:dateTime`; `None` when absent.
pub(super) fn date_time(e: &Element, name: &str) -> Result<Option<DateTime<Utc>>, EwsError> {
    e.child(name)
        .map(|c| parse_date_time(c.text()).ok_or_else(|| invalid(name, c.text(), "an xs:dateTime")))
        .transpose()
}

/// A child `xs:int` that cannot be negative (sizes, minutes); `None` when absent.
pub(super) fn count(e: &Element, name: &str) -> Result<Option<u32>, EwsError> {
    e.child(name)
        .map(|c| {
            let t = c.text().trim();
            t.parse::<u32>()
                .ok()
                .filter(|n| *n <= i32::MAX as u32 && !t.starts_with('+'))
                .ok_or_else(|| invalid(name, c.text(), "a whole number from 0 to 2147483647"))
        })
        .transpose()
}

/// A child holding one value of a closed list; `None` when absent.
pub(super) fn choice<T>(
    e: &Element,
    name: &str,
    parse: fn(&str) -> Option<T>,
    expected: &'static str,
) -> Result<Option<T>, EwsError> {
    e.child(name)
        .map(|c| parse(c.text()).ok_or_else(|| invalid(name, c.text(), expected)))
        .transpose()
}

/// The `t:String` entries of a child `t:ArrayOfStringsType`, blank ones left out.
pub(super) fn strings(e: &Element, name: &str) -> Vec<String> {
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
pub(super) fn single_mailbox(e: &Element, name: &str) -> Option<Mailbox> {
    e.child(name).and_then(|r| r.child("Mailbox")).map(mailbox)
}

/// The mailboxes of a child `t:ArrayOfRecipientsType` (`ToRecipients`, …).
pub(super) fn mailboxes(e: &Element, name: &str) -> Vec<Mailbox> {
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
pub(super) fn optional_id(e: &Element, name: &str) -> Result<Option<ItemId>, EwsError> {
    e.child(name).map(item_id).transpose()
}

/// The error for a value of the wrong kind.
pub(super) fn invalid(element: &str, value: &str, expected: &'static str) -> EwsError {
    EwsError::InvalidValue {
        element: element.to_owned(),
        value: cut(value),
        expected,
    }
}

/// Reads a `t:Body` (`t:BodyType`): its format and text.
fn body(e: &Element) -> Result<Body, EwsError> {
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
