//! What a TLS client trusts: a pinned fingerprint or a CA bundle; every certificate that fails
//! verification is `CertificateNotTrusted`, and no call reaches the API.

use mediagateway_api::Unreachable;
use mediagateway_grpc::tls::{ClientTls, ServerTls};
use tempfile::TempDir;

use crate::pki::{self, Ca, Issued, Usage};
use crate::support::{client, fixed_status, serve, status, unreachable_cause, Running};

const LOCAL: [&str; 2] = ["localhost", "127.0.0.1"];

async fn serve_certificate(dir: &TempDir, issued: &Issued) -> Running {
    let (certificate, key) = issued.write(dir.path(), "server");
    let tls = ServerTls::from_pem_files(certificate, key).expect("the test certificate is usable");
    serve(Some(tls)).await
}

/// Calls `server` trusting `tls` and expects the certificate to be refused before any call.
async fn assert_not_trusted(server: &Running, tls: ClientTls) {
    let result = status(&client(server.address, Some(tls))).await;
    assert_eq!(
        unreachable_cause(result),
        Unreachable::CertificateNotTrusted
    );
    assert_eq!(server.api.calls(), 0);
}

#[tokio::test]
async fn a_pinned_fingerprint_that_matches_is_trusted() {
    let dir = TempDir::new().expect("a temp dir");
    let issued = pki::self_signed(&["gateway.invalid"]);
    let server = serve_certificate(&dir, &issued).await;
    let server_tls = ServerTls::from_pem_files(
        dir.path().join("server-cert.pem"),
        dir.path().join("server-key.pem"),
    )
    .expect("usable");
    assert_eq!(issued.fingerprint(dir.path()), server_tls.fingerprint());
    // Neither the name nor the issuer matters to a pin.
    let pinned = ClientTls::pinned_fingerprint(server_tls.fingerprint()).expect("a fingerprint");
    let reply = status(&client(server.address, Some(pinned))).await;
    assert_eq!(
        reply.expect("the pinned certificate is trusted"),
        fixed_status()
    );
    assert_eq!(server.api.calls(), 1);
}

#[tokio::test]
async fn another_fingerprint_is_not_trusted() {
    let dir = TempDir::new().expect("a temp dir");
    let server = serve_certificate(&dir, &pki::self_signed(&LOCAL)).await;
    let other = pki::self_signed(&LOCAL).fingerprint(dir.path());
    let pinned = ClientTls::pinned_fingerprint(&other).expect("a fingerprint");
    assert_not_trusted(&server, pinned).await;
}

#[tokio::test]
async fn an_expired_pinned_certificate_is_not_trusted() {
    let dir = TempDir::new().expect("a temp dir");
    let issued = pki::self_signed_expired(&LOCAL);
    let server = serve_certificate(&dir, &issued).await;
    let pinned =
        ClientTls::pinned_fingerprint(&issued.fingerprint(dir.path())).expect("a fingerprint");
    assert_not_trusted(&server, pinned).await;
}

#[tokio::test]
async fn a_certificate_from_the_ca_bundle_is_trusted() {
    let dir = TempDir::new().expect("a temp dir");
    let ca = Ca::new("gateway CA");
    let server = serve_certificate(&dir, &ca.issue(&LOCAL, Usage::Server)).await;
    let bundle = ClientTls::ca_bundle_file(ca.write(dir.path(), "ca")).expect("a CA bundle");
    let reply = status(&client(server.address, Some(bundle))).await;
    assert_eq!(reply.expect("the CA is trusted"), fixed_status());
    // The same bundle given as bytes.
    let bundle = ClientTls::ca_bundle_pem(ca.pem().as_bytes()).expect("a CA bundle");
    let reply = status(&client(server.address, Some(bundle))).await;
    assert_eq!(reply.expect("the CA is trusted"), fixed_status());
    assert_eq!(server.api.calls(), 2);
}

#[tokio::test]
async fn a_certificate_from_another_ca_is_not_trusted() {
    let dir = TempDir::new().expect("a temp dir");
    let ca = Ca::new("gateway CA");
    let server = serve_certificate(&dir, &ca.issue(&LOCAL, Usage::Server)).await;
    let other = Ca::new("another CA");
    let bundle = ClientTls::ca_bundle_pem(other.pem().as_bytes()).expect("a CA bundle");
    assert_not_trusted(&server, bundle).await;
    // Nor do the public roots know a test CA.
    assert_not_trusted(&server, ClientTls::public_roots()).await;
}

#[tokio::test]
async fn an_expired_certificate_is_not_trusted() {
    let dir = TempDir::new().expect("a temp dir");
    let ca = Ca::new("gateway CA");
    let server = serve_certificate(&dir, &ca.issue_expired(&LOCAL)).await;
    let bundle = ClientTls::ca_bundle_pem(ca.pem().as_bytes()).expect("a CA bundle");
    assert_not_trusted(&server, bundle).await;
}

#[tokio::test]
async fn a_certificate_for_another_host_is_not_trusted() {
    let dir = TempDir::new().expect("a temp dir");
    let ca = Ca::new("gateway CA");
    let server = serve_certificate(&dir, &ca.issue(&["gateway.invalid"], Usage::Server)).await;
    let bundle = || ClientTls::ca_bundle_pem(ca.pem().as_bytes()).expect("a CA bundle");
    assert_not_trusted(&server, bundle()).await;
    // With the certificate's name as the server name, the same certificate is trusted.
    let named = bundle().server_name("gateway.invalid");
    let reply = status(&client(server.address, Some(named))).await;
    assert_eq!(reply.expect("the name matches"), fixed_status());
}

#[test]
fn a_tls_client_builds_outside_a_runtime_and_checks_its_server_name() {
    let pinned = || ClientTls::pinned_fingerprint(&"AB".repeat(32)).expect("a fingerprint");
    mediagateway_grpc::GrpcClient::builder("127.0.0.1", mediagateway_grpc::DEFAULT_TLS_PORT)
        .tls(pinned())
        .build()
        .expect("no runtime is needed to build");
    let result = mediagateway_grpc::GrpcClient::builder("127.0.0.1", 9087)
        .tls(pinned().server_name("not a name!"))
        .build();
    assert!(
        matches!(
            result,
            Err(mediagateway_api::ApiError::InvalidArgument { .. })
        ),
        "{result:?}"
    );
}
