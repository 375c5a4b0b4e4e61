//! The HTTP side: authentication, routing, size limit, refusals answered with SOAP faults,
//! keep-alive, the request log, configuration errors and shutdown.

use crate::support;

use std::time::Duration;

use exchange_testkit::{Error, FakeExchange};
use support::*;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

const DAY: (&str, &str) = ("2024-11-01T00:00:00Z", "2024-11-02T00:00:00Z");

fn challenges(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("www-authenticate")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn missing_or_wrong_credentials_get_401_with_a_basic_challenge() {
    let server = start().await;
    let http = reqwest::Client::new();
    let request = find(DAY.0, DAY.1, None, None, "IdOnly", &[]);
    let anonymous = http
        .post(server.url())
        .body(request.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    let offered = challenges(&anonymous);
    assert!(
        offered.iter().any(|c| c == r#"Basic realm="127.0.0.1""#),
        "{offered:?}"
    );
    for (user, password) in [
        (ALICE.login, "wrong"),
        ("mallory", ALICE.password),
        (ALICE.login, ""),
    ] {
        let wrong = http
            .post(server.url())
            .basic_auth(user, Some(password))
            .body(request.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 401);
        assert!(challenges(&wrong).iter().any(|c| c.starts_with("Basic ")));
    }
    let ntlm = http
        .post(server.url())
        .header(
            "Authorization",
            "NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==",
        )
        .body(request.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(ntlm.status(), 401);
    // Login names are matched without regard to case; passwords are not.
    let upper = http
        .post(server.url())
        .basic_auth("contoso\\ALICE", Some(ALICE.password))
        .body(request.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(upper.status(), 200);

    let rejections: Vec<_> = server
        .logged_requests()
        .into_iter()
        .filter_map(|e| e.rejection)
        .collect();
    assert_eq!(rejections.len(), 5);
    assert_eq!(rejections[0], Error::MissingCredentials);
    assert!(rejections.iter().all(Error::is_unauthorized));
    assert_eq!(
        server.request_count("FindItem"),
        1,
        "refused requests are not read as operations"
    );
    assert_eq!(
        server.logged_requests()[1].request_body,
        request,
        "the log keeps the raw request"
    );
}

#[tokio::test]
async fn only_post_to_the_ews_path_is_served() {
    let server = start().await;
    let http = reqwest::Client::new();
    let get = http
        .get(server.url())
        .basic_auth(ALICE.login, Some(ALICE.password))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 405);
    assert_eq!(get.headers()["allow"], "POST");
    let other = format!("http://{}/owa/", server.addr());
    let missing = http
        .post(other)
        .basic_auth(ALICE.login, Some(ALICE.password))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let lower = format!("http://{}/ews/exchange.asmx", server.addr());
    let request = find(DAY.0, DAY.1, None, None, "IdOnly", &[]);
    let answered = http
        .post(lower)
        .basic_auth(ALICE.login, Some(ALICE.password))
        .body(request)
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 200, "IIS paths are case-insensitive");
    assert_eq!(
        answered.headers()["content-type"],
        "text/xml; charset=utf-8"
    );
}

/// Which refusal a request is expected to get.
type Expected = fn(&Error) -> bool;

#[tokio::test]
async fn refused_requests_get_the_soap_faults_of_exchange() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let valid = find(DAY.0, DAY.1, None, None, "IdOnly", &[]);
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>&lol2;</soap:Body></soap:Envelope>"#;
    let unimplemented = envelope(r#"<m:GetServerTimeZones ReturnFullTimeZoneData="false"/>"#);
    let cases: Vec<(String, &str, Expected)> = vec![
        (valid[..valid.len() / 2].to_owned(), "a:ErrorSchemaValidation", Error::is_malformed),
        (laughs.to_owned(), "a:ErrorSchemaValidation", Error::is_malformed),
        (valid.replace("IdOnly", "Everything"), "a:ErrorSchemaValidation", Error::is_schema_violation),
        ("plain text, not XML".to_owned(), "a:ErrorSchemaValidation", Error::is_malformed),
        ("<html><body/></html>".to_owned(), "a:ErrorSchemaValidation", Error::is_schema_violation),
        (unimplemented.clone(), "a:ErrorInvalidRequest", Error::is_unknown_operation),
        (
            valid.replace("Exchange2013_SP1", "Exchange2099"),
            "a:ErrorInvalidServerVersion",
            |e| matches!(e, Error::InvalidServerVersion(_)),
        ),
        (
            valid.replace(
                "<soap:Header>",
                "<soap:Header><t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>bob@contoso.test</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>",
            ),
            "a:ErrorImpersonateUserDenied",
            |e| matches!(e, Error::ImpersonationDenied),
        ),
    ];
    for (body, code, expected) in &cases {
        let (status, answer) = alice.call_raw(body.clone()).await;
        assert_eq!(status, 500, "{answer}");
        assert_eq!(fault_code(&answer).as_deref(), Some(*code), "{answer}");
        let rejection = server
            .logged_requests()
            .pop()
            .and_then(|e| e.rejection)
            .expect("recorded");
        assert!(expected(&rejection), "{rejection:?}");
    }
    let (_, not_well_formed) = alice.call_raw(valid[..valid.len() / 2].to_owned()).await;
    assert!(first(&not_well_formed, T, "LineNumber").is_some());
    assert!(first(&not_well_formed, T, "Violation").is_some());
    let (_, unknown) = alice.call_raw(unimplemented).await;
    assert_eq!(
        texts(&unknown, "", "faultstring"),
        ["The request is invalid."]
    );
    assert_eq!(server.request_count("GetServerTimeZones"), 2);
    validate(&server, &[valid], 0);
}

#[tokio::test]
async fn oversized_requests_get_413() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let oversized = vec![b' '; exchange_testkit::DEFAULT_MAX_REQUEST_BYTES + 1];
    let (status, _) = alice.call_raw(oversized).await;
    assert_eq!(status, 413);
    assert!(server.logged_requests()[0]
        .rejection
        .as_ref()
        .is_some_and(Error::is_too_large));

    // A chunked body declares no length and is cut off while it is read.
    let small = FakeExchange::builder()
        .user(ALICE.login, ALICE.password, ALICE.smtp)
        .max_request_bytes(1024)
        .start()
        .await
        .unwrap();
    let mut stream = TcpStream::connect(small.addr()).await.unwrap();
    let head = format!(
        "POST /EWS/Exchange.asmx HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {}\r\nTransfer-Encoding: chunked\r\n\r\n",
        basic(ALICE)
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    for _ in 0..4 {
        stream
            .write_all(format!("200\r\n{}\r\n", "x".repeat(0x200)).as_bytes())
            .await
            .unwrap();
    }
    stream.write_all(b"0\r\n\r\n").await.unwrap();
    let (status, _) = read_response(&mut stream).await;
    assert_eq!(status, 413);
    let (status, _) = Client::new(&small, ALICE)
        .call(&find(DAY.0, DAY.1, None, None, "IdOnly", &[]))
        .await;
    assert_eq!(status, 200, "requests under the limit are served");
}

fn basic(account: Account) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{}", account.login, account.password))
}

/// Reads one HTTP/1.1 response with a `Content-Length`.
async fn read_response(stream: &mut TcpStream) -> (u16, String) {
    let mut buffer = Vec::new();
    let mut byte = [0u8; 1];
    while !buffer.ends_with(b"\r\n\r\n") {
        assert_eq!(
            stream.read(&mut byte).await.unwrap(),
            1,
            "the connection stays open"
        );
        buffer.push(byte[0]);
    }
    let head = String::from_utf8(buffer).unwrap();
    let status = head[9..12].parse().unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap())
        })
        .expect("a content length");
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).await.unwrap();
    (status, String::from_utf8(body).unwrap())
}

