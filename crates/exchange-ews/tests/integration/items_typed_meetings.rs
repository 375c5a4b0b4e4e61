//! Typed meeting messages: requests, responses and cancellations read from realistic XML.

use crate::items_support::{assert_message_part, names, read, utc, MESSAGE_PART, SHARED};
use exchange_ews::calendar::{FreeBusyStatus, MeetingRequestType, RecurrencePattern, ResponseType};
use exchange_ews::items::{
    BodyType, ExtendedValue, Importance, MapiPropertyType, PropertyPath, Sensitivity,
};
use exchange_ews::{Item, ItemId};

#[test]
fn reads_every_meeting_request_field() {
    let xml = format!(
        r#"<t:MeetingRequest>{shared}{MESSAGE_PART}
        <t:AssociatedCalendarItemId Id="AAMkCal" ChangeKey="DwAA"/>
        <t:IsDelegated>false</t:IsDelegated><t:IsOutOfDate>false</t:IsOutOfDate>
        <t:HasBeenProcessed>true</t:HasBeenProcessed><t:ResponseType>NoResponseReceived</t:ResponseType>
        <t:UID>040000008200E0</t:UID><t:RecurrenceId>2024-06-03T09:00:00Z</t:RecurrenceId>
        <t:DateTimeStamp>2024-05-03T08:14:00Z</t:DateTimeStamp><t:IsOrganizer>false</t:IsOrganizer>
        <t:MeetingRequestType>NewMeetingRequest</t:MeetingRequestType>
        <t:IntendedFreeBusyStatus>Busy</t:IntendedFreeBusyStatus>
        <t:Start>2024-06-03T09:00:00Z</t:Start><t:End>2024-06-03T10:00:00Z</t:End>
        <t:IsAllDayEvent>false</t:IsAllDayEvent><t:Location>Room 2</t:Location><t:When>Mondays</t:When>
        <t:IsMeeting>true</t:IsMeeting><t:IsCancelled>false</t:IsCancelled><t:IsRecurring>true</t:IsRecurring>
        <t:CalendarItemType>RecurringMaster</t:CalendarItemType><t:MyResponseType>NoResponseReceived</t:MyResponseType>
        <t:Organizer><t:Mailbox><t:Name>Bob</t:Name><t:EmailAddress>bob@contoso.test</t:EmailAddress></t:Mailbox></t:Organizer>
        <t:RequiredAttendees><t:Attendee><t:Mailbox><t:EmailAddress>ada@contoso.test</t:EmailAddress></t:Mailbox><t:ResponseType>Unknown</t:ResponseType></t:Attendee></t:RequiredAttendees>
        <t:OptionalAttendees><t:Attendee><t:Mailbox><t:EmailAddress>carol@contoso.test</t:EmailAddress></t:Mailbox></t:Attendee></t:OptionalAttendees>
        <t:Resources><t:Attendee><t:Mailbox><t:EmailAddress>room2@contoso.test</t:EmailAddress></t:Mailbox></t:Attendee></t:Resources>
        <t:Recurrence><t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Monday</t:DaysOfWeek></t:WeeklyRecurrence>
          <t:NoEndRecurrence><t:StartDate>2024-06-03</t:StartDate></t:NoEndRecurrence></t:Recurrence>
        </t:MeetingRequest>"#,
        shared = SHARED.replace("CLASS", "IPM.Schedule.Meeting.Request"),
    );
    let Item::MeetingRequest(r) = read(&xml).unwrap() else {
        panic!("a meeting request")
    };
    assert_shared!(r.message, "IPM.Schedule.Meeting.Request");
    assert_message_part(&r.message);
    assert!(r.message.unmodelled.is_empty());
    assert_eq!(
        r.associated_calendar_item_id,
        Some(ItemId::new("AAMkCal").with_change_key("DwAA"))
    );
    assert_eq!(
        (r.is_delegated, r.is_out_of_date),
        (Some(false), Some(false))
    );
    assert_eq!(r.has_been_processed, Some(true));
    assert_eq!(r.response_type, Some(ResponseType::NoResponseReceived));
    assert_eq!(r.uid.as_deref(), Some("040000008200E0"));
    assert_eq!(r.recurrence_id, Some(utc(2024, 6, 3, 9, 0)));
    assert_eq!(r.date_time_stamp, Some(utc(2024, 5, 3, 8, 14)));
    assert_eq!(r.is_organizer, Some(false));
    assert_eq!(
        r.meeting_request_type,
        Some(MeetingRequestType::NewMeetingRequest)
    );
    assert_eq!(r.intended_free_busy_status, Some(FreeBusyStatus::Busy));
    assert_eq!(
        (r.start, r.end),
        (Some(utc(2024, 6, 3, 9, 0)), Some(utc(2024, 6, 3, 10, 0)))
    );
    assert_eq!(
        (r.is_all_day, r.is_cancelled, r.is_recurring),
        (Some(false), Some(false), Some(true))
    );
    assert_eq!(r.location.as_deref(), Some("Room 2"));
    assert_eq!(r.calendar_item_type.as_deref(), Some("RecurringMaster"));
    assert_eq!(r.my_response_type, Some(ResponseType::NoResponseReceived));
    assert_eq!(r.organizer.as_ref().unwrap().name.as_deref(), Some("Bob"));
    assert_eq!(
        r.required_attendees[0].response,
        Some(ResponseType::Unknown)
    );
    assert_eq!(
        r.optional_attendees[0].mailbox.email.as_deref(),
        Some("carol@contoso.test")
    );
    assert_eq!(r.resources.len(), 1);
    assert!(matches!(
        r.recurrence.unwrap().pattern,
        RecurrencePattern::Weekly { interval: 1, .. }
    ));
    assert_eq!(
        names(&r.unmodelled),
        ["ResponseObjects", "LastModifiedName", "When", "IsMeeting"]
    );
}

