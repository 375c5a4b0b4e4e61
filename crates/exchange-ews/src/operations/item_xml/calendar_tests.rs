use super::*;
use crate::items::{Body, Mailbox};
use crate::xml::parse;
use crate::ItemId;
use chrono::{TimeZone, Utc};

/// The children of a `t:CalendarItem` that `calendar_item` reads into fields; every other
/// child goes to `CalendarItem::unmodelled`.
const MODELLED_CHILDREN: &[&str] = &[
    "ItemId",
    "ParentFolderId",
    "ItemClass",
    "Subject",
    "Sensitivity",
    "Body",
    "DateTimeReceived",
    "Size",
    "Categories",
    "Importance",
    "DateTimeCreated",
    "ResponseObjects",
    "ReminderDueBy",
    "ReminderIsSet",
    "ReminderMinutesBeforeStart",
    "DisplayCc",
    "DisplayTo",
    "HasAttachments",
    "Attachments",
    "Culture",
    "LastModifiedName",
    "LastModifiedTime",
    "UID",
    "Start",
    "End",
    "OriginalStart",
    "IsAllDayEvent",
    "LegacyFreeBusyStatus",
    "Location",
    "IsMeeting",
    "IsCancelled",
    "IsRecurring",
    "MeetingRequestWasSent",
    "IsResponseRequested",
    "CalendarItemType",
    "MyResponseType",
    "Organizer",
    "RequiredAttendees",
    "OptionalAttendees",
    "Resources",
    "ConflictingMeetingCount",
    "AdjacentMeetingCount",
    "Duration",
    "TimeZone",
    "AppointmentReplyTime",
    "AppointmentSequenceNumber",
    "AppointmentState",
    "Recurrence",
    "FirstOccurrence",
    "LastOccurrence",
    "ModifiedOccurrences",
    "DeletedOccurrences",
    "MeetingTimeZone",
    "StartTimeZone",
    "EndTimeZone",
    "ConferenceType",
    "AllowNewTimeProposal",
    "IsOnlineMeeting",
    "StartTimeZoneId",
    "EndTimeZoneId",
    "JoinOnlineMeetingUrl",
    "IsOrganizer",
];

