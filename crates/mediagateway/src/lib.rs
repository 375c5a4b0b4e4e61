//! The MediaGateway: the service that holds each portal user's Exchange login data, sealed in
//! its vault, talks EWS to Exchange, and answers portals over gRPC.
//!
//! [`Gateway`] implements [`Transport`](mediagateway_transport::Transport): a portal in the
//! same process calls it directly, [`serve`] offers it over gRPC, and the `mediagateway`
//! binary runs it as a service (`mediagateway serve`).
//!
//! It starts with zero configuration: the first start creates the data folder, the gateway
//! password hash (default password `1234`, flagged by every status call and connection test
//! until it is changed), the vault's RSA key and the vault.
//!
//! ```no_run
//! use std::sync::Arc;
//! use mediagateway::{Gateway, GatewayConfig};
//! use mediagateway_transport::{GatewayPassword, Transport};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let gateway = Arc::new(Gateway::open(&GatewayConfig::in_dir("/var/lib/mediagateway".as_ref()))?);
//! let status = gateway.status(&GatewayPassword::from("1234")).await?;
//! assert!(status.default_password);
//! let listener = mediagateway::bind("127.0.0.1:8087".parse()?).await?;
//! mediagateway::serve(gateway, listener, std::future::pending()).await?;
//! # Ok(()) }
//! ```

mod backend;
mod config;
mod error;
mod fs_util;
mod gateway;
mod password;
mod server;

pub use backend::{EwsBackend, MailboxAccess, MailboxBackend};
pub use config::GatewayConfig;
pub use error::GatewayError;
pub use gateway::Gateway;
pub use password::DEFAULT_PASSWORD;
pub use server::{bind, serve};
