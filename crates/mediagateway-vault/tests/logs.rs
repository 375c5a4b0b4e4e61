//! What the vault logs: the unencrypted-key warning, damaged records, key rotation and
//! passphrase errors, never a secret, passphrase or key material.
//!
//! Alone in its own test binary: `tracing` caches per call site whether anyone listens, so a
//! test running in parallel without a subscriber could otherwise hide these events.

#[path = "integration/common/mod.rs"]
mod common;

use std::io;
use std::sync::{Arc, Mutex};

use common::*;
use mediagateway_vault::{Secret, Vault, VaultOptions};
use secrecy::SecretString;

const STORED_SECRET: &str = "Stored-Secret-4f1d9c-Zebra";
const STORED_USER: &str = "stored.user.7c2e81";
const STORED_TOKEN: &str = "0.Refresh-Token-b81e77-Quokka";
const PASSPHRASE: &str = "Vault-Passphrase-d41c2a-Ibis";
const WRONG_PASSPHRASE: &str = "Wrong-Passphrase-93aa0f-Lynx";

/// A log sink the test can read back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn logs_warn_about_the_plain_key_and_never_show_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let (_tmp, dir) = scratch();
    let (_tmp2, encrypted_dir) = scratch();
    tracing::subscriber::with_default(subscriber, || {
        let vault = Vault::open_with(&dir, VaultOptions::new().rsa_bits(2048)).unwrap();
        vault
            .put(
                &id("u"),
                &full_account(STORED_USER, Secret::password(STORED_SECRET)),
            )
            .unwrap();
        vault.get(&id("u")).unwrap();
        vault.list(Some("stored"), 0, 10).unwrap();
        // A damaged record is logged by id when a listing skips it.
        drop(vault);
        let conn = rusqlite::Connection::open(dir.join(Vault::DB_FILE)).unwrap();
        conn.execute("UPDATE records SET sealed = x'00'", [])
            .unwrap();
        drop(conn);
        let vault = Vault::open(&dir).unwrap();
        assert!(vault.list(None, 0, 10).unwrap().is_empty());
        let err = vault.get(&id("u")).unwrap_err();
        tracing::error!(error = %err, "reported by the caller");

        // A full cycle with an encrypted key: put, get, touch, rotate (interrupted and
        // resumed), reopen, and the errors of wrong and missing passphrases.
        let with_passphrase = |p: &str| {
            VaultOptions::new()
                .rsa_bits(2048)
                .passphrase(SecretString::from(p))
        };
        let vault = Vault::open_with(&encrypted_dir, with_passphrase(PASSPHRASE)).unwrap();
        for (user, secret) in [
            ("p", Secret::password(STORED_SECRET)),
            ("t", Secret::refresh_token(STORED_TOKEN)),
        ] {
            vault
                .put(&id(user), &full_account(STORED_USER, secret))
                .unwrap();
            vault.get(&id(user)).unwrap();
            vault.touch(&id(user)).unwrap();
        }
        vault.begin_rotation().unwrap();
        vault.rotation_step(1).unwrap();
        drop(vault);
        let vault = Vault::open_with(&encrypted_dir, with_passphrase(PASSPHRASE)).unwrap();
        vault.rotate().unwrap();
        vault.list(None, 0, 10).unwrap();
        vault.reset_all().unwrap();
        drop(vault);
        for err in [
            Vault::open_with(&encrypted_dir, with_passphrase(WRONG_PASSPHRASE)).unwrap_err(),
            Vault::open_with(&encrypted_dir, VaultOptions::new().no_passphrase()).unwrap_err(),
        ] {
            tracing::error!(error = %err, debug = ?err, "reported by the caller");
        }
    });
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("not encrypted"), "{logs}");
    assert!(logs.contains("skipping unreadable vault record"), "{logs}");
    assert!(logs.contains("exchange-main/u"), "{logs}");
    assert!(logs.contains("key rotation finished"), "{logs}");
    assert!(logs.contains("wrong passphrase"), "{logs}");
    for secret in [STORED_SECRET, STORED_TOKEN, PASSPHRASE, WRONG_PASSPHRASE] {
        assert!(!logs.contains(secret), "{secret} in {logs}");
    }
    assert!(!logs.contains("PRIVATE KEY-----"), "{logs}");
    // No line of any key file's body (plain or encrypted) shows up either.
    for dir in [&dir, &encrypted_dir] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "pem") {
                let pem = std::fs::read_to_string(&path).unwrap();
                for line in pem.lines().filter(|l| !l.starts_with("-----")) {
                    assert!(!logs.contains(line), "key material of {path:?} logged");
                }
            }
        }
    }
}
