//! A deterministic `FindItem` `CalendarView` response of full calendar items, shaped after
//! what Exchange sends (all default-shape properties plus the calendar ones), for the
//! parsing benchmark, the streaming-memory example and the test that checks both read it
//! right.
//!
//! Subjects and locations mix escaped characters (`&amp;`, `&lt;`, `&#x11;`) and non-ASCII
//! text, as real calendars do.

use std::fmt::Write as _;

/// Subjects, escaped as they appear on the wire, with the text they decode to.
pub(crate) const SUBJECTS: [(&str, &str); 6] = [
    ("Weekly sync &amp; planning", "Weekly sync & planning"),
    (
        "Réunion d’équipe – budget 2025",
        "Réunion d’équipe – budget 2025",
    ),
    ("Design review &lt;v2&gt;", "Design review <v2>"),
    ("週次定例会議", "週次定例会議"),
    ("Status&#x11; update", "Status\u{11} update"),
    ("Lunch with Zoë &amp; Jürgen", "Lunch with Zoë & Jürgen"),
];

/// Locations, escaped as they appear on the wire, with the text they decode to.
pub(crate) const LOCATIONS: [(&str, &str); 4] = [
    ("Conference Room 4B", "Conference Room 4B"),
    ("Café Zürich &amp; Lounge", "Café Zürich & Lounge"),
    ("会議室 3F", "会議室 3F"),
    ("Teams&#x11;Meeting", "Teams\u{11}Meeting"),
];

/// Organizers: display name, SMTP address.
pub(crate) const ORGANIZERS: [(&str, &str); 3] = [
    ("Alice Müller", "alice.mueller@contoso.test"),
    ("Bob O&apos;Neil", "bob.oneil@contoso.test"),
    ("Søren Ærø", "soren@fabrikam.test"),
];

/// The id of item `n`: base64-like, long as real ones are.
pub(crate) fn item_id(n: usize) -> String {
    format!("AAMkAGI2TG93AAA{n:010}AARgAAAAAAdJHtQmOaBXzRakU7GX0fgYBwBiE2ElwsUcSYl9iv8P7nlJAAAAAAENAABiE2ElwsUcSYl9iv8P7nlJAAA=")
}

/// The change key of item `n`.
pub(crate) fn change_key(n: usize) -> String {
    format!("DwAAABYAAABiE2ElwsUcSYl9iv8P7nlJ{:08}", n % 97)
}

/// The start of item `n`, as `xs:dateTime` text: items every 30 minutes from 2024-01-01.
pub(crate) fn start(n: usize) -> String {
    date_time(n * 30)
}

/// The end of item `n`: 30 or 60 minutes after its start.
pub(crate) fn end(n: usize) -> String {
    date_time(n * 30 + 30 + 30 * (n % 2))
}

fn date_time(minutes: usize) -> String {
    // Months of 28 days keep the arithmetic simple; every date is still a valid one.
    let (days, rest) = (minutes / 1440, minutes % 1440);
    let (year, month, day) = (2024 + days / 336, 1 + days / 28 % 12, 1 + days % 28);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:00Z",
        rest / 60,
        rest % 60
    )
}

/// A whole response: `count` calendar items numbered from `first`.
pub(crate) fn find_item_response(first: usize, count: usize) -> Vec<u8> {
    let mut xml = String::with_capacity(count * 9_000 + 2_000);
    xml.push_str(concat!(
        r#"<?xml version="1.0" encoding="utf-8"?>"#,
        "\n",
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">"#,
        "\n  <s:Header>\n    ",
        r#"<h:ServerVersionInfo MajorVersion="15" MinorVersion="20" MajorBuildNumber="7452" MinorBuildNumber="28" Version="V2018_01_08" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types" xmlns="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>"#,
        "\n  </s:Header>\n  ",
        r#"<s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">"#,
        "\n    ",
        r#"<m:FindItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">"#,
        "\n      <m:ResponseMessages>\n        ",
        r#"<m:FindItemResponseMessage ResponseClass="Success">"#,
        "\n          <m:ResponseCode>NoError</m:ResponseCode>\n"
    ));
    // Writing into a String cannot fail.
    let _ = writeln!(
        xml,
        r#"          <m:RootFolder TotalItemsInView="{count}" IncludesLastItemInRange="true">"#
    );
    xml.push_str("            <t:Items>\n");
    for n in first..first + count {
        write_item(&mut xml, n);
    }
    xml.push_str(concat!(
        "            </t:Items>\n          </m:RootFolder>\n",
        "        </m:FindItemResponseMessage>\n      </m:ResponseMessages>\n",
        "    </m:FindItemResponse>\n  </s:Body>\n</s:Envelope>\n"
    ));
    xml.into_bytes()
}

