//! What the vault logs: the unencrypted-key warning, damaged records, key rotation and
//! passphrase errors, never a secret, passphrase or key material; and what `PostgresStore`
//! logs on a first open.
//!
//! A test binary of its own, apart from `tests/integration`: the PostgreSQL test installs the
//! global subscriber (its cache listener logs from a thread of its own) and asserts that
//! nothing was logged at WARN, which the other tests' vaults do all the time; and `tracing`,
//! with a single subscriber, decides per call site whether anyone listens on the thread that
//! reaches it first, so a test running beside others without a subscriber could hide events.

use exchange_test_support::capture_logs;
use mediagateway_vault::{Account, RecordId, Secret, Vault, VaultOptions};
use secrecy::SecretString;
use tracing::Level;

const STORED_SECRET: &str = "Stored-Secret-4f1d9c-Zebra";
const STORED_USER: &str = "stored.user.7c2e81";
const STORED_TOKEN: &str = "0.Refresh-Token-b81e77-Quokka";
const PASSPHRASE: &str = "Vault-Passphrase-d41c2a-Ibis";
const WRONG_PASSPHRASE: &str = "Wrong-Passphrase-93aa0f-Lynx";

fn id(user: &str) -> RecordId {
    RecordId::new("exchange-main", user)
}

fn account(secret: Secret) -> Account {
    Account::new(
        STORED_USER,
        "https://mail.contoso.com/EWS/Exchange.asmx",
        secret,
    )
}

#[test]
fn logs_warn_about_the_plain_key_and_never_show_secrets() {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let dir = tmp.path().join("plain");
    let encrypted_dir = tmp.path().join("encrypted");
    let logs = capture_logs(Level::TRACE, || {
        let vault = Vault::open_with(&dir, VaultOptions::new().rsa_bits(2048)).unwrap();
        vault
            .put(&id("u"), &account(Secret::password(STORED_SECRET)))
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
            vault.put(&id(user), &account(secret)).unwrap();
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

#[cfg(feature = "postgres")]
#[test]
fn a_first_open_on_a_fresh_schema_preloads_without_a_warning() {
    use std::time::{Duration, Instant};

    use exchange_test_support::postgres::PgServer;
    use exchange_test_support::CapturedLogs;
    use mediagateway_vault::{PostgresOptions, PostgresStore, Store};

    let Some(server) = PgServer::shared() else {
        return;
    };
    // The cache listener starts after the schema is migrated, so preloading a fresh schema's
    // records does not fail; it logs from its own thread, hence the global subscriber.
    let captured = CapturedLogs::install_global(Level::WARN);
    let dbname = &server.create_database();
    let options = PostgresOptions::new(server.connection_string(dbname)).schema("fresh");
    let store = PostgresStore::open(&options).expect("open");
    let listener = "SELECT count(*) FROM pg_stat_activity
         WHERE application_name = 'mediagateway-vault listener' AND datname = current_database()";
    let start = Instant::now();
    while server.psql(dbname, listener) == "0" {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the listener never connected"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Time to listen and preload.
    std::thread::sleep(Duration::from_millis(500));
    let id = RecordId::new("source", "nobody");
    assert_eq!(store.get(&id).expect("get"), None);
    drop(store);
    let logs = captured.text();
    assert!(!logs.contains("cannot preload"), "{logs}");
    assert!(!logs.contains("WARN"), "{logs}");
}
