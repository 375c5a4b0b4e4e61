//! Calendar items in full: every field read from a realistic item, every recurrence read and
//! written back, unmodelled children kept, hostile values refused with typed errors, and the
//! published samples read with the new fields.

use crate::{calendar_fixtures, sample_files};

use calendar_fixtures::{at, date, full_item, get_item_answer, patterns, ranges, IDS, TIMES};
use chrono::{Month, NaiveTime, TimeDelta};
use exchange_ews::calendar::{
    CreateCalendarItem, DayOfWeek, DayOfWeekIndex, FindCalendarItems, GetCalendarItem,
    NewCalendarItem, Recurrence, RecurrencePattern, RecurrenceRange, ResponseType,
    SendMeetingInvitations, TimeChangeRule,
};
use exchange_ews::items::{Importance, Sensitivity};
use exchange_ews::{DistinguishedFolder, EwsError, ExchangeVersion, FolderTarget};

#[test]
fn reads_every_field_of_a_full_item() {
    let item = GetCalendarItem::parse_response(get_item_answer(&full_item()).as_bytes()).unwrap();
    assert_eq!(item.id.id, "AAMkMaster");
    let folder = item.parent_folder_id.as_ref().unwrap();
    assert_eq!(
        (folder.id.as_str(), folder.change_key.as_deref()),
        ("AAMkFolder", Some("AQAAAA=="))
    );
    assert_eq!(item.subject, "Weekly sync & plan");
    assert_eq!(item.sensitivity, Some(Sensitivity::Private));
    assert_eq!(item.body.as_ref().unwrap().content, "<p>Agenda</p>");
    assert_eq!(item.date_time_received, Some(at("2026-03-01T10:00:00Z")));
    assert_eq!(item.size, Some(12_345));
    assert_eq!(item.categories, vec!["Blue category", "Projekt Ä"]);
    assert_eq!(item.importance, Some(Importance::High));
    assert_eq!(item.date_time_created, Some(at("2026-03-01T09:59:00Z")));
    assert_eq!(
        item.response_objects,
        vec!["CancelCalendarItem", "ForwardItem"]
    );
    assert!(item.reminder.is_set);
    assert_eq!(item.reminder.minutes_before_start, Some(15));
    assert_eq!(item.reminder.due_by, Some(at("2026-03-23T07:45:00Z")));
    assert_eq!(item.display_cc.as_deref(), Some("Frank"));
    assert_eq!(item.display_to.as_deref(), Some("Carol; Dave"));
    assert!(item.has_attachments);
    assert_eq!(item.culture.as_deref(), Some("de-DE"));
    assert_eq!(item.last_modified_name.as_deref(), Some("Alice"));
    assert_eq!(item.last_modified, Some(at("2026-03-02T11:00:00Z")));
    assert_eq!(
        item.uid.as_deref(),
        Some("040000008200E00074C5B7101A82E008")
    );
    assert_eq!(item.start, at("2026-03-23T08:00:00Z"));
    assert_eq!(item.end, at("2026-03-23T09:00:00Z"));
    assert!(!item.is_all_day && item.is_meeting && item.is_recurring && !item.is_cancelled);
    assert_eq!(item.free_busy_status.as_deref(), Some("Busy"));
    assert_eq!(item.location.as_deref(), Some("Room 4B"));
    assert!(item.meeting_request_was_sent);
    assert_eq!(item.is_response_requested, Some(true));
    assert_eq!(item.calendar_item_type.as_deref(), Some("RecurringMaster"));
    assert_eq!(item.my_response_type.as_deref(), Some("Organizer"));
    let organizer = item.organizer.as_ref().unwrap();
    assert_eq!(organizer.mailbox_type.as_deref(), Some("Mailbox"));
    assert_eq!(item.required_attendees.len(), 2);
    let carol = &item.required_attendees[0];
    assert_eq!(carol.mailbox.name.as_deref(), Some("Carol"));
    assert_eq!(carol.response, Some(ResponseType::Accept));
    assert_eq!(carol.last_response_time, Some(at("2026-03-01T12:00:00Z")));
    assert_eq!(
        item.required_attendees[1].response,
        Some(ResponseType::NoResponseReceived)
    );
    assert_eq!(item.required_attendees[1].last_response_time, None);
    assert_eq!(
        item.optional_attendees[0].response,
        Some(ResponseType::Tentative)
    );
    assert_eq!(
        item.resources[0].mailbox.email.as_deref(),
        Some("room4b@contoso.test")
    );
    assert_eq!(
        (item.conflicting_meeting_count, item.adjacent_meeting_count),
        (Some(1), Some(0))
    );
    assert_eq!(item.duration.as_deref(), Some("PT1H"));
    assert_eq!(
        item.time_zone.as_deref(),
        Some("(UTC+01:00) Amsterdam, Berlin")
    );
    assert_eq!(
        item.appointment_reply_time,
        Some(at("2026-03-01T12:30:00Z"))
    );
    assert_eq!(item.appointment_sequence_number, Some(2));
    assert_eq!(item.appointment_state, Some(1));
    let recurrence = item.recurrence.as_ref().unwrap();
    assert_eq!(
        recurrence.range,
        RecurrenceRange::EndDate {
            start: date(2026, 3, 23),
            end: date(2026, 6, 29)
        }
    );
    assert_eq!(item.first_occurrence.as_ref().unwrap().id.id, "AAMkFirst");
    let last = item.last_occurrence.as_ref().unwrap();
    assert_eq!(
        (last.start, last.original_start),
        (at("2026-06-29T07:00:00Z"), at("2026-06-29T07:00:00Z"))
    );
    assert_eq!(item.modified_occurrences.len(), 1);
    assert_eq!(
        item.modified_occurrences[0].original_start,
        at("2026-04-06T07:00:00Z")
    );
    assert_eq!(
        item.deleted_occurrences,
        vec![at("2026-04-13T07:00:00Z"), at("2026-04-20T07:00:00Z")]
    );
    let zone = item.start_time_zone.as_ref().unwrap();
    assert_eq!(zone.id.as_deref(), Some("W. Europe Standard Time"));
    assert_eq!(zone.name.as_deref(), Some("(UTC+01:00) Amsterdam, Berlin"));
    assert_eq!(item.end_time_zone, item.start_time_zone);
    assert_eq!(item.meeting_time_zone, None);
    assert_eq!(item.conference_type, Some(0));
    assert_eq!(item.allow_new_time_proposal, Some(false));
    assert!(item.is_online_meeting);
    assert_eq!(
        item.join_online_meeting_url.as_deref(),
        Some("https://meet.contoso.test/alice/42")
    );
    assert_eq!(item.is_organizer, Some(true));
    let unmodelled: Vec<&str> = item
        .unmodelled
        .iter()
        .map(exchange_ews::decoded::Node::name)
        .collect();
    assert_eq!(
        unmodelled,
        [
            "IsSubmitted",
            "IsDraft",
            "DateTimeSent",
            "EffectiveRights",
            "ConflictingMeetings",
            "MeetingWorkspaceUrl",
            "NetShowUrl"
        ]
    );
    let conflicting = &item.unmodelled[4];
    assert_eq!(
        conflicting.children()[0].child("Subject").unwrap().text(),
        "Other"
    );
}

