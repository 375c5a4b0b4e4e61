//! New contacts, tasks, messages and notes: what they write, in schema order, and what
//! they refuse before anything is sent.

use chrono::{NaiveDate, TimeZone, Utc};
use exchange_ews::calendar::{Recurrence, RecurrencePattern, RecurrenceRange};
use exchange_ews::items::{
    Body, CreateItems, EmailAddressKey, Mailbox, MessageDisposition, NewContact, NewItem,
    NewMessage, NewNote, NewTask, PhoneNumberKey, TaskStatus,
};
use exchange_ews::{EwsError, ExchangeVersion};

fn envelope(item: impl Into<NewItem>) -> Result<String, EwsError> {
    CreateItems::new(vec![item.into()])?
        .message_disposition(MessageDisposition::SaveOnly)
        .checked_envelope(ExchangeVersion::Exchange2007Sp1)
}

/// The item element of the envelope.
fn item_xml(item: impl Into<NewItem>) -> String {
    let item = item.into();
    let name = format!("<t:{}>", item.element_name());
    let xml = envelope(item).unwrap();
    let start = xml.find(&name).unwrap();
    let end = xml.find("</m:Items>").unwrap();
    xml[start..end].to_owned()
}

/// The argument an `InvalidArgument` names.
fn refused(item: impl Into<NewItem>) -> &'static str {
    match envelope(item) {
        Err(EwsError::InvalidArgument { argument, .. }) => argument,
        other => panic!("{other:?}"),
    }
}

#[test]
fn writes_contacts_in_schema_order() {
    let contact = NewContact::new("Ada Lovelace")
        .with_names("Ada", "Lovelace")
        .with_email_address(EmailAddressKey::EmailAddress1, " ada@contoso.test ")
        .with_email_address(EmailAddressKey::EmailAddress1, "ada@fabrikam.test")
        .with_phone_number(PhoneNumberKey::MobilePhone, "+44 1")
        .with_notes(Body::text("Met at the & club"))
        .with_categories(["Friends"]);
    assert_eq!(
        item_xml(contact),
        "<t:Contact><t:Body BodyType=\"Text\">Met at the &amp; club</t:Body>\
         <t:Categories><t:String>Friends</t:String></t:Categories>\
         <t:DisplayName>Ada Lovelace</t:DisplayName><t:GivenName>Ada</t:GivenName>\
         <t:EmailAddresses><t:Entry Key=\"EmailAddress1\">ada@fabrikam.test</t:Entry></t:EmailAddresses>\
         <t:PhoneNumbers><t:Entry Key=\"MobilePhone\">+44 1</t:Entry></t:PhoneNumbers>\
         <t:Surname>Lovelace</t:Surname></t:Contact>"
    );
}

#[test]
fn writes_tasks_with_regenerating_recurrence() {
    let at = |d| Utc.with_ymd_and_hms(2026, 1, d, 9, 0, 0).unwrap();
    let task = NewTask::new("Water the plants")
        .with_start_date(at(5))
        .with_due_date(at(6))
        .with_status(TaskStatus::InProgress)
        .with_percent_complete(50)
        .with_work(30, 60)
        .with_reminder(at(5))
        .with_recurrence(Recurrence {
            pattern: RecurrencePattern::WeeklyRegeneration { interval: 2 },
            range: RecurrenceRange::Numbered {
                start: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
                count: 5,
            },
        });
    assert_eq!(
        item_xml(task),
        "<t:Task><t:Subject>Water the plants</t:Subject>\
         <t:ReminderDueBy>2026-01-05T09:00:00Z</t:ReminderDueBy><t:ReminderIsSet>true</t:ReminderIsSet>\
         <t:ActualWork>30</t:ActualWork><t:DueDate>2026-01-06T09:00:00Z</t:DueDate>\
         <t:PercentComplete>50</t:PercentComplete>\
         <t:Recurrence><t:WeeklyRegeneration><t:Interval>2</t:Interval></t:WeeklyRegeneration>\
         <t:NumberedRecurrence><t:StartDate>2026-01-05</t:StartDate>\
         <t:NumberOfOccurrences>5</t:NumberOfOccurrences></t:NumberedRecurrence></t:Recurrence>\
         <t:StartDate>2026-01-05T09:00:00Z</t:StartDate><t:Status>InProgress</t:Status>\
         <t:TotalWork>60</t:TotalWork></t:Task>"
    );
}

