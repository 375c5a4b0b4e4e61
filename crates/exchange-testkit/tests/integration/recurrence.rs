//! Recurring calendar items: expansion in a `CalendarView`, the master in `FindItem` and
//! `GetItem`, occurrences by id and index, deleted occurrences and time zones.

use crate::support;

use support::*;

const CREATE: &str = r#" SendMeetingInvitations="SendToNone""#;

/// A recurring calendar item with its first occurrence, pattern, range and time zone.
fn series(subject: &str, start: &str, end: &str, recurrence: &str, zone: Option<&str>) -> String {
    let zone = zone.map_or_else(String::new, |z| format!(r#"<t:StartTimeZone Id="{z}"/>"#));
    format!(
        "<t:CalendarItem><t:Subject>{subject}</t:Subject><t:Start>{start}</t:Start>\
         <t:End>{end}</t:End><t:Recurrence>{recurrence}</t:Recurrence>{zone}</t:CalendarItem>"
    )
}

fn calendar_view(start: &str, end: &str, max: Option<u32>) -> String {
    let max = max.map_or_else(String::new, |m| format!(r#" MaxEntriesReturned="{m}""#));
    find_in(
        &folder("calendar", None),
        "Default",
        &format!(r#"<m:CalendarView{max} StartDate="{start}" EndDate="{end}"/>"#),
        "",
    )
}

const WEEKLY: &str =
    "<t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Monday</t:DaysOfWeek>\
     </t:WeeklyRecurrence><t:NumberedRecurrence><t:StartDate>2024-03-25</t:StartDate>\
     <t:NumberOfOccurrences>4</t:NumberOfOccurrences></t:NumberedRecurrence>";

#[tokio::test]
async fn a_weekly_series_stays_at_local_time_across_daylight_saving() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let item = series(
        "Stand-up",
        "2024-03-25T08:00:00Z",
        "2024-03-25T08:15:00Z",
        WEEKLY,
        Some("W. Europe Standard Time"),
    );
    let (_, created) = alice.call(&create_items(&[item], None, CREATE)).await;
    assert_eq!(codes(&created), ["NoError"], "{created}");
    let master = item_ids(&created).remove(0).0;

    let (_, view) = alice
        .call(&calendar_view(
            "2024-03-20T00:00:00Z",
            "2024-05-01T00:00:00Z",
            None,
        ))
        .await;
    assert_eq!(codes(&view), ["NoError"]);
    // 09:00 in Berlin: 08:00Z before the change on 31 March, 07:00Z after.
    assert_eq!(
        texts(&view, T, "Start"),
        [
            "2024-03-25T08:00:00Z",
            "2024-04-01T07:00:00Z",
            "2024-04-08T07:00:00Z",
            "2024-04-15T07:00:00Z"
        ]
    );
    assert_eq!(texts(&view, T, "CalendarItemType"), ["Occurrence"; 4]);
    assert_eq!(texts(&view, T, "IsRecurring"), ["true"; 4]);
    let occurrences: Vec<String> = item_ids(&view).into_iter().map(|(id, _)| id).collect();
    assert_eq!(occurrences.len(), 4);
    assert!(!occurrences.contains(&master));

    let (_, plain) = alice
        .call(&find_in(&folder("calendar", None), "Default", "", ""))
        .await;
    assert_eq!(texts(&plain, T, "CalendarItemType"), ["RecurringMaster"]);
    assert!(
        first(&plain, T, "Recurrence").is_none(),
        "FindItem leaves it out"
    );

    let (_, got) = alice.call(&get_paths(&[&master], "Default", "")).await;
    assert_eq!(texts(&got, T, "CalendarItemType"), ["RecurringMaster"]);
    assert!(first(&got, T, "WeeklyRecurrence").is_some());
    let first_start = nodes(&got)
        .into_iter()
        .skip_while(|n| n.name != "FirstOccurrence")
        .find(|n| n.name == "Start")
        .map(|n| n.text);
    assert_eq!(first_start.as_deref(), Some("2024-03-25T08:00:00Z"));
    let last_start = nodes(&got)
        .into_iter()
        .skip_while(|n| n.name != "LastOccurrence")
        .find(|n| n.name == "Start")
        .map(|n| n.text);
    assert_eq!(last_start.as_deref(), Some("2024-04-15T07:00:00Z"));

    // Occurrences by their own id, by master and index; the master by an occurrence.
    let refs = format!(
        r#"<t:ItemId Id="{}"/><t:OccurrenceItemId RecurringMasterId="{master}" InstanceIndex="3"/><t:OccurrenceItemId RecurringMasterId="{master}" InstanceIndex="9"/><t:RecurringMasterItemId OccurrenceId="{}"/>"#,
        occurrences[1], occurrences[0]
    );
    let (_, got) = alice
        .call(&get_refs(&refs, "AllProperties", None, ""))
        .await;
    assert_eq!(
        codes(&got),
        [
            "NoError",
            "NoError",
            "ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange",
            "NoError"
        ]
    );
    assert_eq!(
        texts(&got, T, "OriginalStart"),
        [
            "2024-04-01T07:00:00Z",
            "2024-04-08T07:00:00Z",
            // FirstOccurrence and LastOccurrence of the master.
            "2024-03-25T08:00:00Z",
            "2024-04-15T07:00:00Z"
        ]
    );
    assert_eq!(
        texts(&got, T, "CalendarItemType"),
        ["Occurrence", "Occurrence", "RecurringMaster"]
    );

    // Deleting an occurrence keeps it as a deleted occurrence of the series.
    let (_, refused) = alice
        .call(&delete_ids(
            &[&occurrences[1]],
            r#" DeleteType="HardDelete""#,
        ))
        .await;
    assert_eq!(codes(&refused), ["ErrorSendMeetingCancellationsRequired"]);
    let delete = r#" DeleteType="HardDelete" SendMeetingCancellations="SendToNone""#;
    let (_, deleted) = alice.call(&delete_ids(&[&occurrences[1]], delete)).await;
    assert_eq!(codes(&deleted), ["NoError"]);
    assert_eq!(server.calendar_len(ALICE.smtp), 1);
    let (_, view) = alice
        .call(&calendar_view(
            "2024-03-20T00:00:00Z",
            "2024-05-01T00:00:00Z",
            None,
        ))
        .await;
    assert_eq!(texts(&view, T, "Start").len(), 3);
    let (_, got) = alice.call(&get_paths(&[&master], "Default", "")).await;
    let deleted_start = nodes(&got)
        .into_iter()
        .skip_while(|n| n.name != "DeletedOccurrence")
        .find(|n| n.name == "Start")
        .map(|n| n.text);
    assert_eq!(deleted_start.as_deref(), Some("2024-04-01T07:00:00Z"));
    let (_, gone) = alice
        .call(&get_paths(&[&occurrences[1]], "IdOnly", ""))
        .await;
    assert_eq!(
        codes(&gone),
        ["ErrorCalendarOccurrenceIsDeletedFromRecurrence"]
    );
    let (_, again) = alice.call(&delete_ids(&[&occurrences[1]], delete)).await;
    assert_eq!(
        codes(&again),
        ["ErrorCalendarOccurrenceIsDeletedFromRecurrence"]
    );
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn every_pattern_expands_within_the_window() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let daily = series(
        "Daily",
        "2024-01-01T12:00:00Z",
        "2024-01-01T12:30:00Z",
        "<t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence>\
         <t:NoEndRecurrence><t:StartDate>2024-01-01</t:StartDate></t:NoEndRecurrence>",
        None,
    );
    let monthly = series(
        "Patch Tuesday",
        "2024-01-09T17:00:00Z",
        "2024-01-09T18:00:00Z",
        "<t:RelativeMonthlyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Tuesday</t:DaysOfWeek>\
         <t:DayOfWeekIndex>Second</t:DayOfWeekIndex></t:RelativeMonthlyRecurrence>\
         <t:EndDateRecurrence><t:StartDate>2024-01-01</t:StartDate><t:EndDate>2024-12-31</t:EndDate>\
         </t:EndDateRecurrence>",
        Some("Pacific Standard Time"),
    );
    let quarterly = series(
        "Quarterly",
        "2024-01-15T09:00:00Z",
        "2024-01-15T10:00:00Z",
        "<t:AbsoluteMonthlyRecurrence><t:Interval>3</t:Interval><t:DayOfMonth>15</t:DayOfMonth>\
         </t:AbsoluteMonthlyRecurrence><t:NumberedRecurrence><t:StartDate>2024-01-01</t:StartDate>\
         <t:NumberOfOccurrences>3</t:NumberOfOccurrences></t:NumberedRecurrence>",
        Some("UTC"),
    );
    let yearly = series(
        "Anniversary",
        "2024-06-01T00:00:00Z",
        "2024-06-02T00:00:00Z",
        "<t:AbsoluteYearlyRecurrence><t:DayOfMonth>1</t:DayOfMonth><t:Month>June</t:Month>\
         </t:AbsoluteYearlyRecurrence><t:NoEndRecurrence><t:StartDate>2024-01-01</t:StartDate>\
         </t:NoEndRecurrence>",
        None,
    );
    let thanksgiving = series(
        "Thanksgiving",
        "2024-11-28T17:00:00Z",
        "2024-11-28T18:00:00Z",
        "<t:RelativeYearlyRecurrence><t:DaysOfWeek>Thursday</t:DaysOfWeek>\
         <t:DayOfWeekIndex>Fourth</t:DayOfWeekIndex><t:Month>November</t:Month>\
         </t:RelativeYearlyRecurrence><t:NoEndRecurrence><t:StartDate>2024-01-01</t:StartDate>\
         </t:NoEndRecurrence>",
        Some("Eastern Standard Time"),
    );
    let items = [daily, monthly, quarterly, yearly, thanksgiving];
    let (_, created) = alice.call(&create_items(&items, None, CREATE)).await;
    assert_eq!(codes(&created), ["NoError"; 5], "{created}");

    let (_, ten_days) = alice
        .call(&calendar_view(
            "2024-01-01T00:00:00Z",
            "2024-01-11T00:00:00Z",
            None,
        ))
        .await;
    assert_eq!(
        texts(&ten_days, T, "Subject"),
        [vec!["Daily"; 9], vec!["Patch Tuesday"], vec!["Daily"]].concat()
    );
    let (_, limited) = alice
        .call(&calendar_view(
            "2024-01-01T00:00:00Z",
            "2024-01-11T00:00:00Z",
            Some(3),
        ))
        .await;
    let root = first(&limited, M, "RootFolder").unwrap();
    assert_eq!(root.attr("TotalItemsInView"), Some("11"));
    assert_eq!(root.attr("IncludesLastItemInRange"), Some("false"));

    // A year without the daily series: only the other patterns.
    let (_, year) = alice
        .call(&calendar_view(
            "2024-01-01T00:00:00Z",
            "2025-12-31T00:00:00Z",
            None,
        ))
        .await;
    let subjects = texts(&year, T, "Subject");
    let count = |s: &str| subjects.iter().filter(|x| *x == s).count();
    assert_eq!(count("Patch Tuesday"), 12);
    assert_eq!(count("Quarterly"), 3);
    assert_eq!(count("Anniversary"), 2);
    assert_eq!(count("Thanksgiving"), 2);
    // 17:00Z is 09:00 in Pacific winter time; the summer ones stay at 09:00 local.
    let starts = texts(&year, T, "Start");
    assert!(starts.contains(&"2024-07-09T16:00:00Z".to_owned()));
    assert!(starts.contains(&"2025-11-27T17:00:00Z".to_owned()));
    assert!(starts.contains(&"2024-07-15T09:00:00Z".to_owned()));
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn broken_series_and_zones_get_ews_errors() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let mars = series(
        "Mars",
        "2024-01-01T09:00:00Z",
        "2024-01-01T10:00:00Z",
        WEEKLY,
        Some("Mars Standard Time"),
    );
    let (_, answer) = alice.call(&create_items(&[mars], None, CREATE)).await;
    assert_eq!(codes(&answer), ["ErrorTimeZone"]);
    assert_eq!(server.calendar_len(ALICE.smtp), 0);
    let zero = series(
        "Never",
        "2024-01-01T09:00:00Z",
        "2024-01-01T10:00:00Z",
        "<t:DailyRecurrence><t:Interval>0</t:Interval></t:DailyRecurrence>\
         <t:NoEndRecurrence><t:StartDate>2024-01-01</t:StartDate></t:NoEndRecurrence>",
        None,
    );
    let (status, answer) = alice.call(&create_items(&[zero], None, CREATE)).await;
    assert_eq!(status, 500);
    assert_eq!(
        fault_code(&answer).as_deref(),
        Some("a:ErrorSchemaValidation")
    );

    let item = series(
        "Weekly",
        "2024-03-25T08:00:00Z",
        "2024-03-25T09:00:00Z",
        WEEKLY,
        None,
    );
    let (_, created) = alice.call(&create_items(&[item], None, CREATE)).await;
    let master = item_ids(&created).remove(0).0;
    let refs = format!(
        r#"<t:OccurrenceItemId RecurringMasterId="bm9wZQ==" InstanceIndex="1"/><t:OccurrenceItemId RecurringMasterId="{master}" InstanceIndex="0"/><t:OccurrenceItemId RecurringMasterId="{master}" InstanceIndex="-5"/><t:RecurringMasterItemId OccurrenceId="{master}"/>"#
    );
    let (_, answer) = alice.call(&get_refs(&refs, "IdOnly", None, "")).await;
    assert_eq!(
        codes(&answer),
        [
            "ErrorInvalidIdMalformed",
            "ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange",
            "ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange",
            "ErrorInvalidIdMalformed"
        ]
    );
    let (_, view) = alice
        .call(&calendar_view(
            "2024-03-20T00:00:00Z",
            "2024-05-01T00:00:00Z",
            None,
        ))
        .await;
    let occurrence = item_ids(&view).remove(0).0;
    // A changed occurrence becomes an exception of its series.
    let changes = [
        change(
            "SetItemField",
            &field("item:Subject"),
            Some("<t:CalendarItem><t:Subject>Moved</t:Subject></t:CalendarItem>"),
        ),
        change(
            "SetItemField",
            &field("calendar:Start"),
            Some("<t:CalendarItem><t:Start>2024-03-25T10:00:00Z</t:Start></t:CalendarItem>"),
        ),
        change(
            "SetItemField",
            &field("calendar:End"),
            Some("<t:CalendarItem><t:End>2024-03-25T11:00:00Z</t:End></t:CalendarItem>"),
        ),
    ];
    let attributes = r#" ConflictResolution="AlwaysOverwrite" SendMeetingInvitationsOrCancellations="SendToNone""#;
    let (_, answer) = alice
        .call(&update_with(&occurrence, None, attributes, &changes))
        .await;
    assert_eq!(codes(&answer), ["NoError"]);
    assert_eq!(item_ids(&answer)[0].0, occurrence);
    let (_, view) = alice
        .call(&calendar_view(
            "2024-03-20T00:00:00Z",
            "2024-05-01T00:00:00Z",
            None,
        ))
        .await;
    assert_eq!(
        texts(&view, T, "CalendarItemType"),
        ["Exception", "Occurrence", "Occurrence", "Occurrence"]
    );
    assert_eq!(texts(&view, T, "Subject")[0], "Moved");
    assert_eq!(texts(&view, T, "Start")[0], "2024-03-25T10:00:00Z");
    let (_, got) = alice.call(&get_paths(&[&master], "Default", "")).await;
    let modified: Vec<String> = nodes(&got)
        .into_iter()
        .skip_while(|n| n.name != "ModifiedOccurrences")
        .filter(|n| n.name == "Start" || n.name == "OriginalStart")
        .take(2)
        .map(|n| n.text)
        .collect();
    assert_eq!(modified, ["2024-03-25T10:00:00Z", "2024-03-25T08:00:00Z"]);
    let (_, got) = alice.call(&get_paths(&[&occurrence], "Default", "")).await;
    assert_eq!(texts(&got, T, "Subject"), ["Moved"]);
    // Attachments of single occurrences are not modelled.
    let (_, answer) = alice
        .call(&create_attachments(
            &occurrence,
            &[file_attachment("a", "YQ==", None)],
        ))
        .await;
    assert_eq!(codes(&answer), ["ErrorInvalidOperation"]);
    // Deleting the exception deletes the occurrence.
    let delete = r#" DeleteType="HardDelete" SendMeetingCancellations="SendToNone""#;
    let (_, answer) = alice.call(&delete_ids(&[&occurrence], delete)).await;
    assert_eq!(codes(&answer), ["NoError"]);
    let (_, got) = alice.call(&get_paths(&[&master], "Default", "")).await;
    assert!(first(&got, T, "ModifiedOccurrences").is_none());
    assert!(first(&got, T, "DeletedOccurrences").is_some());
    // Other mailboxes' series stay closed.
    let carol = Client::new(&server, CAROL);
    let (_, denied) = carol.call(&get_paths(&[&occurrence], "IdOnly", "")).await;
    assert_eq!(codes(&denied), ["ErrorAccessDenied"]);
    let mut requests = alice.sent();
    requests.extend(carol.sent());
    validate(&server, &requests, 0);
}

#[tokio::test]
async fn a_series_moves_and_copies_whole_but_an_occurrence_does_not() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let item = series(
        "Stand-up",
        "2024-03-25T08:00:00Z",
        "2024-03-25T08:15:00Z",
        WEEKLY,
        None,
    );
    let (_, created) = alice.call(&create_items(&[item], None, CREATE)).await;
    let master = item_ids(&created).remove(0).0;
    let view = || calendar_view("2024-03-20T00:00:00Z", "2024-05-01T00:00:00Z", None);
    let (_, before) = alice.call(&view()).await;
    let occurrence = item_ids(&before).remove(1).0;
    for operation in ["MoveItem", "CopyItem"] {
        let (_, answer) = alice
            .call(&transfer(operation, &[&occurrence], "deleteditems"))
            .await;
        assert_eq!(
            codes(&answer),
            ["ErrorCalendarCannotMoveOrCopyOccurrence"],
            "{answer}"
        );
    }

    // A copy in the same folder is a second series with ids of its own.
    let (_, copied) = alice
        .call(&transfer("CopyItem", &[&master], "calendar"))
        .await;
    assert_eq!(codes(&copied), ["NoError"], "{copied}");
    let copy = item_ids(&copied).remove(0).0;
    assert_ne!(copy, master);
    let (_, both) = alice.call(&view()).await;
    assert_eq!(texts(&both, T, "Subject"), ["Stand-up"; 8]);

    // The original series leaves: its occurrences go with it, the copy's stay.
    let (_, moved) = alice
        .call(&transfer("MoveItem", &[&master], "deleteditems"))
        .await;
    assert_eq!(codes(&moved), ["NoError"], "{moved}");
    let (_, after) = alice.call(&view()).await;
    let left: Vec<String> = item_ids(&after).into_iter().map(|(id, _)| id).collect();
    assert_eq!(left.len(), 4);
    assert!(!left.contains(&occurrence));
    let (_, gone) = alice
        .call(&get_paths(&[&master, &occurrence], "IdOnly", ""))
        .await;
    assert_eq!(codes(&gone), ["ErrorItemNotFound"; 2]);
    assert_eq!(server.item_count(ALICE.smtp, "deleteditems"), 1);
    validate(&server, &alice.sent(), 0);
}
