//! Calendar items as read from and written to Exchange.

use chrono::{DateTime, Utc};

use super::calendar_parts::{FreeBusyStatus, ItemTimeZone, LegacyTimeZone, Occurrence, Reminder};
use crate::calendar::{Attendee, Recurrence, ResponseType};
use crate::decoded::Node;
use crate::items::{Importance, Sensitivity};
use crate::types::{FolderId, ItemId};

/// A calendar item (appointment or meeting) as Exchange returns it.
///
/// Build one in tests with `..Default::default()`; fields Exchange did not send keep their
/// defaults. Child elements the reader does not model are kept in
/// [`unmodelled`](Self::unmodelled), so nothing the server sent is lost.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CalendarItem {
    /// The id and change key.
    pub id: ItemId,
    /// The subject (empty when the item has none: Exchange then leaves the element out).
    pub subject: String,
    /// The start.
    pub start: DateTime<Utc>,
    /// The end.
    pub end: DateTime<Utc>,
    /// Whether the item is an all-day event.
    pub is_all_day: bool,
    /// The location as free text.
    pub location: Option<String>,
    /// The body (only `GetItem` returns it; `FindItem` cannot).
    pub body: Option<Body>,
    /// The organizer.
    pub organizer: Option<Mailbox>,
    /// The iCalendar UID, shared by all copies of a meeting.
    pub uid: Option<String>,
    /// The message class (`IPM.Appointment`, …).
    pub item_class: Option<String>,
    /// `Single`, `Occurrence`, `Exception` or `RecurringMaster`.
    pub calendar_item_type: Option<String>,
    /// Whether the item is a meeting (has attendees) rather than an appointment.
    pub is_meeting: bool,
    /// Whether the meeting was cancelled.
    pub is_cancelled: bool,
    /// Whether the item belongs to a recurring series.
    pub is_recurring: bool,
    /// The free/busy status (`Free`, `Tentative`, `Busy`, `OOF`, `WorkingElsewhere`, `NoData`).
    pub free_busy_status: Option<String>,
    /// The mailbox owner's response (`Organizer`, `Accept`, `Tentative`, `Decline`, …).
    pub my_response_type: Option<String>,
    /// When the item was last changed.
    pub last_modified: Option<DateTime<Utc>>,
    /// Who changed the item last (display name).
    pub last_modified_name: Option<String>,
    /// The folder holding the item.
    pub parent_folder_id: Option<FolderId>,
    /// How private the item is.
    pub sensitivity: Option<Sensitivity>,
    /// How important the item is.
    pub importance: Option<Importance>,
    /// The categories (colour labels), in the server's order.
    pub categories: Vec<String>,
    /// When the item was created.
    pub date_time_created: Option<DateTime<Utc>>,
    /// When the item arrived in the mailbox.
    pub date_time_received: Option<DateTime<Utc>>,
    /// The size in bytes.
    pub size: Option<u64>,
    /// The reminder.
    pub reminder: Reminder,
    /// The display names of the `To` recipients (required attendees), `;`-separated.
    pub display_to: Option<String>,
    /// The display names of the `Cc` recipients (optional attendees), `;`-separated.
    pub display_cc: Option<String>,
    /// Whether the item has attachments.
    pub has_attachments: bool,
    /// What the item says of each attachment (not the content), when the shape asked for
    /// `item:Attachments` (`GetItem` with the default shape sends them).
    pub attachments: Vec<crate::attachments::AttachmentSummary>,
    /// The culture of the item (`en-US`).
    pub culture: Option<String>,
    /// What the mailbox owner may do with the item: the names of `ResponseObjects`' children
    /// (`AcceptItem`, `DeclineItem`, `ForwardItem`, …).
    pub response_objects: Vec<String>,
    /// The start of an occurrence as the series defines it (occurrences and exceptions).
    pub original_start: Option<DateTime<Utc>>,
    /// Whether the meeting request was sent.
    pub meeting_request_was_sent: bool,
    /// Whether the organizer asks for responses.
    pub is_response_requested: Option<bool>,
    /// The required attendees.
    pub required_attendees: Vec<Attendee>,
    /// The optional attendees.
    pub optional_attendees: Vec<Attendee>,
    /// The resources (rooms, equipment).
    pub resources: Vec<Attendee>,
    /// How many meetings conflict with this one.
    pub conflicting_meeting_count: Option<u32>,
    /// How many meetings are adjacent to this one.
    pub adjacent_meeting_count: Option<u32>,
    /// The duration as Exchange states it (`PT1H30M`); `end - start` is the same span.
    pub duration: Option<String>,
    /// The time zone as display text (`(UTC+01:00) Amsterdam, Berlin, …`).
    pub time_zone: Option<String>,
    /// When the mailbox owner last answered.
    pub appointment_reply_time: Option<DateTime<Utc>>,
    /// The sequence number of the meeting's versions.
    pub appointment_sequence_number: Option<i32>,
    /// The appointment state flags (1: meeting, 2: received, 4: cancelled).
    pub appointment_state: Option<i32>,
    /// How the series repeats (recurring masters only).
    pub recurrence: Option<Recurrence>,
    /// The first occurrence of a series.
    pub first_occurrence: Option<Occurrence>,
    /// The last occurrence of a series.
    pub last_occurrence: Option<Occurrence>,
    /// The occurrences changed from what the series defines (exceptions).
    pub modified_occurrences: Vec<Occurrence>,
    /// The starts of the occurrences deleted from the series.
    pub deleted_occurrences: Vec<DateTime<Utc>>,
    /// The time zone of an Exchange 2007 item (`MeetingTimeZone`).
    pub meeting_time_zone: Option<LegacyTimeZone>,
    /// The time zone of the start (Exchange 2010 and later).
    pub start_time_zone: Option<ItemTimeZone>,
    /// The time zone of the end (Exchange 2010 and later).
    pub end_time_zone: Option<ItemTimeZone>,
    /// The conference type (0: NetMeeting, 1: NetShow, 2: chat).
    pub conference_type: Option<i32>,
    /// Whether attendees may propose a new time.
    pub allow_new_time_proposal: Option<bool>,
    /// Whether the meeting is an online meeting.
    pub is_online_meeting: bool,
    /// The URL to join the online meeting (Exchange 2013 and later).
    pub join_online_meeting_url: Option<String>,
    /// Whether the mailbox owner organizes the meeting (Exchange 2013 and later).
    pub is_organizer: Option<bool>,
    /// The extended (MAPI) properties the shape asked for.
    pub extended_properties: Vec<crate::items::ExtendedProperty>,
    /// The child elements the reader does not model, in document order.
    pub unmodelled: Vec<Node>,
}

