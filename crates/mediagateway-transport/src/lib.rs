//! The MediaGateway API: the [`Transport`] trait, its domain types and errors, and gRPC client
//! and server adapters.
//!
//! A portal talks to the gateway only through [`Transport`]. The gateway itself implements it
//! (for embedded use), [`grpc::GrpcClient`] implements it over the network, and
//! [`grpc::GrpcServer`] serves any implementation. Errors travel as [`TransportError`], which
//! maps to gRPC statuses in one place.
//!
//! ```no_run
//! use mediagateway_transport::grpc::GrpcClient;
//! use mediagateway_transport::{GatewayPassword, Transport};
//!
//! # async fn run() -> Result<(), mediagateway_transport::TransportError> {
//! let gateway = GrpcClient::builder("127.0.0.1", 8087).build()?;
//! let status = gateway.status(&GatewayPassword::from("1234")).await?;
//! if status.default_password {
//!     eprintln!("change the gateway password!");
//! }
//! # Ok(()) }
//! ```

mod error;
pub mod grpc;
mod transport;
mod types;

pub use error::{ErrorKind, TransportError, Unreachable};
pub use transport::Transport;
pub use types::{
    Appointment, Authentication, DataSourceConfig, ExchangeCheck, ExchangeVersion, GatewayPassword,
    GatewayStatus, Login, LoginOutcome, NewAppointment, ServiceAccount, TimeWindow, UserCall,
};
