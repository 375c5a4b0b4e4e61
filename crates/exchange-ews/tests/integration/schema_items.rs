//! The contacts, tasks, messages and notes the crate writes validate against the EWS schema
//! for every Exchange version, inside a `CreateItem` request.

use chrono::{Month, NaiveDate, TimeZone, Utc};
use exchange_ews::calendar::{
    DayOfWeek, DayOfWeekIndex, Recurrence, RecurrencePattern, RecurrenceRange,
};
use exchange_ews::items::{
    Body, CreateItems, EmailAddressKey, Importance, Mailbox, MessageDisposition, NewContact,
    NewItem, NewMessage, NewNote, NewTask, PhoneNumberKey, PhysicalAddress, PhysicalAddressKey,
    PostalAddressIndex, Sensitivity, TaskStatus,
};
use exchange_ews::{DistinguishedFolder, ExchangeVersion};
use exchange_testkit::schema::SchemaValidator;

/// Text that needs escaping, and characters XML cannot carry.
const HOSTILE: &str = "<b>&amp;</b> \"quoted\" 'single' \u{1}\u{FFFF} ]]> \r\n\tend";

fn contacts() -> Vec<(&'static str, NewItem)> {
    let mut full = NewContact::new("Ada Lovelace")
        .with_names("Ada", "Lovelace")
        .with_file_as("Lovelace, Ada")
        .with_job("Analytical Engines", "Analyst")
        .with_email_address(EmailAddressKey::EmailAddress1, "ada@contoso.test")
        .with_email_address(EmailAddressKey::EmailAddress3, "ada@fabrikam.test")
        .with_physical_address(
            PhysicalAddressKey::Home,
            PhysicalAddress {
                street: Some("12 St James's Square".into()),
                city: Some("London".into()),
                state: Some(HOSTILE.into()),
                country_or_region: Some("United Kingdom".into()),
                postal_code: Some("SW1Y 4JH".into()),
            },
        )
        .with_physical_address(
            PhysicalAddressKey::Business,
            PhysicalAddress {
                city: Some("Marylebone".into()),
                ..PhysicalAddress::default()
            },
        )
        .with_notes(Body::html(HOSTILE))
        .with_categories(["Friends", "Royal Society"]);
    for (i, key) in PhoneNumberKey::ALL.iter().enumerate() {
        full = full.with_phone_number(*key, format!("+44 20 7946 {i:04}"));
    }
    full.middle_name = Some("Augusta".into());
    full.nickname = Some("Countess".into());
    full.department = Some("Mathematics".into());
    full.postal_address_index = Some(PostalAddressIndex::Home);
    full.birthday = Some(Utc.with_ymd_and_hms(1815, 12, 10, 0, 0, 0).unwrap());
    vec![
        ("contact full", full.into()),
        ("contact minimal", NewContact::default().into()),
    ]
}

