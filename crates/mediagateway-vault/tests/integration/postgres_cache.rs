//! The record cache of `PostgresStore`: several stores on one database never serve a record
//! another has changed or deleted for longer than a notification takes, and a lost listener
//! connection clears the cache.
#![cfg(feature = "postgres")]

use crate::common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use common::{full_account, shared_keys};
use exchange_test_support::postgres::PgServer;
use mediagateway_vault::{
    KeyPair, PostgresOptions, PostgresStore, RecordId, SealedRecord, Secret, Store, Vault,
    WrappedDataKey,
};

/// How long a change may take to reach another store.
const CONVERGE: Duration = Duration::from_secs(5);
/// The listener connections' `application_name`.
const LISTENER: &str = "mediagateway-vault listener";

struct Db {
    server: Arc<PgServer>,
    name: String,
}

impl Db {
    fn new() -> Option<Self> {
        let server = PgServer::shared()?;
        let name = server.create_database();
        Some(Self { server, name })
    }

    fn options(&self) -> PostgresOptions {
        PostgresOptions::new(self.server.connection_string(&self.name)).schema("cached")
    }

    fn open(&self, options: PostgresOptions) -> Arc<PostgresStore> {
        Arc::new(PostgresStore::open(&options).expect("open"))
    }

    fn psql(&self, sql: &str) -> String {
        self.server.psql(&self.name, sql)
    }

    /// Waits until a listener connection of this database exists and has had time to listen.
    fn wait_for_listener(&self) {
        let sql = format!(
            "SELECT count(*) FROM pg_stat_activity
             WHERE application_name = '{LISTENER}' AND datname = current_database()"
        );
        let start = Instant::now();
        while self.psql(&sql) == "0" {
            assert!(start.elapsed() < CONVERGE, "the listener never connected");
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn keys() -> KeyPair {
    shared_keys()
}

/// Polls `check` until it holds or [`CONVERGE`] passes.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < CONVERGE, "{what} did not happen in time");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Lets the notification of a write just made arrive, so a read after it stays cached.
fn settle() {
    std::thread::sleep(Duration::from_millis(500));
}

fn record(user: &str, fill: u8) -> SealedRecord {
    SealedRecord {
        id: RecordId::new("ds", user),
        key_id: "k1".into(),
        sealed: vec![fill; 40],
    }
}

/// Rewrites a record behind the stores' backs: no notification is sent.
fn overwrite_silently(db: &Db, user: &str, fill: u8) {
    db.psql(&format!(
        "UPDATE cached.records SET sealed = decode(repeat('{fill:02x}', 40), 'hex')
         WHERE portal_user = convert_to('{user}', 'UTF8')"
    ));
}

#[test]
fn other_stores_changes_reach_a_cached_reader() {
    let Some(db) = Db::new() else { return };
    let (store_a, store_b) = (db.open(db.options()), db.open(db.options()));
    let a = Vault::with_store(Box::new(store_a.clone()), &keys()).unwrap();
    let b = Vault::with_store(Box::new(store_b.clone()), &keys()).unwrap();
    db.wait_for_listener();
    let id = RecordId::new("ds", "shared");
    a.put(&id, &full_account("first", Secret::password("one")))
        .unwrap();
    for _ in 0..3 {
        assert_eq!(a.get(&id).unwrap().unwrap().user_name, "first");
    }
    b.put(&id, &full_account("second", Secret::password("two")))
        .unwrap();
    eventually("A seeing B's update", || {
        a.get(&id).unwrap().unwrap().user_name == "second"
    });
    assert!(b.delete(&id).unwrap());
    eventually("A seeing B's delete", || a.get(&id).unwrap().is_none());

    let key = WrappedDataKey {
        key_id: "from-b".into(),
        wrapped: vec![7; 32],
        created: Utc::now(),
    };
    assert!(store_b.insert_data_key(&key).unwrap());
    assert!(store_a
        .data_keys()
        .unwrap()
        .iter()
        .any(|k| k.key_id == "from-b"));
}

#[test]
fn every_kind_of_write_invalidates() {
    let Some(db) = Db::new() else { return };
    let (a, b) = (db.open(db.options()), db.open(db.options()));
    db.wait_for_listener();
    let records: Vec<_> = (0..4u8).map(|n| record(&format!("u{n}"), n)).collect();
    b.put_many(&records).unwrap();
    let cached = |a: &PostgresStore| {
        for r in &records {
            a.get(&r.id).unwrap();
        }
    };
    cached(&a);
    let newer: Vec<_> = (0..4u8).map(|n| record(&format!("u{n}"), n + 10)).collect();
    b.put_many(&newer).unwrap();
    eventually("put_many reaching A", || {
        newer
            .iter()
            .all(|r| a.get(&r.id).unwrap().as_ref() == Some(r))
    });
    let replaced = record("u0", 99);
    assert!(b.replace_if_unchanged(&newer[0], &replaced).unwrap());
    eventually("replace reaching A", || {
        a.get(&replaced.id).unwrap() == Some(replaced.clone())
    });
    let ids: Vec<_> = newer[1..3].iter().map(|r| r.id.clone()).collect();
    assert_eq!(b.delete_many(&ids).unwrap(), 2);
    eventually("delete_many reaching A", || {
        ids.iter().all(|id| a.get(id).unwrap().is_none())
    });
    // A's own writes are visible to itself at once.
    let own = record("u3", 42);
    a.put(&own).unwrap();
    assert_eq!(a.get(&own.id).unwrap(), Some(own.clone()));
    assert!(a.delete(&own.id).unwrap());
    assert_eq!(a.get(&own.id).unwrap(), None);
}

#[test]
fn a_lost_listener_connection_clears_the_cache() {
    let Some(db) = Db::new() else { return };
    let a = db.open(db.options());
    let writer = db.open(db.options().cache_records(0));
    db.wait_for_listener();
    let r = record("victim", 1);
    writer.put(&r).unwrap();
    settle();
    assert_eq!(a.get(&r.id).unwrap(), Some(r.clone()));
    overwrite_silently(&db, "victim", 2);
    // Proof the record is cached: without a notification A still answers the old bytes.
    assert_eq!(a.get(&r.id).unwrap(), Some(r.clone()));
    let killed = db.psql(&format!(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
         WHERE application_name = '{LISTENER}' AND datname = current_database()"
    ));
    assert_eq!(killed, "1");
    eventually("A dropping its cache", || {
        a.get(&r.id).unwrap().unwrap().sealed == vec![2; 40]
    });
    // The listener reconnects and A keeps converging.
    db.wait_for_listener();
    let next = record("victim", 3);
    writer.put(&next).unwrap();
    eventually("A seeing the write after reconnecting", || {
        a.get(&r.id).unwrap() == Some(next.clone())
    });
}

#[test]
fn the_cache_can_be_turned_off() {
    let Some(db) = Db::new() else { return };
    let a = db.open(db.options().cache_records(0));
    let r = record("plain", 1);
    a.put(&r).unwrap();
    assert_eq!(a.get(&r.id).unwrap(), Some(r.clone()));
    overwrite_silently(&db, "plain", 5);
    assert_eq!(a.get(&r.id).unwrap().unwrap().sealed, vec![5; 40]);
    let listeners = db.psql(&format!(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = '{LISTENER}'
         AND datname = current_database()"
    ));
    assert_eq!(listeners, "0");
    assert!(format!("{:?}", db.options().cache_records(0)).contains("cache_records: 0"));
}

#[test]
fn a_tiny_cache_still_answers_correctly() {
    let Some(db) = Db::new() else { return };
    let a = db.open(db.options().cache_records(2));
    db.wait_for_listener();
    let records: Vec<_> = (0..5u8).map(|n| record(&format!("t{n}"), n)).collect();
    a.put_many(&records).unwrap();
    for _ in 0..3 {
        for r in &records {
            assert_eq!(a.get(&r.id).unwrap(), Some(r.clone()));
        }
    }
    // Ids too long for a notification payload clear every cache instead.
    let long = record(&"l".repeat(5000), 8);
    a.put(&long).unwrap();
    assert_eq!(a.get(&long.id).unwrap(), Some(long.clone()));
    assert!(a.delete(&long.id).unwrap());
    assert_eq!(a.get(&long.id).unwrap(), None);
}

#[test]
fn hostile_notifications_only_clear_the_cache() {
    let Some(db) = Db::new() else { return };
    let a = db.open(db.options());
    db.wait_for_listener();
    let r = record("h", 1);
    a.put(&r).unwrap();
    settle();
    assert_eq!(a.get(&r.id).unwrap(), Some(r.clone()));
    overwrite_silently(&db, "h", 6);
    assert_eq!(a.get(&r.id).unwrap(), Some(r.clone()), "cached");
    // The channel as the store derives it from the schema name.
    let channel = db.psql(
        "SELECT 'mediagateway_vault_' || substr(encode(sha256(convert_to(
         'mediagateway-vault changes cached', 'UTF8')), 'hex'), 1, 16)",
    );
    db.psql(&format!("SELECT pg_notify('{channel}', 'zz-not-hex')"));
    eventually("A clearing its cache on a payload it cannot read", || {
        a.get(&r.id).unwrap().unwrap().sealed == vec![6; 40]
    });
}

