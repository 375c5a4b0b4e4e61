//! The client against a fake EWS endpoint on 127.0.0.1: the success path of each operation
//! and the authentication handshake.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{Duration, TimeZone, Utc};
use common::*;
use exchange_auth::{AuthError, AuthStrategy, Challenge, Handshake, Target};
use exchange_ews::calendar::{NewCalendarItem, SendMeetingCancellations, SendMeetingInvitations};
use exchange_ews::items::{Body, BodyType, DeleteType};
use exchange_ews::{DistinguishedFolder, EwsClient, FolderTarget, ItemId};
use http::HeaderValue;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn calendar() -> FolderTarget {
    FolderTarget::Distinguished(DistinguishedFolder::Calendar)
}

#[tokio::test]
async fn finds_calendar_items_with_basic_auth() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(EWS_PATH))
        .and(header("Authorization", ALICE_BASIC))
        .and(header("Content-Type", "text/xml; charset=utf-8"))
        .and(body_string_contains(r#"<t:RequestServerVersion Version="Exchange2013_SP1"/>"#))
        .and(body_string_contains(r#"<m:CalendarView MaxEntriesReturned="10" StartDate="2024-05-01T00:00:00Z" EndDate="2024-05-08T00:00:00Z"/>"#))
        .respond_with(ResponseTemplate::new(200).set_body_raw(find_item_success(), "text/xml; charset=utf-8"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    assert_eq!(client.last_server_version(), None);
    let start = Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).unwrap();
    let view = client
        .find_calendar_items(&calendar(), start, start + Duration::days(7), Some(10))
        .await
        .unwrap();
    assert!(view.includes_last_item_in_range);
    assert_eq!(view.items.len(), 2);
    assert_eq!(view.items[1].subject, "Review & plan");
    assert_eq!(view.items[0].location.as_deref(), Some("Room 1"));
    let version = client.last_server_version().unwrap();
    assert_eq!(
        (
            version.major,
            version.minor,
            version.build,
            version.revision
        ),
        (15, 1, 2507, 6)
    );
    assert_eq!(version.version.as_deref(), Some("V2017_07_11"));
    // Clones share the connection pool and what the server said.
    assert_eq!(client.clone().last_server_version(), Some(version));
}

#[tokio::test]
async fn gets_a_calendar_item_with_its_body() {
    let server = MockServer::start().await;
    let body = response(
        "GetItem",
        "Success",
        &format!(
            "<m:ResponseCode>NoError</m:ResponseCode><m:Items>{}</m:Items>",
            calendar_item_xml("AAMk1", "Stand-up")
        ),
    );
    Mock::given(body_string_contains(
        r#"<m:ItemIds><t:ItemId Id="AAMk1" ChangeKey="DwAA"/></m:ItemIds>"#,
    ))
    .and(body_string_contains(r#"FieldURI="item:Body""#))
    .respond_with(ResponseTemplate::new(200).set_body_raw(body, "text/xml"))
    .expect(1)
    .mount(&server)
    .await;
    let item = client_for(&server)
        .get_calendar_item(&ItemId::new("AAMk1").with_change_key("DwAA"))
        .await
        .unwrap();
    assert_eq!(item.subject, "Stand-up");
    assert_eq!(
        item.body,
        Some(Body {
            kind: BodyType::Html,
            content: "<p>Agenda</p>".into()
        })
    );
    assert_eq!(item.uid.as_deref(), Some("0400000082"));
    assert_eq!(
        item.organizer.unwrap().email.as_deref(),
        Some("alice@contoso.test")
    );
}

#[tokio::test]
async fn creates_a_calendar_item() {
    let server = MockServer::start().await;
    let body = response(
        "CreateItem",
        "Success",
        r#"<m:ResponseCode>NoError</m:ResponseCode><m:Items><t:CalendarItem><t:ItemId Id="AAMkNew" ChangeKey="DwNew"/></t:CalendarItem></m:Items>"#,
    );
    Mock::given(body_string_contains(
        r#"<m:CreateItem SendMeetingInvitations="SendToAllAndSaveCopy">"#,
    ))
    .and(body_string_contains(
        "<t:Subject>Caf\u{e9} &lt;&amp;&gt; \"planning\"</t:Subject>",
    ))
    .respond_with(ResponseTemplate::new(200).set_body_raw(body, "text/xml"))
    .expect(1)
    .mount(&server)
    .await;
    let start = Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap();
    let item = NewCalendarItem {
        subject: "Caf\u{e9} <&> \"planning\"".into(),
        start,
        end: start + Duration::hours(1),
        is_all_day: false,
        location: None,
        body: Some(Body::text("Bring numbers")),
        ..Default::default()
    };
    let id = client_for(&server)
        .create_calendar_item(
            &calendar(),
            &item,
            SendMeetingInvitations::SendToAllAndSaveCopy,
        )
        .await
        .unwrap();
    assert_eq!(id, ItemId::new("AAMkNew").with_change_key("DwNew"));
}

#[tokio::test]
async fn deletes_an_item() {
    let server = MockServer::start().await;
    let body = response(
        "DeleteItem",
        "Success",
        "<m:ResponseCode>NoError</m:ResponseCode>",
    );
    Mock::given(body_string_contains(
        r#"<m:DeleteItem DeleteType="SoftDelete" SendMeetingCancellations="SendOnlyToAll""#,
    ))
    .respond_with(ResponseTemplate::new(200).set_body_raw(body, "text/xml"))
    .expect(1)
    .mount(&server)
    .await;
    client_for(&server)
        .delete_item(
            &ItemId::new("AAMk1"),
            DeleteType::SoftDelete,
            SendMeetingCancellations::SendOnlyToAll,
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn refuses_bad_arguments_without_sending() {
    let server = MockServer::start().await;
    let client = client_for(&server);
    let start = Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).unwrap();
    let err = client
        .find_calendar_items(&calendar(), start, start - Duration::days(1), None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, exchange_ews::EwsError::InvalidArgument { .. }),
        "{err}"
    );
    let err = client
        .delete_item(
            &ItemId::new(""),
            DeleteType::HardDelete,
            SendMeetingCancellations::SendToNone,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, exchange_ews::EwsError::InvalidArgument { .. }),
        "{err}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// A multi-leg scheme like NTLM: no header on the first attempt, then one per challenge.
#[derive(Debug, Default)]
struct Legs {
    challenges_seen: Arc<AtomicUsize>,
}

struct LegsHandshake {
    seen: Arc<AtomicUsize>,
}

#[async_trait]
impl AuthStrategy for Legs {
    fn scheme(&self) -> &'static str {
        "Legs"
    }

    fn is_connection_bound(&self) -> bool {
        true
    }

    async fn begin(&self, _target: &Target) -> Result<Box<dyn Handshake>, AuthError> {
        Ok(Box::new(LegsHandshake {
            seen: self.challenges_seen.clone(),
        }))
    }
}

#[async_trait]
impl Handshake for LegsHandshake {
    async fn initial(&mut self) -> Result<Option<HeaderValue>, AuthError> {
        Ok(None)
    }

    async fn challenge(&mut self, challenges: &[Challenge]) -> Result<HeaderValue, AuthError> {
        assert!(challenges.iter().any(|c| c.is("Legs")), "{challenges:?}");
        let n = self.seen.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(HeaderValue::from_str(&format!("Legs token-{n}")).unwrap())
    }
}

fn legs_client(server: &MockServer, strategy: Legs) -> EwsClient {
    EwsClient::builder(&format!("{}{EWS_PATH}", server.uri()))
        .auth(Arc::new(strategy))
        .build()
        .unwrap()
}

#[tokio::test]
async fn answers_challenges_until_the_server_accepts() {
    let server = MockServer::start().await;
    let ok = response(
        "DeleteItem",
        "Success",
        "<m:ResponseCode>NoError</m:ResponseCode>",
    );
    Mock::given(header("Authorization", "Legs token-2"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(ok, "text/xml"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("WWW-Authenticate", "Legs challenge")
                .set_body_string("denied"),
        )
        .expect(2)
        .mount(&server)
        .await;
    let strategy = Legs::default();
    let seen = strategy.challenges_seen.clone();
    legs_client(&server, strategy)
        .delete_item(
            &ItemId::new("AAMk1"),
            DeleteType::HardDelete,
            SendMeetingCancellations::SendToNone,
        )
        .await
        .unwrap();
    assert_eq!(seen.load(Ordering::SeqCst), 2);
    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].headers.get("Authorization").is_none());
    assert_eq!(
        requests[1].headers.get("Authorization").unwrap(),
        "Legs token-1"
    );
}

#[tokio::test]
async fn gives_up_after_four_legs() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).insert_header("WWW-Authenticate", "Legs again"))
        .mount(&server)
        .await;
    let err = legs_client(&server, Legs::default())
        .get_calendar_item(&ItemId::new("AAMk1"))
        .await
        .unwrap_err();
    assert!(err.is_authentication_failed(), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

fn assert_send<T: Send>(_: &T) {}

#[test]
fn the_client_and_its_futures_can_move_between_threads() {
    fn assert_shareable<T: Send + Sync + Clone + 'static>() {}
    assert_shareable::<EwsClient>();
    let client = EwsClient::builder("http://127.0.0.1:9/EWS/Exchange.asmx")
        .auth(basic())
        .build()
        .unwrap();
    let now = Utc::now();
    let id = ItemId::new("AAMk1");
    let item = NewCalendarItem {
        subject: String::new(),
        start: now,
        end: now,
        is_all_day: false,
        location: None,
        body: None,
        ..Default::default()
    };
    // Futures are only built here, never polled: nothing is sent.
    assert_send(&client.find_calendar_items(&calendar(), now, now, None));
    assert_send(&client.get_calendar_item(&id));
    assert_send(&client.create_calendar_item(
        &calendar(),
        &item,
        SendMeetingInvitations::SendToNone,
    ));
    assert_send(&client.delete_item(
        &id,
        DeleteType::HardDelete,
        SendMeetingCancellations::SendToNone,
    ));
}