#[test]
fn reads_the_2007_meeting_time_zone_and_the_2013_zone_ids() {
    let item = GetCalendarItem::parse_response(
        get_item_answer(&format!(
            r#"{IDS}{TIMES}<t:MeetingTimeZone TimeZoneName="Pacific Standard Time">
            <t:BaseOffset>PT8H</t:BaseOffset>
            <t:Standard TimeZoneName="Pacific Standard Time"><t:Offset>PT0M</t:Offset>
              <t:RelativeYearlyRecurrence><t:DaysOfWeek>Sunday</t:DaysOfWeek><t:DayOfWeekIndex>First</t:DayOfWeekIndex>
              <t:Month>November</t:Month></t:RelativeYearlyRecurrence><t:Time>02:00:00</t:Time></t:Standard>
            <t:Daylight><t:Offset>-PT60M</t:Offset><t:AbsoluteDate>2007-03-11</t:AbsoluteDate><t:Time>02:00:00</t:Time></t:Daylight>
            </t:MeetingTimeZone><t:StartTimeZoneId>Pacific Standard Time</t:StartTimeZoneId>"#
        ))
        .as_bytes(),
    )
    .unwrap();
    let zone = item.meeting_time_zone.unwrap();
    assert_eq!(zone.name.as_deref(), Some("Pacific Standard Time"));
    assert_eq!(zone.base_offset, Some(TimeDelta::hours(8)));
    let standard = zone.standard.unwrap();
    assert_eq!(standard.offset, TimeDelta::zero());
    assert_eq!(
        standard.rule,
        Some(TimeChangeRule::Relative {
            day_of_week: DayOfWeek::Sunday,
            index: DayOfWeekIndex::First,
            month: Month::November
        })
    );
    assert_eq!(standard.time, NaiveTime::from_hms_opt(2, 0, 0).unwrap());
    let daylight = zone.daylight.unwrap();
    assert_eq!(daylight.offset, TimeDelta::minutes(-60));
    assert_eq!(
        daylight.rule,
        Some(TimeChangeRule::Absolute(date(2007, 3, 11)))
    );
    let start = item.start_time_zone.unwrap();
    assert_eq!(
        (start.id.as_deref(), start.name),
        (Some("Pacific Standard Time"), None)
    );
    assert_eq!(item.end_time_zone, None);
}

