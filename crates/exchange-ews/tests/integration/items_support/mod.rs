//! Realistic item XML shared by the typed item tests, and the checks of its values.

use chrono::{DateTime, TimeZone, Utc};
use exchange_ews::decoded::Node;
use exchange_ews::items::{GetTypedItems, Message};
use exchange_ews::{EwsError, Item, ItemId};

/// The item elements the typed reader models, by their EWS element names.
pub(crate) const ITEM_KINDS: &[&str] = &[
    "Contact",
    "Task",
    "Message",
    "MeetingRequest",
    "MeetingResponse",
    "MeetingCancellation",
    "CalendarItem",
    "PostItem",
];

/// A `GetItem` answer with one successful message per item.
pub(crate) fn answer(items: &[&str]) -> String {
    let messages: String = items
        .iter()
        .map(|item| {
            format!(
                r#"<m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items>{item}</m:Items></m:GetItemResponseMessage>"#
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
        <m:GetItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
        <m:ResponseMessages>{messages}</m:ResponseMessages></m:GetItemResponse></s:Body></s:Envelope>"#
    )
}

/// The one item of an answer.
pub(crate) fn read(item: &str) -> Result<Item, EwsError> {
    GetTypedItems::parse_response(answer(&[item]).as_bytes())?
        .pop()
        .expect("one id, one entry")
}

pub(crate) fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

/// Shared `t:ItemType` properties in schema order, before a kind's own.
pub(crate) const SHARED: &str = r#"<t:ItemId Id="AAMkId" ChangeKey="EQAAAB"/>
    <t:ParentFolderId Id="AAMkFolder" ChangeKey="AQAAAA=="/>
    <t:ItemClass>CLASS</t:ItemClass>
    <t:Subject>Quarterly &amp; annual</t:Subject>
    <t:Sensitivity>Private</t:Sensitivity>
    <t:Body BodyType="HTML" IsTruncated="false">&lt;p&gt;Hello&lt;/p&gt;</t:Body>
    <t:Attachments>
      <t:FileAttachment><t:AttachmentId Id="AAMkAtt1"/><t:Name>report.pdf</t:Name>
        <t:ContentType>application/pdf</t:ContentType><t:ContentId>rep@contoso</t:ContentId>
        <t:Size>52311</t:Size><t:LastModifiedTime>2024-05-02T10:00:00</t:LastModifiedTime>
        <t:IsInline>false</t:IsInline><t:IsContactPhoto>false</t:IsContactPhoto></t:FileAttachment>
      <t:ItemAttachment><t:AttachmentId Id="AAMkAtt2"/><t:Name>Fwd: plan</t:Name></t:ItemAttachment>
    </t:Attachments>
    <t:DateTimeReceived>2024-05-03T08:15:00Z</t:DateTimeReceived>
    <t:Size>61234</t:Size>
    <t:Categories><t:String>Finance</t:String><t:String>Red category</t:String></t:Categories>
    <t:Importance>High</t:Importance>
    <t:DateTimeSent>2024-05-03T08:14:00Z</t:DateTimeSent>
    <t:DateTimeCreated>2024-05-03T08:15:01Z</t:DateTimeCreated>
    <t:ResponseObjects><t:ForwardItem/></t:ResponseObjects>
    <t:ReminderDueBy>2024-05-04T09:00:00Z</t:ReminderDueBy>
    <t:ReminderIsSet>true</t:ReminderIsSet>
    <t:ReminderMinutesBeforeStart>15</t:ReminderMinutesBeforeStart>
    <t:HasAttachments>true</t:HasAttachments>
    <t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0x1081" PropertyType="Integer"/><t:Value>261</t:Value></t:ExtendedProperty>
    <t:ExtendedProperty><t:ExtendedFieldURI DistinguishedPropertySetId="PublicStrings" PropertyName="Keywords" PropertyType="StringArray"/>
      <t:Values><t:Value>a</t:Value><t:Value>b</t:Value></t:Values></t:ExtendedProperty>
    <t:Culture>en-GB</t:Culture>
    <t:LastModifiedName>Ada</t:LastModifiedName>
    <t:LastModifiedTime>2024-05-03T09:00:00Z</t:LastModifiedTime>"#;

/// Checks the shared properties of [`SHARED`] through the fields every kind has.
macro_rules! assert_shared {
    ($item:expr, $class:expr) => {{
        let i = &$item;
        assert_eq!(i.id, ItemId::new("AAMkId").with_change_key("EQAAAB"));
        assert_eq!(i.parent_folder_id.as_ref().unwrap().id, "AAMkFolder");
        assert_eq!(i.item_class.as_deref(), Some($class));
        assert_eq!(i.subject.as_deref(), Some("Quarterly & annual"));
        assert_eq!(i.sensitivity, Some(Sensitivity::Private));
        let body = i.body.as_ref().unwrap();
        assert_eq!(
            (body.kind, body.content.as_str()),
            (BodyType::Html, "<p>Hello</p>")
        );
        assert_eq!(i.attachments.len(), 2);
        let pdf = &i.attachments[0];
        assert_eq!(pdf.kind, "FileAttachment");
        assert_eq!(pdf.id.as_deref(), Some("AAMkAtt1"));
        assert_eq!(pdf.name.as_deref(), Some("report.pdf"));
        assert_eq!(pdf.content_type.as_deref(), Some("application/pdf"));
        assert_eq!(pdf.content_id.as_deref(), Some("rep@contoso"));
        assert_eq!(pdf.size, Some(52311));
        assert_eq!(pdf.last_modified_time, Some(utc(2024, 5, 2, 10, 0)));
        assert_eq!(pdf.is_inline, Some(false));
        assert_eq!(i.attachments[1].kind, "ItemAttachment");
        assert_eq!(i.attachments[1].size, None);
        assert_eq!(i.date_time_received, Some(utc(2024, 5, 3, 8, 15)));
        assert_eq!(i.size, Some(61234));
        assert_eq!(i.categories, ["Finance", "Red category"]);
        assert_eq!(i.importance, Some(Importance::High));
        assert_eq!(i.date_time_sent, Some(utc(2024, 5, 3, 8, 14)));
        assert!(i.date_time_created.is_some());
        assert!(i.reminder.is_set);
        assert_eq!(i.reminder.minutes_before_start, Some(15));
        assert_eq!(i.reminder.due_by, Some(utc(2024, 5, 4, 9, 0)));
        assert_eq!(i.has_attachments, Some(true));
        assert_eq!(i.extended_properties.len(), 2);
        let tagged = &i.extended_properties[0];
        assert_eq!(
            tagged.path,
            PropertyPath::tagged(0x1081, MapiPropertyType::Integer)
        );
        assert_eq!(tagged.value, ExtendedValue::Single("261".into()));
        assert_eq!(
            i.extended_properties[1].value,
            ExtendedValue::Array(vec!["a".into(), "b".into()])
        );
        assert_eq!(i.culture.as_deref(), Some("en-GB"));
        assert_eq!(i.last_modified, Some(utc(2024, 5, 3, 9, 0)));
    }};
}

/// The names of the unmodelled children.
pub(crate) fn names(nodes: &[Node]) -> Vec<&str> {
    nodes.iter().map(Node::name).collect()
}

/// The message part of a message or meeting message, in schema order.
pub(crate) const MESSAGE_PART: &str = r#"<t:InReplyTo>&lt;a1@contoso.test&gt;</t:InReplyTo>
    <t:IsSubmitted>false</t:IsSubmitted><t:IsDraft>false</t:IsDraft>
    <t:ConversationId Id="AAQkConv"/>
    <t:Sender><t:Mailbox><t:Name>Bob</t:Name><t:EmailAddress>bob@contoso.test</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox></t:Sender>
    <t:ToRecipients><t:Mailbox><t:Name>Ada</t:Name><t:EmailAddress>ada@contoso.test</t:EmailAddress></t:Mailbox>
      <t:Mailbox><t:EmailAddress>carol@contoso.test</t:EmailAddress></t:Mailbox></t:ToRecipients>
    <t:CcRecipients><t:Mailbox><t:EmailAddress>dan@contoso.test</t:EmailAddress></t:Mailbox></t:CcRecipients>
    <t:BccRecipients><t:Mailbox><t:EmailAddress>eve@contoso.test</t:EmailAddress></t:Mailbox></t:BccRecipients>
    <t:IsReadReceiptRequested>true</t:IsReadReceiptRequested>
    <t:IsDeliveryReceiptRequested>false</t:IsDeliveryReceiptRequested>
    <t:ConversationIndex>AdS5T4l4</t:ConversationIndex><t:ConversationTopic>Quarterly</t:ConversationTopic>
    <t:From><t:Mailbox><t:Name>Bob</t:Name><t:EmailAddress>bob@contoso.test</t:EmailAddress></t:Mailbox></t:From>
    <t:InternetMessageId>&lt;b2@contoso.test&gt;</t:InternetMessageId>
    <t:IsRead>true</t:IsRead><t:IsResponseRequested>false</t:IsResponseRequested>
    <t:References>&lt;a0@contoso.test&gt; &lt;a1@contoso.test&gt;</t:References>
    <t:ReplyTo><t:Mailbox><t:EmailAddress>list@contoso.test</t:EmailAddress></t:Mailbox></t:ReplyTo>
    <t:ReceivedBy><t:Mailbox><t:EmailAddress>ada@contoso.test</t:EmailAddress></t:Mailbox></t:ReceivedBy>
    <t:ReceivedRepresenting><t:Mailbox><t:EmailAddress>boss@contoso.test</t:EmailAddress></t:Mailbox></t:ReceivedRepresenting>"#;

/// Checks the message fields of [`MESSAGE_PART`].
pub(crate) fn assert_message_part(m: &Message) {
    assert_eq!(m.in_reply_to.as_deref(), Some("<a1@contoso.test>"));
    assert_eq!((m.is_submitted, m.is_draft), (Some(false), Some(false)));
    assert_eq!(m.conversation_id, Some(ItemId::new("AAQkConv")));
    let sender = m.sender.as_ref().unwrap();
    assert_eq!(sender.email.as_deref(), Some("bob@contoso.test"));
    assert_eq!(sender.mailbox_type.as_deref(), Some("Mailbox"));
    let to: Vec<_> = m
        .to_recipients
        .iter()
        .map(|r| r.email.as_deref().unwrap())
        .collect();
    assert_eq!(to, ["ada@contoso.test", "carol@contoso.test"]);
    assert_eq!(m.to_recipients[0].name.as_deref(), Some("Ada"));
    assert_eq!(
        m.cc_recipients[0].email.as_deref(),
        Some("dan@contoso.test")
    );
    assert_eq!(
        m.bcc_recipients[0].email.as_deref(),
        Some("eve@contoso.test")
    );
    assert_eq!(m.is_read_receipt_requested, Some(true));
    assert_eq!(m.is_delivery_receipt_requested, Some(false));
    assert_eq!(m.conversation_index.as_deref(), Some("AdS5T4l4"));
    assert_eq!(m.conversation_topic.as_deref(), Some("Quarterly"));
    assert_eq!(m.from.as_ref().unwrap().name.as_deref(), Some("Bob"));
    assert_eq!(m.internet_message_id.as_deref(), Some("<b2@contoso.test>"));
    assert_eq!(
        (m.is_read, m.is_response_requested),
        (Some(true), Some(false))
    );
    assert_eq!(
        m.references.as_deref(),
        Some("<a0@contoso.test> <a1@contoso.test>")
    );
    assert_eq!(m.reply_to[0].email.as_deref(), Some("list@contoso.test"));
    assert_eq!(
        m.received_by.as_ref().unwrap().email.as_deref(),
        Some("ada@contoso.test")
    );
    assert_eq!(
        m.received_representing.as_ref().unwrap().email.as_deref(),
        Some("boss@contoso.test")
    );
}
