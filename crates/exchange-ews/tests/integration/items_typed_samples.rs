//! The samples holding messages, meeting messages and calendar items decode to the right
//! typed [`Item`] variant, with concrete values checked.

use crate::sample_files;

use chrono::{TimeZone, Utc};
use exchange_ews::calendar::{FreeBusyStatus, ResponseType};
use exchange_ews::decoded::{DocumentKind, Node};
use exchange_ews::items::{FindTypedItems, GetTypedItems, Importance, Sensitivity};
use exchange_ews::sync::{Change, Changed, SyncFolderItems};
use exchange_ews::{Item, ItemId};
use exchange_test_support::skip_or_fail;
use exchange_testkit::schema::ews_dir;
use sample_files::decoded;

fn sample(name: &str) -> Option<Vec<u8>> {
    let Some(dir) = ews_dir() else {
        return skip_or_fail("the EWS samples");
    };
    Some(std::fs::read(dir.join("samples").join(name)).unwrap())
}

/// The item elements of a node: the children of `Items`, `Create` and `Update`.
fn item_nodes<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    for child in node.children() {
        if matches!(node.name(), "Items" | "Create" | "Update") && child.child("ItemId").is_some() {
            out.push(child);
        } else {
            item_nodes(child, out);
        }
    }
}

#[test]
fn every_item_of_every_response_sample_decodes_to_its_variant() {
    let Some(decoded) = decoded() else { return };
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for (name, _, doc) in &decoded {
        if doc.kind() != DocumentKind::Response {
            continue;
        }
        let mut nodes = Vec::new();
        item_nodes(doc.body(), &mut nodes);
        for node in nodes {
            if node.name() == "CalendarItem" && node.child("Start").is_none() {
                // An id-only calendar item (a CreateItem answer): kept whole, with its id.
                match Item::from_node(node) {
                    Ok(Item::Other(generic)) => {
                        assert_eq!(generic.kind, "CalendarItem");
                        assert!(!generic.id.id.is_empty());
                    }
                    other => panic!("{name}: {other:?}"),
                }
                *seen.entry("CalendarItem (id only)".to_owned()).or_default() += 1;
                continue;
            }
            let item = Item::from_node(node).unwrap_or_else(|e| panic!("{name}: {e}"));
            let expected = match node.name() {
                "CalendarItem" => matches!(item, Item::Calendar(_)),
                "Message" => matches!(item, Item::Message(_) | Item::Note(_)),
                "MeetingRequest" => matches!(item, Item::MeetingRequest(_)),
                "MeetingResponse" => matches!(item, Item::MeetingResponse(_)),
                "Contact" => matches!(item, Item::Contact(_)),
                "Task" => matches!(item, Item::Task(_)),
                _ => matches!(item, Item::Other(_)),
            };
            assert!(expected, "{name}: {} read as {item:?}", node.name());
            assert_eq!(item.kind(), node.name());
            *seen.entry(node.name().to_owned()).or_default() += 1;
        }
    }
    for kind in [
        "CalendarItem",
        "Message",
        "MeetingRequest",
        "MeetingResponse",
    ] {
        assert!(
            seen.get(kind).is_some_and(|n| *n > 0),
            "no {kind} in {seen:?}"
        );
    }
}