/// The categories of item `n` (none for every fourth item).
pub(crate) fn categories(n: usize) -> &'static [&'static str] {
    const SETS: [&[&str]; 4] = [
        &[],
        &["Blue category"],
        &["Red category", "Projekt Ä"],
        &["Green category"],
    ];
    SETS[n % SETS.len()]
}

/// Whether item `n` is a recurring master (with its recurrence and occurrences).
pub(crate) fn is_master(n: usize) -> bool {
    n.is_multiple_of(5)
}

/// Whether item `n` is a meeting (with attendees and a room).
pub(crate) fn is_meeting(n: usize) -> bool {
    n.is_multiple_of(3)
}

/// The required attendees of a meeting: display name, address, response.
pub(crate) const ATTENDEES: [(&str, &str, &str); 3] = [
    ("Carol Núñez", "carol@contoso.test", "Accept"),
    ("Dave &amp; Co", "dave@fabrikam.test", "Tentative"),
    ("Erin", "erin@contoso.test", "NoResponseReceived"),
];

/// The `W. Europe Standard Time` definition Exchange 2016 sends with `StartTimeZone` and
/// `EndTimeZone`.
const BERLIN_PERIODS: &str = r#"<t:Periods><t:Period Bias="-PT60M" Name="Standard" Id="trule:Microsoft/Registry/W. Europe Standard Time/2006-Standard"/><t:Period Bias="-PT120M" Name="Daylight" Id="trule:Microsoft/Registry/W. Europe Standard Time/2006-Daylight"/></t:Periods><t:TransitionsGroups><t:TransitionsGroup Id="0"><t:RecurringDayTransition><t:To Kind="Period">trule:Microsoft/Registry/W. Europe Standard Time/2006-Standard</t:To><t:TimeOffset>PT180M</t:TimeOffset><t:Month>10</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek><t:Occurrence>-1</t:Occurrence></t:RecurringDayTransition><t:RecurringDayTransition><t:To Kind="Period">trule:Microsoft/Registry/W. Europe Standard Time/2006-Daylight</t:To><t:TimeOffset>PT120M</t:TimeOffset><t:Month>3</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek><t:Occurrence>-1</t:Occurrence></t:RecurringDayTransition></t:TransitionsGroup></t:TransitionsGroups><t:Transitions><t:Transition><t:To Kind="Group">0</t:To></t:Transition></t:Transitions>"#;

fn write_attendee(xml: &mut String, name: &str, email: &str, response: &str, replied: &str) {
    let _ = write!(
        xml,
        r#"
                    <t:Attendee>
                      <t:Mailbox>
                        <t:Name>{name}</t:Name>
                        <t:EmailAddress>{email}</t:EmailAddress>
                        <t:RoutingType>SMTP</t:RoutingType>
                        <t:MailboxType>Mailbox</t:MailboxType>
                      </t:Mailbox>
                      <t:ResponseType>{response}</t:ResponseType>
                      <t:LastResponseTime>{replied}</t:LastResponseTime>
                    </t:Attendee>"#
    );
}

fn write_occurrence(xml: &mut String, element: &str, n: usize, week: usize) {
    let minutes = n * 30 + week * 7 * 1440;
    let _ = write!(
        xml,
        r#"
                <t:{element}>
                  <t:ItemId Id="{id}" ChangeKey="{key}"/>
                  <t:Start>{start}</t:Start>
                  <t:End>{end}</t:End>
                  <t:OriginalStart>{start}</t:OriginalStart>
                </t:{element}>"#,
        id = item_id(n * 100 + week),
        key = change_key(n),
        start = date_time(minutes),
        end = date_time(minutes + 30),
    );
}

