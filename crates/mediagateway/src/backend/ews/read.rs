//! Typed EWS items → records of the item tables.

use std::collections::BTreeMap;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use exchange_ews::items::{
    Body, BodyType, Contact, EmailAddressKey, ExtendedProperty, ExtendedValue, Item, Mailbox,
    Message, PhoneNumberKey, PhysicalAddressKey, Task, TaskStatus,
};
use exchange_ews::ItemId;
use mediagateway_api::tables::{FieldName, FieldType, MailboxValue, Record, Table, Value};
use mediagateway_api::ApiError;

use super::columns::{hex, local_date, search_key_path, stable_key_path, SEARCH_KEY_PREFIX};
use super::recurrence::from_ews;

/// The values being gathered, by field name.
struct Values<'f> {
    zone: Tz,
    values: BTreeMap<FieldName, Value>,
    /// The fields asked for (every field when empty): the others are not even made.
    wanted: &'f [String],
}

impl Values<'_> {
    fn wants(&self, name: &str) -> bool {
        self.wanted.is_empty() || self.wanted.iter().any(|w| w == name)
    }
    fn put(&mut self, name: &'static str, value: Option<Value>) {
        if let Some(value) = value.filter(|_| self.wants(name)) {
            self.values.insert(name.into(), value);
        }
    }
    fn text(&mut self, name: &'static str, value: Option<&str>) {
        if self.wants(name) {
            self.put(name, value.map(|v| Value::Text(v.to_owned())));
        }
    }
    fn boolean(&mut self, name: &'static str, value: Option<bool>) {
        self.put(name, value.map(Value::Boolean));
    }
    fn instant(&mut self, name: &'static str, value: Option<DateTime<Utc>>) {
        self.put(name, value.map(Value::DateTime));
    }
    fn date(&mut self, name: &'static str, value: Option<DateTime<Utc>>) {
        let zone = self.zone;
        self.put(name, value.map(|v| Value::Date(local_date(v, zone))));
    }
    fn integer(&mut self, name: &'static str, value: Option<u64>) {
        self.put(
            name,
            value
                .and_then(|v| i64::try_from(v).ok())
                .map(Value::Integer),
        );
    }
    fn list(&mut self, name: &'static str, value: &[String]) {
        if !value.is_empty() && self.wants(name) {
            self.put(name, Some(Value::TextList(value.to_vec())));
        }
    }
    fn mailbox(&mut self, name: &'static str, value: Option<&Mailbox>) {
        if self.wants(name) {
            self.put(name, value.and_then(mailbox).map(Value::Mailbox));
        }
    }
    fn mailboxes<'a>(&mut self, name: &'static str, value: impl Iterator<Item = &'a Mailbox>) {
        if !self.wants(name) {
            return;
        }
        let list: Vec<MailboxValue> = value.filter_map(mailbox).collect();
        if !list.is_empty() {
            self.put(name, Some(Value::MailboxList(list)));
        }
    }
}

fn mailbox(m: &Mailbox) -> Option<MailboxValue> {
    Some(MailboxValue {
        name: m.name.clone(),
        address: m.email.clone()?,
    })
}

/// The properties every item kind shares, borrowed from the typed item.
struct Shared<'a> {
    id: &'a ItemId,
    folder: Option<&'a str>,
    subject: Option<&'a str>,
    body: Option<&'a Body>,
    categories: &'a [String],
    importance: Option<&'static str>,
    sensitivity: Option<&'static str>,
    created: Option<DateTime<Utc>>,
    modified: Option<DateTime<Utc>>,
    has_attachments: Option<bool>,
    size: Option<u64>,
    extended: &'a [ExtendedProperty],
}

macro_rules! shared {
    ($item:expr, $has_attachments:expr, $subject:expr) => {
        Shared {
            id: &$item.id,
            folder: $item.parent_folder_id.as_ref().map(|f| f.id.as_str()),
            subject: $subject,
            body: $item.body.as_ref(),
            categories: &$item.categories,
            importance: $item.importance.map(|i| i.as_str()),
            sensitivity: $item.sensitivity.map(|s| s.as_str()),
            created: $item.date_time_created,
            modified: $item.last_modified,
            has_attachments: $has_attachments,
            size: $item.size,
            extended: &$item.extended_properties,
        }
    };
}