#[tokio::test]
async fn connections_are_kept_alive() {
    let server = start().await;
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let request = find(DAY.0, DAY.1, None, None, "IdOnly", &[]);
    for _ in 0..3 {
        let message = format!(
            "POST /EWS/Exchange.asmx HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {}\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {}\r\n\r\n{request}",
            basic(ALICE),
            request.len()
        );
        stream.write_all(message.as_bytes()).await.unwrap();
        let (status, body) = read_response(&mut stream).await;
        assert_eq!(status, 200);
        assert_eq!(codes(&body), ["NoError"]);
    }
    assert_eq!(server.request_count("FindItem"), 3);
}

#[tokio::test]
async fn the_builder_refuses_inconsistent_configuration() {
    let unknown = FakeExchange::builder()
        .user(ALICE.login, ALICE.password, ALICE.smtp)
        .delegate("nobody", ALICE.smtp)
        .start()
        .await
        .unwrap_err();
    assert_eq!(unknown.kind(), std::io::ErrorKind::InvalidInput);
    let inner = unknown
        .get_ref()
        .and_then(|e| e.downcast_ref::<Error>())
        .unwrap();
    assert_eq!(inner, &Error::UnknownUser("nobody".into()));
    assert!(inner.is_configuration());
    let no_mailbox = FakeExchange::builder()
        .user(ALICE.login, ALICE.password, ALICE.smtp)
        .delegate(ALICE.smtp, "shared@contoso.test")
        .start()
        .await
        .unwrap_err();
    assert_eq!(no_mailbox.kind(), std::io::ErrorKind::InvalidInput);
    let twice = FakeExchange::builder()
        .user(ALICE.login, ALICE.password, ALICE.smtp)
        .user("other", "pw", "Alice@Contoso.Test")
        .start()
        .await
        .unwrap_err();
    assert!(twice.to_string().contains("twice"), "{twice}");
    let builder = FakeExchange::builder().user(ALICE.login, ALICE.password, ALICE.smtp);
    assert!(
        !format!("{builder:?}").contains(ALICE.password),
        "passwords stay out of Debug"
    );
}

