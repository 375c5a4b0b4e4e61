//! Opening the database stores: many openers at once migrate once, a version-1 database written
//! by older code opens, a newer one is refused, and the PostgreSQL store works from inside an
//! async runtime.

use std::sync::{Arc, Barrier};

use mediagateway_vault::{RecordId, SqliteStore, Store, SCHEMA_VERSION};

const OPENERS: usize = 8;

/// Runs `open` on several threads released at the same instant; all must succeed.
fn open_at_once<S: Store + 'static>(open: impl Fn() -> S + Send + Sync + 'static) -> Vec<S> {
    let open = Arc::new(open);
    let barrier = Arc::new(Barrier::new(OPENERS));
    let threads: Vec<_> = (0..OPENERS)
        .map(|_| {
            let (open, barrier) = (open.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                open()
            })
        })
        .collect();
    threads
        .into_iter()
        .map(|t| t.join().expect("an opener panicked"))
        .collect()
}

#[test]
fn sqlite_openers_at_once_migrate_once() {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let path = tmp.path().join("vault.db");
    let stores = open_at_once(move || SqliteStore::open(&path).expect("open"));
    for store in &stores {
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    }
}

/// A store opened on version-1 tables is at the current version and still holds the record
/// the version-1 fixture wrote; the store is closed on return.
fn assert_upgraded_keeping_record(store: impl Store) {
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let old = store
        .get(&RecordId::new("ds", "old"))
        .unwrap()
        .expect("kept");
    assert_eq!(old.sealed, [0, 1, 2, 3]);
}

/// The tables exactly as version 1 of this crate created them, with one record in them.
const SQLITE_V1: &str = "
    CREATE TABLE schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL) STRICT;
    INSERT INTO schema_version VALUES (1, 1);
    CREATE TABLE keys (key_id TEXT PRIMARY KEY NOT NULL, wrapped BLOB NOT NULL, created INTEGER NOT NULL) STRICT;
    CREATE TABLE records (data_source TEXT NOT NULL, portal_user TEXT NOT NULL, key_id TEXT NOT NULL,
        sealed BLOB NOT NULL, PRIMARY KEY (data_source, portal_user)) STRICT, WITHOUT ROWID;";

