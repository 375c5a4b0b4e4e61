//! Tests of `UpdateItems`: the field table, value shapes, envelopes and per-change answers.

use chrono::{NaiveDate, TimeZone, Utc};

use crate::calendar::{
    Attendee, Recurrence, RecurrencePattern, RecurrenceRange, SendMeetingInvitationsOrCancellations,
};
use crate::items::{
    Body, ConflictResolution, DistinguishedPropertySet, FieldUpdate, Importance, ItemChange,
    ItemKind, Mailbox, MapiPropertyType, MessageDisposition, PropertyPath, PropertyValue,
    Sensitivity, UpdateItems, UpdatedItem, MAX_ITEMS_PER_REQUEST, MAX_UPDATES_PER_CHANGE,
};
use crate::{EwsError, ExchangeVersion, ItemId, ResponseCode};

const HOSTILE: &str = "Q3 <review> & \"budget\" ]]> \u{e9}\u{1F4C5}";

fn id() -> ItemId {
    ItemId::new("AAMk").with_change_key("CK")
}

fn change(kind: ItemKind, updates: Vec<FieldUpdate>) -> ItemChange {
    ItemChange::new(id(), kind, updates).unwrap()
}

fn xml_of(kind: ItemKind, update: FieldUpdate, version: ExchangeVersion) -> String {
    let request = UpdateItems::new(vec![change(kind, vec![update])])
        .unwrap()
        .message_disposition(MessageDisposition::SaveOnly);
    request.checked_envelope(version).unwrap()
}

fn recurrence(pattern: RecurrencePattern) -> Recurrence {
    Recurrence {
        pattern,
        range: RecurrenceRange::Numbered {
            start: NaiveDate::from_ymd_opt(2024, 5, 1).unwrap(),
            count: 3,
        },
    }
}

fn invalid<T: std::fmt::Debug>(result: Result<T, EwsError>) -> String {
    match result {
        Err(EwsError::InvalidArgument { reason, .. }) => reason,
        other => panic!("expected an invalid argument, got {other:?}"),
    }
}

#[test]
fn writes_set_append_and_delete_in_the_item_element() {
    let updates = vec![
        FieldUpdate::set("item:Subject", HOSTILE).unwrap(),
        FieldUpdate::append("item:Body", Body::html("<p>more</p>")).unwrap(),
        FieldUpdate::delete("calendar:Location").unwrap(),
    ];
    let request = UpdateItems::new(vec![change(ItemKind::CalendarItem, updates)])
        .unwrap()
        .conflict_resolution(ConflictResolution::NeverOverwrite)
        .meeting_updates(SendMeetingInvitationsOrCancellations::SendToChangedAndSaveCopy)
        .suppress_read_receipts(true);
    let xml = request
        .checked_envelope(ExchangeVersion::Exchange2013)
        .unwrap();
    assert!(xml.contains(concat!(
        r#"<m:UpdateItem ConflictResolution="NeverOverwrite" SendMeetingInvitationsOrCancellations="SendToChangedAndSaveCopy" SuppressReadReceipts="true">"#,
        r#"<m:ItemChanges><t:ItemChange><t:ItemId Id="AAMk" ChangeKey="CK"/><t:Updates>"#,
        r#"<t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:CalendarItem><t:Subject>Q3 &lt;review&gt; &amp; "budget" ]]&gt; "#,
    )), "{xml}");
    assert!(xml.contains(concat!(
        r#"<t:AppendToItemField><t:FieldURI FieldURI="item:Body"/><t:CalendarItem><t:Body BodyType="HTML">&lt;p&gt;more&lt;/p&gt;</t:Body></t:CalendarItem></t:AppendToItemField>"#,
        r#"<t:DeleteItemField><t:FieldURI FieldURI="calendar:Location"/></t:DeleteItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>"#
    )), "{xml}");
    let old = request.to_envelope(ExchangeVersion::Exchange2010Sp2);
    assert!(!old.contains("SuppressReadReceipts"));
    assert_eq!(request.changes().len(), 1);
    assert_eq!(request.changes()[0].kind(), ItemKind::CalendarItem);
    assert_eq!(request.changes()[0].id(), &id());
}

