//! What the client logs: bodies under `exchange_ews::wire`, retries, and never credentials.

use crate::common;

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use common::*;
use exchange_ews::client::Impersonation;
use exchange_ews::ItemId;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Writes every event, with its target and fields, into one shared text.
#[derive(Clone, Default)]
struct Capture {
    text: Arc<Mutex<String>>,
    spans: Arc<AtomicU64>,
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut text = self.text.lock().unwrap();
        span.record(&mut Fields(&mut text));
        Id::from_u64(self.spans.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        values.record(&mut Fields(&mut self.text.lock().unwrap()));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut text = self.text.lock().unwrap();
        text.push_str(&format!("\n{}:", event.metadata().target()));
        event.record(&mut Fields(&mut text));
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn bodies_and_retries_are_logged_but_never_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("Retry-After", "0")
                .set_body_string("busy"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    answer(&server, 200, error_response("GetItem", "ErrorItemNotFound")).await;
    let client = builder_for(&server)
        .impersonate(Impersonation::PrimarySmtpAddress("bob@contoso.test".into()))
        .build()
        .unwrap();
    let capture = Capture::default();
    let err = {
        let _default = tracing::subscriber::set_default(capture.clone());
        client
            .get_calendar_item(&ItemId::new("AAMk1"))
            .await
            .unwrap_err()
    };
    assert!(err.is_not_found(), "{err}");
    let text = capture.text.lock().unwrap().clone();
    assert!(text.contains("exchange_ews::wire:"), "{text}");
    assert!(text.contains("ExchangeImpersonation"), "{text}");
    assert!(text.contains("ErrorItemNotFound"), "{text}");
    assert!(text.contains("retrying a throttled request"), "{text}");
    // The request did carry credentials, and the log has none of them.
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].headers.get("Authorization").unwrap(),
        ALICE_BASIC
    );
    let token = ALICE_BASIC.trim_start_matches("Basic ");
    assert!(!text.contains(token), "{text}");
    assert!(
        !text.to_ascii_lowercase().contains("authorization"),
        "{text}"
    );
}
