//! Calendar items as Exchange sends them, shared by the calendar tests.

use chrono::{DateTime, Month, NaiveDate, Utc};
use exchange_ews::calendar::{DayOfWeek, DayOfWeekIndex, RecurrencePattern, RecurrenceRange};

pub(crate) fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// A `GetItem` answer holding one calendar item with `inner` as its children.
pub(crate) fn get_item_answer(inner: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
<m:GetItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"
    xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
<m:ResponseMessages><m:GetItemResponseMessage ResponseClass="Success">
<m:ResponseCode>NoError</m:ResponseCode><m:Items><t:CalendarItem>{inner}</t:CalendarItem>
</m:Items></m:GetItemResponseMessage></m:ResponseMessages></m:GetItemResponse></s:Body></s:Envelope>"#
    )
}

pub(crate) const IDS: &str = r#"<t:ItemId Id="AAMkMaster" ChangeKey="DwAAAB"/>"#;
pub(crate) const TIMES: &str =
    "<t:Start>2026-03-23T08:00:00Z</t:Start><t:End>2026-03-23T09:00:00Z</t:End>";

/// A recurring meeting as Exchange 2016 returns it for `GetItem` with every property.
pub(crate) fn full_item() -> String {
    format!(
        r#"{IDS}
<t:ParentFolderId Id="AAMkFolder" ChangeKey="AQAAAA=="/>
<t:ItemClass>IPM.Appointment</t:ItemClass><t:Subject>Weekly sync &amp; plan</t:Subject>
<t:Sensitivity>Private</t:Sensitivity><t:Body BodyType="HTML">&lt;p&gt;Agenda&lt;/p&gt;</t:Body>
<t:DateTimeReceived>2026-03-01T10:00:00Z</t:DateTimeReceived><t:Size>12345</t:Size>
<t:Categories><t:String>Blue category</t:String><t:String>Projekt Ä</t:String></t:Categories>
<t:Importance>High</t:Importance><t:IsSubmitted>false</t:IsSubmitted><t:IsDraft>false</t:IsDraft>
<t:DateTimeSent>2026-03-01T10:00:00Z</t:DateTimeSent><t:DateTimeCreated>2026-03-01T09:59:00Z</t:DateTimeCreated>
<t:ResponseObjects><t:CancelCalendarItem/><t:ForwardItem/></t:ResponseObjects>
<t:ReminderDueBy>2026-03-23T07:45:00Z</t:ReminderDueBy><t:ReminderIsSet>true</t:ReminderIsSet>
<t:ReminderMinutesBeforeStart>15</t:ReminderMinutesBeforeStart><t:DisplayCc>Frank</t:DisplayCc>
<t:DisplayTo>Carol; Dave</t:DisplayTo><t:HasAttachments>true</t:HasAttachments><t:Culture>de-DE</t:Culture>
<t:EffectiveRights><t:Delete>true</t:Delete><t:Modify>true</t:Modify></t:EffectiveRights>
<t:LastModifiedName>Alice</t:LastModifiedName><t:LastModifiedTime>2026-03-02T11:00:00Z</t:LastModifiedTime>
<t:UID>040000008200E00074C5B7101A82E008</t:UID>{TIMES}
<t:IsAllDayEvent>false</t:IsAllDayEvent><t:LegacyFreeBusyStatus>Busy</t:LegacyFreeBusyStatus>
<t:Location>Room 4B</t:Location><t:IsMeeting>true</t:IsMeeting><t:IsCancelled>false</t:IsCancelled>
<t:IsRecurring>true</t:IsRecurring><t:MeetingRequestWasSent>true</t:MeetingRequestWasSent>
<t:IsResponseRequested>true</t:IsResponseRequested><t:CalendarItemType>RecurringMaster</t:CalendarItemType>
<t:MyResponseType>Organizer</t:MyResponseType>
<t:Organizer><t:Mailbox><t:Name>Alice</t:Name><t:EmailAddress>alice@contoso.test</t:EmailAddress>
<t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox></t:Organizer>
<t:RequiredAttendees><t:Attendee><t:Mailbox><t:Name>Carol</t:Name><t:EmailAddress>carol@contoso.test</t:EmailAddress></t:Mailbox>
<t:ResponseType>Accept</t:ResponseType><t:LastResponseTime>2026-03-01T12:00:00Z</t:LastResponseTime></t:Attendee>
<t:Attendee><t:Mailbox><t:Name>Dave</t:Name><t:EmailAddress>dave@contoso.test</t:EmailAddress></t:Mailbox>
<t:ResponseType>NoResponseReceived</t:ResponseType></t:Attendee></t:RequiredAttendees>
<t:OptionalAttendees><t:Attendee><t:Mailbox><t:EmailAddress>frank@contoso.test</t:EmailAddress></t:Mailbox>
<t:ResponseType>Tentative</t:ResponseType></t:Attendee></t:OptionalAttendees>
<t:Resources><t:Attendee><t:Mailbox><t:Name>Room 4B</t:Name><t:EmailAddress>room4b@contoso.test</t:EmailAddress></t:Mailbox>
<t:ResponseType>Accept</t:ResponseType></t:Attendee></t:Resources>
<t:ConflictingMeetingCount>1</t:ConflictingMeetingCount><t:AdjacentMeetingCount>0</t:AdjacentMeetingCount>
<t:ConflictingMeetings><t:CalendarItem><t:ItemId Id="AAMkOther"/><t:Subject>Other</t:Subject></t:CalendarItem></t:ConflictingMeetings>
<t:Duration>PT1H</t:Duration><t:TimeZone>(UTC+01:00) Amsterdam, Berlin</t:TimeZone>
<t:AppointmentReplyTime>2026-03-01T12:30:00Z</t:AppointmentReplyTime>
<t:AppointmentSequenceNumber>2</t:AppointmentSequenceNumber><t:AppointmentState>1</t:AppointmentState>
<t:Recurrence><t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Monday</t:DaysOfWeek>
<t:FirstDayOfWeek>Monday</t:FirstDayOfWeek></t:WeeklyRecurrence>
<t:EndDateRecurrence><t:StartDate>2026-03-23+01:00</t:StartDate><t:EndDate>2026-06-29+02:00</t:EndDate></t:EndDateRecurrence></t:Recurrence>
<t:FirstOccurrence><t:ItemId Id="AAMkFirst"/><t:Start>2026-03-23T08:00:00Z</t:Start><t:End>2026-03-23T09:00:00Z</t:End>
<t:OriginalStart>2026-03-23T08:00:00Z</t:OriginalStart></t:FirstOccurrence>
<t:LastOccurrence><t:ItemId Id="AAMkLast"/><t:Start>2026-06-29T07:00:00Z</t:Start><t:End>2026-06-29T08:00:00Z</t:End>
<t:OriginalStart>2026-06-29T07:00:00Z</t:OriginalStart></t:LastOccurrence>
<t:ModifiedOccurrences><t:Occurrence><t:ItemId Id="AAMkMoved"/><t:Start>2026-04-07T09:00:00Z</t:Start>
<t:End>2026-04-07T10:00:00Z</t:End><t:OriginalStart>2026-04-06T07:00:00Z</t:OriginalStart></t:Occurrence></t:ModifiedOccurrences>
<t:DeletedOccurrences><t:DeletedOccurrence><t:Start>2026-04-13T07:00:00Z</t:Start></t:DeletedOccurrence>
<t:DeletedOccurrence><t:Start>2026-04-20T07:00:00Z</t:Start></t:DeletedOccurrence></t:DeletedOccurrences>
<t:StartTimeZone Id="W. Europe Standard Time" Name="(UTC+01:00) Amsterdam, Berlin"><t:Periods>
<t:Period Bias="-PT60M" Name="Standard" Id="std"/></t:Periods></t:StartTimeZone>
<t:EndTimeZone Id="W. Europe Standard Time" Name="(UTC+01:00) Amsterdam, Berlin"/>
<t:ConferenceType>0</t:ConferenceType><t:AllowNewTimeProposal>false</t:AllowNewTimeProposal>
<t:IsOnlineMeeting>true</t:IsOnlineMeeting><t:MeetingWorkspaceUrl/><t:NetShowUrl/>
<t:JoinOnlineMeetingUrl>https://meet.contoso.test/alice/42</t:JoinOnlineMeetingUrl>
<t:IsOrganizer>true</t:IsOrganizer>"#
    )
}

pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Every calendar pattern with the XML Exchange sends for it.
pub(crate) fn patterns() -> Vec<(RecurrencePattern, &'static str)> {
    vec![
        (
            RecurrencePattern::Daily { interval: 2 },
            "<t:DailyRecurrence><t:Interval>2</t:Interval></t:DailyRecurrence>",
        ),
        (
            RecurrencePattern::Weekly {
                interval: 1,
                days: vec![DayOfWeek::Monday, DayOfWeek::Friday],
                first_day_of_week: Some(DayOfWeek::Sunday),
            },
            "<t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Monday Friday</t:DaysOfWeek><t:FirstDayOfWeek>Sunday</t:FirstDayOfWeek></t:WeeklyRecurrence>",
        ),
        (
            RecurrencePattern::AbsoluteMonthly { interval: 1, day_of_month: 15 },
            "<t:AbsoluteMonthlyRecurrence><t:Interval>1</t:Interval><t:DayOfMonth>15</t:DayOfMonth></t:AbsoluteMonthlyRecurrence>",
        ),
        (
            RecurrencePattern::RelativeMonthly {
                interval: 2,
                day_of_week: DayOfWeek::Tuesday,
                index: DayOfWeekIndex::Second,
            },
            "<t:RelativeMonthlyRecurrence><t:Interval>2</t:Interval><t:DaysOfWeek>Tuesday</t:DaysOfWeek><t:DayOfWeekIndex>Second</t:DayOfWeekIndex></t:RelativeMonthlyRecurrence>",
        ),
        (
            RecurrencePattern::AbsoluteYearly { day_of_month: 1, month: Month::April },
            "<t:AbsoluteYearlyRecurrence><t:DayOfMonth>1</t:DayOfMonth><t:Month>April</t:Month></t:AbsoluteYearlyRecurrence>",
        ),
        (
            RecurrencePattern::RelativeYearly {
                day_of_week: DayOfWeek::WeekendDay,
                index: DayOfWeekIndex::Last,
                month: Month::October,
            },
            "<t:RelativeYearlyRecurrence><t:DaysOfWeek>WeekendDay</t:DaysOfWeek><t:DayOfWeekIndex>Last</t:DayOfWeekIndex><t:Month>October</t:Month></t:RelativeYearlyRecurrence>",
        ),
    ]
}

pub(crate) fn ranges() -> Vec<(RecurrenceRange, &'static str)> {
    vec![
        (
            RecurrenceRange::NoEnd { start: date(2026, 3, 23) },
            "<t:NoEndRecurrence><t:StartDate>2026-03-23</t:StartDate></t:NoEndRecurrence>",
        ),
        (
            RecurrenceRange::EndDate { start: date(2026, 3, 23), end: date(2026, 12, 31) },
            "<t:EndDateRecurrence><t:StartDate>2026-03-23</t:StartDate><t:EndDate>2026-12-31</t:EndDate></t:EndDateRecurrence>",
        ),
        (
            RecurrenceRange::Numbered { start: date(2026, 3, 23), count: 12 },
            "<t:NumberedRecurrence><t:StartDate>2026-03-23</t:StartDate><t:NumberOfOccurrences>12</t:NumberOfOccurrences></t:NumberedRecurrence>",
        ),
    ]
}
