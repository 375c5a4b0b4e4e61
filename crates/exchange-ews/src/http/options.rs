//! The HTTP options the client and Autodiscover builders share, checked alike for both.

use std::sync::Arc;
use std::time::Duration;

use exchange_auth::AuthStrategy;

use super::connections::{Connections, HttpSettings};
use super::resolve::{AddressCheck, CheckedResolver, HostLookup, SystemLookup};
use crate::EwsError;

/// How a builder's requests authenticate, how long each may take, how large an answer may
/// be, which certificates are trusted besides the built-in roots, and how host names are
/// resolved and their addresses checked.
#[derive(Clone)]
pub(crate) struct HttpOptions {
    pub(crate) auth: Option<Arc<dyn AuthStrategy>>,
    pub(crate) timeout: Duration,
    pub(crate) max_response_bytes: usize,
    /// PEM bundles, read when the connections are made.
    pub(crate) root_certificates: Vec<Vec<u8>>,
    pub(crate) address_check: Option<Arc<dyn AddressCheck>>,
    /// `None`: the system's resolver.
    pub(crate) host_lookup: Option<Arc<dyn HostLookup>>,
}

impl HttpOptions {
    pub(crate) fn new(timeout: Duration, max_response_bytes: usize) -> Self {
        Self {
            auth: None,
            timeout,
            max_response_bytes,
            root_certificates: Vec::new(),
            address_check: None,
            host_lookup: None,
        }
    }

    /// The strategy, once one is given and neither the timeout nor the limit is zero.
    pub(crate) fn checked_auth(&self) -> Result<Arc<dyn AuthStrategy>, EwsError> {
        let auth = self.auth.clone().ok_or_else(|| EwsError::InvalidArgument {
            argument: "auth",
            reason: "no authentication strategy was given".into(),
        })?;
        if self.timeout.is_zero() {
            return Err(EwsError::InvalidArgument {
                argument: "timeout",
                reason: "the timeout is zero".into(),
            });
        }
        if self.max_response_bytes == 0 {
            return Err(EwsError::InvalidArgument {
                argument: "max_response_bytes",
                reason: "the limit is zero".into(),
            });
        }
        Ok(auth)
    }

    /// The connections for `auth`, with the extra roots trusted and host names resolved
    /// through the lookup and the check when either is given; fails on an unusable bundle or
    /// when the TLS backend cannot start.
    pub(crate) fn connections(
        &self,
        auth: &dyn AuthStrategy,
    ) -> Result<Arc<Connections>, EwsError> {
        let mut settings = HttpSettings::new(self.timeout);
        settings.roots = root_certificates(&self.root_certificates)?;
        if self.address_check.is_some() || self.host_lookup.is_some() {
            settings.resolver = Some(Arc::new(CheckedResolver {
                lookup: self
                    .host_lookup
                    .clone()
                    .unwrap_or_else(|| Arc::new(SystemLookup)),
                check: self.address_check.clone(),
            }));
        }
        Connections::new(settings, auth)
    }
}

/// The certificates of the PEM bundles given to `add_root_certificates_pem`, each bundle
/// refused when it holds no certificate or one the TLS backend cannot use.
fn root_certificates(bundles: &[Vec<u8>]) -> Result<Vec<reqwest::Certificate>, EwsError> {
    let mut roots = Vec::new();
    for pem in bundles {
        let invalid = |reason: &str| EwsError::InvalidArgument {
            argument: "root_certificates",
            reason: reason.to_owned(),
        };
        let certificates = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|e| invalid(&format!("not a PEM certificate bundle: {e}")))?;
        if certificates.is_empty() {
            return Err(invalid("the PEM bundle holds no certificate"));
        }
        // The TLS backend reads the certificates only when a client is built.
        let mut probe = reqwest::Client::builder();
        for certificate in &certificates {
            probe = probe.add_root_certificate(certificate.clone());
        }
        probe.build().map_err(|e| {
            invalid(&format!(
                "a certificate of the PEM bundle is not usable: {}",
                std::error::Error::source(&e).map_or_else(|| e.to_string(), ToString::to_string)
            ))
        })?;
        roots.extend(certificates);
    }
    Ok(roots)
}
