//! OAuth2 for Exchange Online (the Microsoft identity platform v2.0): app-only access through
//! client credentials (a secret or a certificate), and delegated access from an authorization
//! code (PKCE) or device code sign-in, kept alive with rotating refresh tokens.
//!
//! Token requests use the `oauth2` crate over reqwest (redirects off, answers capped). The
//! [`OAuth2`] strategy caches the access token, shares one fetch between concurrent requests,
//! and refreshes once when Exchange refuses a token. Secrets (client secret, tokens, private
//! key) are held as `secrecy` types and never appear in `Debug` output, logs or errors.
//!
//! ```no_run
//! use exchange_auth::oauth::{Authority, Cloud, OAuth2, OAuthClient, Tenant};
//! use exchange_auth::{AuthStrategy, Handshake, Target};
//! use secrecy::SecretString;
//!
//! # async fn run() -> Result<(), exchange_auth::AuthError> {
//! let tenant = Tenant::new("contoso.onmicrosoft.com")?;
//! let endpoints = Authority::Cloud(Cloud::Public).endpoints(&tenant)?;
//! let client = OAuthClient::new("11111111-2222-3333-4444-555555555555", endpoints)?
//!     .with_secret(SecretString::from("the client secret"));
//! // App-only: every EWS request must impersonate the mailbox it works on.
//! let strategy = OAuth2::app_only(client);
//! assert!(strategy.requires_impersonation());
//! let target = Target::new("https://outlook.office365.com/EWS/Exchange.asmx")?;
//! let mut handshake = strategy.begin(&target).await?;
//! let authorization = handshake.initial().await?; // `Bearer <token>`, marked sensitive
//! # let _ = authorization;
//! # Ok(()) }
//! ```

mod assertion;
mod client;
mod config;
mod flows;
mod http;
mod strategy;
mod token;

pub use assertion::ClientCertificate;
pub use client::{ClientCredential, OAuthClient};
pub use config::{Authority, Cloud, Endpoints, Tenant};
pub use flows::{AuthorizationCodeFlow, DeviceCodeFlow, PendingAuthorization};
pub use strategy::{OAuth2, RefreshTokenHook, DEFAULT_EXPIRY_MARGIN};
pub use token::TokenSet;

/// `, AADSTS<code>` for error messages, or nothing.
pub(crate) fn aadsts_suffix(code: Option<u32>) -> String {
    code.map(|c| format!(", AADSTS{c}")).unwrap_or_default()
}

/// What an `invalid_client` answer most likely means.
pub(crate) fn client_hint(code: Option<u32>) -> &'static str {
    match code {
        Some(700027) => {
            "the certificate is not registered with the application, or the assertion is wrong"
        }
        Some(7000215 | 7000222) => "the client secret is wrong or expired",
        _ => "check the client secret or certificate",
    }
}
