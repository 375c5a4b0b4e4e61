//! Contacts, tasks, messages, notes and other items: creation into their folders, reading
//! back in every shape, message dispositions, batches and deletion.

use crate::support;

use exchange_testkit::{FakeExchange, SeedKind};
use support::*;

fn kinds_of(xml: &str) -> Vec<String> {
    nodes(xml)
        .into_iter()
        .filter(|n| n.ns == T)
        .filter(|n| {
            matches!(
                n.name.as_str(),
                "Contact" | "Task" | "Message" | "CalendarItem" | "Item" | "PostItem"
            )
        })
        .map(|n| n.name)
        .collect()
}

#[tokio::test]
async fn every_kind_goes_to_its_folder_and_comes_back() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let items = [
        contact("Ann"),
        task("File the report"),
        message("Buy milk", Some("IPM.StickyNote"), &[]),
        message("Draft", None, &["bob@contoso.test"]),
        "<t:Item><t:Subject>Plain item</t:Subject><t:Importance>High</t:Importance></t:Item>"
            .to_owned(),
    ];
    let (status, created) = alice.call(&create_items(&items, None, SAVE)).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(codes(&created), ["NoError"; 5]);
    assert_eq!(
        kinds_of(&created),
        ["Contact", "Task", "Message", "Message", "Item"]
    );
    for (folder, count) in [("contacts", 1), ("tasks", 1), ("notes", 1), ("drafts", 2)] {
        assert_eq!(server.item_count(ALICE.smtp, folder), count, "{folder}");
    }
    assert_eq!(server.subjects(ALICE.smtp, "notes"), ["Buy milk"]);
    let ids: Vec<String> = item_ids(&created).into_iter().map(|(id, _)| id).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();

    let (_, got) = alice.call(&get_paths(&refs, "AllProperties", "")).await;
    assert_eq!(codes(&got), ["NoError"; 5]);
    assert_eq!(
        texts(&got, T, "ItemClass"),
        [
            "IPM.Contact",
            "IPM.Task",
            "IPM.StickyNote",
            "IPM.Note",
            "IPM"
        ]
    );
    assert_eq!(texts(&got, T, "GivenName"), ["Ann"]);
    assert_eq!(
        texts(&got, T, "Entry"),
        ["ann@contoso.test", "ann.home@contoso.test", ""]
    );
    assert_eq!(texts(&got, T, "Street"), ["1 Main St"]);
    assert_eq!(texts(&got, T, "Status"), ["InProgress"]);
    assert_eq!(texts(&got, T, "DisplayTo"), ["", "bob@contoso.test"]);
    assert_eq!(texts(&got, T, "IsDraft"), ["false", "true"]);
    assert_eq!(texts(&got, T, "Importance"), ["High"]);
    assert_eq!(texts(&got, T, "HasAttachments"), ["false"; 5]);
    assert_eq!(texts(&got, T, "Size").len(), 5);

    // IdOnly plus one of each kind of path.
    let paths = [
        field("contacts:GivenName"),
        indexed("contacts:EmailAddress", "EmailAddress2"),
        indexed("contacts:PhysicalAddress:Street", "Business"),
        field("item:ItemClass"),
    ]
    .concat();
    let (_, picked) = alice.call(&get_paths(&refs[..1], "IdOnly", &paths)).await;
    assert_eq!(texts(&picked, T, "GivenName"), ["Ann"]);
    assert_eq!(texts(&picked, T, "Entry"), ["ann.home@contoso.test", ""]);
    assert_eq!(texts(&picked, T, "ItemClass"), ["IPM.Contact"]);
    assert!(texts(&picked, T, "DisplayName").is_empty());

    // FindItem lists any folder, without bodies.
    let (_, drafts) = alice
        .call(&find_in(&folder("drafts", None), "Default", "", ""))
        .await;
    assert_eq!(codes(&drafts), ["NoError"]);
    assert_eq!(kinds_of(&drafts), ["Message", "Item"]);
    assert!(texts(&drafts, T, "Body").is_empty());
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn messages_follow_their_disposition() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let to_bob = message("Hello Bob", None, &[BOB.smtp, "outside@fabrikam.test"]);
    let (_, refused) = alice
        .call(&create_items(std::slice::from_ref(&to_bob), None, ""))
        .await;
    assert_eq!(codes(&refused), ["ErrorMessageDispositionRequired"]);
    assert!(server.sent_messages().is_empty());

    let send_only = r#" MessageDisposition="SendOnly""#;
    let (_, sent) = alice
        .call(&create_items(
            std::slice::from_ref(&to_bob),
            None,
            send_only,
        ))
        .await;
    assert_eq!(codes(&sent), ["NoError"]);
    assert!(item_ids(&sent).is_empty(), "sent messages get no id");
    assert_eq!(server.item_count(ALICE.smtp, "sentitems"), 0);
    assert_eq!(server.item_count(ALICE.smtp, "drafts"), 0);
    assert_eq!(server.item_count(BOB.smtp, "inbox"), 1);
    let sent_messages = server.sent_messages();
    assert_eq!(sent_messages.len(), 1);
    assert_eq!(sent_messages[0].sender, ALICE.smtp);
    assert_eq!(sent_messages[0].subject, "Hello Bob");
    assert_eq!(
        sent_messages[0].recipients,
        [BOB.smtp, "outside@fabrikam.test"]
    );

    let copy = r#" MessageDisposition="SendAndSaveCopy""#;
    let (_, saved) = alice
        .call(&create_items(std::slice::from_ref(&to_bob), None, copy))
        .await;
    assert_eq!(codes(&saved), ["NoError"]);
    assert_eq!(server.item_count(ALICE.smtp, "sentitems"), 1);
    assert_eq!(server.item_count(BOB.smtp, "inbox"), 2);
    let nobody = message("Nobody", None, &[]);
    let (_, refused) = alice.call(&create_items(&[nobody], None, send_only)).await;
    assert_eq!(codes(&refused), ["ErrorInvalidRecipients"]);
    assert_eq!(server.sent_messages().len(), 2);

    // Bob sees the delivered message unread, from Alice.
    let bob = Client::new(&server, BOB);
    let (_, inbox) = bob
        .call(&find_in(&folder("inbox", None), "AllProperties", "", ""))
        .await;
    assert_eq!(texts(&inbox, T, "IsRead"), ["false", "false"]);
    assert!(texts(&inbox, T, "EmailAddress").contains(&ALICE.smtp.to_owned()));
    let (_, unread) = bob
        .call(&envelope(
            r#"<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>"#,
        ))
        .await;
    assert_eq!(texts(&unread, T, "UnreadCount"), ["2"]);
    assert_eq!(texts(&unread, T, "TotalCount"), ["2"]);

    // SaveOnly into a chosen folder.
    let (_, kept) = alice
        .call(&create_items(
            &[message("Filed", None, &[])],
            Some(&folder("inbox", None)),
            SAVE,
        ))
        .await;
    assert_eq!(codes(&kept), ["NoError"]);
    assert_eq!(server.item_count(ALICE.smtp, "inbox"), 1);
    let mut requests = alice.sent();
    requests.extend(bob.sent());
    validate(&server, &requests, 0);
}

