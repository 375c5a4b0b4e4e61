//! Folder operations, item paging and calendar re-windowing against the fake Exchange server.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use exchange_auth::{Basic, UserCredentials};
use exchange_ews::folders::Traversal;
use exchange_ews::items::IndexedPage;
use exchange_ews::{
    DistinguishedFolder, EwsClient, EwsError, ExchangeVersion, FolderTarget, ResponseCode,
};
use exchange_testkit::FakeExchange;
use secrecy::SecretString;

const ALICE: &str = "alice@contoso.test";
const BOB: &str = "bob@contoso.test";
const CAROL: &str = "carol@contoso.test";

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 1, 8, 0, 0).unwrap()
}

async fn fake(seed: usize, spacing: Duration) -> FakeExchange {
    FakeExchange::builder()
        .user(ALICE, "alice-pw", ALICE)
        .user(BOB, "bob-pw", BOB)
        .user(CAROL, "carol-pw", CAROL)
        .delegate(BOB, ALICE)
        .seed_calendar(ALICE, seed, start(), spacing)
        .start()
        .await
        .expect("the fake starts")
}

fn client(server: &FakeExchange, user: &str, password: &str) -> EwsClient {
    let basic = Basic::new(UserCredentials::new(user, SecretString::from(password))).unwrap();
    EwsClient::builder(&server.url())
        .auth(Arc::new(basic))
        .version(ExchangeVersion::Exchange2013Sp1)
        .build()
        .unwrap()
}

fn calendar() -> FolderTarget {
    FolderTarget::Distinguished(DistinguishedFolder::Calendar)
}

#[tokio::test]
async fn a_250_item_calendar_pages_100_at_a_time_in_3_pages() {
    let server = fake(250, Duration::hours(1)).await;
    let alice = client(&server, ALICE, "alice-pw");
    let mut pager = alice.items(&calendar(), 100).unwrap();
    let mut sizes = Vec::new();
    let mut ids = Vec::new();
    while let Some(page) = pager.next_page().await.unwrap() {
        sizes.push(page.len());
        for item in page {
            assert_eq!(item.kind, "CalendarItem");
            assert_eq!(item.item_class.as_deref(), Some("IPM.Appointment"));
            assert!(item.subject.as_deref().unwrap().starts_with("Seeded item "));
            assert!(item.date_time_received.is_some());
            ids.push(item.id.id);
        }
    }
    assert_eq!(sizes, [100, 100, 50]);
    assert_eq!((pager.pages_read(), pager.is_done()), (3, true));
    assert_eq!(pager.next_page().await.unwrap(), None);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 250);
    assert_eq!(server.request_count("FindItem"), 3);

    let page = alice
        .find_items_page(&calendar(), IndexedPage::new(100, 200).unwrap())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 50);
    assert_eq!(
        (page.indexed_paging_offset, page.total_items_in_view),
        (Some(250), Some(250))
    );
    assert!(page.includes_last_item_in_range);
    assert!(alice.items(&calendar(), 0).is_err());
}

#[tokio::test]
async fn calendar_view_re_windows_until_every_item_came_once() {
    let server = fake(150, Duration::hours(1)).await;
    let alice = client(&server, ALICE, "alice-pw");
    let end = start() + Duration::days(7);
    let capped = alice
        .find_calendar_items(&calendar(), start(), end, Some(40))
        .await
        .unwrap();
    assert_eq!(capped.items.len(), 40);
    assert!(!capped.includes_last_item_in_range);

    let all = alice
        .calendar_items_all_with(&calendar(), start(), end, 40, Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(all.len(), 150);
    let mut ids: Vec<&str> = all.iter().map(|i| i.id.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 150);
    assert!(all.windows(2).all(|w| w[0].start <= w[1].start));
    assert_eq!(all[0].subject, "Seeded item 0");
    assert_eq!(all[149].subject, "Seeded item 149");
    assert!(server.request_count("FindItem") > 5);

    let defaults = alice
        .calendar_items_all(&calendar(), start(), end)
        .await
        .unwrap();
    assert_eq!(defaults, all);
}

#[tokio::test]
async fn a_window_too_dense_to_split_is_an_error() {
    let server = fake(50, Duration::zero()).await;
    let alice = client(&server, ALICE, "alice-pw");
    let err = alice
        .calendar_items_all_with(
            &calendar(),
            start(),
            start() + Duration::hours(4),
            40,
            Duration::minutes(10),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            EwsError::CalendarWindowTooDense {
                max_entries: 40,
                ..
            }
        ),
        "{err}"
    );
    let invalid = alice
        .calendar_items_all_with(&calendar(), start(), start(), 40, Duration::zero())
        .await
        .unwrap_err();
    assert!(matches!(invalid, EwsError::InvalidArgument { .. }));
    let backwards = alice
        .calendar_items_all(&calendar(), start(), start() - Duration::days(1))
        .await
        .unwrap_err();
    assert!(matches!(backwards, EwsError::InvalidArgument { .. }));
}