#[test]
fn records_are_preloaded_when_listening_starts() {
    let Some(db) = Db::new() else { return };
    let writer = db.open(db.options().cache_records(0));
    let r = record("early", 1);
    writer.put(&r).unwrap();
    let a = db.open(db.options());
    db.wait_for_listener();
    overwrite_silently(&db, "early", 4);
    // Never read by A, yet answered from its cache: it was preloaded.
    assert_eq!(a.get(&r.id).unwrap(), Some(r.clone()));
    let next = record("early", 5);
    writer.put(&next).unwrap();
    eventually("A seeing a write after preloading", || {
        a.get(&r.id).unwrap() == Some(next.clone())
    });
}

#[test]
fn a_cache_smaller_than_a_preload_page_is_preloaded_too() {
    let Some(db) = Db::new() else { return };
    let writer = db.open(db.options().cache_records(0));
    let (r1, r2) = (record("small-1", 1), record("small-2", 2));
    writer.put(&r1).unwrap();
    writer.put(&r2).unwrap();
    let a = db.open(db.options().cache_records(10));
    db.wait_for_listener();
    overwrite_silently(&db, "small-1", 4);
    overwrite_silently(&db, "small-2", 4);
    // Never read by A, yet answered from its cache: both were preloaded.
    assert_eq!(a.get(&r1.id).unwrap(), Some(r1.clone()));
    assert_eq!(a.get(&r2.id).unwrap(), Some(r2.clone()));
}
