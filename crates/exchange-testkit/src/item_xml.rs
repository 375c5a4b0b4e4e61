//! `t:CalendarItem` elements for responses, with the properties a response shape asks for.

use std::fmt::Write as _;

use crate::datetime;
use crate::escape;
use crate::request::{BaseShape, Body, BodyKind, BodyWanted, Shape};
use crate::store::{self, StoredItem};

/// The properties of a calendar item the fake can return, in schema order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Properties {
    parent_folder_id: bool,
    item_class: bool,
    subject: bool,
    body: bool,
    received: bool,
    created: bool,
    has_attachments: bool,
    modified: bool,
    uid: bool,
    start: bool,
    end: bool,
    is_all_day: bool,
    free_busy: bool,
    location: bool,
    meeting_flags: bool,
    item_type: bool,
    my_response: bool,
    organizer: bool,
    duration: bool,
}

impl Properties {
    /// The properties of `shape`. `FindItem` never returns bodies.
    pub(crate) fn of(shape: &Shape, for_find: bool) -> Self {
        let mut p = Self::default();
        if shape.base != BaseShape::IdOnly {
            p.parent_folder_id = true;
            p.item_class = true;
            p.subject = true;
            p.body = !for_find;
            p.created = true;
            p.has_attachments = true;
            p.start = true;
            p.end = true;
            p.is_all_day = true;
            p.free_busy = true;
            p.location = true;
            p.meeting_flags = true;
            p.item_type = true;
            p.my_response = true;
            p.organizer = true;
        }
        if shape.base == BaseShape::AllProperties {
            p.modified = true;
            p.received = true;
            p.uid = true;
            p.duration = true;
        }
        for uri in &shape.additional {
            match uri.as_str() {
                "item:ParentFolderId" => p.parent_folder_id = true,
                "item:ItemClass" => p.item_class = true,
                "item:Subject" => p.subject = true,
                "item:Body" => p.body = !for_find,
                "item:DateTimeReceived" => p.received = true,
                "item:DateTimeCreated" => p.created = true,
                "item:HasAttachments" => p.has_attachments = true,
                "item:LastModifiedTime" => p.modified = true,
                "calendar:UID" => p.uid = true,
                "calendar:Start" => p.start = true,
                "calendar:End" => p.end = true,
                "calendar:IsAllDayEvent" => p.is_all_day = true,
                "calendar:LegacyFreeBusyStatus" => p.free_busy = true,
                "calendar:Location" => p.location = true,
                "calendar:IsMeeting" | "calendar:IsCancelled" | "calendar:IsRecurring" => {
                    p.meeting_flags = true;
                }
                "calendar:CalendarItemType" => p.item_type = true,
                "calendar:MyResponseType" => p.my_response = true,
                "calendar:Organizer" => p.organizer = true,
                "calendar:Duration" => p.duration = true,
                // Properties the fake does not model are simply not set, as EWS omits unset
                // properties.
                _ => {}
            }
        }
        p
    }
}

/// Just the `ItemId` of an item (the content of CreateItem and UpdateItem answers).
pub(crate) fn item_id_only(mailbox: usize, item: &StoredItem) -> String {
    format!(
        "<t:CalendarItem><t:ItemId Id=\"{}\" ChangeKey=\"{}\"/></t:CalendarItem>",
        escape::attr(&store::item_id(mailbox, &item.key)),
        escape::attr(&store::change_key(item.change)),
    )
}

/// A calendar item with the chosen properties; `organizer` is the mailbox owner's address.
pub(crate) fn calendar_item(
    mailbox: usize,
    organizer: &str,
    item: &StoredItem,
    properties: Properties,
    body_wanted: BodyWanted,
) -> String {
    let p = properties;
    let mut out = String::with_capacity(512);
    out.push_str("<t:CalendarItem>");
    let _ = write!(
        out,
        "<t:ItemId Id=\"{}\" ChangeKey=\"{}\"/>",
        escape::attr(&store::item_id(mailbox, &item.key)),
        escape::attr(&store::change_key(item.change)),
    );
    if p.parent_folder_id {
        let _ = write!(
            out,
            "<t:ParentFolderId Id=\"{}\"/>",
            escape::attr(&store::calendar_folder_id(mailbox))
        );
    }
    if p.item_class {
        out.push_str("<t:ItemClass>IPM.Appointment</t:ItemClass>");
    }
    if let (true, Some(subject)) = (p.subject, &item.subject) {
        escape::push_text_element(&mut out, "t:Subject", subject);
    }
    if p.body {
        let body = item.body.clone().unwrap_or(Body {
            kind: BodyKind::Text,
            content: String::new(),
        });
        let body = convert(body, body_wanted);
        let _ = write!(
            out,
            "<t:Body BodyType=\"{}\">{}</t:Body>",
            body.kind.as_str(),
            escape::text(&body.content)
        );
    }
    if p.received {
        // Calendar items are "received" when they are saved.
        escape::push_text_element(
            &mut out,
            "t:DateTimeReceived",
            &datetime::format(item.created),
        );
    }
    if p.created {
        escape::push_text_element(
            &mut out,
            "t:DateTimeCreated",
            &datetime::format(item.created),
        );
    }
    if p.has_attachments {
        out.push_str("<t:HasAttachments>false</t:HasAttachments>");
    }
    if p.modified {
        escape::push_text_element(
            &mut out,
            "t:LastModifiedTime",
            &datetime::format(item.modified),
        );
    }
    if p.uid {
        escape::push_text_element(&mut out, "t:UID", &item.uid);
    }
    if p.start {
        escape::push_text_element(&mut out, "t:Start", &datetime::format(item.start));
    }
    if p.end {
        escape::push_text_element(&mut out, "t:End", &datetime::format(item.end));
    }
    if p.is_all_day {
        let _ = write!(
            out,
            "<t:IsAllDayEvent>{}</t:IsAllDayEvent>",
            item.is_all_day
        );
    }
    if p.free_busy {
        escape::push_text_element(&mut out, "t:LegacyFreeBusyStatus", &item.free_busy);
    }
    if let (true, Some(location)) = (p.location, &item.location) {
        escape::push_text_element(&mut out, "t:Location", location);
    }
    if p.meeting_flags {
        // Attendees are not modelled, so no item is a meeting.
        out.push_str(
            "<t:IsMeeting>false</t:IsMeeting><t:IsCancelled>false</t:IsCancelled>\
             <t:IsRecurring>false</t:IsRecurring>",
        );
    }
    if p.item_type {
        out.push_str("<t:CalendarItemType>Single</t:CalendarItemType>");
    }
    if p.my_response {
        out.push_str("<t:MyResponseType>Organizer</t:MyResponseType>");
    }
    if p.organizer {
        out.push_str("<t:Organizer><t:Mailbox>");
        escape::push_text_element(&mut out, "t:Name", organizer);
        escape::push_text_element(&mut out, "t:EmailAddress", organizer);
        out.push_str("<t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType>");
        out.push_str("</t:Mailbox></t:Organizer>");
    }
    if p.duration {
        escape::push_text_element(
            &mut out,
            "t:Duration",
            &datetime::duration(item.start, item.end),
        );
    }
    out.push_str("</t:CalendarItem>");
    out
}