#[test]
fn reads_every_pattern_and_range_and_writes_them_back() {
    let calendar = FolderTarget::Distinguished(DistinguishedFolder::Calendar);
    for (pattern, pattern_xml) in patterns() {
        for (range, range_xml) in ranges() {
            let xml = format!("<t:Recurrence>{pattern_xml}{range_xml}</t:Recurrence>");
            let read = GetCalendarItem::parse_response(
                get_item_answer(&format!("{IDS}{TIMES}{xml}")).as_bytes(),
            )
            .unwrap();
            let recurrence = Recurrence {
                pattern: pattern.clone(),
                range,
            };
            assert_eq!(read.recurrence.as_ref(), Some(&recurrence), "{xml}");
            let new =
                NewCalendarItem::new("Series", read.start, read.end).with_recurrence(recurrence);
            let request =
                CreateCalendarItem::new(calendar.clone(), new, SendMeetingInvitations::SendToNone)
                    .unwrap();
            assert!(
                request
                    .to_envelope(ExchangeVersion::Exchange2016)
                    .contains(&xml),
                "{xml}"
            );
        }
    }
}

fn error_of(inner: &str) -> EwsError {
    GetCalendarItem::parse_response(get_item_answer(&format!("{IDS}{TIMES}{inner}")).as_bytes())
        .expect_err(inner)
}

#[test]
fn refuses_values_of_the_wrong_kind_with_typed_errors() {
    let invalid = [
        ("<t:Sensitivity>Secret</t:Sensitivity>", "Sensitivity"),
        ("<t:Importance>Urgent</t:Importance>", "Importance"),
        ("<t:Size>-1</t:Size>", "Size"),
        ("<t:Size>99999999999999999999999</t:Size>", "Size"),
        ("<t:ReminderIsSet>maybe</t:ReminderIsSet>", "ReminderIsSet"),
        ("<t:ReminderMinutesBeforeStart>soon</t:ReminderMinutesBeforeStart>", "ReminderMinutesBeforeStart"),
        ("<t:DateTimeCreated>yesterday</t:DateTimeCreated>", "DateTimeCreated"),
        ("<t:AppointmentState>x</t:AppointmentState>", "AppointmentState"),
        ("<t:RequiredAttendees><t:Attendee><t:Mailbox/><t:ResponseType>Perhaps</t:ResponseType></t:Attendee></t:RequiredAttendees>", "ResponseType"),
        ("<t:RequiredAttendees><t:Attendee><t:Mailbox/><t:LastResponseTime>now</t:LastResponseTime></t:Attendee></t:RequiredAttendees>", "LastResponseTime"),
        ("<t:Recurrence><t:DailyRecurrence><t:Interval>often</t:Interval></t:DailyRecurrence><t:NoEndRecurrence><t:StartDate>2026-01-01</t:StartDate></t:NoEndRecurrence></t:Recurrence>", "Interval"),
        ("<t:DeletedOccurrences><t:DeletedOccurrence><t:Start>never</t:Start></t:DeletedOccurrence></t:DeletedOccurrences>", "Start"),
        ("<t:MeetingTimeZone><t:BaseOffset>PT8Y</t:BaseOffset></t:MeetingTimeZone>", "BaseOffset"),
        ("<t:MeetingTimeZone><t:BaseOffset>P30D</t:BaseOffset></t:MeetingTimeZone>", "BaseOffset"),
        ("<t:MeetingTimeZone><t:BaseOffset>PT0H</t:BaseOffset><t:Standard><t:Offset>PT0M</t:Offset><t:Time>25:00:00</t:Time></t:Standard></t:MeetingTimeZone>", "Time"),
        ("<t:IsOrganizer>yes</t:IsOrganizer>", "IsOrganizer"),
    ];
    for (inner, element) in invalid {
        match error_of(inner) {
            EwsError::InvalidValue {
                element: e, value, ..
            } => {
                assert_eq!(e, element, "{inner}");
                assert!(value.chars().count() <= 100);
            }
            other => panic!("{inner}: {other:?}"),
        }
    }
    let missing = [
        ("<t:RequiredAttendees><t:Attendee><t:ResponseType>Accept</t:ResponseType></t:Attendee></t:RequiredAttendees>", "Mailbox"),
        ("<t:FirstOccurrence><t:ItemId Id=\"A\"/><t:Start>2026-01-01T00:00:00Z</t:Start></t:FirstOccurrence>", "End"),
        ("<t:ModifiedOccurrences><t:Occurrence><t:Start>2026-01-01T00:00:00Z</t:Start></t:Occurrence></t:ModifiedOccurrences>", "ItemId"),
        ("<t:ParentFolderId/>", "@Id"),
        ("<t:Recurrence/>", "a recurrence pattern"),
        ("<t:MeetingTimeZone><t:BaseOffset>PT0H</t:BaseOffset><t:Standard><t:Offset>PT0M</t:Offset></t:Standard></t:MeetingTimeZone>", "Time"),
    ];
    for (inner, element) in missing {
        match error_of(inner) {
            EwsError::MissingElement { element: e, .. } => assert_eq!(e, element, "{inner}"),
            other => panic!("{inner}: {other:?}"),
        }
    }
    let hostile = format!("<t:Size>{}</t:Size>", "9".repeat(1_000_000));
    assert!(matches!(error_of(&hostile), EwsError::InvalidValue { .. }));
}