#[tokio::test]
async fn shutdown_and_drop_stop_the_server() {
    let server = start().await;
    let addr = server.addr();
    assert_eq!(server.calendar_len("nobody@contoso.test"), 0);
    let mut idle = TcpStream::connect(addr).await.unwrap();
    server.shutdown().await;
    assert!(TcpStream::connect(addr).await.is_err());
    let mut byte = [0u8; 1];
    let closed = tokio::time::timeout(Duration::from_secs(5), idle.read(&mut byte)).await;
    assert!(
        matches!(closed, Ok(Ok(0)) | Ok(Err(_))),
        "open connections are closed"
    );

    let dropped = start().await;
    let addr = dropped.addr();
    drop(dropped);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn the_envelope_schema_of_the_tests_catches_broken_responses() {
    if exchange_testkit::schema::ews_dir().is_none() {
        exchange_test_support::peer_missing("the EWS schema is missing");
        return;
    }
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let (_, fault) = alice.call_raw("<not-soap/>").await;
    let (_, answer) = alice
        .call(&find(DAY.0, DAY.1, None, None, "IdOnly", &[]))
        .await;
    let without_faultstring = {
        let from = fault.find("<faultstring").unwrap();
        let to = fault.find("</faultstring>").unwrap() + "</faultstring>".len();
        format!("{}{}", &fault[..from], &fault[to..])
    };
    let bad_header = answer.replace("MajorVersion=\"15\"", "MajorVersion=\"fifteen\"");
    let errors = validate_whole_envelopes(&[&fault, &answer]);
    assert!(errors.is_empty(), "{errors:#?}");
    let errors = validate_whole_envelopes(&[&without_faultstring, &bad_header]);
    assert_eq!(
        errors
            .iter()
            .filter(|e| e.contains("fails to validate"))
            .count(),
        2,
        "{errors:#?}"
    );
}
