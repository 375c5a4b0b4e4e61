//! The client against a fake EWS endpoint on 127.0.0.1: impersonation headers, the affinity
//! cookie and the per-mailbox concurrency limit.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use exchange_ews::client::Impersonation;
use exchange_ews::{EwsClient, EwsError, ItemId};
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const SLOW: Duration = Duration::from_millis(200);

fn get_item_success() -> String {
    response(
        "GetItem",
        "Success",
        &format!(
            "<m:ResponseCode>NoError</m:ResponseCode><m:Items>{}</m:Items>",
            calendar_item_xml("AAMk1", "Stand-up")
        ),
    )
}

async fn get_item(client: &EwsClient) -> Result<(), EwsError> {
    client
        .get_calendar_item(&ItemId::new("AAMk1"))
        .await
        .map(drop)
}

/// Answers after [`SLOW`] and notes when each request arrived and for which mailbox.
#[derive(Clone, Default)]
struct Slow {
    arrivals: Arc<Mutex<Vec<(Instant, String)>>>,
}

impl Respond for Slow {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mailbox = request
            .headers
            .get("X-AnchorMailbox")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("self")
            .to_lowercase();
        self.arrivals
            .lock()
            .unwrap()
            .push((Instant::now(), mailbox));
        ResponseTemplate::new(200)
            .set_body_raw(get_item_success(), "text/xml")
            .set_delay(SLOW)
    }
}

