//! A gateway that requires client certificates (mutual TLS).

use mediagateway_api::Unreachable;
use mediagateway_grpc::tls::{ClientTls, ServerTls};
use tempfile::TempDir;

use crate::pki::{Ca, Usage};
use crate::support::{client, fixed_status, serve, status, unreachable_cause, Running};

const LOCAL: [&str; 2] = ["localhost", "127.0.0.1"];

/// A gateway whose certificate and required client CA come from `ca`; and a client trust
/// of that CA.
async fn serve_mutual(dir: &TempDir, ca: &Ca) -> (Running, ClientTls) {
    let (certificate, key) = ca.issue(&LOCAL, Usage::Server).write(dir.path(), "server");
    let tls = ServerTls::from_pem_files(certificate, key)
        .and_then(|tls| tls.require_client_certificates(ca.write(dir.path(), "client-ca")))
        .expect("usable settings");
    assert!(tls.requires_client_certificates());
    let trust = ClientTls::ca_bundle_pem(ca.pem().as_bytes()).expect("a CA bundle");
    (serve(Some(tls)).await, trust)
}

#[tokio::test]
async fn a_client_certificate_from_the_required_ca_is_accepted() {
    let dir = TempDir::new().expect("a temp dir");
    let ca = Ca::new("portal CA");
    let (server, trust) = serve_mutual(&dir, &ca).await;
    let (certificate, key) = ca
        .issue(&["portal"], Usage::Client)
        .write(dir.path(), "portal");
    let tls = trust.client_certificate(certificate, key).expect("usable");
    let reply = status(&client(server.address, Some(tls))).await;
    assert_eq!(reply.expect("the client is accepted"), fixed_status());
    assert_eq!(server.api.calls(), 1);
}

/// The gateway refuses the client after the client has finished its side of a TLS 1.3
/// handshake, with an alert: a TLS failure, not a certificate this client distrusts.
#[tokio::test]
async fn a_client_without_a_certificate_is_refused() {
    let dir = TempDir::new().expect("a temp dir");
    let (server, trust) = serve_mutual(&dir, &Ca::new("portal CA")).await;
    let result = status(&client(server.address, Some(trust))).await;
    assert_eq!(unreachable_cause(result), Unreachable::Tls);
    assert_eq!(server.api.calls(), 0);
}

#[tokio::test]
async fn a_client_certificate_from_another_ca_is_refused() {
    let dir = TempDir::new().expect("a temp dir");
    let (server, trust) = serve_mutual(&dir, &Ca::new("portal CA")).await;
    let stranger = Ca::new("another CA");
    let (certificate, key) = stranger
        .issue(&["portal"], Usage::Client)
        .write(dir.path(), "stranger");
    let tls = trust.client_certificate(certificate, key).expect("usable");
    let result = status(&client(server.address, Some(tls))).await;
    assert_eq!(unreachable_cause(result), Unreachable::Tls);
    assert_eq!(server.api.calls(), 0);
}