/// The PermanentURL of an item: the stamped key, else "sk-" and the hex of its search key.
fn permanent_url(extended: &[ExtendedProperty]) -> Option<String> {
    let single = |path| {
        extended.iter().find_map(|p| match &p.value {
            ExtendedValue::Single(v) if p.path == path => Some(v.trim()),
            _ => None,
        })
    };
    if let Some(stamped) = single(stable_key_path()).filter(|v| !v.is_empty()) {
        return Some(stamped.to_owned());
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(single(search_key_path())?)
        .ok()
        .filter(|b| !b.is_empty())?;
    Some(format!("{SEARCH_KEY_PREFIX}{}", hex(&bytes)))
}

fn shared_values(v: &mut Values<'_>, s: &Shared<'_>) {
    v.text("ID", Some(&s.id.id));
    v.text("ETag", s.id.change_key.as_deref());
    v.put("PermanentURL", permanent_url(s.extended).map(Value::Text));
    v.text("FKID", s.folder);
    v.text("Subject", s.subject);
    if let Some(body) = s.body {
        let name = match body.kind {
            BodyType::Text => "Description",
            BodyType::Html => "HtmlDescription",
        };
        v.text(name, Some(&body.content));
    }
    v.list("Categories", s.categories);
    v.text("Importance", s.importance);
    v.text("Sensitivity", s.sensitivity);
    v.instant("Created", s.created);
    v.instant("LastModified", s.modified);
    v.boolean("HasAttachments", s.has_attachments);
    v.integer("Size", s.size);
}

fn wrong_kind(table: Table, item: &Item) -> ApiError {
    ApiError::Protocol {
        detail: format!("Exchange sent a {} as a {table} item", item.kind()),
    }
}

/// A typed EWS item → a record of `table` holding the selected `fields` (empty = all) that
/// have values. Values Exchange sends that the declared type cannot hold (an enumeration
/// value the table does not declare, a regenerating task recurrence) are left out.
pub(crate) fn record_of(
    table: Table,
    item: &Item,
    fields: &[String],
    zone: Tz,
) -> Result<Record, ApiError> {
    let mut v = Values {
        zone,
        values: BTreeMap::new(),
        wanted: fields,
    };
    match (table, item) {
        (Table::Appointment, Item::Calendar(c)) => {
            let subject = Some(c.subject.as_str()).filter(|s| !s.is_empty());
            shared_values(&mut v, &shared!(c, Some(c.has_attachments), subject));
            v.instant("Start", Some(c.start));
            v.instant("End", Some(c.end));
            v.boolean("IsAllDayEvent", Some(c.is_all_day));
            v.text("Location", c.location.as_deref());
            v.text("BusyStatus", c.free_busy_status.as_deref());
            let zone_id = c.start_time_zone.as_ref().and_then(|z| z.id.as_deref());
            let legacy = c.meeting_time_zone.as_ref().and_then(|z| z.name.as_deref());
            v.text("TimeZone", zone_id.or(legacy));
            v.mailbox("Organizer", c.organizer.as_ref());
            v.mailboxes(
                "RequiredAttendees",
                c.required_attendees.iter().map(|a| &a.mailbox),
            );
            v.mailboxes(
                "OptionalAttendees",
                c.optional_attendees.iter().map(|a| &a.mailbox),
            );
            v.mailboxes("Resources", c.resources.iter().map(|a| &a.mailbox));
            v.boolean("IsMeeting", Some(c.is_meeting));
            v.boolean("IsCancelled", Some(c.is_cancelled));
            v.boolean("IsRecurring", Some(c.is_recurring));
            v.text("CalendarItemType", c.calendar_item_type.as_deref());
            v.put(
                "Recurrence",
                c.recurrence
                    .as_ref()
                    .and_then(from_ews)
                    .map(Value::Recurrence),
            );
            v.text("MyResponseType", c.my_response_type.as_deref());
            v.put(
                "Duration",
                u64::try_from((c.end - c.start).num_seconds())
                    .ok()
                    .map(Value::Duration),
            );
            v.text("UID", c.uid.as_deref());
            v.boolean("ReminderSet", Some(c.reminder.is_set));
            v.integer(
                "ReminderMinutesBeforeStart",
                c.reminder.minutes_before_start.map(u64::from),
            );
        }
        (Table::Contact, Item::Contact(c)) => contact(&mut v, c),
        (Table::Task, Item::Task(t)) => task(&mut v, t),
        (Table::Message, Item::Message(m)) => message(&mut v, m),
        (Table::Message, Item::MeetingRequest(r)) => message(&mut v, &r.message),
        (Table::Message, Item::MeetingResponse(r)) => message(&mut v, &r.message),
        (Table::Message, Item::MeetingCancellation(r)) => message(&mut v, &r.message),
        (Table::Note, Item::Note(n)) => {
            shared_values(&mut v, &shared!(n, n.has_attachments, n.subject.as_deref()));
        }
        _ => return Err(wrong_kind(table, item)),
    }
    let mut record = Record::new(table);
    record.values = v.values;
    // Exchange may know values the table does not declare: they are left out.
    record.values.retain(|name, value| {
        table
            .field(name)
            .is_some_and(|declared| match declared.field_type {
                FieldType::Enumeration(names) => {
                    matches!(value, Value::Text(t) if names.contains(&t.as_str()))
                }
                _ => true,
            })
    });
    Ok(record)
}

fn contact(v: &mut Values<'_>, c: &Contact) {
    shared_values(v, &shared!(c, c.has_attachments, c.subject.as_deref()));
    for (name, value) in [
        ("DisplayName", &c.display_name),
        ("FileAs", &c.file_as),
        ("GivenName", &c.given_name),
        ("MiddleName", &c.middle_name),
        ("Surname", &c.surname),
        ("Nickname", &c.nickname),
        ("CompanyName", &c.company_name),
        ("Department", &c.department),
        ("JobTitle", &c.job_title),
        ("AssistantName", &c.assistant_name),
        ("Manager", &c.manager),
    ] {
        v.text(name, value.as_deref());
    }
    for (name, key) in [
        ("Email1", EmailAddressKey::EmailAddress1),
        ("Email2", EmailAddressKey::EmailAddress2),
        ("Email3", EmailAddressKey::EmailAddress3),
    ] {
        v.text(name, c.email_address(key));
    }
    for (name, key) in [
        ("BusinessPhone", PhoneNumberKey::BusinessPhone),
        ("HomePhone", PhoneNumberKey::HomePhone),
        ("MobilePhone", PhoneNumberKey::MobilePhone),
        ("BusinessFax", PhoneNumberKey::BusinessFax),
    ] {
        v.text(name, c.phone_number(key));
    }
    for (prefix, key) in [
        ("Business", PhysicalAddressKey::Business),
        ("Home", PhysicalAddressKey::Home),
    ] {
        let Some(a) = c.physical_address(key) else {
            continue;
        };
        for (part, value) in [
            ("Street", &a.street),
            ("City", &a.city),
            ("State", &a.state),
            ("PostalCode", &a.postal_code),
            ("Country", &a.country_or_region),
        ] {
            // Only declared fields are kept (there is no HomeState, for one).
            if let Some(field) = Table::Contact.field(&format!("{prefix}{part}")) {
                v.text(field.name, value.as_deref());
            }
        }
    }
    v.date("Birthday", c.birthday);
}

fn task(v: &mut Values<'_>, t: &Task) {
    shared_values(v, &shared!(t, t.has_attachments, t.subject.as_deref()));
    v.date("StartDate", t.start_date);
    v.date("DueDate", t.due_date);
    v.instant("CompleteDate", t.complete_date);
    v.text("Status", t.status.map(TaskStatus::as_str));
    v.put(
        "PercentComplete",
        t.percent_complete
            .filter(|p| p.is_finite())
            .map(Value::Decimal),
    );
    v.boolean("IsComplete", t.is_complete);
    v.text("Owner", t.owner.as_deref());
    v.put(
        "Recurrence",
        t.recurrence
            .as_ref()
            .and_then(from_ews)
            .map(Value::Recurrence),
    );
    v.integer("TotalWork", t.total_work.map(u64::from));
    v.integer("ActualWork", t.actual_work.map(u64::from));
    v.text("Mileage", t.mileage.as_deref());
    v.text("BillingInformation", t.billing_information.as_deref());
    v.list("Companies", &t.companies);
    v.boolean("ReminderSet", Some(t.reminder.is_set));
    v.instant("ReminderDueBy", t.reminder.due_by);
}

fn message(v: &mut Values<'_>, m: &Message) {
    shared_values(v, &shared!(m, m.has_attachments, m.subject.as_deref()));
    v.mailbox("From", m.from.as_ref());
    v.mailbox("Sender", m.sender.as_ref());
    v.mailboxes("To", m.to_recipients.iter());
    v.mailboxes("Cc", m.cc_recipients.iter());
    v.mailboxes("Bcc", m.bcc_recipients.iter());
    v.mailboxes("ReplyTo", m.reply_to.iter());
    v.boolean("Read", m.is_read);
    v.instant("Received", m.date_time_received);
    v.instant("Sent", m.date_time_sent);
    v.boolean("IsDraft", m.is_draft);
    v.text("InternetMessageId", m.internet_message_id.as_deref());
    v.text("ConversationTopic", m.conversation_topic.as_deref());
    v.boolean("IsReadReceiptRequested", m.is_read_receipt_requested);
    v.boolean(
        "IsDeliveryReceiptRequested",
        m.is_delivery_receipt_requested,
    );
}
