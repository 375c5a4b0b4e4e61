//! The client side: what a client trusts, the connector that makes TLS connections for tonic,
//! and how a failed connection tells a distrusted certificate from other TLS failures.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use hyper_util::rt::TokioIo;
use mediagateway_api::{ApiError, Unreachable};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::net::TcpStream;
use tokio_rustls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use tokio_rustls::rustls::client::WebPkiServerVerifier;
use tokio_rustls::rustls::crypto::WebPkiSupportedAlgorithms;
use tokio_rustls::rustls::crypto::{verify_tls12_signature, verify_tls13_signature};
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_rustls::rustls::sign::{CertifiedKey, SingleCertAndKey};
use tokio_rustls::rustls::{
    self, CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tonic::codegen::http::Uri;
use tonic::codegen::Service;

use super::{parse_fingerprint, pem, TlsError};

/// What a [`GrpcClient`](crate::GrpcClient) with TLS trusts, and how it identifies itself.
///
/// Made from one trust choice, then optionally given a client certificate (for a gateway that
/// requires one) and a server name. Its `Debug` output never shows a key.
#[derive(Clone)]
pub struct ClientTls {
    trust: Trust,
    identity: Option<Arc<CertifiedKey>>,
    server_name: Option<String>,
}

#[derive(Clone)]
enum Trust {
    /// Certificates issued by these CAs, for the host name called.
    Roots(Arc<RootCertStore>),
    /// The one certificate with this SHA-256 fingerprint.
    Pinned([u8; 32]),
}

impl fmt::Debug for ClientTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let trust = match &self.trust {
            Trust::Roots(roots) => format!("{} CA certificates", roots.len()),
            Trust::Pinned(sha256) => format!("pinned {}", super::fingerprint_hex(sha256)),
        };
        f.debug_struct("ClientTls")
            .field("trust", &trust)
            .field("client_certificate", &self.identity.is_some())
            .field("server_name", &self.server_name)
            .finish()
    }
}

impl ClientTls {
    /// Trusts certificates issued by a CA of the PEM bundle at `path`, for the host name
    /// called (or the [server name](Self::server_name)).
    pub fn ca_bundle_file(path: impl AsRef<Path>) -> Result<Self, TlsError> {
        let path = path.as_ref();
        let roots = pem::root_store(&pem::read(path)?, &path.display().to_string())?;
        Ok(Self::trusting(Trust::Roots(Arc::new(roots))))
    }

    /// Trusts certificates issued by a CA of the PEM bundle `pem`, as
    /// [`ca_bundle_file`](Self::ca_bundle_file).
    pub fn ca_bundle_pem(pem: &[u8]) -> Result<Self, TlsError> {
        let roots = pem::root_store(pem, "PEM data")?;
        Ok(Self::trusting(Trust::Roots(Arc::new(roots))))
    }

    /// Trusts the CAs of the public web PKI (Mozilla's root program, as compiled into the
    /// `webpki-roots` crate; not the operating system's store), for the host name called.
    pub fn public_roots() -> Self {
        let roots = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        Self::trusting(Trust::Roots(Arc::new(roots)))
    }

    /// Trusts the one certificate whose DER has this SHA-256 fingerprint (as
    /// [`ServerTls::fingerprint`](super::ServerTls::fingerprint) prints it; case and
    /// separators do not matter), whatever its issuer and names, as long as it is within its
    /// validity period. The handshake's signatures are still verified with its key.
    pub fn pinned_fingerprint(fingerprint: &str) -> Result<Self, TlsError> {
        Ok(Self::trusting(Trust::Pinned(parse_fingerprint(
            fingerprint,
        )?)))
    }

    /// Presents this certificate chain (leaf first) and key, from two PEM files, to a
    /// gateway that requires client certificates.
    pub fn client_certificate(
        mut self,
        certificate_path: impl AsRef<Path>,
        key_path: impl AsRef<Path>,
    ) -> Result<Self, TlsError> {
        self.identity = Some(pem::certified_key_from_files(
            certificate_path.as_ref(),
            key_path.as_ref(),
        )?);
        Ok(self)
    }

    /// The name to check the certificate against and send in SNI, instead of the host
    /// connected to (for a gateway reached by IP address with a certificate for its name).
    pub fn server_name(mut self, name: impl Into<String>) -> Self {
        self.server_name = Some(name.into());
        self
    }

    fn trusting(trust: Trust) -> Self {
        Self {
            trust,
            identity: None,
            server_name: None,
        }
    }

