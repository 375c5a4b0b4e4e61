//! Certificates for the tests: CAs, certificates they issue, self-signed ones, written as PEM
//! files into a temporary directory.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};

/// What a certificate is for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Usage {
    Server,
    Client,
}

/// A certificate and its key, in PEM.
pub(crate) struct Issued {
    pub(crate) certificate: String,
    pub(crate) key: String,
}

impl Issued {
    /// Writes `<stem>-cert.pem` and `<stem>-key.pem` into `dir`; returns their paths.
    pub(crate) fn write(&self, dir: &Path, stem: &str) -> (PathBuf, PathBuf) {
        let certificate = dir.join(format!("{stem}-cert.pem"));
        let key = dir.join(format!("{stem}-key.pem"));
        std::fs::write(&certificate, &self.certificate).expect("the temp dir is writable");
        std::fs::write(&key, &self.key).expect("the temp dir is writable");
        (certificate, key)
    }

    /// The certificate's SHA-256 fingerprint, as the crate prints it.
    pub(crate) fn fingerprint(&self, dir: &Path) -> String {
        let path = dir.join("fingerprint-of.pem");
        std::fs::write(&path, &self.certificate).expect("the temp dir is writable");
        mediagateway_grpc::tls::certificate_fingerprint(&path).expect("a PEM certificate")
    }
}

fn params(names: &[&str], usage: Usage) -> CertificateParams {
    let names: Vec<String> = names.iter().map(|&n| n.to_owned()).collect();
    let mut params = CertificateParams::new(names).expect("the test names are valid");
    params
        .distinguished_name
        .push(DnType::CommonName, "mediagateway test");
    params.extended_key_usages = vec![match usage {
        Usage::Server => ExtendedKeyUsagePurpose::ServerAuth,
        Usage::Client => ExtendedKeyUsagePurpose::ClientAuth,
    }];
    params
}

fn key() -> KeyPair {
    KeyPair::generate().expect("ring makes P-256 keys")
}

/// A test CA.
pub(crate) struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Ca {
    pub(crate) fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("no names");
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let issuer = CertifiedIssuer::self_signed(params, key()).expect("a CA can self-sign");
        Self { issuer }
    }

    /// The CA certificate in PEM, a bundle of one.
    pub(crate) fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// Writes the CA certificate as `<stem>.pem` into `dir`.
    pub(crate) fn write(&self, dir: &Path, stem: &str) -> PathBuf {
        let path = dir.join(format!("{stem}.pem"));
        std::fs::write(&path, self.pem()).expect("the temp dir is writable");
        path
    }

    /// A certificate for `names`, valid now.
    pub(crate) fn issue(&self, names: &[&str], usage: Usage) -> Issued {
        self.issue_with(params(names, usage))
    }

    /// A server certificate for `names` that expired in 2020.
    pub(crate) fn issue_expired(&self, names: &[&str]) -> Issued {
        let mut params = params(names, Usage::Server);
        params.not_before = rcgen::date_time_ymd(2019, 1, 1);
        params.not_after = rcgen::date_time_ymd(2020, 1, 1);
        self.issue_with(params)
    }

    fn issue_with(&self, params: CertificateParams) -> Issued {
        let key = key();
        let certificate = params.signed_by(&key, &self.issuer).expect("the CA signs");
        Issued {
            certificate: certificate.pem(),
            key: key.serialize_pem(),
        }
    }
}

/// A self-signed server certificate for `names`.
pub(crate) fn self_signed(names: &[&str]) -> Issued {
    let key = key();
    let certificate = params(names, Usage::Server)
        .self_signed(&key)
        .expect("self-signing works");
    Issued {
        certificate: certificate.pem(),
        key: key.serialize_pem(),
    }
}

/// A self-signed server certificate for `names` that expired in 2020.
pub(crate) fn self_signed_expired(names: &[&str]) -> Issued {
    let key = key();
    let mut params = params(names, Usage::Server);
    params.not_before = rcgen::date_time_ymd(2019, 1, 1);
    params.not_after = rcgen::date_time_ymd(2020, 1, 1);
    let certificate = params.self_signed(&key).expect("self-signing works");
    Issued {
        certificate: certificate.pem(),
        key: key.serialize_pem(),
    }
}
