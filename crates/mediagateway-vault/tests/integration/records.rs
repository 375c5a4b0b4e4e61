//! Storing, reading, replacing, deleting and listing records, on every store.

use crate::common;

use std::sync::Arc;

use common::*;
use mediagateway_vault::{
    Account, KeyPair, MemoryStore, RecordId, Secret, SecretKind, SqliteStore, Store, Vault,
    VaultError, MAX_ID_LEN, MAX_SECRET_LEN,
};

fn key() -> KeyPair {
    shared_keys()
}

/// The same scenario against every store, so all backends behave alike.
fn each_store(scenario: impl Fn(&Vault)) {
    let (_tmp, dir) = scratch();
    scenario(&open(&dir));
    let sqlite = SqliteStore::in_memory().expect("in-memory SQLite");
    scenario(&Vault::with_store(Box::new(sqlite), &key()).expect("vault over SQLite in memory"));
    scenario(&Vault::with_store(Box::new(MemoryStore::new()), &key()).expect("vault in memory"));
}

#[test]
fn every_field_and_secret_kind_round_trips() {
    each_store(|vault| {
        let accounts = [
            (
                "u-password",
                full_account("Alice", Secret::password("pässwörd \u{1F511}")),
            ),
            (
                "u-token",
                full_account("Bob", Secret::refresh_token("0.AVYA-refresh")),
            ),
            ("u-none", full_account("Carol", Secret::None)),
            (
                "u-minimal",
                Account {
                    mailbox: None,
                    fingerprint: None,
                    last_used: None,
                    attributes: Default::default(),
                    ..full_account("", Secret::password(""))
                },
            ),
        ];
        for (user, account) in &accounts {
            vault.put(&id(user), account).unwrap();
        }
        for (user, account) in &accounts {
            assert_same(&vault.get(&id(user)).unwrap().expect("stored"), account);
        }
        assert_eq!(vault.len().unwrap(), accounts.len());
        assert!(vault.get(&id("nobody")).unwrap().is_none());
        assert!(vault
            .get(&RecordId::new("other-source", "u-token"))
            .unwrap()
            .is_none());
    });
}

#[test]
fn put_replaces_and_delete_removes() {
    each_store(|vault| {
        let rid = RecordId::service_account("exchange-main");
        vault
            .put(&rid, &full_account("svc", Secret::password("first")))
            .unwrap();
        let replacement = full_account("svc2", Secret::refresh_token("second"));
        vault.put(&rid, &replacement).unwrap();
        assert_eq!(vault.len().unwrap(), 1);
        assert_same(&vault.get(&rid).unwrap().unwrap(), &replacement);

        assert!(vault.delete(&rid).unwrap());
        assert!(!vault.delete(&rid).unwrap());
        assert!(vault.get(&rid).unwrap().is_none());
        assert!(vault.is_empty().unwrap());
    });
}

#[test]
fn list_filters_without_case_and_pages() {
    each_store(|vault| {
        for i in 0..600 {
            let user = if i % 3 == 0 {
                format!("Alice{i:03}")
            } else {
                format!("bob{i:03}")
            };
            let mut account = full_account(&user, Secret::password(format!("pw{i}")));
            account.mailbox = (i % 2 == 0).then(|| format!("box{i:03}@Contoso.COM"));
            vault.put(&id(&format!("guid-{i:03}")), &account).unwrap();
        }
        // Unfiltered listing, in id order, crossing the internal batch size.
        let all = vault.list(None, 0, 1000).unwrap();
        assert_eq!(all.len(), 600);
        assert!(all.windows(2).all(|w| w[0].id < w[1].id));
        assert_eq!(all[0].secret_kind, SecretKind::Password);
        let page = vault.list(None, 250, 20).unwrap();
        assert_eq!(page, all[250..270].to_vec());
        assert!(vault.list(None, 600, 10).unwrap().is_empty());
        assert!(vault.list(None, 0, 0).unwrap().is_empty());
        assert_eq!(vault.list(Some(""), 0, 1000).unwrap().len(), 600);

        // User name, case-insensitive.
        let alices = vault.list(Some("aLiCe"), 0, 1000).unwrap();
        assert_eq!(alices.len(), 200);
        assert!(alices.iter().all(|s| s.user_name.starts_with("Alice")));
        let second_page = vault.list(Some("ALICE"), 195, 10).unwrap();
        assert_eq!(second_page, alices[195..].to_vec());

        // Mailbox and portal user.
        assert_eq!(
            vault.list(Some("@contoso.com"), 0, 1000).unwrap().len(),
            300
        );
        let one = vault.list(Some("GUID-007"), 0, 10).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].id, id("guid-007"));
        assert!(vault.list(Some("no such user"), 0, 10).unwrap().is_empty());
        assert_eq!(vault.list(Some("bob"), 300, 1000).unwrap().len(), 100);
    });
}

#[test]
fn reopening_from_disk_reads_everything_back() {
    let (_tmp, dir) = scratch();
    let accounts: Vec<_> = (0..50)
        .map(|i| {
            let secret = match i % 3 {
                0 => Secret::password(format!("pw-{i}")),
                1 => Secret::refresh_token(format!("rt-{i}")),
                _ => Secret::None,
            };
            (
                id(&format!("user-{i}")),
                full_account(&format!("User{i}"), secret),
            )
        })
        .collect();
    let key_id = {
        let vault = open(&dir);
        for (rid, account) in &accounts {
            vault.put(rid, account).unwrap();
        }
        vault.key_id().to_owned()
    };
    let vault = open(&dir);
    assert_eq!(vault.key_id(), key_id);
    assert_eq!(vault.key_id(), key().key_id());
    assert_eq!(vault.len().unwrap(), accounts.len());
    for (rid, account) in &accounts {
        assert_same(&vault.get(rid).unwrap().unwrap(), account);
    }
}

