//! Property tests of the request builders: arbitrary calendar items and item ids written
//! into envelopes come back unchanged (up to the characters XML cannot carry) when the
//! envelope is read again.

use crate::xml_check;

use chrono::{DateTime, Utc};
use exchange_ews::calendar::{
    CreateCalendarItem, GetCalendarItem, NewCalendarItem, SendMeetingCancellations,
    SendMeetingInvitations,
};
use exchange_ews::decoded::{DecodedResponse, DocumentKind, Node};
use exchange_ews::items::{Body, BodyType, DeleteItem, DeleteType};
use exchange_ews::{DistinguishedFolder, ExchangeVersion, ItemId};
use proptest::prelude::*;
use xml_check::{assert_well_formed, sanitized};

/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z as Unix seconds.
const FIRST_SECOND: i64 = -62_135_596_800;
const LAST_SECOND: i64 = 253_402_300_799;

const VERSIONS: &[ExchangeVersion] = &[
    ExchangeVersion::Exchange2007Sp1,
    ExchangeVersion::Exchange2010,
    ExchangeVersion::Exchange2013,
    ExchangeVersion::Exchange2016,
];

/// Any text, with markup characters, white space and control characters made likely.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[<>&\"' \\t\\r\\n\\x00-\\x1Fa-z\\x{FFFE}\\x{FFFF}\\x{E9}\\x{1F600}]{0,24}",
    ]
}

/// An instant in the years 1 to 9999, with any fraction of a second.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (FIRST_SECOND..=LAST_SECOND, 0u32..1_000_000_000).prop_map(|(secs, nanos)| {
        DateTime::from_timestamp(secs, nanos).expect("the range lies inside chrono's")
    })
}

fn new_item() -> impl Strategy<Value = NewCalendarItem> {
    (
        text(),
        instant(),
        instant(),
        any::<bool>(),
        proptest::option::of(text()),
        proptest::option::of((any::<bool>(), text())),
    )
        .prop_map(
            |(subject, a, b, is_all_day, location, body)| NewCalendarItem {
                subject,
                start: a.min(b),
                end: a.max(b),
                is_all_day,
                location,
                body: body.map(|(html, content)| {
                    if html {
                        Body::html(content)
                    } else {
                        Body::text(content)
                    }
                }),
                ..Default::default()
            },
        )
}

/// A string that [`ItemId`]'s check accepts: not blank.
fn id_text() -> impl Strategy<Value = String> {
    text().prop_filter("ids are not blank", |s| !s.trim().is_empty())
}

fn item_id() -> impl Strategy<Value = ItemId> {
    (id_text(), proptest::option::of(id_text())).prop_map(|(id, key)| match key {
        Some(key) => ItemId::new(id).with_change_key(key),
        None => ItemId::new(id),
    })
}

/// Parses a request envelope with the crate's own decoder and returns its body element.
fn request_body(envelope: &str) -> Node {
    assert_well_formed(envelope);
    let decoded = DecodedResponse::parse(envelope.as_bytes())
        .unwrap_or_else(|e| panic!("the envelope does not parse: {e}\n{envelope}"));
    assert_eq!(decoded.kind(), DocumentKind::Request);
    decoded.body().clone()
}

fn child<'a>(node: &'a Node, path: &[&str]) -> &'a Node {
    path.iter().fold(node, |node, name| {
        node.child(name)
            .unwrap_or_else(|| panic!("no <{name}> in <{}>", node.name()))
    })
}

fn read_time(node: &Node) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(node.text())
        .unwrap_or_else(|e| panic!("{:?} is no xs:dateTime: {e}", node.text()))
        .with_timezone(&Utc)
}

/// The request body's `ItemIds/ItemId` carries `id`, sanitized as XML text.
fn item_id_written(body: &Node, id: &ItemId) -> Result<(), TestCaseError> {
    let written = child(body, &["ItemIds", "ItemId"]);
    prop_assert_eq!(
        written.attribute("Id").map(str::to_owned),
        Some(sanitized(&id.id))
    );
    prop_assert_eq!(
        written.attribute("ChangeKey").map(str::to_owned),
        id.change_key.as_deref().map(sanitized)
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn created_items_read_back_from_the_envelope(
        item in new_item(),
        version in proptest::sample::select(VERSIONS),
    ) {
        let request = CreateCalendarItem::new(
            DistinguishedFolder::Calendar.into(),
            item.clone(),
            SendMeetingInvitations::SendToNone,
        )
        .expect("items with start <= end in the years 1 to 9999 are valid");
        let body = request_body(&request.to_envelope(version));
        prop_assert_eq!(body.name(), "CreateItem");
        let written = child(&body, &["Items", "CalendarItem"]);
        prop_assert_eq!(child(written, &["Subject"]).text(), sanitized(&item.subject));
        prop_assert_eq!(read_time(child(written, &["Start"])), item.start);
        prop_assert_eq!(read_time(child(written, &["End"])), item.end);
        let all_day = if item.is_all_day { "true" } else { "false" };
        prop_assert_eq!(child(written, &["IsAllDayEvent"]).text(), all_day);
        prop_assert_eq!(
            written.child("Location").map(|n| n.text().to_owned()),
            item.location.as_deref().map(sanitized)
        );
        let expected_body = item.body.as_ref().map(|b| {
            let kind = match b.kind {
                BodyType::Html => "HTML",
                _ => "Text",
            };
            (kind.to_owned(), sanitized(&b.content))
        });
        let written_body = written.child("Body").map(|n| {
            (n.attribute("BodyType").unwrap_or_default().to_owned(), n.text().to_owned())
        });
        prop_assert_eq!(written_body, expected_body);
        // All-day items name UTC as their zone, in the form the version understands.
        let zone = ["StartTimeZone", "MeetingTimeZone"]
            .iter()
            .any(|name| written.child(name).is_some());
        prop_assert_eq!(zone, item.is_all_day);
    }

    #[test]
    fn item_ids_round_trip_through_get_item(
        id in item_id(),
        version in proptest::sample::select(VERSIONS),
    ) {
        let request = GetCalendarItem::new(id.clone()).expect("the id is not blank");
        let body = request_body(&request.to_envelope(version));
        prop_assert_eq!(body.name(), "GetItem");
        item_id_written(&body, &id)?;
    }

    #[test]
    fn item_ids_round_trip_through_delete_item(
        id in item_id(),
        version in proptest::sample::select(VERSIONS),
    ) {
        let request = DeleteItem::new(
            id.clone(),
            DeleteType::HardDelete,
            SendMeetingCancellations::SendToNone,
        )
        .expect("the id is not blank");
        let body = request_body(&request.to_envelope(version));
        prop_assert_eq!(body.name(), "DeleteItem");
        prop_assert_eq!(body.attribute("DeleteType"), Some("HardDelete"));
        item_id_written(&body, &id)?;
    }
}

#[test]
fn sanitizing_matches_the_documented_replacements() {
    assert_eq!(
        sanitized("a\u{0}b\u{1F}\t\r\n\u{FFFE}\u{FFFF}c"),
        "a\u{FFFD}b\u{FFFD}\t\r\n\u{FFFD}\u{FFFD}c"
    );
    assert_eq!(sanitized("<&\"'>"), "<&\"'>");
}
