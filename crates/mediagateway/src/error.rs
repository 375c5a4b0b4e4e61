//! Errors of starting and running the gateway (calls answer with `TransportError`).

use std::net::SocketAddr;
use std::path::PathBuf;

use mediagateway_vault::VaultError;
use thiserror::Error;

/// Why the gateway could not start, or an administrative action failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum GatewayError {
    /// A file or folder of the gateway could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The configuration file is not valid.
    #[error("configuration {}: {reason}", path.display())]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The file with the gateway password's hash is damaged.
    #[error("gateway password file {}: {reason}", path.display())]
    PasswordFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A new gateway password is too weak (fewer than 8 characters).
    #[error("the new gateway password must have at least 8 characters")]
    WeakPassword,
    /// The system's random number generator failed.
    #[error("the random number generator failed: {0}")]
    Random(String),
    /// The vault could not be opened.
    #[error("the vault could not be opened: {0}")]
    Vault(#[from] VaultError),
    /// The gateway could not listen on its address.
    #[error("cannot listen on {address}: {source}")]
    Listen {
        /// The address.
        address: SocketAddr,
        /// The I/O error.
        source: std::io::Error,
    },
}