#[test]
fn sqlite_version_one_database_opens_and_newer_is_refused() {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let path = tmp.path().join("vault.db");
    let conn = rusqlite::Connection::open(&path).expect("create");
    conn.execute_batch(SQLITE_V1).expect("version 1 tables");
    conn.execute(
        "INSERT INTO records VALUES ('ds', 'old', 'k', x'00010203')",
        [],
    )
    .expect("old record");
    assert_upgraded_keeping_record(SqliteStore::open(&path).expect("open version 1"));

    conn.execute("UPDATE schema_version SET version = 99", [])
        .expect("pretend newer code wrote it");
    let err = SqliteStore::open(&path).expect_err("newer schema");
    assert!(err.is_schema_too_new(), "{err}");
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    use crate::common::{full_account, shared_keys};
    use exchange_test_support::postgres::PgServer;
    use mediagateway_vault::{KeyPair, PostgresOptions, PostgresStore, Secret, Vault};

    fn keys() -> KeyPair {
        shared_keys()
    }

    /// A new database: the server, options for `schema` in it, and its name.
    fn fresh(schema: &str) -> Option<(Arc<PgServer>, PostgresOptions, String)> {
        let server = PgServer::shared()?;
        let db = server.create_database();
        let options = PostgresOptions::new(server.connection_string(&db)).schema(schema);
        Some((server, options, db))
    }

    #[test]
    fn openers_at_once_migrate_once() {
        let Some((_server, options, _)) = fresh("racy") else {
            return;
        };
        let stores = open_at_once(move || PostgresStore::open(&options).expect("open"));
        for store in &stores {
            assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        }
    }

    #[test]
    fn version_one_database_opens_and_newer_is_refused() {
        let Some((server, options, db)) = fresh("legacy") else {
            return;
        };
        server.psql(
            &db,
            "CREATE SCHEMA legacy;
             CREATE TABLE legacy.schema_version (id integer PRIMARY KEY CHECK (id = 1), version bigint NOT NULL);
             INSERT INTO legacy.schema_version VALUES (1, 1);
             CREATE TABLE legacy.keys (key_id text PRIMARY KEY, wrapped bytea NOT NULL, created bigint NOT NULL);
             CREATE TABLE legacy.records (data_source bytea NOT NULL, portal_user bytea NOT NULL,
                 key_id text NOT NULL, sealed bytea NOT NULL, PRIMARY KEY (data_source, portal_user));
             INSERT INTO legacy.records VALUES ('ds'::bytea, 'old'::bytea, 'k', '\\x00010203');",
        );
        assert_upgraded_keeping_record(PostgresStore::open(&options).expect("open version 1"));

        server.psql(&db, "UPDATE legacy.schema_version SET version = 99");
        let err = PostgresStore::open(&options).expect_err("newer schema");
        assert!(err.is_schema_too_new(), "{err}");
    }

    #[test]
    fn hostile_database_contents_are_typed_errors() {
        let Some((server, options, db)) = fresh("hostile") else {
            return;
        };
        let store = PostgresStore::open(&options).expect("open");
        server.psql(
            &db,
            "INSERT INTO hostile.records VALUES ('ds'::bytea, '\\xff00'::bytea, 'k', '')",
        );
        let err = store.scan(None, 0, 10).expect_err("not UTF-8");
        assert!(err.is_storage(), "{err}");
        server.psql(&db, "UPDATE hostile.schema_version SET version = -1");
        let err = store.schema_version().expect_err("negative version");
        assert!(err.is_storage(), "{err}");
        drop(store);
        let err = PostgresStore::open(&options).expect_err("negative version");
        assert!(err.is_storage(), "{err}");
        server.psql(&db, "DROP SCHEMA hostile CASCADE");
        let reopened = PostgresStore::open(&options).expect("recreated");
        assert_eq!(reopened.len().unwrap(), 0);
    }

    #[test]
    fn store_reconnects_after_its_connection_is_killed() {
        let Some((server, options, db)) = fresh("reconnect") else {
            return;
        };
        let store = PostgresStore::open(&options.connections(1)).expect("open");
        let id = RecordId::new("ds", "u");
        assert_eq!(store.get(&id).unwrap(), None);
        server.psql(
            &db,
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        );
        // The call that finds the connection dead fails as a storage error; the next reconnects.
        let mut outcomes = Vec::new();
        for _ in 0..3 {
            let outcome = store.get(&id);
            let done = outcome.is_ok();
            outcomes.push(outcome);
            if done {
                break;
            }
        }
        let last = outcomes.pop().expect("one call at least");
        assert_eq!(last.expect("reconnected"), None);
        for failed in outcomes {
            assert!(failed.expect_err("failed").is_storage());
        }
    }

    #[test]
    fn schemas_keep_vaults_apart() {
        let Some((_server, one, _)) = fresh("one") else {
            return;
        };
        let two = one.clone().schema("two");
        let (one, two) = (
            PostgresStore::open(&one).unwrap(),
            PostgresStore::open(&two).unwrap(),
        );
        let vault = Vault::with_store(Box::new(one), &keys()).unwrap();
        let id = RecordId::new("ds", "alice");
        vault
            .put(&id, &full_account("alice", Secret::password("pw")))
            .unwrap();
        assert_eq!(two.get(&id).unwrap(), None);
        assert!(two.data_keys().unwrap().is_empty());
    }

    #[test]
    fn unreachable_server_is_a_storage_error() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let options = PostgresOptions::new(format!("host=127.0.0.1 port={port} user=x dbname=x"));
        let err = PostgresStore::open(&options).expect_err("nobody listens");
        assert!(err.is_storage(), "{err}");
    }

    async fn use_from_async(options: PostgresOptions) {
        let store = PostgresStore::open(&options).expect("open inside a runtime");
        let vault = Vault::with_store(Box::new(store), &keys()).unwrap();
        let id = RecordId::new("ds", "async");
        vault
            .put(&id, &full_account("async", Secret::password("pw")))
            .unwrap();
        tokio::task::yield_now().await;
        assert_eq!(vault.get(&id).unwrap().expect("stored").user_name, "async");
        assert_eq!(vault.list(Some("ASYNC"), 0, 10).unwrap().len(), 1);
        drop(vault);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn works_inside_a_current_thread_runtime() {
        let Some((_server, options, _)) = fresh("async_one") else {
            return;
        };
        use_from_async(options).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn works_inside_a_multi_thread_runtime() {
        let Some((_server, options, _)) = fresh("async_many") else {
            return;
        };
        use_from_async(options).await;
    }
}
