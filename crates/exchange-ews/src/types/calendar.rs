//! Calendar items as read from and written to Exchange.

use chrono::{DateTime, Utc};

use crate::types::ItemId;

/// A calendar item (appointment or meeting) as Exchange returns it.
///
/// Build one in tests with `..Default::default()`; fields Exchange did not send keep their
/// defaults.
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
}

/// A calendar item to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCalendarItem {
    /// The subject.
    pub subject: String,
    /// The start.
    pub start: DateTime<Utc>,
    /// The end (not before the start).
    pub end: DateTime<Utc>,
    /// Whether the item is an all-day event. Exchange moves the start and end of an all-day
    /// event to midnight; the request names UTC as the item's time zone, so midnight means
    /// midnight UTC.
    pub is_all_day: bool,
    /// The location as free text.
    pub location: Option<String>,
    /// The body.
    pub body: Option<Body>,
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
        assert!(item.organizer.is_none());
        assert!(!item.is_all_day);
    }
}