#[test]
fn writes_each_shape_of_value() {
    let v = ExchangeVersion::Exchange2016;
    let t = Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap();
    let cases: Vec<(ItemKind, FieldUpdate, &str)> = vec![
        (ItemKind::Message, FieldUpdate::set("message:IsRead", true).unwrap(), "<t:Message><t:IsRead>true</t:IsRead></t:Message>"),
        (ItemKind::Item, FieldUpdate::set("item:ReminderMinutesBeforeStart", 15).unwrap(), "<t:Item><t:ReminderMinutesBeforeStart>15</t:ReminderMinutesBeforeStart></t:Item>"),
        (ItemKind::CalendarItem, FieldUpdate::set("calendar:Start", t).unwrap(), "<t:Start>2024-05-01T08:00:00Z</t:Start>"),
        (ItemKind::Task, FieldUpdate::set("task:Companies", vec!["A&B".to_owned()]).unwrap(), "<t:Task><t:Companies><t:String>A&amp;B</t:String></t:Companies></t:Task>"),
        (ItemKind::Message, FieldUpdate::set("message:From", Mailbox { email: Some("a@contoso.test".into()), ..Mailbox::default() }).unwrap(), "<t:From><t:Mailbox><t:EmailAddress>a@contoso.test</t:EmailAddress></t:Mailbox></t:From>"),
        (ItemKind::MeetingRequest, FieldUpdate::append("message:ToRecipients", vec![Mailbox { name: Some("<b>".into()), ..Mailbox::default() }]).unwrap(), "<t:ToRecipients><t:Mailbox><t:Name>&lt;b&gt;</t:Name></t:Mailbox></t:ToRecipients>"),
        (ItemKind::CalendarItem, FieldUpdate::append("calendar:RequiredAttendees", vec![Attendee::smtp("b@contoso.test")]).unwrap(), "<t:RequiredAttendees><t:Attendee><t:Mailbox><t:EmailAddress>b@contoso.test</t:EmailAddress></t:Mailbox></t:Attendee></t:RequiredAttendees>"),
        (ItemKind::CalendarItem, FieldUpdate::set("calendar:Recurrence", recurrence(RecurrencePattern::Daily { interval: 2 })).unwrap(), "<t:Recurrence><t:DailyRecurrence><t:Interval>2</t:Interval></t:DailyRecurrence><t:NumberedRecurrence><t:StartDate>2024-05-01</t:StartDate><t:NumberOfOccurrences>3</t:NumberOfOccurrences></t:NumberedRecurrence></t:Recurrence>"),
        (ItemKind::Task, FieldUpdate::set("task:Recurrence", recurrence(RecurrencePattern::WeeklyRegeneration { interval: 1 })).unwrap(), "<t:WeeklyRegeneration>"),
        (ItemKind::Item, FieldUpdate::set("item:Importance", Importance::High).unwrap(), "<t:Importance>High</t:Importance>"),
        (ItemKind::Contact, FieldUpdate::set("item:Sensitivity", Sensitivity::Private).unwrap(), "<t:Contact><t:Sensitivity>Private</t:Sensitivity></t:Contact>"),
        (ItemKind::Task, FieldUpdate::set("task:Status", "Completed").unwrap(), "<t:Status>Completed</t:Status>"),
        (ItemKind::Contact, FieldUpdate::set(PropertyPath::indexed("contacts:EmailAddress", "EmailAddress2"), "c@contoso.test").unwrap(),
            r#"<t:IndexedFieldURI FieldURI="contacts:EmailAddress" FieldIndex="EmailAddress2"/><t:Contact><t:EmailAddresses><t:Entry Key="EmailAddress2">c@contoso.test</t:Entry></t:EmailAddresses></t:Contact>"#),
        (ItemKind::Contact, FieldUpdate::set(PropertyPath::indexed("contacts:PhoneNumber", "MobilePhone"), "+1 555").unwrap(), r#"<t:PhoneNumbers><t:Entry Key="MobilePhone">+1 555</t:Entry></t:PhoneNumbers>"#),
        (ItemKind::Contact, FieldUpdate::set(PropertyPath::indexed("contacts:PhysicalAddress:City", "Business"), "K\u{f6}ln").unwrap(), r#"<t:PhysicalAddresses><t:Entry Key="Business"><t:City>K"#),
        (ItemKind::Message, FieldUpdate::set(PropertyPath::tagged(0x0037, MapiPropertyType::String), HOSTILE).unwrap(),
            r#"<t:Message><t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0x0037" PropertyType="String"/><t:Value>Q3 &lt;review&gt;"#),
        (ItemKind::Item, FieldUpdate::set(PropertyPath::named(DistinguishedPropertySet::PublicStrings, "Keywords", MapiPropertyType::StringArray), vec!["a".to_owned(), "b".to_owned()]).unwrap(),
            "<t:Values><t:Value>a</t:Value><t:Value>b</t:Value></t:Values></t:ExtendedProperty></t:Item>"),
        (ItemKind::Item, FieldUpdate::set(PropertyPath::tagged(0x0E07, MapiPropertyType::Integer), 7).unwrap(), "<t:Value>7</t:Value>"),
        (ItemKind::Item, FieldUpdate::set(PropertyPath::tagged(0x0E1B, MapiPropertyType::Boolean), false).unwrap(), "<t:Value>false</t:Value>"),
        (ItemKind::Item, FieldUpdate::set(PropertyPath::tagged(0x0E06, MapiPropertyType::SystemTime), t).unwrap(), "<t:Value>2024-05-01T08:00:00Z</t:Value>"),
    ];
    for (kind, update, expected) in cases {
        let xml = xml_of(kind, update, v);
        assert!(xml.contains(expected), "{expected}\n{xml}");
    }
}

#[test]
fn refuses_unknown_fields_and_values_of_the_wrong_shape() {
    let reasons = [
        invalid(FieldUpdate::set("item:Bogus", "x")),
        invalid(FieldUpdate::set("item:DateTimeReceived", Utc::now())),
        invalid(FieldUpdate::set("item:Subject", true)),
        invalid(FieldUpdate::set("calendar:Start", "tomorrow")),
        invalid(FieldUpdate::set(
            "message:ToRecipients",
            Vec::<Mailbox>::new(),
        )),
        invalid(FieldUpdate::set("item:ReminderMinutesBeforeStart", -1)),
        invalid(FieldUpdate::set("task:Status", "Done")),
        invalid(FieldUpdate::append("item:Subject", "more")),
        invalid(FieldUpdate::append(
            PropertyPath::indexed("contacts:EmailAddress", "EmailAddress1"),
            "a@b",
        )),
        invalid(FieldUpdate::set(
            PropertyPath::indexed("contacts:EmailAddress", "EmailAddress9"),
            "a@b",
        )),
        invalid(FieldUpdate::set(
            PropertyPath::indexed("item:InternetMessageHeader", "X-A"),
            "a",
        )),
        invalid(FieldUpdate::set(
            "calendar:Recurrence",
            recurrence(RecurrencePattern::DailyRegeneration { interval: 1 }),
        )),
        invalid(FieldUpdate::set(
            "calendar:Recurrence",
            recurrence(RecurrencePattern::Daily { interval: 0 }),
        )),
        invalid(FieldUpdate::set(
            PropertyPath::tagged(0x0037, MapiPropertyType::StringArray),
            "one",
        )),
        invalid(FieldUpdate::set(
            PropertyPath::tagged(0x0037, MapiPropertyType::Short),
            70_000,
        )),
        invalid(FieldUpdate::set(
            PropertyPath::tagged(0x0037, MapiPropertyType::Binary),
            "not base64!",
        )),
        invalid(FieldUpdate::set(
            PropertyPath::tagged(0x0037, MapiPropertyType::String),
            Body::text("x"),
        )),
        invalid(FieldUpdate::delete("item:Nope")),
    ];
    assert!(reasons[0].contains("item:Bogus"), "{}", reasons[0]);
    assert!(
        reasons[2].contains("takes text, not a boolean"),
        "{}",
        reasons[2]
    );
    assert!(reasons[7].contains("cannot append"), "{}", reasons[7]);
    assert!(FieldUpdate::set(
        PropertyPath::tagged(0x0102, MapiPropertyType::Binary),
        "AAEC"
    )
    .is_ok());
}

#[test]
fn refuses_fields_the_item_kind_does_not_hold() {
    let location = || FieldUpdate::set("calendar:Location", "Room").unwrap();
    invalid(ItemChange::new(id(), ItemKind::Message, vec![location()]));
    invalid(ItemChange::new(id(), ItemKind::Item, vec![location()]));
    invalid(ItemChange::new(
        id(),
        ItemKind::CalendarItem,
        vec![FieldUpdate::set("message:IsRead", true).unwrap()],
    ));
    invalid(ItemChange::new(
        id(),
        ItemKind::Task,
        vec![
            FieldUpdate::set(PropertyPath::indexed("contacts:PhoneNumber", "Pager"), "1").unwrap(),
        ],
    ));
    // Variants built by hand are checked too.
    invalid(ItemChange::new(
        id(),
        ItemKind::Item,
        vec![FieldUpdate::Set(
            "item:Subject".into(),
            PropertyValue::Integer(1),
        )],
    ));
    invalid(ItemChange::new(id(), ItemKind::Item, vec![]));
    invalid(ItemChange::new(
        id(),
        ItemKind::Item,
        vec![FieldUpdate::delete("item:Subject").unwrap(); MAX_UPDATES_PER_CHANGE + 1],
    ));
    invalid(ItemChange::new(
        ItemId::new(" "),
        ItemKind::Item,
        vec![location()],
    ));
    for kind in ItemKind::ALL {
        assert!(ItemChange::new(
            id(),
            *kind,
            vec![FieldUpdate::set("item:Subject", "s").unwrap()]
        )
        .is_ok());
        assert!(kind.tag().ends_with(kind.element_name()));
    }
}

#[test]
fn checks_versions_and_message_dispositions() {
    let notes = change(
        ItemKind::Contact,
        vec![FieldUpdate::set("contacts:Notes", "n").unwrap()],
    );
    let request = UpdateItems::new(vec![notes]).unwrap();
    invalid(request.checked_envelope(ExchangeVersion::Exchange2010Sp1));
    assert!(request
        .checked_envelope(ExchangeVersion::Exchange2010Sp2)
        .is_ok());
    let read = change(
        ItemKind::Message,
        vec![FieldUpdate::set("message:IsRead", true).unwrap()],
    );
    let request = UpdateItems::new(vec![read.clone()]).unwrap();
    let reason = invalid(request.checked_envelope(ExchangeVersion::Exchange2016));
    assert!(reason.contains("disposition"), "{reason}");
    let xml = request
        .message_disposition(MessageDisposition::SendAndSaveCopy)
        .checked_envelope(ExchangeVersion::Exchange2016)
        .unwrap();
    assert!(xml.contains(r#"MessageDisposition="SendAndSaveCopy""#));
    invalid(UpdateItems::new(vec![]));
    invalid(UpdateItems::new(vec![read; MAX_ITEMS_PER_REQUEST + 1]));
}

fn answer(messages: &str) -> String {
    format!(
        r#"<s:Envelope xmlns:s="urn:s"><s:Body><m:UpdateItemResponse xmlns:m="urn:m" xmlns:t="urn:t">
        <m:ResponseMessages>{messages}</m:ResponseMessages></m:UpdateItemResponse></s:Body></s:Envelope>"#
    )
}

const UPDATED: &str = r#"<m:UpdateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
    <m:Items><t:Message><t:ItemId Id="M1" ChangeKey="NEW"/></t:Message></m:Items>
    <m:ConflictResults><m:Count>2</m:Count></m:ConflictResults></m:UpdateItemResponseMessage>"#;

const CONFLICT: &str = r#"<m:UpdateItemResponseMessage ResponseClass="Error"><m:MessageText>conflict</m:MessageText>
    <m:ResponseCode>ErrorIrresolvableConflict</m:ResponseCode><m:Items/></m:UpdateItemResponseMessage>"#;

#[test]
fn reads_new_change_keys_conflicts_and_errors() {
    let results =
        UpdateItems::parse_response(answer(&format!("{UPDATED}{CONFLICT}")).as_bytes()).unwrap();
    assert_eq!(
        results[0].as_ref().unwrap(),
        &UpdatedItem {
            id: Some(ItemId::new("M1").with_change_key("NEW")),
            conflict_count: 2,
        }
    );
    assert_eq!(
        results[1].as_ref().unwrap_err().response_code(),
        Some(&ResponseCode::ErrorIrresolvableConflict)
    );
    let sent = r#"<m:UpdateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items/></m:UpdateItemResponseMessage>"#;
    let results = UpdateItems::parse_response(answer(sent).as_bytes()).unwrap();
    assert_eq!(
        results[0].as_ref().unwrap(),
        &UpdatedItem {
            id: None,
            conflict_count: 0
        }
    );
    let single = UpdateItems::parse_response(answer(CONFLICT).as_bytes()).unwrap_err();
    assert_eq!(
        single.response_code(),
        Some(&ResponseCode::ErrorIrresolvableConflict)
    );
    for bad in [
        answer(&UPDATED.replace("<m:Count>2", "<m:Count>many")),
        answer(&UPDATED.replace("<m:Count>2", "<m:Count>-1")),
        answer(&UPDATED.replace(r#"Id="M1" "#, "")),
        answer(&format!("{UPDATED}{UPDATED}"))[..300].to_owned(),
    ] {
        let error = UpdateItems::parse_response(bad.as_bytes()).unwrap_err();
        assert!(error.is_malformed_response(), "{error}");
    }
}

proptest::proptest! {
    #[test]
    fn any_text_survives_the_envelope(text in proptest::prelude::any::<String>()) {
        let update = FieldUpdate::set("item:Subject", text.clone()).unwrap();
        let xml = xml_of(ItemKind::Item, update, ExchangeVersion::Exchange2016);
        let root = crate::xml::parse(xml.as_bytes()).unwrap();
        let subject = ["Body", "UpdateItem", "ItemChanges", "ItemChange", "Updates", "SetItemField", "Item", "Subject"]
            .iter()
            .try_fold(&root, |e, name| e.child(name))
            .unwrap();
        // Characters XML cannot carry become U+FFFD; everything else comes back as it was.
        let expected: String = text
            .chars()
            .map(|c| match c {
                '\t' | '\n' | '\r' => c,
                '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => '\u{FFFD}',
                c => c,
            })
            .collect();
        proptest::prop_assert_eq!(subject.text(), expected.as_str());
    }
}