#[tokio::test]
async fn find_folder_deep_lists_the_distinguished_folders() {
    let server = fake(3, Duration::hours(1)).await;
    let alice = client(&server, ALICE, "alice-pw");
    let root = FolderTarget::Distinguished(DistinguishedFolder::MsgFolderRoot);
    let everything = alice
        .find_folders(&root, Traversal::Deep, None)
        .await
        .unwrap();
    let names: Vec<&str> = everything
        .folders
        .iter()
        .filter_map(|f| f.display_name.as_deref())
        .collect();
    for name in [
        "Inbox",
        "Calendar",
        "Contacts",
        "Tasks",
        "Notes",
        "Deleted Items",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    assert!(everything.includes_last_item_in_range);
    let paged = alice.all_folders(&root, Traversal::Deep).await.unwrap();
    assert_eq!(paged, everything.folders);
    let first = alice
        .find_folders(
            &root,
            Traversal::Deep,
            Some(IndexedPage::new(4, 0).unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(first.folders, everything.folders[..4]);
    assert!(!first.includes_last_item_in_range);
    assert_eq!(first.indexed_paging_offset, Some(4));

    let own = alice
        .get_folders(&[root.clone(), calendar()])
        .await
        .unwrap();
    let calendar_folder = &own[1];
    assert_eq!(
        calendar_folder.folder_class.as_deref(),
        Some("IPF.Appointment")
    );
    assert_eq!(calendar_folder.total_count, Some(3));
    assert_eq!(calendar_folder.parent_id.as_ref(), Some(&own[0].id));
    let by_id = alice
        .get_folders(&[FolderTarget::Id(calendar_folder.id.id.clone())])
        .await
        .unwrap();
    assert_eq!(&by_id[0], calendar_folder);
    let shallow = alice
        .find_folders(&calendar(), Traversal::Shallow, None)
        .await
        .unwrap();
    assert!(shallow.folders.is_empty());
}

#[tokio::test]
async fn another_mailbox_needs_delegate_access() {
    let server = fake(7, Duration::hours(1)).await;
    let alices_calendar =
        FolderTarget::DistinguishedOf(DistinguishedFolder::Calendar, ALICE.into());
    let bob = client(&server, BOB, "bob-pw");
    let folders = bob
        .get_folders(std::slice::from_ref(&alices_calendar))
        .await
        .unwrap();
    assert_eq!(folders[0].total_count, Some(7));
    assert_eq!(folders[0].display_name.as_deref(), Some("Calendar"));
    let mut pager = bob.items(&alices_calendar, 5).unwrap();
    let mut count = 0;
    while let Some(page) = pager.next_page().await.unwrap() {
        count += page.len();
    }
    assert_eq!(count, 7);

    let carol = client(&server, CAROL, "carol-pw");
    let denied = carol
        .get_folders(std::slice::from_ref(&alices_calendar))
        .await
        .unwrap_err();
    assert_eq!(
        denied.response_code(),
        Some(&ResponseCode::ErrorAccessDenied)
    );
    let mut pager = carol.items(&alices_calendar, 5).unwrap();
    let denied = pager.next_page().await.unwrap_err();
    assert_eq!(
        denied.response_code(),
        Some(&ResponseCode::ErrorAccessDenied)
    );
    let by_id = carol
        .get_folders(&[FolderTarget::Id(folders[0].id.id.clone())])
        .await
        .unwrap_err();
    assert_eq!(
        by_id.response_code(),
        Some(&ResponseCode::ErrorAccessDenied)
    );
    let nobody =
        FolderTarget::DistinguishedOf(DistinguishedFolder::Inbox, "nobody@contoso.test".into());
    let missing = carol.get_folders(&[nobody]).await.unwrap_err();
    assert_eq!(
        missing.response_code(),
        Some(&ResponseCode::ErrorNonExistentMailbox)
    );
    let malformed = carol
        .get_folders(&[FolderTarget::Id("AAMk-not-a-folder".into())])
        .await
        .unwrap_err();
    assert_eq!(
        malformed.response_code(),
        Some(&ResponseCode::ErrorInvalidIdMalformed)
    );
}