    /// The connector for `host:port`.
    pub(crate) fn connector(&self, host: &str, port: u16) -> Result<TlsConnector, ApiError> {
        let name = self
            .server_name
            .as_deref()
            .unwrap_or_else(|| host.trim_matches(['[', ']']));
        let server_name = ServerName::try_from(name.to_owned()).map_err(|_| {
            ApiError::from(TlsError::InvalidServerName {
                name: name.to_owned(),
            })
        })?;
        let unusable = |e: rustls::Error| {
            ApiError::from(TlsError::Unusable {
                origin: "the TLS settings".into(),
                detail: e.to_string(),
            })
        };
        let provider = pem::provider();
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(unusable)?;
        let builder = match &self.trust {
            Trust::Roots(roots) => {
                let verifier = WebPkiServerVerifier::builder_with_provider(roots.clone(), provider)
                    .build()
                    .map_err(|e| {
                        ApiError::from(TlsError::Unusable {
                            origin: "the CA bundle".into(),
                            detail: e.to_string(),
                        })
                    })?;
                builder.with_webpki_verifier(verifier)
            }
            Trust::Pinned(sha256) => {
                builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(PinnedCertificate {
                        sha256: *sha256,
                        algorithms: provider.signature_verification_algorithms,
                    }))
            }
        };
        let mut config = match &self.identity {
            Some(identity) => builder
                .with_client_cert_resolver(Arc::new(SingleCertAndKey::from(identity.clone()))),
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = vec![pem::ALPN_H2.to_vec()];
        Ok(TlsConnector {
            host: host.trim_matches(['[', ']']).to_owned(),
            port,
            server_name,
            tls: tokio_rustls::TlsConnector::from(Arc::new(config)),
        })
    }
}

/// Trusts one certificate by the SHA-256 of its DER. Host names and issuers are not checked
/// (a self-signed gateway certificate has no CA, and is often reached by an address it does
/// not name); the validity period is, and so are the handshake's signatures.
#[derive(Debug)]
struct PinnedCertificate {
    sha256: [u8; 32],
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for PinnedCertificate {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let digest = Sha256::digest(end_entity.as_ref());
        if !bool::from(digest.as_slice().ct_eq(&self.sha256)) {
            return Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ));
        }
        check_validity(end_entity, now)?;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// Refuses a certificate outside its validity period, as webpki does for CA-issued ones.
fn check_validity(der: &CertificateDer<'_>, now: UnixTime) -> Result<(), rustls::Error> {
    let (_, certificate) = x509_parser::parse_x509_certificate(der.as_ref())
        .map_err(|_| rustls::Error::InvalidCertificate(CertificateError::BadEncoding))?;
    let validity = certificate.validity();
    let now = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
    if now < validity.not_before.timestamp() {
        return Err(rustls::Error::InvalidCertificate(
            CertificateError::NotValidYet,
        ));
    }
    if now > validity.not_after.timestamp() {
        return Err(rustls::Error::InvalidCertificate(CertificateError::Expired));
    }
    Ok(())
}

/// Makes the TLS connections of a [`GrpcClient`](crate::GrpcClient): TCP to the gateway, then
/// the handshake. There is no plain fallback: a failed handshake fails the connection.
#[derive(Clone)]
pub(crate) struct TlsConnector {
    host: String,
    port: u16,
    server_name: ServerName<'static>,
    tls: tokio_rustls::TlsConnector,
}

impl fmt::Debug for TlsConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConnector")
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

impl Service<Uri> for TlsConnector {
    type Response = TokioIo<tokio_rustls::client::TlsStream<TcpStream>>;
    type Error = ConnectFailure;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, ConnectFailure>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), ConnectFailure>> {
        Poll::Ready(Ok(()))
    }

    /// Connects to the configured host and port; the URI is the endpoint's, naming the same.
    fn call(&mut self, _uri: Uri) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            let tcp = TcpStream::connect((this.host.as_str(), this.port))
                .await
                .map_err(ConnectFailure::Tcp)?;
            // Best effort: Nagle's delay only slows small gRPC frames down.
            let _ = tcp.set_nodelay(true);
            let stream = this
                .tls
                .connect(this.server_name.clone(), tcp)
                .await
                .map_err(ConnectFailure::Handshake)?;
            Ok(TokioIo::new(stream))
        })
    }
}

/// Why the connector failed: before TLS (the TCP connection) or in the handshake.
#[derive(Debug)]
pub(crate) enum ConnectFailure {
    Tcp(io::Error),
    Handshake(io::Error),
}

impl fmt::Display for ConnectFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tcp(_) => f.write_str("TCP connection failed"),
            Self::Handshake(_) => f.write_str("TLS handshake failed"),
        }
    }
}

impl StdError for ConnectFailure {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Tcp(e) | Self::Handshake(e) => Some(e),
        }
    }
}

