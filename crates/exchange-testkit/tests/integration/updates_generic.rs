//! `UpdateItem` of contacts, tasks and messages: plain, indexed and extended properties,
//! appends, deletes, conflict resolution and sending.

use crate::support;

use support::*;

const AUTO: &str = r#" ConflictResolution="AutoResolve""#;

fn set(path: &str, kind: &str, property: &str) -> String {
    change(
        "SetItemField",
        path,
        Some(&format!("<t:{kind}>{property}</t:{kind}>")),
    )
}

#[tokio::test]
async fn contact_dictionaries_change_entry_by_entry() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let (id, key) = create_one(&alice, contact("Ann")).await;
    let changes = [
        set(
            &indexed("contacts:EmailAddress", "EmailAddress3"),
            "Contact",
            r#"<t:EmailAddresses><t:Entry Key="EmailAddress3">ann@work.test</t:Entry></t:EmailAddresses>"#,
        ),
        set(
            &indexed("contacts:EmailAddress", "EmailAddress1"),
            "Contact",
            r#"<t:EmailAddresses><t:Entry Key="EmailAddress1">ann@new.test</t:Entry></t:EmailAddresses>"#,
        ),
        change(
            "DeleteItemField",
            &indexed("contacts:EmailAddress", "EmailAddress2"),
            None,
        ),
        set(
            &indexed("contacts:PhysicalAddress:City", "Business"),
            "Contact",
            r#"<t:PhysicalAddresses><t:Entry Key="Business"><t:City>Springfield</t:City></t:Entry></t:PhysicalAddresses>"#,
        ),
        set(
            &indexed("contacts:PhoneNumber", "MobilePhone"),
            "Contact",
            r#"<t:PhoneNumbers><t:Entry Key="MobilePhone">+1 555 0199</t:Entry></t:PhoneNumbers>"#,
        ),
        set(
            &field("contacts:GivenName"),
            "Contact",
            "<t:GivenName>Anna</t:GivenName>",
        ),
        change("DeleteItemField", &field("contacts:Surname"), None),
    ];
    let (_, updated) = alice
        .call(&update_with(&id, Some(&key), AUTO, &changes))
        .await;
    assert_eq!(codes(&updated), ["NoError"], "{updated}");
    assert_eq!(texts(&updated, T, "Count"), ["0"]);
    let (_, got) = alice.call(&get_paths(&[&id], "AllProperties", "")).await;
    assert_eq!(
        texts(&got, T, "Entry"),
        ["ann@new.test", "ann@work.test", "", "+1 555 0199"]
    );
    assert_eq!(texts(&got, T, "Street"), ["1 Main St"]);
    assert_eq!(texts(&got, T, "City"), ["Springfield"]);
    assert_eq!(texts(&got, T, "GivenName"), ["Anna"]);
    assert!(texts(&got, T, "Surname").is_empty());

    // Deleting the last field of an address removes the entry and the dictionary.
    let key = item_ids(&updated).remove(0).1;
    let changes = [
        change(
            "DeleteItemField",
            &indexed("contacts:PhysicalAddress:Street", "Business"),
            None,
        ),
        change(
            "DeleteItemField",
            &indexed("contacts:PhysicalAddress:City", "Business"),
            None,
        ),
    ];
    let (_, updated) = alice
        .call(&update_with(&id, Some(&key), AUTO, &changes))
        .await;
    assert_eq!(codes(&updated), ["NoError"]);
    let (_, got) = alice.call(&get_paths(&[&id], "AllProperties", "")).await;
    assert!(first(&got, T, "PhysicalAddresses").is_none());

    // An indexed set whose entry does not match its path.
    let mismatch = [set(
        &indexed("contacts:EmailAddress", "EmailAddress2"),
        "Contact",
        r#"<t:EmailAddresses><t:Entry Key="EmailAddress1">x@y.z</t:Entry></t:EmailAddresses>"#,
    )];
    let (_, refused) = alice.call(&update_with(&id, None, AUTO, &mismatch)).await;
    assert_eq!(codes(&refused), ["ErrorIncorrectUpdatePropertyCount"]);
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn messages_take_extended_properties_appends_and_sends() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let (id, key) = create_one(&alice, message("Draft", None, &[BOB.smtp])).await;
    let changes = [
        set(
            &extended("Tracking"),
            "Message",
            &extended_value("Tracking", "T-1"),
        ),
        change(
            "AppendToItemField",
            &field("message:ToRecipients"),
            Some(&format!(
                "<t:Message><t:ToRecipients><t:Mailbox><t:EmailAddress>{}</t:EmailAddress></t:Mailbox></t:ToRecipients></t:Message>",
                CAROL.smtp
            )),
        ),
        set(
            &field("item:Importance"),
            "Message",
            "<t:Importance>Low</t:Importance>",
        ),
    ];
    let (_, refused) = alice
        .call(&update_with(&id, Some(&key), AUTO, &changes))
        .await;
    assert_eq!(codes(&refused), ["ErrorMessageDispositionRequired"]);
    let attributes = format!("{SAVE}{AUTO}");
    let (_, updated) = alice
        .call(&update_with(&id, Some(&key), &attributes, &changes))
        .await;
    assert_eq!(codes(&updated), ["NoError"], "{updated}");
    let (_, got) = alice
        .call(&get_paths(&[&id], "Default", &extended("Tracking")))
        .await;
    assert_eq!(texts(&got, T, "Value"), ["T-1"]);
    assert_eq!(
        texts(&got, T, "DisplayTo"),
        [format!("{}; {}", BOB.smtp, CAROL.smtp)]
    );
    assert_eq!(texts(&got, T, "Importance"), ["Low"]);
    let (_, plain) = alice.call(&get_paths(&[&id], "AllProperties", "")).await;
    assert!(texts(&plain, T, "Value").is_empty(), "not asked for");

    let key = item_ids(&updated).remove(0).1;
    let delete = [change("DeleteItemField", &extended("Tracking"), None)];
    let (_, updated) = alice
        .call(&update_with(&id, Some(&key), &attributes, &delete))
        .await;
    assert_eq!(codes(&updated), ["NoError"]);
    let (_, got) = alice
        .call(&get_paths(&[&id], "IdOnly", &extended("Tracking")))
        .await;
    assert!(texts(&got, T, "Value").is_empty());

    // Sending an updated draft moves it to the sent items.
    let send = r#" MessageDisposition="SendAndSaveCopy" ConflictResolution="AlwaysOverwrite""#;
    let subject = [set(
        &field("item:Subject"),
        "Message",
        "<t:Subject>Final</t:Subject>",
    )];
    let (_, sent) = alice.call(&update_with(&id, None, send, &subject)).await;
    assert_eq!(codes(&sent), ["NoError"]);
    assert_eq!(server.item_count(ALICE.smtp, "drafts"), 0);
    assert_eq!(server.subjects(ALICE.smtp, "sentitems"), ["Final"]);
    assert_eq!(server.item_count(BOB.smtp, "inbox"), 1);
    assert_eq!(server.item_count(CAROL.smtp, "inbox"), 1);
    assert_eq!(server.sent_messages()[0].recipients, [BOB.smtp, CAROL.smtp]);
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn conflicts_resolve_as_exchange_resolves_them() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let (id, old) = create_one(&alice, task("Plan")).await;
    let status = |s: &str| {
        set(
            &field("task:Status"),
            "Task",
            &format!("<t:Status>{s}</t:Status>"),
        )
    };
    let subject = [set(
        &field("item:Subject"),
        "Task",
        "<t:Subject>Plan B</t:Subject>",
    )];
    let (_, first_update) = alice
        .call(&update_with(&id, Some(&old), AUTO, &[status("Completed")]))
        .await;
    assert_eq!(codes(&first_update), ["NoError"]);

    // The client still holds the old change key.
    let never = r#" ConflictResolution="NeverOverwrite""#;
    let (_, answer) = alice
        .call(&update_with(&id, Some(&old), never, &subject))
        .await;
    assert_eq!(codes(&answer), ["ErrorIrresolvableConflict"]);
    let (_, answer) = alice
        .call(&update_with(&id, Some(&old), AUTO, &[status("Deferred")]))
        .await;
    assert_eq!(codes(&answer), ["ErrorIrresolvableConflict"]);
    let (_, answer) = alice
        .call(&update_with(&id, Some(&old), AUTO, &subject))
        .await;
    assert_eq!(codes(&answer), ["NoError"], "no overlap: resolved");
    assert_eq!(texts(&answer, T, "Count"), ["0"]);
    let always = r#" ConflictResolution="AlwaysOverwrite""#;
    let (_, answer) = alice
        .call(&update_with(&id, Some(&old), always, &[status("Deferred")]))
        .await;
    assert_eq!(codes(&answer), ["NoError"]);
    assert_eq!(texts(&answer, T, "Count"), ["1"]);
    let (_, got) = alice.call(&get_paths(&[&id], "AllProperties", "")).await;
    assert_eq!(texts(&got, T, "Status"), ["Deferred"]);
    assert_eq!(texts(&got, T, "Subject"), ["Plan B"]);
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn wrong_fields_get_the_errors_exchange_gives() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let (id, _) = create_one(&alice, task("Chore")).await;
    let cases = [
        (
            set(
                &field("contacts:GivenName"),
                "Contact",
                "<t:GivenName>x</t:GivenName>",
            ),
            "ErrorInvalidPropertySet",
        ),
        (
            set(
                &field("item:DateTimeCreated"),
                "Task",
                "<t:DateTimeCreated>2024-01-01T00:00:00Z</t:DateTimeCreated>",
            ),
            "ErrorInvalidPropertySet",
        ),
        (
            change("DeleteItemField", &field("item:Size"), None),
            "ErrorInvalidPropertyDelete",
        ),
        (
            change(
                "AppendToItemField",
                &field("task:Status"),
                Some("<t:Task><t:Status>Completed</t:Status></t:Task>"),
            ),
            "ErrorInvalidPropertyAppend",
        ),
        (
            set(
                &indexed("contacts:EmailAddress", "EmailAddress1"),
                "Contact",
                r#"<t:EmailAddresses><t:Entry Key="EmailAddress1">x@y.z</t:Entry></t:EmailAddresses>"#,
            ),
            "ErrorInvalidPropertySet",
        ),
        (
            set(&extended("X"), "Task", &extended_value("Y", "1")),
            "ErrorIncorrectUpdatePropertyCount",
        ),
    ];
    for (update, code) in cases {
        let (_, answer) = alice.call(&update_with(&id, None, AUTO, &[update])).await;
        assert_eq!(codes(&answer), [code]);
    }
    // A field URI outside the schema's list: the request is not schema-valid, so it goes raw.
    let unknown = [set(
        &field("item:NoSuchThing"),
        "Task",
        "<t:Subject>x</t:Subject>",
    )];
    let (status, answer) = alice.call_raw(update_with(&id, None, AUTO, &unknown)).await;
    assert_eq!(status, 200);
    assert_eq!(codes(&answer), ["ErrorInvalidPropertyRequest"]);
    // Ids of another mailbox.
    let carol = Client::new(&server, CAROL);
    let subject = [set(
        &field("item:Subject"),
        "Task",
        "<t:Subject>Mine</t:Subject>",
    )];
    let (_, denied) = carol.call(&update_with(&id, None, AUTO, &subject)).await;
    assert_eq!(codes(&denied), ["ErrorAccessDenied"]);
    let (_, got) = alice.call(&get_paths(&[&id], "Default", "")).await;
    assert_eq!(texts(&got, T, "Subject"), ["Chore"]);
    let mut requests = alice.sent();
    requests.extend(carol.sent());
    validate(&server, &requests, 0);
}
