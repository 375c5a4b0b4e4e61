//! The health service and server reflection: served on the plain and the TLS listener alike,
//! without a credential, and never reaching the gateway API.

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use mediagateway_grpc::tls::ServerTls;
use tempfile::TempDir;
use tokio::net::TcpStream;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_stream::StreamExt;
use tonic::codegen::http::Uri;
use tonic::codegen::Service;
use tonic::transport::{Channel, Endpoint};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;
use tonic_reflection::pb::{v1, v1alpha};

use crate::support::{serve, Running};

const AREAS: [&str; 5] = [
    "mediagateway.v1.Admin",
    "mediagateway.v1.Sessions",
    "mediagateway.v1.Calendar",
    "mediagateway.v1.Tables",
    "mediagateway.v1.Directory",
];

/// Connects to the server over TLS, trusting only the certificate in one PEM file, by the
/// name `localhost`.
#[derive(Clone)]
struct TrustingOne {
    address: SocketAddr,
    tls: tokio_rustls::TlsConnector,
}

impl TrustingOne {
    fn new(address: SocketAddr, certificate: &Path) -> Self {
        let mut roots = RootCertStore::empty();
        roots
            .add(CertificateDer::from_pem_file(certificate).expect("a PEM certificate"))
            .expect("a usable certificate");
        let mut config = ClientConfig::builder_with_provider(Arc::new(ring::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("ring supports the default versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec()];
        Self {
            address,
            tls: tokio_rustls::TlsConnector::from(Arc::new(config)),
        }
    }
}

impl Service<Uri> for TrustingOne {
    type Response = TokioIo<tokio_rustls::client::TlsStream<TcpStream>>;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Uri) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            let tcp = TcpStream::connect(this.address).await?;
            let name = ServerName::try_from("localhost").expect("a DNS name");
            Ok(TokioIo::new(this.tls.connect(name, tcp).await?))
        })
    }
}

/// A server with TLS (the self-signed certificate of `dir`) or without, and a channel to it.
async fn served(dir: &TempDir, with_tls: bool) -> (Running, Channel) {
    let endpoint = |address: SocketAddr| {
        Endpoint::from_shared(format!("http://{address}")).expect("a valid URI")
    };
    if with_tls {
        let tls = ServerTls::self_signed_in(dir.path()).expect("a self-signed certificate");
        let certificate = ServerTls::self_signed(dir.path()).certificate_path();
        let server = serve(Some(tls)).await;
        let connector = TrustingOne::new(server.address, &certificate);
        let channel = endpoint(server.address)
            .connect_with_connector(connector)
            .await
            .expect("a TLS connection");
        (server, channel)
    } else {
        let server = serve(None).await;
        let channel = endpoint(server.address)
            .connect()
            .await
            .expect("a connection");
        (server, channel)
    }
}

async fn check(channel: &Channel, service: &str) -> Result<ServingStatus, tonic::Status> {
    let reply = HealthClient::new(channel.clone())
        .check(HealthCheckRequest {
            service: service.to_owned(),
        })
        .await?;
    Ok(reply.into_inner().status())
}

#[tokio::test]
async fn health_is_serving_for_the_server_and_each_area_over_plain_and_tls() {
    for with_tls in [false, true] {
        let dir = TempDir::new().expect("a temp dir");
        let (server, channel) = served(&dir, with_tls).await;
        for service in std::iter::once("").chain(AREAS) {
            let status = check(&channel, service).await;
            assert_eq!(
                status.expect("known names are answered"),
                ServingStatus::Serving,
                "{service:?}, TLS {with_tls}"
            );
        }
        let unknown = check(&channel, "mediagateway.v1.Contacts").await;
        assert_eq!(
            unknown.expect_err("unknown names are refused").code(),
            tonic::Code::NotFound,
            "TLS {with_tls}"
        );
        assert_eq!(server.api.calls(), 0, "health never reaches the API");
    }
}