#[test]
fn writes_messages_and_notes() {
    let message = NewMessage::new("Figures")
        .to("cfo@contoso.test")
        .bcc("archive@contoso.test")
        .with_read_receipt_requested(true)
        .with_from(Mailbox {
            email: Some("finance@contoso.test".into()),
            ..Mailbox::default()
        });
    assert_eq!(
        item_xml(message),
        "<t:Message><t:Subject>Figures</t:Subject>\
         <t:ToRecipients><t:Mailbox><t:EmailAddress>cfo@contoso.test</t:EmailAddress></t:Mailbox></t:ToRecipients>\
         <t:BccRecipients><t:Mailbox><t:EmailAddress>archive@contoso.test</t:EmailAddress></t:Mailbox></t:BccRecipients>\
         <t:IsReadReceiptRequested>true</t:IsReadReceiptRequested>\
         <t:From><t:Mailbox><t:EmailAddress>finance@contoso.test</t:EmailAddress></t:Mailbox></t:From></t:Message>"
    );
    assert_eq!(
        item_xml(NewNote::new("Call Bob", "Before <Friday>")),
        "<t:Message><t:ItemClass>IPM.StickyNote</t:ItemClass><t:Subject>Call Bob</t:Subject>\
         <t:Body BodyType=\"Text\">Before &lt;Friday&gt;</t:Body></t:Message>"
    );
    let note: NewItem = NewNote::default().into();
    assert_eq!(note.element_name(), "Message");
    assert_eq!(
        NewItem::from(NewContact::default()).element_name(),
        "Contact"
    );
    assert_eq!(NewItem::from(NewTask::default()).element_name(), "Task");
}

#[test]
fn refuses_contacts_exchange_would_refuse() {
    let mut twice = NewContact::new("A");
    twice.phone_numbers = vec![
        (PhoneNumberKey::Pager, "1".into()),
        (PhoneNumberKey::Pager, "2".into()),
    ];
    assert_eq!(refused(twice), "phone number");
    let blank = NewContact::new("A").with_email_address(EmailAddressKey::EmailAddress2, " ");
    assert_eq!(refused(blank), "email address");
    let old = NewContact::new("A").with_birthday(chrono::DateTime::<Utc>::MIN_UTC);
    assert_eq!(refused(old), "birthday");
    assert_eq!(
        refused(NewContact::new("A").with_categories(["x", ""])),
        "categories"
    );
    assert_eq!(
        refused(NewContact::new("A").with_categories(["x", " x"])),
        "categories"
    );
}

#[test]
fn refuses_tasks_exchange_would_refuse() {
    let at = |d| Utc.with_ymd_and_hms(2026, 1, d, 9, 0, 0).unwrap();
    let task = || NewTask::new("T");
    assert_eq!(
        refused(task().with_percent_complete(101)),
        "percent complete"
    );
    let done = task()
        .with_status(TaskStatus::Completed)
        .with_percent_complete(50);
    assert_eq!(refused(done), "status");
    let not_started = task()
        .with_status(TaskStatus::NotStarted)
        .with_percent_complete(10);
    assert_eq!(refused(not_started), "status");
    assert_eq!(refused(task().with_work(u32::MAX, 1)), "actual work");
    assert_eq!(refused(task().with_work(1, u32::MAX)), "total work");
    let backwards = task().with_start_date(at(9)).with_due_date(at(5));
    assert_eq!(refused(backwards), "due date");
    let ancient = task().with_reminder(chrono::DateTime::<Utc>::MIN_UTC);
    assert_eq!(refused(ancient), "reminder");
    let never = task().with_recurrence(Recurrence {
        pattern: RecurrencePattern::DailyRegeneration { interval: 0 },
        range: RecurrenceRange::NoEnd {
            start: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
        },
    });
    assert_eq!(refused(never), "recurrence");
    // What Exchange takes passes.
    let done = task()
        .with_status(TaskStatus::Completed)
        .with_percent_complete(100);
    assert!(envelope(done).is_ok());
}

#[test]
fn refuses_messages_exchange_would_refuse() {
    let nobody = Mailbox {
        name: Some("Nobody".into()),
        ..Mailbox::default()
    };
    let mut m = NewMessage::new("S");
    m.cc_recipients.push(nobody.clone());
    assert_eq!(refused(m), "cc recipients");
    assert_eq!(refused(NewMessage::new("S").to(" ")), "to recipients");
    assert_eq!(refused(NewMessage::new("S").bcc("")), "bcc recipients");
    assert_eq!(
        refused(NewMessage::new("S").with_from(nobody.clone())),
        "from"
    );
    assert_eq!(
        refused(NewMessage::new("S").with_reply_to(vec![nobody])),
        "reply to"
    );
    assert_eq!(
        refused(NewNote::new("S", "t").with_categories(["a", "a"])),
        "categories"
    );
}
