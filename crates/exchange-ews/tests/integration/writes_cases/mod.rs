//! Field updates of every shape, each with the item kind it fits, for the schema test.

use chrono::{NaiveDate, TimeZone, Utc};
use exchange_ews::calendar::{Attendee, DayOfWeek, Recurrence, RecurrencePattern, RecurrenceRange};
use exchange_ews::items::{
    Body, DistinguishedPropertySet, FieldUpdate, Importance, ItemKind, Mailbox, MapiPropertyType,
    PropertyPath, PropertyValue, Sensitivity,
};

/// Text with markup, quotes, non-ASCII and control characters.
pub(crate) const HOSTILE: &str =
    "Q3 <review> & \"budget\" 'draft' ]]> \u{e9}t\u{e9} \u{5317}\u{4eac} \u{1F4C5}\r\n\tend";

/// A recurrence from May to September 2024.
pub(crate) fn recurrence(pattern: RecurrencePattern) -> Recurrence {
    Recurrence {
        pattern,
        range: RecurrenceRange::EndDate {
            start: NaiveDate::from_ymd_opt(2024, 5, 1).unwrap(),
            end: NaiveDate::from_ymd_opt(2024, 9, 1).unwrap(),
        },
    }
}

/// One update of every shape, with the item kind it fits.
pub(crate) fn updates() -> Vec<(ItemKind, FieldUpdate)> {
    let t = Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap();
    let mailbox = Mailbox {
        name: Some(HOSTILE.into()),
        email: Some("a@contoso.test".into()),
        routing_type: Some("SMTP".into()),
        mailbox_type: None,
    };
    let set = |path: PropertyPath, value: PropertyValue| FieldUpdate::set(path, value).unwrap();
    let p = PropertyPath::field;
    vec![
        (ItemKind::Item, set(p("item:Subject"), HOSTILE.into())),
        (
            ItemKind::Message,
            set(p("item:Body"), Body::text(HOSTILE).into()),
        ),
        (
            ItemKind::Item,
            FieldUpdate::append("item:Body", Body::html(HOSTILE)).unwrap(),
        ),
        (
            ItemKind::Task,
            set(
                p("item:Categories"),
                vec![HOSTILE.to_owned(), "B".to_owned()].into(),
            ),
        ),
        (
            ItemKind::Item,
            set(p("item:Importance"), Importance::Low.into()),
        ),
        (
            ItemKind::Contact,
            set(p("item:Sensitivity"), Sensitivity::Confidential.into()),
        ),
        (ItemKind::Item, set(p("item:ReminderDueBy"), t.into())),
        (ItemKind::Item, set(p("item:ReminderIsSet"), true.into())),
        (
            ItemKind::Item,
            set(p("item:ReminderMinutesBeforeStart"), 30.into()),
        ),
        (
            ItemKind::Message,
            set(p("message:ToRecipients"), vec![mailbox.clone()].into()),
        ),
        (
            ItemKind::MeetingRequest,
            FieldUpdate::append("message:CcRecipients", vec![mailbox.clone()]).unwrap(),
        ),
        (
            ItemKind::Message,
            set(p("message:From"), mailbox.clone().into()),
        ),
        (ItemKind::Message, set(p("message:IsRead"), false.into())),
        (
            ItemKind::Message,
            set(p("message:ReplyTo"), vec![mailbox].into()),
        ),
        (ItemKind::CalendarItem, set(p("calendar:Start"), t.into())),
        (
            ItemKind::CalendarItem,
            set(p("calendar:IsAllDayEvent"), false.into()),
        ),
        (
            ItemKind::CalendarItem,
            set(p("calendar:LegacyFreeBusyStatus"), "OOF".into()),
        ),
        (
            ItemKind::CalendarItem,
            set(p("calendar:Location"), HOSTILE.into()),
        ),
        (
            ItemKind::CalendarItem,
            FieldUpdate::append(
                "calendar:RequiredAttendees",
                vec![Attendee::smtp("b@contoso.test")],
            )
            .unwrap(),
        ),
        (
            ItemKind::CalendarItem,
            set(
                p("calendar:Resources"),
                vec![Attendee::smtp("room@contoso.test")].into(),
            ),
        ),
        (
            ItemKind::CalendarItem,
            set(
                p("calendar:Recurrence"),
                recurrence(RecurrencePattern::Weekly {
                    interval: 1,
                    days: vec![DayOfWeek::Monday],
                    first_day_of_week: Some(DayOfWeek::Monday),
                })
                .into(),
            ),
        ),
        (
            ItemKind::Task,
            set(
                p("task:Recurrence"),
                recurrence(RecurrencePattern::MonthlyRegeneration { interval: 2 }).into(),
            ),
        ),
        (ItemKind::Task, set(p("task:PercentComplete"), 50.into())),
        (
            ItemKind::Task,
            set(p("task:Status"), "WaitingOnOthers".into()),
        ),
        (ItemKind::Task, set(p("task:DueDate"), t.into())),
        (
            ItemKind::Contact,
            set(p("contacts:GivenName"), HOSTILE.into()),
        ),
        (ItemKind::Contact, set(p("contacts:Birthday"), t.into())),
        (
            ItemKind::Contact,
            FieldUpdate::set("contacts:Children", vec!["C".to_owned()]).unwrap(),
        ),
        (ItemKind::Contact, set(p("contacts:Notes"), HOSTILE.into())),
        (
            ItemKind::Contact,
            set(
                PropertyPath::indexed("contacts:EmailAddress", "EmailAddress3"),
                "c@contoso.test".into(),
            ),
        ),
        (
            ItemKind::Contact,
            set(
                PropertyPath::indexed("contacts:PhoneNumber", "BusinessFax"),
                "+49 30".into(),
            ),
        ),
        (
            ItemKind::Contact,
            set(
                PropertyPath::indexed("contacts:ImAddress", "ImAddress1"),
                "sip:c@contoso.test".into(),
            ),
        ),
        (
            ItemKind::Contact,
            set(
                PropertyPath::indexed("contacts:PhysicalAddress:Street", "Home"),
                HOSTILE.into(),
            ),
        ),
        (
            ItemKind::Contact,
            set(
                PropertyPath::indexed("contacts:PhysicalAddress:PostalCode", "Other"),
                "10115".into(),
            ),
        ),
        (
            ItemKind::Contact,
            FieldUpdate::delete(PropertyPath::indexed(
                "contacts:PhysicalAddress:City",
                "Business",
            ))
            .unwrap(),
        ),
        (
            ItemKind::Message,
            set(
                PropertyPath::tagged(0x0037, MapiPropertyType::String),
                HOSTILE.into(),
            ),
        ),
        (
            ItemKind::Item,
            set(
                PropertyPath::named(
                    DistinguishedPropertySet::PublicStrings,
                    "Keywords <&>",
                    MapiPropertyType::StringArray,
                ),
                vec![HOSTILE.to_owned()].into(),
            ),
        ),
        (
            ItemKind::Item,
            set(
                PropertyPath::with_id(
                    "00062008-0000-0000-C000-000000000046",
                    0x8580,
                    MapiPropertyType::Integer,
                ),
                7.into(),
            ),
        ),
        (
            ItemKind::Item,
            set(
                PropertyPath::tagged(0x0E06, MapiPropertyType::SystemTime),
                t.into(),
            ),
        ),
        (
            ItemKind::Item,
            set(
                PropertyPath::tagged(0x0E1B, MapiPropertyType::Boolean),
                true.into(),
            ),
        ),
        (
            ItemKind::Item,
            FieldUpdate::delete(PropertyPath::tagged(0x0E1B, MapiPropertyType::Boolean)).unwrap(),
        ),
        (
            ItemKind::Item,
            FieldUpdate::delete("item:Categories").unwrap(),
        ),
    ]
}