fn item(inner: &str) -> Result<CalendarItem, EwsError> {
    let xml = format!(r#"<t:CalendarItem xmlns:t="urn:t">{inner}</t:CalendarItem>"#);
    calendar_item(&parse(xml.as_bytes()).unwrap())
}

const MINIMAL: &str = r#"<t:ItemId Id="AAMk" ChangeKey="DwAA"/><t:Start>2024-05-01T08:00:00Z</t:Start><t:End>2024-05-01T09:00:00Z</t:End>"#;

#[test]
fn reads_a_minimal_item() {
    let item = item(MINIMAL).unwrap();
    assert_eq!(item.id, ItemId::new("AAMk").with_change_key("DwAA"));
    assert_eq!(item.subject, "");
    assert_eq!(
        item.start,
        Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap()
    );
    assert!(!item.is_all_day);
    assert_eq!(item.body, None);
    assert_eq!(item.location, None);
}

#[test]
fn reads_every_field() {
    let item = item(&format!(
        r#"{MINIMAL}<t:ItemClass>IPM.Appointment</t:ItemClass><t:Subject> Plan &amp; act </t:Subject>
        <t:Body BodyType="HTML">&lt;p&gt;Hi&lt;/p&gt;</t:Body><t:UID>040000</t:UID>
        <t:IsAllDayEvent>true</t:IsAllDayEvent><t:LegacyFreeBusyStatus>Busy</t:LegacyFreeBusyStatus>
        <t:Location>Room 1</t:Location><t:IsMeeting>1</t:IsMeeting><t:IsCancelled>false</t:IsCancelled>
        <t:IsRecurring>true</t:IsRecurring><t:CalendarItemType>Occurrence</t:CalendarItemType>
        <t:MyResponseType>Accept</t:MyResponseType><t:Organizer><t:Mailbox><t:Name>Bob</t:Name>
        <t:EmailAddress>bob@contoso.test</t:EmailAddress></t:Mailbox></t:Organizer>
        <t:LastModifiedTime>2024-04-01T10:00:00Z</t:LastModifiedTime>"#
    ))
    .unwrap();
    assert_eq!(item.subject, " Plan & act ");
    assert_eq!(item.body, Some(Body::html("<p>Hi</p>")));
    assert!(item.is_all_day && item.is_meeting && item.is_recurring && !item.is_cancelled);
    assert_eq!(item.location.as_deref(), Some("Room 1"));
    assert_eq!(item.uid.as_deref(), Some("040000"));
    assert_eq!(item.item_class.as_deref(), Some("IPM.Appointment"));
    assert_eq!(item.calendar_item_type.as_deref(), Some("Occurrence"));
    assert_eq!(item.free_busy_status.as_deref(), Some("Busy"));
    assert_eq!(item.my_response_type.as_deref(), Some("Accept"));
    let organizer = item.organizer.unwrap();
    assert_eq!(organizer.name.as_deref(), Some("Bob"));
    assert_eq!(organizer.email.as_deref(), Some("bob@contoso.test"));
    assert!(item.last_modified.is_some());
}

#[test]
fn refuses_items_without_id_or_times() {
    let missing = |inner: &str| match item(inner) {
        Err(EwsError::MissingElement { element, .. }) => element,
        other => panic!("{other:?}"),
    };
    assert_eq!(missing("<t:Start>2024-05-01T08:00:00Z</t:Start>"), "ItemId");
    assert_eq!(missing(r#"<t:ItemId Id=""/>"#), "@Id");
    assert_eq!(
        missing(r#"<t:ItemId Id="A"/><t:End>2024-05-01T08:00:00Z</t:End>"#),
        "Start"
    );
    assert_eq!(
        missing(r#"<t:ItemId Id="A"/><t:Start>2024-05-01T08:00:00Z</t:Start>"#),
        "End"
    );
}

#[test]
fn refuses_values_of_the_wrong_kind() {
    let invalid = |inner: &str| match item(inner) {
        Err(EwsError::InvalidValue { element, .. }) => element,
        other => panic!("{other:?}"),
    };
    let bad_start = MINIMAL.replace("2024-05-01T08:00:00Z", "tomorrow");
    assert_eq!(invalid(&bad_start), "Start");
    assert_eq!(
        invalid(&format!("{MINIMAL}<t:IsAllDayEvent>yes</t:IsAllDayEvent>")),
        "IsAllDayEvent"
    );
    assert_eq!(
        invalid(&format!(r#"{MINIMAL}<t:Body BodyType="RTF">x</t:Body>"#)),
        "Body@BodyType"
    );
    let long = "x".repeat(10_000);
    match item(&MINIMAL.replace("2024-05-01T09:00:00Z", &long)) {
        Err(EwsError::InvalidValue { value, .. }) => assert_eq!(value.len(), 100),
        other => panic!("{other:?}"),
    }
}

#[test]
fn treats_empty_elements_as_absent() {
    let item = item(&format!(
        r#"{MINIMAL}<t:Location/><t:UID></t:UID><t:Body BodyType="Text"/><t:Organizer><t:Mailbox/></t:Organizer>"#
    ))
    .unwrap();
    assert_eq!(item.location, None);
    assert_eq!(item.uid, None);
    assert_eq!(item.body, Some(Body::text("")));
    assert_eq!(item.organizer, Some(Mailbox::default()));
}

/// What the full tree and the pruned one yield for a calendar answer, errors included.
fn both_ways<T: std::fmt::Debug>(
    bytes: &[u8],
    output: fn(&Envelope) -> Result<T, EwsError>,
) -> (String, String) {
    let full = Envelope::parse(bytes).and_then(|e| output(&e));
    let pruned = envelope_for_calendar_items(bytes).and_then(|e| output(&e));
    (format!("{full:?}"), format!("{pruned:?}"))
}

#[test]
fn pruned_and_full_trees_read_the_same_from_every_sample() {
    use crate::calendar::{FindCalendarItems, GetCalendarItem};
    use crate::Operation;
    let Some(dir) = exchange_testkit::schema::ews_dir() else {
        exchange_test_support::skip_or_fail::<()>("the EWS samples");
        return;
    };
    let mut compared = 0;
    for entry in std::fs::read_dir(dir.join("samples")).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let (full, pruned) = both_ways(&bytes, FindCalendarItems::output);
        assert_eq!(full, pruned);
        let (full, pruned) = both_ways(&bytes, GetCalendarItem::output);
        assert_eq!(full, pruned);
        compared += 1;
    }
    assert!(compared > 10, "only {compared} samples");
}

#[test]
fn keeps_every_child_it_does_not_model_in_document_order() {
    let others = [
        "IsDraft",
        "DateTimeSent",
        "ConflictingMeetings",
        "EffectiveRights",
        "Mailbox",
        "Name",
        "Value",
        "Unknown",
    ];
    let full = format!(
        r#"{MINIMAL}<t:Subject>S</t:Subject><t:Location>L</t:Location><t:UID>U</t:UID>
        <t:Organizer><t:Mailbox><t:Name>N</t:Name></t:Mailbox></t:Organizer>"#
    );
    let expected = item(&full).unwrap();
    assert!(expected.unmodelled.is_empty());
    for name in others {
        assert!(!MODELLED_CHILDREN.contains(&name));
        let decoy = format!(
            r#"<t:{name} Id="X" ChangeKey="Y">2020-01-01T00:00:00Z<t:Mailbox><t:Name>D</t:Name></t:Mailbox></t:{name}>"#
        );
        let read = item(&format!("{decoy}{full}{decoy}")).unwrap();
        assert_eq!(read.unmodelled.len(), 2, "{name}");
        let node = &read.unmodelled[0];
        assert_eq!((node.name(), node.attribute("Id")), (name, Some("X")));
        assert_eq!(node.text(), "2020-01-01T00:00:00Z");
        assert_eq!(node.children()[0].children()[0].text(), "D");
        assert_eq!(
            CalendarItem {
                unmodelled: Vec::new(),
                ..read
            },
            expected,
            "{name}"
        );
    }
}

#[test]
fn models_exactly_the_listed_children() {
    // Read outside `read_property`: they are required, or merged after the loop.
    let read_apart = ["ItemId", "Start", "End", "StartTimeZoneId", "EndTimeZoneId"];
    for name in MODELLED_CHILDREN {
        let xml = format!(r#"<t:{name} xmlns:t="urn:t"/>"#);
        let e = parse(xml.as_bytes()).unwrap();
        let read = read_property(&mut CalendarItem::default(), name, &e);
        assert!(
            read_apart.contains(name) || !matches!(read, Ok(false)),
            "{name} is listed but not read"
        );
    }
    let e = parse(br#"<t:IsDraft xmlns:t="urn:t">true</t:IsDraft>"#).unwrap();
    assert!(matches!(
        read_property(&mut CalendarItem::default(), "IsDraft", &e),
        Ok(false)
    ));
}

#[test]
fn the_fast_path_reports_the_full_error() {
    use crate::calendar::FindCalendarItems;
    use crate::Operation;
    for doc in [
        &b"<s:Envelope xmlns:s=\"urn:s\"><s:Body><CalendarItem><x>&nbsp;</x>"[..],
        b"<a/>",
        b"",
        b"<Envelope><Body><Fault><faultstring>busy</faultstring></Fault></Body></Envelope>",
        b"<Envelope><Body><FindItemResponse><ResponseMessages><M ResponseClass=\"Success\"><RootFolder><Items><CalendarItem><Size>1</Size></CalendarItem></Items></RootFolder></M></ResponseMessages></FindItemResponse></Body></Envelope>",
    ] {
        let (full, pruned) = both_ways(doc, FindCalendarItems::output);
        assert!(full.starts_with("Err("), "{full}");
        assert_eq!(full, pruned);
    }
}

#[test]
fn pruning_leaves_out_only_the_zone_definitions_of_the_items_read() {
    use crate::calendar::FindCalendarItems;
    use crate::Operation;
    let zone = r#"<t:StartTimeZone Id="W. Europe Standard Time" Name="Berlin"><t:Periods><t:Period Bias="-PT60M" Name="Standard" Id="std"/></t:Periods></t:StartTimeZone><t:EndTimeZone Id="UTC"><t:Periods/></t:EndTimeZone>"#;
    let doc = format!(
        r#"<s:Envelope xmlns:s="urn:s" xmlns:m="urn:m" xmlns:t="urn:t"><s:Body><m:FindItemResponse><m:ResponseMessages>
        <m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
        <m:RootFolder IncludesLastItemInRange="true"><t:Items><t:CalendarItem>{MINIMAL}{zone}
        <t:ConflictingMeetings><t:CalendarItem>{MINIMAL}{zone}</t:CalendarItem></t:ConflictingMeetings>
        </t:CalendarItem></t:Items></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages>
        </m:FindItemResponse></s:Body></s:Envelope>"#
    );
    let (full, pruned) = both_ways(doc.as_bytes(), FindCalendarItems::output);
    assert_eq!(full, pruned);
    let view = FindCalendarItems::parse_response(doc.as_bytes()).unwrap();
    let item = &view.items[0];
    assert_eq!(
        item.start_time_zone
            .as_ref()
            .and_then(|z| z.name.as_deref()),
        Some("Berlin")
    );
    assert_eq!(
        item.end_time_zone.as_ref().and_then(|z| z.id.as_deref()),
        Some("UTC")
    );
    // The nested item is not read: it is kept whole, its zone's definition included.
    let nested = item.unmodelled[0].children()[0]
        .child("StartTimeZone")
        .unwrap();
    assert_eq!(nested.descendants().len(), 2);
}

#[test]
fn refuses_signed_or_too_large_sizes_and_reminders() {
    for name in ["Size", "ReminderMinutesBeforeStart"] {
        for bad in ["+1", "2147483648", "-1"] {
            match item(&format!("{MINIMAL}<t:{name}>{bad}</t:{name}>")) {
                Err(EwsError::InvalidValue { element, .. }) => assert_eq!(element, name),
                other => panic!("{name} {bad}: {other:?}"),
            }
        }
        assert!(item(&format!("{MINIMAL}<t:{name}>2147483647</t:{name}>")).is_ok());
    }
}

#[test]
fn reads_the_summaries_of_its_attachments() {
    let read = item(&format!(
        r#"{MINIMAL}<t:Attachments><t:FileAttachment><t:AttachmentId Id="AAMkA1"/>
        <t:Name>Agenda.pdf</t:Name><t:ContentType>application/pdf</t:ContentType>
        <t:Size>1234</t:Size><t:IsInline>false</t:IsInline></t:FileAttachment>
        <t:ItemAttachment><t:AttachmentId Id="AAMkA2"/><t:Name>Fwd</t:Name></t:ItemAttachment>
        </t:Attachments>"#
    ))
    .unwrap();
    let kinds: Vec<(&str, Option<&str>)> = read
        .attachments
        .iter()
        .map(|a| (a.kind.as_str(), a.id.as_deref()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("FileAttachment", Some("AAMkA1")),
            ("ItemAttachment", Some("AAMkA2"))
        ]
    );
    assert_eq!(read.attachments[0].size, Some(1234));
    assert_eq!(
        read.attachments[0].content_type.as_deref(),
        Some("application/pdf")
    );
    assert!(read.unmodelled.is_empty());
}