/// The TLS cause of a failed connection, if `error` (one link of the error chain of a failed
/// call) tells of one: [`Unreachable::CertificateNotTrusted`] when this client refused the
/// gateway's certificate, [`Unreachable::Tls`] for any other TLS failure (a peer that does not
/// speak TLS, a refused client certificate, no common protocol version).
///
/// rustls' errors reach the chain inside `std::io::Error`, whose `source()` skips the error it
/// wraps, so each `io::Error` is opened with `get_ref()`.
pub(crate) fn failure_cause(error: &(dyn StdError + 'static)) -> Option<Unreachable> {
    if let Some(failure) = error.downcast_ref::<ConnectFailure>() {
        return match failure {
            ConnectFailure::Tcp(_) => None,
            ConnectFailure::Handshake(io) => Some(io_cause(io).unwrap_or(Unreachable::Tls)),
        };
    }
    if let Some(rustls) = error.downcast_ref::<rustls::Error>() {
        return Some(rustls_cause(rustls));
    }
    if let Some(io) = error.downcast_ref::<io::Error>() {
        return io_cause(io);
    }
    None
}

fn io_cause(io: &io::Error) -> Option<Unreachable> {
    let inner: &(dyn StdError + 'static) = io.get_ref()?;
    if let Some(cause) = failure_cause(inner) {
        return Some(cause);
    }
    // After the handshake, rustls' errors pass through h2, which keeps only their kind and
    // text: an alert from the gateway (refusing this client's certificate under TLS 1.3)
    // arrives as that text.
    (io.kind() == io::ErrorKind::InvalidData
        && inner.to_string().starts_with(RUSTLS_ALERT_RECEIVED))
    .then_some(Unreachable::Tls)
}

/// How rustls' `Error::AlertReceived` displays, up to the alert's name.
const RUSTLS_ALERT_RECEIVED: &str = "received fatal alert";

fn rustls_cause(error: &rustls::Error) -> Unreachable {
    match error {
        // Only this side's verifier reports InvalidCertificate: what the gateway thought of
        // our certificate arrives as an alert.
        rustls::Error::InvalidCertificate(_) => Unreachable::CertificateNotTrusted,
        _ => Unreachable::Tls,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cause_of(error: &(dyn StdError + 'static)) -> Option<Unreachable> {
        failure_cause(error)
    }

    #[test]
    fn a_refused_certificate_is_not_trusted_wherever_it_sits() {
        let refused = || rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer);
        assert_eq!(
            cause_of(&refused()),
            Some(Unreachable::CertificateNotTrusted)
        );
        let wrapped = io::Error::new(io::ErrorKind::InvalidData, refused());
        assert_eq!(cause_of(&wrapped), Some(Unreachable::CertificateNotTrusted));
        let handshake =
            ConnectFailure::Handshake(io::Error::new(io::ErrorKind::InvalidData, refused()));
        assert_eq!(
            cause_of(&handshake),
            Some(Unreachable::CertificateNotTrusted)
        );
        // An io::Error inside an io::Error, as layers of I/O adapters make.
        let nested = io::Error::other(io::Error::new(io::ErrorKind::InvalidData, refused()));
        assert_eq!(cause_of(&nested), Some(Unreachable::CertificateNotTrusted));
    }

    #[test]
    fn other_tls_failures_are_tls() {
        let alert = rustls::Error::AlertReceived(rustls::AlertDescription::UnknownCA);
        assert_eq!(cause_of(&alert), Some(Unreachable::Tls));
        let wrapped = io::Error::new(io::ErrorKind::InvalidData, alert.clone());
        assert_eq!(cause_of(&wrapped), Some(Unreachable::Tls));
        // As h2 hands it back: the kind and text of the rustls error, not its type.
        let flattened = io::Error::new(io::ErrorKind::InvalidData, alert.to_string());
        assert_eq!(cause_of(&flattened), Some(Unreachable::Tls));
        let eof = ConnectFailure::Handshake(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "tls handshake eof",
        ));
        assert_eq!(cause_of(&eof), Some(Unreachable::Tls));
    }

    #[test]
    fn failures_outside_tls_are_left_to_the_caller() {
        let refused = ConnectFailure::Tcp(io::Error::from(io::ErrorKind::ConnectionRefused));
        assert_eq!(cause_of(&refused), None);
        assert_eq!(
            cause_of(&io::Error::from(io::ErrorKind::ConnectionReset)),
            None
        );
        assert_eq!(cause_of(&io::Error::other("no TLS here")), None);
        let other = io::Error::new(io::ErrorKind::InvalidData, "frame with invalid size");
        assert_eq!(cause_of(&other), None);
    }

    #[test]
    fn the_pinned_verifier_compares_the_whole_fingerprint() {
        let key = rcgen::KeyPair::generate().expect("ring makes P-256 keys");
        let certificate = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
            .and_then(|params| params.self_signed(&key))
            .expect("self-signing works");
        let sha256: [u8; 32] = Sha256::digest(certificate.der().as_ref()).into();
        let verifier = |sha256| PinnedCertificate {
            sha256,
            algorithms: pem::provider().signature_verification_algorithms,
        };
        let name = ServerName::try_from("localhost").expect("a valid name");
        let verify = |verifier: PinnedCertificate| {
            verifier.verify_server_cert(certificate.der(), &[], &name, &[], UnixTime::now())
        };
        assert!(verify(verifier(sha256)).is_ok());
        let mut other = sha256;
        other[31] ^= 1;
        assert!(matches!(
            verify(verifier(other)),
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure
            ))
        ));
    }
}
