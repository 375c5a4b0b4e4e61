//! One conformance suite, run against every store: `MemoryStore`, `SqliteStore` and (with the
//! `postgres` feature and a PostgreSQL installation) `PostgresStore`.

use crate::common;

use std::any::Any;
use std::sync::Arc;

use chrono::DateTime;
use common::{full_account, shared_keys};
use mediagateway_vault::{
    KeyPair, MemoryStore, RecordId, SealedRecord, Secret, SqliteStore, Store, Vault,
    WrappedDataKey, SCHEMA_VERSION,
};

/// A store under test, a way to open a second handle on the same data, and whatever keeps the
/// data alive (a temporary directory, a database server).
struct Harness {
    store: Arc<dyn Store>,
    reopen: Box<dyn Fn() -> Arc<dyn Store>>,
    _keep: Box<dyn Any>,
}

fn memory() -> Option<Harness> {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let same = store.clone();
    Some(Harness {
        store,
        reopen: Box::new(move || same.clone()),
        _keep: Box::new(()),
    })
}

fn sqlite() -> Option<Harness> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("vault.db");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).expect("open"));
    Some(Harness {
        store,
        reopen: Box::new(move || Arc::new(SqliteStore::open(&path).expect("reopen"))),
        _keep: Box::new(dir),
    })
}

#[cfg(feature = "postgres")]
fn postgres() -> Option<Harness> {
    use exchange_test_support::postgres::PgServer;
    use mediagateway_vault::{PostgresOptions, PostgresStore};
    let server = PgServer::shared()?;
    let db = server.create_database();
    let options = PostgresOptions::new(server.connection_string(&db)).schema("suite");
    let store: Arc<dyn Store> = Arc::new(PostgresStore::open(&options).expect("open"));
    Some(Harness {
        store,
        reopen: Box::new(move || Arc::new(PostgresStore::open(&options).expect("reopen"))),
        _keep: Box::new(server),
    })
}

fn keys() -> KeyPair {
    shared_keys()
}

fn rec(source: &str, user: &str, fill: u8) -> SealedRecord {
    SealedRecord {
        id: RecordId::new(source, user),
        key_id: "k1".into(),
        sealed: vec![fill; 40],
    }
}

fn put_get_delete_overwrite(h: &Harness) {
    let s = &h.store;
    assert!(s.is_empty().unwrap());
    let a = rec("ds", "alice", 1);
    assert_eq!(s.get(&a.id).unwrap(), None);
    s.put(&a).unwrap();
    assert_eq!(s.get(&a.id).unwrap(), Some(a.clone()));
    let newer = SealedRecord {
        key_id: "k2".into(),
        ..rec("ds", "alice", 2)
    };
    s.put(&newer).unwrap();
    assert_eq!(s.get(&a.id).unwrap(), Some(newer));
    assert_eq!(s.len().unwrap(), 1);
    assert!(s.delete(&a.id).unwrap());
    assert!(!s.delete(&a.id).unwrap());
    assert_eq!(s.get(&a.id).unwrap(), None);
    assert!(s.is_empty().unwrap());
}

fn odd_ids_round_trip(h: &Harness) {
    let long = "x".repeat(mediagateway_vault::MAX_ID_LEN);
    for (source, user) in [
        ("ds", "nul\0inside"),
        ("ds", "'; DROP TABLE records; --"),
        ("ds", "ünïcödé 🦀"),
        (long.as_str(), long.as_str()),
    ] {
        let r = rec(source, user, 7);
        h.store.put(&r).unwrap();
        assert_eq!(h.store.get(&r.id).unwrap(), Some(r));
    }
    let empty = SealedRecord {
        sealed: Vec::new(),
        ..rec("ds", "empty", 0)
    };
    h.store.put(&empty).unwrap();
    assert_eq!(h.store.get(&empty.id).unwrap(), Some(empty));
    assert_eq!(h.store.len().unwrap(), 5);
}

fn ordering_is_bytewise(h: &Harness) {
    let ids = [
        ("b", "z"),
        ("a", "b"),
        ("a", "B"),
        ("a", "é"),
        ("a", "e"),
        ("A", "z"),
        ("a", "ab"),
        ("a", "a"),
        ("ab", "a"),
    ];
    for ((source, user), i) in ids.iter().zip(0u8..) {
        h.store.put(&rec(source, user, i)).unwrap();
    }
    let mut expected: Vec<RecordId> = ids.iter().map(|(s, u)| RecordId::new(*s, *u)).collect();
    expected.sort_by(|x, y| {
        (x.data_source.as_bytes(), x.portal_user.as_bytes())
            .cmp(&(y.data_source.as_bytes(), y.portal_user.as_bytes()))
    });
    let got: Vec<RecordId> = h
        .store
        .scan(None, 0, 100)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(got, expected);
}

