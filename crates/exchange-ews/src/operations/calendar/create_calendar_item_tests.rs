use super::*;
use crate::items::Body;
use crate::test_support::sample;
use crate::xml::XmlWriter;
use crate::DistinguishedFolder;
use chrono::{TimeZone, Utc};

fn new_item() -> NewCalendarItem {
    NewCalendarItem {
        subject: "Plan <Q3> & \"more\"".into(),
        start: Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap(),
        end: Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap(),
        is_all_day: false,
        location: Some("Room 1".into()),
        body: Some(Body::html("<p>Hi</p>")),
        ..Default::default()
    }
}

fn calendar() -> FolderTarget {
    DistinguishedFolder::Calendar.into()
}

#[test]
fn writes_the_item_in_schema_order() {
    let request =
        CreateCalendarItem::new(calendar(), new_item(), SendMeetingInvitations::SendToNone)
            .unwrap();
    let xml = request.to_envelope(ExchangeVersion::Exchange2010Sp2);
    assert!(xml.contains(r#"<m:CreateItem SendMeetingInvitations="SendToNone"><m:SavedItemFolderId><t:DistinguishedFolderId Id="calendar"/></m:SavedItemFolderId>"#));
    assert!(xml.contains(concat!(
        r#"<t:CalendarItem><t:Subject>Plan &lt;Q3&gt; &amp; "more"</t:Subject>"#,
        r#"<t:Body BodyType="HTML">&lt;p&gt;Hi&lt;/p&gt;</t:Body>"#,
        r#"<t:Start>2024-05-01T08:00:00Z</t:Start><t:End>2024-05-01T09:00:00Z</t:End>"#,
        r#"<t:IsAllDayEvent>false</t:IsAllDayEvent><t:Location>Room 1</t:Location></t:CalendarItem>"#
    )));
    assert!(!xml.contains("TimeZone"));
    assert_eq!(request.item(), &new_item());
    assert_eq!(request.folder(), &calendar());
}

#[test]
fn leaves_out_absent_fields() {
    let item = NewCalendarItem {
        location: None,
        body: None,
        ..new_item()
    };
    let xml = CreateCalendarItem::new(calendar(), item, SendMeetingInvitations::SendOnlyToAll)
        .unwrap()
        .to_envelope(ExchangeVersion::Exchange2016);
    assert!(!xml.contains("t:Body") && !xml.contains("t:Location"));
    assert!(xml.contains(r#"SendMeetingInvitations="SendOnlyToAll""#));
}

#[test]
fn names_utc_for_all_day_items() {
    let item = NewCalendarItem {
        is_all_day: true,
        ..new_item()
    };
    let request = CreateCalendarItem::new(
        calendar(),
        item,
        SendMeetingInvitations::SendToAllAndSaveCopy,
    )
    .unwrap();
    let xml = request.to_envelope(ExchangeVersion::Exchange2013);
    assert!(xml.contains(r#"<t:IsAllDayEvent>true</t:IsAllDayEvent>"#));
    assert!(
        xml.contains(r#"<t:StartTimeZone Id="UTC"/><t:EndTimeZone Id="UTC"/></t:CalendarItem>"#)
    );
    let xml = request.to_envelope(ExchangeVersion::Exchange2007Sp1);
    assert!(xml.contains(r#"<t:MeetingTimeZone TimeZoneName="UTC"><t:BaseOffset>PT0H</t:BaseOffset></t:MeetingTimeZone></t:CalendarItem>"#));
}

#[test]
fn refuses_items_that_end_before_they_start() {
    let item = NewCalendarItem {
        end: new_item().start - chrono::Duration::seconds(1),
        ..new_item()
    };
    let err =
        CreateCalendarItem::new(calendar(), item, SendMeetingInvitations::SendToNone).unwrap_err();
    assert!(
        matches!(
            err,
            EwsError::InvalidArgument {
                argument: "item times",
                ..
            }
        ),
        "{err}"
    );
    let other = FolderTarget::DistinguishedOf(DistinguishedFolder::Calendar, String::new());
    assert!(
        CreateCalendarItem::new(other, new_item(), SendMeetingInvitations::SendToNone).is_err()
    );
}

#[test]
fn parses_the_create_sample() {
    let Some(bytes) = sample("ms-createitem-calendar-response.xml") else {
        return;
    };
    let id = CreateCalendarItem::parse_response(&bytes).unwrap();
    assert_eq!(id, ItemId::new("AAAlAFV").with_change_key("DwAAABYA"));
}

#[test]
fn refuses_an_answer_without_the_item() {
    let Some(bytes) = sample("exl-createitem-bulk-no-result-response.xml") else {
        return;
    };
    let err = CreateCalendarItem::parse_response(&bytes).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the response has no <CalendarItem> in <Items>"
    );
}

#[test]
fn writes_every_property_in_schema_order() {
    use crate::calendar::{
        Attendee, DayOfWeek, FreeBusyStatus, Recurrence, RecurrencePattern, RecurrenceRange,
    };
    use crate::items::{Importance, Sensitivity};
    use crate::timezone::WindowsZoneId;
    let zone = WindowsZoneId::new("W. Europe Standard Time").unwrap();
    let item = new_item()
        .with_sensitivity(Sensitivity::Private)
        .with_category("Blue")
        .with_importance(Importance::Low)
        .with_reminder(10)
        .with_free_busy_status(FreeBusyStatus::OutOfOffice)
        .with_required_attendee(Attendee::smtp("a@contoso.test"))
        .with_optional_attendee(Attendee::smtp("b@contoso.test"))
        .with_resource(Attendee::smtp("r@contoso.test"))
        .with_recurrence(Recurrence {
            pattern: RecurrencePattern::Weekly {
                interval: 1,
                days: vec![DayOfWeek::Wednesday],
                first_day_of_week: Some(DayOfWeek::Monday),
            },
            range: RecurrenceRange::NoEnd {
                start: chrono::NaiveDate::from_ymd_opt(2024, 5, 1).unwrap(),
            },
        })
        .with_time_zone(zone);
    let request =
        CreateCalendarItem::new(calendar(), item, SendMeetingInvitations::SendToNone).unwrap();
    let xml = request.to_envelope(ExchangeVersion::Exchange2016);
    let order = [
        "<t:Subject>",
        "<t:Sensitivity>Private",
        "<t:Body ",
        "<t:Categories><t:String>Blue</t:String></t:Categories>",
        "<t:Importance>Low",
        "<t:ReminderIsSet>true",
        "<t:ReminderMinutesBeforeStart>10",
        "<t:Start>",
        "<t:End>",
        "<t:IsAllDayEvent>",
        "<t:LegacyFreeBusyStatus>OOF",
        "<t:Location>",
        "<t:RequiredAttendees>",
        "<t:OptionalAttendees>",
        "<t:Resources>",
        "<t:Recurrence><t:WeeklyRecurrence>",
        "<t:FirstDayOfWeek>Monday",
        r#"<t:StartTimeZone Id="W. Europe Standard Time"/>"#,
        r#"<t:EndTimeZone Id="W. Europe Standard Time"/></t:CalendarItem>"#,
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|p| {
            xml.find(p)
                .unwrap_or_else(|| panic!("{p} missing in {xml}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{xml}");
    let old = request.to_envelope(ExchangeVersion::Exchange2007Sp1);
    assert!(!old.contains("FirstDayOfWeek") && !old.contains("StartTimeZone"));
    assert!(old.contains(
        r#"</t:Recurrence><t:MeetingTimeZone TimeZoneName="W. Europe Standard Time"/></t:CalendarItem>"#
    ));
    assert!(request.check(ExchangeVersion::Exchange2007Sp1).is_ok());
}

#[test]
fn refuses_blank_or_repeated_categories_and_writes_them_trimmed() {
    for categories in [vec![" ".to_owned()], vec!["A".into(), " A ".into()]] {
        let item = NewCalendarItem {
            categories,
            ..new_item()
        };
        assert!(check_calendar_item(&item, ExchangeVersion::Exchange2013).is_err());
    }
    let item = NewCalendarItem {
        categories: vec![" Red ".into()],
        ..new_item()
    };
    assert!(check_calendar_item(&item, ExchangeVersion::Exchange2013).is_ok());
    let mut w = XmlWriter::new();
    write_calendar_item(&mut w, ExchangeVersion::Exchange2013, &item);
    assert!(w.finish().contains("<t:String>Red</t:String>"));
}
