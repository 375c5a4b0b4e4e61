//! TLS and plain HTTP/2 never mix, and TLS keeps what handlers know of their peer.

use std::convert::Infallible;
use std::task::{Context, Poll};

use mediagateway_api::{ApiError, Unreachable};
use mediagateway_grpc::tls::{self, ClientTls, ServerTls};
use tempfile::TempDir;
use tokio::net::TcpListener;
use tonic::body::Body;
use tonic::codegen::http;
use tonic::codegen::Service;
use tonic::server::NamedService;

use crate::pki;
use crate::support::{client, serve, status, unreachable_cause};

fn server_tls(dir: &TempDir) -> ServerTls {
    let (certificate, key) =
        pki::self_signed(&["localhost", "127.0.0.1"]).write(dir.path(), "server");
    ServerTls::from_pem_files(certificate, key).expect("usable")
}

#[tokio::test]
async fn a_tls_client_fails_against_a_plain_server() {
    let dir = TempDir::new().expect("a temp dir");
    let server = serve(None).await;
    let pinned = ClientTls::pinned_fingerprint(server_tls(&dir).fingerprint()).expect("valid");
    let result = status(&client(server.address, Some(pinned))).await;
    assert_eq!(unreachable_cause(result), Unreachable::Tls);
    assert_eq!(server.api.calls(), 0);
}

#[tokio::test]
async fn a_plain_client_fails_against_a_tls_server() {
    let dir = TempDir::new().expect("a temp dir");
    let server = serve(Some(server_tls(&dir))).await;
    // A plain client cannot tell that the port speaks TLS: it sees the connection closed.
    let result = status(&client(server.address, None)).await;
    assert_eq!(unreachable_cause(result), Unreachable::Other);
    assert_eq!(server.api.calls(), 0);
}

/// Answers every call of the admin service with an error naming the caller's address, as
/// `Request::remote_addr` gives it.
#[derive(Clone)]
struct PeerProbe;

impl NamedService for PeerProbe {
    const NAME: &'static str = "mediagateway.v1.Admin";
}

impl Service<http::Request<Body>> for PeerProbe {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let peer = tonic::Request::from_http(request).remote_addr();
        let message = match peer {
            Some(peer) => format!("peer {peer}"),
            None => "no peer address".to_owned(),
        };
        std::future::ready(Ok(tonic::Status::internal(message).into_http()))
    }
}

#[tokio::test]
async fn handlers_see_the_peer_address_over_tls() {
    let dir = TempDir::new().expect("a temp dir");
    let tls = server_tls(&dir);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let address = listener.local_addr().expect("bound");
    // The probe in the admin service's place, served as composed routes are.
    let routes = tonic::service::Routes::new(PeerProbe);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = {
        let tls = tls.clone();
        tokio::spawn(async move {
            tls::serve(routes, listener, &tls, async {
                let _ = stopped.await;
            })
            .await
        })
    };
    let pinned = ClientTls::pinned_fingerprint(tls.fingerprint()).expect("valid");
    let detail = match status(&client(address, Some(pinned))).await {
        Err(ApiError::Protocol { detail }) => detail,
        other => panic!("expected the probe's answer, got {other:?}"),
    };
    let peer: std::net::SocketAddr = detail
        .rsplit(' ')
        .next()
        .and_then(|peer| peer.parse().ok())
        .unwrap_or_else(|| panic!("no peer address in {detail:?}"));
    assert_eq!(peer.ip(), address.ip());
    assert_ne!(peer.port(), address.port());
    let _ = stop.send(());
    serving
        .await
        .expect("the server task does not panic")
        .expect("the server stops cleanly");
}