#[test]
fn refuses_truncated_items() {
    let answer = get_item_answer(&full_item());
    for cut in (100..answer.len()).step_by(997) {
        let result = GetCalendarItem::parse_response(&answer.as_bytes()[..cut]);
        assert!(
            matches!(result, Err(EwsError::MalformedXml { .. })),
            "cut at {cut}: {result:?}"
        );
    }
}

#[test]
fn unmodelled_children_survive_exactly() {
    let item = GetCalendarItem::parse_response(
        get_item_answer(&format!(
            r#"<t:Unknown A="1&amp;2">x &lt; y</t:Unknown>{IDS}<t:InboxReminders><t:InboxReminder><t:Id>1</t:Id></t:InboxReminder></t:InboxReminders>{TIMES}<t:Future/>"#
        ))
        .as_bytes(),
    )
    .unwrap();
    let names: Vec<&str> = item
        .unmodelled
        .iter()
        .map(exchange_ews::decoded::Node::name)
        .collect();
    assert_eq!(names, ["Unknown", "InboxReminders", "Future"]);
    assert_eq!(item.unmodelled[0].attribute("A"), Some("1&2"));
    assert_eq!(item.unmodelled[0].text(), "x < y");
    assert_eq!(item.unmodelled[1].descendants().len(), 2);
}

#[test]
fn the_samples_with_calendar_items_read_with_the_new_fields() {
    let Some(samples) = sample_files::samples() else {
        return;
    };
    let bytes = |name: &str| {
        samples
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.clone())
            .unwrap_or_else(|| panic!("no sample {name}"))
    };
    let full =
        GetCalendarItem::parse_response(&bytes("ms-getitem-calendar-response-full.xml")).unwrap();
    assert_eq!(full.sensitivity, Some(Sensitivity::Normal));
    assert_eq!(full.importance, Some(Importance::Normal));
    assert_eq!(full.size, Some(374));
    assert_eq!(
        full.parent_folder_id.as_ref().map(|f| f.id.as_str()),
        Some("ASUAdT==")
    );
    assert_eq!(full.reminder.minutes_before_start, Some(15));
    assert!(full.reminder.is_set);
    assert_eq!(full.response_objects, vec!["ForwardItem"]);
    assert_eq!(full.conflicting_meeting_count, Some(2));
    assert_eq!(full.duration.as_deref(), Some("PT30M"));
    assert_eq!(full.time_zone.as_deref(), Some("Pacific Standard Time"));
    assert_eq!(full.appointment_state, Some(0));
    assert_eq!(full.culture.as_deref(), Some("en-US"));
    assert!(full
        .unmodelled
        .iter()
        .any(|n| n.name() == "ConflictingMeetings"));

    // The documentation's answer asked for neither `Start` nor `End`, which the reader needs.
    let sample = bytes("ms-recurring-meeting-getitem-response.xml");
    assert!(matches!(
        GetCalendarItem::parse_response(&sample),
        Err(EwsError::MissingElement { .. })
    ));
    let with_times = String::from_utf8(sample).unwrap().replacen(
        "<t:CalendarItemType>",
        "<t:Start>2014-03-08T21:21:00Z</t:Start><t:End>2014-03-08T22:21:00Z</t:End><t:CalendarItemType>",
        1,
    );
    let master = GetCalendarItem::parse_response(with_times.as_bytes()).unwrap();
    assert_eq!(
        master.recurrence,
        Some(Recurrence {
            pattern: RecurrencePattern::Weekly {
                interval: 1,
                days: vec![DayOfWeek::Saturday],
                first_day_of_week: None
            },
            range: RecurrenceRange::Numbered {
                start: date(2014, 3, 8),
                count: 10
            },
        })
    );
    assert_eq!(
        master.first_occurrence.unwrap().start,
        at("2014-03-08T21:21:00Z")
    );
    assert_eq!(
        master.last_occurrence.unwrap().original_start,
        at("2014-05-10T20:21:00Z")
    );
    assert!(master.unmodelled.is_empty());

    let view =
        FindCalendarItems::parse_response(&bytes("ms-calendarview-finditem-response.xml")).unwrap();
    assert_eq!(view.items.len(), 5);
    assert!(view
        .items
        .iter()
        .all(|i| i.unmodelled.is_empty() && i.categories.is_empty()));
}
