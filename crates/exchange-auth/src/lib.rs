//! Authentication strategies for Exchange Web Services.
//!
//! The EWS client asks an [`AuthStrategy`] for the `Authorization` header of every request. A
//! strategy starts a [`Handshake`] per request: one-shot schemes (Basic, Bearer) answer with a
//! header straight away, multi-leg schemes (NTLM, Negotiate) answer the server's `401`
//! challenges until the server accepts. Strategies whose handshake is bound to one TCP
//! connection say so through [`AuthStrategy::is_connection_bound`], and a [`Target`] carries
//! TLS channel bindings for Exchange's Extended Protection.
//!
//! The strategies:
//!
//! | strategy | scheme | for | credentials |
//! | --- | --- | --- | --- |
//! | [`Basic`] | `Basic` | Exchange Server over HTTPS; refused for Exchange Online | user name and password |
//! | [`Ntlm`] | `NTLM` | Exchange Server (NTLMv2 only; NTLMv1 servers are refused) | user name (`DOMAIN\user`, UPN or plain) and password |
//! | [`Kerberos`] | `Negotiate` | Exchange Server in an Active Directory or MIT realm | credential cache, client keytab, or user name and password |
//! | [`Negotiate`] | `Negotiate` | Exchange Server: Kerberos first, NTLM inside SPNEGO when no ticket can be had | as Kerberos, plus a password for the fallback |
//! | [`Offered`] | the server's choice | Exchange Server when the scheme is not known beforehand: Negotiate, NTLM or Basic as the first `401` offers (or one pinned), remembered once accepted | user name and password |
//! | [`OAuth2`] | `Bearer` | Exchange Online (Microsoft 365, national clouds) | app-only (client secret or certificate) or delegated (refresh token from authorization code with PKCE or device code) |
//!
//! NTLM and Negotiate are connection-bound: the EWS client keeps every leg of their handshake on
//! one kept-alive HTTP/1.1 connection and reuses the authenticated connection afterwards. Over
//! HTTPS it hands them the server certificate's `tls-server-end-point` channel bindings
//! ([`ChannelBindings::from_server_certificate`]), which Exchange's Extended Protection checks.
//!
//! Kerberos goes through MIT Kerberos' GSSAPI library (`libgssapi_krb5.so.2`), loaded when a
//! Kerberos strategy is first used: the crate builds without it, and a machine without it gets
//! [`AuthError::GssapiUnavailable`]. NTLM, SPNEGO for NTLM and OAuth2 are pure Rust.
//!
//! Secrets (passwords, keys, tokens, tickets) are held in `secrecy` or `zeroize` types, are
//! redacted in `Debug`, are never logged, and the `Authorization` headers the strategies make
//! are marked sensitive.
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
mod secret;
mod target;

pub use basic::Basic;
pub use challenge::Challenge;
pub use credentials::UserCredentials;
pub use error::{AuthError, FailureClass};
pub use target::{ChannelBindings, Target};

// NTLM and SPNEGO.
mod ntlm;
mod spnego;
pub use ntlm::Ntlm;

// Kerberos and Negotiate.
mod kerberos;
pub use kerberos::{Kerberos, Negotiate};

// A password by the scheme the server offers.
mod offered;
pub use offered::{Offered, PasswordScheme};

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

    /// Whether a connection-bound strategy sends its first header before the server asks, even
    /// on a connection that may be authenticated already: true when the scheme in use is a
    /// one-shot one after all ([`Offered`] once Basic was accepted). The default is false.
    fn sends_first(&self) -> bool {
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
    /// `WWW-Authenticate` headers: Kerberos checks the server's mutual-authentication token here,
    /// NTLM inside SPNEGO the server's mechListMIC.
    /// An error means the answer did not come from the server the handshake authenticated, and
    /// the caller must not trust it. The default accepts.
    fn accepted(&mut self, challenges: &[Challenge]) -> Result<(), AuthError> {
        let _ = challenges;
        Ok(())
    }
}