fn write_item(xml: &mut String, n: usize) {
    let subject = SUBJECTS[n % SUBJECTS.len()].0;
    let location = LOCATIONS[n % LOCATIONS.len()].0;
    let (name, email) = ORGANIZERS[n % ORGANIZERS.len()];
    let flag = |k: usize| if n.is_multiple_of(k) { "true" } else { "false" };
    let (start, end) = (start(n), end(n));
    let created = date_time(n * 30 / 2);
    let reminder = date_time((n * 30).saturating_sub(15));
    let kind = if is_master(n) {
        "RecurringMaster"
    } else {
        ["Single", "Occurrence", "Exception"][n % 3]
    };
    let response = ["Organizer", "Accept", "Tentative", "NoResponseReceived"][n % 4];
    let busy = ["Busy", "Tentative", "Free", "OOF"][n % 4];
    let sensitivity = ["Normal", "Private", "Normal", "Confidential"][n % 4];
    let importance = ["Normal", "High", "Low"][n % 3];
    let _ = write!(
        xml,
        r#"              <t:CalendarItem>
                <t:ItemId Id="{id}" ChangeKey="{key}"/>
                <t:ParentFolderId Id="AAMkAGI2TG93AAAuAAAAAAAdJHtQmOaBXzRakU7GX0fgAQBiE2ElwsUcSYl9iv8P7nlJAAAAAAENAAA=" ChangeKey="AQAAAA=="/>
                <t:ItemClass>IPM.Appointment</t:ItemClass>
                <t:Subject>{subject}</t:Subject>
                <t:Sensitivity>{sensitivity}</t:Sensitivity>
                <t:DateTimeReceived>{created}</t:DateTimeReceived>
                <t:Size>{size}</t:Size>"#,
        id = item_id(n),
        key = change_key(n),
        size = 4_000 + n % 5_000,
    );
    if !categories(n).is_empty() {
        xml.push_str("\n                <t:Categories>");
        for c in categories(n) {
            let _ = write!(xml, "<t:String>{c}</t:String>");
        }
        xml.push_str("</t:Categories>");
    }
    let _ = write!(
        xml,
        r#"
                <t:Importance>{importance}</t:Importance>
                <t:IsSubmitted>false</t:IsSubmitted>
                <t:IsDraft>false</t:IsDraft>
                <t:IsFromMe>false</t:IsFromMe>
                <t:IsResend>false</t:IsResend>
                <t:IsUnmodified>false</t:IsUnmodified>
                <t:DateTimeSent>{created}</t:DateTimeSent>
                <t:DateTimeCreated>{created}</t:DateTimeCreated>
                <t:ResponseObjects>
                  <t:AcceptItem/>
                  <t:TentativelyAcceptItem/>
                  <t:DeclineItem/>
                  <t:ReplyToItem/>
                  <t:ReplyAllToItem/>
                  <t:ForwardItem/>
                </t:ResponseObjects>
                <t:ReminderDueBy>{reminder}</t:ReminderDueBy>
                <t:ReminderIsSet>{reminder_set}</t:ReminderIsSet>
                <t:ReminderMinutesBeforeStart>15</t:ReminderMinutesBeforeStart>
                <t:DisplayCc/>
                <t:DisplayTo>Team Calendar; {name}</t:DisplayTo>
                <t:HasAttachments>false</t:HasAttachments>
                <t:Culture>en-US</t:Culture>
                <t:EffectiveRights>
                  <t:CreateAssociated>false</t:CreateAssociated>
                  <t:CreateContents>false</t:CreateContents>
                  <t:CreateHierarchy>false</t:CreateHierarchy>
                  <t:Delete>true</t:Delete>
                  <t:Modify>true</t:Modify>
                  <t:Read>true</t:Read>
                  <t:ViewPrivateItems>true</t:ViewPrivateItems>
                </t:EffectiveRights>
                <t:LastModifiedName>{name}</t:LastModifiedName>
                <t:LastModifiedTime>{created}</t:LastModifiedTime>
                <t:IsAssociated>false</t:IsAssociated>
                <t:WebClientReadFormQueryString>https://mail.contoso.test/owa/?ItemID=AAMkAGI2TG93AAA{n:010}&amp;exvsurl=1&amp;viewmodel=ICalendarItemDetailsViewModelFactory</t:WebClientReadFormQueryString>
                <t:ConversationId Id="AAQkAGI2TG93AAA{n:010}QAQAGxfXH0vHGZNm9ifuu5="/>
                <t:UID>040000008200E00074C5B7101A82E0080000000{n:010}000000000000000010000000</t:UID>
                <t:DateTimeStamp>{created}</t:DateTimeStamp>
                <t:Start>{start}</t:Start>
                <t:End>{end}</t:End>
                <t:IsAllDayEvent>{all_day}</t:IsAllDayEvent>
                <t:LegacyFreeBusyStatus>{busy}</t:LegacyFreeBusyStatus>
                <t:Location>{location}</t:Location>
                <t:IsMeeting>{meeting}</t:IsMeeting>
                <t:IsCancelled>{cancelled}</t:IsCancelled>
                <t:IsRecurring>{recurring}</t:IsRecurring>
                <t:MeetingRequestWasSent>{meeting}</t:MeetingRequestWasSent>
                <t:IsResponseRequested>true</t:IsResponseRequested>
                <t:CalendarItemType>{kind}</t:CalendarItemType>
                <t:MyResponseType>{response}</t:MyResponseType>
                <t:Organizer>
                  <t:Mailbox>
                    <t:Name>{name}</t:Name>
                    <t:EmailAddress>{email}</t:EmailAddress>
                    <t:RoutingType>SMTP</t:RoutingType>
                  </t:Mailbox>
                </t:Organizer>"#,
        reminder_set = flag(2),
        all_day = flag(10),
        meeting = flag(3),
        cancelled = flag(17),
        recurring = flag(5),
    );
    if is_meeting(n) {
        xml.push_str("\n                <t:RequiredAttendees>");
        for (name, email, response) in ATTENDEES {
            write_attendee(xml, name, email, response, &created);
        }
        xml.push_str(
            "\n                </t:RequiredAttendees>\n                <t:OptionalAttendees>",
        );
        write_attendee(xml, "Frank", "frank@contoso.test", "Decline", &created);
        xml.push_str("\n                </t:OptionalAttendees>\n                <t:Resources>");
        write_attendee(xml, "Room 4B", "room4b@contoso.test", "Accept", &created);
        xml.push_str("\n                </t:Resources>");
    }
    let _ = write!(
        xml,
        r#"
                <t:ConflictingMeetingCount>{conflicts}</t:ConflictingMeetingCount>
                <t:AdjacentMeetingCount>1</t:AdjacentMeetingCount>
                <t:Duration>PT{minutes}M</t:Duration>
                <t:TimeZone>(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna</t:TimeZone>
                <t:AppointmentReplyTime>{created}</t:AppointmentReplyTime>
                <t:AppointmentSequenceNumber>{sequence}</t:AppointmentSequenceNumber>
                <t:AppointmentState>{state}</t:AppointmentState>"#,
        conflicts = n % 3,
        minutes = 30 + 30 * (n % 2),
        sequence = n % 4,
        state = if is_meeting(n) { 3 } else { 0 },
    );
    if is_master(n) {
        let _ = write!(
            xml,
            r#"
                <t:Recurrence>
                  <t:WeeklyRecurrence>
                    <t:Interval>1</t:Interval>
                    <t:DaysOfWeek>Monday Wednesday</t:DaysOfWeek>
                    <t:FirstDayOfWeek>Monday</t:FirstDayOfWeek>
                  </t:WeeklyRecurrence>
                  <t:NumberedRecurrence>
                    <t:StartDate>{date}+01:00</t:StartDate>
                    <t:NumberOfOccurrences>10</t:NumberOfOccurrences>
                  </t:NumberedRecurrence>
                </t:Recurrence>"#,
            date = &start[..10],
        );
        write_occurrence(xml, "FirstOccurrence", n, 0);
        write_occurrence(xml, "LastOccurrence", n, 9);
        xml.push_str("\n                <t:ModifiedOccurrences>");
        write_occurrence(xml, "Occurrence", n, 3);
        xml.push_str(
            "\n                </t:ModifiedOccurrences>\n                <t:DeletedOccurrences>",
        );
        let _ = write!(
            xml,
            "<t:DeletedOccurrence><t:Start>{}</t:Start></t:DeletedOccurrence></t:DeletedOccurrences>",
            date_time(n * 30 + 5 * 7 * 1440)
        );
    }
    let _ = write!(
        xml,
        r#"
                <t:StartTimeZone Id="W. Europe Standard Time" Name="(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna">{BERLIN_PERIODS}</t:StartTimeZone>
                <t:EndTimeZone Id="W. Europe Standard Time" Name="(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna">{BERLIN_PERIODS}</t:EndTimeZone>
                <t:ConferenceType>0</t:ConferenceType>
                <t:AllowNewTimeProposal>true</t:AllowNewTimeProposal>
                <t:IsOnlineMeeting>{online}</t:IsOnlineMeeting>
                <t:MeetingWorkspaceUrl/>
                <t:NetShowUrl/>
                <t:StartTimeZoneId>W. Europe Standard Time</t:StartTimeZoneId>
                <t:EndTimeZoneId>W. Europe Standard Time</t:EndTimeZoneId>
                <t:IntendedFreeBusyStatus>{busy}</t:IntendedFreeBusyStatus>
                <t:IsOrganizer>{organizer}</t:IsOrganizer>
              </t:CalendarItem>
"#,
        online = flag(4),
        organizer = if n.is_multiple_of(4) { "true" } else { "false" },
    );
}
