//! Damage done to the database directly: each damaged record fails alone as corrupt.

use crate::common;

use std::path::Path;

use common::*;
use mediagateway_vault::{Secret, Vault, VaultError};
use rusqlite::{params, Connection};

const USERS: [&str; 4] = ["alpha", "bravo", "charlie", "delta"];

/// A vault on disk with four records; the vault is closed again so the test can edit the file.
fn vault_with_records(dir: &Path) {
    let vault = open(dir);
    for user in USERS {
        vault
            .put(
                &id(user),
                &full_account(user, Secret::password(format!("secret-{user}"))),
            )
            .unwrap();
    }
}

fn db(dir: &Path) -> Connection {
    Connection::open(dir.join(Vault::DB_FILE)).expect("open the database directly")
}

fn sealed(conn: &Connection, user: &str) -> Vec<u8> {
    conn.query_row(
        "SELECT sealed FROM records WHERE portal_user = ?1",
        [user],
        |row| row.get(0),
    )
    .expect("record exists")
}

fn set_sealed(conn: &Connection, user: &str, bytes: &[u8]) {
    let n = conn
        .execute(
            "UPDATE records SET sealed = ?1 WHERE portal_user = ?2",
            params![bytes, user],
        )
        .unwrap();
    assert_eq!(n, 1);
}

/// Asserts that exactly `broken` fail with the corrupt error naming them, and the rest read.
fn assert_only_broken(dir: &Path, broken: &[&str]) {
    let vault = open(dir);
    for user in USERS {
        let result = vault.get(&id(user));
        if broken.contains(&user) {
            let err = result.expect_err("damaged record must not open");
            assert!(err.is_corrupt(), "{user}: {err}");
            assert_eq!(err.record_id(), Some(&id(user)));
            assert!(err.to_string().contains(user), "{err}");
            assert!(!err.to_string().contains("secret-"), "{err}");
        } else {
            let account = result.unwrap().expect("intact record");
            assert_eq!(
                secret_text(&account.secret).unwrap(),
                format!("secret-{user}")
            );
        }
    }
    // Listing skips the damaged records and still shows the others.
    let listed: Vec<_> = vault
        .list(None, 0, 100)
        .unwrap()
        .into_iter()
        .map(|s| s.id.portal_user)
        .collect();
    let expected: Vec<&str> = USERS.into_iter().filter(|u| !broken.contains(u)).collect();
    assert_eq!(listed, expected);
    assert_eq!(vault.len().unwrap(), USERS.len());
}

#[test]
fn flipped_ciphertext_byte_fails_alone() {
    let (_tmp, dir) = scratch();
    vault_with_records(&dir);
    let conn = db(&dir);
    let mut bytes = sealed(&conn, "bravo");
    bytes[20] ^= 0x40;
    set_sealed(&conn, "bravo", &bytes);
    drop(conn);
    assert_only_broken(&dir, &["bravo"]);
}

#[test]
fn flipped_nonce_or_tag_byte_fails_alone() {
    let (_tmp, dir) = scratch();
    vault_with_records(&dir);
    let conn = db(&dir);
    let mut nonce = sealed(&conn, "alpha");
    nonce[0] ^= 1;
    set_sealed(&conn, "alpha", &nonce);
    let mut tag = sealed(&conn, "delta");
    let last = tag.len() - 1;
    tag[last] ^= 0x80;
    set_sealed(&conn, "delta", &tag);
    drop(conn);
    assert_only_broken(&dir, &["alpha", "delta"]);
}

#[test]
fn swapped_ciphertexts_fail() {
    let (_tmp, dir) = scratch();
    vault_with_records(&dir);
    let conn = db(&dir);
    let a = sealed(&conn, "alpha");
    let c = sealed(&conn, "charlie");
    set_sealed(&conn, "alpha", &c);
    set_sealed(&conn, "charlie", &a);
    drop(conn);
    assert_only_broken(&dir, &["alpha", "charlie"]);
}

#[test]
fn truncated_and_emptied_ciphertexts_fail() {
    let (_tmp, dir) = scratch();
    vault_with_records(&dir);
    let conn = db(&dir);
    let bytes = sealed(&conn, "charlie");
    set_sealed(&conn, "charlie", &bytes[..bytes.len() - 1]);
    set_sealed(&conn, "delta", &bytes[..5]);
    set_sealed(&conn, "bravo", &[]);
    drop(conn);
    assert_only_broken(&dir, &["bravo", "charlie", "delta"]);
}

#[test]
fn appended_bytes_fail() {
    let (_tmp, dir) = scratch();
    vault_with_records(&dir);
    let conn = db(&dir);
    let mut bytes = sealed(&conn, "alpha");
    bytes.extend_from_slice(&[0; 16]);
    set_sealed(&conn, "alpha", &bytes);
    drop(conn);
    assert_only_broken(&dir, &["alpha"]);
}

#[test]
fn record_moved_to_another_id_fails() {
    let (_tmp, dir) = scratch();
    vault_with_records(&dir);
    let conn = db(&dir);
    // Renaming the row keeps the ciphertext intact but moves it to another portal user.
    conn.execute("DELETE FROM records WHERE portal_user = 'bravo'", [])
        .unwrap();
    conn.execute(
        "UPDATE records SET portal_user = 'bravo' WHERE portal_user = 'alpha'",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO records (data_source, portal_user, key_id, sealed)
         SELECT data_source, 'alpha', key_id, sealed FROM records WHERE portal_user = 'charlie'",
        [],
    )
    .unwrap();
    drop(conn);
    assert_only_broken(&dir, &["alpha", "bravo"]);
}

#[test]
fn record_under_an_unknown_key_id_fails() {
    let (_tmp, dir) = scratch();
    vault_with_records(&dir);
    let conn = db(&dir);
    conn.execute(
        "UPDATE records SET key_id = 'feedface' WHERE portal_user = 'delta'",
        [],
    )
    .unwrap();
    drop(conn);
    let vault = open(&dir);
    let err = vault.get(&id("delta")).unwrap_err();
    assert!(matches!(err, VaultError::CorruptRecord { .. }), "{err}");
    assert!(err.to_string().contains("feedface"), "{err}");
    drop(vault);
    assert_only_broken(&dir, &["delta"]);
}

#[test]
fn garbage_that_authenticates_nowhere_fails_for_every_length() {
    let (_tmp, dir) = scratch();
    vault_with_records(&dir);
    let conn = db(&dir);
    let len = sealed(&conn, "alpha").len();
    drop(conn);
    for n in [0, 1, 11, 12, 27, 28, 29, len, len * 3] {
        let conn = db(&dir);
        let bytes: Vec<u8> = (0..n)
            .map(|i| u8::try_from((i * 7 + 3) % 256).unwrap())
            .collect();
        set_sealed(&conn, "alpha", &bytes);
        drop(conn);
        let vault = open(&dir);
        assert!(
            vault.get(&id("alpha")).unwrap_err().is_corrupt(),
            "length {n}"
        );
        assert!(vault.get(&id("bravo")).unwrap().is_some());
    }
}