fn scan_pages(h: &Harness) {
    let all: Vec<SealedRecord> = (0..25).map(|i| rec("ds", &format!("u{i:02}"), i)).collect();
    for r in all.iter().rev() {
        h.store.put(r).unwrap();
    }
    let s = &h.store;
    assert_eq!(s.scan(None, 0, 10).unwrap(), all[..10]);
    assert_eq!(s.scan(None, 20, 10).unwrap(), all[20..]);
    assert_eq!(s.scan(Some(&all[9].id), 0, 5).unwrap(), all[10..15]);
    assert_eq!(s.scan(Some(&all[9].id), 3, 5).unwrap(), all[13..18]);
    assert!(s.scan(None, 0, 0).unwrap().is_empty());
    assert!(s.scan(None, 25, 10).unwrap().is_empty());
    assert!(s.scan(None, usize::MAX, usize::MAX).unwrap().is_empty());
    assert_eq!(s.scan(None, 0, usize::MAX).unwrap(), all);
    assert!(s.scan(Some(&all[24].id), 0, 10).unwrap().is_empty());
    // `after` need not exist.
    let between = RecordId::new("ds", "u09x");
    assert_eq!(s.scan(Some(&between), 0, 2).unwrap(), all[10..12]);
    // Paging by `after` visits every record once.
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = s.scan(after.as_ref(), 0, 7).unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.id.clone());
        seen.extend(page);
    }
    assert_eq!(seen, all);
}

fn data_keys(h: &Harness) {
    let s = &h.store;
    assert!(s.data_keys().unwrap().is_empty());
    let key = |id: &str, secs: i64| WrappedDataKey {
        key_id: id.into(),
        wrapped: vec![9; 256],
        created: DateTime::from_timestamp(secs, 123_000).expect("time"),
    };
    assert!(s.insert_data_key(&key("newer", 2_000)).unwrap());
    assert!(s.insert_data_key(&key("older", 1_000)).unwrap());
    assert!(!s.insert_data_key(&key("older", 3_000)).unwrap());
    assert_eq!(
        s.data_keys().unwrap(),
        vec![key("older", 1_000), key("newer", 2_000)]
    );
    assert!(s.delete_data_key("older").unwrap());
    assert!(!s.delete_data_key("older").unwrap());
    assert_eq!(s.data_keys().unwrap(), vec![key("newer", 2_000)]);
}