fn tasks() -> Vec<(&'static str, NewItem)> {
    let start = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let at = |d| Utc.with_ymd_and_hms(2026, 1, d, 9, 0, 0).unwrap();
    let patterns = [
        RecurrencePattern::DailyRegeneration { interval: 3 },
        RecurrencePattern::WeeklyRegeneration { interval: 1 },
        RecurrencePattern::MonthlyRegeneration { interval: 2 },
        RecurrencePattern::YearlyRegeneration { interval: 1 },
        RecurrencePattern::Daily { interval: 1 },
        RecurrencePattern::Weekly {
            interval: 2,
            days: vec![DayOfWeek::Monday, DayOfWeek::Thursday],
            first_day_of_week: Some(DayOfWeek::Monday),
        },
        RecurrencePattern::RelativeMonthly {
            interval: 1,
            day_of_week: DayOfWeek::Weekday,
            index: DayOfWeekIndex::Last,
        },
        RecurrencePattern::AbsoluteYearly {
            day_of_month: 29,
            month: Month::February,
        },
    ];
    let ranges = [
        RecurrenceRange::NoEnd { start },
        RecurrenceRange::Numbered { start, count: 12 },
        RecurrenceRange::EndDate {
            start,
            end: NaiveDate::from_ymd_opt(2027, 1, 5).unwrap(),
        },
    ];
    let mut out: Vec<(&'static str, NewItem)> = patterns
        .into_iter()
        .zip(ranges.iter().cycle())
        .map(|(pattern, range)| {
            let task = NewTask::new("Water the plants").with_recurrence(Recurrence {
                pattern,
                range: *range,
            });
            ("task recurring", task.into())
        })
        .collect();
    let full = NewTask::new(HOSTILE)
        .with_body(Body::text("Every pot, also the ones upstairs."))
        .with_start_date(at(5))
        .with_due_date(at(9))
        .with_status(TaskStatus::InProgress)
        .with_percent_complete(40)
        .with_work(60, 180)
        .with_reminder(at(8))
        .with_importance(Importance::Low)
        .with_sensitivity(Sensitivity::Personal)
        .with_categories(["Home"])
        .with_billing("Household", ["Contoso", "Fabrikam"], "12 km");
    out.push(("task full", full.into()));
    out.push(("task minimal", NewTask::default().into()));
    out
}

fn messages() -> Vec<(&'static str, NewItem)> {
    let full = NewMessage::new(HOSTILE)
        .with_body(Body::html("<p>Figures attached.</p>"))
        .to("cfo@contoso.test")
        .to("ceo@contoso.test")
        .cc("controller@contoso.test")
        .bcc("archive@contoso.test")
        .with_importance(Importance::High)
        .with_sensitivity(Sensitivity::Confidential)
        .with_categories(["Finance"])
        .with_read_receipt_requested(true)
        .with_delivery_receipt_requested(false)
        .with_from(Mailbox {
            name: Some("Finance team".into()),
            email: Some("finance@contoso.test".into()),
            routing_type: Some("SMTP".into()),
            mailbox_type: Some("PublicDL".into()),
        })
        .with_reply_to(vec![Mailbox {
            email: Some("replies@contoso.test".into()),
            ..Mailbox::default()
        }]);
    let mut read = NewMessage::new("Filed copy");
    read.is_read = Some(true);
    vec![
        ("message full", full.into()),
        ("message read", read.into()),
        ("message minimal", NewMessage::default().into()),
        (
            "note",
            NewNote::new("Call Bob", HOSTILE)
                .with_categories(["Yellow"])
                .into(),
        ),
        ("note minimal", NewNote::default().into()),
    ]
}

/// Every item in its own `CreateItem` envelope, for every version.
fn envelopes() -> Vec<(String, String)> {
    let items: Vec<_> = contacts()
        .into_iter()
        .chain(tasks())
        .chain(messages())
        .collect();
    let mut out = Vec::new();
    for version in ExchangeVersion::ALL {
        for (i, (name, item)) in items.iter().enumerate() {
            let folder = match item {
                NewItem::Contact(_) => DistinguishedFolder::Contacts,
                NewItem::Task(_) => DistinguishedFolder::Tasks,
                NewItem::Note(_) => DistinguishedFolder::Notes,
                _ => DistinguishedFolder::Drafts,
            };
            let request = CreateItems::new(vec![item.clone()])
                .unwrap()
                .saved_in(folder.into())
                .message_disposition(MessageDisposition::SaveOnly);
            let envelope = request
                .checked_envelope(version)
                .unwrap_or_else(|e| panic!("{version}/{name}: {e}"));
            out.push((format!("{version}/{i} {name}"), envelope));
        }
    }
    out
}

#[test]
fn every_new_item_validates_for_every_version() {
    let docs = envelopes();
    assert_eq!(docs.len(), ExchangeVersion::ALL.len() * 17);
    let note = &docs.iter().find(|(n, _)| n.ends_with(" note")).unwrap().1;
    assert!(
        note.contains("<t:ItemClass>IPM.StickyNote</t:ItemClass>"),
        "{note}"
    );
    let Some(validator) = SchemaValidator::find() else {
        return;
    };
    // One broken document guards against a validator that accepts anything.
    let broken = docs[0].1.replace(r#"Key="MobilePhone""#, r#"Key="Mobile""#);
    assert_ne!(broken, docs[0].1);
    let all = docs
        .iter()
        .map(|(n, x)| (n.as_str(), x.as_str()))
        .chain([("broken", broken.as_str())]);
    // xmllint takes seconds to load the schema: everything goes in one run.
    let mut verdicts = validator.validate_envelopes(all);
    let broken = verdicts.pop().unwrap();
    assert!(!broken.is_valid(), "the broken document validated");
    let failed: Vec<_> = verdicts.iter().filter(|v| !v.is_valid()).collect();
    assert!(failed.is_empty(), "{failed:#?}");
}