#[test]
fn reads_meeting_responses_and_cancellations() {
    let response = r#"<t:MeetingResponse><t:ItemId Id="R1"/><t:ItemClass>IPM.Schedule.Meeting.Resp.Tent</t:ItemClass>
        <t:ResponseType>Tentative</t:ResponseType><t:Start>2024-06-03T09:00:00Z</t:Start><t:End>2024-06-03T10:00:00Z</t:End>
        <t:Location>Room 2</t:Location><t:CalendarItemType>Single</t:CalendarItemType>
        <t:ProposedStart>2024-06-03T11:00:00Z</t:ProposedStart><t:ProposedEnd>2024-06-03T12:00:00Z</t:ProposedEnd>
        <t:EnhancedLocation><t:DisplayName>Room 2</t:DisplayName></t:EnhancedLocation></t:MeetingResponse>"#;
    let Item::MeetingResponse(r) = read(response).unwrap() else {
        panic!("a meeting response")
    };
    assert_eq!(r.response_type, Some(ResponseType::Tentative));
    assert_eq!(r.proposed_start, Some(utc(2024, 6, 3, 11, 0)));
    assert_eq!(r.proposed_end, Some(utc(2024, 6, 3, 12, 0)));
    assert_eq!(r.calendar_item_type.as_deref(), Some("Single"));
    assert_eq!(names(&r.unmodelled), ["EnhancedLocation"]);

    let cancellation = r#"<t:MeetingCancellation><t:ItemId Id="C1"/><t:Subject>Canceled: Plan</t:Subject>
        <t:IsOutOfDate>false</t:IsOutOfDate><t:Start>2024-06-03T09:00:00Z</t:Start><t:End>2024-06-03T10:00:00Z</t:End>
        <t:Location>Room 2</t:Location></t:MeetingCancellation>"#;
    let item = read(cancellation).unwrap();
    assert_eq!(
        (item.kind(), item.id().id.as_str()),
        ("MeetingCancellation", "C1")
    );
    let Item::MeetingCancellation(c) = item else {
        panic!("a cancellation")
    };
    assert_eq!(c.message.subject.as_deref(), Some("Canceled: Plan"));
    assert_eq!(
        (c.start, c.location.as_deref()),
        (Some(utc(2024, 6, 3, 9, 0)), Some("Room 2"))
    );
    assert!(c.unmodelled.is_empty());
}
