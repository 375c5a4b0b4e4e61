//! Secrets never reach the database file in clear or a `Debug` output.

use crate::common;

use std::time::Duration;

use common::*;
use mediagateway_vault::{Account, RecordId, Secret, SessionAccounts};

const STORED_SECRET: &str = "Stored-Secret-4f1d9c-Zebra";
const STORED_USER: &str = "stored.user.7c2e81";
const SESSION_SECRET: &str = "Session-Secret-b83a02-Quokka";
const SESSION_USER: &str = "session.user.91d3aa";

#[test]
fn session_accounts_and_stored_secrets_never_appear_in_the_files() {
    let (_tmp, dir) = scratch();
    let vault = open(&dir);
    let sessions = SessionAccounts::new();
    vault
        .put(
            &id("stored"),
            &full_account(STORED_USER, Secret::password(STORED_SECRET)),
        )
        .unwrap();
    sessions
        .put(
            &id("session"),
            full_account(SESSION_USER, Secret::refresh_token(SESSION_SECRET)),
            Duration::from_secs(600),
        )
        .unwrap();
    // Replace once so an older version of the record could linger in free pages.
    vault
        .put(
            &id("stored"),
            &full_account(STORED_USER, Secret::password(STORED_SECRET)),
        )
        .unwrap();
    assert!(sessions.get(&id("session")).is_some());
    assert!(
        vault.get(&id("session")).unwrap().is_none(),
        "session accounts are not stored"
    );

    let check = |bytes: &[u8], when: &str| {
        assert!(!bytes.is_empty());
        // The portal user is in clear (it is the lookup key); proves the search works.
        assert!(contains(bytes, "exchange-main"), "{when}: sanity check");
        for needle in [STORED_SECRET, STORED_USER, SESSION_SECRET, SESSION_USER] {
            assert!(
                !contains(bytes, needle),
                "{when}: {needle} found in the vault files"
            );
        }
    };
    check(&all_file_bytes(&dir), "while open");
    drop(vault);
    check(&all_file_bytes(&dir), "after close");
    assert!(sessions.get(&id("session")).is_some());
}

#[test]
fn debug_output_never_shows_secrets() {
    let (_tmp, dir) = scratch();
    let vault = open(&dir);
    let account = full_account(STORED_USER, Secret::password(STORED_SECRET));
    vault.put(&id("u"), &account).unwrap();
    let read_back = vault.get(&id("u")).unwrap().unwrap();
    let sessions = SessionAccounts::new();
    sessions
        .put(
            &id("s"),
            full_account(SESSION_USER, Secret::refresh_token(SESSION_SECRET)),
            Duration::from_secs(60),
        )
        .unwrap();

    let texts = [
        format!("{account:?}"),
        format!("{account:#?}"),
        format!("{read_back:?}"),
        format!("{:?}", Secret::password(STORED_SECRET)),
        format!("{:?}", Secret::refresh_token(SESSION_SECRET)),
        format!("{vault:?}"),
        format!("{vault:#?}"),
        format!("{sessions:?}"),
        format!("{:?}", sessions.get(&id("s")).unwrap()),
        format!("{:?}", vault.list(None, 0, 10).unwrap()),
    ];
    for text in &texts {
        assert!(!text.contains(STORED_SECRET), "{text}");
        assert!(!text.contains(SESSION_SECRET), "{text}");
    }
    assert!(
        texts[0].contains(STORED_USER),
        "Debug still shows the other fields"
    );
    assert!(texts[0].contains("REDACTED"));
    assert!(texts[5].contains(&vault.key_id()));
}

#[test]
fn session_entries_expire_on_the_real_clock() {
    let sessions = SessionAccounts::new();
    let rid = RecordId::new("exchange-main", "guid-1");
    sessions
        .put(
            &rid,
            Account::new("u", "https://x", Secret::password("p")),
            Duration::from_millis(300),
        )
        .unwrap();
    assert!(sessions.get(&rid).is_some());
    std::thread::sleep(Duration::from_millis(400));
    assert!(sessions.get(&rid).is_none());
    assert!(sessions.is_empty());
}
