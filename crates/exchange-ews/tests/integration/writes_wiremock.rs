//! The batch calls of the client against a fake endpoint: chunking, order, retries of a
//! throttled chunk, per-item errors, failed chunks and authentication failures.

use crate::{common, writes_support};

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{builder_for, client_for, EWS_PATH};
use exchange_ews::calendar::SendMeetingCancellations;
use exchange_ews::client::RetryPolicy;
use exchange_ews::items::{AffectedTaskOccurrences, BaseShape, DeleteType, ItemShape};
use exchange_ews::{EwsError, ItemId};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};
use writes_support::{error, item_ids, messages, ok, xml};

/// Answers `GetItem` and `DeleteItem` with one message per id (echoing the id), failing the
/// ids listed, and answering 503 to the first attempt of the request holding `throttled`.
struct PerId {
    failing: Vec<String>,
    throttled: Option<String>,
    throttles: AtomicUsize,
}

impl PerId {
    /// Answers every id with success.
    fn answering_all() -> Self {
        Self {
            failing: vec![],
            throttled: None,
            throttles: AtomicUsize::new(0),
        }
    }
}

impl Respond for PerId {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body = String::from_utf8_lossy(&request.body);
        let ids = item_ids(&body);
        if let Some(marker) = &self.throttled {
            if ids.contains(marker) && self.throttles.fetch_add(1, Ordering::SeqCst) == 0 {
                return ResponseTemplate::new(503);
            }
        }
        let operation = if body.contains("<m:GetItem>") {
            "GetItem"
        } else {
            "DeleteItem"
        };
        let answers: Vec<String> = ids
            .iter()
            .map(|id| {
                if self.failing.contains(id) {
                    error(operation, "ErrorItemNotFound")
                } else if operation == "GetItem" {
                    ok(operation, &format!(r#"<m:Items><t:Message><t:ItemId Id="{id}" ChangeKey="K"/><t:Subject>{id}</t:Subject></t:Message></m:Items>"#))
                } else {
                    ok(operation, "")
                }
            })
            .collect();
        xml(messages(operation, &answers))
    }
}

async fn mount(server: &MockServer, responder: PerId) {
    Mock::given(method("POST"))
        .and(path(EWS_PATH))
        .respond_with(responder)
        .mount(server)
        .await;
}

fn many_ids(n: usize) -> Vec<ItemId> {
    (0..n).map(|i| ItemId::new(format!("ID{i:03}"))).collect()
}

#[tokio::test]
async fn chunks_250_ids_into_3_requests_and_keeps_the_order() {
    let server = MockServer::start().await;
    mount(&server, PerId::answering_all()).await;
    let client = client_for(&server);
    let shape = ItemShape::new(BaseShape::IdOnly);
    let items = client.get_items(many_ids(250), &shape).await.unwrap();
    assert_eq!(items.len(), 250);
    for (i, item) in items.iter().enumerate() {
        assert_eq!(item.as_ref().unwrap().id.id, format!("ID{i:03}"));
    }
    let requests = server.received_requests().await.unwrap();
    let sizes: Vec<usize> = requests
        .iter()
        .map(|r| item_ids(&String::from_utf8_lossy(&r.body)).len())
        .collect();
    assert_eq!(sizes, [100, 100, 50]);
}

#[tokio::test]
async fn a_smaller_batch_size_makes_more_requests() {
    let server = MockServer::start().await;
    mount(&server, PerId::answering_all()).await;
    let client = builder_for(&server).batch_size(7).build().unwrap();
    let results = client
        .delete_items(
            many_ids(20),
            DeleteType::SoftDelete,
            SendMeetingCancellations::SendToNone,
            AffectedTaskOccurrences::AllOccurrences,
        )
        .await
        .unwrap();
    assert_eq!(results.len(), 20);
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    for size in [0, 101] {
        assert!(builder_for(&server).batch_size(size).build().is_err());
    }
}

#[tokio::test]
async fn a_throttled_chunk_is_retried_and_per_item_errors_stay_with_their_items() {
    let server = MockServer::start().await;
    mount(
        &server,
        PerId {
            failing: vec!["ID150".into(), "ID151".into()],
            throttled: Some("ID120".into()),
            throttles: AtomicUsize::new(0),
        },
    )
    .await;
    let client = builder_for(&server)
        .retry(RetryPolicy::new(
            3,
            Duration::from_millis(1),
            Duration::from_millis(20),
        ))
        .build()
        .unwrap();
    let results = client
        .delete_items(
            many_ids(250),
            DeleteType::HardDelete,
            SendMeetingCancellations::SendToNone,
            AffectedTaskOccurrences::AllOccurrences,
        )
        .await
        .unwrap();
    assert_eq!(results.len(), 250);
    for (i, result) in results.iter().enumerate() {
        if i == 150 || i == 151 {
            assert!(result.as_ref().unwrap_err().is_not_found(), "{i}");
        } else {
            assert!(result.is_ok(), "{i}: {result:?}");
        }
    }
    // The second chunk was sent twice.
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn a_failed_chunk_fails_its_entries_only() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_string_contains("ItemId Id=\"ID100\""))
        .respond_with(ResponseTemplate::new(500).set_body_string("<html>down</html>"))
        .with_priority(1)
        .mount(&server)
        .await;
    mount(&server, PerId::answering_all()).await;
    let client = client_for(&server);
    let results = client
        .get_items(many_ids(250), &ItemShape::new(BaseShape::IdOnly))
        .await
        .unwrap();
    assert_eq!(results.len(), 250);
    assert!(results[..100].iter().all(Result::is_ok));
    assert!(results[200..].iter().all(Result::is_ok));
    for result in &results[100..200] {
        assert!(
            matches!(result, Err(EwsError::HttpStatus { status: 500, .. })),
            "{result:?}"
        );
    }
}

#[tokio::test]
async fn an_authentication_failure_stops_the_batch() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(401).insert_header("WWW-Authenticate", r#"Basic realm="x""#),
        )
        .mount(&server)
        .await;
    let error = client_for(&server)
        .get_items(many_ids(250), &ItemShape::new(BaseShape::IdOnly))
        .await
        .unwrap_err();
    assert!(error.is_authentication_failed(), "{error}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn invalid_entries_are_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    let mut ids = many_ids(150);
    ids[120] = ItemId::new(" ");
    let error = client_for(&server)
        .get_items(ids, &ItemShape::new(BaseShape::IdOnly))
        .await
        .unwrap_err();
    assert!(matches!(error, EwsError::InvalidArgument { .. }), "{error}");
    assert!(server.received_requests().await.unwrap().is_empty());
    let empty = client_for(&server)
        .get_items(vec![], &ItemShape::new(BaseShape::IdOnly))
        .await
        .unwrap();
    assert!(empty.is_empty());
}