#[tokio::test]
async fn a_health_watch_ends_with_not_serving_when_the_server_stops() {
    let dir = TempDir::new().expect("a temp dir");
    let (server, channel) = served(&dir, false).await;
    let mut health = HealthClient::new(channel);
    let mut watch = health
        .watch(HealthCheckRequest {
            service: AREAS[2].to_owned(),
        })
        .await
        .expect("a watch")
        .into_inner();
    let first = watch
        .next()
        .await
        .expect("a first status")
        .expect("a reply");
    assert_eq!(first.status(), ServingStatus::Serving);
    let mut unknown = health
        .watch(HealthCheckRequest {
            service: "nothing".to_owned(),
        })
        .await
        .expect("a watch of an unknown name")
        .into_inner();
    let first = unknown
        .next()
        .await
        .expect("a first status")
        .expect("a reply");
    assert_eq!(first.status(), ServingStatus::ServiceUnknown);

    // The open watches must not hold the graceful shutdown: the guard is against a hang.
    let stopped = tokio::time::timeout(Duration::from_secs(30), server.stop()).await;
    stopped
        .expect("the server stops with watches open")
        .expect("serving ends cleanly");
    let last = watch.next().await.expect("a last status").expect("a reply");
    assert_eq!(last.status(), ServingStatus::NotServing);
    assert!(watch.next().await.is_none(), "the watch ends");
    assert!(
        unknown.next().await.is_none(),
        "the unknown name's watch ends"
    );
}

/// The services reflection lists, through the v1 protocol.
async fn listed_v1(channel: &Channel) -> Vec<String> {
    use v1::server_reflection_request::MessageRequest;
    use v1::server_reflection_response::MessageResponse;
    let request = v1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut replies = v1::server_reflection_client::ServerReflectionClient::new(channel.clone())
        .server_reflection_info(tokio_stream::once(request))
        .await
        .expect("reflection is served")
        .into_inner();
    let reply = replies.next().await.expect("a reply").expect("a listing");
    match reply.message_response {
        Some(MessageResponse::ListServicesResponse(list)) => {
            list.service.into_iter().map(|s| s.name).collect()
        }
        other => panic!("expected a list of services, got {other:?}"),
    }
}

/// The same through the older v1alpha protocol, which many tools still speak.
async fn listed_v1alpha(channel: &Channel) -> Vec<String> {
    use v1alpha::server_reflection_request::MessageRequest;
    use v1alpha::server_reflection_response::MessageResponse;
    let request = v1alpha::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut replies =
        v1alpha::server_reflection_client::ServerReflectionClient::new(channel.clone())
            .server_reflection_info(tokio_stream::once(request))
            .await
            .expect("reflection is served")
            .into_inner();
    let reply = replies.next().await.expect("a reply").expect("a listing");
    match reply.message_response {
        Some(MessageResponse::ListServicesResponse(list)) => {
            list.service.into_iter().map(|s| s.name).collect()
        }
        other => panic!("expected a list of services, got {other:?}"),
    }
}

#[tokio::test]
async fn reflection_lists_the_areas_and_health_over_plain_and_tls() {
    for with_tls in [false, true] {
        let dir = TempDir::new().expect("a temp dir");
        let (server, channel) = served(&dir, with_tls).await;
        for listed in [listed_v1(&channel).await, listed_v1alpha(&channel).await] {
            for name in AREAS.into_iter().chain(["grpc.health.v1.Health"]) {
                assert!(
                    listed.iter().any(|listed| listed == name),
                    "{name} in {listed:?}, TLS {with_tls}"
                );
            }
        }
        assert_eq!(server.api.calls(), 0, "reflection never reaches the API");
    }
}

#[tokio::test]
async fn reflection_serves_the_descriptor_of_an_area() {
    use v1::server_reflection_request::MessageRequest;
    use v1::server_reflection_response::MessageResponse;
    let dir = TempDir::new().expect("a temp dir");
    let (_server, channel) = served(&dir, false).await;
    let request = v1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::FileContainingSymbol(
            "mediagateway.v1.Calendar".to_owned(),
        )),
    };
    let mut replies = v1::server_reflection_client::ServerReflectionClient::new(channel)
        .server_reflection_info(tokio_stream::once(request))
        .await
        .expect("reflection is served")
        .into_inner();
    let reply = replies
        .next()
        .await
        .expect("a reply")
        .expect("a descriptor");
    let Some(MessageResponse::FileDescriptorResponse(files)) = reply.message_response else {
        panic!(
            "expected a file descriptor, got {:?}",
            reply.message_response
        );
    };
    // The file and what it imports, encoded `FileDescriptorProto`s that name themselves.
    let named = |name: &str| {
        files
            .file_descriptor_proto
            .iter()
            .any(|file| file.windows(name.len()).any(|w| w == name.as_bytes()))
    };
    assert!(named("mediagateway/v1/calendar.proto"));
    assert!(named("mediagateway/v1/common.proto"));
}
