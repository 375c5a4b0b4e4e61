//! The client against a fake EWS endpoint on 127.0.0.1: a throttling answer's back-off holds
//! back the later requests to its mailbox, or to its whole server, of every client that
//! shares the back-off state.

use crate::client_retry::{
    answer_then, busy_fault, get_item, get_item_success, quick, requests, xml,
};
use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use common::*;
use exchange_ews::client::{BackOffScope, BackOffState, Impersonation, RetryPolicy};
use exchange_ews::{EwsClient, EwsError, ResponseCode};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn sharing(server: &MockServer, state: &BackOffState, account: &str) -> EwsClient {
    builder_for(server)
        .retry(quick())
        .back_off_state(state.clone(), account)
        .build()
        .unwrap()
}

/// The error of the first call of a client that shares `state` as `account` and does not retry.
async fn throttled_once(server: &MockServer, state: &BackOffState, account: &str) -> EwsError {
    let first = builder_for(server)
        .retry(RetryPolicy::none())
        .back_off_state(state.clone(), account)
        .build()
        .unwrap();
    get_item(&first).await.unwrap_err()
}

#[tokio::test]
async fn every_client_of_a_throttled_mailbox_waits_for_its_back_off() {
    let server = MockServer::start().await;
    answer_then(&server, 1, xml(500, busy_fault(1000)), get_item_success()).await;
    let state = BackOffState::new();
    let busy = throttled_once(&server, &state, "alice@contoso.test").await;
    let throttled_at = Instant::now();
    assert_eq!(busy.back_off(), Some(Duration::from_secs(1)));

    let waiting: Vec<_> = (0..8)
        .map(|_| {
            let client = sharing(&server, &state, "Alice@Contoso.TEST");
            tokio::spawn(async move { get_item(&client).await })
        })
        .collect();
    // Another mailbox on the same server goes on meanwhile, and nothing else was sent.
    let bob = sharing(&server, &state, "bob@contoso.test");
    assert_eq!(get_item(&bob).await.unwrap(), "Stand-up");
    assert!(throttled_at.elapsed() < Duration::from_secs(1));
    assert_eq!(requests(&server).await, 2);

    for call in waiting {
        assert_eq!(call.await.unwrap().unwrap(), "Stand-up");
    }
    assert!(throttled_at.elapsed() >= Duration::from_millis(950));
    // One throttled answer, then each waiting call once: none was sent into the back-off.
    assert_eq!(requests(&server).await, 10);
}

#[tokio::test]
async fn a_back_off_longer_than_the_call_may_wait_fails_it_without_a_request() {
    let server = MockServer::start().await;
    answer_then(&server, 1, xml(500, busy_fault(30_000)), get_item_success()).await;
    let state = BackOffState::new();
    throttled_once(&server, &state, "alice@contoso.test").await;

    let service = sharing(&server, &state, "svc-portal@contoso.test");
    let as_alice = service
        .impersonating(Impersonation::PrimarySmtpAddress(
            "alice@contoso.test".into(),
        ))
        .unwrap();
    for client in [sharing(&server, &state, "alice@contoso.test"), as_alice] {
        let started = Instant::now();
        let err = get_item(&client).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(err.is_throttled(), "{err}");
        let left = err.back_off().unwrap();
        assert!(
            left <= Duration::from_secs(30) && left > Duration::from_secs(25),
            "{left:?}"
        );
        let EwsError::BackingOff { scope, cause, .. } = &err else {
            panic!("{err}");
        };
        assert_eq!(*scope, BackOffScope::Mailbox);
        assert_eq!(cause.response_code(), Some(&ResponseCode::ErrorServerBusy));
    }
    assert_eq!(requests(&server).await, 1);

    // The service account's own mailbox, and a client with a state of its own, go on.
    assert_eq!(get_item(&service).await.unwrap(), "Stand-up");
    assert_eq!(get_item(&client_for(&server)).await.unwrap(), "Stand-up");
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn every_mailbox_of_an_unavailable_server_is_held_back_but_no_other_server() {
    let server = MockServer::start().await;
    let unavailable = ResponseTemplate::new(503)
        .insert_header("Retry-After", "5")
        .set_body_string("Service Unavailable");
    answer_then(&server, 1, unavailable, get_item_success()).await;
    let other = MockServer::start().await;
    answer(&other, 200, get_item_success()).await;
    let state = BackOffState::new();
    let err = throttled_once(&server, &state, "alice@contoso.test").await;
    assert!(
        matches!(err, EwsError::HttpStatus { status: 503, .. }),
        "{err}"
    );

    let err = get_item(&sharing(&server, &state, "bob@contoso.test"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            EwsError::BackingOff {
                scope: BackOffScope::Server,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.back_off().unwrap() <= Duration::from_secs(5));
    assert_eq!(requests(&server).await, 1);
    let elsewhere = sharing(&other, &state, "bob@contoso.test");
    assert_eq!(get_item(&elsewhere).await.unwrap(), "Stand-up");
}

/// Refuses every request with `ErrorServerBusy` for `window` from the first one, announcing
/// the whole window as the back-off; answers with the item afterwards.
struct BusyFor {
    window: Duration,
    since: Mutex<Option<Instant>>,
    refused: Arc<AtomicUsize>,
}

impl Respond for BusyFor {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let now = Instant::now();
        let since = *self
            .since
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_or_insert(now);
        if now.duration_since(since) < self.window {
            self.refused.fetch_add(1, Ordering::SeqCst);
            let back_off = u64::try_from(self.window.as_millis()).unwrap();
            return xml(500, busy_fault(back_off));
        }
        xml(200, get_item_success())
    }
}

#[tokio::test]
async fn one_clients_concurrent_calls_are_refused_only_while_in_flight() {
    let server = MockServer::start().await;
    let refused = Arc::new(AtomicUsize::new(0));
    Mock::given(method("POST"))
        .respond_with(BusyFor {
            window: Duration::from_millis(200),
            since: Mutex::new(None),
            refused: refused.clone(),
        })
        .mount(&server)
        .await;
    // A client of its own state: its calls wait for one another's back-offs all the same.
    let client = builder_for(&server)
        .retry(quick())
        .max_concurrent_per_mailbox(2)
        .build()
        .unwrap();
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { get_item(&client).await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap(), "Stand-up");
    }
    // Only the requests in flight when the first refusal came back were refused.
    let refused = refused.load(Ordering::SeqCst);
    assert!((1..=2).contains(&refused), "{refused}");
    assert_eq!(requests(&server).await, refused + 8);
}
