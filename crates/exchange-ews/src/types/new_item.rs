//! An item to create, of any kind.

use crate::calendar::NewCalendarItem;
use crate::items::{NewContact, NewMessage, NewNote, NewTask};
use crate::operations::{
    check_new_contact, check_new_message, check_new_note, check_new_task, write_new_contact,
    write_new_message, write_new_note, write_new_task,
};
use crate::xml::XmlWriter;
use crate::{EwsError, ExchangeVersion};

/// An item to create with [`CreateItems`](crate::items::CreateItems).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NewItem {
    /// An appointment or meeting.
    Calendar(NewCalendarItem),
    /// A contact.
    Contact(NewContact),
    /// A task.
    Task(NewTask),
    /// An e-mail message.
    Message(NewMessage),
    /// A sticky note (written as a `t:Message` of item class `IPM.StickyNote`).
    Note(NewNote),
}

impl NewItem {
    /// The element the item is written as (`CalendarItem`, `Contact`, …).
    pub fn element_name(&self) -> &'static str {
        match self {
            Self::Calendar(_) => "CalendarItem",
            Self::Contact(_) => "Contact",
            Self::Task(_) => "Task",
            Self::Message(_) | Self::Note(_) => "Message",
        }
    }

    /// Refuses an item `version` cannot store, or one Exchange would refuse, before anything
    /// is sent.
    pub(crate) fn check(&self, version: ExchangeVersion) -> Result<(), EwsError> {
        match self {
            Self::Calendar(item) => crate::operations::check_calendar_item(item, version),
            Self::Contact(contact) => check_new_contact(contact),
            Self::Task(task) => check_new_task(task),
            Self::Message(message) => check_new_message(message),
            Self::Note(note) => check_new_note(note),
        }
    }

    /// Writes the item element, its properties in schema order.
    pub(crate) fn write(&self, w: &mut XmlWriter, version: ExchangeVersion) {
        match self {
            Self::Calendar(item) => crate::operations::write_calendar_item(w, version, item),
            Self::Contact(contact) => write_new_contact(w, contact),
            Self::Task(task) => write_new_task(w, version, task),
            Self::Message(message) => write_new_message(w, message),
            Self::Note(note) => write_new_note(w, note),
        }
    }
}

impl From<NewCalendarItem> for NewItem {
    fn from(item: NewCalendarItem) -> Self {
        Self::Calendar(item)
    }
}

impl From<NewContact> for NewItem {
    fn from(contact: NewContact) -> Self {
        Self::Contact(contact)
    }
}

impl From<NewTask> for NewItem {
    fn from(task: NewTask) -> Self {
        Self::Task(task)
    }
}

impl From<NewMessage> for NewItem {
    fn from(message: NewMessage) -> Self {
        Self::Message(message)
    }
}

impl From<NewNote> for NewItem {
    fn from(note: NewNote) -> Self {
        Self::Note(note)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::super::field_versions::field_since;
    use super::*;
    use crate::calendar::{Recurrence, RecurrencePattern, RecurrenceRange};
    use crate::items::{
        Body, EmailAddressKey, Importance, Mailbox, PhoneNumberKey, PhysicalAddress,
        PhysicalAddressKey, PostalAddressIndex, Sensitivity, TaskStatus,
    };
    use crate::xml::Element;

    /// An item of each kind this module writes beside calendar items, every field set.
    fn full_items() -> Vec<NewItem> {
        let at = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
        let mut contact = NewContact::new("Ada")
            .with_names("Ada", "Lovelace")
            .with_file_as("Lovelace, Ada")
            .with_job("Engines", "Analyst")
            .with_email_address(EmailAddressKey::EmailAddress1, "ada@contoso.test")
            .with_phone_number(PhoneNumberKey::Pager, "1")
            .with_physical_address(PhysicalAddressKey::Home, PhysicalAddress::default())
            .with_notes(Body::text("n"))
            .with_categories(["c"]);
        contact.middle_name = Some("A".into());
        contact.nickname = Some("N".into());
        contact.department = Some("D".into());
        contact.postal_address_index = Some(PostalAddressIndex::Home);
        contact.birthday = Some(at);
        let task = NewTask::new("T")
            .with_body(Body::text("b"))
            .with_start_date(at)
            .with_due_date(at)
            .with_status(TaskStatus::InProgress)
            .with_percent_complete(5)
            .with_work(1, 2)
            .with_reminder(at)
            .with_importance(Importance::High)
            .with_sensitivity(Sensitivity::Private)
            .with_categories(["c"])
            .with_billing("b", ["c"], "m")
            .with_recurrence(Recurrence {
                pattern: RecurrencePattern::YearlyRegeneration { interval: 1 },
                range: RecurrenceRange::NoEnd {
                    start: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
                },
            });
        let mut message = NewMessage::new("S")
            .with_body(Body::html("<p/>"))
            .to("a@contoso.test")
            .cc("b@contoso.test")
            .bcc("c@contoso.test")
            .with_importance(Importance::Low)
            .with_sensitivity(Sensitivity::Personal)
            .with_categories(["c"])
            .with_read_receipt_requested(true)
            .with_delivery_receipt_requested(true)
            .with_from(Mailbox::default())
            .with_reply_to(vec![Mailbox::default()]);
        message.is_read = Some(false);
        let note = NewNote::new("S", "t").with_categories(["c"]);
        vec![contact.into(), task.into(), message.into(), note.into()]
    }

    #[test]
    fn writes_only_properties_every_version_knows() {
        for version in ExchangeVersion::ALL {
            for item in full_items() {
                let mut w = XmlWriter::default();
                item.write(&mut w, version);
                let xml = w.finish();
                let element = crate::xml::parse(xml.as_bytes()).unwrap();
                assert_eq!(element.name(), item.element_name());
                let prefix = match &item {
                    NewItem::Contact(_) => "contacts",
                    NewItem::Task(_) => "task",
                    _ => "message",
                };
                let written: Vec<&str> = element.children().iter().map(Element::name).collect();
                assert!(written.len() >= 3, "{xml}");
                for name in written {
                    let since = field_since(&format!("item:{name}"))
                        .or_else(|| field_since(&format!("{prefix}:{name}")))
                        .unwrap_or_else(|| panic!("{name} is no known property"));
                    assert!(since <= version, "{version} does not know {name}");
                }
            }
        }
    }
}
