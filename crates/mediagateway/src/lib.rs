//! The MediaGateway: the service that holds each portal user's Exchange login data, sealed in
//! its vault, talks EWS to Exchange, and answers portals over gRPC.
//!
//! [`Gateway`] implements every area of the [`GatewayApi`](mediagateway_api::GatewayApi): a
//! portal in the same process calls it directly, [`serve`] offers it over gRPC, and the
//! `mediagateway` binary runs it as a service (`mediagateway serve`). It reaches mailboxes
//! through a [`MailboxBackend`] (EWS by default).
//!
//! It starts with zero configuration: the first start creates the data folder, the gateway
//! password hash (default password `1234`, flagged by every status call and connection test
//! until it is changed), the vault's RSA key and the vault.
//!
//! ```no_run
//! use std::sync::Arc;
//! use mediagateway::{Gateway, GatewayConfig};
//! use mediagateway_api::{AdminApi, AdminCall, GatewayPassword};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let gateway = Arc::new(Gateway::open(&GatewayConfig::in_dir("/var/lib/mediagateway".as_ref()))?);
//! let status = gateway.status(&AdminCall::new(GatewayPassword::from("1234"))).await?;
//! assert!(status.default_password);
//! let listener = mediagateway::bind("127.0.0.1:8087".parse()?).await?;
//! mediagateway::serve(gateway, listener, std::future::pending()).await?;
//! # Ok(()) }
//! ```

mod admin_password;
mod api;
mod audit;
mod backend;
mod config;
mod fingerprint;
mod gateway;
mod hash_limiter;
mod limits;
mod lru;
mod page_tokens;
mod password_policy;
mod portal_keys;
mod registry;
mod server;
mod startup_error;
mod throttle;
mod url_policy;
mod validate;

pub use admin_password::DEFAULT_PASSWORD;
pub use backend::{
    BackendChunk, BackendQuery, CalendarBackend, DirectoryBackend, EwsBackend, MailboxAccess,
    MailboxBackend, MailboxLogin, TablesBackend,
};
pub use config::{GatewayConfig, VaultStore};
pub use gateway::Gateway;
pub use hash_limiter::{HashLimiter, HashTaskError};
pub use limits::Limits;
pub use server::{bind, serve, serve_tls, server_tls};
pub use startup_error::StartupError;
pub use throttle::{RetryAfter, Throttle, ThrottleConfig};
pub use url_policy::{ForbiddenRange, UrlPolicy, UrlRefused};
