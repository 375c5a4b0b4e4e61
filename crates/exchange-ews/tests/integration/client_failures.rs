//! The client against a fake EWS endpoint on 127.0.0.1: every way a call can fail.

use crate::common;

use std::time::Duration;

use common::*;
use exchange_ews::error::{ConnectFailure, XmlRefusal};
use exchange_ews::{EwsClient, EwsError, ItemId, ResponseCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn get_item(client: &EwsClient) -> EwsError {
    client
        .get_calendar_item(&ItemId::new("AAMk1"))
        .await
        .unwrap_err()
}

/// `err` is a connection failure of this kind.
#[track_caller]
fn assert_connect_failure(err: &EwsError, expected: ConnectFailure) {
    assert!(
        matches!(err, EwsError::Connection { kind, .. } if *kind == expected),
        "{err}"
    );
}

async fn failure(status: u16, body: impl Into<Vec<u8>>) -> EwsError {
    let server = MockServer::start().await;
    answer(&server, status, body).await;
    get_item(&client_without_retry(&server)).await
}

#[tokio::test]
async fn a_401_is_an_authentication_failure() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("WWW-Authenticate", r#"Basic realm="mail.contoso.test""#),
        )
        .mount(&server)
        .await;
    let err = get_item(&client_for(&server)).await;
    assert!(err.is_authentication_failed(), "{err}");
    let EwsError::AuthenticationFailed { source } = &err else {
        unreachable!()
    };
    assert!(source.is_rejected());
    // Basic sends its credentials at once; there is nothing to retry.
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_403_with_a_policy_reason_is_ews_blocked_and_not_retried() {
    let server = MockServer::start().await;
    // A hostile reason: long, with bytes outside ASCII and a tab.
    let mut reason = b"EwsBlockedByTenantPolicy\t".to_vec();
    reason.extend(std::iter::repeat_n(0xE9_u8, 5_000));
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(403)
                .append_header(
                    "X-EWS-Policy-Reason",
                    http::HeaderValue::from_bytes(&reason).unwrap(),
                )
                .set_body_string("<html>Forbidden</html>"),
        )
        .mount(&server)
        .await;
    let err = get_item(&client_for(&server)).await;
    let EwsError::EwsBlocked { reason } = &err else {
        panic!("expected EwsBlocked, got {err:?}")
    };
    assert!(
        reason.starts_with("EwsBlockedByTenantPolicy "),
        "{reason:?}"
    );
    assert!(reason.chars().count() <= 200, "cut short");
    assert!(!reason.chars().any(char::is_control));
    assert!(!err.is_throttled());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    // A 403 without the header is a plain HTTP error.
    let err = failure(403, "<html>Forbidden</html>").await;
    assert!(
        matches!(err, EwsError::HttpStatus { status: 403, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn malformed_and_truncated_xml_are_xml_errors() {
    let err = failure(200, "<s:Envelope><s:Body><oops></s:Body></s:Envelope>").await;
    assert!(matches!(err, EwsError::MalformedXml { .. }), "{err}");
    let complete = response(
        "GetItem",
        "Success",
        "<m:ResponseCode>NoError</m:ResponseCode><m:Items/>",
    );
    let err = failure(200, &complete.as_bytes()[..complete.len() / 2]).await;
    let EwsError::MalformedXml { position, .. } = err else {
        panic!("{err}")
    };
    assert!(position > 0);
}

#[tokio::test]
async fn dtds_and_entities_are_refused() {
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><s:Envelope>&lol2;</s:Envelope>"#;
    let err = failure(200, bomb).await;
    assert!(
        matches!(
            err,
            EwsError::XmlRefused {
                refusal: XmlRefusal::DocumentType,
                ..
            }
        ),
        "{err}"
    );
    let err = failure(200, "<s:Envelope><s:Body>&xxe;</s:Body></s:Envelope>").await;
    assert!(matches!(err, EwsError::MalformedXml { .. }), "{err}");
}

#[tokio::test]
async fn an_error_message_is_a_response_error() {
    let err = failure(200, error_response("GetItem", "ErrorItemNotFound")).await;
    assert!(err.is_not_found(), "{err}");
    let EwsError::Response {
        code, message_text, ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(*code, ResponseCode::ErrorItemNotFound);
    assert_eq!(
        message_text,
        "The specified object was not found in the store."
    );
    // Some front ends send response errors with status 500.
    let err = failure(500, error_response("GetItem", "ErrorAccessDenied")).await;
    assert_eq!(err.response_code(), Some(&ResponseCode::ErrorAccessDenied));
}

#[tokio::test]
async fn a_500_with_html_is_an_http_error() {
    let html = "<html><body><h1>Server Error in '/EWS' Application.</h1>Authorization: Basic YWxpY2U6cHc=</body></html>";
    let err = failure(500, html).await;
    let EwsError::HttpStatus {
        status,
        body_snippet,
        ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(*status, 500);
    assert!(body_snippet.contains("Server Error"), "{body_snippet}");
    assert!(!err.to_string().contains("YWxpY2U6cHc"), "{err}");
    assert!(!err.is_throttled());
    // A SOAP envelope that is no answer to the request does not hide the status either.
    let err = failure(
        500,
        response(
            "FindItem",
            "Success",
            "<m:ResponseCode>NoError</m:ResponseCode>",
        ),
    )
    .await;
    assert!(
        matches!(err, EwsError::HttpStatus { status: 500, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn a_500_with_a_busy_fault_is_throttling() {
    let err = failure(500, SERVER_BUSY_FAULT).await;
    assert!(matches!(err, EwsError::SoapFault { .. }), "{err}");
    assert!(err.is_throttled());
    assert_eq!(err.back_off(), Some(Duration::from_secs(30)));
    assert_eq!(err.response_code(), Some(&ResponseCode::ErrorServerBusy));
    // The same fault with status 200 is still a fault.
    assert!(failure(200, SERVER_BUSY_FAULT).await.is_throttled());
}

#[tokio::test]
async fn a_503_with_retry_after_is_throttling() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("Retry-After", "7")
                .set_body_string("busy"),
        )
        .mount(&server)
        .await;
    let err = get_item(&client_without_retry(&server)).await;
    assert!(err.is_throttled(), "{err}");
    assert_eq!(err.back_off(), Some(Duration::from_secs(7)));
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("Location", "http://127.0.0.1:9/elsewhere"),
        )
        .mount(&server)
        .await;
    let err = get_item(&client_for(&server)).await;
    assert!(
        matches!(err, EwsError::HttpStatus { status: 302, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn an_oversized_body_is_too_large() {
    let server = MockServer::start().await;
    let big = response(
        "GetItem",
        "Success",
        &format!("<!-- {} -->", "x".repeat(4096)),
    );
    answer(&server, 200, big).await;
    let client = EwsClient::builder(&format!("{}{EWS_PATH}", server.uri()))
        .auth(basic())
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let err = get_item(&client).await;
    assert!(
        matches!(err, EwsError::ResponseTooLarge { limit: 1024 }),
        "{err}"
    );
}

#[tokio::test]
async fn a_clone_with_a_lower_response_limit_cuts_its_answers_only() {
    let server = MockServer::start().await;
    let big = response(
        "GetItem",
        "Success",
        &format!("<!-- {} -->", "x".repeat(4096)),
    );
    answer(&server, 200, big).await;
    let client = EwsClient::builder(&format!("{}{EWS_PATH}", server.uri()))
        .auth(basic())
        .max_response_bytes(8192)
        .build()
        .unwrap();
    let err = get_item(&client.with_response_limit(1024)).await;
    assert!(
        matches!(err, EwsError::ResponseTooLarge { limit: 1024 }),
        "{err}"
    );
    // The client's own limit still rules, and is not raised by a larger one.
    let err = get_item(&client.with_response_limit(1 << 30)).await;
    assert!(
        !matches!(err, EwsError::ResponseTooLarge { .. }),
        "the 4 KiB answer fits the client's 8 KiB: {err}"
    );
    let small = EwsClient::builder(&format!("{}{EWS_PATH}", server.uri()))
        .auth(basic())
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let err = get_item(&small.with_response_limit(1 << 30)).await;
    assert!(
        matches!(err, EwsError::ResponseTooLarge { limit: 1024 }),
        "{err}"
    );
}

#[tokio::test]
async fn an_endless_chunked_body_is_cut_off() {
    // A server that announces no length and never stops sending.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = vec![0; 64 * 1024];
        let _ = socket.read(&mut request).await;
        let head =
            "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n";
        socket.write_all(head.as_bytes()).await.unwrap();
        let chunk = format!("2000\r\n{}\r\n", "<a>".repeat(0x2000 / 3) + "xx");
        let mut sent = 0usize;
        // Bounded so that the task ends even if the client kept reading.
        while sent < 16 * 1024 * 1024 {
            if socket.write_all(chunk.as_bytes()).await.is_err() {
                break;
            }
            sent += 0x2000;
        }
        sent
    });
    let client = EwsClient::builder(&format!("http://{address}{EWS_PATH}"))
        .auth(basic())
        .max_response_bytes(64 * 1024)
        .build()
        .unwrap();
    let err = get_item(&client).await;
    assert!(
        matches!(err, EwsError::ResponseTooLarge { limit: 65_536 }),
        "{err}"
    );
    drop(client);
    let sent = server.await.unwrap();
    assert!(
        sent < 16 * 1024 * 1024,
        "the client read everything: {sent} bytes"
    );
}

#[tokio::test]
async fn a_closed_port_is_refused() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = EwsClient::builder(&format!("http://127.0.0.1:{port}{EWS_PATH}"))
        .auth(basic())
        .build()
        .unwrap();
    let err = get_item(&client).await;
    assert!(err.is_unreachable(), "{err}");
    assert_connect_failure(&err, ConnectFailure::Refused);
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = EwsClient::builder(&format!("{}{EWS_PATH}", server.uri()))
        .auth(basic())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = get_item(&client).await;
    assert_connect_failure(&err, ConnectFailure::Timeout);
}

#[tokio::test]
async fn tls_to_a_plain_http_server_is_a_tls_failure() {
    let server = MockServer::start().await;
    let client = EwsClient::builder(&format!("https://{}{EWS_PATH}", server.address()))
        .auth(basic())
        .build()
        .unwrap();
    let err = get_item(&client).await;
    assert_connect_failure(&err, ConnectFailure::Tls);
}

#[tokio::test]
async fn an_answer_that_is_no_soap_is_reported() {
    let err = failure(200, "<html><body>Outlook Web App</body></html>").await;
    assert!(matches!(err, EwsError::NotSoap { .. }), "{err}");
    let err = failure(200, response("FindItem", "Success", "")).await;
    assert!(matches!(err, EwsError::MissingElement { .. }), "{err}");
    let err = failure(200, "").await;
    assert!(err.is_malformed_response(), "{err}");
}
