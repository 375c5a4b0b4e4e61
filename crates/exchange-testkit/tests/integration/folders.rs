//! `GetFolder`, `FindFolder` and paging over a seeded calendar, over raw HTTP; every request
//! and response is validated against the EWS schema at the end of each test.

use crate::support;

use chrono::{Duration, TimeZone, Utc};
use exchange_testkit::FakeExchange;
use support::*;

fn folder_shape(base: &str, additional: &[&str]) -> String {
    let additional = if additional.is_empty() {
        String::new()
    } else {
        let uris: String = additional
            .iter()
            .map(|u| format!(r#"<t:FieldURI FieldURI="{u}"/>"#))
            .collect();
        format!("<t:AdditionalProperties>{uris}</t:AdditionalProperties>")
    };
    format!("<m:FolderShape><t:BaseShape>{base}</t:BaseShape>{additional}</m:FolderShape>")
}

fn get_folder(ids: &str, base: &str, additional: &[&str]) -> String {
    envelope(&format!(
        "<m:GetFolder>{}<m:FolderIds>{ids}</m:FolderIds></m:GetFolder>",
        folder_shape(base, additional)
    ))
}

fn find_folder(traversal: &str, view: &str, parent: &str) -> String {
    envelope(&format!(
        r#"<m:FindFolder Traversal="{traversal}">{}{view}<m:ParentFolderIds>{parent}</m:ParentFolderIds></m:FindFolder>"#,
        folder_shape("Default", &["folder:ParentFolderId", "folder:FolderClass"])
    ))
}

fn folder_ids(xml: &str) -> Vec<String> {
    nodes(xml)
        .into_iter()
        .filter(|n| n.ns == T && n.name == "FolderId")
        .filter_map(|n| n.attr("Id").map(str::to_owned))
        .collect()
}

async fn seeded(n: usize) -> FakeExchange {
    let start = Utc.with_ymd_and_hms(2024, 3, 1, 8, 0, 0).unwrap();
    FakeExchange::builder()
        .user(ALICE.login, ALICE.password, ALICE.smtp)
        .user(BOB.login, BOB.password, BOB.smtp)
        .user(CAROL.login, CAROL.password, CAROL.smtp)
        .delegate(BOB.login, ALICE.smtp)
        .seed_calendar(ALICE.smtp, n, start, Duration::hours(1))
        .start()
        .await
        .expect("the fake starts")
}

#[tokio::test]
async fn get_folder_answers_each_folder_and_checks_access() {
    let server = seeded(3).await;
    let alice = Client::new(&server, ALICE);
    let ids = [
        folder("calendar", None),
        folder("inbox", None),
        folder("contacts", None),
        folder("tasks", None),
        folder("msgfolderroot", None),
        folder("archiveroot", None),
    ]
    .concat();
    let (status, answer) = alice.call(&get_folder(&ids, "Default", &[])).await;
    assert_eq!(status, 200);
    assert_eq!(
        codes(&answer),
        [
            "NoError",
            "NoError",
            "NoError",
            "NoError",
            "NoError",
            "ErrorFolderNotFound"
        ]
    );
    assert_eq!(
        texts(&answer, T, "DisplayName"),
        [
            "Calendar",
            "Inbox",
            "Contacts",
            "Tasks",
            "Top of Information Store"
        ]
    );
    assert_eq!(texts(&answer, T, "TotalCount")[0], "3");
    assert!(first(&answer, T, "CalendarFolder").is_some());
    assert!(first(&answer, T, "ContactsFolder").is_some());
    assert!(first(&answer, T, "TasksFolder").is_some());
    // The ids handed out name the same folders again.
    let handed_out = folder_ids(&answer);
    let by_id: String = handed_out
        .iter()
        .map(|id| format!(r#"<t:FolderId Id="{}"/>"#, x(id)))
        .collect();
    let (_, again) = alice
        .call(&get_folder(&by_id, "IdOnly", &["folder:DisplayName"]))
        .await;
    assert_eq!(folder_ids(&again), handed_out);
    assert_eq!(texts(&again, T, "TotalCount"), Vec::<String>::new());
    let (_, broken) = alice
        .call(&get_folder(
            r#"<t:FolderId Id="AAMkbroken"/>"#,
            "Default",
            &[],
        ))
        .await;
    assert_eq!(codes(&broken), ["ErrorInvalidIdMalformed"]);

    let bob = Client::new(&server, BOB);
    let carol = Client::new(&server, CAROL);
    let alices_calendar = folder("calendar", Some(ALICE.smtp));
    let (_, delegated) = bob
        .call(&get_folder(&alices_calendar, "Default", &[]))
        .await;
    assert_eq!(codes(&delegated), ["NoError"]);
    assert_eq!(texts(&delegated, T, "TotalCount"), ["3"]);
    let (_, denied) = carol
        .call(&get_folder(&alices_calendar, "Default", &[]))
        .await;
    assert_eq!(codes(&denied), ["ErrorAccessDenied"]);
    let (_, by_id) = carol.call(&get_folder(&by_id, "Default", &[])).await;
    assert!(codes(&by_id).iter().all(|c| c == "ErrorAccessDenied"));
    let nobody = folder("calendar", Some("nobody@contoso.test"));
    let (_, missing) = carol.call(&get_folder(&nobody, "Default", &[])).await;
    assert_eq!(codes(&missing), ["ErrorNonExistentMailbox"]);
    let mut sent = alice.sent();
    sent.extend(bob.sent());
    sent.extend(carol.sent());
    validate(&server, &sent, 0);
}

#[tokio::test]
async fn find_folder_walks_the_tree_shallow_deep_and_paged() {
    let server = seeded(0).await;
    let alice = Client::new(&server, ALICE);
    let root = folder("msgfolderroot", None);
    let (_, shallow) = alice.call(&find_folder("Shallow", "", &root)).await;
    let names = texts(&shallow, T, "DisplayName");
    assert!(names.contains(&"Calendar".to_owned()) && names.contains(&"Inbox".to_owned()));
    let (_, deep) = alice
        .call(&find_folder("Deep", "", &folder("root", None)))
        .await;
    let deep_names = texts(&deep, T, "DisplayName");
    assert_eq!(deep_names.len(), names.len() + 1);
    assert_eq!(deep_names[0], "Top of Information Store");
    assert!(texts(&deep, T, "FolderClass").contains(&"IPF.Appointment".to_owned()));
    let page = |offset: usize| {
        format!(
            r#"<m:IndexedPageFolderView MaxEntriesReturned="4" Offset="{offset}" BasePoint="Beginning"/>"#
        )
    };
    let mut paged = Vec::new();
    let mut offset = 0;
    loop {
        let (_, answer) = alice.call(&find_folder("Deep", &page(offset), &root)).await;
        let root_folder = first(&answer, M, "RootFolder").expect("a root folder");
        paged.extend(texts(&answer, T, "DisplayName"));
        if root_folder.attr("IncludesLastItemInRange") == Some("true") {
            break;
        }
        offset = root_folder
            .attr("IndexedPagingOffset")
            .unwrap()
            .parse()
            .unwrap();
    }
    assert_eq!(paged, names);
    let (_, leaf) = alice
        .call(&find_folder("Shallow", "", &folder("calendar", None)))
        .await;
    assert_eq!(
        first(&leaf, M, "RootFolder")
            .unwrap()
            .attr("TotalItemsInView"),
        Some("0")
    );
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn a_seeded_calendar_pages_through_find_item() {
    let server = seeded(250).await;
    assert_eq!(server.calendar_len(ALICE.smtp), 250);
    let alice = Client::new(&server, ALICE);
    let mut ids = Vec::new();
    let mut pages = 0;
    let mut offset = 0;
    loop {
        let view = format!(
            r#"<m:IndexedPageItemView MaxEntriesReturned="100" Offset="{offset}" BasePoint="Beginning"/>"#
        );
        let (_, answer) = alice
            .call(&find_with_view(
                &view,
                None,
                "IdOnly",
                &["item:ItemClass", "item:Subject", "item:DateTimeReceived"],
            ))
            .await;
        pages += 1;
        ids.extend(item_ids(&answer).into_iter().map(|(id, _)| id));
        assert!(!texts(&answer, T, "DateTimeReceived").is_empty());
        let root = first(&answer, M, "RootFolder").unwrap();
        assert_eq!(root.attr("TotalItemsInView"), Some("250"));
        if root.attr("IncludesLastItemInRange") == Some("true") {
            break;
        }
        offset = root.attr("IndexedPagingOffset").unwrap().parse().unwrap();
    }
    ids.sort();
    ids.dedup();
    assert_eq!((ids.len(), pages), (250, 3));
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn seeding_an_unknown_mailbox_is_refused() {
    let refused = FakeExchange::builder()
        .user(ALICE.login, ALICE.password, ALICE.smtp)
        .seed_calendar("nobody@contoso.test", 1, Utc::now(), Duration::hours(1))
        .start()
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), std::io::ErrorKind::InvalidInput);
}
