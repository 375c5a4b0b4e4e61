//! Hostile input: random bytes, truncated XML, huge values, deep nesting, broken HTTP. The
//! server answers each with a clear refusal and goes on serving.

use crate::support;

use std::time::Duration;

use exchange_testkit::Error;
use support::*;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// A small deterministic generator, so that failures reproduce.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn byte(&mut self) -> u8 {
        self.next().to_le_bytes()[0]
    }
}

fn assert_schema_fault(status: u16, body: &str) {
    assert_eq!(status, 500, "{body}");
    assert_eq!(
        fault_code(body).as_deref(),
        Some("a:ErrorSchemaValidation"),
        "{body}"
    );
}

#[tokio::test]
async fn random_bytes_get_a_fault_and_never_a_panic() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let mut random = XorShift(0x9E37_79B9_7F4A_7C15);
    for round in 0..150 {
        let length = usize::try_from(random.next() % 3000).unwrap();
        let mut body: Vec<u8> = (0..length).map(|_| random.byte()).collect();
        if round % 2 == 0 {
            // Half of the rounds start like a request, to get deeper into the parser.
            body.splice(0..0, envelope("").bytes().take(200));
        }
        let (status, answer) = alice.call_raw(body).await;
        assert_schema_fault(status, &answer);
    }
    let request = create(
        &[NewItem::new(
            "Still fine",
            "2025-01-02T10:00:00Z",
            "2025-01-02T11:00:00Z",
        )],
        None,
    );
    let (status, _) = alice.call(&request).await;
    assert_eq!(status, 200);
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn every_truncation_of_a_request_is_refused() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let item = NewItem {
        body: Some(("Text", "body ✓".to_owned())),
        ..NewItem::new(
            "Truncated é",
            "2025-01-02T10:00:00Z",
            "2025-01-02T11:00:00Z",
        )
    };
    let request = create(&[item], None).into_bytes();
    for end in (0..request.len()).step_by(9) {
        let (status, answer) = alice.call_raw(request[..end].to_vec()).await;
        assert_schema_fault(status, &answer);
    }
    assert_eq!(server.calendar_len(ALICE.smtp), 0);
    assert!(server
        .logged_requests()
        .iter()
        .filter_map(|e| e.rejection.as_ref())
        .all(Error::is_malformed));
}

#[tokio::test]
async fn huge_values_are_handled() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let huge_id = "A".repeat(4 << 20);
    let (status, answer) = alice.call(&get(&[&huge_id], "IdOnly", None, &[])).await;
    assert_eq!(
        (status, codes(&answer)),
        (200, vec!["ErrorInvalidIdMalformed".to_owned()])
    );

    let huge_subject = "Ünïcode & <markup> ".repeat(50_000);
    let (_, created) = alice
        .call(&create(
            &[NewItem::new(
                &huge_subject,
                "2025-01-02T10:00:00Z",
                "2025-01-02T11:00:00Z",
            )],
            None,
        ))
        .await;
    let id = item_ids(&created).remove(0).0;
    let (_, got) = alice
        .call(&get(&[&id], "IdOnly", None, &["item:Subject"]))
        .await;
    assert_eq!(texts(&got, T, "Subject"), [huge_subject]);

    let huge_date = find(
        &"2".repeat(1 << 20),
        "2025-01-03T00:00:00Z",
        None,
        None,
        "IdOnly",
        &[],
    );
    let (status, answer) = alice.call_raw(huge_date).await;
    assert_schema_fault(status, &answer);
    let huge_max = find(
        "2025-01-01T00:00:00Z",
        "2025-01-03T00:00:00Z",
        None,
        None,
        "IdOnly",
        &[],
    )
    .replace(
        "<m:CalendarView ",
        &format!(
            r#"<m:CalendarView MaxEntriesReturned="{}" "#,
            "9".repeat(10_000)
        ),
    );
    let (status, answer) = alice.call_raw(huge_max).await;
    assert_schema_fault(status, &answer);
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn deep_or_wide_documents_are_refused() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let deep = envelope(&format!(
        "{}{}",
        "<m:x>".repeat(100_000),
        "</m:x>".repeat(100_000)
    ));
    let (status, answer) = alice.call_raw(deep).await;
    assert_schema_fault(status, &answer);
    let ids: String = r#"<t:ItemId Id="x"/>"#.repeat(150_000);
    let wide = envelope(&format!(
        "<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds>{ids}</m:ItemIds></m:GetItem>"
    ));
    let (status, answer) = alice.call_raw(wide).await;
    assert_schema_fault(status, &answer);
    let rejections: Vec<_> = server
        .logged_requests()
        .into_iter()
        .filter_map(|e| e.rejection)
        .collect();
    assert!(
        rejections
            .iter()
            .all(|e| matches!(e, Error::TooComplex { .. })),
        "{rejections:?}"
    );
    for bad in [
        b"<a>\xff\xfe\xfd</a>".to_vec(),
        envelope("&#0;").into_bytes(),
        envelope("\u{1}").into_bytes(),
        envelope("<m:GetItem xmlns:m=''/>").into_bytes(),
        envelope("<undeclared:GetItem/>").into_bytes(),
    ] {
        let (status, answer) = alice.call_raw(bad).await;
        assert_schema_fault(status, &answer);
    }
    validate(&server, &[], 0);
}

#[tokio::test]
async fn broken_http_does_not_stop_the_server() {
    let server = start().await;
    let mut random = XorShift(0xDEAD_BEEF_CAFE_F00D);
    for round in 0..20 {
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        let garbage: Vec<u8> = match round % 4 {
            0 => (0..4096).map(|_| random.byte()).collect(),
            1 => b"POST /EWS/Exchange.asmx HTTP/1.1\r\nContent-Length: -5\r\n\r\n".to_vec(),
            2 => format!(
                "POST /EWS/Exchange.asmx HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {}\r\n\r\n",
                "A".repeat(200_000)
            )
            .into_bytes(),
            _ => b"POST /EWS/Exchange.asmx HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nshort"
                .to_vec(),
        };
        let _ = stream.write_all(&garbage).await;
        let _ = stream.shutdown().await;
        let mut sink = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut sink)).await;
    }
    let alice = Client::new(&server, ALICE);
    let (status, _) = alice
        .call(&find(
            "2025-01-01T00:00:00Z",
            "2025-01-02T00:00:00Z",
            None,
            None,
            "IdOnly",
            &[],
        ))
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn concurrent_clients_get_unique_items() {
    let server = start().await;
    let mut tasks = Vec::new();
    for n in 0..20 {
        let client = Client::new(&server, if n % 2 == 0 { ALICE } else { BOB });
        tasks.push(tokio::spawn(async move {
            let item = NewItem::new(
                &format!("Parallel {n}"),
                "2025-01-02T10:00:00Z",
                "2025-01-02T11:00:00Z",
            );
            let (_, created) = client.call(&create(&[item], Some(ALICE.smtp))).await;
            item_ids(&created).remove(0).0
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 20);
    assert_eq!(server.calendar_len(ALICE.smtp), 20);
}
