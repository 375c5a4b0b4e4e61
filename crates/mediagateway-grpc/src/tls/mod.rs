//! gRPC over TLS (port [`DEFAULT_TLS_PORT`](crate::DEFAULT_TLS_PORT) by default), with rustls
//! and its ring provider.
//!
//! The server side is a [`ServerTls`]: a certificate and key from PEM files, or a self-signed
//! certificate the gateway makes once and keeps in its data directory, optionally requiring
//! client certificates from a CA (mutual TLS). [`GrpcServer::serve_tls`](crate::GrpcServer::serve_tls)
//! serves on it.
//!
//! The client side is a [`ClientTls`] given to
//! [`GrpcClientBuilder::tls`](crate::GrpcClientBuilder::tls): it trusts a CA bundle, the public
//! web PKI roots, or one certificate pinned by its SHA-256 fingerprint (what a portal does with
//! a self-signed gateway). A client with TLS never falls back to plain HTTP/2. A certificate
//! that fails verification is reported as
//! [`Unreachable::CertificateNotTrusted`](mediagateway_api::Unreachable::CertificateNotTrusted);
//! any other failure to set up TLS as [`Unreachable::Tls`](mediagateway_api::Unreachable::Tls).
//!
//! ```no_run
//! use std::path::Path;
//!
//! use mediagateway_api::{AdminApi, AdminCall, GatewayApi, GatewayPassword};
//! use mediagateway_grpc::tls::{ClientTls, ServerTls};
//! use mediagateway_grpc::{GrpcClient, GrpcServer, DEFAULT_TLS_PORT};
//!
//! # async fn serve(gateway: std::sync::Arc<dyn GatewayApi>) -> Result<(), Box<dyn std::error::Error>> {
//! // The gateway: a self-signed certificate, made on the first start and kept.
//! let tls = ServerTls::self_signed_in(Path::new("/var/lib/mediagateway"))?;
//! println!("certificate fingerprint (SHA-256): {}", tls.fingerprint());
//! let listener = tokio::net::TcpListener::bind(("0.0.0.0", DEFAULT_TLS_PORT)).await?;
//! GrpcServer::new(gateway)
//!     .serve_tls(listener, &tls, async { let _ = tokio::signal::ctrl_c().await; })
//!     .await?;
//! # Ok(()) }
//!
//! # async fn call() -> Result<(), Box<dyn std::error::Error>> {
//! // A portal: trusts that one certificate, whatever its issuer and names.
//! let pinned = ClientTls::pinned_fingerprint(
//!     "3A:7F:00:12:9C:44:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD",
//! )?;
//! let gateway = GrpcClient::builder("gateway.example.org", DEFAULT_TLS_PORT)
//!     .tls(pinned)
//!     .build()?;
//! let status = gateway.status(&AdminCall::new(GatewayPassword::from("1234"))).await?;
//! # let _ = status; Ok(()) }
//! ```

mod client;
mod pem;
mod server;

use std::io;
use std::path::{Path, PathBuf};

use mediagateway_api::ApiError;
use sha2::{Digest, Sha256};

pub use client::ClientTls;
pub(crate) use client::{failure_cause, TlsConnector};
pub use server::{serve, SelfSigned, ServerTls};

/// Why a certificate, key or CA bundle cannot be used, or a self-signed certificate cannot be
/// stored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// A file cannot be read (missing, or no permission).
    #[error("cannot read {}: {source}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What reading reported.
        source: io::Error,
    },
    /// The input holds no PEM section of the expected kind, or a malformed one.
    #[error("{origin} holds no usable {expected} in PEM form: {detail}")]
    NotPem {
        /// The file, or "PEM data" for bytes given directly.
        origin: String,
        /// A certificate, a private key.
        expected: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// The private key does not belong to the certificate.
    #[error("the private key in {key} does not match the certificate in {certificate}")]
    KeyMismatch {
        /// Where the certificate came from.
        certificate: String,
        /// Where the key came from.
        key: String,
    },
    /// The certificate or key is well-formed PEM but rustls cannot use it (an unsupported key
    /// type, a CA certificate it cannot parse).
    #[error("{origin} cannot be used: {detail}")]
    Unusable {
        /// Where it came from.
        origin: String,
        /// What rustls reported.
        detail: String,
    },
    /// Only one of the self-signed certificate's two files exists: the certificate without
    /// its key. It is not replaced, since portals may have pinned it.
    #[error("{} exists but {} is missing", present.display(), missing.display())]
    Incomplete {
        /// The file that exists.
        present: PathBuf,
        /// The file that does not.
        missing: PathBuf,
    },
    /// A self-signed certificate or its key cannot be written.
    #[error("cannot store {}: {source}", path.display())]
    Store {
        /// The file or directory.
        path: PathBuf,
        /// What writing reported.
        source: io::Error,
    },
    /// A self-signed certificate cannot be made.
    #[error("cannot make a self-signed certificate: {detail}")]
    Generate {
        /// What the generator reported.
        detail: String,
    },
    /// A certificate fingerprint is not 32 hexadecimal byte values.
    #[error("invalid certificate fingerprint: {detail}")]
    InvalidFingerprint {
        /// What is wrong.
        detail: String,
    },
    /// A server name is neither a DNS name nor an IP address.
    #[error("invalid TLS server name {name:?}")]
    InvalidServerName {
        /// The name given.
        name: String,
    },
}

