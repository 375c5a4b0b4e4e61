//! Serving the gateway over gRPC.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use mediagateway_api::{ApiError, GatewayApi};
use mediagateway_grpc::tls::ServerTls;
use mediagateway_grpc::GrpcServer;
use tokio::net::TcpListener;

use crate::config::GatewayConfig;
use crate::startup_error::StartupError;

/// Binds `address` (port 0 picks a free port).
pub async fn bind(address: SocketAddr) -> Result<TcpListener, StartupError> {
    TcpListener::bind(address)
        .await
        .map_err(|source| StartupError::Listen { address, source })
}

/// Serves `gateway` (the gateway, or any other implementation of the API) over gRPC on
/// `listener` until `shutdown` completes.
pub async fn serve(
    gateway: Arc<dyn GatewayApi>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ApiError> {
    GrpcServer::new(gateway).serve(listener, shutdown).await
}

/// Serves `gateway` over gRPC with TLS on `listener` until `shutdown` completes.
pub async fn serve_tls(
    gateway: Arc<dyn GatewayApi>,
    listener: TcpListener,
    tls: &ServerTls,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ApiError> {
    GrpcServer::new(gateway)
        .serve_tls(listener, tls, shutdown)
        .await
}

/// The TLS identity of `config`: its PEM files, or the self-signed certificate kept in the data
/// folder (made on first start); with the client CA when portals must present certificates.
pub fn server_tls(config: &GatewayConfig) -> Result<ServerTls, StartupError> {
    let tls = match &config.tls_identity {
        Some((certificate, key)) => ServerTls::from_pem_files(certificate, key)?,
        None => ServerTls::self_signed_in(&config.data_dir)?,
    };
    Ok(match &config.tls_client_ca {
        Some(ca) => tls.require_client_certificates(ca)?,
        None => tls,
    })
}