#[tokio::test]
async fn delete_item_follows_the_rules_of_each_kind() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let carol = Client::new(&server, CAROL);
    let items = [contact("Zed"), task("Chore"), message("Old", None, &[])];
    let (_, created) = alice.call(&create_items(&items, None, SAVE)).await;
    let ids: Vec<String> = item_ids(&created).into_iter().map(|(id, _)| id).collect();
    let (_, carols) = carol
        .call(&create_items(&[task("Carol's")], None, ""))
        .await;
    let carols = item_ids(&carols).remove(0).0;

    let hard = r#" DeleteType="HardDelete""#;
    let (_, answer) = alice.call(&delete_ids(&[&ids[1]], hard)).await;
    assert_eq!(codes(&answer), ["ErrorAffectedTaskOccurrencesRequired"]);
    assert_eq!(server.item_count(ALICE.smtp, "tasks"), 1);

    // Several ids, one message each: good, foreign, malformed.
    let with_tasks = r#" DeleteType="HardDelete" AffectedTaskOccurrences="AllOccurrences""#;
    let (_, answer) = alice
        .call(&delete_ids(&[&ids[1], &carols, "bm90IGFuIGlk"], with_tasks))
        .await;
    assert_eq!(
        codes(&answer),
        ["NoError", "ErrorAccessDenied", "ErrorInvalidIdMalformed"]
    );
    assert_eq!(server.item_count(ALICE.smtp, "tasks"), 0);
    assert_eq!(server.item_count(CAROL.smtp, "tasks"), 1);

    let (_, answer) = alice
        .call(&delete_ids(
            &[&ids[0]],
            r#" DeleteType="MoveToDeletedItems""#,
        ))
        .await;
    assert_eq!(codes(&answer), ["NoError"]);
    assert_eq!(server.item_count(ALICE.smtp, "contacts"), 0);
    assert_eq!(server.item_count(ALICE.smtp, "deleteditems"), 1);
    let (_, moved) = alice
        .call(&find_in(&folder("deleteditems", None), "IdOnly", "", ""))
        .await;
    let moved = item_ids(&moved).remove(0).0;
    assert_ne!(moved, ids[0], "a moved item has a new id");
    let (_, answer) = alice
        .call(&delete_ids(
            &[&moved, &ids[2]],
            r#" DeleteType="SoftDelete""#,
        ))
        .await;
    assert_eq!(codes(&answer), ["NoError", "NoError"]);
    assert_eq!(server.item_count(ALICE.smtp, "deleteditems"), 0);
    assert_eq!(server.item_count(ALICE.smtp, "drafts"), 0);
    let mut requests = alice.sent();
    requests.extend(carol.sent());
    validate(&server, &requests, 0);
}

