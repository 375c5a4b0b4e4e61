//! Two processes open the same new vault at the same moment and write into it concurrently; in
//! the end every record of both is there and readable. Run against each database store.
//!
//! The writers are this test binary itself, started again with `VAULT_WRITER` set: the
//! `writer_process` test then plays the writer instead of being a no-op.

use crate::common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{full_account, shared_key_pem, shared_keys};
use mediagateway_vault::{KeyPair, RecordId, Secret, SqliteStore, Store, Vault};

/// Records each writer stores.
const PER_WRITER: usize = 150;
/// How long a writer may take before the test gives up on it.
const WRITER_DEADLINE: Duration = Duration::from_secs(120);

/// Opens the store a writer was told to use: `sqlite:<path>` or `postgres:<connection>`.
fn open_store(target: &str) -> Box<dyn Store> {
    if let Some(path) = target.strip_prefix("sqlite:") {
        return Box::new(SqliteStore::open(Path::new(path)).expect("open SQLite"));
    }
    #[cfg(feature = "postgres")]
    if let Some(connection) = target.strip_prefix("postgres:") {
        use mediagateway_vault::{PostgresOptions, PostgresStore};
        let options = PostgresOptions::new(connection).schema("shared");
        return Box::new(PostgresStore::open(&options).expect("open PostgreSQL"));
    }
    panic!("unknown store {target}");
}

fn record_id(writer: &str, n: usize) -> RecordId {
    RecordId::new("ds", format!("{writer}-{n:04}"))
}

#[test]
fn writer_process() {
    let (Ok(target), Ok(name), Ok(key_file)) = (
        std::env::var("VAULT_WRITER"),
        std::env::var("VAULT_WRITER_NAME"),
        std::env::var("VAULT_WRITER_KEY"),
    ) else {
        return; // An ordinary test run: nothing to do.
    };
    let pem = std::fs::read_to_string(key_file).expect("key file");
    let keys = KeyPair::from_pkcs8_pem(&pem).expect("key");
    let vault = Vault::with_store(open_store(&target), &keys).expect("open vault");
    for n in 0..PER_WRITER {
        let id = record_id(&name, n);
        let account = full_account(&format!("{name}{n}"), Secret::password(format!("pw-{n}")));
        vault.put(&id, &account).expect("put");
        assert!(vault.get(&id).expect("get").is_some());
    }
}

fn spawn_writer(target: &str, name: &str, key_file: &Path) -> Child {
    Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "concurrent_writers::writer_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("VAULT_WRITER", target)
        .env("VAULT_WRITER_NAME", name)
        .env("VAULT_WRITER_KEY", key_file)
        .stdout(Stdio::null())
        .spawn()
        .expect("writer starts")
}

/// Waits for a writer; one that overruns the deadline is killed by its process id.
fn wait_for(mut child: Child) {
    let deadline = Instant::now() + WRITER_DEADLINE;
    loop {
        if let Some(status) = child.try_wait().expect("writer status") {
            assert!(status.success(), "writer {} failed: {status}", child.id());
            return;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("writer {} did not finish in time", child.id());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs two writers on `target` at once, then checks every record with a store of its own.
fn two_writers(target: &str) {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let key_file = tmp.path().join("key.pem");
    std::fs::write(&key_file, shared_key_pem()).expect("key file");
    let writers = [
        spawn_writer(target, "left", &key_file),
        spawn_writer(target, "right", &key_file),
    ];
    for writer in writers {
        wait_for(writer);
    }
    let keys = shared_keys();
    let vault = Vault::with_store(open_store(target), &keys).expect("open vault");
    assert_eq!(vault.len().unwrap(), 2 * PER_WRITER);
    for name in ["left", "right"] {
        for n in 0..PER_WRITER {
            let account = vault
                .get(&record_id(name, n))
                .expect("readable")
                .expect("present");
            assert_eq!(account.user_name, format!("{name}{n}"));
            assert_eq!(
                common::secret_text(&account.secret).as_deref(),
                Some(format!("pw-{n}").as_str())
            );
        }
    }
    assert_eq!(
        vault.list(None, 0, usize::MAX).unwrap().len(),
        2 * PER_WRITER
    );
}

#[test]
fn two_processes_write_one_sqlite_vault() {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let path = tmp.path().join("vault.db");
    two_writers(&format!("sqlite:{}", path.display()));
}

#[cfg(feature = "postgres")]
#[test]
fn two_processes_write_one_postgres_vault() {
    let Some(server) = exchange_test_support::postgres::PgServer::shared() else {
        return;
    };
    let db = server.create_database();
    two_writers(&format!("postgres:{}", server.connection_string(&db)));
}
