//! Typed items refuse malformed, truncated, oversized and hostile answers with typed errors,
//! never a panic; per-id errors stay per id.

use crate::items_support::ITEM_KINDS;
use exchange_ews::items::{
    BaseShape, BodyFormat, FindTypedItems, GetTypedItems, IndexedPage, ItemShape, PropertyPath,
};
use exchange_ews::{DistinguishedFolder, EwsError, ExchangeVersion, Item, ItemId, ResponseCode};

fn answer(messages: &str) -> String {
    format!(
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
        <m:GetItemResponse xmlns:m="urn:m" xmlns:t="urn:t"><m:ResponseMessages>{messages}</m:ResponseMessages></m:GetItemResponse></s:Body></s:Envelope>"#
    )
}

fn success(item: &str) -> String {
    format!(
        r#"<m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items>{item}</m:Items></m:GetItemResponseMessage>"#
    )
}

fn read(item: &str) -> Result<Item, EwsError> {
    GetTypedItems::parse_response(answer(&success(item)).as_bytes())?
        .pop()
        .expect("one entry")
}

/// The element an error names: `InvalidValue`'s element or `MissingElement`'s.
fn named(error: EwsError) -> String {
    assert!(error.is_malformed_response(), "{error:?}");
    match error {
        EwsError::InvalidValue { element, value, .. } => {
            assert!(value.chars().count() <= 100);
            element
        }
        EwsError::MissingElement { element, .. } => element,
        other => panic!("{other:?}"),
    }
}

