//! Tests of `CreateItems` and `DeleteItems`: envelopes, checks and per-item answers.

use chrono::{TimeZone, Utc};

use crate::calendar::{
    CreateCalendarItem, NewCalendarItem, SendMeetingCancellations, SendMeetingInvitations,
};
use crate::client::MAX_BATCH_SIZE;
use crate::items::{
    AffectedTaskOccurrences, CreateItems, DeleteItem, DeleteItems, DeleteType, MessageDisposition,
    NewItem, MAX_ITEMS_PER_REQUEST,
};
use crate::{DistinguishedFolder, EwsError, ExchangeVersion, FolderTarget, ItemId, ResponseCode};

const HOSTILE: &str = "Q3 <review> & \"budget\" ]]> \u{e9}\u{1F4C5}";

fn item(subject: &str) -> NewItem {
    let start = Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap();
    NewCalendarItem::new(subject, start, start + chrono::Duration::hours(1)).into()
}

fn answer(operation: &str, messages: &str) -> String {
    format!(
        r#"<s:Envelope xmlns:s="urn:s"><s:Body><m:{operation}Response xmlns:m="urn:m" xmlns:t="urn:t">
        <m:ResponseMessages>{messages}</m:ResponseMessages></m:{operation}Response></s:Body></s:Envelope>"#
    )
}

fn created(id: &str) -> String {
    format!(
        r#"<m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
        <m:Items><t:CalendarItem><t:ItemId Id="{id}" ChangeKey="CK{id}"/></t:CalendarItem></m:Items></m:CreateItemResponseMessage>"#
    )
}

fn failed(operation: &str, code: &str) -> String {
    format!(
        r#"<m:{operation}ResponseMessage ResponseClass="Error"><m:MessageText>no</m:MessageText>
        <m:ResponseCode>{code}</m:ResponseCode></m:{operation}ResponseMessage>"#
    )
}

