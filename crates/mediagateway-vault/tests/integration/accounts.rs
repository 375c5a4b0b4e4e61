//! Account operations: details, last use, and resets of one data source or of all.

use crate::common;

use common::*;
use mediagateway_vault::{
    Account, MemoryStore, RecordId, Secret, SecretKind, SqliteStore, Vault, MAX_ID_LEN,
};

/// The same scenario against every store, so all backends behave alike.
fn each_store(scenario: impl Fn(&Vault)) {
    let (_tmp, dir) = scratch();
    scenario(&open(&dir));
    let key = || shared_keys();
    let sqlite = SqliteStore::in_memory().expect("in-memory SQLite");
    scenario(&Vault::with_store(Box::new(sqlite), &key()).expect("vault over SQLite in memory"));
    scenario(&Vault::with_store(Box::new(MemoryStore::new()), &key()).expect("vault in memory"));
}

#[test]
fn details_show_everything_but_the_secret() {
    each_store(|vault| {
        let account = full_account("Dora", Secret::refresh_token("details-secret"));
        vault.put(&id("dora"), &account).unwrap();
        let details = vault.details(&id("dora")).unwrap().expect("stored");
        assert_eq!(details, account.summary(&id("dora")));
        assert_eq!(details.secret_kind, SecretKind::RefreshToken);
        assert!(!format!("{details:?}").contains("details-secret"));
        assert!(vault.details(&id("nobody")).unwrap().is_none());
        assert!(vault
            .details(&RecordId::new("", "x"))
            .unwrap_err()
            .is_invalid_input());
    });
}

#[test]
fn touch_records_the_last_use_at_most_once_per_interval() {
    each_store(|vault| {
        let mut account = full_account("Tina", Secret::password("pw"));
        account.last_used = None;
        vault.put(&id("tina"), &account).unwrap();
        let before = chrono::Utc::now();
        assert!(vault.touch(&id("tina")).unwrap());
        let first = vault.get(&id("tina")).unwrap().unwrap();
        let used = first.last_used.expect("touched");
        assert!(used >= before && used <= chrono::Utc::now());
        // Everything else is kept.
        assert_same(
            &first,
            &Account {
                last_used: Some(used),
                ..account.clone()
            },
        );
        // Within the interval, nothing is rewritten.
        assert!(vault.touch(&id("tina")).unwrap());
        assert_eq!(
            vault.get(&id("tina")).unwrap().unwrap().last_used,
            Some(used)
        );
        // An old last use (the fixture's is from 2023) is replaced.
        vault
            .put(&id("old"), &full_account("Old", Secret::None))
            .unwrap();
        assert!(vault.touch(&id("old")).unwrap());
        let touched = vault.get(&id("old")).unwrap().unwrap().last_used.unwrap();
        assert!(touched >= before);
        assert!(!vault.touch(&id("nobody")).unwrap());
        assert!(vault
            .touch(&RecordId::new("ds", ""))
            .unwrap_err()
            .is_invalid_input());
        assert!(mediagateway_vault::TOUCH_INTERVAL.as_secs() >= 1);
    });
}

#[test]
fn resets_keep_service_accounts_and_static_users() {
    each_store(|vault| {
        let put = |rid: &RecordId| {
            vault
                .put(rid, &full_account(&rid.portal_user, Secret::password("p")))
                .unwrap();
        };
        // Enough users to cross the batch size of the internal scan.
        for i in 0..300 {
            put(&RecordId::new("a-source", format!("user-{i:03}")));
        }
        put(&RecordId::service_account("a-source"));
        put(&RecordId::static_user("a-source", "reception"));
        for user in ["x", "y"] {
            put(&RecordId::new("b-source", user));
        }
        put(&RecordId::new("a", "before-a-source"));
        put(&RecordId::service_account("b-source"));

        assert_eq!(
            vault.data_sources().unwrap(),
            ["a-source", "b-source"],
            "the data sources with a service account, past the scan's first batch"
        );
        assert_eq!(vault.reset_data_source("a-source").unwrap(), 300);
        assert_eq!(vault.reset_data_source("a-source").unwrap(), 0);
        assert!(vault
            .get(&RecordId::service_account("a-source"))
            .unwrap()
            .is_some());
        let static_user = RecordId::static_user("a-source", "reception");
        assert_eq!(static_user.static_user_name(), Some("reception"));
        assert!(static_user.is_reserved() && !id("u").is_reserved());
        assert!(vault.get(&static_user).unwrap().is_some());
        assert_eq!(vault.len().unwrap(), 6);

        assert_eq!(vault.reset_all().unwrap(), 3);
        assert_eq!(vault.len().unwrap(), 3);
        assert_eq!(vault.delete_data_source("a-source").unwrap(), 2);
        assert_eq!(vault.delete_data_source("no-such-source").unwrap(), 0);
        let left: Vec<_> = vault
            .list(None, 0, 10)
            .unwrap()
            .into_iter()
            .map(|s| s.id.to_string())
            .collect();
        assert_eq!(left, ["b-source/@service"]);
        assert_eq!(vault.data_sources().unwrap(), ["b-source"]);
        for bad in ["", &"d".repeat(MAX_ID_LEN + 1)] {
            assert!(vault.reset_data_source(bad).unwrap_err().is_invalid_input());
            assert!(vault
                .delete_data_source(bad)
                .unwrap_err()
                .is_invalid_input());
        }
        let nameless = RecordId::static_user("ds", "");
        assert!(vault
            .put(&nameless, &full_account("n", Secret::None))
            .unwrap_err()
            .is_invalid_input());
    });
}

#[test]
fn the_users_of_one_data_source_come_without_reserved_records_or_secrets() {
    each_store(|vault| {
        let put = |rid: &RecordId| {
            vault
                .put(
                    rid,
                    &full_account(&rid.portal_user, Secret::password("users-secret")),
                )
                .unwrap();
        };
        // Enough users to cross the batch size of the internal scan, in two data sources
        // whose names share a prefix.
        for i in 0..260 {
            put(&RecordId::new("a-source", format!("user-{i:03}")));
        }
        put(&RecordId::service_account("a-source"));
        put(&RecordId::static_user("a-source", "reception"));
        put(&RecordId::new("a-source-2", "elsewhere"));
        put(&RecordId::new("a", "before"));

        let users = vault.users("a-source").unwrap();
        assert_eq!(users.len(), 260);
        assert_eq!(users[0].id, RecordId::new("a-source", "user-000"));
        assert_eq!(users[259].id, RecordId::new("a-source", "user-259"));
        assert!(users.iter().all(|u| !u.id.is_reserved()));
        assert!(users.iter().all(|u| u.id.data_source == "a-source"));
        assert_eq!(users[7].secret_kind, SecretKind::Password);
        assert!(!format!("{users:?}").contains("users-secret"));
        assert_eq!(vault.users("a-source-2").unwrap().len(), 1);
        assert!(vault.users("no-such-source").unwrap().is_empty());
        assert!(vault.users("").unwrap_err().is_invalid_input());
    });
}
