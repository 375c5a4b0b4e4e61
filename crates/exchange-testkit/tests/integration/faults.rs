//! Injected faults: each answers as described, and only the faulted requests.

use crate::support;

use std::time::{Duration, Instant};

use exchange_testkit::Fault;
use support::*;

fn item() -> NewItem {
    NewItem::new("Faulted", "2024-12-02T10:00:00Z", "2024-12-02T11:00:00Z")
}

#[tokio::test]
async fn malformed_xml_cuts_the_body_and_carries_out_nothing() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    server.inject(Fault::MalformedXml);
    let (status, body) = alice.call(&create(&[item()], None)).await;
    assert_eq!(status, 200);
    assert!(body.starts_with("<?xml"));
    let mut reader = quick_xml::Reader::from_str(&body);
    let broken = loop {
        match reader.read_event() {
            Err(_) => break true,
            Ok(quick_xml::events::Event::Eof) => break false,
            Ok(_) => {}
        }
    };
    assert!(
        broken || !body.contains("</s:Envelope>"),
        "the body is cut off: {body}"
    );
    assert_eq!(server.calendar_len(ALICE.smtp), 0);
    let (_, again) = alice.call(&create(&[item()], None)).await;
    assert_eq!(
        codes(&again),
        ["NoError"],
        "only the next request is faulted"
    );
    validate(&server, &alice.sent(), 1);
}

#[tokio::test]
async fn error_responses_carry_the_code_in_every_message() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let (_, created) = alice.call(&create(&[item(), item()], None)).await;
    let ids: Vec<String> = item_ids(&created).into_iter().map(|(id, _)| id).collect();

    server.inject(Fault::server_busy_response(5000));
    let (status, busy) = alice
        .call(&get(&[&ids[0], &ids[1], "AAMkAD=="], "IdOnly", None, &[]))
        .await;
    assert_eq!(status, 200);
    assert_eq!(codes(&busy), ["ErrorServerBusy"; 3]);
    let value = first(&busy, T, "Value").unwrap();
    assert_eq!(
        (value.attr("Name"), value.text.as_str()),
        (Some("BackOffMilliseconds"), "5000")
    );
    let classes: Vec<_> = nodes(&busy)
        .into_iter()
        .filter(|n| n.name == "GetItemResponseMessage")
        .map(|n| n.attr("ResponseClass").unwrap().to_owned())
        .collect();
    assert_eq!(classes, ["Error"; 3]);

    server.inject(Fault::error_response("ErrorMailboxStoreUnavailable"));
    let (_, unavailable) = alice.call(&create(&[item()], None)).await;
    assert_eq!(codes(&unavailable), ["ErrorMailboxStoreUnavailable"]);
    assert!(first(&unavailable, M, "MessageXml").is_none());
    server.inject(Fault::server_busy_response(10));
    let (_, delete_busy) = alice.call(&delete(&[&ids[0]])).await;
    assert_eq!(codes(&delete_busy), ["ErrorServerBusy"]);
    assert_eq!(
        server.calendar_len(ALICE.smtp),
        2,
        "faulted requests change nothing"
    );

    // A request the fake cannot decode has no messages to carry the code; it gets its
    // normal refusal.
    server.inject(Fault::server_busy_response(10));
    let (status, refused) = alice.call_raw("<not-soap/>").await;
    assert_eq!(
        (status, fault_code(&refused).as_deref()),
        (500, Some("a:ErrorSchemaValidation"))
    );
    assert_eq!(server.pending_faults(), 0);
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn server_busy_fault_is_a_soap_fault_with_back_off() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    server.inject(Fault::ServerBusyFault {
        back_off_ms: 297_749,
    });
    let (status, fault) = alice.call(&create(&[item()], None)).await;
    assert_eq!(status, 500);
    assert_eq!(fault_code(&fault).as_deref(), Some("a:ErrorServerBusy"));
    assert_eq!(
        texts(
            &fault,
            "http://schemas.microsoft.com/exchange/services/2006/errors",
            "ResponseCode"
        ),
        ["ErrorServerBusy"]
    );
    let value = first(&fault, T, "Value").unwrap();
    assert_eq!(
        (value.attr("Name"), value.text.as_str()),
        (Some("BackOffMilliseconds"), "297749")
    );
    assert_eq!(server.calendar_len(ALICE.smtp), 0);
    assert_eq!(
        server.logged_requests()[0].operation.as_deref(),
        Some("CreateItem")
    );
    assert_eq!(
        server.logged_requests()[0].rejection,
        None,
        "injected faults are not refusals"
    );
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn bare_statuses_come_with_an_html_page() {
    let server = start().await;
    let http = reqwest::Client::new();
    let request = create(&[item()], None);
    for (injected, expected) in [(500, 500), (503, 503), (401, 401), (42, 500), (101, 500)] {
        server.inject(Fault::Status(injected));
        let answer = http
            .post(server.url())
            .basic_auth(ALICE.login, Some(ALICE.password))
            .body(request.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), expected);
        assert_eq!(answer.headers()["content-type"], "text/html");
        if expected == 401 {
            assert!(answer
                .headers()
                .get_all("www-authenticate")
                .iter()
                .any(|v| v.to_str().unwrap().starts_with("Basic ")));
        }
        let page = answer.text().await.unwrap();
        assert!(page.contains(&format!("HTTP Error {expected}")), "{page}");
    }
    assert_eq!(server.calendar_len(ALICE.smtp), 0);
}

#[tokio::test]
async fn delay_answers_late_and_normally() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    server.inject(Fault::Delay(Duration::from_millis(300)));
    let started = Instant::now();
    let (status, created) = alice.call(&create(&[item()], None)).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!((status, codes(&created)), (200, vec!["NoError".to_owned()]));
    assert_eq!(
        server.calendar_len(ALICE.smtp),
        1,
        "a delayed request is carried out"
    );
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn disconnect_closes_the_connection_mid_response() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    server.inject(Fault::Disconnect);
    let request = create(&[item()], None);
    let sent = reqwest::Client::new()
        .post(server.url())
        .basic_auth(ALICE.login, Some(ALICE.password))
        .body(request.clone())
        .send()
        .await;
    let outcome = match sent {
        Err(e) => Err(e),
        Ok(response) => response.text().await,
    };
    assert!(
        outcome.is_err(),
        "the client sees the connection break: {outcome:?}"
    );
    assert_eq!(server.calendar_len(ALICE.smtp), 0);
    let (_, created) = alice.call(&request).await;
    assert_eq!(codes(&created), ["NoError"], "the server goes on serving");
    let logged = &server.logged_requests()[0];
    assert!(!logged.response_body.is_empty() && !logged.response_body.ends_with("</s:Envelope>"));
    validate(&server, &alice.sent(), 1);
}

#[tokio::test]
async fn faults_are_consumed_in_order_by_authenticated_requests_only() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    server.inject_n(Fault::Status(503), 2);
    server.inject(Fault::ServerBusyFault { back_off_ms: 1 });
    assert_eq!(server.pending_faults(), 3);
    let anonymous = reqwest::Client::new()
        .post(server.url())
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(server.pending_faults(), 3, "a 401 consumes no fault");
    let request = find(
        "2024-12-01T00:00:00Z",
        "2024-12-31T00:00:00Z",
        None,
        None,
        "IdOnly",
        &[],
    );
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(alice.call(&request).await.0);
    }
    assert_eq!(statuses, [503, 503, 500, 200]);
    assert_eq!(
        server.request_count("FindItem"),
        4,
        "faulted requests are counted too"
    );
    validate(&server, &alice.sent(), 0);
}
