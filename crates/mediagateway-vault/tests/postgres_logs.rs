//! What `PostgresStore` logs on a first open: the cache listener starts after the schema is
//! migrated, so preloading a fresh schema's records does not fail.
//!
//! Alone in its own test binary: the listener logs from its own thread, so the subscriber is
//! the global one.
#![cfg(feature = "postgres")]

#[path = "integration/common/postgres.rs"]
mod pg;

use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mediagateway_vault::{PostgresOptions, PostgresStore, RecordId, Store};

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
fn a_first_open_on_a_fresh_schema_preloads_without_a_warning() {
    let Some(server) = pg::server() else { return };
    let captured = Captured::default();
    let writer = captured.clone();
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::WARN)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish(),
    )
    .expect("the only subscriber of this binary");
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
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(!logs.contains("cannot preload"), "{logs}");
    assert!(!logs.contains("WARN"), "{logs}");
}
