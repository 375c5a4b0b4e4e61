//! Serving the gateway over gRPC.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use mediagateway_api::{ApiError, GatewayApi};
use mediagateway_grpc::GrpcServer;
use tokio::net::TcpListener;

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
