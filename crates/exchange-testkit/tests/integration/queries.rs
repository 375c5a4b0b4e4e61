//! `FindItem` restrictions and sort orders over raw HTTP; every request and response is
//! validated against the EWS schema at the end of each test.

use crate::support;

use support::*;

const VIEW: &str =
    r#"<m:IndexedPageItemView MaxEntriesReturned="100" Offset="0" BasePoint="Beginning"/>"#;

fn constant(value: &str) -> String {
    format!(
        r#"<t:FieldURIOrConstant><t:Constant Value="{}"/></t:FieldURIOrConstant>"#,
        x(value)
    )
}

fn compare(op: &str, uri: &str, value: &str) -> String {
    format!("<t:{op}>{}{}</t:{op}>", field(uri), constant(value))
}

fn contains(uri: &str, value: &str, mode: &str, comparison: &str) -> String {
    format!(
        r#"<t:Contains ContainmentMode="{mode}" ContainmentComparison="{comparison}">{}<t:Constant Value="{}"/></t:Contains>"#,
        field(uri),
        x(value)
    )
}

fn sort(keys: &[(&str, &str)]) -> String {
    let keys: String = keys
        .iter()
        .map(|(uri, order)| {
            format!(
                r#"<t:FieldOrder Order="{order}">{}</t:FieldOrder>"#,
                field(uri)
            )
        })
        .collect();
    format!("<m:SortOrder>{keys}</m:SortOrder>")
}

/// `FindItem` of the calendar with a restriction and sort order (either may be empty).
fn query(restriction: &str, order: &str) -> String {
    let restriction = if restriction.is_empty() {
        String::new()
    } else {
        format!("<m:Restriction>{restriction}</m:Restriction>")
    };
    envelope(&format!(
        r#"<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>{}</t:AdditionalProperties></m:ItemShape>{VIEW}{restriction}{order}<m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds></m:FindItem>"#,
        field("item:Subject")
    ))
}

async fn seeded_client(server: &exchange_testkit::FakeExchange) -> Client {
    let alice = Client::new(server, ALICE);
    let mut items = Vec::new();
    for (subject, start, end, location, all_day) in [
        (
            "Design Review",
            "2026-04-03T09:00:00Z",
            "2026-04-03T10:00:00Z",
            Some("Room 1"),
            false,
        ),
        (
            "budget REVIEW",
            "2026-04-01T09:00:00Z",
            "2026-04-01T10:00:00Z",
            None,
            false,
        ),
        (
            "Lunch",
            "2026-04-02T12:00:00Z",
            "2026-04-02T13:00:00Z",
            Some("Canteen"),
            false,
        ),
        (
            "Holiday",
            "2026-04-04T00:00:00Z",
            "2026-04-05T00:00:00Z",
            None,
            true,
        ),
    ] {
        let mut item = NewItem::new(subject, start, end);
        item.location = location.map(str::to_owned);
        item.all_day = Some(all_day);
        items.push(item);
    }
    let (status, _) = alice.call(&create(&items, None)).await;
    assert_eq!(status, 200);
    alice
}