/// Converts a body to the wanted format, roughly as Exchange does.
pub(crate) fn convert(body: Body, wanted: BodyWanted) -> Body {
    match (wanted, body.kind) {
        (BodyWanted::Html, BodyKind::Text) => {
            let escaped = escape::text(&body.content).replace('\n', "<br>\n");
            Body {
                kind: BodyKind::Html,
                content: format!("<html>\n<body>\n{escaped}\n</body>\n</html>\n"),
            }
        }
        (BodyWanted::Text, BodyKind::Html) => Body {
            kind: BodyKind::Text,
            content: html_to_text(&body.content),
        },
        _ => body,
    }
}

/// The text of an HTML body: tags dropped, the common entities decoded.
fn html_to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match (in_tag, c) {
            (false, '<') => in_tag = true,
            (true, '>') => in_tag = false,
            (false, c) => text.push(c),
            (true, _) => {}
        }
    }
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone as _, Utc};

    fn item() -> StoredItem {
        let at = |h| Utc.with_ymd_and_hms(2024, 5, 1, h, 0, 0).unwrap();
        StoredItem {
            key: [3; 16],
            change: 42,
            created: at(8),
            modified: at(9),
            subject: Some("Tea & <cake>".into()),
            body: Some(Body {
                kind: BodyKind::Html,
                content: "<p>Hello &amp; welcome</p>".into(),
            }),
            uid: "UID-1".into(),
            start: at(10),
            end: at(11),
            is_all_day: false,
            free_busy: "Busy".into(),
            location: None,
        }
    }

    fn shape(base: BaseShape, additional: &[&str]) -> Shape {
        Shape {
            base,
            body: BodyWanted::Best,
            additional: additional.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn id_only_returns_the_id_and_additional_properties() {
        let props = Properties::of(
            &shape(BaseShape::IdOnly, &["calendar:Start", "item:Unknown"]),
            true,
        );
        let xml = calendar_item(0, "a@b.c", &item(), props, BodyWanted::Best);
        assert!(xml.starts_with("<t:CalendarItem><t:ItemId Id=\""));
        assert!(xml.contains("<t:Start>2024-05-01T10:00:00Z</t:Start>"));
        assert!(!xml.contains("Subject"));
    }

    #[test]
    fn all_properties_come_in_schema_order_and_escaped() {
        let props = Properties::of(&shape(BaseShape::AllProperties, &[]), false);
        let xml = calendar_item(1, "a@b.c", &item(), props, BodyWanted::Best);
        let order = [
            "<t:ItemId",
            "<t:ParentFolderId",
            "<t:ItemClass",
            "<t:Subject>Tea &amp; &lt;cake&gt;",
            "<t:Body BodyType=\"HTML\">&lt;p&gt;",
            "<t:DateTimeCreated",
            "<t:HasAttachments",
            "<t:LastModifiedTime",
            "<t:UID",
            "<t:Start",
            "<t:End",
            "<t:IsAllDayEvent",
            "<t:LegacyFreeBusyStatus",
            "<t:IsMeeting",
            "<t:CalendarItemType>Single",
            "<t:MyResponseType",
            "<t:Organizer><t:Mailbox><t:Name>a@b.c",
            "<t:Duration>PT1H",
        ];
        let mut from = 0;
        for part in order {
            let at = xml[from..]
                .find(part)
                .unwrap_or_else(|| panic!("{part} missing after {from} in {xml}"));
            from += at;
        }
        assert!(!xml.contains("<t:Location"), "an unset location is omitted");
    }

    #[test]
    fn find_never_returns_bodies() {
        let props = Properties::of(&shape(BaseShape::AllProperties, &["item:Body"]), true);
        let xml = calendar_item(0, "a@b.c", &item(), props, BodyWanted::Best);
        assert!(!xml.contains("<t:Body"));
    }

    #[test]
    fn bodies_convert_between_formats() {
        let html = item().body.unwrap();
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
}