fn schema_version(h: &Harness) {
    assert_eq!(h.store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!((h.reopen)().schema_version().unwrap(), SCHEMA_VERSION);
}

fn conditional_replace_and_bulk_delete(h: &Harness) {
    let s = &h.store;
    let (a, b, c) = (rec("ds", "a", 1), rec("ds", "b", 2), rec("ds", "c", 3));
    for r in [&a, &b, &c] {
        s.put(r).unwrap();
    }
    let a2 = rec("ds", "a", 9);
    assert!(s.replace_if_unchanged(&a, &a2).unwrap());
    assert!(!s.replace_if_unchanged(&a, &rec("ds", "a", 8)).unwrap());
    assert_eq!(s.get(&a.id).unwrap(), Some(a2));
    let gone = [a.id.clone(), c.id.clone(), RecordId::new("ds", "never")];
    assert_eq!(s.delete_many(&gone).unwrap(), 2);
    assert_eq!(s.delete_many(&[]).unwrap(), 0);
    assert_eq!(s.scan(None, 0, 10).unwrap(), vec![b]);
}

fn vault_list_filters_and_pages(h: &Harness) {
    let vault = Vault::with_store(Box::new(h.store.clone()), &keys()).unwrap();
    for i in 0..30 {
        let user = if i % 3 == 0 {
            format!("CONTOSO\\Alice{i:02}")
        } else {
            format!("bob{i:02}")
        };
        let guid = format!("guid-{i:02}-ABCDEF");
        let account = full_account(&user, Secret::password("pw"));
        vault.put(&RecordId::new("ds", guid), &account).unwrap();
    }
    assert_eq!(vault.list(None, 0, 100).unwrap().len(), 30);
    let alices = vault.list(Some("aLiCe"), 0, 100).unwrap();
    assert_eq!(alices.len(), 10);
    assert!(alices.windows(2).all(|w| w[0].id < w[1].id));
    // Mailboxes are the lowercased user name at contoso.com.
    assert_eq!(vault.list(Some("BOB01@CONTOSO"), 0, 10).unwrap().len(), 1);
    assert_eq!(vault.list(Some("guid-07-abc"), 0, 10).unwrap().len(), 1);
    assert!(vault.list(Some("nobody-here"), 0, 10).unwrap().is_empty());
    let page = vault.list(Some("alice"), 3, 4).unwrap();
    assert_eq!(page, alices[3..7]);
    assert!(vault.list(Some("alice"), 10, 4).unwrap().is_empty());
    assert!(vault.list(None, 0, 0).unwrap().is_empty());
}

fn corrupt_record_fails_alone(h: &Harness) {
    let vault = Vault::with_store(Box::new(h.store.clone()), &keys()).unwrap();
    let ids: Vec<RecordId> = ["a", "b", "c"]
        .iter()
        .map(|u| RecordId::new("ds", *u))
        .collect();
    for id in &ids {
        let account = full_account(&id.portal_user, Secret::password("pw"));
        vault.put(id, &account).unwrap();
    }
    let mut damaged = h.store.get(&ids[1]).unwrap().expect("stored");
    let last = damaged.sealed.len() - 1;
    damaged.sealed[last] ^= 0x01;
    h.store.put(&damaged).unwrap();
    let err = vault.get(&ids[1]).expect_err("damaged record");
    assert!(err.is_corrupt(), "{err}");
    assert_eq!(err.record_id(), Some(&ids[1]));
    assert!(vault.get(&ids[0]).unwrap().is_some());
    assert!(vault.get(&ids[2]).unwrap().is_some());
    let listed: Vec<RecordId> = vault
        .list(None, 0, 10)
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(listed, vec![ids[0].clone(), ids[2].clone()]);
}

fn second_handle_sees_writes(h: &Harness) {
    let first = Vault::with_store(Box::new(h.store.clone()), &keys()).unwrap();
    let second = Vault::with_store(Box::new((h.reopen)()), &keys()).unwrap();
    let id = RecordId::new("ds", "shared");
    first
        .put(&id, &full_account("shared", Secret::password("one")))
        .unwrap();
    let seen = second
        .get(&id)
        .unwrap()
        .expect("written by the other handle");
    assert_eq!(seen.user_name, "shared");
    assert!(second.delete(&id).unwrap());
    assert!(first.get(&id).unwrap().is_none());
}

fn key_rotation_reseals_everything(h: &Harness) {
    static NEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let next = KeyPair::from_pkcs8_pem(NEXT.get_or_init(common::new_key_pem)).expect("key");
    let vault = Vault::with_store(Box::new(h.store.clone()), &keys()).unwrap();
    let ids: Vec<RecordId> = (0..5)
        .map(|i| RecordId::new("ds", format!("u{i}")))
        .collect();
    for id in &ids {
        let account = full_account(&id.portal_user, Secret::password("pw"));
        vault.put(id, &account).unwrap();
    }
    let status = vault.rotate_with(&next).unwrap();
    assert!(status.is_finished());
    let key_ids: Vec<String> = h
        .store
        .data_keys()
        .unwrap()
        .into_iter()
        .map(|k| k.key_id)
        .collect();
    assert_eq!(key_ids, [next.key_id().to_owned()]);
    let reopened = Vault::with_store(Box::new((h.reopen)()), &next).unwrap();
    for id in &ids {
        assert!(reopened.get(id).unwrap().is_some(), "{id}");
    }
}

macro_rules! suite {
    ($store:ident) => {
        mod $store {
            suite!(@tests $store,
                put_get_delete_overwrite, odd_ids_round_trip, ordering_is_bytewise, scan_pages,
                data_keys, schema_version, conditional_replace_and_bulk_delete,
                vault_list_filters_and_pages, corrupt_record_fails_alone,
                second_handle_sees_writes, key_rotation_reseals_everything);
        }
    };
    (@tests $store:ident, $($behaviour:ident),+) => {
        $(
            #[test]
            fn $behaviour() {
                if let Some(harness) = super::$store() {
                    super::$behaviour(&harness);
                }
            }
        )+
    };
}

suite!(memory);
suite!(sqlite);
#[cfg(feature = "postgres")]
suite!(postgres);

/// The bulk writers of the database stores: all records land, replacing same-id ones.
fn bulk_write(store: &dyn Store) {
    store.put(&rec("ds", "u000", 0xee)).unwrap();
    let all: Vec<SealedRecord> = (0..300)
        .map(|i| rec("ds", &format!("u{i:03}"), 1))
        .collect();
    store.put_many(&all).unwrap();
    store.put_many(&[]).unwrap();
    assert_eq!(store.len().unwrap(), 300);
    assert_eq!(store.scan(None, 0, 1000).unwrap(), all);
}

#[test]
fn sqlite_bulk_write() {
    let store = SqliteStore::in_memory().unwrap();
    bulk_write(&store);
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_bulk_write() {
    use exchange_test_support::postgres::PgServer;
    use mediagateway_vault::{PostgresOptions, PostgresStore};
    let Some(server) = PgServer::shared() else {
        return;
    };
    let db = server.create_database();
    let options = PostgresOptions::new(server.connection_string(&db)).connections(1);
    let store = PostgresStore::open(&options).unwrap();
    bulk_write(&store);
}
