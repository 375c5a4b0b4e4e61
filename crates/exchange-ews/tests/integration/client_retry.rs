//! The client against a fake EWS endpoint on 127.0.0.1: throttled calls are retried, every
//! other failure is returned at once.

use crate::common;

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use common::*;
use exchange_ews::calendar::{NewCalendarItem, SendMeetingInvitations};
use exchange_ews::client::RetryPolicy;
use exchange_ews::{DistinguishedFolder, EwsClient, EwsError, FolderTarget, ItemId, ResponseCode};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Quick delays without jitter, so that the tests run fast and their timing is known.
pub(crate) fn quick() -> RetryPolicy {
    RetryPolicy::new(4, Duration::from_millis(10), Duration::from_secs(1)).jitter(false)
}

pub(crate) fn busy_fault(back_off_ms: u64) -> String {
    SERVER_BUSY_FAULT.replace(">30000<", &format!(">{back_off_ms}<"))
}

/// `ErrorServerBusy` in the response message rather than as a fault.
fn busy_message(back_off_ms: u64) -> String {
    response(
        "GetItem",
        "Error",
        &format!(
            r#"<m:MessageText>The server cannot service this request right now.</m:MessageText><m:ResponseCode>ErrorServerBusy</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:MessageXml><t:Value Name="BackOffMilliseconds">{back_off_ms}</t:Value></m:MessageXml>"#
        ),
    )
}

pub(crate) fn get_item_success() -> String {
    response(
        "GetItem",
        "Success",
        &format!(
            "<m:ResponseCode>NoError</m:ResponseCode><m:Items>{}</m:Items>",
            calendar_item_xml("AAMk1", "Stand-up")
        ),
    )
}

/// Answers the first `times` requests with `first`, every later one with `then`.
pub(crate) async fn answer_then(
    server: &MockServer,
    times: u64,
    first: ResponseTemplate,
    then: String,
) {
    Mock::given(method("POST"))
        .respond_with(first)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(then, "text/xml"))
        .mount(server)
        .await;
}

pub(crate) fn xml(status: u16, body: String) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body, "text/xml; charset=utf-8")
}

pub(crate) async fn get_item(client: &EwsClient) -> Result<String, EwsError> {
    let item = client.get_calendar_item(&ItemId::new("AAMk1")).await?;
    Ok(item.subject)
}