#[test]
fn the_meeting_response_sample_reads_in_every_detail() {
    let Some(bytes) = sample("ewsjava-getitem-meetingresponse-exchange2016.xml") else {
        return;
    };
    let mut items = GetTypedItems::parse_response(&bytes).unwrap();
    let Ok(Item::MeetingResponse(r)) = items.pop().unwrap() else {
        panic!("a meeting response")
    };
    let m = &r.message;
    assert!(m.id.id.starts_with("AAMkAGI1NDk4ZGY3"));
    assert_eq!(
        m.item_class.as_deref(),
        Some("IPM.Schedule.Meeting.Resp.Tent")
    );
    assert_eq!(m.subject.as_deref(), Some("New Time Proposed: something 2"));
    assert_eq!(m.sensitivity, Some(Sensitivity::Normal));
    assert!(m.body.as_ref().unwrap().content.contains("<html>"));
    assert_eq!(m.size, Some(5220));
    assert_eq!(m.importance, Some(Importance::Normal));
    assert_eq!(m.is_draft, Some(false));
    let t = |h, mi| Some(Utc.with_ymd_and_hms(2019, 1, 31, h, mi, 0).unwrap());
    let sent = |s| Some(Utc.with_ymd_and_hms(2019, 1, 31, 10, 40, s).unwrap());
    assert_eq!(m.date_time_received, sent(4));
    assert_eq!(m.reminder.due_by, t(10, 30));
    assert_eq!(m.has_attachments, Some(false));
    assert_eq!(m.culture.as_deref(), Some("en-GB"));
    assert_eq!(m.last_modified, sent(4));
    assert!(m
        .conversation_id
        .as_ref()
        .unwrap()
        .id
        .starts_with("AAQkAGI1"));
    assert_eq!(
        m.sender.as_ref().unwrap().email.as_deref(),
        Some("testuser2@example.com")
    );
    assert_eq!(m.to_recipients[0].name.as_deref(), Some("test user 1"));
    assert_eq!(m.is_read_receipt_requested, Some(false));
    assert_eq!(m.conversation_topic.as_deref(), Some("something 2"));
    assert_eq!(
        m.internet_message_id.as_deref(),
        Some("<26311bb61ca44b14a9a0cc6da3c20594@example.com>")
    );
    assert_eq!(m.is_read, Some(true));
    assert_eq!(
        m.received_representing
            .as_ref()
            .unwrap()
            .routing_type
            .as_deref(),
        Some("SMTP")
    );
    assert!(m.unmodelled.is_empty());
    assert_eq!(
        r.associated_calendar_item_id
            .as_ref()
            .map(|i| i.change_key.as_deref()),
        Some(Some("DwAAABYAAAAPKhbVptluTr8d74Dnvry0AAAQRDZR"))
    );
    assert_eq!(
        (r.is_delegated, r.is_out_of_date),
        (Some(false), Some(false))
    );
    assert_eq!(r.response_type, Some(ResponseType::Tentative));
    assert!(r
        .uid
        .as_deref()
        .unwrap()
        .starts_with("040000008200E00074C5B7101A82E008"));
    assert_eq!(r.date_time_stamp, sent(4));
    assert_eq!(r.is_organizer, Some(false));
    assert_eq!((r.start, r.end), (t(10, 30), t(11, 30)));
    assert_eq!(r.location.as_deref(), Some("the location"));
    assert_eq!(r.calendar_item_type.as_deref(), Some("Single"));
    assert_eq!((r.proposed_start, r.proposed_end), (t(12, 0), t(14, 30)));
    let unmodelled: Vec<_> = r.unmodelled.iter().map(Node::name).collect();
    assert_eq!(
        unmodelled,
        [
            "IsFromMe",
            "IsResend",
            "IsUnmodified",
            "ResponseObjects",
            "ReminderNextTime",
            "DisplayCc",
            "DisplayTo",
            "EffectiveRights",
            "LastModifiedName",
            "IsAssociated",
            "WebClientReadFormQueryString",
            "Flag",
            "InstanceKey",
            "EntityExtractionResult",
        ]
    );
}

