//! Tests of `CreateAttachment`, `GetAttachment` and `DeleteAttachment`.

use chrono::{TimeZone, Utc};

use super::get_attachment::decode_content;
use crate::attachments::{
    Attachment, AttachmentShape, CreateAttachment, DeleteAttachment, GetAttachment, NewAttachment,
    NewFileAttachment, MAX_ATTACHMENTS_PER_REQUEST, MAX_ATTACHMENT_BYTES,
};
use crate::calendar::NewCalendarItem;
use crate::items::{BodyFormat, PropertyPath};
use crate::{EwsError, ExchangeVersion, ItemId, ResponseCode};

fn file(name: &str, content: &[u8]) -> NewAttachment {
    NewAttachment::File(NewFileAttachment {
        name: name.into(),
        content_type: Some("image/png".into()),
        content_id: Some("logo@contoso".into()),
        is_inline: true,
        content: content.to_vec(),
    })
}

fn item_attachment() -> NewAttachment {
    let start = Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap();
    NewAttachment::Item {
        name: "Meeting <copy>".into(),
        item: Box::new(NewCalendarItem::new("Copy", start, start).into()),
    }
}

fn answer(operation: &str, messages: &str) -> String {
    format!(
        r#"<s:Envelope xmlns:s="urn:s"><s:Body><m:{operation}Response xmlns:m="urn:m" xmlns:t="urn:t">
        <m:ResponseMessages>{messages}</m:ResponseMessages></m:{operation}Response></s:Body></s:Envelope>"#
    )
}

fn message(operation: &str, inner: &str) -> String {
    format!(
        r#"<m:{operation}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>{inner}</m:{operation}ResponseMessage>"#
    )
}

fn failed(operation: &str, code: &str) -> String {
    format!(
        r#"<m:{operation}ResponseMessage ResponseClass="Error"><m:MessageText>no</m:MessageText><m:ResponseCode>{code}</m:ResponseCode></m:{operation}ResponseMessage>"#
    )
}

