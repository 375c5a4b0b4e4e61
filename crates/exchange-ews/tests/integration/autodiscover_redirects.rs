//! The Autodiscover resolver against fake endpoints on 127.0.0.1: redirects, refused URLs
//! and unusable answers.

use std::sync::Arc;
use std::time::Duration;

use exchange_ews::autodiscover::Autodiscover;
use exchange_ews::EwsError;
use wiremock::{MockServer, ResponseTemplate};

use crate::autodiscover_support;
use autodiscover_support::*;

#[tokio::test]
async fn a_redirect_address_starts_over_with_the_new_address() {
    let (first, second) = two_endpoints().await;
    on_body(
        &first,
        SVC,
        ALICE,
        soap_redirect("RedirectAddress", "alice@fabrikam.test"),
    )
    .await;
    on_body(
        &first,
        SVC,
        "<a:Mailbox>alice@fabrikam.test</a:Mailbox>",
        xml(200, soap_found(EWS_URL)),
    )
    .await;
    let found = resolve(&first, &second, ALICE).await.unwrap();
    assert_eq!(found.mailbox, "alice@fabrikam.test");
    assert_eq!(found.ews_url, EWS_URL);
}

#[tokio::test]
async fn a_redirect_url_is_followed() {
    let (first, second) = two_endpoints().await;
    let elsewhere = format!("{}/elsewhere/autodiscover.svc", second.uri());
    on(&first, SVC, soap_redirect("RedirectUrl", &elsewhere)).await;
    on_body(
        &second,
        "/elsewhere/autodiscover.svc",
        format!("<wsa:To>{elsewhere}</wsa:To>"),
        xml(200, soap_found(EWS_URL)),
    )
    .await;
    let found = resolve(&first, &second, ALICE).await.unwrap();
    assert_eq!(found.endpoint, elsewhere);
}

#[tokio::test]
async fn an_http_redirect_is_followed() {
    let (first, second) = two_endpoints().await;
    on(&first, SVC, http_redirect(302, "/moved/autodiscover.svc")).await;
    on(
        &first,
        "/moved/autodiscover.svc",
        xml(200, soap_found(EWS_URL)),
    )
    .await;
    let found = resolve(&first, &second, ALICE).await.unwrap();
    assert_eq!(
        found.endpoint,
        format!("{}/moved/autodiscover.svc", first.uri())
    );
}

#[tokio::test]
async fn redirects_are_bounded() {
    let (first, second) = two_endpoints().await;
    for i in 0..5 {
        let next = format!("u{}@contoso.test", i + 1);
        on_body(
            &first,
            SVC,
            format!("<a:Mailbox>u{i}@contoso.test<"),
            soap_redirect("RedirectAddress", &next),
        )
        .await;
    }
    let error = resolve_with(builder(&first, &second).max_redirects(3), "u0@contoso.test")
        .await
        .unwrap_err();
    let EwsError::TooManyRedirects { limit, chain } = &error else {
        panic!("expected too many redirects, got {error:?}");
    };
    assert_eq!(*limit, 3);
    assert_eq!(
        chain,
        &[
            "u0@contoso.test",
            "u1@contoso.test",
            "u2@contoso.test",
            "u3@contoso.test",
            "u4@contoso.test"
        ]
    );
    assert!(error
        .to_string()
        .contains("u0@contoso.test -> u1@contoso.test"));
}

/// The error of a search whose first SOAP endpoint sends the address elsewhere and nothing
/// else answers.
async fn error_of_an_address_redirect(target: &str) -> EwsError {
    let (first, second) = two_endpoints().await;
    on(&first, SVC, soap_redirect("RedirectAddress", target)).await;
    resolve(&first, &second, ALICE).await.unwrap_err()
}

#[tokio::test]
async fn redirect_loops_are_detected() {
    let (first, second) = two_endpoints().await;
    let back = format!("{}{SVC}", first.uri());
    let there = format!("{}/there.svc", second.uri());
    on(&first, SVC, soap_redirect("RedirectUrl", &there)).await;
    on(&second, "/there.svc", soap_redirect("RedirectUrl", &back)).await;
    let error = resolve(&first, &second, ALICE).await.unwrap_err();
    let EwsError::RedirectLoop { chain } = &error else {
        panic!("expected a loop, got {error:?}");
    };
    assert_eq!(chain, &[ALICE.to_owned(), there, back]);

    let error = error_of_an_address_redirect("ALICE@contoso.test").await;
    assert!(matches!(error, EwsError::RedirectLoop { .. }), "{error:?}");
}

