//! Why the gateway could not start (calls answer with [`ApiError`](mediagateway_api::ApiError)).

use std::net::SocketAddr;
use std::path::PathBuf;

use mediagateway_api::ApiError;
use mediagateway_grpc::tls::TlsError;
use mediagateway_vault::VaultError;
use thiserror::Error;

/// Why the gateway could not start or serve.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StartupError {
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
    /// The system's random number generator failed.
    #[error("the random number generator failed: {0}")]
    Random(String),
    /// The vault (or the gateway's private folder) could not be opened.
    #[error("the vault could not be opened: {0}")]
    Vault(#[from] VaultError),
    /// The TLS certificate or key could not be read or made.
    #[error("TLS: {0}")]
    Tls(#[from] TlsError),
    /// The configuration asks for something unsafe; the reason says what to do instead.
    #[error("{reason}")]
    Refused {
        /// One line: what is refused and what to do.
        reason: String,
    },
    /// The stored data sources could not be read.
    #[error("the stored data sources could not be read: {0}")]
    DataSources(ApiError),
    /// The gateway could not listen on its address.
    #[error("cannot listen on {address}: {source}")]
    Listen {
        /// The address.
        address: SocketAddr,
        /// The I/O error.
        source: std::io::Error,
    },
}
