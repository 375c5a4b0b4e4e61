//! Reading certificates and keys from PEM, and the pieces both sides build their rustls
//! configuration from.

use std::path::Path;
use std::sync::Arc;

use tokio_rustls::rustls::crypto::{ring, CryptoProvider};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::sign::CertifiedKey;
use tokio_rustls::rustls::{self, InconsistentKeys};
use zeroize::Zeroizing;

use super::TlsError;

/// The crypto provider of both sides: ring, whatever provider the process installed.
pub(super) fn provider() -> Arc<CryptoProvider> {
    Arc::new(ring::default_provider())
}

/// The ALPN protocol of gRPC.
pub(super) const ALPN_H2: &[u8] = b"h2";

/// The bytes of `path`, wiped when dropped (the file may hold a private key).
pub(super) fn read(path: &Path) -> Result<Zeroizing<Vec<u8>>, TlsError> {
    std::fs::read(path)
        .map(Zeroizing::new)
        .map_err(|source| TlsError::Unreadable {
            path: path.to_owned(),
            source,
        })
}

/// Every certificate in `pem`, in order; at least one.
pub(super) fn certificates(
    pem: &[u8],
    origin: &str,
) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let not_pem = |detail: String| TlsError::NotPem {
        origin: origin.to_owned(),
        expected: "certificate",
        detail,
    };
    let chain = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| not_pem(e.to_string()))?;
    if chain.is_empty() {
        return Err(not_pem("no CERTIFICATE section".into()));
    }
    Ok(chain)
}

/// The first private key in `pem` (PKCS #8, PKCS #1 or SEC 1).
pub(super) fn private_key(pem: &[u8], origin: &str) -> Result<PrivateKeyDer<'static>, TlsError> {
    // The PEM error says which section was malformed, never its content.
    PrivateKeyDer::from_pem_slice(pem).map_err(|e| TlsError::NotPem {
        origin: origin.to_owned(),
        expected: "private key",
        detail: e.to_string(),
    })
}

/// A certificate chain with its key, checked to belong together.
pub(super) fn certified_key(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    certificate_origin: &str,
    key_origin: &str,
) -> Result<Arc<CertifiedKey>, TlsError> {
    match CertifiedKey::from_der(chain, key, &provider()) {
        Ok(certified) => Ok(Arc::new(certified)),
        Err(rustls::Error::InconsistentKeys(InconsistentKeys::KeyMismatch)) => {
            Err(TlsError::KeyMismatch {
                certificate: certificate_origin.to_owned(),
                key: key_origin.to_owned(),
            })
        }
        Err(e) => Err(TlsError::Unusable {
            origin: format!("{certificate_origin} with {key_origin}"),
            detail: e.to_string(),
        }),
    }
}

/// A certificate chain and key from two PEM files.
pub(super) fn certified_key_from_files(
    certificate_path: &Path,
    key_path: &Path,
) -> Result<Arc<CertifiedKey>, TlsError> {
    let certificate_origin = certificate_path.display().to_string();
    let key_origin = key_path.display().to_string();
    let chain = certificates(&read(certificate_path)?, &certificate_origin)?;
    let key = private_key(&read(key_path)?, &key_origin)?;
    certified_key(chain, key, &certificate_origin, &key_origin)
}

/// The CA certificates of a bundle, as rustls' store; at least one usable.
pub(super) fn root_store(pem: &[u8], origin: &str) -> Result<rustls::RootCertStore, TlsError> {
    let mut roots = rustls::RootCertStore::empty();
    for certificate in certificates(pem, origin)? {
        roots.add(certificate).map_err(|e| TlsError::Unusable {
            origin: origin.to_owned(),
            detail: e.to_string(),
        })?;
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn self_signed() -> (String, String) {
        let key = rcgen::KeyPair::generate().expect("ring makes P-256 keys");
        let params = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
            .expect("localhost is a valid name");
        let certificate = params.self_signed(&key).expect("self-signing works");
        (certificate.pem(), key.serialize_pem())
    }

    #[test]
    fn a_certificate_and_its_key_belong_together() {
        let (certificate, key) = self_signed();
        let chain = certificates(certificate.as_bytes(), "cert").expect("one certificate");
        let key = private_key(key.as_bytes(), "key").expect("one key");
        certified_key(chain, key, "cert", "key").expect("they match");
    }

    #[test]
    fn another_key_is_a_mismatch() {
        let (certificate, _) = self_signed();
        let (_, other_key) = self_signed();
        let chain = certificates(certificate.as_bytes(), "cert").expect("one certificate");
        let key = private_key(other_key.as_bytes(), "key").expect("one key");
        assert!(matches!(
            certified_key(chain, key, "cert", "key"),
            Err(TlsError::KeyMismatch { .. })
        ));
    }

    #[test]
    fn text_that_is_not_pem_is_refused() {
        let (certificate, key) = self_signed();
        for input in ["", "hello", &key] {
            assert!(
                matches!(
                    certificates(input.as_bytes(), "x"),
                    Err(TlsError::NotPem { .. })
                ),
                "{input}"
            );
        }
        for input in ["", "hello", &certificate] {
            assert!(
                matches!(
                    private_key(input.as_bytes(), "x"),
                    Err(TlsError::NotPem { .. })
                ),
                "{input}"
            );
        }
        let truncated = &certificate[..certificate.len() / 2];
        assert!(matches!(
            certificates(truncated.as_bytes(), "x"),
            Err(TlsError::NotPem { .. })
        ));
    }

    #[test]
    fn a_missing_file_says_so() {
        let error = read(Path::new("/nonexistent/gateway-cert.pem")).expect_err("no such file");
        assert!(error.is_missing_file(), "{error}");
    }
}
