//! The gateway's self-signed certificate: made once with private files, then reused.

use mediagateway_grpc::tls::{self, ClientTls, ServerTls, TlsError};
use tempfile::TempDir;

use crate::pki;
use crate::support::{client, fixed_status, serve, status};

#[tokio::test]
async fn the_self_signed_certificate_is_made_once_and_trusted_by_its_fingerprint() {
    let dir = TempDir::new().expect("a temp dir");
    let settings = ServerTls::self_signed(dir.path()).extra_name("gateway.invalid");
    let (certificate_path, key_path) = (settings.certificate_path(), settings.key_path());
    assert_eq!(certificate_path, dir.path().join("tls/gateway-cert.pem"));
    assert_eq!(key_path, dir.path().join("tls/gateway-key.pem"));
    let first = settings.load_or_create().expect("made");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &std::path::Path| {
            std::fs::metadata(path)
                .expect("exists")
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode(&key_path), 0o600);
        assert_eq!(mode(&dir.path().join("tls")), 0o700);
    }
    let again = ServerTls::self_signed_in(dir.path()).expect("loaded");
    assert_eq!(again.fingerprint(), first.fingerprint());
    assert_eq!(
        tls::certificate_fingerprint(&certificate_path).expect("a certificate"),
        first.fingerprint()
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("tls"))
        .expect("the directory exists")
        .map(|entry| entry.expect("an entry").file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "{leftovers:?}");

    let server = serve(Some(again)).await;
    let pinned = ClientTls::pinned_fingerprint(first.fingerprint()).expect("valid");
    let reply = status(&client(server.address, Some(pinned))).await;
    assert_eq!(reply.expect("trusted by its fingerprint"), fixed_status());
}

#[test]
fn a_corrupted_key_file_is_a_typed_error() {
    let dir = TempDir::new().expect("a temp dir");
    let settings = ServerTls::self_signed(dir.path());
    let key_path = settings.key_path();
    settings.load_or_create().expect("made");
    std::fs::write(
        &key_path,
        "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n",
    )
    .expect("writable");
    let error = ServerTls::self_signed_in(dir.path()).expect_err("the key is corrupted");
    assert!(
        matches!(
            error,
            TlsError::NotPem {
                expected: "private key",
                ..
            }
        ),
        "{error}"
    );
    // Another valid key is refused too, rather than a new certificate made.
    std::fs::write(&key_path, pki::self_signed(&["localhost"]).key).expect("writable");
    let error = ServerTls::self_signed_in(dir.path()).expect_err("another key");
    assert!(matches!(error, TlsError::KeyMismatch { .. }), "{error}");
}

#[test]
fn a_certificate_without_its_key_is_not_replaced() {
    let dir = TempDir::new().expect("a temp dir");
    let settings = ServerTls::self_signed(dir.path());
    let (certificate_path, key_path) = (settings.certificate_path(), settings.key_path());
    let first = settings.load_or_create().expect("made");
    std::fs::remove_file(&key_path).expect("removable");
    let error = ServerTls::self_signed_in(dir.path()).expect_err("the key is gone");
    assert!(matches!(error, TlsError::Incomplete { .. }), "{error}");
    assert_eq!(
        tls::certificate_fingerprint(&certificate_path).expect("still there"),
        first.fingerprint()
    );
}

#[test]
fn unusable_pem_files_are_typed_errors() {
    let dir = TempDir::new().expect("a temp dir");
    let (certificate, key) = pki::self_signed(&["localhost"]).write(dir.path(), "a");
    let (_, other_key) = pki::self_signed(&["localhost"]).write(dir.path(), "b");
    let missing = dir.path().join("missing.pem");
    let error = ServerTls::from_pem_files(&missing, &key).expect_err("no such file");
    assert!(error.is_missing_file(), "{error}");
    let error = ServerTls::from_pem_files(&key, &key).expect_err("a key is no certificate");
    assert!(
        matches!(
            error,
            TlsError::NotPem {
                expected: "certificate",
                ..
            }
        ),
        "{error}"
    );
    let error = ServerTls::from_pem_files(&certificate, &certificate).expect_err("no key");
    assert!(
        matches!(
            error,
            TlsError::NotPem {
                expected: "private key",
                ..
            }
        ),
        "{error}"
    );
    let error = ServerTls::from_pem_files(&certificate, &other_key).expect_err("mismatch");
    assert!(matches!(error, TlsError::KeyMismatch { .. }), "{error}");
    let error = ServerTls::from_pem_files(&certificate, &key)
        .and_then(|tls| tls.require_client_certificates(&missing))
        .expect_err("no CA bundle");
    assert!(error.is_missing_file(), "{error}");
    let error = ClientTls::ca_bundle_file(&key).expect_err("a key is no CA");
    assert!(error.is_bad_content(), "{error}");
    // The key never shows in an error or in Debug output.
    let key_text = std::fs::read_to_string(&key).expect("readable");
    let body: String = key_text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let tls = ServerTls::from_pem_files(&certificate, &key).expect("usable");
    assert!(!format!("{tls:?}").contains(&body[..16]));
}
