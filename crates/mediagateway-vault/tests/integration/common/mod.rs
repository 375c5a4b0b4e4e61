//! Helpers shared by the integration tests.

use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use mediagateway_vault::{Account, KeyPair, RecordId, Secret, Vault, VaultOptions};
use secrecy::ExposeSecret;
use tempfile::TempDir;

/// A 2048-bit key generated once per test binary; key generation is the slow part of a test.
pub(crate) fn shared_key_pem() -> &'static str {
    static PEM: OnceLock<String> = OnceLock::new();
    PEM.get_or_init(new_key_pem)
}

/// The key pair of [`shared_key_pem`].
pub(crate) fn shared_keys() -> KeyPair {
    KeyPair::from_pkcs8_pem(shared_key_pem()).expect("shared key parses")
}

/// A newly generated 2048-bit key.
pub(crate) fn new_key_pem() -> String {
    KeyPair::generate(2048)
        .expect("key generation")
        .to_pkcs8_pem()
        .expect("PEM encoding")
        .expose_secret()
        .to_owned()
}

/// A temporary directory and the (not yet existing) vault directory inside it.
pub(crate) fn scratch() -> (TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let dir = tmp.path().join("vault");
    (tmp, dir)
}

/// Writes `pem` as the vault's key file (mode 0600), creating the directory.
pub(crate) fn install_key(dir: &Path, pem: &str) {
    fs::create_dir_all(dir).expect("vault directory");
    let path = dir.join(Vault::KEY_FILE);
    let _ = fs::remove_file(&path);
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .expect("key file");
    file.write_all(pem.as_bytes()).expect("write key");
}

/// Opens a vault in `dir` with the shared key.
pub(crate) fn open(dir: &Path) -> Vault {
    if !dir.join(Vault::KEY_FILE).exists() {
        install_key(dir, shared_key_pem());
    }
    Vault::open_with(dir, VaultOptions::new().rsa_bits(2048)).expect("open vault")
}

pub(crate) fn time(secs: i64, nanos: u32) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, nanos).expect("valid time")
}

/// An account with every optional field set.
pub(crate) fn full_account(user: &str, secret: Secret) -> Account {
    Account {
        user_name: user.to_owned(),
        mailbox: Some(format!("{}@contoso.com", user.to_lowercase())),
        server_url: "https://mail.contoso.com/EWS/Exchange.asmx".to_owned(),
        secret,
        fingerprint: Some(format!("fp-{user}")),
        created: time(1_700_000_000, 1),
        updated: time(1_700_000_100, 999_999_999),
        last_used: Some(time(1_700_000_200, 500)),
        attributes: [("role".to_owned(), format!("{user} at work"))].into(),
    }
}

/// The secret text, or `None` for [`Secret::None`].
pub(crate) fn secret_text(secret: &Secret) -> Option<String> {
    match secret {
        Secret::Password(s) | Secret::RefreshToken(s) => Some(s.expose_secret().to_owned()),
        Secret::None => None,
    }
}

/// Asserts every field of two accounts is equal, secrets included.
pub(crate) fn assert_same(a: &Account, b: &Account) {
    assert_eq!(a.user_name, b.user_name);
    assert_eq!(a.mailbox, b.mailbox);
    assert_eq!(a.server_url, b.server_url);
    assert_eq!(a.secret.kind(), b.secret.kind());
    assert_eq!(secret_text(&a.secret), secret_text(&b.secret));
    assert_eq!(a.fingerprint, b.fingerprint);
    assert_eq!(a.created, b.created);
    assert_eq!(a.updated, b.updated);
    assert_eq!(a.last_used, b.last_used);
    assert_eq!(a.attributes, b.attributes);
}

pub(crate) fn id(user: &str) -> RecordId {
    RecordId::new("exchange-main", user)
}

/// Every byte of every file in `dir`.
pub(crate) fn all_file_bytes(dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            out.extend(fs::read(&path).expect("read file"));
        }
    }
    out
}

pub(crate) fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}