#[test]
fn refuses_values_of_the_wrong_kind() {
    let cases = [
        ("Contact", r#"<t:EmailAddresses><t:Entry Key="EmailAddress9">a@b</t:Entry></t:EmailAddresses>"#, "EmailAddresses/Entry@Key"),
        ("Contact", r#"<t:EmailAddresses><t:Entry>a@b</t:Entry></t:EmailAddresses>"#, "@Key"),
        ("Contact", r#"<t:PhoneNumbers><t:Entry Key="Fax">1</t:Entry></t:PhoneNumbers>"#, "PhoneNumbers/Entry@Key"),
        ("Contact", r#"<t:PhysicalAddresses><t:Entry Key="Work"><t:City>X</t:City></t:Entry></t:PhysicalAddresses>"#, "PhysicalAddresses/Entry@Key"),
        ("Contact", r#"<t:ImAddresses><t:Entry Key="ImAddress4">x</t:Entry></t:ImAddresses>"#, "ImAddresses/Entry@Key"),
        ("Contact", "<t:PostalAddressIndex>Work</t:PostalAddressIndex>", "PostalAddressIndex"),
        ("Contact", "<t:Birthday>yesterday</t:Birthday>", "Birthday"),
        ("Task", "<t:PercentComplete>150</t:PercentComplete>", "PercentComplete"),
        ("Task", "<t:PercentComplete>NaN</t:PercentComplete>", "PercentComplete"),
        ("Task", "<t:PercentComplete>half</t:PercentComplete>", "PercentComplete"),
        ("Task", "<t:Status>Done</t:Status>", "Status"),
        ("Task", "<t:DelegationState>Pending</t:DelegationState>", "DelegationState"),
        ("Task", "<t:ActualWork>-5</t:ActualWork>", "ActualWork"),
        ("Task", "<t:TotalWork>99999999999</t:TotalWork>", "TotalWork"),
        ("Task", "<t:IsComplete>yes</t:IsComplete>", "IsComplete"),
        ("Task", "<t:Recurrence><t:NoEndRecurrence><t:StartDate>2024-01-01</t:StartDate></t:NoEndRecurrence></t:Recurrence>", "a recurrence pattern"),
        ("Message", "<t:IsRead>yes</t:IsRead>", "IsRead"),
        ("Message", r#"<t:ConversationId Id=" "/>"#, "@Id"),
        ("Message", "<t:Sensitivity>Secret</t:Sensitivity>", "Sensitivity"),
        ("Message", "<t:Importance>Urgent</t:Importance>", "Importance"),
        ("Message", r#"<t:Body BodyType="RTF">x</t:Body>"#, "Body@BodyType"),
        ("Message", "<t:Size>-1</t:Size>", "Size"),
        ("Message", "<t:Size>+1</t:Size>", "Size"),
        ("Message", "<t:ReminderMinutesBeforeStart>soon</t:ReminderMinutesBeforeStart>", "ReminderMinutesBeforeStart"),
        ("Message", "<t:DateTimeReceived>2024-13-01T00:00:00Z</t:DateTimeReceived>", "DateTimeReceived"),
        ("Message", r#"<t:ParentFolderId ChangeKey="A"/>"#, "@Id"),
        ("Message", r#"<t:Attachments><t:FileAttachment><t:Size>big</t:Size></t:FileAttachment></t:Attachments>"#, "Size"),
        ("Message", "<t:ExtendedProperty><t:Value>1</t:Value></t:ExtendedProperty>", "ExtendedFieldURI"),
        ("Message", r#"<t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0x1081"/><t:Value>1</t:Value></t:ExtendedProperty>"#, "@PropertyType"),
        ("Message", r#"<t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0x1081" PropertyType="Blob"/><t:Value>1</t:Value></t:ExtendedProperty>"#, "ExtendedFieldURI@PropertyType"),
        ("Message", r#"<t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0x10000" PropertyType="Integer"/><t:Value>1</t:Value></t:ExtendedProperty>"#, "ExtendedFieldURI@PropertyTag"),
        ("Message", r#"<t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0xZZ" PropertyType="Integer"/><t:Value>1</t:Value></t:ExtendedProperty>"#, "ExtendedFieldURI@PropertyTag"),
        ("Message", r#"<t:ExtendedProperty><t:ExtendedFieldURI DistinguishedPropertySetId="Nope" PropertyId="1" PropertyType="Integer"/><t:Value>1</t:Value></t:ExtendedProperty>"#, "ExtendedFieldURI@DistinguishedPropertySetId"),
        ("Message", r#"<t:ExtendedProperty><t:ExtendedFieldURI DistinguishedPropertySetId="Common" PropertyId="one" PropertyType="Integer"/><t:Value>1</t:Value></t:ExtendedProperty>"#, "ExtendedFieldURI@PropertyId"),
        ("Message", r#"<t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0x1081" PropertyType="Integer"/></t:ExtendedProperty>"#, "Value"),
        ("MeetingRequest", "<t:ResponseType>Maybe</t:ResponseType>", "ResponseType"),
        (
            "MeetingRequest",
            "<t:IntendedFreeBusyStatus>Away</t:IntendedFreeBusyStatus>",
            "IntendedFreeBusyStatus",
        ),
        ("MeetingRequest", "<t:MeetingRequestType>Other</t:MeetingRequestType>", "MeetingRequestType"),
        ("MeetingRequest", "<t:Start>noon</t:Start>", "Start"),
        ("MeetingRequest", "<t:RequiredAttendees><t:Attendee/></t:RequiredAttendees>", "Mailbox"),
        ("MeetingRequest", "<t:MyResponseType>Sure</t:MyResponseType>", "MyResponseType"),
        ("MeetingResponse", "<t:ProposedEnd>later</t:ProposedEnd>", "ProposedEnd"),
        ("MeetingCancellation", r#"<t:AssociatedCalendarItemId/>"#, "@Id"),
        ("MeetingCancellation", "<t:IsOutOfDate>2</t:IsOutOfDate>", "IsOutOfDate"),
    ];
    for (kind, inner, element) in cases {
        let xml = format!(r#"<t:{kind}><t:ItemId Id="A1"/>{inner}</t:{kind}>"#);
        assert_eq!(named(read(&xml).unwrap_err()), element, "{kind}: {inner}");
    }
}

#[test]
fn refuses_items_without_an_id() {
    for kind in ITEM_KINDS {
        let xml = format!("<t:{kind}><t:Subject>S</t:Subject></t:{kind}>");
        assert_eq!(named(read(&xml).unwrap_err()), "ItemId", "{kind}");
    }
}

#[test]
fn long_wrong_values_are_cut_in_the_error_and_long_right_values_kept() {
    let long = "x".repeat(100_000);
    match read(&format!(
        r#"<t:Task><t:ItemId Id="A"/><t:Status>{long}</t:Status></t:Task>"#
    )) {
        Err(EwsError::InvalidValue { value, .. }) => assert_eq!(value.len(), 100),
        other => panic!("{other:?}"),
    }
    let Item::Message(m) = read(&format!(
        r#"<t:Message><t:ItemId Id="A"/><t:Subject>{long}</t:Subject></t:Message>"#
    ))
    .unwrap() else {
        panic!("a message")
    };
    assert_eq!(m.subject.map(|s| s.len()), Some(100_000));
}

#[test]
fn refuses_truncated_and_hostile_answers() {
    let whole = answer(&success(
        r#"<t:Contact><t:ItemId Id="A"/><t:DisplayName>Ada</t:DisplayName><t:EmailAddresses><t:Entry Key="EmailAddress1">a@b</t:Entry></t:EmailAddresses></t:Contact>"#,
    ));
    assert!(GetTypedItems::parse_response(whole.as_bytes()).is_ok());
    for cut in (1..whole.len()).step_by(7) {
        let error = GetTypedItems::parse_response(&whole.as_bytes()[..cut]).unwrap_err();
        assert!(error.is_malformed_response(), "cut at {cut}: {error:?}");
    }
    let bomb = format!("<!DOCTYPE lolz [<!ENTITY lol \"lol\">]>{whole}");
    assert!(GetTypedItems::parse_response(bomb.as_bytes()).is_err());
    let deep = format!(
        r#"<t:Message><t:ItemId Id="A"/>{}{}</t:Message>"#,
        "<t:X>".repeat(400),
        "</t:X>".repeat(400)
    );
    assert!(read(&deep).is_err());
    // A deep but acceptable unknown child is kept, and survives the way through a node.
    let nested = format!(
        r#"<t:Message><t:ItemId Id="A"/>{}v{}</t:Message>"#,
        "<t:X>".repeat(200),
        "</t:X>".repeat(200)
    );
    let Item::Message(m) = read(&nested).unwrap() else {
        panic!()
    };
    assert_eq!(m.unmodelled.len(), 1);
    for garbage in [
        &b""[..],
        b"\xff\xfe<",
        b"<a/>",
        b"<Envelope><Body/></Envelope>",
    ] {
        assert!(GetTypedItems::parse_response(garbage).is_err());
    }
    let empty_items = answer(
        r#"<m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items/></m:GetItemResponseMessage>"#,
    );
    assert_eq!(
        named(GetTypedItems::parse_response(empty_items.as_bytes()).unwrap_err()),
        "item"
    );
}

#[test]
fn each_id_keeps_its_own_error() {
    let not_found = r#"<m:GetItemResponseMessage ResponseClass="Error"><m:MessageText>gone</m:MessageText><m:ResponseCode>ErrorItemNotFound</m:ResponseCode></m:GetItemResponseMessage>"#;
    let task = success(r#"<t:Task><t:ItemId Id="T1"/><t:Status>Completed</t:Status></t:Task>"#);
    let items =
        GetTypedItems::parse_response(answer(&format!("{task}{not_found}")).as_bytes()).unwrap();
    assert!(matches!(&items[0], Ok(Item::Task(t)) if t.id == ItemId::new("T1")));
    let error = items[1].as_ref().unwrap_err();
    assert_eq!(
        error.response_code(),
        Some(&ResponseCode::ErrorItemNotFound)
    );
    // With one id, its error is the call's.
    let error = GetTypedItems::parse_response(answer(not_found).as_bytes()).unwrap_err();
    assert!(error.is_not_found());
    // A malformed item fails the whole answer, as with GetItems.
    let bad = success(r#"<t:Task><t:ItemId Id="T2"/><t:Status>Done</t:Status></t:Task>"#);
    assert!(GetTypedItems::parse_response(answer(&format!("{task}{bad}")).as_bytes()).is_err());
}

#[test]
fn typed_requests_write_what_the_untyped_ones_do() {
    let shape = ItemShape::new(BaseShape::IdOnly).with(PropertyPath::field("task:Status"));
    let request = GetTypedItems::new(vec![ItemId::new("A1")], shape.clone()).unwrap();
    assert_eq!(request.ids(), [ItemId::new("A1")]);
    assert_eq!(request.shape(), &shape);
    let xml = request
        .checked_envelope(ExchangeVersion::Exchange2007Sp1)
        .unwrap();
    assert!(
        xml.contains(r#"<t:FieldURI FieldURI="task:Status"/>"#),
        "{xml}"
    );
    assert!(GetTypedItems::new(Vec::new(), shape).is_err());
    let too_new = ItemShape::new(BaseShape::IdOnly).with(PropertyPath::field("item:TextBody"));
    let request = GetTypedItems::new(vec![ItemId::new("A1")], too_new).unwrap();
    assert!(request
        .checked_envelope(ExchangeVersion::Exchange2013)
        .is_err());

    let page = IndexedPage::new(50, 100).unwrap();
    let find = FindTypedItems::new(DistinguishedFolder::Tasks.into(), page).unwrap();
    let xml = find.to_envelope(ExchangeVersion::Exchange2010);
    assert!(
        xml.contains("<t:BaseShape>AllProperties</t:BaseShape>"),
        "{xml}"
    );
    assert!(
        xml.contains(r#"Offset="100""#) && xml.contains(r#"Id="tasks""#),
        "{xml}"
    );
    assert_eq!(find.request().page(), page);
    let with_body = ItemShape::new(BaseShape::IdOnly)
        .with(PropertyPath::field("item:Body"))
        .with_body_type(BodyFormat::Text);
    assert!(find.clone().with_shape(with_body).is_err());
    let id_only = find.with_shape(ItemShape::new(BaseShape::IdOnly)).unwrap();
    assert!(id_only
        .checked_envelope(ExchangeVersion::Exchange2016)
        .unwrap()
        .contains("IdOnly"));
}
