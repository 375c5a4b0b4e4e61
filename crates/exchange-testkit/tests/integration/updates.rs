//! `UpdateItem`, change keys, and the meeting attributes Exchange requires of calendar items.

use crate::support;

use support::*;

async fn one_item(alice: &Client) -> (String, String) {
    let item = NewItem {
        body: Some(("Text", "first line".to_owned())),
        location: Some("Room 1".to_owned()),
        ..NewItem::new("Original", "2024-09-02T10:00:00Z", "2024-09-02T11:00:00Z")
    };
    let (_, created) = alice.call(&create(&[item], None)).await;
    item_ids(&created).remove(0)
}

const AUTO: &str =
    r#" ConflictResolution="AutoResolve" SendMeetingInvitationsOrCancellations="SendToNone""#;

#[tokio::test]
async fn update_changes_properties_and_the_change_key() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let (id, key) = one_item(&alice).await;
    let changes = [
        set_field("item:Subject", "<t:Subject>Renamed &amp; moved</t:Subject>"),
        set_field(
            "calendar:Start",
            "<t:Start>2024-09-03T08:00:00-02:00</t:Start>",
        ),
        set_field("calendar:End", "<t:End>2024-09-03T11:30:00Z</t:End>"),
        append_field("item:Body", r#"<t:Body BodyType="Text"> and more</t:Body>"#),
        delete_field("calendar:Location"),
        set_field("item:Importance", "<t:Importance>High</t:Importance>"),
    ];
    let (status, updated) = alice.call(&update(&id, Some(&key), AUTO, &changes)).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(codes(&updated), ["NoError"]);
    let (same_id, new_key) = item_ids(&updated).remove(0);
    assert_eq!(same_id, id);
    assert_ne!(new_key, key, "the change key changes on update");
    assert_eq!(texts(&updated, T, "Count"), ["0"]);

    let (_, got) = alice.call(&get(&[&id], "AllProperties", None, &[])).await;
    assert_eq!(texts(&got, T, "Subject"), ["Renamed & moved"]);
    assert_eq!(texts(&got, T, "Start"), ["2024-09-03T10:00:00Z"]);
    assert_eq!(texts(&got, T, "End"), ["2024-09-03T11:30:00Z"]);
    assert_eq!(texts(&got, T, "Body"), ["first line and more"]);
    assert!(texts(&got, T, "Location").is_empty());
    assert_eq!(item_ids(&got)[0].1, new_key);

    // The old change key is stale now.
    let rename = [set_field("item:Subject", "<t:Subject>Again</t:Subject>")];
    let (_, stale) = alice.call(&update(&id, Some(&key), AUTO, &rename)).await;
    assert_eq!(codes(&stale), ["ErrorIrresolvableConflict"]);
    let never = r#" ConflictResolution="NeverOverwrite" SendMeetingInvitationsOrCancellations="SendToNone""#;
    let (_, without_key) = alice.call(&update(&id, None, never, &rename)).await;
    assert_eq!(
        codes(&without_key),
        ["ErrorChangeKeyRequiredForWriteOperations"]
    );
    let always = r#" ConflictResolution="AlwaysOverwrite" SendMeetingInvitationsOrCancellations="SendToAllAndSaveCopy""#;
    let (_, overwritten) = alice.call(&update(&id, Some(&key), always, &rename)).await;
    assert_eq!(codes(&overwritten), ["NoError"]);
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn update_refuses_what_exchange_refuses() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let (id, key) = one_item(&alice).await;
    let cases = [
        (
            vec![set_field(
                "calendar:End",
                "<t:End>2024-09-01T00:00:00Z</t:End>",
            )],
            "ErrorCalendarEndDateIsEarlierThanStartDate",
        ),
        (
            vec![set_field("item:Subject", "<t:Location>x</t:Location>")],
            "ErrorIncorrectUpdatePropertyCount",
        ),
        (
            vec![set_field(
                "item:Subject",
                "<t:Subject>a</t:Subject><t:Location>b</t:Location>",
            )],
            "ErrorIncorrectUpdatePropertyCount",
        ),
        (
            vec![delete_field("calendar:Start")],
            "ErrorInvalidPropertyDelete",
        ),
        (
            vec![append_field("item:Subject", "<t:Subject>x</t:Subject>")],
            "ErrorInvalidPropertyAppend",
        ),
    ];
    for (changes, code) in cases {
        let (_, answer) = alice.call(&update(&id, Some(&key), AUTO, &changes)).await;
        assert_eq!(codes(&answer), [code]);
    }
    let no_attribute = r#" ConflictResolution="AutoResolve""#;
    let rename = [set_field("item:Subject", "<t:Subject>x</t:Subject>")];
    let (_, answer) = alice
        .call(&update(&id, Some(&key), no_attribute, &rename))
        .await;
    assert_eq!(
        codes(&answer),
        ["ErrorSendMeetingInvitationsOrCancellationsRequired"]
    );
    let (_, answer) = alice.call(&update("AAMkAD==", None, AUTO, &rename)).await;
    assert_eq!(codes(&answer), ["ErrorInvalidIdMalformed"]);

    // Nothing of the refused changes was applied.
    let (_, got) = alice.call(&get(&[&id], "Default", None, &[])).await;
    assert_eq!(item_ids(&got)[0].1, key);
    assert_eq!(texts(&got, T, "Subject"), ["Original"]);
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn calendar_items_need_the_meeting_attributes() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let item = NewItem::new(
        "No attribute",
        "2024-09-02T10:00:00Z",
        "2024-09-02T11:00:00Z",
    );
    let (_, answer) = alice
        .call(&create_with(std::slice::from_ref(&item), None, ""))
        .await;
    assert_eq!(codes(&answer), ["ErrorSendMeetingInvitationsRequired"]);
    assert_eq!(server.calendar_len(ALICE.smtp), 0);

    let (id, _) = one_item(&alice).await;
    let (_, answer) = alice.call(&delete_with(&[&id], "")).await;
    assert_eq!(codes(&answer), ["ErrorSendMeetingCancellationsRequired"]);
    assert_eq!(server.calendar_len(ALICE.smtp), 1);

    let backwards = NewItem::new("Backwards", "2024-09-02T10:00:00Z", "2024-09-02T09:00:00Z");
    let (_, answer) = alice.call(&create(&[backwards], None)).await;
    assert_eq!(
        codes(&answer),
        ["ErrorCalendarEndDateIsEarlierThanStartDate"]
    );
    let all_day = NewItem {
        all_day: Some(true),
        uid: Some("client-chosen-uid@contoso.test".to_owned()),
        ..NewItem::new("Holiday", "2024-09-05T00:00:00Z", "2024-09-06T00:00:00Z")
    };
    let (_, answer) = alice.call(&create(&[all_day], None)).await;
    let id = item_ids(&answer).remove(0).0;
    let (_, got) = alice
        .call(&get(
            &[&id],
            "IdOnly",
            None,
            &[
                "calendar:IsAllDayEvent",
                "calendar:UID",
                "calendar:Duration",
            ],
        ))
        .await;
    assert_eq!(texts(&got, T, "IsAllDayEvent"), ["true"]);
    assert_eq!(texts(&got, T, "UID"), ["client-chosen-uid@contoso.test"]);
    assert_eq!(texts(&got, T, "Duration"), ["P1D"]);
    validate(&server, &alice.sent(), 0);
}
