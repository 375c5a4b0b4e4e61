//! `FindItem` restrictions and sort orders over the fields of every kind of item, indexed
//! contact fields, extended properties of every scalar type and `PR_SEARCH_KEY`, and
//! indexed paging of a restricted, sorted view. Every request and response is validated
//! against the EWS schema at the end of each test.
//!
//! Three items of a kind carry, in creation order, a middle, a high and a low value of each
//! field; their subjects are those values as strings (`mid`, `Zed`, `alpha`), so that an
//! ascending sort gives `alpha`, `mid`, `Zed` whatever the field's type, and a comparison
//! of text, numbers or times by their characters would give another order.

use crate::support;

use support::*;

const MID: &str = "mid";
const HIGH: &str = "Zed";
const LOW: &str = "alpha";

/// Texts, numbers and instants: middle, high, low. As strings the numbers and instants sort
/// otherwise (`10` < `2` < `9`; the instants' texts put the middle one last).
const TEXTS: [&str; 3] = [MID, HIGH, LOW];
const NUMBERS: [&str; 3] = ["9", "10", "2"];
const TIMES: [&str; 3] = [
    "2026-05-02T01:00:00+02:00",
    "2026-05-01T23:30:00Z",
    "2026-05-01T22:00:00Z",
];
/// The middle instant written otherwise.
const MID_TIME: &str = "2026-05-01T23:00:00Z";
/// Booleans: true, true, false.
const BOOLS: [&str; 3] = ["true", "true", "false"];

fn view(max: u32, offset: u32) -> String {
    format!(
        r#"<m:IndexedPageItemView MaxEntriesReturned="{max}" Offset="{offset}" BasePoint="Beginning"/>"#
    )
}

/// `FindItem` of a distinguished folder with the subject (and `paths`) in the shape.
fn query(folder_name: &str, view: &str, restriction: &str, order: &str, paths: &str) -> String {
    let restriction = if restriction.is_empty() {
        String::new()
    } else {
        format!("<m:Restriction>{restriction}</m:Restriction>")
    };
    envelope(&format!(
        r#"<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>{}{paths}</t:AdditionalProperties></m:ItemShape>{view}{restriction}{order}<m:ParentFolderIds>{}</m:ParentFolderIds></m:FindItem>"#,
        field("item:Subject"),
        folder(folder_name, None)
    ))
}

fn compare(op: &str, path: &str, value: &str) -> String {
    format!(
        r#"<t:{op}>{path}<t:FieldURIOrConstant><t:Constant Value="{}"/></t:FieldURIOrConstant></t:{op}>"#,
        x(value)
    )
}