#[test]
fn writes_file_and_item_attachments() {
    let parent = ItemId::new("AAMk").with_change_key("CK");
    let request = CreateAttachment::new(
        parent.clone(),
        vec![file("logo <&>.png", &[0, 1, 2, 255]), item_attachment()],
    )
    .unwrap();
    let xml = request.to_envelope(ExchangeVersion::Exchange2013);
    assert!(xml.contains(concat!(
        r#"<m:CreateAttachment><m:ParentItemId Id="AAMk" ChangeKey="CK"/><m:Attachments>"#,
        r#"<t:FileAttachment><t:Name>logo &lt;&amp;&gt;.png</t:Name><t:ContentType>image/png</t:ContentType>"#,
        r#"<t:ContentId>logo@contoso</t:ContentId><t:IsInline>true</t:IsInline><t:Content>AAEC/w==</t:Content></t:FileAttachment>"#,
        r#"<t:ItemAttachment><t:Name>Meeting &lt;copy&gt;</t:Name><t:CalendarItem><t:Subject>Copy</t:Subject>"#
    )), "{xml}");
    // Exchange 2007 SP1 does not know IsInline.
    assert!(!request
        .to_envelope(ExchangeVersion::Exchange2007Sp1)
        .contains("IsInline"));
    assert_eq!(request.parent(), &parent);
    assert_eq!(request.attachments().len(), 2);
    let plain = CreateAttachment::new(ItemId::new("P"), vec![file("a", b"")]).unwrap();
    assert!(plain
        .to_envelope(ExchangeVersion::Exchange2016)
        .contains(r#"<m:ParentItemId Id="P"/>"#));
}

#[test]
fn refuses_bad_attachments() {
    let invalid = |r: Result<CreateAttachment, EwsError>| {
        assert!(matches!(r, Err(EwsError::InvalidArgument { .. })), "{r:?}");
    };
    let parent = || ItemId::new("P");
    invalid(CreateAttachment::new(parent(), vec![]));
    invalid(CreateAttachment::new(
        ItemId::new(""),
        vec![file("a", b"x")],
    ));
    invalid(CreateAttachment::new(parent(), vec![file(" ", b"x")]));
    invalid(CreateAttachment::new(parent(), vec![file("a\u{0}b", b"x")]));
    invalid(CreateAttachment::new(
        parent(),
        vec![file(&"n".repeat(256), b"x")],
    ));
    invalid(CreateAttachment::new(
        parent(),
        vec![file("a", b"x"); MAX_ATTACHMENTS_PER_REQUEST + 1],
    ));
    let huge = NewAttachment::File(NewFileAttachment {
        name: "big".into(),
        content: vec![0; MAX_ATTACHMENT_BYTES + 1],
        ..NewFileAttachment::default()
    });
    invalid(CreateAttachment::new(parent(), vec![huge]));
    // The content stays out of debug output.
    let printed = format!("{:?}", file("a", b"secret bytes"));
    assert!(
        printed.contains("content_len: 12") && !printed.contains("115"),
        "{printed}"
    );
}

#[test]
fn reads_created_attachment_ids_per_attachment() {
    let ok = message(
        "CreateAttachment",
        r#"<m:Attachments><t:FileAttachment><t:AttachmentId Id="AT1" RootItemId="R" RootItemChangeKey="RK"/></t:FileAttachment></m:Attachments>"#,
    );
    let xml = answer(
        "CreateAttachment",
        &format!(
            "{ok}{}",
            failed("CreateAttachment", "ErrorAttachmentSizeLimitExceeded")
        ),
    );
    let results = CreateAttachment::parse_response(xml.as_bytes()).unwrap();
    let first = results[0].as_ref().unwrap();
    assert_eq!(first.id, "AT1");
    assert_eq!(
        first.root_item,
        Some(ItemId::new("R").with_change_key("RK"))
    );
    assert_eq!(
        results[1].as_ref().unwrap_err().response_code(),
        Some(&ResponseCode::Unknown(
            "ErrorAttachmentSizeLimitExceeded".into()
        ))
    );
    for bad in [
        answer("CreateAttachment", &ok.replace(r#"Id="AT1" "#, "")),
        answer(
            "CreateAttachment",
            &ok.replace("<t:FileAttachment>", "")
                .replace("</t:FileAttachment>", "")
                .replace(
                    r#"<t:AttachmentId Id="AT1" RootItemId="R" RootItemChangeKey="RK"/>"#,
                    "",
                ),
        ),
        answer("CreateAttachment", &ok)[..120].to_owned(),
    ] {
        let error = CreateAttachment::parse_response(bad.as_bytes()).unwrap_err();
        assert!(error.is_malformed_response(), "{error}");
    }
}

#[test]
fn writes_the_attachment_shape_and_ids() {
    let shape = AttachmentShape {
        include_mime_content: true,
        body_type: Some(BodyFormat::Text),
        additional_properties: vec![PropertyPath::field("item:Subject")],
    };
    let request = GetAttachment::new(vec!["A1".into(), "A<2>".into()], shape.clone()).unwrap();
    let xml = request.to_envelope(ExchangeVersion::Exchange2010);
    assert!(xml.contains(concat!(
        r#"<m:GetAttachment><m:AttachmentShape><t:IncludeMimeContent>true</t:IncludeMimeContent><t:BodyType>Text</t:BodyType>"#,
        r#"<t:AdditionalProperties><t:FieldURI FieldURI="item:Subject"/></t:AdditionalProperties></m:AttachmentShape>"#,
        r#"<m:AttachmentIds><t:AttachmentId Id="A1"/><t:AttachmentId Id="A&lt;2&gt;"/></m:AttachmentIds></m:GetAttachment>"#
    )), "{xml}");
    assert_eq!(request.shape(), &shape);
    assert_eq!(request.ids().len(), 2);
    let plain = GetAttachment::new(vec!["A".into()], AttachmentShape::default()).unwrap();
    assert!(!plain
        .to_envelope(ExchangeVersion::Exchange2016)
        .contains("AttachmentShape"));
    assert!(GetAttachment::new(vec![], AttachmentShape::default()).is_err());
    assert!(GetAttachment::new(vec![" ".into()], AttachmentShape::default()).is_err());
    let bogus = AttachmentShape {
        additional_properties: vec![PropertyPath::field("item:Bogus")],
        ..AttachmentShape::default()
    };
    assert!(GetAttachment::new(vec!["A".into()], bogus).is_err());
    let too_new = AttachmentShape {
        additional_properties: vec![PropertyPath::field("item:TextBody")],
        ..AttachmentShape::default()
    };
    let request = GetAttachment::new(vec!["A".into()], too_new).unwrap();
    assert!(crate::Operation::check(&request, ExchangeVersion::Exchange2013).is_err());
}

const FILE: &str = r#"<m:Attachments><t:FileAttachment><t:AttachmentId Id="AT1" RootItemId="R" RootItemChangeKey="RK"/><t:Name>a &amp; b.txt</t:Name>
    <t:ContentType>text/plain</t:ContentType><t:ContentId>cid1</t:ContentId><t:Size>5</t:Size>
    <t:LastModifiedTime>2024-05-01T08:00:00</t:LastModifiedTime><t:IsInline>false</t:IsInline>
    <t:Content>aGVs
    bG8=</t:Content></t:FileAttachment></m:Attachments>"#;

const ITEM: &str = r#"<m:Attachments><t:ItemAttachment><t:AttachmentId Id="AT2"/><t:Name>Fwd</t:Name><t:IsInline>true</t:IsInline>
    <t:Message><t:Subject>Inner</t:Subject></t:Message></t:ItemAttachment></m:Attachments>"#;

#[test]
fn reads_file_and_item_attachments_and_errors() {
    let xml = answer(
        "GetAttachment",
        &format!(
            "{}{}{}",
            message("GetAttachment", FILE),
            message("GetAttachment", ITEM),
            failed("GetAttachment", "ErrorInvalidAttachmentId")
        ),
    );
    let results = GetAttachment::parse_response(xml.as_bytes()).unwrap();
    match results[0].as_ref().unwrap() {
        Attachment::File {
            id,
            root_item,
            name,
            content_type,
            size,
            last_modified,
            is_inline,
            content_id,
            content,
        } => {
            assert_eq!(id, "AT1");
            assert_eq!(
                root_item.as_ref().map(|r| r.id.as_str()),
                Some("R"),
                "the root item"
            );
            assert_eq!(name.as_deref(), Some("a & b.txt"));
            assert_eq!(content_type.as_deref(), Some("text/plain"));
            assert_eq!(*size, Some(5));
            assert_eq!(
                *last_modified,
                Some(Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap())
            );
            assert!(!is_inline);
            assert_eq!(content_id.as_deref(), Some("cid1"));
            assert_eq!(content.as_deref(), Some(&b"hello"[..]));
        }
        other => panic!("{other:?}"),
    }
    let item = results[1].as_ref().unwrap();
    assert_eq!(item.id(), "AT2");
    assert_eq!(item.name(), Some("Fwd"));
    match item {
        Attachment::Item {
            item: Some(node),
            is_inline,
            ..
        } => {
            assert!(is_inline);
            assert_eq!(node.name(), "Message");
            assert_eq!(
                node.child("Subject").map(crate::decoded::Node::text),
                Some("Inner")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(format!("{item:?}").contains("Message"));
    assert!(results[2].is_err());
}

#[test]
fn refuses_bad_base64_oversized_content_and_unknown_attachments() {
    for bad in [
        "aGVsbG8",
        "aGVs!G8=",
        "aGVsbG8==",
        "====",
        "\u{e9}\u{e9}\u{e9}\u{e9}",
    ] {
        let error = decode_content(bad).unwrap_err();
        assert!(
            matches!(
                error,
                EwsError::InvalidValue {
                    expected: "base64",
                    ..
                }
            ),
            "{bad}: {error}"
        );
    }
    assert_eq!(decode_content("").unwrap(), Vec::<u8>::new());
    assert_eq!(
        decode_content(" AA\r\nEC\t/w== ").unwrap(),
        vec![0, 1, 2, 255]
    );
    let oversized = "A".repeat((MAX_ATTACHMENT_BYTES / 3 + 1) * 4);
    let error = decode_content(&oversized).unwrap_err();
    assert!(error.to_string().contains("at most 48 MiB"), "{error}");
    for (bad, what) in [
        (FILE.replace("aGVs", "a#Vs"), "base64"),
        (FILE.replace("<t:Size>5", "<t:Size>-5"), "size"),
        (FILE.replace("2024-05-01T08:00:00", "yesterday"), "date"),
        (
            FILE.replace("<t:IsInline>false", "<t:IsInline>maybe"),
            "boolean",
        ),
        (
            FILE.replace(
                r#"<t:AttachmentId Id="AT1" RootItemId="R" RootItemChangeKey="RK"/>"#,
                "",
            ),
            "id",
        ),
        (
            FILE.replace("FileAttachment", "ReferenceAttachment"),
            "kind",
        ),
        (
            FILE.replace("<t:FileAttachment>", "")
                .replace("</t:FileAttachment>", "")
                .replace(
                    r#"<t:AttachmentId Id="AT1" RootItemId="R" RootItemChangeKey="RK"/>"#,
                    "",
                ),
            "no attachment",
        ),
    ] {
        let xml = answer("GetAttachment", &message("GetAttachment", &bad));
        let error = GetAttachment::parse_response(xml.as_bytes()).unwrap_err();
        assert!(error.is_malformed_response(), "{what}: {error}");
    }
}

#[test]
fn deletes_attachments_and_reads_the_root_items() {
    let request = DeleteAttachment::new(vec!["A1".into(), "A\"2".into()]).unwrap();
    let xml = request.to_envelope(ExchangeVersion::Exchange2007Sp1);
    assert!(xml.contains(r#"<m:DeleteAttachment><m:AttachmentIds><t:AttachmentId Id="A1"/><t:AttachmentId Id="A&quot;2"/></m:AttachmentIds></m:DeleteAttachment>"#), "{xml}");
    assert_eq!(request.ids().len(), 2);
    assert!(DeleteAttachment::new(vec![]).is_err());
    assert!(DeleteAttachment::new(vec!["".into()]).is_err());
    let ok = message(
        "DeleteAttachment",
        r#"<m:RootItemId RootItemId="R1" RootItemChangeKey="K2"/>"#,
    );
    let xml = answer(
        "DeleteAttachment",
        &format!("{ok}{}", failed("DeleteAttachment", "ErrorItemNotFound")),
    );
    let results = DeleteAttachment::parse_response(xml.as_bytes()).unwrap();
    assert_eq!(
        results[0].as_ref().unwrap(),
        &ItemId::new("R1").with_change_key("K2")
    );
    assert!(results[1].as_ref().unwrap_err().is_not_found());
    for bad in [
        ok.replace(r#"RootItemId="R1" "#, ""),
        ok.replace("m:RootItemId", "m:Other"),
    ] {
        let error = DeleteAttachment::parse_response(answer("DeleteAttachment", &bad).as_bytes())
            .unwrap_err();
        assert!(error.is_malformed_response(), "{error}");
    }
}