#[tokio::test]
async fn seeded_items_page_and_filter_in_any_folder() {
    let server = FakeExchange::builder()
        .user(ALICE.login, ALICE.password, ALICE.smtp)
        .seed_items(ALICE.smtp, "contacts", SeedKind::Contact, 5)
        .seed_items(ALICE.smtp, "inbox", SeedKind::Message, 3)
        .seed_items(ALICE.smtp, "tasks", SeedKind::Task, 2)
        .seed_items(ALICE.smtp, "notes", SeedKind::Note, 1)
        .seed_items(ALICE.smtp, "calendar", SeedKind::Calendar, 2)
        .start()
        .await
        .expect("the fake starts");
    assert_eq!(server.item_count(ALICE.smtp, "contacts"), 5);
    assert_eq!(server.calendar_len(ALICE.smtp), 2);
    assert_eq!(server.item_count(ALICE.smtp, "nowhere"), 0);
    assert_eq!(server.item_count("nobody@contoso.test", "inbox"), 0);
    let alice = Client::new(&server, ALICE);
    let view =
        r#"<m:IndexedPageItemView MaxEntriesReturned="2" Offset="0" BasePoint="Beginning"/>"#;
    let (_, page) = alice
        .call(&find_in(&folder("contacts", None), "Default", view, ""))
        .await;
    assert_eq!(kinds_of(&page), ["Contact", "Contact"]);
    let root = first(&page, M, "RootFolder").unwrap();
    assert_eq!(root.attr("TotalItemsInView"), Some("5"));
    assert_eq!(root.attr("IncludesLastItemInRange"), Some("false"));
    let restriction = r#"<m:Restriction><t:Contains ContainmentMode="Substring" ContainmentComparison="IgnoreCase"><t:FieldURI FieldURI="item:Subject"/><t:Constant Value="CONTACT 3"/></t:Contains></m:Restriction>"#;
    let (_, found) = alice
        .call(&find_in(
            &folder("contacts", None),
            "Default",
            "",
            restriction,
        ))
        .await;
    assert_eq!(texts(&found, T, "Subject"), ["Seeded contact 3"]);
    let (_, inbox) = alice
        .call(&find_in(&folder("inbox", None), "Default", "", ""))
        .await;
    assert_eq!(texts(&inbox, T, "IsRead"), ["false"; 3]);
    let (_, notes) = alice
        .call(&find_in(&folder("notes", None), "Default", "", ""))
        .await;
    assert_eq!(texts(&notes, T, "ItemClass"), ["IPM.StickyNote"]);
    let failed = FakeExchange::builder()
        .user(ALICE.login, ALICE.password, ALICE.smtp)
        .seed_items(ALICE.smtp, "attic", SeedKind::Task, 1)
        .start()
        .await
        .expect_err("an unknown folder is refused");
    assert_eq!(failed.kind(), std::io::ErrorKind::InvalidInput);
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn hostile_item_requests_get_ews_errors() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let carol = Client::new(&server, CAROL);
    // Into a mailbox without a grant, and into a folder id that was never handed out.
    let (_, denied) = carol
        .call(&create_items(
            &[task("Sneaky")],
            Some(&folder("tasks", Some(ALICE.smtp))),
            "",
        ))
        .await;
    assert_eq!(codes(&denied), ["ErrorAccessDenied"]);
    let (_, bad_folder) = alice
        .call(&create_items(
            &[task("Lost")],
            Some(r#"<t:FolderId Id="AAMkAGI2TG93AAA="/>"#),
            "",
        ))
        .await;
    assert_eq!(codes(&bad_folder), ["ErrorInvalidIdMalformed"]);
    assert_eq!(server.item_count(ALICE.smtp, "tasks"), 0);
    // An element that is no item at all is a schema violation.
    let body = r#"<m:CreateItem><m:Items><t:Subject>x</t:Subject></m:Items></m:CreateItem>"#;
    let (status, answer) = alice.call_raw(envelope(body)).await;
    assert_eq!(status, 500);
    assert_eq!(
        fault_code(&answer).as_deref(),
        Some("a:ErrorSchemaValidation")
    );
    // A response object is valid but not carried out.
    let reply = r#"<t:ReplyToItem><t:ReferenceItemId Id="eA=="/></t:ReplyToItem>"#.to_owned();
    let (_, answer) = alice.call(&create_items(&[reply], None, SAVE)).await;
    assert_eq!(codes(&answer), ["ErrorInvalidItemForOperationCreateItem"]);
    validate(&server, &alice.sent(), 0);
}