impl CalendarItem {
    /// The free/busy status as a typed value; `None` when absent or unknown to this crate.
    pub fn free_busy(&self) -> Option<FreeBusyStatus> {
        self.free_busy_status
            .as_deref()
            .and_then(FreeBusyStatus::parse)
    }

    /// The mailbox owner's response as a typed value; `None` when absent or unknown.
    pub fn my_response(&self) -> Option<ResponseType> {
        self.my_response_type
            .as_deref()
            .and_then(ResponseType::parse)
    }

    /// Whether the item is the master of a recurring series (it carries the recurrence).
    pub fn is_recurring_master(&self) -> bool {
        self.calendar_item_type.as_deref() == Some("RecurringMaster")
    }

    /// Every attendee: required, then optional, then resources.
    pub fn attendees(&self) -> impl Iterator<Item = &Attendee> {
        self.required_attendees
            .iter()
            .chain(&self.optional_attendees)
            .chain(&self.resources)
    }
}

/// The body of an item.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Body {
    /// Plain text or HTML.
    pub kind: BodyType,
    /// The text or the HTML source.
    pub content: String,
}

impl Body {
    /// A plain-text body.
    pub fn text(content: impl Into<String>) -> Self {
        Self {
            kind: BodyType::Text,
            content: content.into(),
        }
    }

    /// An HTML body.
    pub fn html(content: impl Into<String>) -> Self {
        Self {
            kind: BodyType::Html,
            content: content.into(),
        }
    }
}

/// The format of a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BodyType {
    /// Plain text.
    #[default]
    Text,
    /// HTML.
    Html,
}

impl BodyType {
    /// The `BodyType` attribute value (`Text` or `HTML`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "Text",
            Self::Html => "HTML",
        }
    }
}

/// A mailbox: a display name, an address and how mail reaches it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Mailbox {
    /// The display name.
    pub name: Option<String>,
    /// The address: SMTP, or an Exchange legacy DN (`/O=…`) for `EX` routing.
    pub email: Option<String>,
    /// `RoutingType` (`SMTP`, `EX`), when the server sent it.
    pub routing_type: Option<String>,
    /// `MailboxType` (`Mailbox`, `PublicDL`, `Contact`, …), when the server sent it.
    pub mailbox_type: Option<String>,
}

/// The calendar items of a time range (`FindItem` with a `CalendarView`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CalendarView {
    /// The items, recurring series expanded into their occurrences.
    pub items: Vec<CalendarItem>,
    /// Whether the view holds every item of the range; `false` when `max_entries` cut it
    /// short.
    pub includes_last_item_in_range: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_know_their_kind() {
        assert_eq!(Body::text("a").kind.as_str(), "Text");
        assert_eq!(Body::html("<b>a</b>").kind.as_str(), "HTML");
        assert_eq!(Body::default().kind, BodyType::Text);
    }

    #[test]
    fn calendar_items_have_defaults_for_absent_fields() {
        let item = CalendarItem {
            subject: "Review".into(),
            ..Default::default()
        };
        assert_eq!(item.start, DateTime::<Utc>::UNIX_EPOCH);
        assert_eq!((item.free_busy(), item.my_response()), (None, None));
        assert!(!item.is_recurring_master());
        let item = CalendarItem {
            free_busy_status: Some("OOF".into()),
            my_response_type: Some("Decline".into()),
            calendar_item_type: Some("RecurringMaster".into()),
            required_attendees: vec![Attendee::smtp("a@contoso.test")],
            resources: vec![Attendee::smtp("room@contoso.test")],
            ..item
        };
        assert_eq!(item.free_busy(), Some(FreeBusyStatus::OutOfOffice));
        assert_eq!(item.my_response(), Some(ResponseType::Decline));
        assert!(item.is_recurring_master());
        assert_eq!(item.attendees().count(), 2);
        assert!(item.organizer.is_none());
        assert!(!item.is_all_day);
    }
}
