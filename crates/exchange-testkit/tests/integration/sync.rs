//! `SyncFolderItems` and `SyncFolderHierarchy`: changes since a sync state, paging, ignored
//! items and invalid states.

use crate::support;

use exchange_testkit::{FakeExchange, Fault, SeedKind};
use support::*;

fn state_of(xml: &str) -> String {
    texts(xml, M, "SyncState").remove(0)
}

fn includes_last(xml: &str) -> String {
    texts(xml, M, "IncludesLastItemInRange").remove(0)
}

async fn seeded(kind: SeedKind, folder_name: &str, count: usize) -> FakeExchange {
    FakeExchange::builder()
        .user(ALICE.login, ALICE.password, ALICE.smtp)
        .user(CAROL.login, CAROL.password, CAROL.smtp)
        .seed_items(ALICE.smtp, folder_name, kind, count)
        .start()
        .await
        .expect("the fake starts")
}

#[tokio::test]
async fn sync_reports_every_kind_of_change() {
    let server = seeded(SeedKind::Message, "inbox", 3).await;
    let alice = Client::new(&server, ALICE);
    let (status, first_sync) = alice.call(&sync_items("inbox", None, &[], 512)).await;
    assert_eq!(status, 200, "{first_sync}");
    assert_eq!(codes(&first_sync), ["NoError"]);
    assert_eq!(change_kinds(&first_sync), ["Create"; 3]);
    assert_eq!(includes_last(&first_sync), "true");
    let ids = item_ids(&first_sync);
    let state = state_of(&first_sync);

    let save = r#" MessageDisposition="SaveOnly" ConflictResolution="AlwaysOverwrite""#;
    let rename = [change(
        "SetItemField",
        &field("item:Subject"),
        Some("<t:Message><t:Subject>Renamed</t:Subject></t:Message>"),
    )];
    let (_, answer) = alice
        .call(&update_with(&ids[0].0, None, save, &rename))
        .await;
    assert_eq!(codes(&answer), ["NoError"]);
    let read = [change(
        "SetItemField",
        &field("message:IsRead"),
        Some("<t:Message><t:IsRead>true</t:IsRead></t:Message>"),
    )];
    let (_, answer) = alice.call(&update_with(&ids[1].0, None, save, &read)).await;
    assert_eq!(codes(&answer), ["NoError"]);
    let (_, answer) = alice
        .call(&delete_ids(&[&ids[2].0], r#" DeleteType="HardDelete""#))
        .await;
    assert_eq!(codes(&answer), ["NoError"]);
    let (_, answer) = alice
        .call(&create_items(
            &[message("New", None, &[])],
            Some(&folder("inbox", None)),
            r#" MessageDisposition="SaveOnly""#,
        ))
        .await;
    assert_eq!(codes(&answer), ["NoError"]);

    let (_, second) = alice
        .call(&sync_items("inbox", Some(&state), &[], 512))
        .await;
    assert_eq!(codes(&second), ["NoError"]);
    assert_eq!(
        change_kinds(&second),
        ["Delete", "Update", "ReadFlagChange", "Create"]
    );
    assert_eq!(texts(&second, T, "Subject"), ["Renamed", "New"]);
    assert_eq!(texts(&second, T, "IsRead"), ["false", "true", "true"]);
    let deleted = first(&second, T, "Delete").map(|_| item_ids(&second)[0].0.clone());
    assert_eq!(deleted.as_deref(), Some(ids[2].0.as_str()));

    let (_, third) = alice
        .call(&sync_items("inbox", Some(&state_of(&second)), &[], 512))
        .await;
    assert!(change_kinds(&third).is_empty());
    assert_eq!(includes_last(&third), "true");
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn max_changes_pages_and_ignored_items_stay_quiet() {
    let server = seeded(SeedKind::Contact, "contacts", 5).await;
    let alice = Client::new(&server, ALICE);
    let mut state: Option<String> = None;
    let mut pages = Vec::new();
    let mut ids = Vec::new();
    loop {
        let (_, page) = alice
            .call(&sync_items("contacts", state.as_deref(), &[], 2))
            .await;
        assert_eq!(codes(&page), ["NoError"]);
        pages.push(change_kinds(&page).len());
        ids.extend(item_ids(&page));
        state = Some(state_of(&page));
        if includes_last(&page) == "true" {
            break;
        }
    }
    assert_eq!(pages, [2, 2, 1]);
    assert_eq!(ids.len(), 5);

    let always = r#" ConflictResolution="AlwaysOverwrite""#;
    for (id, _) in &ids[..2] {
        let given = [change(
            "SetItemField",
            &field("contacts:GivenName"),
            Some("<t:Contact><t:GivenName>Changed</t:GivenName></t:Contact>"),
        )];
        let (_, answer) = alice.call(&update_with(id, None, always, &given)).await;
        assert_eq!(codes(&answer), ["NoError"]);
    }
    let (_, changed) = alice
        .call(&sync_items("contacts", state.as_deref(), &[&ids[0].0], 512))
        .await;
    assert_eq!(change_kinds(&changed), ["Update"]);
    assert_eq!(item_ids(&changed)[0].0, ids[1].0);
    let (_, quiet) = alice
        .call(&sync_items("contacts", Some(&state_of(&changed)), &[], 512))
        .await;
    assert!(
        change_kinds(&quiet).is_empty(),
        "the ignored change is consumed"
    );
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn invalid_sync_states_are_refused() {
    let server = seeded(SeedKind::Task, "tasks", 2).await;
    let alice = Client::new(&server, ALICE);
    let carol = Client::new(&server, CAROL);
    let (_, tasks) = alice.call(&sync_items("tasks", None, &[], 10)).await;
    let state = state_of(&tasks);
    let hierarchy_state = {
        let (_, answer) = alice.call(&sync_hierarchy(None, None)).await;
        state_of(&answer)
    };
    for bad in [
        "bm90IGEgc3RhdGU=",
        "%%%",
        &state[..state.len() - 4],
        hierarchy_state.as_str(),
        &"QUFB".repeat(10_000),
    ] {
        let (_, answer) = alice.call(&sync_items("tasks", Some(bad), &[], 10)).await;
        assert_eq!(codes(&answer), ["ErrorInvalidSyncStateData"], "{bad:.20}");
    }
    let (_, elsewhere) = alice
        .call(&sync_items("inbox", Some(&state), &[], 10))
        .await;
    assert_eq!(codes(&elsewhere), ["ErrorInvalidSyncStateData"]);
    let (_, foreign) = carol
        .call(&sync_items("tasks", Some(&state), &[], 10))
        .await;
    assert_eq!(codes(&foreign), ["ErrorInvalidSyncStateData"]);
    let (_, wrong_root) = alice
        .call(&sync_hierarchy(Some("inbox"), Some(&hierarchy_state)))
        .await;
    assert_eq!(codes(&wrong_root), ["ErrorInvalidSyncStateData"]);
    for max in ["0", "513", "x"] {
        let request = sync_items("tasks", None, &[], 1).replace(
            "<m:MaxChangesReturned>1<",
            &format!("<m:MaxChangesReturned>{max}<"),
        );
        let (status, answer) = alice.call_raw(request).await;
        assert_eq!(status, 500, "{max}");
        assert_eq!(
            fault_code(&answer).as_deref(),
            Some("a:ErrorSchemaValidation")
        );
    }
    server.inject(Fault::server_busy_response(50));
    let (_, busy) = alice
        .call(&sync_items("tasks", Some(&state), &[], 10))
        .await;
    assert_eq!(codes(&busy), ["ErrorServerBusy"]);
    let mut requests = alice.sent();
    requests.extend(carol.sent());
    validate(&server, &requests, 0);
}

#[tokio::test]
async fn folder_hierarchy_is_created_once() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let (_, first_sync) = alice.call(&sync_hierarchy(None, None)).await;
    assert_eq!(codes(&first_sync), ["NoError"]);
    let names = texts(&first_sync, T, "DisplayName");
    assert!(names.contains(&"Inbox".to_owned()) && names.contains(&"Calendar".to_owned()));
    assert_eq!(change_kinds(&first_sync).len(), names.len());
    assert_eq!(texts(&first_sync, M, "IncludesLastFolderInRange"), ["true"]);
    let (_, again) = alice
        .call(&sync_hierarchy(None, Some(&state_of(&first_sync))))
        .await;
    assert!(change_kinds(&again).is_empty());
    let (_, below) = alice
        .call(&sync_hierarchy(Some("msgfolderroot"), None))
        .await;
    assert_eq!(change_kinds(&below).len(), names.len() - 1);
    validate(&server, &alice.sent(), 0);
}