#[test]
fn the_sync_samples_hold_messages_and_a_meeting_request() {
    let (Some(changes), Some(meeting)) = (
        sample("ms-syncfolderitems-changes-response.xml"),
        sample("ms-syncfolderitems-response.xml"),
    ) else {
        return;
    };
    let typed = |bytes: &[u8]| -> Vec<Item> {
        SyncFolderItems::parse_response(bytes)
            .unwrap()
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::Create(Changed::Item { element, .. })
                | Change::Update(Changed::Item { element, .. }) => {
                    Some(Item::from_node(element).unwrap())
                }
                _ => None,
            })
            .collect()
    };
    let items = typed(&changes);
    assert_eq!(items.len(), 3);
    let Item::Message(first) = &items[0] else {
        panic!("a message")
    };
    assert_eq!(first.subject.as_deref(), Some("RE: Company Soccer Team"));
    assert_eq!(first.item_class.as_deref(), Some("IPM.Note"));
    // The sample's id starts with a space; ids are opaque and kept as sent.
    assert_eq!(first.parent_folder_id.as_ref().unwrap().id, " AgENAAAA");
    assert_eq!(
        first.from.as_ref().unwrap().email.as_deref(),
        Some("Alfred.Welker@contoso.com")
    );
    assert_eq!(
        first.conversation_topic.as_deref(),
        Some("Company Soccer Team")
    );
    assert_eq!(first.size, Some(23110));
    assert_eq!(first.culture.as_deref(), Some("en-US"));
    assert_eq!(first.is_read, Some(true));
    assert_eq!(
        first.in_reply_to.as_deref(),
        Some("&lt;8e084ea1a5b64f97b95fa8a863a5869d@CH1SR01MB001.namsdf01.sdf.contoso.com&gt;")
    );
    assert_eq!(
        items[2].id(),
        &ItemId::new("Q04AAAAA==").with_change_key("AAAirbnd")
    );

    let items = typed(&meeting);
    let [Item::MeetingRequest(r)] = &items[..] else {
        panic!("one meeting request: {items:?}")
    };
    assert_eq!(r.message.subject.as_deref(), Some("Budget Q3"));
    assert_eq!(r.is_out_of_date, Some(false));
    assert_eq!(r.has_been_processed, Some(true));
    assert_eq!(r.response_type, Some(ResponseType::NoResponseReceived));
    assert_eq!(r.intended_free_busy_status, Some(FreeBusyStatus::Busy));
    assert_eq!(
        r.start,
        Some(Utc.with_ymd_and_hms(2006, 8, 2, 17, 30, 0).unwrap())
    );
    assert_eq!(r.location.as_deref(), Some("Conference Room 2"));
    assert_eq!(
        r.organizer.as_ref().unwrap().name.as_deref(),
        Some("Dan Park")
    );
    assert!(r.unmodelled.is_empty());
}

#[test]
fn the_find_item_samples_read_as_typed_pages() {
    let (Some(plain), Some(page1), Some(page2)) = (
        sample("ms-finditem-response.xml"),
        sample("ms-paged-finditem-page1-response.xml"),
        sample("ms-paged-finditem-page2-response.xml"),
    ) else {
        return;
    };
    let plain = FindTypedItems::parse_response(&plain).unwrap();
    assert_eq!(plain.total_items_in_view, Some(10));
    assert!(plain.includes_last_item_in_range);
    let ids: Vec<_> = plain.items.iter().map(|i| i.id().id.as_str()).collect();
    assert_eq!(ids, ["AS4AUn=", "AS4AUM="]);
    assert!(plain.items.iter().all(|i| matches!(i, Item::Message(_))));

    let page1 = FindTypedItems::parse_response(&page1).unwrap();
    assert_eq!(
        (page1.indexed_paging_offset, page1.total_items_in_view),
        (Some(6), Some(8))
    );
    let subjects: Vec<_> = page1
        .items
        .iter()
        .map(|i| match i {
            Item::Message(m) => m.subject.as_deref().unwrap(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        subjects,
        [
            "Query",
            "Update",
            "Planning resources",
            "Timeline",
            "For your perusal",
            "meeting notes"
        ]
    );
    let page2 = FindTypedItems::parse_response(&page2).unwrap();
    assert!(page2.includes_last_item_in_range);
    assert_eq!(page2.items.len(), 3);
}
