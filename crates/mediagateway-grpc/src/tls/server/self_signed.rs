//! The gateway's self-signed certificate: made once, kept in the data directory, so that its
//! fingerprint (what portals pin) survives restarts.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rcgen::{CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, KeyPair};
use zeroize::Zeroizing;

use super::{ServerTls, HANDSHAKE_TIMEOUT};
use crate::tls::{pem, TlsError};

/// The names every self-signed certificate is for.
const LOCAL_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// Settings of the gateway's self-signed certificate, from
/// [`ServerTls::self_signed`]: kept as `tls/gateway-cert.pem` and `tls/gateway-key.pem` in the
/// data directory.
///
/// The first [`load_or_create`](Self::load_or_create) makes an ECDSA P-256 key and a
/// certificate for `localhost`, `127.0.0.1`, `::1` and the [extra
/// names](Self::extra_name), valid until the year 4096 (clients trust it by its fingerprint,
/// not by its dates). Later calls load the same files, whatever names are given then: delete
/// both files to make a new certificate. On Unix the directory is made `0700` and the key
/// file `0600`; each file is written to a temporary file, synced and renamed into place, the
/// key first, so the certificate's presence means both are complete.
#[derive(Debug, Clone)]
pub struct SelfSigned {
    dir: PathBuf,
    extra_names: Vec<String>,
}

impl SelfSigned {
    pub(super) fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join("tls"),
            extra_names: Vec::new(),
        }
    }

    /// Another name (DNS name or IP address) for the certificate to be made, such as the host
    /// name portals use.
    pub fn extra_name(mut self, name: impl Into<String>) -> Self {
        self.extra_names.push(name.into());
        self
    }

    /// Where the certificate is kept.
    pub fn certificate_path(&self) -> PathBuf {
        self.dir.join("gateway-cert.pem")
    }

    /// Where the private key is kept.
    pub fn key_path(&self) -> PathBuf {
        self.dir.join("gateway-key.pem")
    }

    /// Loads the kept certificate, or makes and keeps one if there is none yet.
    ///
    /// A certificate without its key is an error, [`TlsError::Incomplete`], rather than a
    /// reason to make a new certificate: portals may have pinned the old one. A key without a
    /// certificate is what an interrupted first start leaves, and is replaced.
    pub fn load_or_create(self) -> Result<ServerTls, TlsError> {
        let certificate_path = self.certificate_path();
        let key_path = self.key_path();
        if !exists(&certificate_path)? {
            self.create(&certificate_path, &key_path)?;
        } else if !exists(&key_path)? {
            return Err(TlsError::Incomplete {
                present: certificate_path,
                missing: key_path,
            });
        }
        let key = pem::certified_key_from_files(&certificate_path, &key_path)?;
        ServerTls::new(key, None, HANDSHAKE_TIMEOUT)
    }

    fn create(&self, certificate_path: &Path, key_path: &Path) -> Result<(), TlsError> {
        let generate = |e: rcgen::Error| TlsError::Generate {
            detail: e.to_string(),
        };
        let names: Vec<String> = LOCAL_NAMES
            .iter()
            .map(|&name| name.to_owned())
            .chain(self.extra_names.iter().cloned())
            .collect();
        let mut params = CertificateParams::new(names).map_err(generate)?;
        params.distinguished_name = DistinguishedName::new();
        params
            .distinguished_name
            .push(DnType::CommonName, "MediaGateway");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let key = KeyPair::generate().map_err(generate)?;
        let certificate = params.self_signed(&key).map_err(generate)?;
        create_private_dir(&self.dir)?;
        let key_pem = Zeroizing::new(key.serialize_pem());
        write_atomically(key_path, key_pem.as_bytes(), 0o600)?;
        write_atomically(certificate_path, certificate.pem().as_bytes(), 0o644)?;
        tracing::info!(
            path = %certificate_path.display(),
            fingerprint = %crate::tls::fingerprint_of(certificate.der()),
            "made a self-signed TLS certificate"
        );
        Ok(())
    }
}

fn exists(path: &Path) -> Result<bool, TlsError> {
    path.try_exists().map_err(|source| TlsError::Unreadable {
        path: path.to_owned(),
        source,
    })
}

fn create_private_dir(dir: &Path) -> Result<(), TlsError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|source| TlsError::Store {
        path: dir.to_owned(),
        source,
    })
}

/// Writes `contents` to `path` through a temporary file in the same directory: written,
/// synced, renamed over `path`, and the directory synced, so that `path` holds either nothing
/// or all of it after a crash. `mode` is the file's permissions on Unix.
fn write_atomically(path: &Path, contents: &[u8], mode: u32) -> Result<(), TlsError> {
    let store = |path: &Path| {
        let path = path.to_owned();
        move |source| TlsError::Store { path, source }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    // Unique per process and moment, so two gateways starting on one data folder never write
    // through the same temporary file; `create_new` refuses one that exists all the same.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let temporary = dir.join(format!(".{name}.{}-{nanos:09}.tmp", std::process::id()));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(&temporary).map_err(store(&temporary))?;
    let written = file
        .write_all(contents)
        .and_then(|()| file.sync_all())
        .and_then(|()| {
            drop(file);
            fs::rename(&temporary, path)
        });
    if let Err(e) = written {
        let _ = fs::remove_file(&temporary);
        return Err(store(path)(e));
    }
    sync_dir(dir).map_err(store(dir))
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    // Directories cannot be opened for syncing on Windows; the rename is durable enough there.
    Ok(())
}
