//! Generated items that a [`crate::FakeExchangeBuilder`] puts into mailboxes at the start.

use chrono::{DateTime, Duration, Utc};

use crate::dom::Element;
use crate::item::StoredItem;
use crate::kind::ItemKind;
use crate::request::TYPES;
use crate::store::new_uid;

/// The kind of items [`crate::FakeExchangeBuilder::seed_items`] generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SeedKind {
    /// Calendar items (`t:CalendarItem`), one hour each, a day apart from the creation time.
    Calendar,
    /// Contacts (`t:Contact`) with a name, `EmailAddress1` and a business phone number.
    Contact,
    /// Tasks (`t:Task`), not started.
    Task,
    /// Received messages (`t:Message`), unread, from `sender{i}@fabrikam.test`.
    Message,
    /// Sticky notes (`t:Message` of class `IPM.StickyNote`).
    Note,
}

impl SeedKind {
    /// The word used in generated subjects.
    fn word(self) -> &'static str {
        match self {
            Self::Calendar => "appointment",
            Self::Contact => "contact",
            Self::Task => "task",
            Self::Message => "message",
            Self::Note => "note",
        }
    }
}

/// What a seed generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pattern {
    /// Items of a kind ([`crate::FakeExchangeBuilder::seed_items`]).
    Kind(SeedKind),
    /// Calendar items titled `Seeded item {i}`, 30 minutes long, starting at
    /// `start + i * spacing` ([`crate::FakeExchangeBuilder::seed_calendar`]).
    Spaced {
        /// The start of the first item.
        start: DateTime<Utc>,
        /// The time between the starts of consecutive items.
        spacing: Duration,
    },
}

impl From<SeedKind> for Pattern {
    fn from(kind: SeedKind) -> Self {
        Self::Kind(kind)
    }
}

/// Generated items to put into a mailbox folder at the start.
#[derive(Debug)]
pub(crate) struct Seed {
    /// The mailbox.
    pub(crate) smtp: String,
    /// The distinguished folder name.
    pub(crate) folder: String,
    /// What to generate.
    pub(crate) pattern: Pattern,
    /// How many.
    pub(crate) count: usize,
}

fn text(name: &str, value: &str) -> Element {
    Element::new(TYPES, name, value)
}

/// A single-mailbox element such as `From`: `list` holding a `Mailbox` with `name` and
/// `address`.
pub(crate) fn mailbox(list: &str, name: &str, address: &str) -> Element {
    Element::new(TYPES, list, "").with_child(
        Element::new(TYPES, "Mailbox", "")
            .with_child(text("Name", name))
            .with_child(text("EmailAddress", address)),
    )
}

/// Item `i` of a seed, in `folder`: titled `Seeded {kind} {i}` for a [`Pattern::Kind`],
/// `Seeded item {i}` for a [`Pattern::Spaced`].
pub(crate) fn generate(
    pattern: impl Into<Pattern>,
    i: usize,
    folder: usize,
    change: u64,
    now: DateTime<Utc>,
) -> StoredItem {
    let kind = match pattern.into() {
        Pattern::Kind(kind) => kind,
        Pattern::Spaced { start, spacing } => {
            let mut item = StoredItem::new(ItemKind::Calendar, folder, change, now);
            item.subject = Some(format!("Seeded item {i}"));
            item.uid = new_uid();
            item.start = start + spacing * i32::try_from(i).unwrap_or(i32::MAX);
            item.end = item.start + Duration::minutes(30);
            return item;
        }
    };
    let item_kind = match kind {
        SeedKind::Calendar => ItemKind::Calendar,
        SeedKind::Contact => ItemKind::Contact,
        SeedKind::Task => ItemKind::Task,
        SeedKind::Message | SeedKind::Note => ItemKind::Message,
    };
    let mut item = StoredItem::new(item_kind, folder, change, now);
    item.subject = Some(format!("Seeded {} {i}", kind.word()));
    match kind {
        SeedKind::Calendar => {
            item.uid = new_uid();
            let days = i64::try_from(i).unwrap_or(i64::MAX / 2);
            item.start = now + Duration::days(days.min(100_000));
            item.end = item.start + Duration::hours(1);
        }
        SeedKind::Contact => {
            item.set_prop(text("DisplayName", &format!("Contact {i}")));
            item.set_prop(text("GivenName", "Contact"));
            item.set_prop(
                Element::new(TYPES, "EmailAddresses", "").with_child(
                    text("Entry", &format!("contact{i}@fabrikam.test"))
                        .with_attr("Key", "EmailAddress1"),
                ),
            );
            item.set_prop(
                Element::new(TYPES, "PhoneNumbers", "").with_child(
                    text("Entry", &format!("+1 555 01{:02}", i % 100))
                        .with_attr("Key", "BusinessPhone"),
                ),
            );
            item.set_prop(text("Surname", &i.to_string()));
        }
        SeedKind::Task => {
            item.set_prop(text("Status", "NotStarted"));
        }
        SeedKind::Message => {
            let sender = format!("sender{i}@fabrikam.test");
            item.set_prop(mailbox("From", &sender, &sender));
            item.set_prop(text("IsRead", "false"));
        }
        SeedKind::Note => item.class = "IPM.StickyNote".to_owned(),
    }
    item
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_items_have_their_kind_and_properties() {
        let now = Utc::now();
        let contact = generate(SeedKind::Contact, 3, 4, 1, now);
        assert_eq!(contact.kind, ItemKind::Contact);
        assert_eq!(contact.subject.as_deref(), Some("Seeded contact 3"));
        assert!(contact.prop("EmailAddresses").is_some());
        let note = generate(SeedKind::Note, 0, 6, 2, now);
        assert_eq!(note.class, "IPM.StickyNote");
        let message = generate(SeedKind::Message, 1, 2, 3, now);
        assert!(!message.is_read());
        let appointment = generate(SeedKind::Calendar, usize::MAX, 3, 4, now);
        assert!(appointment.end > appointment.start);
        assert_eq!(generate(SeedKind::Task, 0, 5, 5, now).kind, ItemKind::Task);
    }

    #[test]
    fn spaced_items_are_half_hour_appointments_a_spacing_apart() {
        let now = Utc::now();
        let pattern = Pattern::Spaced {
            start: now,
            spacing: Duration::hours(2),
        };
        let item = generate(pattern, 2, 3, 1, now);
        assert_eq!(item.kind, ItemKind::Calendar);
        assert_eq!(item.subject.as_deref(), Some("Seeded item 2"));
        assert_eq!(item.start, now + Duration::hours(4));
        assert_eq!(item.end, item.start + Duration::minutes(30));
    }
}