impl Slow {
    /// The most requests of one mailbox that were in flight at once. A request is in flight
    /// from its arrival for the server's delay; the window is a little shorter so that a
    /// request sent the moment its predecessor's answer came is not counted with it.
    /// `None` counts the requests of all mailboxes together.
    fn most_in_flight(&self, mailbox: Option<&str>) -> usize {
        let arrivals = self.arrivals.lock().unwrap();
        let times: Vec<Instant> = arrivals
            .iter()
            .filter(|(_, m)| mailbox.is_none_or(|wanted| m == wanted))
            .map(|(t, _)| *t)
            .collect();
        let window = SLOW - Duration::from_millis(50);
        times
            .iter()
            .map(|t| {
                times
                    .iter()
                    .filter(|u| *u <= t && t.duration_since(**u) < window)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }
}

/// One `GetItem` through each client, all started at once; each must succeed.
async fn get_items_at_once(clients: &[&EwsClient]) {
    let calls: Vec<_> = clients
        .iter()
        .map(|&client| {
            let client = client.clone();
            tokio::spawn(async move { get_item(&client).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
}

async fn slow_server() -> (MockServer, Slow) {
    let server = MockServer::start().await;
    let slow = Slow::default();
    Mock::given(method("POST"))
        .respond_with(slow.clone())
        .mount(&server)
        .await;
    (server, slow)
}

#[tokio::test]
async fn at_most_the_limit_of_requests_per_mailbox_are_in_flight() {
    let (server, slow) = slow_server().await;
    let client = builder_for(&server)
        .max_concurrent_per_mailbox(2)
        .build()
        .unwrap();
    let started = Instant::now();
    get_items_at_once(&[&client; 6]).await;
    assert!(started.elapsed() >= 3 * SLOW, "{:?}", started.elapsed());
    assert!((1..=2).contains(&slow.most_in_flight(Some("self"))));
}

#[tokio::test]
async fn different_mailboxes_proceed_in_parallel() {
    let (server, slow) = slow_server().await;
    let service = builder_for(&server)
        .max_concurrent_per_mailbox(1)
        .build()
        .unwrap();
    let bob = service
        .impersonating(Impersonation::PrimarySmtpAddress("bob@contoso.test".into()))
        .unwrap();
    // Case does not make another mailbox.
    let bob_again = service
        .impersonating(Impersonation::PrimarySmtpAddress("BOB@contoso.test".into()))
        .unwrap();
    let carol = service
        .impersonating(Impersonation::PrimarySmtpAddress(
            "carol@contoso.test".into(),
        ))
        .unwrap();
    let started = Instant::now();
    get_items_at_once(&[&bob, &bob_again, &carol, &carol]).await;
    // Each mailbox has one request in flight at a time, and both have theirs at once.
    assert!(started.elapsed() >= 2 * SLOW, "{:?}", started.elapsed());
    assert_eq!(slow.most_in_flight(None), 2);
    let arrivals = slow.arrivals.lock().unwrap().clone();
    let bobs = arrivals
        .iter()
        .filter(|(_, m)| m == "bob@contoso.test")
        .count();
    assert_eq!(bobs, 2);
    assert_eq!(slow.most_in_flight(Some("bob@contoso.test")), 1);
    assert_eq!(slow.most_in_flight(Some("carol@contoso.test")), 1);
}

#[tokio::test]
async fn each_impersonation_kind_is_sent_in_header_and_body() {
    for (impersonation, element, anchor) in [
        (
            Impersonation::PrimarySmtpAddress("bob@contoso.test".into()),
            "PrimarySmtpAddress",
            "bob@contoso.test",
        ),
        (
            Impersonation::PrincipalName("bob@corp.contoso.test".into()),
            "PrincipalName",
            "bob@corp.contoso.test",
        ),
        (
            Impersonation::Sid("S-1-5-21-1004336348-1177238915-682003330-1104".into()),
            "SID",
            "S-1-5-21-1004336348-1177238915-682003330-1104",
        ),
    ] {
        let server = MockServer::start().await;
        answer(&server, 200, get_item_success()).await;
        let client = builder_for(&server)
            .impersonate(impersonation.clone())
            .build()
            .unwrap();
        assert_eq!(client.impersonation(), Some(&impersonation));
        get_item(&client).await.unwrap();
        let requests = server.received_requests().await.unwrap();
        let request = &requests[0];
        let body = String::from_utf8(request.body.clone()).unwrap();
        let expected = format!(
            r#"<t:RequestServerVersion Version="Exchange2013_SP1"/><t:ExchangeImpersonation><t:ConnectingSID><t:{element}>{anchor}</t:{element}></t:ConnectingSID></t:ExchangeImpersonation></soap:Header>"#
        );
        assert!(body.contains(&expected), "{body}");
        assert_eq!(request.headers.get("X-AnchorMailbox").unwrap(), anchor);
        assert_eq!(
            request.headers.get("X-PreferServerAffinity").unwrap(),
            "true"
        );
        assert_eq!(request.headers.get("Authorization").unwrap(), ALICE_BASIC);
    }
}

#[tokio::test]
async fn without_impersonation_no_routing_headers_are_sent() {
    let server = MockServer::start().await;
    answer(&server, 200, get_item_success()).await;
    let client = client_for(&server);
    assert_eq!(client.impersonation(), None);
    get_item(&client).await.unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    let body = String::from_utf8(request.body.clone()).unwrap();
    assert!(!body.contains("ExchangeImpersonation"), "{body}");
    assert!(request.headers.get("X-AnchorMailbox").is_none());
    assert!(request.headers.get("X-PreferServerAffinity").is_none());
    assert!(request.headers.get("Cookie").is_none());
}

#[tokio::test]
async fn the_affinity_cookie_is_sent_back() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "Set-Cookie",
                    "X-BackEndOverrideCookie=MBX01.contoso.test~1942062522; path=/EWS; secure",
                )
                .set_body_raw(get_item_success(), "text/xml"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(header(
        "Cookie",
        "X-BackEndOverrideCookie=MBX01.contoso.test~1942062522",
    ))
    .respond_with(ResponseTemplate::new(200).set_body_raw(get_item_success(), "text/xml"))
    .expect(2)
    .mount(&server)
    .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(get_item_success(), "text/xml"))
        .with_priority(10)
        .mount(&server)
        .await;
    let client = builder_for(&server)
        .impersonate(Impersonation::PrimarySmtpAddress("bob@contoso.test".into()))
        .build()
        .unwrap();
    get_item(&client).await.unwrap();
    // Clones share the cookie.
    get_item(&client).await.unwrap();
    get_item(&client.clone()).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].headers.get("Cookie").is_none());
    // Another mailbox has its own back-end server, so it starts without the cookie.
    let carol = client
        .impersonating(Impersonation::PrimarySmtpAddress(
            "carol@contoso.test".into(),
        ))
        .unwrap();
    get_item(&carol).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert!(requests[3].headers.get("Cookie").is_none());
}

#[tokio::test]
async fn unusable_impersonations_are_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    answer(&server, 200, get_item_success()).await;
    let client = client_for(&server);
    for bad in [
        Impersonation::PrimarySmtpAddress(String::new()),
        Impersonation::PrincipalName("bob\r\nX-Injected: yes".into()),
        Impersonation::Sid("S".repeat(5000)),
    ] {
        let on_a_client = client.impersonating(bad.clone()).unwrap_err();
        let on_a_builder = builder_for(&server).impersonate(bad).build().unwrap_err();
        for err in [on_a_client, on_a_builder] {
            assert!(
                matches!(
                    err,
                    EwsError::InvalidArgument {
                        argument: "impersonation",
                        ..
                    }
                ),
                "{err}"
            );
        }
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}