#[test]
fn writes_every_item_and_the_options_in_schema_order() {
    let request = CreateItems::new(vec![item(HOSTILE), item("Second")])
        .unwrap()
        .saved_in(DistinguishedFolder::Calendar.into())
        .message_disposition(MessageDisposition::SaveOnly)
        .meeting_invitations(SendMeetingInvitations::SendToAllAndSaveCopy);
    let xml = request
        .checked_envelope(ExchangeVersion::Exchange2010Sp2)
        .unwrap();
    assert!(xml.contains(concat!(
        r#"<m:CreateItem MessageDisposition="SaveOnly" SendMeetingInvitations="SendToAllAndSaveCopy">"#,
        r#"<m:SavedItemFolderId><t:DistinguishedFolderId Id="calendar"/></m:SavedItemFolderId><m:Items><t:CalendarItem>"#
    )), "{xml}");
    assert!(xml.contains("Q3 &lt;review&gt; &amp; \"budget\" ]]&gt; \u{e9}\u{1F4C5}"));
    assert_eq!(xml.matches("<t:CalendarItem>").count(), 2);
    assert!(xml.find(HOSTILE.split(' ').next().unwrap()) < xml.find("Second"));
    assert_eq!(request.items().len(), 2);
    assert_eq!(
        request.folder(),
        Some(&FolderTarget::Distinguished(DistinguishedFolder::Calendar))
    );
    let bare = CreateItems::new(vec![item("x")])
        .unwrap()
        .to_envelope(ExchangeVersion::Exchange2007Sp1);
    assert!(bare.contains(r#"<m:CreateItem SendMeetingInvitations="SendToNone"><m:Items>"#));
    assert!(!bare.contains("SavedItemFolderId"));
}

#[test]
fn refuses_bad_requests() {
    let invalid = |r: Result<String, EwsError>| {
        assert!(matches!(r, Err(EwsError::InvalidArgument { .. })), "{r:?}");
    };
    assert!(CreateItems::new(vec![]).is_err());
    assert!(CreateItems::new(vec![item("x"); MAX_ITEMS_PER_REQUEST + 1]).is_err());
    assert!(CreateItems::new(vec![item("x"); MAX_ITEMS_PER_REQUEST]).is_ok());
    let v = ExchangeVersion::Exchange2016;
    let send_only = CreateItems::new(vec![item("x")])
        .unwrap()
        .message_disposition(MessageDisposition::SendOnly);
    assert!(send_only.checked_envelope(v).is_ok());
    invalid(
        send_only
            .saved_in(DistinguishedFolder::SentItems.into())
            .checked_envelope(v),
    );
    invalid(
        CreateItems::new(vec![item("x")])
            .unwrap()
            .saved_in(FolderTarget::Id(" ".into()))
            .checked_envelope(v),
    );
    let start = Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap();
    let backwards = NewCalendarItem::new("x", start, start - chrono::Duration::hours(1));
    invalid(
        CreateItems::new(vec![backwards.into()])
            .unwrap()
            .checked_envelope(v),
    );
    assert_eq!(MAX_BATCH_SIZE, MAX_ITEMS_PER_REQUEST);
}

#[test]
fn reads_an_id_or_an_error_per_item() {
    let xml = answer(
        "CreateItem",
        &format!(
            "{}{}{}",
            created("A1"),
            failed("CreateItem", "ErrorCalendarInvalidRecurrence"),
            r#"<m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items/></m:CreateItemResponseMessage>"#
        ),
    );
    let results = CreateItems::parse_response(xml.as_bytes()).unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(
        results[0].as_ref().unwrap(),
        &Some(ItemId::new("A1").with_change_key("CKA1"))
    );
    assert_eq!(
        results[1].as_ref().unwrap_err().response_code(),
        Some(&ResponseCode::Unknown(
            "ErrorCalendarInvalidRecurrence".into()
        ))
    );
    assert_eq!(
        results[2].as_ref().unwrap(),
        &None,
        "a sent message has no id"
    );
    // One item: its error is the call's error (so that throttling is retried).
    let single = answer("CreateItem", &failed("CreateItem", "ErrorServerBusy"));
    assert!(CreateItems::parse_response(single.as_bytes())
        .unwrap_err()
        .is_throttled());
    let one = CreateItems::parse_response(answer("CreateItem", &created("B")).as_bytes()).unwrap();
    assert_eq!(one.len(), 1);
}

#[test]
fn refuses_malformed_truncated_and_hostile_answers() {
    let good = answer("CreateItem", &format!("{}{}", created("A1"), created("A2")));
    for bad in [
        good[..good.len() / 2].to_owned(),
        good.replace(r#"Id="A2""#, r#"Id="""#),
        good.replace("<m:Items>", "<m:Stuff>")
            .replace("</m:Items>", "</m:Stuff>"),
        answer("GetItem", &created("A1")),
        answer("CreateItem", ""),
        format!("<!DOCTYPE x [<!ENTITY a \"b\">]>{good}"),
        good.replace(r#"ResponseClass="Success""#, r#"ResponseClass="Maybe""#),
        "<html>busy</html>".to_owned(),
        String::new(),
    ] {
        let result = CreateItems::parse_response(bad.as_bytes());
        let error = result.expect_err(&bad);
        assert!(error.is_malformed_response(), "{bad}: {error}");
    }
    // A hostile id is kept as text, not interpreted.
    let hostile = answer("CreateItem", &created("&lt;x&gt;&amp;"));
    let results = CreateItems::parse_response(hostile.as_bytes()).unwrap();
    assert_eq!(results[0].as_ref().unwrap().as_ref().unwrap().id, "<x>&");
}

#[test]
fn the_single_item_request_still_works() {
    let start = Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap();
    let request = CreateCalendarItem::new(
        DistinguishedFolder::Calendar.into(),
        NewCalendarItem::new("x", start, start),
        SendMeetingInvitations::SendToNone,
    )
    .unwrap();
    assert!(request
        .to_envelope(ExchangeVersion::Exchange2013)
        .contains("<t:Subject>x</t:Subject>"));
    let single = DeleteItem::new(
        ItemId::new("A"),
        DeleteType::HardDelete,
        SendMeetingCancellations::SendToNone,
    )
    .unwrap();
    assert_eq!(single.id().id, "A");
}

#[test]
fn deletes_many_ids_with_every_option() {
    let ids = vec![ItemId::new("A1").with_change_key("K"), ItemId::new("A<2>")];
    let request = DeleteItems::new(ids.clone(), DeleteType::MoveToDeletedItems)
        .unwrap()
        .cancellations(SendMeetingCancellations::SendOnlyToAll)
        .affected_task_occurrences(AffectedTaskOccurrences::SpecifiedOccurrenceOnly)
        .suppress_read_receipts(true);
    let xml = request.to_envelope(ExchangeVersion::Exchange2013Sp1);
    assert!(xml.contains(concat!(
        r#"<m:DeleteItem DeleteType="MoveToDeletedItems" SendMeetingCancellations="SendOnlyToAll" "#,
        r#"AffectedTaskOccurrences="SpecifiedOccurrenceOnly" SuppressReadReceipts="true">"#,
        r#"<m:ItemIds><t:ItemId Id="A1" ChangeKey="K"/><t:ItemId Id="A&lt;2&gt;"/></m:ItemIds></m:DeleteItem>"#
    )), "{xml}");
    for old in [
        ExchangeVersion::Exchange2007Sp1,
        ExchangeVersion::Exchange2010Sp2,
    ] {
        assert!(!request.to_envelope(old).contains("SuppressReadReceipts"));
    }
    let plain = DeleteItems::new(ids.clone(), DeleteType::HardDelete).unwrap();
    assert!(!plain
        .to_envelope(ExchangeVersion::Exchange2016)
        .contains("SuppressReadReceipts"));
    assert_eq!(request.ids(), &ids[..]);
    assert!(DeleteItems::new(vec![], DeleteType::HardDelete).is_err());
    assert!(DeleteItems::new(vec![ItemId::new(""); 2], DeleteType::HardDelete).is_err());
    assert!(DeleteItems::new(vec![ItemId::new("A"); 1001], DeleteType::HardDelete).is_err());
}

#[test]
fn reads_a_result_per_deleted_id() {
    let ok = r#"<m:DeleteItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:DeleteItemResponseMessage>"#;
    let xml = answer(
        "DeleteItem",
        &format!("{ok}{}{ok}", failed("DeleteItem", "ErrorItemNotFound")),
    );
    let results = DeleteItems::parse_response(xml.as_bytes()).unwrap();
    assert!(results[0].is_ok() && results[2].is_ok());
    assert!(results[1].as_ref().unwrap_err().is_not_found());
    let single = answer("DeleteItem", &failed("DeleteItem", "ErrorAccessDenied"));
    assert!(DeleteItems::parse_response(single.as_bytes()).is_err());
    assert!(DeleteItems::parse_response(b"<s:Envelope xmlns:s=\"urn:s\"><s:Body>").is_err());
}

#[test]
fn no_truncation_of_any_write_answer_panics() {
    use crate::attachments::{CreateAttachment, DeleteAttachment, GetAttachment};
    use crate::items::UpdateItems;
    let answers = [
        answer(
            "CreateItem",
            &format!("{}{}", created("A1"), failed("CreateItem", "ErrorX")),
        ),
        answer(
            "UpdateItem",
            r#"<m:UpdateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Task><t:ItemId Id="T" ChangeKey="K"/></t:Task></m:Items><m:ConflictResults><m:Count>1</m:Count></m:ConflictResults></m:UpdateItemResponseMessage>"#,
        ),
        answer(
            "GetAttachment",
            r#"<m:GetAttachmentResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Attachments><t:FileAttachment><t:AttachmentId Id="A"/><t:Content>aGVsbG8=</t:Content></t:FileAttachment></m:Attachments></m:GetAttachmentResponseMessage>"#,
        ),
        answer(
            "DeleteAttachment",
            r#"<m:DeleteAttachmentResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RootItemId RootItemId="R" RootItemChangeKey="K"/></m:DeleteAttachmentResponseMessage>"#,
        ),
    ];
    for full in &answers {
        for cut in (0..full.len()).filter(|i| full.is_char_boundary(*i)) {
            let bytes = &full.as_bytes()[..cut];
            // Every prefix is either refused with an error or (for a few) read; none panics.
            let _ = CreateItems::parse_response(bytes);
            let _ = UpdateItems::parse_response(bytes);
            let _ = DeleteItems::parse_response(bytes);
            let _ = CreateAttachment::parse_response(bytes);
            let _ = GetAttachment::parse_response(bytes);
            let _ = DeleteAttachment::parse_response(bytes);
        }
        assert!(
            CreateItems::parse_response(full.as_bytes()).is_ok()
                || UpdateItems::parse_response(full.as_bytes()).is_ok()
                || GetAttachment::parse_response(full.as_bytes()).is_ok()
                || DeleteAttachment::parse_response(full.as_bytes()).is_ok()
        );
    }
}

#[test]
fn notes_alone_are_saved_without_being_told() {
    use crate::items::{MessageDisposition, NewMessage, NewNote};
    let notes = CreateItems::new(vec![NewNote::new("a", "b").into()]).unwrap();
    let xml = notes
        .checked_envelope(ExchangeVersion::Exchange2016)
        .unwrap();
    assert!(xml.contains(r#"MessageDisposition="SaveOnly""#), "{xml}");
    // With mail among them the choice is the caller's.
    let mixed = CreateItems::new(vec![
        NewNote::new("a", "b").into(),
        NewMessage::new("m").to("b@contoso.test").into(),
    ])
    .unwrap();
    assert!(mixed
        .checked_envelope(ExchangeVersion::Exchange2016)
        .is_err());
    let sent = mixed.message_disposition(MessageDisposition::SendAndSaveCopy);
    let xml = sent
        .checked_envelope(ExchangeVersion::Exchange2016)
        .unwrap();
    assert!(xml.contains(r#"MessageDisposition="SendAndSaveCopy""#));
}
