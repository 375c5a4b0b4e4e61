//! What writes do to an item's identity: change keys after updates and moves, refused
//! updates with a stale change key, the three kinds of `DeleteItem`, and `PR_SEARCH_KEY`
//! kept through updates, moves, copies and a move to the deleted items.

use crate::support;

use support::*;

const TASKS_ALL: &str = r#" AffectedTaskOccurrences="AllOccurrences""#;

fn search_key_path() -> String {
    r#"<t:ExtendedFieldURI PropertyTag="0x300B" PropertyType="Binary"/>"#.to_owned()
}

/// Subject, change key and search key of an item; `None` when it is not found.
async fn read(alice: &Client, id: &str) -> Option<(String, String, String)> {
    let paths = format!("{}{}", field("item:Subject"), search_key_path());
    let (_, got) = alice.call(&get_paths(&[id], "IdOnly", &paths)).await;
    match codes(&got).as_slice() {
        [ok] if ok == "NoError" => {}
        [missing] if missing == "ErrorItemNotFound" => return None,
        other => panic!("{other:?}: {got}"),
    }
    Some((
        texts(&got, T, "Subject").remove(0),
        item_ids(&got).remove(0).1,
        texts(&got, T, "Value").remove(0),
    ))
}

fn set_subject(subject: &str) -> String {
    change(
        "SetItemField",
        &field("item:Subject"),
        Some(&format!(
            "<t:Task><t:Subject>{}</t:Subject></t:Task>",
            x(subject)
        )),
    )
}

/// The ids of the items in a distinguished folder.
async fn ids_in(alice: &Client, folder_name: &str) -> Vec<String> {
    let (_, answer) = alice
        .call(&find_in(&folder(folder_name, None), "IdOnly", "", ""))
        .await;
    item_ids(&answer).into_iter().map(|(id, _)| id).collect()
}

