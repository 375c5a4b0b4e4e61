//! `CreateItem` envelopes of full calendar items validate against the EWS schema for every
//! version, carry only what each version knows, and keep a weekly series at its local time
//! across a daylight-saving change.

use chrono::{Datelike, Month, NaiveDate, TimeDelta, TimeZone, Timelike, Utc};
use exchange_ews::calendar::{
    Attendee, CreateCalendarItem, DayOfWeek, DayOfWeekIndex, FreeBusyStatus, GetCalendarItem,
    NewCalendarItem, Recurrence, RecurrencePattern, RecurrenceRange, ResponseType,
    SendMeetingInvitations,
};
use exchange_ews::items::{Body, Importance, Sensitivity};
use exchange_ews::timezone::{GetServerTimeZones, TimeZoneDefinition, WindowsZoneId};
use exchange_ews::{DistinguishedFolder, EwsError, ExchangeVersion, FolderTarget, Operation};
use exchange_testkit::schema::SchemaValidator;

use crate::calendar_fixtures;

use calendar_fixtures::{at, get_item_answer, IDS, TIMES};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn patterns() -> Vec<RecurrencePattern> {
    vec![
        RecurrencePattern::Daily { interval: 1 },
        RecurrencePattern::Weekly {
            interval: 2,
            days: vec![DayOfWeek::Monday, DayOfWeek::Thursday],
            first_day_of_week: Some(DayOfWeek::Monday),
        },
        RecurrencePattern::AbsoluteMonthly {
            interval: 1,
            day_of_month: 31,
        },
        RecurrencePattern::RelativeMonthly {
            interval: 3,
            day_of_week: DayOfWeek::Weekday,
            index: DayOfWeekIndex::Last,
        },
        RecurrencePattern::AbsoluteYearly {
            day_of_month: 29,
            month: Month::February,
        },
        RecurrencePattern::RelativeYearly {
            day_of_week: DayOfWeek::Sunday,
            index: DayOfWeekIndex::First,
            month: Month::November,
        },
    ]
}

fn ranges() -> Vec<RecurrenceRange> {
    let start = date(2026, 3, 23);
    vec![
        RecurrenceRange::NoEnd { start },
        RecurrenceRange::EndDate {
            start,
            end: date(2027, 3, 22),
        },
        RecurrenceRange::Numbered { start, count: 10 },
    ]
}

fn zone() -> WindowsZoneId {
    WindowsZoneId::new("W. Europe Standard Time").unwrap()
}

/// A meeting with every writable property set, repeating as `recurrence` says.
fn full_item(recurrence: Option<Recurrence>) -> NewCalendarItem {
    let start = Utc.with_ymd_and_hms(2026, 3, 23, 8, 0, 0).unwrap();
    let mut accepted = Attendee::smtp("carol@contoso.test");
    accepted.mailbox.name = Some("Carol <&> \"C\"".into());
    accepted.response = Some(ResponseType::Accept);
    let mut item = NewCalendarItem::new("Plan & review", start, start + TimeDelta::hours(1))
        .with_location("Room 4B")
        .with_body(Body::html("<p>Agenda</p>"))
        .with_required_attendee(accepted)
        .with_required_attendee(Attendee::smtp("dave@contoso.test"))
        .with_optional_attendee(Attendee::smtp("erin@contoso.test"))
        .with_resource(Attendee::smtp("room4b@contoso.test"))
        .with_sensitivity(Sensitivity::Confidential)
        .with_importance(Importance::High)
        .with_category("Blue category")
        .with_category("Projekt Ä")
        .with_reminder(15)
        .with_free_busy_status(FreeBusyStatus::Tentative)
        .with_time_zone(zone());
    item.recurrence = recurrence;
    item
}

fn request(item: NewCalendarItem) -> CreateCalendarItem {
    CreateCalendarItem::new(
        FolderTarget::Distinguished(DistinguishedFolder::Calendar),
        item,
        SendMeetingInvitations::SendToAllAndSaveCopy,
    )
    .unwrap()
}

/// Every pattern × range, a single item, an all-day one and one with its own end zone.
fn items() -> Vec<NewCalendarItem> {
    let mut items = vec![full_item(None)];
    for pattern in patterns() {
        for range in ranges() {
            items.push(full_item(Some(Recurrence {
                pattern: pattern.clone(),
                range,
            })));
        }
    }
    let all_day_start = Utc.with_ymd_and_hms(2026, 5, 1, 0, 0, 0).unwrap();
    items.push(
        NewCalendarItem::new("Holiday", all_day_start, all_day_start + TimeDelta::days(1))
            .with_all_day(true),
    );
    items.push(
        full_item(None).with_end_time_zone(WindowsZoneId::new("Pacific Standard Time").unwrap()),
    );
    items
}

