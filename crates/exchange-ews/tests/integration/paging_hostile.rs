//! Paging against servers that answer wrongly: the client stops with a typed error instead
//! of paging forever.

use crate::common;

use chrono::{Duration, TimeZone, Utc};
use common::{answer, client_for, response};
use exchange_ews::folders::Traversal;
use exchange_ews::{DistinguishedFolder, EwsError, FolderTarget};
use wiremock::MockServer;

fn find_item(root: &str) -> String {
    response(
        "FindItem",
        "Success",
        &format!("<m:ResponseCode>NoError</m:ResponseCode>{root}"),
    )
}

#[tokio::test]
async fn a_pager_refuses_an_offset_that_does_not_move_on() {
    let server = MockServer::start().await;
    answer(
        &server,
        200,
        find_item(
            r#"<m:RootFolder IndexedPagingOffset="0" TotalItemsInView="9" IncludesLastItemInRange="false"><t:Items/></m:RootFolder>"#,
        ),
    )
    .await;
    let client = client_for(&server);
    let inbox = FolderTarget::Distinguished(DistinguishedFolder::Inbox);
    let mut pager = client.items(&inbox, 10).unwrap();
    let err = pager.next_page().await.unwrap_err();
    assert!(matches!(err, EwsError::InvalidValue { .. }), "{err}");
    assert!(!pager.is_done());
    assert_eq!(pager.pages_read(), 0);
}

#[tokio::test]
async fn a_pager_reports_garbage_and_refused_pages() {
    let server = MockServer::start().await;
    answer(&server, 200, "<html>not soap</html>").await;
    let client = client_for(&server);
    let inbox = FolderTarget::Distinguished(DistinguishedFolder::Inbox);
    let err = client
        .items(&inbox, 10)
        .unwrap()
        .next_page()
        .await
        .unwrap_err();
    assert!(err.is_malformed_response(), "{err}");
    let err = client
        .all_folders(&inbox, Traversal::Deep)
        .await
        .unwrap_err();
    assert!(err.is_malformed_response(), "{err}");
    assert!(client.items(&FolderTarget::Id(String::new()), 10).is_err());
}

#[tokio::test]
async fn a_view_that_is_never_complete_ends_at_the_smallest_window() {
    let server = MockServer::start().await;
    answer(
        &server,
        200,
        find_item(r#"<m:RootFolder TotalItemsInView="99" IncludesLastItemInRange="false"><t:Items/></m:RootFolder>"#),
    )
    .await;
    let client = client_for(&server);
    let start = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let calendar = FolderTarget::Distinguished(DistinguishedFolder::Calendar);
    let err = client
        .calendar_items_all_with(
            &calendar,
            start,
            start + Duration::days(7),
            10,
            Duration::hours(1),
        )
        .await
        .unwrap_err();
    let EwsError::CalendarWindowTooDense {
        start: from, end, ..
    } = err
    else {
        panic!("{err}");
    };
    assert_eq!(from, start);
    assert!(end - from <= Duration::hours(1));
    // Depth first: the first too-small window ends the call after one request per level.
    let requests = server.received_requests().await.unwrap().len();
    assert!(requests <= 10, "{requests}");
}
