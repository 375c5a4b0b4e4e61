//! Restrictions, sort orders and item shapes against the fake Exchange server.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use exchange_auth::{Basic, UserCredentials};
use exchange_ews::calendar::{NewCalendarItem, SendMeetingInvitations};
use exchange_ews::items::{
    BaseShape, ContainmentComparison, ContainmentMode, DistinguishedPropertySet, FindItems,
    GetItems, IndexedPage, ItemShape, MapiPropertyType, PropertyPath, Restriction, SortDirection,
    SortOrder,
};
use exchange_ews::{
    DistinguishedFolder, EwsClient, EwsError, ExchangeVersion, FolderTarget, ItemId, ResponseCode,
};
use exchange_testkit::FakeExchange;
use secrecy::SecretString;

const ALICE: &str = "alice@contoso.test";

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, day, hour, 0, 0).unwrap()
}

fn calendar() -> FolderTarget {
    FolderTarget::Distinguished(DistinguishedFolder::Calendar)
}

fn client(server: &FakeExchange, version: ExchangeVersion) -> EwsClient {
    let basic = Basic::new(UserCredentials::new(ALICE, SecretString::from("pw"))).unwrap();
    EwsClient::builder(&server.url())
        .auth(Arc::new(basic))
        .version(version)
        .build()
        .unwrap()
}

/// A fake with five items; returns it with the ids by subject.
async fn fake_with_items() -> (FakeExchange, EwsClient, Vec<(String, ItemId)>) {
    let server = FakeExchange::builder()
        .user(ALICE, "pw", ALICE)
        .start()
        .await
        .expect("the fake starts");
    let alice = client(&server, ExchangeVersion::Exchange2013Sp1);
    let mut ids = Vec::new();
    for (subject, day, location, all_day) in [
        ("Design Review", 3, Some("Room 1"), false),
        ("budget REVIEW", 1, None, false),
        ("Lunch", 2, Some("Canteen"), false),
        ("Quarterly review <&\"'>", 5, Some("Room 2"), false),
        ("Holiday", 4, None, true),
    ] {
        let (start, end) = if all_day {
            (at(day, 0), at(day + 1, 0))
        } else {
            (at(day, 9), at(day, 10))
        };
        let item = NewCalendarItem {
            subject: subject.into(),
            start,
            end,
            is_all_day: all_day,
            location: location.map(str::to_owned),
            body: None,
            ..Default::default()
        };
        let id = alice
            .create_calendar_item(&calendar(), &item, SendMeetingInvitations::SendToNone)
            .await
            .unwrap();
        ids.push((subject.to_owned(), id));
    }
    (server, alice, ids)
}

fn subject() -> PropertyPath {
    PropertyPath::field("item:Subject")
}

fn start() -> PropertyPath {
    PropertyPath::field("calendar:Start")
}

async fn subjects(client: &EwsClient, request: FindItems) -> Result<Vec<String>, EwsError> {
    let page = client.execute(&request).await?;
    Ok(page
        .items
        .into_iter()
        .map(|i| i.subject.unwrap_or_default())
        .collect())
}

fn find() -> FindItems {
    FindItems::new(calendar(), IndexedPage::new(100, 0).unwrap()).unwrap()
}

fn reviews() -> Restriction {
    Restriction::contains(
        subject(),
        "review",
        ContainmentMode::Substring,
        ContainmentComparison::IgnoreCase,
    )
}

#[tokio::test]
async fn restrictions_select_and_sort_orders_order() {
    let (_server, alice, _) = fake_with_items().await;
    let by_start = |d| SortOrder::new(vec![(start(), d)]).unwrap();

    let found = find()
        .with_restriction(reviews())
        .unwrap()
        .with_sort_order(by_start(SortDirection::Ascending));
    assert_eq!(
        subjects(&alice, found).await.unwrap(),
        ["budget REVIEW", "Design Review", "Quarterly review <&\"'>"]
    );

    let later = Restriction::is_greater_than_or_equal_to(start(), at(3, 0));
    let found = find()
        .with_restriction(later.clone())
        .unwrap()
        .with_sort_order(by_start(SortDirection::Descending));
    assert_eq!(
        subjects(&alice, found).await.unwrap(),
        ["Quarterly review <&\"'>", "Holiday", "Design Review"]
    );

    let both = Restriction::and(vec![reviews(), later.clone()]);
    let either = Restriction::or(vec![
        Restriction::is_equal_to(subject(), "lunch"),
        Restriction::is_equal_to(PropertyPath::field("calendar:IsAllDayEvent"), true),
    ]);
    let neither = Restriction::not(Restriction::or(vec![reviews(), later]));
    let by_subject = SortOrder::new(vec![(subject(), SortDirection::Ascending)]).unwrap();
    for (restriction, expected) in [
        (both, &["Design Review", "Quarterly review <&\"'>"][..]),
        (either, &["Holiday", "Lunch"][..]),
        (neither, &["Lunch"][..]),
        (
            Restriction::exists(PropertyPath::field("calendar:Location")),
            &["Design Review", "Lunch", "Quarterly review <&\"'>"][..],
        ),
        (
            Restriction::is_equal_to(subject(), "Quarterly review <&\"'>"),
            &["Quarterly review <&\"'>"][..],
        ),
    ] {
        let request = find()
            .with_restriction(restriction)
            .unwrap()
            .with_sort_order(by_subject.clone());
        assert_eq!(subjects(&alice, request).await.unwrap(), expected);
    }

    // Two keys: all-day first, then latest start first.
    let two_keys = SortOrder::new(vec![
        (
            PropertyPath::field("calendar:IsAllDayEvent"),
            SortDirection::Descending,
        ),
        (start(), SortDirection::Descending),
    ])
    .unwrap();
    let found = subjects(&alice, find().with_sort_order(two_keys))
        .await
        .unwrap();
    assert_eq!(found[0], "Holiday");
    assert_eq!(found[1], "Quarterly review <&\"'>");
    assert_eq!(found[4], "budget REVIEW");
}