#[test]
fn overlong_ids_and_secrets_are_invalid_input() {
    let vault = Vault::with_store(Box::new(MemoryStore::new()), &key()).unwrap();
    let ok = full_account("a", Secret::password("p"));
    let long = "x".repeat(MAX_ID_LEN + 1);
    let bad_ids = [
        RecordId::new("", "u"),
        RecordId::new("ds", ""),
        RecordId::new(long.clone(), "u"),
        RecordId::new("ds", long.clone()),
    ];
    for rid in &bad_ids {
        assert!(
            vault.put(rid, &ok).unwrap_err().is_invalid_input(),
            "{rid:?}"
        );
        assert!(vault.get(rid).unwrap_err().is_invalid_input());
        assert!(vault.delete(rid).unwrap_err().is_invalid_input());
    }
    let edge = RecordId::new("d".repeat(MAX_ID_LEN), "u".repeat(MAX_ID_LEN));
    vault.put(&edge, &ok).unwrap();
    assert!(vault.get(&edge).unwrap().is_some());

    let at_limit = full_account("a", Secret::refresh_token("t".repeat(MAX_SECRET_LEN)));
    vault.put(&id("big"), &at_limit).unwrap();
    assert_same(&vault.get(&id("big")).unwrap().unwrap(), &at_limit);
    for secret in [
        Secret::password("p".repeat(MAX_SECRET_LEN + 1)),
        Secret::refresh_token("t".repeat(MAX_SECRET_LEN + 1)),
    ] {
        let err = vault
            .put(&id("too-big"), &full_account("a", secret))
            .unwrap_err();
        assert!(
            matches!(
                err,
                VaultError::InvalidInput {
                    field: "secret",
                    ..
                }
            ),
            "{err}"
        );
    }
    assert!(vault.get(&id("too-big")).unwrap().is_none());
    assert_eq!(vault.len().unwrap(), 2);
}

#[test]
fn concurrent_readers_and_writers() {
    let (_tmp, dir) = scratch();
    let vault = Arc::new(open(&dir));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let vault = Arc::clone(&vault);
            std::thread::spawn(move || {
                for i in 0..50 {
                    let rid = id(&format!("t{t}-u{i}"));
                    let account =
                        full_account(&format!("T{t}U{i}"), Secret::password(format!("{t}/{i}")));
                    vault.put(&rid, &account).unwrap();
                    let back = vault.get(&rid).unwrap().unwrap();
                    assert_eq!(secret_text(&back.secret).unwrap(), format!("{t}/{i}"));
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("worker thread");
    }
    assert_eq!(vault.len().unwrap(), 200);
}

#[test]
fn stores_scan_in_id_order_after_a_cursor() {
    let stores: [Box<dyn Store>; 2] = [
        Box::new(SqliteStore::in_memory().unwrap()),
        Box::new(MemoryStore::new()),
    ];
    for store in stores {
        let vault_key = key();
        let vault = Vault::with_store(store, &vault_key).unwrap();
        for user in ["b", "a", "c", "ab"] {
            vault
                .put(
                    &RecordId::new("ds", user),
                    &full_account(user, Secret::None),
                )
                .unwrap();
        }
        vault
            .put(&RecordId::new("cs", "z"), &full_account("z", Secret::None))
            .unwrap();
        let order: Vec<_> = vault
            .list(None, 0, 10)
            .unwrap()
            .into_iter()
            .map(|s| s.id.to_string())
            .collect();
        assert_eq!(order, ["cs/z", "ds/a", "ds/ab", "ds/b", "ds/c"]);
    }
    let store = MemoryStore::new();
    let vault = Vault::with_store(Box::new(store), &key()).unwrap();
    assert!(format!("{vault:?}").contains("MemoryStore"));
}

#[test]
fn scan_contract_on_raw_stores() {
    let stores: [Box<dyn Store>; 2] = [
        Box::new(SqliteStore::in_memory().unwrap()),
        Box::new(MemoryStore::new()),
    ];
    for store in stores {
        for user in ["a", "b", "c", "d"] {
            store
                .put(&mediagateway_vault::SealedRecord {
                    id: RecordId::new("ds", user),
                    key_id: "k".into(),
                    sealed: user.as_bytes().to_vec(),
                })
                .unwrap();
        }
        let users = |after: Option<&RecordId>, offset, limit| -> Vec<String> {
            store
                .scan(after, offset, limit)
                .unwrap()
                .into_iter()
                .map(|r| r.id.portal_user)
                .collect()
        };
        assert_eq!(users(None, 0, 10), ["a", "b", "c", "d"]);
        assert_eq!(users(None, 1, 2), ["b", "c"]);
        assert_eq!(users(Some(&RecordId::new("ds", "b")), 0, 10), ["c", "d"]);
        assert_eq!(users(Some(&RecordId::new("ds", "b")), 1, 10), ["d"]);
        assert_eq!(users(Some(&RecordId::new("ds", "bb")), 0, 1), ["c"]);
        assert!(users(None, usize::MAX, usize::MAX).is_empty());
        assert_eq!(
            store.schema_version().unwrap(),
            mediagateway_vault::SCHEMA_VERSION
        );
        assert_eq!(store.len().unwrap(), 4);
        assert!(store.get(&RecordId::new("ds", "zz")).unwrap().is_none());
        assert_eq!(
            store
                .get(&RecordId::new("ds", "c"))
                .unwrap()
                .unwrap()
                .sealed,
            b"c"
        );
    }
}
