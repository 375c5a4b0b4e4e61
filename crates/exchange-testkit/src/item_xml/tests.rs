use chrono::{TimeZone as _, Utc};

use super::*;
use crate::request::BodyWanted;

fn calendar_item() -> StoredItem {
    let at = |h| Utc.with_ymd_and_hms(2024, 5, 1, h, 0, 0).unwrap();
    let mut item = StoredItem::new(ItemKind::Calendar, folder_tree::CALENDAR, 42, at(8));
    item.key = [3; 16];
    item.modified = at(9);
    item.subject = Some("Tea & <cake>".into());
    item.body = Some(Body {
        kind: BodyKind::Html,
        content: "<p>Hello &amp; welcome</p>".into(),
    });
    item.uid = "UID-1".into();
    item.start = at(10);
    item.end = at(11);
    item
}

fn shape(base: BaseShape, additional: &[&str]) -> Shape {
    Shape {
        base,
        body: BodyWanted::Best,
        additional: additional.iter().map(|s| (*s).to_owned()).collect(),
        paths: Vec::new(),
    }
}

fn write(item: &StoredItem, shape: &Shape, for_find: bool) -> String {
    let ctx = Context {
        mailbox: 1,
        owner: "a@b.c",
        shape,
        for_find,
    };
    super::item(&ctx, item)
}

fn in_order(xml: &str, parts: &[&str]) {
    let mut from = 0;
    for part in parts {
        let at = xml[from..]
            .find(part)
            .unwrap_or_else(|| panic!("{part} missing after {from} in {xml}"));
        from += at;
    }
}

#[test]
fn id_only_returns_the_id_and_additional_properties() {
    let s = shape(BaseShape::IdOnly, &["calendar:Start", "item:Unknown"]);
    let xml = write(&calendar_item(), &s, true);
    assert!(xml.starts_with("<t:CalendarItem><t:ItemId Id=\""));
    assert!(xml.contains("<t:Start>2024-05-01T10:00:00Z</t:Start>"));
    assert!(!xml.contains("Subject"));
}

#[test]
fn all_properties_come_in_schema_order_and_escaped() {
    let mut item = calendar_item();
    item.set_prop(Element::new(TYPES, "Importance", "High"));
    item.set_prop(
        Element::new(TYPES, "RequiredAttendees", "")
            .with_child(Element::new(TYPES, "Attendee", "")),
    );
    let xml = write(&item, &shape(BaseShape::AllProperties, &[]), false);
    in_order(
        &xml,
        &[
            "<t:ItemId",
            "<t:ParentFolderId",
            "<t:ItemClass>IPM.Appointment",
            "<t:Subject>Tea &amp; &lt;cake&gt;",
            "<t:Body BodyType=\"HTML\">&lt;p&gt;",
            "<t:Size>",
            "<t:Importance>High",
            "<t:DateTimeCreated",
            "<t:HasAttachments",
            "<t:LastModifiedTime",
            "<t:UID",
            "<t:Start",
            "<t:End",
            "<t:IsAllDayEvent",
            "<t:LegacyFreeBusyStatus",
            "<t:IsMeeting>true",
            "<t:CalendarItemType>Single",
            "<t:MyResponseType",
            "<t:Organizer><t:Mailbox><t:Name>a@b.c",
            "<t:RequiredAttendees><t:Attendee/>",
            "<t:Duration>PT1H",
        ],
    );
    assert!(!xml.contains("<t:Location"), "an unset location is omitted");
}

#[test]
fn find_never_returns_bodies_and_default_differs_per_kind() {
    let item = calendar_item();
    let xml = write(
        &item,
        &shape(BaseShape::AllProperties, &["item:Body"]),
        true,
    );
    assert!(!xml.contains("<t:Body"));
    let xml = write(&item, &shape(BaseShape::Default, &[]), false);
    assert!(!xml.contains("<t:UID") && xml.contains("<t:Start"));
    let mut message = StoredItem::new(ItemKind::Message, 9, 1, Utc::now());
    message.set_prop(
        Element::new(TYPES, "ToRecipients", "").with_child(
            Element::new(TYPES, "Mailbox", "")
                .with_child(Element::new(TYPES, "Name", "Bob"))
                .with_child(Element::new(TYPES, "EmailAddress", "bob@b.c")),
        ),
    );
    let xml = write(&message, &shape(BaseShape::Default, &[]), false);
    in_order(
        &xml,
        &[
            "<t:Message>",
            "<t:IsDraft>true",
            "<t:DisplayTo>Bob",
            "<t:ToRecipients>",
            "<t:IsRead>true",
            "</t:Message>",
        ],
    );
}

#[test]
fn indexed_and_extended_paths_select_parts() {
    let mut contact = StoredItem::new(ItemKind::Contact, 4, 1, Utc::now());
    contact.set_prop(
        Element::new(TYPES, "EmailAddresses", "")
            .with_child(Element::new(TYPES, "Entry", "one").with_attr("Key", "EmailAddress1"))
            .with_child(Element::new(TYPES, "Entry", "two").with_attr("Key", "EmailAddress2")),
    );
    let uri = Element::new(TYPES, "ExtendedFieldURI", "")
        .with_attr("PropertyTag", "0x1234")
        .with_attr("PropertyType", "Integer");
    contact.props.push(
        Element::new(TYPES, "ExtendedProperty", "")
            .with_child(uri.clone())
            .with_child(Element::new(TYPES, "Value", "7")),
    );
    let mut s = shape(BaseShape::IdOnly, &[]);
    s.paths = vec![
        PropertyPath::Indexed {
            uri: "contacts:EmailAddress".into(),
            index: "EmailAddress2".into(),
        },
        PropertyPath::Extended(uri.with_attr("Extra", "x")),
    ];
    let xml = write(&contact, &s, false);
    assert!(xml.contains(
        "<t:EmailAddresses><t:Entry Key=\"EmailAddress2\">two</t:Entry></t:EmailAddresses>"
    ));
    assert!(!xml.contains("one"));
    assert!(
        !xml.contains("ExtendedProperty"),
        "another property is not selected"
    );
    let all = write(&contact, &shape(BaseShape::AllProperties, &[]), false);
    assert!(all.contains(">one<") && !all.contains("ExtendedProperty"));
    assert_eq!(element_of("contacts:PhysicalAddress:Street"), "Street");
    assert_eq!(
        dictionary_of("contacts:PhysicalAddress:City"),
        Some(("PhysicalAddresses", Some("City")))
    );
    assert_eq!(dictionary_of("item:Subject"), None);
}

#[test]
fn bodies_convert_between_formats() {
    let html = calendar_item().body.unwrap();
    let text = convert(html.clone(), BodyWanted::Text);
    assert_eq!(
        text,
        Body {
            kind: BodyKind::Text,
            content: "Hello & welcome".into()
        }
    );
    assert_eq!(convert(html.clone(), BodyWanted::Html), html);
    let back = convert(
        Body {
            kind: BodyKind::Text,
            content: "a < b\nc".into(),
        },
        BodyWanted::Html,
    );
    assert_eq!(back.kind, BodyKind::Html);
    assert!(back.content.contains("a &lt; b<br>\nc"));
    assert_eq!(convert(text.clone(), BodyWanted::Best), text);
}
