//! What the vault logs: the unencrypted-key warning and damaged records, never a secret.
//!
//! Alone in its own test binary: `tracing` caches per call site whether anyone listens, so a
//! test running in parallel without a subscriber could otherwise hide these events.

mod common;

use std::io;
use std::sync::{Arc, Mutex};

use common::*;
use mediagateway_vault::{Secret, Vault, VaultOptions};

const STORED_SECRET: &str = "Stored-Secret-4f1d9c-Zebra";
const STORED_USER: &str = "stored.user.7c2e81";

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
    });
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("not encrypted"), "{logs}");
    assert!(logs.contains("skipping unreadable vault record"), "{logs}");
    assert!(logs.contains("exchange-main/u"), "{logs}");
    assert!(!logs.contains(STORED_SECRET), "{logs}");
    assert!(!logs.contains("BEGIN PRIVATE KEY"), "{logs}");
}