#[test]
fn every_full_calendar_item_validates_for_every_version() {
    let mut docs = Vec::new();
    for version in ExchangeVersion::ALL {
        for (i, item) in items().into_iter().enumerate() {
            let request = request(item);
            if request.check(version).is_err() {
                // Only the end zone of the last item is refused, by Exchange 2007.
                assert_eq!(version, ExchangeVersion::Exchange2007Sp1);
                continue;
            }
            let xml = request.to_envelope(version);
            if version.has_time_zone_definitions() {
                assert!(!xml.contains("MeetingTimeZone"), "{xml}");
                assert!(xml.contains(r#"<t:StartTimeZone Id="#), "{xml}");
            } else {
                assert!(!xml.contains("StartTimeZone") && !xml.contains("EndTimeZone"));
                assert!(xml.contains("<t:MeetingTimeZone TimeZoneName="), "{xml}");
            }
            if version < ExchangeVersion::Exchange2010Sp1 {
                assert!(!xml.contains("FirstDayOfWeek"));
            }
            docs.push((format!("{} item {i}", version.as_str()), xml));
        }
    }
    assert!(docs.len() > 7 * 19);
    let broken = docs[1].1.replace(
        "<t:Interval>1</t:Interval>",
        "<t:Interval>often</t:Interval>",
    );
    assert_ne!(broken, docs[1].1);
    let Some(validator) = SchemaValidator::find() else {
        return;
    };
    let all = docs
        .iter()
        .map(|(name, xml)| (name.as_str(), xml.as_str()))
        .chain([("broken", broken.as_str())]);
    // xmllint takes seconds to load the schema: everything goes in one run.
    let mut verdicts = validator.validate_envelopes(all);
    assert!(
        !verdicts.pop().unwrap().is_valid(),
        "the validator accepted a broken envelope"
    );
    let failures: Vec<_> = verdicts.iter().filter(|v| !v.is_valid()).collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn refuses_what_a_version_or_exchange_cannot_take() {
    let working_elsewhere =
        request(full_item(None).with_free_busy_status(FreeBusyStatus::WorkingElsewhere));
    assert!(working_elsewhere
        .check(ExchangeVersion::Exchange2013)
        .is_ok());
    assert!(matches!(
        working_elsewhere.check(ExchangeVersion::Exchange2010Sp2),
        Err(EwsError::InvalidArgument {
            argument: "free_busy_status",
            ..
        })
    ));
    let calendar = || FolderTarget::Distinguished(DistinguishedFolder::Calendar);
    let refused = |item: NewCalendarItem| {
        CreateCalendarItem::new(calendar(), item, SendMeetingInvitations::SendToNone).unwrap_err()
    };
    let task_only = Recurrence {
        pattern: RecurrencePattern::DailyRegeneration { interval: 1 },
        range: RecurrenceRange::NoEnd {
            start: date(2026, 1, 1),
        },
    };
    assert!(matches!(
        refused(full_item(Some(task_only))),
        EwsError::InvalidArgument {
            argument: "recurrence",
            ..
        }
    ));
    let no_days = Recurrence {
        pattern: RecurrencePattern::Weekly {
            interval: 1,
            days: vec![],
            first_day_of_week: None,
        },
        range: RecurrenceRange::NoEnd {
            start: date(2026, 1, 1),
        },
    };
    assert!(matches!(
        refused(full_item(Some(no_days))),
        EwsError::InvalidArgument {
            argument: "recurrence",
            ..
        }
    ));
    let mut end_only = full_item(None);
    end_only.time_zone = None;
    assert!(matches!(
        refused(end_only.with_end_time_zone(zone())),
        EwsError::InvalidArgument {
            argument: "end_time_zone",
            ..
        }
    ));
    assert!(matches!(
        refused(full_item(None).with_reminder(u32::MAX)),
        EwsError::InvalidArgument {
            argument: "reminder_minutes_before_start",
            ..
        }
    ));
}

/// `W. Europe Standard Time` as `GetServerTimeZones` describes it.
fn berlin() -> TimeZoneDefinition {
    let answer = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
      <m:GetServerTimeZonesResponse xmlns:m="m" xmlns:t="t"><m:ResponseMessages>
        <m:GetServerTimeZonesResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
          <m:TimeZoneDefinitions><t:TimeZoneDefinition Id="W. Europe Standard Time" Name="(UTC+01:00) Amsterdam, Berlin">
            <t:Periods><t:Period Bias="-PT60M" Name="Standard" Id="std"/><t:Period Bias="-PT120M" Name="Daylight" Id="dlt"/></t:Periods>
            <t:TransitionsGroups><t:TransitionsGroup Id="0">
              <t:RecurringDayTransition><t:To Kind="Period">std</t:To><t:TimeOffset>PT180M</t:TimeOffset><t:Month>10</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek><t:Occurrence>-1</t:Occurrence></t:RecurringDayTransition>
              <t:RecurringDayTransition><t:To Kind="Period">dlt</t:To><t:TimeOffset>PT120M</t:TimeOffset><t:Month>3</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek><t:Occurrence>-1</t:Occurrence></t:RecurringDayTransition>
            </t:TransitionsGroup></t:TransitionsGroups>
            <t:Transitions><t:Transition><t:To Kind="Group">0</t:To></t:Transition></t:Transitions>
          </t:TimeZoneDefinition></m:TimeZoneDefinitions>
        </m:GetServerTimeZonesResponseMessage></m:ResponseMessages></m:GetServerTimeZonesResponse></s:Body></s:Envelope>"#;
    GetServerTimeZones::parse_response(answer)
        .unwrap()
        .remove(0)
}

#[test]
fn a_weekly_series_stays_at_nine_across_the_daylight_saving_change() {
    let berlin = berlin();
    // Mondays at 09:00 in Berlin; summer time begins on Sunday, 29 March 2026.
    let first_local = date(2026, 3, 16).and_hms_opt(9, 0, 0).unwrap();
    let instants = berlin.weekly_occurrences(first_local, 4).unwrap();
    let start = instants[0];
    let item = NewCalendarItem::new("Stand-up", start, start + TimeDelta::minutes(15))
        .with_time_zone(zone())
        .with_recurrence(Recurrence {
            pattern: RecurrencePattern::Weekly {
                interval: 1,
                days: vec![DayOfWeek::Monday],
                first_day_of_week: None,
            },
            range: RecurrenceRange::Numbered {
                start: first_local.date(),
                count: 4,
            },
        });
    let xml = request(item).to_envelope(ExchangeVersion::Exchange2016);
    assert!(
        xml.contains("<t:Start>2026-03-16T08:00:00Z</t:Start>"),
        "{xml}"
    );
    assert!(xml.contains(r#"<t:StartTimeZone Id="W. Europe Standard Time"/><t:EndTimeZone Id="W. Europe Standard Time"/>"#));
    assert!(xml.contains("<t:DaysOfWeek>Monday</t:DaysOfWeek>"));
    assert!(xml.contains(
        "<t:StartDate>2026-03-16</t:StartDate><t:NumberOfOccurrences>4</t:NumberOfOccurrences>"
    ));

    // The written start is 09:00 local; so is every occurrence the zone's rules give,
    // while the UTC hour moves from 08:00 to 07:00 with the change.
    let written: chrono::DateTime<Utc> = xml
        .split("<t:Start>")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(written, start);
    let utc_hours: Vec<u32> = instants.iter().map(Timelike::hour).collect();
    assert_eq!(utc_hours, [8, 8, 7, 7]);
    for instant in &instants {
        let offset = berlin.offset_at(*instant).unwrap();
        let local = instant.with_timezone(&offset);
        assert_eq!((local.hour(), local.minute()), (9, 0), "{instant}");
        assert_eq!(local.weekday(), chrono::Weekday::Mon);
    }
    let back = berlin
        .local_to_utc(first_local + TimeDelta::weeks(2))
        .unwrap();
    assert_eq!(back, instants[2]);

    let old = request(NewCalendarItem::new("Stand-up", start, start).with_time_zone(zone()))
        .to_envelope(ExchangeVersion::Exchange2007Sp1);
    assert!(old.contains(r#"<t:MeetingTimeZone TimeZoneName="W. Europe Standard Time"/>"#));
}

#[test]
fn attendees_written_come_back_read() {
    let mut carol = Attendee::smtp("carol@contoso.test");
    carol.response = Some(ResponseType::Accept);
    let start = at("2026-03-23T08:00:00Z");
    let item = NewCalendarItem::new("Review", start, start + TimeDelta::hours(1))
        .with_required_attendee(carol.clone())
        .with_resource(Attendee::smtp("room@contoso.test"));
    let xml = CreateCalendarItem::new(
        FolderTarget::Distinguished(DistinguishedFolder::Calendar),
        item,
        SendMeetingInvitations::SendToAllAndSaveCopy,
    )
    .unwrap()
    .to_envelope(ExchangeVersion::Exchange2013);
    let from = xml.find("<t:RequiredAttendees>").unwrap();
    let to = xml.find("</t:Resources>").unwrap() + "</t:Resources>".len();
    let read = GetCalendarItem::parse_response(
        get_item_answer(&format!("{IDS}{TIMES}{}", &xml[from..to])).as_bytes(),
    )
    .unwrap();
    assert_eq!(read.required_attendees, vec![carol]);
    assert_eq!(read.resources, vec![Attendee::smtp("room@contoso.test")]);
}
