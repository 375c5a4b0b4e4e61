//! The Autodiscover resolver against fake endpoints on 127.0.0.1: the order of the search,
//! the SRV record and the cache.

use std::sync::Arc;

use async_trait::async_trait;
use exchange_ews::autodiscover::{AutodiscoverProtocol, SrvRecord, SrvResolver};
use exchange_ews::EwsError;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::autodiscover_support;
use autodiscover_support::*;

#[tokio::test]
async fn finds_the_ews_url_at_the_first_endpoint_with_basic_auth() {
    let (first, second) = two_endpoints().await;
    Mock::given(method("POST"))
        .and(path(SVC))
        .and(header("authorization", ALICE_BASIC))
        .and(header("content-type", "text/xml; charset=utf-8"))
        .and(body_string_contains(
            "<a:Mailbox>alice@contoso.test</a:Mailbox>",
        ))
        .and(body_string_contains("<wsa:To>http://127.0.0.1"))
        .respond_with(xml(200, soap_found(EWS_URL)))
        .expect(1)
        .mount(&first)
        .await;
    let found = resolve(&first, &second, ALICE).await.unwrap();
    assert_eq!(found.ews_url, EWS_URL);
    assert_eq!(found.mailbox, ALICE);
    assert_eq!(found.protocol, AutodiscoverProtocol::Soap);
    assert_eq!(found.endpoint, format!("{}{SVC}", first.uri()));
    assert_eq!(found.setting("UserDisplayName"), Some("Alice"));
    assert!(second.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_failing_first_candidate_leads_to_the_second() {
    for status in [404, 500] {
        let (first, second) = two_endpoints().await;
        on(&first, SVC, ResponseTemplate::new(status)).await;
        on(&second, SVC, xml(200, soap_found(EWS_URL))).await;
        let found = resolve(&first, &second, ALICE).await.unwrap();
        assert_eq!(found.endpoint, format!("{}{SVC}", second.uri()), "{status}");
    }
}

#[tokio::test]
async fn pox_answers_when_soap_fails_everywhere() {
    let (first, second) = two_endpoints().await;
    on(&first, SVC, ResponseTemplate::new(500)).await;
    on(&second, SVC, xml(200, "<html>not soap</html>".into())).await;
    Mock::given(method("POST"))
        .and(path(POX))
        .and(body_string_contains(
            "<EMailAddress>alice@contoso.test</EMailAddress>",
        ))
        .and(body_string_contains("outlook/responseschema/2006a"))
        .respond_with(xml(200, pox_found(EWS_URL)))
        .mount(&first)
        .await;
    let found = resolve(&first, &second, ALICE).await.unwrap();
    assert_eq!(found.protocol, AutodiscoverProtocol::Pox);
    assert_eq!(found.ews_url, EWS_URL);
    assert_eq!(found.setting("UserDisplayName"), Some("Alice"));
}

#[tokio::test]
async fn nothing_answering_lists_every_attempt() {
    let (first, second) = two_endpoints().await;
    let error = resolve(&first, &second, ALICE).await.unwrap_err();
    let EwsError::AutodiscoverFailed { address, attempts } = &error else {
        panic!("expected a failed search, got {error:?}");
    };
    assert_eq!(address, ALICE);
    // Two SOAP and two POX candidates, then the SRV name that has no record.
    assert_eq!(attempts.len(), 5, "{error}");
    assert!(attempts[..4]
        .iter()
        .all(|a| matches!(a.failure, EwsError::HttpStatus { status: 404, .. })));
    assert_eq!(attempts[4].url, "_autodiscover._tcp.contoso.test");
    assert!(error.is_autodiscover_failed());
    assert!(error.to_string().contains("HTTP status 404"), "{error}");
}

#[derive(Debug)]
struct FixedSrv(u16);

#[async_trait]
impl SrvResolver for FixedSrv {
    async fn lookup(&self, name: &str) -> Result<Vec<SrvRecord>, EwsError> {
        assert_eq!(name, "_autodiscover._tcp.contoso.test");
        Ok(vec![SrvRecord::new("127.0.0.1.", self.0)])
    }
}

#[tokio::test]
async fn the_srv_record_is_the_last_resort() {
    let (first, second) = two_endpoints().await;
    let srv = MockServer::start().await;
    on(&srv, SVC, xml(200, soap_found(EWS_URL))).await;
    let port = srv.address().port();
    let found = resolve_with(
        builder(&first, &second).srv_resolver(Arc::new(FixedSrv(port))),
        ALICE,
    )
    .await
    .unwrap();
    assert_eq!(found.endpoint, format!("http://127.0.0.1:{port}{SVC}"));
    assert_eq!(first.received_requests().await.unwrap().len(), 2);
    assert_eq!(second.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_second_lookup_comes_from_the_cache() {
    let (first, second) = two_endpoints().await;
    Mock::given(method("POST"))
        .and(path(SVC))
        .respond_with(xml(200, soap_found(EWS_URL)))
        .expect(1)
        .mount(&first)
        .await;
    let resolver = builder(&first, &second).build().unwrap();
    let once = resolver.resolve(ALICE).await.unwrap();
    let twice = resolver
        .clone()
        .resolve("Alice@Contoso.test")
        .await
        .unwrap();
    assert_eq!(once, twice);
    assert_eq!(first.received_requests().await.unwrap().len(), 1);
    resolver.clear_cache();
    first.reset().await;
    on(&first, SVC, xml(200, soap_found(EWS_URL))).await;
    resolver.resolve(ALICE).await.unwrap();
    assert_eq!(first.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_unknown_user_stops_the_search() {
    let (first, second) = two_endpoints().await;
    on(&first, SVC, xml(200, soap_user("InvalidUser", None, &[]))).await;
    let error = resolve(&first, &second, "nobody@contoso.test")
        .await
        .unwrap_err();
    assert!(error.is_user_not_found(), "{error:?}");
    assert!(second.received_requests().await.unwrap().is_empty());
}