#[tokio::test]
async fn the_fake_refuses_paths_it_cannot_evaluate() {
    let (_server, alice, _) = fake_with_items().await;
    let named = |property_type| {
        PropertyPath::named(
            DistinguishedPropertySet::PublicStrings,
            "X-Custom",
            property_type,
        )
    };
    // Scalar, string and binary extended properties are evaluated: nothing carries these.
    for property_type in [
        MapiPropertyType::String,
        MapiPropertyType::Integer,
        MapiPropertyType::Binary,
    ] {
        let request = find()
            .with_restriction(Restriction::exists(named(property_type)))
            .unwrap();
        assert!(subjects(&alice, request).await.unwrap().is_empty());
    }
    // Other types are not.
    let clsid = Restriction::exists(named(MapiPropertyType::Clsid));
    let request = find().with_restriction(clsid).unwrap();
    let error = subjects(&alice, request).await.unwrap_err();
    assert_eq!(
        error.response_code(),
        Some(&ResponseCode::from("ErrorUnsupportedPathForQuery")),
        "{error}"
    );
}

#[tokio::test]
async fn get_items_reads_several_items_in_any_shape() {
    let (server, alice, ids) = fake_with_items().await;
    let all: Vec<ItemId> = ids.iter().map(|(_, id)| id.clone()).collect();
    let items = alice
        .execute(&GetItems::new(all.clone(), ItemShape::new(BaseShape::AllProperties)).unwrap())
        .await
        .unwrap();
    assert_eq!(items.len(), 5);
    for ((subject, id), item) in ids.iter().zip(&items) {
        let item = item.as_ref().unwrap();
        assert_eq!(&item.id.id, &id.id);
        assert_eq!(item.kind, "CalendarItem");
        assert_eq!(
            item.node
                .child("Subject")
                .map(exchange_ews::decoded::Node::text),
            Some(subject.as_str())
        );
        assert!(item.node.child("Start").is_some());
    }

    let extra = ItemShape::new(BaseShape::IdOnly)
        .with(subject())
        .with(PropertyPath::indexed(
            "contacts:EmailAddress",
            "EmailAddress1",
        ))
        .with(PropertyPath::tagged(0x0037, MapiPropertyType::String))
        .with(PropertyPath::named(
            DistinguishedPropertySet::PublicStrings,
            "Keywords",
            MapiPropertyType::StringArray,
        ));
    let mut two = all[..2].to_vec();
    two.push(ItemId::new("AAMkMissing"));
    let items = alice
        .execute(&GetItems::new(two, extra).unwrap())
        .await
        .unwrap();
    assert_eq!(items.len(), 3);
    let first = items[0].as_ref().unwrap();
    assert_eq!(
        first
            .node
            .child("Subject")
            .map(exchange_ews::decoded::Node::text),
        Some("Design Review")
    );
    assert!(
        first.node.child("Start").is_none(),
        "IdOnly plus the subject"
    );
    assert!(items[2].is_err());
    assert_eq!(server.request_count("GetItem"), 2);
}

#[tokio::test]
async fn a_property_too_new_for_the_version_is_refused_before_sending() {
    let (server, _, ids) = fake_with_items().await;
    let old = client(&server, ExchangeVersion::Exchange2007Sp1);
    let before = server.request_count("GetItem") + server.request_count("FindItem");
    for path in [
        "item:LastModifiedTime",
        "calendar:StartTimeZoneId",
        "item:UniqueBody",
    ] {
        let shape = ItemShape::new(BaseShape::IdOnly).with(PropertyPath::field(path));
        let request = GetItems::new(vec![ids[0].1.clone()], shape.clone()).unwrap();
        let error = old.execute(&request).await.unwrap_err();
        assert!(matches!(error, EwsError::InvalidArgument { .. }), "{error}");
        let newer = PropertyPath::field(path);
        let request = find()
            .with_restriction(Restriction::exists(newer.clone()))
            .unwrap();
        assert!(old.execute(&request).await.is_err());
        let sorted = find()
            .with_sort_order(SortOrder::new(vec![(newer, SortDirection::Ascending)]).unwrap());
        assert!(old.execute(&sorted).await.is_err());
    }
    assert_eq!(
        server.request_count("GetItem") + server.request_count("FindItem"),
        before
    );
    // The same request for a version that knows the property is sent.
    let shape =
        ItemShape::new(BaseShape::IdOnly).with(PropertyPath::field("item:LastModifiedTime"));
    let newer = client(&server, ExchangeVersion::Exchange2010);
    let items = newer
        .execute(&GetItems::new(vec![ids[0].1.clone()], shape).unwrap())
        .await
        .unwrap();
    assert!(items[0]
        .as_ref()
        .unwrap()
        .node
        .child("LastModifiedTime")
        .is_some());
}