pub(crate) async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn a_busy_fault_is_retried_after_its_back_off() {
    let server = MockServer::start().await;
    answer_then(&server, 1, xml(500, busy_fault(50)), get_item_success()).await;
    let started = Instant::now();
    assert_eq!(get_item(&client_for(&server)).await.unwrap(), "Stand-up");
    assert!(started.elapsed() >= Duration::from_millis(50));
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_busy_response_message_is_retried_after_its_back_off() {
    let server = MockServer::start().await;
    answer_then(&server, 1, xml(200, busy_message(50)), get_item_success()).await;
    let started = Instant::now();
    assert_eq!(get_item(&client_for(&server)).await.unwrap(), "Stand-up");
    assert!(started.elapsed() >= Duration::from_millis(50));
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_503_or_429_with_retry_after_zero_is_retried() {
    for status in [503, 429] {
        let server = MockServer::start().await;
        let unavailable = ResponseTemplate::new(status)
            .insert_header("Retry-After", "0")
            .set_body_string("Service Unavailable");
        answer_then(&server, 1, unavailable, get_item_success()).await;
        assert_eq!(get_item(&client_for(&server)).await.unwrap(), "Stand-up");
        assert_eq!(requests(&server).await, 2, "{status}");
    }
}

#[tokio::test]
async fn too_many_connections_and_objects_are_retried_with_exponential_back_off() {
    for code in ["ErrorExceededConnectionCount", "ErrorTooManyObjectsOpened"] {
        let server = MockServer::start().await;
        let refused = xml(200, error_response("GetItem", code));
        answer_then(&server, 2, refused, get_item_success()).await;
        let client = builder_for(&server).retry(quick()).build().unwrap();
        let started = Instant::now();
        assert_eq!(get_item(&client).await.unwrap(), "Stand-up", "{code}");
        // 10 ms, then 20 ms: the computed back-off without jitter.
        assert!(started.elapsed() >= Duration::from_millis(30), "{code}");
        assert_eq!(requests(&server).await, 3, "{code}");
    }
}

#[tokio::test]
async fn throttling_is_retried_for_operations_that_change_things() {
    let server = MockServer::start().await;
    let created = response(
        "CreateItem",
        "Success",
        r#"<m:ResponseCode>NoError</m:ResponseCode><m:Items><t:CalendarItem><t:ItemId Id="AAMkNew" ChangeKey="DwAB"/></t:CalendarItem></m:Items>"#,
    );
    answer_then(&server, 1, xml(500, busy_fault(5)), created).await;
    let start = Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap();
    let item = NewCalendarItem {
        subject: "Planning".into(),
        start,
        end: start + chrono::Duration::hours(1),
        is_all_day: false,
        location: None,
        body: None,
        ..Default::default()
    };
    let calendar = FolderTarget::Distinguished(DistinguishedFolder::Calendar);
    let id = client_for(&server)
        .create_calendar_item(&calendar, &item, SendMeetingInvitations::SendToNone)
        .await
        .unwrap();
    assert_eq!(id.id, "AAMkNew");
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_back_off_beyond_the_cap_returns_the_throttled_error_at_once() {
    let server = MockServer::start().await;
    answer_then(&server, 1, xml(500, busy_fault(30_000)), get_item_success()).await;
    let client = builder_for(&server).retry(quick()).build().unwrap();
    let started = Instant::now();
    let err = get_item(&client).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(err.is_throttled(), "{err}");
    assert_eq!(err.back_off(), Some(Duration::from_secs(30)));
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn endless_throttling_ends_after_the_last_attempt_with_the_last_error() {
    let server = MockServer::start().await;
    answer(&server, 500, busy_fault(20)).await;
    let client = builder_for(&server).retry(quick()).build().unwrap();
    let started = Instant::now();
    let err = get_item(&client).await.unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(60));
    assert_eq!(requests(&server).await, 4);
    assert!(err.is_throttled(), "{err}");
    assert_eq!(err.response_code(), Some(&ResponseCode::ErrorServerBusy));
    assert_eq!(err.back_off(), Some(Duration::from_millis(20)));

    let unavailable = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .mount(&unavailable)
        .await;
    let policy = RetryPolicy::new(3, Duration::from_millis(1), Duration::from_millis(5));
    let client = builder_for(&unavailable).retry(policy).build().unwrap();
    let err = get_item(&client).await.unwrap_err();
    assert!(
        matches!(err, EwsError::HttpStatus { status: 503, .. }),
        "{err}"
    );
    assert_eq!(requests(&unavailable).await, 3);
}

#[tokio::test]
async fn authentication_failures_and_other_errors_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(401).insert_header("WWW-Authenticate", r#"Basic realm="x""#),
        )
        .mount(&server)
        .await;
    let err = get_item(&client_for(&server)).await.unwrap_err();
    assert!(err.is_authentication_failed(), "{err}");
    assert_eq!(requests(&server).await, 1);

    for (status, body) in [
        (200, error_response("GetItem", "ErrorItemNotFound")),
        (500, "<html>Internal Server Error</html>".to_owned()),
        (200, "<s:Envelope><s:Body><truncated".to_owned()),
    ] {
        let server = MockServer::start().await;
        answer(&server, status, body.clone()).await;
        let err = get_item(&client_for(&server)).await.unwrap_err();
        assert_eq!(requests(&server).await, 1, "{status} {body}: {err}");
    }
}

#[tokio::test]
async fn no_retry_policy_sends_once() {
    let server = MockServer::start().await;
    answer(&server, 500, busy_fault(1)).await;
    let err = get_item(&client_without_retry(&server)).await.unwrap_err();
    assert!(err.is_throttled(), "{err}");
    assert_eq!(requests(&server).await, 1);
}