#[tokio::test]
async fn http_is_refused_without_the_development_option() {
    let server = MockServer::start().await;
    let uri = server.uri();
    let resolver = Autodiscover::builder()
        .auth(basic())
        .base_url(Arc::new(move |_: &str| uri.clone()))
        .build()
        .unwrap();
    let error = resolver.resolve(ALICE).await.unwrap_err();
    assert!(error.is_insecure_url(), "{error:?}");
    assert!(server.received_requests().await.unwrap().is_empty());

    // With the option, an answer that redirects to a non-http(s) scheme is still refused.
    let (first, second) = two_endpoints().await;
    on(&first, SVC, http_redirect(301, "ftp://evil.test/x")).await;
    let error = resolve(&first, &second, ALICE).await.unwrap_err();
    assert!(matches!(error, EwsError::InsecureUrl { ref url } if url == "ftp://evil.test/x"));
}

#[tokio::test]
async fn unusable_answers_are_recorded_and_skipped() {
    let (first, second) = two_endpoints().await;
    // No EWS URL at all, then a server error code, then a POX error, then an http EWS URL
    // that is fine only because of the development option.
    on(
        &first,
        SVC,
        xml(200, soap_user("NoError", None, &[("UserDN", "x")])),
    )
    .await;
    on(&second, SVC, xml(200, soap_user("ServerBusy", None, &[]))).await;
    let pox_error = r#"<Autodiscover><Response><Error><ErrorCode>600</ErrorCode><Message>Invalid Request</Message></Error></Response></Autodiscover>"#;
    on(&first, POX, xml(200, pox_error.into())).await;
    on(
        &second,
        POX,
        xml(200, pox_found("http://mail.contoso.test/EWS/Exchange.asmx")),
    )
    .await;
    let found = resolve(&first, &second, ALICE).await.unwrap();
    assert_eq!(found.ews_url, "http://mail.contoso.test/EWS/Exchange.asmx");

    let (first, second) = two_endpoints().await;
    on(&first, SVC, xml(200, soap_user("ServerBusy", None, &[]))).await;
    on(&first, POX, xml(200, pox_error.into())).await;
    let text = resolve(&first, &second, ALICE)
        .await
        .unwrap_err()
        .to_string();
    assert!(text.contains("Autodiscover answered ServerBusy"), "{text}");
    assert!(
        text.contains("Autodiscover answered 600: Invalid Request"),
        "{text}"
    );
}

#[tokio::test]
async fn oversized_answers_and_bad_redirects_are_typed_errors() {
    let (first, second) = two_endpoints().await;
    on(&first, SVC, xml(200, "x".repeat(4096))).await;
    on(&second, SVC, ResponseTemplate::new(302)).await;
    on(
        &first,
        POX,
        soap_redirect("RedirectAddress", "not an address"),
    )
    .await;
    let error = resolve_with(builder(&first, &second).max_response_bytes(1024), ALICE)
        .await
        .unwrap_err();
    let EwsError::AutodiscoverFailed { attempts, .. } = &error else {
        panic!("expected a failed search, got {error:?}");
    };
    assert!(matches!(
        attempts[0].failure,
        EwsError::ResponseTooLarge { limit: 1024 }
    ));
    assert!(matches!(
        attempts[1].failure,
        EwsError::InvalidAutodiscoverResponse { .. }
    ));

    let error = error_of_an_address_redirect("not an address").await;
    assert!(
        matches!(error, EwsError::InvalidAutodiscoverResponse { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn the_builder_and_resolve_refuse_bad_input() {
    let argument = |result: Result<Autodiscover, EwsError>| match result {
        Err(EwsError::InvalidArgument { argument, .. }) => argument,
        other => panic!("expected an invalid argument, got {other:?}"),
    };
    assert_eq!(argument(Autodiscover::builder().build()), "auth");
    let with_auth = || Autodiscover::builder().auth(basic());
    assert_eq!(
        argument(with_auth().timeout(Duration::ZERO).build()),
        "timeout"
    );
    assert_eq!(
        argument(with_auth().max_response_bytes(0).build()),
        "max_response_bytes"
    );
    assert_eq!(
        argument(with_auth().requested_settings(vec![]).build()),
        "settings"
    );
    let resolver = with_auth().build().unwrap();
    for bad in ["", "nobody", "a@b/c", "a@evil.test:1"] {
        let error = resolver.resolve(bad).await.unwrap_err();
        assert!(
            matches!(
                error,
                EwsError::InvalidArgument {
                    argument: "address",
                    ..
                }
            ),
            "{bad}"
        );
    }
    let printed = format!("{:?}", with_auth().allow_insecure_http());
    assert!(
        printed.contains("Basic") && !printed.contains("pw\""),
        "{printed}"
    );
    assert!(format!("{resolver:?}").contains("NoSrvRecords"));
}
