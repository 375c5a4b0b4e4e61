//! Authentication strategies for Exchange Web Services.
//!
//! The EWS client asks an [`AuthStrategy`] for the `Authorization` header of every request. A
//! strategy starts a [`Handshake`] per request: one-shot schemes (Basic, Bearer) answer with a
//! header straight away, multi-leg schemes (NTLM, Negotiate) answer the server's `401`
//! challenges until the server accepts. Strategies whose handshake is bound to one TCP
//! connection say so through [`AuthStrategy::is_connection_bound`], and a [`Target`] carries
//! TLS channel bindings for Exchange's Extended Protection.
//!
//! Today the crate ships [`Basic`]; NTLM, Negotiate/Kerberos and OAuth2 plug into the same trait.
//!
//! ```
//! use exchange_auth::{AuthStrategy, Basic, Target, UserCredentials};
//! use secrecy::SecretString;
//!
//! # async fn run() -> Result<(), exchange_auth::AuthError> {
//! let basic = Basic::new(UserCredentials::new(
//!     "alice@contoso.test",
//!     SecretString::from("correct horse"),
//! ))?;
//! let target = Target::new("https://mail.contoso.test/EWS/Exchange.asmx")?;
//! let mut handshake = basic.begin(&target).await?;
//! let header = handshake.initial().await?.expect("Basic always sends credentials first");
//! assert!(header.to_str().unwrap().starts_with("Basic "));
//! # Ok(()) }
//! # tokio_test_block_on(run()).unwrap();
//! # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     use std::task::{Context, Poll, Waker};
//! #     let mut f = std::pin::pin!(f);
//! #     match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
//! #         Poll::Ready(v) => v,
//! #         Poll::Pending => unreachable!("Basic never awaits"),
//! #     }
//! # }
//! ```

mod basic;
mod challenge;
mod credentials;
mod error;
mod target;

pub use basic::Basic;
pub use challenge::Challenge;
pub use credentials::UserCredentials;
pub use error::AuthError;
pub use target::{ChannelBindings, Target};

// NTLM and SPNEGO.
mod ntlm;
mod spnego;
pub use ntlm::Ntlm;

// Kerberos and Negotiate.
mod kerberos;
pub use kerberos::{Kerberos, Negotiate};

// OAuth2.
pub mod oauth;
pub use oauth::OAuth2;

use async_trait::async_trait;
use http::HeaderValue;

/// A way of authenticating requests to an Exchange server.
///
/// Implementations are shared between requests (`Send + Sync`); per-request state lives in the
/// [`Handshake`] that [`begin`](AuthStrategy::begin) returns.
#[async_trait]
pub trait AuthStrategy: Send + Sync + std::fmt::Debug {
    /// The HTTP authentication scheme, as it appears in `WWW-Authenticate` (`Basic`, `NTLM`, …).
    fn scheme(&self) -> &'static str;

    /// Whether every leg of a handshake must travel over one kept-alive connection (NTLM and
    /// Negotiate are; Basic and Bearer are not).
    fn is_connection_bound(&self) -> bool {
        false
    }

    /// Whether the strategy authenticates an application rather than a user (OAuth2 client
    /// credentials): such a token may act on any mailbox the application was granted, so every
    /// EWS request must name its mailbox through `ExchangeImpersonation` and `X-AnchorMailbox`.
    fn requires_impersonation(&self) -> bool {
        false
    }

    /// Starts authenticating one request to `target`.
    async fn begin(&self, target: &Target) -> Result<Box<dyn Handshake>, AuthError>;
}

/// The state of authenticating one request.
#[async_trait]
pub trait Handshake: Send {
    /// The `Authorization` header of the first attempt, or `None` to send the first attempt
    /// without one and wait for the server's challenge.
    async fn initial(&mut self) -> Result<Option<HeaderValue>, AuthError>;

    /// The server answered `401 Unauthorized` with these challenges: returns the header of the
    /// next attempt, or an error when the handshake cannot go on (credentials refused).
    async fn challenge(&mut self, challenges: &[Challenge]) -> Result<HeaderValue, AuthError>;

    /// The server accepted the request (any status but `401`) with these challenges in its
    /// `WWW-Authenticate` headers: Kerberos checks the server's mutual-authentication token here.
    /// An error means the answer did not come from the server the handshake authenticated, and
    /// the caller must not trust it. The default accepts.
    fn accepted(&mut self, challenges: &[Challenge]) -> Result<(), AuthError> {
        let _ = challenges;
        Ok(())
    }
}
