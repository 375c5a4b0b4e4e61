//! gRPC client and server adapters (tonic), generated from `proto/mediagateway/v1`.

mod client;
mod convert;
mod server;
mod status;

pub use client::{GrpcClient, GrpcClientBuilder};
pub use server::{Adapter, GrpcServer};

/// The generated protobuf messages and tonic stubs of `mediagateway.v1`, for callers that
/// compose their own tonic servers or clients.
#[allow(missing_docs, unreachable_pub, clippy::all, clippy::pedantic)] // generated code
pub mod proto {
    tonic::include_proto!("mediagateway.v1");
}

/// The largest message either side accepts or sends: 16 MiB.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// The default gRPC port of the gateway.
pub const DEFAULT_PORT: u16 = 8087;
/// The default gRPC port of the gateway with TLS.
pub const DEFAULT_TLS_PORT: u16 = 9087;