impl TlsError {
    /// Whether a file that should exist does not.
    pub fn is_missing_file(&self) -> bool {
        matches!(self, Self::Unreadable { source, .. } if source.kind() == io::ErrorKind::NotFound)
    }

    /// Whether the content of a file (or PEM data) is unusable, as opposed to the file being
    /// unreadable or unwritable.
    pub fn is_bad_content(&self) -> bool {
        matches!(
            self,
            Self::NotPem { .. } | Self::KeyMismatch { .. } | Self::Unusable { .. }
        )
    }
}

/// Settings that cannot be used are invalid arguments; failing to store or make a
/// certificate is the gateway's own failure.
impl From<TlsError> for ApiError {
    fn from(error: TlsError) -> Self {
        match error {
            TlsError::Store { .. } | TlsError::Generate { .. } => ApiError::Internal {
                detail: error.to_string(),
            },
            _ => ApiError::InvalidArgument {
                what: error.to_string(),
            },
        }
    }
}

/// The SHA-256 fingerprint of the first certificate in the PEM file at `pem_path`, as
/// uppercase hexadecimal byte values separated by `:` (as [`ServerTls::fingerprint`]).
pub fn certificate_fingerprint(pem_path: impl AsRef<Path>) -> Result<String, TlsError> {
    let path = pem_path.as_ref();
    let chain = pem::certificates(&pem::read(path)?, &path.display().to_string())?;
    let leaf = chain.first().ok_or_else(|| TlsError::NotPem {
        origin: path.display().to_string(),
        expected: "certificate",
        detail: "no certificate".into(),
    })?;
    Ok(fingerprint_of(leaf))
}

/// The SHA-256 of `der`, as uppercase hexadecimal byte values separated by `:`.
pub(crate) fn fingerprint_of(der: &[u8]) -> String {
    fingerprint_hex(&Sha256::digest(der))
}

fn fingerprint_hex(bytes: &[u8]) -> String {
    let pairs: Vec<String> = bytes.iter().map(|byte| format!("{byte:02X}")).collect();
    pairs.join(":")
}

/// Reads a fingerprint as [`fingerprint_of`] writes it; lowercase, and pairs separated by
/// nothing, spaces or `-`, are accepted too.
pub(crate) fn parse_fingerprint(text: &str) -> Result<[u8; 32], TlsError> {
    let digits: Vec<char> = text
        .chars()
        .filter(|c| !matches!(c, ':' | ' ' | '-'))
        .collect();
    let invalid = |detail: String| TlsError::InvalidFingerprint { detail };
    if digits.len() != 64 {
        return Err(invalid(format!(
            "{} hexadecimal digits, a SHA-256 fingerprint has 64",
            digits.len()
        )));
    }
    let mut out = [0_u8; 32];
    for (byte, pair) in out.iter_mut().zip(digits.chunks(2)) {
        let pair: String = pair.iter().collect();
        *byte = u8::from_str_radix(&pair, 16)
            .map_err(|_| invalid(format!("{pair:?} is not a hexadecimal byte")))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_reads_back_in_every_accepted_spelling() {
        let written = fingerprint_of(b"certificate");
        assert_eq!(written.len(), 32 * 3 - 1);
        assert_eq!(written, written.to_uppercase());
        let bytes = parse_fingerprint(&written).expect("the written form parses");
        assert_eq!(bytes.as_slice(), Sha256::digest(b"certificate").as_slice());
        let plain = written.replace(':', "").to_lowercase();
        assert_eq!(parse_fingerprint(&plain).expect("plain hex parses"), bytes);
    }

    #[test]
    fn a_malformed_fingerprint_is_refused() {
        for text in ["", "AB:CD", &"ZZ".repeat(32), &"AB".repeat(33)] {
            assert!(
                matches!(
                    parse_fingerprint(text),
                    Err(TlsError::InvalidFingerprint { .. })
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn unusable_settings_are_invalid_arguments() {
        let error = TlsError::KeyMismatch {
            certificate: "a".into(),
            key: "b".into(),
        };
        assert!(error.is_bad_content());
        assert!(matches!(
            ApiError::from(error),
            ApiError::InvalidArgument { .. }
        ));
        let error = TlsError::Store {
            path: "x".into(),
            source: io::Error::other("disk full"),
        };
        assert!(matches!(ApiError::from(error), ApiError::Internal { .. }));
    }
}
