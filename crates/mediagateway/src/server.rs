//! Serving the gateway over gRPC.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use mediagateway_transport::grpc::GrpcServer;
use tokio::net::TcpListener;

use crate::error::GatewayError;
use crate::Gateway;

/// Binds `address` (port 0 picks a free port).
pub async fn bind(address: SocketAddr) -> Result<TcpListener, GatewayError> {
    TcpListener::bind(address)
        .await
        .map_err(|source| GatewayError::Listen { address, source })
}

/// Serves `gateway` over gRPC on `listener` until `shutdown` completes.
pub async fn serve(
    gateway: Arc<Gateway>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), mediagateway_transport::TransportError> {
    GrpcServer::new(gateway).serve(listener, shutdown).await
}