#[tokio::test]
async fn restrictions_and_sort_orders_are_evaluated() {
    let server = start().await;
    let alice = seeded_client(&server).await;
    let review = contains("item:Subject", "review", "Substring", "IgnoreCase");
    let later = compare(
        "IsGreaterThanOrEqualTo",
        "calendar:Start",
        "2026-04-03T00:00:00Z",
    );
    let by_start = sort(&[("calendar:Start", "Ascending")]);
    for (restriction, order, expected) in [
        (review.clone(), by_start.clone(), &["budget REVIEW", "Design Review"][..]),
        (later.clone(), sort(&[("calendar:Start", "Descending")]), &["Holiday", "Design Review"][..]),
        (
            format!("<t:And>{review}{later}</t:And>"),
            String::new(),
            &["Design Review"][..],
        ),
        (
            format!("<t:Or>{}{}</t:Or>", compare("IsEqualTo", "item:Subject", "LUNCH"), compare("IsEqualTo", "calendar:IsAllDayEvent", "true")),
            by_start.clone(),
            &["Lunch", "Holiday"][..],
        ),
        (
            format!("<t:Not><t:Or>{review}{later}</t:Or></t:Not>"),
            String::new(),
            &["Lunch"][..],
        ),
        (
            format!("<t:Exists>{}</t:Exists>", field("calendar:Location")),
            sort(&[("item:Subject", "Descending")]),
            &["Lunch", "Design Review"][..],
        ),
        (
            contains("item:Subject", "review", "Substring", "Exact"),
            String::new(),
            &[][..],
        ),
        (
            contains("item:Subject", "Lun", "Prefixed", "Exact"),
            String::new(),
            &["Lunch"][..],
        ),
        (
            compare("IsLessThan", "calendar:End", "2026-04-02T13:00:00Z"),
            String::new(),
            &["budget REVIEW"][..],
        ),
        (
            compare("IsNotEqualTo", "item:ItemClass", "IPM.Appointment"),
            String::new(),
            &[][..],
        ),
        (
            String::new(),
            sort(&[("calendar:IsAllDayEvent", "Descending"), ("item:Subject", "Ascending")]),
            &["Holiday", "budget REVIEW", "Design Review", "Lunch"][..],
        ),
        (
            format!(
                "<t:IsLessThanOrEqualTo>{}<t:FieldURIOrConstant>{}</t:FieldURIOrConstant></t:IsLessThanOrEqualTo>",
                field("calendar:Start"),
                field("calendar:End")
            ),
            by_start,
            &["budget REVIEW", "Lunch", "Design Review", "Holiday"][..],
        ),
    ] {
        let (status, answer) = alice.call(&query(&restriction, &order)).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(texts(&answer, T, "Subject"), expected, "{restriction} {order}");
    }
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn what_the_fake_cannot_evaluate_is_an_ews_error() {
    let server = start().await;
    let alice = seeded_client(&server).await;
    let header =
        r#"<t:IndexedFieldURI FieldURI="item:InternetMessageHeader" FieldIndex="X-Mailer"/>"#;
    // Extended properties of scalar, string and binary types are evaluated; others are not.
    let extended = r#"<t:ExtendedFieldURI PropertyTag="0x0E08" PropertyType="CLSID"/>"#;
    for (restriction, order, code) in [
        (
            format!("<t:Exists>{}</t:Exists>", field("item:Attachments")),
            String::new(),
            "ErrorUnsupportedPathForQuery",
        ),
        (
            compare("IsEqualTo", "item:Importance", "Urgent"),
            String::new(),
            "ErrorInvalidValueForProperty",
        ),
        (
            format!("<t:Exists>{header}</t:Exists>"),
            String::new(),
            "ErrorUnsupportedPathForQuery",
        ),
        (
            format!("<t:Exists>{extended}</t:Exists>"),
            String::new(),
            "ErrorUnsupportedPathForQuery",
        ),
        (
            String::new(),
            sort(&[("item:Size", "Ascending"), ("item:Body", "Ascending")]),
            "ErrorUnsupportedPathForSortGroup",
        ),
        (
            String::new(),
            sort(&[("calendar:Recurrence", "Ascending")]),
            "ErrorUnsupportedPathForSortGroup",
        ),
        (
            compare("IsGreaterThan", "calendar:Start", "yesterday"),
            String::new(),
            "ErrorInvalidValueForProperty",
        ),
        (
            contains("calendar:Start", "2026", "Substring", "Exact"),
            String::new(),
            "ErrorInvalidRestriction",
        ),
        (
            format!(
                r#"<t:Excludes>{}<t:Bitmask Value="0x1"/></t:Excludes>"#,
                field("item:Subject")
            ),
            String::new(),
            "ErrorUnsupportedQueryFilter",
        ),
    ] {
        let (status, answer) = alice.call(&query(&restriction, &order)).await;
        assert_eq!(status, 200);
        assert_eq!(codes(&answer), [code], "{restriction} {order}: {answer}");
    }
    // A calendar view takes no restriction, as on Exchange.
    let with_view = query(&contains("item:Subject", "a", "Substring", "Exact"), "").replace(
        VIEW,
        r#"<m:CalendarView StartDate="2026-04-01T00:00:00Z" EndDate="2026-04-30T00:00:00Z"/>"#,
    );
    let (_, answer) = alice.call(&with_view).await;
    assert_eq!(codes(&answer), ["ErrorInvalidRestriction"]);
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn hostile_constants_and_deep_restrictions_are_handled() {
    let server = start().await;
    let alice = seeded_client(&server).await;
    let hostile = "<&\"'> ]]> \u{e9}\u{1F4C5}";
    let (_, answer) = alice
        .call(&query(&compare("IsEqualTo", "item:Subject", hostile), ""))
        .await;
    assert_eq!(codes(&answer), ["NoError"]);
    assert!(texts(&answer, T, "Subject").is_empty());
    let big = "r".repeat(1 << 20);
    let (_, answer) = alice
        .call(&query(
            &contains("item:Subject", &big, "Substring", "IgnoreCase"),
            "",
        ))
        .await;
    assert_eq!(codes(&answer), ["NoError"]);
    let deep = format!(
        "{}{}{}",
        "<t:Not>".repeat(1000),
        compare("IsEqualTo", "item:Subject", "Lunch"),
        "</t:Not>".repeat(1000)
    );
    let (status, answer) = alice.call_raw(query(&deep, "")).await;
    assert_ne!(status, 200, "{answer}");
    let even = format!(
        "{}{}{}",
        "<t:Not>".repeat(20),
        compare("IsEqualTo", "item:Subject", "Lunch"),
        "</t:Not>".repeat(20)
    );
    let (_, answer) = alice.call(&query(&even, "")).await;
    assert_eq!(texts(&answer, T, "Subject"), ["Lunch"]);
    validate(&server, &alice.sent(), 0);
}