fn sort_by(keys: &[(&str, &str)]) -> String {
    let keys: String = keys
        .iter()
        .map(|(path, order)| format!(r#"<t:FieldOrder Order="{order}">{path}</t:FieldOrder>"#))
        .collect();
    format!("<m:SortOrder>{keys}</m:SortOrder>")
}

/// The subjects a query finds, after checking it succeeded.
async fn found(alice: &Client, folder_name: &str, restriction: &str, order: &str) -> Vec<String> {
    let (status, answer) = alice
        .call(&query(folder_name, &view(100, 0), restriction, order, ""))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        codes(&answer),
        ["NoError"],
        "{restriction} {order}: {answer}"
    );
    texts(&answer, T, "Subject")
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// Checks comparisons and both sort directions of a path whose items hold a middle, high
/// and low value; `mid` is the middle value as a constant.
async fn check_ordered(alice: &Client, folder_name: &str, path: &str, mid: &str) {
    let at = |what: &str| format!("{path} ({what})");
    assert_eq!(
        found(alice, folder_name, "", &sort_by(&[(path, "Ascending")])).await,
        [LOW, MID, HIGH],
        "{}",
        at("ascending")
    );
    assert_eq!(
        found(alice, folder_name, "", &sort_by(&[(path, "Descending")])).await,
        [HIGH, MID, LOW],
        "{}",
        at("descending")
    );
    for (op, expected) in [
        ("IsEqualTo", vec![MID]),
        ("IsNotEqualTo", vec![HIGH, LOW]),
        ("IsGreaterThan", vec![HIGH]),
        ("IsGreaterThanOrEqualTo", vec![MID, HIGH]),
        ("IsLessThan", vec![LOW]),
        ("IsLessThanOrEqualTo", vec![LOW, MID]),
    ] {
        let got = found(alice, folder_name, &compare(op, path, mid), "").await;
        let expected: Vec<String> = expected.into_iter().map(str::to_owned).collect();
        assert_eq!(sorted(got), sorted(expected), "{}", at(op));
    }
}

/// Checks a boolean path whose items hold true, true and false.
async fn check_bool(alice: &Client, folder_name: &str, path: &str) {
    let got = found(alice, folder_name, &compare("IsEqualTo", path, "true"), "").await;
    assert_eq!(sorted(got), sorted(vec![MID.into(), HIGH.into()]), "{path}");
    let got = found(alice, folder_name, &compare("IsNotEqualTo", path, "1"), "").await;
    assert_eq!(got, [LOW], "{path}");
    // Ties keep the order of the folder (here the name breaks it).
    let order = sort_by(&[(path, "Descending"), (&field("item:Subject"), "Ascending")]);
    assert_eq!(
        found(alice, folder_name, "", &order).await,
        [MID, HIGH, LOW],
        "{path}"
    );
}

/// One value of a field per item.
fn of(values: [&str; 3], i: usize) -> &str {
    values[i]
}

fn contact_xml(i: usize) -> String {
    let s = of(TEXTS, i);
    let t = of(TIMES, i);
    let importance = ["Normal", "High", "Low"][i];
    let sensitivity = ["Personal", "Private", "Normal"][i];
    let categories = [
        "<t:Categories><t:String>Red</t:String><t:String>Shared</t:String></t:Categories>",
        "<t:Categories><t:String>Blue</t:String><t:String>Shared</t:String></t:Categories>",
        "",
    ][i];
    let emails: String = (1..=3)
        .map(|n| format!(r#"<t:Entry Key="EmailAddress{n}">{s}{n}@x.test</t:Entry>"#))
        .collect();
    let address = format!(
        "<t:Street>{s}</t:Street><t:City>{s}</t:City><t:State>{s}</t:State>\
         <t:CountryOrRegion>{s}</t:CountryOrRegion><t:PostalCode>{s}</t:PostalCode>"
    );
    let phones: String = ["BusinessPhone", "HomePhone", "MobilePhone", "BusinessFax"]
        .iter()
        .map(|k| format!(r#"<t:Entry Key="{k}">{s}</t:Entry>"#))
        .collect();
    let names: String = [
        "FileAs",
        "DisplayName",
        "GivenName",
        "MiddleName",
        "Nickname",
        "CompanyName",
    ]
    .iter()
    .map(|n| format!("<t:{n}>{s}</t:{n}>"))
    .collect();
    format!(
        "<t:Contact><t:Subject>{s}</t:Subject><t:Sensitivity>{sensitivity}</t:Sensitivity>\
         {categories}<t:Importance>{importance}</t:Importance>\
         <t:ReminderDueBy>{t}</t:ReminderDueBy><t:ReminderIsSet>{}</t:ReminderIsSet>\
         <t:ReminderMinutesBeforeStart>{}</t:ReminderMinutesBeforeStart>{names}\
         <t:EmailAddresses>{emails}</t:EmailAddresses>\
         <t:PhysicalAddresses><t:Entry Key=\"Business\">{address}</t:Entry>\
         <t:Entry Key=\"Home\">{address}</t:Entry></t:PhysicalAddresses>\
         <t:PhoneNumbers>{phones}</t:PhoneNumbers><t:AssistantName>{s}</t:AssistantName>\
         <t:Birthday>{t}</t:Birthday><t:Department>{s}</t:Department>\
         <t:JobTitle>{s}</t:JobTitle><t:Manager>{s}</t:Manager><t:Surname>{s}</t:Surname>\
         </t:Contact>",
        of(BOOLS, i),
        of(NUMBERS, i),
    )
}

/// A named extended property of the public strings set.
fn named(name: &str, property_type: &str) -> String {
    format!(
        r#"<t:ExtendedFieldURI DistinguishedPropertySetId="PublicStrings" PropertyName="{name}" PropertyType="{property_type}"/>"#
    )
}

fn named_value(name: &str, property_type: &str, value: &str) -> String {
    format!(
        "<t:ExtendedProperty>{}<t:Value>{value}</t:Value></t:ExtendedProperty>",
        named(name, property_type)
    )
}

/// Binary values: [1, 2], [2] and [0] (bytes order them as middle, high, low).
const BLOBS: [&str; 3] = ["AQI=", "Ag==", "AA=="];

fn task_xml(i: usize) -> String {
    let s = of(TEXTS, i);
    let n = of(NUMBERS, i);
    let t = of(TIMES, i);
    let status = ["InProgress", "Completed", "NotStarted"][i];
    format!(
        "<t:Task><t:Subject>{s}</t:Subject>{}{}{}\
         <t:ActualWork>{n}</t:ActualWork><t:BillingInformation>{s}</t:BillingInformation>\
         <t:CompleteDate>{t}</t:CompleteDate><t:DueDate>{t}</t:DueDate>\
         <t:Mileage>{s}</t:Mileage><t:Owner>{s}</t:Owner>\
         <t:PercentComplete>{n}</t:PercentComplete><t:StartDate>{t}</t:StartDate>\
         <t:Status>{status}</t:Status><t:TotalWork>{n}</t:TotalWork></t:Task>",
        named_value("Count", "Integer", n),
        named_value("Blob", "Binary", BLOBS[i]),
        named_value("Tags", "StringArray", "").replace(
            "<t:Value></t:Value>",
            &format!("<t:Values><t:Value>x</t:Value><t:Value>{s}</t:Value></t:Values>")
        ),
    )
}

fn message_xml(i: usize) -> String {
    let s = of(TEXTS, i);
    let b = of(BOOLS, i);
    // Display names in another order than the addresses: From compares on the address.
    let name = ["Aaron", "Mia", "Zoe"][i];
    format!(
        "<t:Message><t:Subject>{s}</t:Subject>\
         <t:IsReadReceiptRequested>{b}</t:IsReadReceiptRequested>\
         <t:IsDeliveryReceiptRequested>{b}</t:IsDeliveryReceiptRequested>\
         <t:From><t:Mailbox><t:Name>{name}</t:Name><t:EmailAddress>{s}@x.test</t:EmailAddress>\
         </t:Mailbox></t:From><t:IsRead>{b}</t:IsRead></t:Message>"
    )
}

fn calendar_xml(i: usize) -> String {
    let s = of(TEXTS, i);
    // Start days 2, 3, 1; lengths 90, 120 and 30 minutes.
    let (start, end) = [
        ("2026-05-02T09:00:00Z", "2026-05-02T10:30:00Z"),
        ("2026-05-03T09:00:00Z", "2026-05-03T11:00:00Z"),
        ("2026-05-01T09:00:00Z", "2026-05-01T09:30:00Z"),
    ][i];
    let free_busy = ["Tentative", "Busy", "Free"][i];
    let all_day = ["false", "false", "true"][i];
    let (attendees, recurrence) = if i == 1 {
        (
            "<t:RequiredAttendees><t:Attendee><t:Mailbox><t:EmailAddress>guest@fabrikam.test\
             </t:EmailAddress></t:Mailbox></t:Attendee></t:RequiredAttendees>",
            "<t:Recurrence><t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence>\
             <t:NumberedRecurrence><t:StartDate>2026-05-03</t:StartDate>\
             <t:NumberOfOccurrences>3</t:NumberOfOccurrences></t:NumberedRecurrence>\
             </t:Recurrence>",
        )
    } else {
        ("", "")
    };
    format!(
        "<t:CalendarItem><t:Subject>{s}</t:Subject><t:Start>{start}</t:Start><t:End>{end}</t:End>\
         <t:IsAllDayEvent>{all_day}</t:IsAllDayEvent>\
         <t:LegacyFreeBusyStatus>{free_busy}</t:LegacyFreeBusyStatus>\
         <t:Location>{s}</t:Location>{attendees}{recurrence}</t:CalendarItem>"
    )
}

/// Saves the three items of `xml` in their default folder; their ids, in creation order.
async fn three(alice: &Client, xml: fn(usize) -> String, attributes: &str) -> Vec<String> {
    let items: Vec<String> = (0..3).map(xml).collect();
    let (_, created) = alice.call(&create_items(&items, None, attributes)).await;
    assert_eq!(codes(&created), ["NoError"; 3], "{created}");
    item_ids(&created).into_iter().map(|(id, _)| id).collect()
}

#[tokio::test]
async fn contact_fields_restrict_and_sort_by_their_types() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let ids = three(&alice, contact_xml, "").await;
    let f = "contacts";
    let mut strings: Vec<String> = [
        "item:Subject",
        "contacts:DisplayName",
        "contacts:FileAs",
        "contacts:GivenName",
        "contacts:MiddleName",
        "contacts:Surname",
        "contacts:Nickname",
        "contacts:CompanyName",
        "contacts:Department",
        "contacts:JobTitle",
        "contacts:AssistantName",
        "contacts:Manager",
    ]
    .iter()
    .map(|uri| field(uri))
    .collect();
    for key in ["BusinessPhone", "HomePhone", "MobilePhone", "BusinessFax"] {
        strings.push(indexed("contacts:PhoneNumber", key));
    }
    for part in ["Street", "City", "State", "PostalCode", "CountryOrRegion"] {
        for key in ["Business", "Home"] {
            strings.push(indexed(&format!("contacts:PhysicalAddress:{part}"), key));
        }
    }
    for path in &strings {
        // Strings compare ignoring case.
        check_ordered(&alice, f, path, "MID").await;
    }
    for n in 1..=3 {
        let path = indexed("contacts:EmailAddress", &format!("EmailAddress{n}"));
        check_ordered(&alice, f, &path, &format!("Mid{n}@X.test")).await;
    }
    for uri in ["item:ReminderDueBy", "contacts:Birthday"] {
        check_ordered(&alice, f, &field(uri), MID_TIME).await;
    }
    check_ordered(&alice, f, &field("item:ReminderMinutesBeforeStart"), "9.0").await;
    // Enumerations order as Exchange stores them: Low < Normal < High.
    check_ordered(&alice, f, &field("item:Importance"), "Normal").await;
    check_ordered(&alice, f, &field("item:Sensitivity"), "Personal").await;
    check_bool(&alice, f, &field("item:ReminderIsSet")).await;

    // A multi-valued string matches when any value does; an item without it matches nothing.
    let categories = field("item:Categories");
    for (restriction, expected) in [
        (
            format!(
                r#"<t:Contains ContainmentMode="FullString" ContainmentComparison="IgnoreCase">{categories}<t:Constant Value="red"/></t:Contains>"#
            ),
            vec![MID],
        ),
        (
            format!(
                r#"<t:Contains ContainmentMode="Substring" ContainmentComparison="Exact">{categories}<t:Constant Value="hare"/></t:Contains>"#
            ),
            vec![MID, HIGH],
        ),
        (
            format!("<t:Exists>{categories}</t:Exists>"),
            vec![MID, HIGH],
        ),
        (compare("IsEqualTo", &categories, "BLUE"), vec![HIGH]),
        (
            format!(
                "<t:Not>{}</t:Not>",
                compare("IsEqualTo", &categories, "Shared")
            ),
            vec![LOW],
        ),
    ] {
        let got = found(&alice, f, &restriction, "").await;
        assert_eq!(got, expected, "{restriction}");
    }

    // Computed item properties: an attachment makes one item larger and flags it.
    let attachment = file_attachment("big.txt", &"QUJD".repeat(4000), None);
    let (_, attached) = alice
        .call(&create_attachments(&ids[0], &[attachment]))
        .await;
    assert_eq!(codes(&attached), ["NoError"]);
    let has = field("item:HasAttachments");
    assert_eq!(
        found(&alice, f, &compare("IsEqualTo", &has, "true"), "").await,
        [MID]
    );
    let size = field("item:Size");
    let by_size = sort_by(&[(&size, "Descending")]);
    assert_eq!(found(&alice, f, "", &by_size).await[0], MID);
    assert_eq!(
        found(&alice, f, &compare("IsGreaterThan", &size, "10000"), "").await,
        [MID]
    );
    let (_, sizes) = alice
        .call(&query(f, &view(100, 0), "", &by_size, &size))
        .await;
    let sizes: Vec<u64> = texts(&sizes, T, "Size")
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
    for uri in [
        "item:DateTimeCreated",
        "item:DateTimeReceived",
        "item:LastModifiedTime",
    ] {
        let path = field(uri);
        let all = found(
            &alice,
            f,
            &compare("IsGreaterThan", &path, "2000-01-01T00:00:00Z"),
            "",
        )
        .await;
        assert_eq!(all.len(), 3, "{uri}");
        let none = found(
            &alice,
            f,
            &compare("IsGreaterThan", &path, "2999-01-01T00:00:00Z"),
            "",
        )
        .await;
        assert!(none.is_empty(), "{uri}");
    }
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn task_fields_and_extended_properties_restrict_and_sort_by_their_types() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    three(&alice, task_xml, "").await;
    let f = "tasks";
    for uri in ["task:Owner", "task:Mileage", "task:BillingInformation"] {
        check_ordered(&alice, f, &field(uri), "Mid").await;
    }
    for uri in ["task:ActualWork", "task:TotalWork", "task:PercentComplete"] {
        check_ordered(&alice, f, &field(uri), "9").await;
    }
    for uri in ["task:StartDate", "task:DueDate", "task:CompleteDate"] {
        check_ordered(&alice, f, &field(uri), MID_TIME).await;
    }
    check_ordered(&alice, f, &field("task:Status"), "InProgress").await;
    check_ordered(&alice, f, &named("Count", "Integer"), "9").await;
    check_ordered(&alice, f, &named("Blob", "Binary"), BLOBS[0]).await;
    // Only the completed task is complete; every task is of normal importance.
    let complete = field("task:IsComplete");
    assert_eq!(
        found(&alice, f, &compare("IsEqualTo", &complete, "true"), "").await,
        [HIGH]
    );
    let normal = compare("IsEqualTo", &field("item:Importance"), "Normal");
    assert_eq!(found(&alice, f, &normal, "").await.len(), 3);
    // A string array matches when any value does.
    let tags = named("Tags", "StringArray");
    let any = format!(
        r#"<t:Contains ContainmentMode="Prefixed" ContainmentComparison="IgnoreCase">{tags}<t:Constant Value="ZE"/></t:Contains>"#
    );
    assert_eq!(found(&alice, f, &any, "").await, [HIGH]);
    assert_eq!(
        found(&alice, f, &compare("IsEqualTo", &tags, "x"), "")
            .await
            .len(),
        3
    );
    // Constants that are not values of the type are refused, as are paths of other kinds.
    for (restriction, code) in [
        (
            compare("IsEqualTo", &named("Count", "Integer"), "ten"),
            "ErrorInvalidValueForProperty",
        ),
        (
            compare("IsEqualTo", &named("Blob", "Binary"), "!!"),
            "ErrorInvalidValueForProperty",
        ),
        (
            compare("IsEqualTo", &field("task:Status"), "Done"),
            "ErrorInvalidValueForProperty",
        ),
        (
            compare("IsLessThan", &field("task:PercentComplete"), "x"),
            "ErrorInvalidValueForProperty",
        ),
    ] {
        let (_, answer) = alice
            .call(&query(f, &view(10, 0), &restriction, "", ""))
            .await;
        assert_eq!(codes(&answer), [code], "{restriction}");
    }
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn message_fields_restrict_and_sort_by_their_types() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    three(&alice, message_xml, SAVE).await;
    let f = "drafts";
    check_ordered(&alice, f, &field("message:From"), "MID@x.test").await;
    // The topic of a message is its subject when the client set none.
    check_ordered(&alice, f, &field("message:ConversationTopic"), "Mid").await;
    for uri in [
        "message:IsRead",
        "message:IsReadReceiptRequested",
        "message:IsDeliveryReceiptRequested",
    ] {
        check_bool(&alice, f, &field(uri)).await;
    }
    let draft = compare("IsEqualTo", &field("item:IsDraft"), "true");
    assert_eq!(found(&alice, f, &draft, "").await.len(), 3);
    // A sent message has a send time, a draft none.
    let sent = field("item:DateTimeSent");
    let send = message("Off it goes", None, &[BOB.smtp]);
    let (_, answer) = alice
        .call(&create_items(
            &[send],
            None,
            r#" MessageDisposition="SendAndSaveCopy""#,
        ))
        .await;
    assert_eq!(codes(&answer), ["NoError"]);
    let exists = format!("<t:Exists>{sent}</t:Exists>");
    assert!(found(&alice, f, &exists, "").await.is_empty());
    assert_eq!(
        found(&alice, "sentitems", &exists, "").await,
        ["Off it goes"]
    );
    let recent = compare("IsGreaterThan", &sent, "2000-01-01T00:00:00Z");
    assert_eq!(
        found(
            &alice,
            "sentitems",
            &recent,
            &sort_by(&[(&sent, "Descending")])
        )
        .await,
        ["Off it goes"]
    );
    let draft_false = compare("IsEqualTo", &field("item:IsDraft"), "false");
    assert_eq!(found(&alice, "sentitems", &draft_false, "").await.len(), 1);
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn calendar_fields_restrict_and_sort_by_their_types() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    three(
        &alice,
        calendar_xml,
        &format!("{SAVE} SendMeetingInvitations=\"SendToNone\""),
    )
    .await;
    let f = "calendar";
    check_ordered(
        &alice,
        f,
        &field("calendar:Start"),
        "2026-05-02T11:00:00+02:00",
    )
    .await;
    check_ordered(&alice, f, &field("calendar:End"), "2026-05-02T10:30:00Z").await;
    check_ordered(&alice, f, &field("calendar:Location"), "MID").await;
    check_ordered(&alice, f, &field("calendar:Duration"), "PT1H30M").await;
    // Free (0) < Tentative (1) < Busy (2), as Exchange stores them.
    check_ordered(
        &alice,
        f,
        &field("calendar:LegacyFreeBusyStatus"),
        "Tentative",
    )
    .await;
    let only_high = [
        compare("IsEqualTo", &field("calendar:IsMeeting"), "true"),
        compare("IsEqualTo", &field("calendar:IsRecurring"), "true"),
        compare(
            "IsEqualTo",
            &field("calendar:CalendarItemType"),
            "RecurringMaster",
        ),
    ];
    for restriction in only_high {
        assert_eq!(
            found(&alice, f, &restriction, "").await,
            [HIGH],
            "{restriction}"
        );
    }
    let all_day = compare("IsEqualTo", &field("calendar:IsAllDayEvent"), "true");
    assert_eq!(found(&alice, f, &all_day, "").await, [LOW]);
    for restriction in [
        compare("IsEqualTo", &field("calendar:IsCancelled"), "false"),
        compare("IsEqualTo", &field("calendar:MyResponseType"), "Organizer"),
    ] {
        assert_eq!(
            found(&alice, f, &restriction, "").await.len(),
            3,
            "{restriction}"
        );
    }
    // Single (0) before RecurringMaster (3); ties by start.
    let by_type = sort_by(&[
        (&field("calendar:CalendarItemType"), "Ascending"),
        (&field("calendar:Start"), "Ascending"),
    ]);
    assert_eq!(found(&alice, f, "", &by_type).await, [LOW, MID, HIGH]);
    let by_type = sort_by(&[
        (&field("calendar:CalendarItemType"), "Descending"),
        (&field("calendar:Start"), "Descending"),
    ]);
    assert_eq!(found(&alice, f, "", &by_type).await, [HIGH, MID, LOW]);
    validate(&server, &alice.sent(), 0);
}

/// The base64 `PR_SEARCH_KEY` of each item, read with `tag` (hex or decimal).
async fn search_keys(alice: &Client, ids: &[&str], tag: &str) -> Vec<String> {
    let path = format!(r#"<t:ExtendedFieldURI PropertyTag="{tag}" PropertyType="Binary"/>"#);
    let (_, got) = alice.call(&get_paths(ids, "IdOnly", &path)).await;
    assert_eq!(codes(&got), vec!["NoError"; ids.len()], "{got}");
    let uris: Vec<Node> = nodes(&got)
        .into_iter()
        .filter(|n| n.ns == T && n.name == "ExtendedFieldURI")
        .collect();
    assert!(uris.iter().all(|n| n.attr("PropertyTag") == Some("0x300b")));
    texts(&got, T, "Value")
}

#[tokio::test]
async fn the_search_key_is_returned_and_found() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let ids = three(&alice, task_xml, "").await;
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let keys = search_keys(&alice, &refs, "0x300B").await;
    assert_eq!(keys.len(), 3);
    for key in &keys {
        assert_eq!(key.len(), 24, "16 bytes in base64: {key}");
    }
    assert_ne!(keys[0], keys[1]);
    assert_eq!(search_keys(&alice, &refs, "12299").await, keys);
    // Not asked for, not returned.
    let (_, plain) = alice.call(&get_paths(&refs, "AllProperties", "")).await;
    assert!(!plain.contains("0x300b"));

    for tag in ["0x300B", "12299", "0x300b"] {
        let path = format!(r#"<t:ExtendedFieldURI PropertyTag="{tag}" PropertyType="Binary"/>"#);
        let equal = compare("IsEqualTo", &path, &keys[1]);
        assert_eq!(found(&alice, "tasks", &equal, "").await, [HIGH], "{tag}");
        let other = compare("IsNotEqualTo", &path, &keys[1]);
        assert_eq!(
            sorted(found(&alice, "tasks", &other, "").await),
            sorted(vec![MID.into(), LOW.into()])
        );
        let exists = format!("<t:Exists>{path}</t:Exists>");
        assert_eq!(found(&alice, "tasks", &exists, "").await.len(), 3);
    }
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn indexed_pages_come_after_the_restriction_and_the_sort() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    // Seven tasks of work 1 to 7, created in a scrambled order.
    let tasks: Vec<String> = [4, 1, 7, 3, 6, 2, 5]
        .iter()
        .map(|n| {
            format!(
                "<t:Task><t:Subject>Work {n}</t:Subject><t:TotalWork>{n}</t:TotalWork></t:Task>"
            )
        })
        .collect();
    let (_, created) = alice.call(&create_items(&tasks, None, "")).await;
    assert_eq!(codes(&created), ["NoError"; 7]);
    let work = field("task:TotalWork");
    let restriction = compare("IsGreaterThanOrEqualTo", &work, "2");
    let order = sort_by(&[(&work, "Descending")]);
    let page = |max: u32, offset: u32| {
        let request = query("tasks", &view(max, offset), &restriction, &order, "");
        let alice = &alice;
        async move {
            let (_, answer) = alice.call(&request).await;
            assert_eq!(codes(&answer), ["NoError"], "{answer}");
            let root = first(&answer, M, "RootFolder").unwrap();
            (
                texts(&answer, T, "Subject"),
                root.attr("IndexedPagingOffset").unwrap().to_owned(),
                root.attr("TotalItemsInView").unwrap().to_owned(),
                root.attr("IncludesLastItemInRange").unwrap().to_owned(),
            )
        }
    };
    let subjects = |n: &[u32]| -> Vec<String> { n.iter().map(|n| format!("Work {n}")).collect() };
    let (items, next, total, last) = page(4, 0).await;
    assert_eq!(items, subjects(&[7, 6, 5, 4]));
    assert_eq!(
        (next.as_str(), total.as_str(), last.as_str()),
        ("4", "6", "false")
    );
    let (items, next, total, last) = page(4, 4).await;
    assert_eq!(items, subjects(&[3, 2]));
    assert_eq!(
        (next.as_str(), total.as_str(), last.as_str()),
        ("6", "6", "true")
    );
    let (items, next, _, last) = page(2, 3).await;
    assert_eq!(items, subjects(&[4, 3]));
    assert_eq!((next.as_str(), last.as_str()), ("5", "false"));
    let (items, next, total, last) = page(6, 0).await;
    assert_eq!(items.len(), 6);
    assert_eq!(
        (next.as_str(), total.as_str(), last.as_str()),
        ("6", "6", "true")
    );
    let (items, _, total, last) = page(3, 9).await;
    assert!(items.is_empty());
    assert_eq!((total.as_str(), last.as_str()), ("6", "true"));
    validate(&server, &alice.sent(), 0);
}
