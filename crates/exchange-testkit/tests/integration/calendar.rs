//! Calendar operations over raw HTTP with hand-written requests; every request and response
//! is validated against the EWS schema at the end of each test.

use crate::support;

use support::*;

const SUBJECT: &str = "Réunion <budget> & \"Q3\" 'plan' 会議 🎉";

#[tokio::test]
async fn create_get_find_delete_then_get_finds_nothing() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let item = NewItem {
        body: Some(("HTML", "<p>Agenda &amp; <b>notes</b></p>".to_owned())),
        location: Some("Room <7> & co".to_owned()),
        all_day: Some(false),
        unmodelled: true,
        ..NewItem::new(SUBJECT, "2024-05-01T10:00:00+02:00", "2024-05-01T09:30:00")
    };
    let (status, created) = alice.call(&create(&[item], None)).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(codes(&created), ["NoError"]);
    let ids = item_ids(&created);
    assert_eq!(ids.len(), 1);
    let (id, change_key) = ids[0].clone();
    assert!(!id.is_empty() && !change_key.is_empty());
    assert_eq!(server.calendar_len(ALICE.smtp), 1);

    let (status, got) = alice.call(&get(&[&id], "AllProperties", None, &[])).await;
    assert_eq!(status, 200);
    assert_eq!(codes(&got), ["NoError"]);
    assert_eq!(texts(&got, T, "Subject"), [SUBJECT]);
    assert_eq!(texts(&got, T, "Location"), ["Room <7> & co"]);
    assert_eq!(texts(&got, T, "Body"), ["<p>Agenda &amp; <b>notes</b></p>"]);
    assert_eq!(
        first(&got, T, "Body").unwrap().attr("BodyType"),
        Some("HTML")
    );
    assert_eq!(texts(&got, T, "Start"), ["2024-05-01T08:00:00Z"]);
    assert_eq!(texts(&got, T, "End"), ["2024-05-01T09:30:00Z"]);
    assert_eq!(texts(&got, T, "IsAllDayEvent"), ["false"]);
    assert_eq!(texts(&got, T, "CalendarItemType"), ["Single"]);
    // The organizer, then the attendees kept as sent.
    assert_eq!(
        texts(&got, T, "EmailAddress"),
        [ALICE.smtp, "guest@fabrikam.test"]
    );
    assert_eq!(texts(&got, T, "ReminderMinutesBeforeStart"), ["15"]);
    assert_eq!(texts(&got, T, "UID").len(), 1);
    assert_eq!(texts(&got, T, "DateTimeCreated").len(), 1);
    assert_eq!(item_ids(&got)[0], (id.clone(), change_key.clone()));

    let (_, text_body) = alice
        .call(&get(&[&id], "IdOnly", Some("Text"), &["item:Body"]))
        .await;
    assert_eq!(texts(&text_body, T, "Body"), ["Agenda & notes"]);
    assert_eq!(texts(&text_body, T, "Subject"), Vec::<String>::new());

    let props = ["item:Subject", "calendar:Start", "calendar:End"];
    let (_, found) = alice
        .call(&find(
            "2024-05-01T00:00:00Z",
            "2024-05-02T00:00:00Z",
            None,
            None,
            "IdOnly",
            &props,
        ))
        .await;
    assert_eq!(codes(&found), ["NoError"]);
    assert_eq!(item_ids(&found), [(id.clone(), change_key.clone())]);
    assert_eq!(texts(&found, T, "Subject"), [SUBJECT]);
    let root = first(&found, M, "RootFolder").unwrap();
    assert_eq!(root.attr("IncludesLastItemInRange"), Some("true"));
    assert_eq!(root.attr("TotalItemsInView"), Some("1"));

    let (_, elsewhere) = alice
        .call(&find(
            "2024-05-01T09:30:00Z",
            "2024-05-02T00:00:00Z",
            None,
            None,
            "Default",
            &[],
        ))
        .await;
    assert_eq!(
        item_ids(&elsewhere),
        [],
        "an item ending at the window start is outside"
    );

    let (_, deleted) = alice.call(&delete(&[&id])).await;
    assert_eq!(codes(&deleted), ["NoError"]);
    assert_eq!(server.calendar_len(ALICE.smtp), 0);
    let (status, gone) = alice.call(&get(&[&id], "IdOnly", None, &[])).await;
    assert_eq!(status, 200);
    assert_eq!(codes(&gone), ["ErrorItemNotFound"]);
    assert_eq!(
        first(&gone, M, "GetItemResponseMessage")
            .unwrap()
            .attr("ResponseClass"),
        Some("Error")
    );
    let (_, deleted_again) = alice.call(&delete(&[&id])).await;
    assert_eq!(codes(&deleted_again), ["ErrorItemNotFound"]);

    assert_eq!(server.request_count("CreateItem"), 1);
    assert_eq!(server.request_count("GetItem"), 3);
    assert_eq!(server.request_count("FindItem"), 2);
    assert_eq!(server.request_count("DeleteItem"), 2);
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn several_items_or_ids_get_one_message_each() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let items: Vec<NewItem> = (0..3)
        .map(|i| {
            NewItem::new(
                &format!("Item {i}"),
                &format!("2024-06-0{}T10:00:00Z", i + 1),
                &format!("2024-06-0{}T11:00:00Z", i + 1),
            )
        })
        .collect();
    let (_, created) = alice.call(&create(&items, None)).await;
    assert_eq!(codes(&created), ["NoError"; 3]);
    let ids: Vec<String> = item_ids(&created).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids.len(), 3);
    let (_, bob_item) = Client::new(&server, BOB)
        .call(&create(
            &[NewItem::new(
                "Bob's",
                "2024-06-01T10:00:00Z",
                "2024-06-01T11:00:00Z",
            )],
            None,
        ))
        .await;
    let bob_id = item_ids(&bob_item)[0].0.clone();

    let unknown = ids[0].replace(&ids[0][20..24], "AAAA");
    let (_, got) = alice
        .call(&get(
            &[
                &ids[0],
                &unknown,
                "AAMkAD==",
                "not base64!",
                &bob_id,
                &ids[2],
            ],
            "Default",
            None,
            &[],
        ))
        .await;
    assert_eq!(
        codes(&got),
        [
            "NoError",
            "ErrorItemNotFound",
            "ErrorInvalidIdMalformed",
            "ErrorInvalidIdMalformed",
            "ErrorAccessDenied",
            "NoError"
        ]
    );
    assert_eq!(texts(&got, T, "Subject"), ["Item 0", "Item 2"]);

    let (_, deleted) = alice.call(&delete(&[&ids[1], "AAMkAD==", &ids[0]])).await;
    assert_eq!(
        codes(&deleted),
        ["NoError", "ErrorInvalidIdMalformed", "NoError"]
    );
    assert_eq!(server.calendar_len(ALICE.smtp), 1);
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn calendar_view_sorts_limits_and_reports_the_last_item() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let hours = [15, 9, 13, 11, 17];
    let items: Vec<NewItem> = hours
        .iter()
        .map(|h| {
            NewItem::new(
                &format!("At {h}"),
                &format!("2024-07-01T{h:02}:00:00Z"),
                &format!("2024-07-01T{h:02}:45:00Z"),
            )
        })
        .collect();
    alice.call(&create(&items, None)).await;
    let day = ("2024-07-01T00:00:00Z", "2024-07-02T00:00:00Z");

    let (_, limited) = alice
        .call(&find(day.0, day.1, Some(3), None, "Default", &[]))
        .await;
    assert_eq!(texts(&limited, T, "Subject"), ["At 9", "At 11", "At 13"]);
    let root = first(&limited, M, "RootFolder").unwrap();
    assert_eq!(root.attr("IncludesLastItemInRange"), Some("false"));
    assert_eq!(root.attr("TotalItemsInView"), Some("5"));

    let (_, all) = alice
        .call(&find(
            day.0,
            day.1,
            Some(5),
            None,
            "IdOnly",
            &["item:Subject"],
        ))
        .await;
    assert_eq!(
        texts(&all, T, "Subject"),
        ["At 9", "At 11", "At 13", "At 15", "At 17"]
    );
    assert_eq!(
        first(&all, M, "RootFolder")
            .unwrap()
            .attr("IncludesLastItemInRange"),
        Some("true")
    );

    // Items overlapping either edge of the window count.
    let (_, edges) = alice
        .call(&find(
            "2024-07-01T09:30:00Z",
            "2024-07-01T11:15:00Z",
            None,
            None,
            "IdOnly",
            &["item:Subject"],
        ))
        .await;
    assert_eq!(texts(&edges, T, "Subject"), ["At 9", "At 11"]);

    let (_, backwards) = alice
        .call(&find(day.1, day.0, None, None, "IdOnly", &[]))
        .await;
    assert_eq!(
        codes(&backwards),
        ["ErrorCalendarEndDateIsEarlierThanStartDate"]
    );
    let (_, too_long) = alice
        .call(&find(
            "2020-01-01T00:00:00Z",
            "2023-01-01T00:00:00Z",
            None,
            None,
            "IdOnly",
            &[],
        ))
        .await;
    assert_eq!(codes(&too_long), ["ErrorCalendarViewRangeTooBig"]);
    let (_, with_body) = alice
        .call(&find(day.0, day.1, None, None, "IdOnly", &["item:Body"]))
        .await;
    assert_eq!(codes(&with_body), ["ErrorInvalidPropertyRequest"]);
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn indexed_paging_walks_the_calendar() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let items: Vec<NewItem> = (1..=5)
        .map(|d| {
            NewItem::new(
                &format!("Day {d}"),
                &format!("2024-08-0{d}T10:00:00Z"),
                &format!("2024-08-0{d}T11:00:00Z"),
            )
        })
        .collect();
    alice.call(&create(&items, None)).await;
    let page = |offset: u32| {
        find_with_view(
            &format!(
                r#"<m:IndexedPageItemView MaxEntriesReturned="2" Offset="{offset}" BasePoint="Beginning"/>"#
            ),
            None,
            "IdOnly",
            &["item:Subject"],
        )
    };
    let (_, first_page) = alice.call(&page(0)).await;
    assert_eq!(texts(&first_page, T, "Subject"), ["Day 1", "Day 2"]);
    let root = first(&first_page, M, "RootFolder").unwrap();
    assert_eq!(root.attr("IndexedPagingOffset"), Some("2"));
    assert_eq!(root.attr("IncludesLastItemInRange"), Some("false"));
    let (_, last_page) = alice.call(&page(4)).await;
    assert_eq!(texts(&last_page, T, "Subject"), ["Day 5"]);
    assert_eq!(
        first(&last_page, M, "RootFolder")
            .unwrap()
            .attr("IncludesLastItemInRange"),
        Some("true")
    );
    let (_, everything) = alice.call(&find_with_view("", None, "IdOnly", &[])).await;
    assert_eq!(item_ids(&everything).len(), 5);
    validate(&server, &alice.sent(), 0);
}
