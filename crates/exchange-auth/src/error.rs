use thiserror::Error;

/// Why authenticating to Exchange failed.
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The server refused the credentials of this scheme.
    #[error("the server refused the {scheme} credentials")]
    Rejected {
        /// The scheme whose credentials were refused.
        scheme: &'static str,
    },
    /// The server does not offer the scheme this strategy speaks.
    #[error("the server does not offer {scheme} authentication (it offers: {offered})")]
    SchemeNotOffered {
        /// The scheme of the strategy.
        scheme: &'static str,
        /// The schemes the server offered, comma separated.
        offered: String,
    },
    /// Basic authentication was used against Exchange Online, where Microsoft removed it.
    #[error("Basic authentication was switched off for Exchange Online ({host}); use OAuth2")]
    BasicNotSupportedByExchangeOnline {
        /// The host name of the Exchange Online endpoint.
        host: String,
    },
    /// The credentials cannot be used with this scheme at all.
    #[error("invalid credentials: {reason}")]
    InvalidCredentials {
        /// What is wrong with them (never the secret itself).
        reason: &'static str,
    },
    /// The server URL is not usable as an authentication target.
    #[error("invalid server URL {url:?}: {reason}")]
    InvalidTarget {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl AuthError {
    /// Whether the server refused the credentials (as opposed to a set-up mistake).
    pub fn is_rejected(&self) -> bool {
        matches!(self, Self::Rejected { .. })
    }
}