#[tokio::test]
async fn a_stale_change_key_fails_and_changes_nothing() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let (id, created_key) = create_one(&alice, task("Plan")).await;
    let (_, _, search_key) = read(&alice, &id).await.unwrap();
    let never = r#" ConflictResolution="NeverOverwrite""#;
    let (_, first_update) = alice
        .call(&update_with(
            &id,
            Some(&created_key),
            never,
            &[set_subject("Plan A")],
        ))
        .await;
    assert_eq!(codes(&first_update), ["NoError"]);
    let updated_key = item_ids(&first_update).remove(0).1;
    assert_ne!(updated_key, created_key, "an update gives a new change key");

    for resolution in [never, r#" ConflictResolution="AutoResolve""#] {
        let before = server.request_count("UpdateItem");
        let stale = update_with(
            &id,
            Some(&created_key),
            resolution,
            &[set_subject("Plan B")],
        );
        let (_, answer) = alice.call(&stale).await;
        assert_eq!(
            codes(&answer),
            ["ErrorIrresolvableConflict"],
            "{resolution}"
        );
        // The request was sent and logged, and nothing changed.
        assert_eq!(server.request_count("UpdateItem"), before + 1);
        let logged = server.logged_requests();
        let last = logged.last().unwrap();
        assert_eq!(last.operation.as_deref(), Some("UpdateItem"));
        assert!(last.request_body.contains(&created_key));
        assert!(last.response_body.contains("ErrorIrresolvableConflict"));
        let (subject, key, search) = read(&alice, &id).await.unwrap();
        assert_eq!(
            (subject.as_str(), key.as_str()),
            ("Plan A", updated_key.as_str())
        );
        assert_eq!(search, search_key, "an update keeps the search key");
    }
    // NeverOverwrite also needs a change key at all.
    let (_, answer) = alice
        .call(&update_with(&id, None, never, &[set_subject("Plan C")]))
        .await;
    assert_eq!(codes(&answer), ["ErrorChangeKeyRequiredForWriteOperations"]);

    // A move gives a new id and change key; the old key is stale for the moved item too.
    let (_, moved) = alice.call(&transfer("MoveItem", &[&id], "inbox")).await;
    assert_eq!(codes(&moved), ["NoError"]);
    let (moved_id, moved_key) = item_ids(&moved).remove(0);
    assert_ne!(moved_id, id);
    assert_ne!(moved_key, updated_key, "a move gives a new change key");
    assert!(read(&alice, &id).await.is_none(), "the old id is gone");
    let (_, answer) = alice
        .call(&update_with(
            &moved_id,
            Some(&updated_key),
            never,
            &[set_subject("Late")],
        ))
        .await;
    assert_eq!(codes(&answer), ["ErrorIrresolvableConflict"]);
    let (_, answer) = alice
        .call(&update_with(
            &moved_id,
            Some(&moved_key),
            never,
            &[set_subject("Moved")],
        ))
        .await;
    assert_eq!(codes(&answer), ["NoError"]);
    let (subject, _, search) = read(&alice, &moved_id).await.unwrap();
    assert_eq!(subject, "Moved");
    assert_eq!(search, search_key, "a move keeps the search key");
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn a_copy_keeps_the_search_key_and_both_are_found_by_it() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let (id, _) = create_one(&alice, task("Original")).await;
    let (_, key, search_key) = read(&alice, &id).await.unwrap();
    let (_, copied) = alice.call(&transfer("CopyItem", &[&id], "tasks")).await;
    assert_eq!(codes(&copied), ["NoError"]);
    let (copy_id, copy_key) = item_ids(&copied).remove(0);
    assert_ne!(copy_id, id);
    assert_ne!(copy_key, key);
    let (_, _, copy_search) = read(&alice, &copy_id).await.unwrap();
    assert_eq!(copy_search, search_key);
    let restriction = format!(
        r#"<m:Restriction><t:IsEqualTo>{}<t:FieldURIOrConstant><t:Constant Value="{search_key}"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>"#,
        search_key_path()
    );
    let (_, answer) = alice
        .call(&find_in(&folder("tasks", None), "IdOnly", "", &restriction))
        .await;
    let mut found: Vec<String> = item_ids(&answer).into_iter().map(|(i, _)| i).collect();
    let mut expected = vec![id, copy_id];
    found.sort();
    expected.sort();
    assert_eq!(found, expected);
    // A new item has a search key of its own.
    let (other, _) = create_one(&alice, task("Other")).await;
    assert_ne!(read(&alice, &other).await.unwrap().2, search_key);
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn each_delete_type_does_what_exchange_does() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let items = [task("Hard"), task("Soft"), task("Bin")];
    let (_, created) = alice.call(&create_items(&items, None, "")).await;
    let ids: Vec<String> = item_ids(&created).into_iter().map(|(id, _)| id).collect();
    let (_, _, bin_key) = read(&alice, &ids[2]).await.unwrap();

    // HardDelete: gone for good.
    let hard = format!(r#" DeleteType="HardDelete"{TASKS_ALL}"#);
    let (_, answer) = alice.call(&delete_ids(&[&ids[0]], &hard)).await;
    assert_eq!(codes(&answer), ["NoError"]);
    assert!(read(&alice, &ids[0]).await.is_none());
    assert_eq!(server.subjects(ALICE.smtp, "tasks"), ["Soft", "Bin"]);
    assert!(server.subjects(ALICE.smtp, "deleteditems").is_empty());
    // Deleting it again finds nothing.
    let (_, again) = alice.call(&delete_ids(&[&ids[0]], &hard)).await;
    assert_eq!(codes(&again), ["ErrorItemNotFound"]);

    // SoftDelete: gone from the folder and not in the deleted items (the recoverable items
    // are not modelled).
    let soft = format!(r#" DeleteType="SoftDelete"{TASKS_ALL}"#);
    let (_, answer) = alice.call(&delete_ids(&[&ids[1]], &soft)).await;
    assert_eq!(codes(&answer), ["NoError"]);
    assert!(read(&alice, &ids[1]).await.is_none());
    assert_eq!(server.subjects(ALICE.smtp, "tasks"), ["Bin"]);
    assert!(server.subjects(ALICE.smtp, "deleteditems").is_empty());

    // MoveToDeletedItems: a move with a new id, the properties and search key kept.
    let to_bin = format!(r#" DeleteType="MoveToDeletedItems"{TASKS_ALL}"#);
    let (_, answer) = alice.call(&delete_ids(&[&ids[2]], &to_bin)).await;
    assert_eq!(codes(&answer), ["NoError"]);
    assert!(read(&alice, &ids[2]).await.is_none(), "the old id is gone");
    assert!(server.subjects(ALICE.smtp, "tasks").is_empty());
    let in_bin = ids_in(&alice, "deleteditems").await;
    assert_eq!(in_bin.len(), 1);
    assert_ne!(in_bin[0], ids[2]);
    let (subject, _, search) = read(&alice, &in_bin[0]).await.unwrap();
    assert_eq!(
        (subject.as_str(), search.as_str()),
        ("Bin", bin_key.as_str())
    );
    // From the deleted items, a move to the deleted items deletes it.
    let (_, answer) = alice.call(&delete_ids(&[&in_bin[0]], &to_bin)).await;
    assert_eq!(codes(&answer), ["NoError"]);
    assert!(ids_in(&alice, "deleteditems").await.is_empty());
    validate(&server, &alice.sent(), 0);
}
