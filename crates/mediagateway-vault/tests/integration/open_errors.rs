//! Opening a vault from damaged, foreign or mismatched files gives clear, typed errors.

use crate::common;

use std::fs;
use std::sync::Arc;

use common::*;
use mediagateway_vault::{
    InputProblem, KeyPair, MemoryStore, Secret, Vault, VaultError, VaultOptions,
};
use rusqlite::Connection;

fn options() -> VaultOptions {
    VaultOptions::new().rsa_bits(2048)
}

/// A vault with one record, closed again.
fn populated(dir: &std::path::Path) -> String {
    let vault = open(dir);
    vault
        .put(&id("u"), &full_account("u", Secret::password("pw")))
        .unwrap();
    vault.key_id().to_owned()
}

#[test]
fn a_different_key_is_the_wrong_key_at_open() {
    let (_tmp, dir) = scratch();
    let vault_key_id = populated(&dir);
    let other = new_key_pem();
    install_key(&dir, &other);
    let err = Vault::open_with(&dir, options()).unwrap_err();
    assert!(err.is_wrong_key(), "{err}");
    let other_id = KeyPair::from_pkcs8_pem(&other).unwrap().key_id().to_owned();
    match &err {
        VaultError::WrongKey {
            key_id,
            vault_key_id: expected,
        } => {
            assert_eq!(key_id, &other_id);
            assert_eq!(expected, &vault_key_id);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().starts_with("wrong key"), "{err}");

    // Putting the right key back opens the vault with its data intact.
    install_key(&dir, shared_key_pem());
    let vault = open(&dir);
    assert!(vault.get(&id("u")).unwrap().is_some());
}

#[test]
fn the_wrong_key_on_an_empty_vault_is_refused_too() {
    let (_tmp, dir) = scratch();
    drop(open(&dir));
    install_key(&dir, &new_key_pem());
    assert!(Vault::open_with(&dir, options())
        .unwrap_err()
        .is_wrong_key());
}

#[test]
fn garbage_truncated_and_empty_key_files_are_clear_errors() {
    let (_tmp, dir) = scratch();
    populated(&dir);
    let pem = shared_key_pem();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("garbage", b"this is not a key at all\n".to_vec()),
        ("truncated", pem.as_bytes()[..pem.len() / 2].to_vec()),
        ("no footer", pem.as_bytes()[..pem.len() - 30].to_vec()),
        ("empty", Vec::new()),
        ("whitespace", b"\n  \n".to_vec()),
        ("binary", vec![0xff, 0x00, 0xfe, 0x80]),
        (
            "certificate",
            b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".to_vec(),
        ),
    ];
    for (name, bytes) in cases {
        let path = dir.join(Vault::KEY_FILE);
        fs::write(&path, &bytes).unwrap();
        let err = Vault::open_with(&dir, options()).unwrap_err();
        assert!(
            matches!(err, VaultError::KeyFileInvalid { .. }),
            "{name}: {err:?}"
        );
        assert!(err.is_key_file());
        let text = err.to_string();
        assert!(text.contains(Vault::KEY_FILE), "{name}: {text}");
    }
}

#[test]
fn an_oversized_or_small_key_is_refused() {
    let (_tmp, dir) = scratch();
    populated(&dir);
    let path = dir.join(Vault::KEY_FILE);
    fs::write(&path, vec![b'A'; 200_000]).unwrap();
    let err = Vault::open_with(&dir, options()).unwrap_err();
    assert!(err.to_string().contains("200000 bytes"), "{err}");

    let small = rsa::PrivateKey::new(&mut getrandom::SysRng, 1024).unwrap();
    let small_pem =
        rsa::pkcs8::EncodePrivateKey::to_pkcs8_pem(&small, rsa::pkcs8::LineEnding::LF).unwrap();
    install_key(&dir, &small_pem);
    let err = Vault::open_with(&dir, options()).unwrap_err();
    assert!(matches!(err, VaultError::KeyFileInvalid { .. }), "{err:?}");
    assert!(err.to_string().contains("1024 bits"), "{err}");
}

#[test]
fn an_unreadable_key_file_is_reported() {
    let (_tmp, dir) = scratch();
    populated(&dir);
    let path = dir.join(Vault::KEY_FILE);
    fs::remove_file(&path).unwrap();
    fs::create_dir(&path).unwrap();
    let err = Vault::open_with(&dir, options()).unwrap_err();
    assert!(err.is_key_file(), "{err:?}");
}

#[test]
fn a_missing_key_file_is_not_silently_replaced() {
    let (_tmp, dir) = scratch();
    let key_id = populated(&dir);
    fs::remove_file(dir.join(Vault::KEY_FILE)).unwrap();
    let err = Vault::open_with(&dir, options()).unwrap_err();
    assert!(
        matches!(&err, VaultError::KeyFileMissing { key_id: k, .. } if *k == key_id),
        "{err:?}"
    );
    assert!(
        matches!(&err, VaultError::KeyFileMissing { path, .. } if *path == dir.join(Vault::KEY_FILE)),
        "the error names the deleted file: {err:?}"
    );
    assert!(
        !dir.join(Vault::KEY_FILE).exists(),
        "no new key may be created"
    );
}

#[test]
fn a_file_that_is_not_sqlite_is_not_a_vault() {
    for content in [
        &b"hello, this is a text file and surely not a database"[..],
        &[0u8; 4096][..],
    ] {
        let (_tmp, dir) = scratch();
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(Vault::DB_FILE), content).unwrap();
        let err = Vault::open_with(&dir, options()).unwrap_err();
        assert!(err.is_not_a_vault(), "{err:?}");
        assert!(err.to_string().contains("not an SQLite database"), "{err}");
        assert!(
            !dir.join(Vault::KEY_FILE).exists(),
            "no key for a broken vault"
        );
    }
}

#[test]
fn another_applications_sqlite_database_is_not_a_vault() {
    let (_tmp, dir) = scratch();
    fs::create_dir_all(&dir).unwrap();
    let conn = Connection::open(dir.join(Vault::DB_FILE)).unwrap();
    conn.execute_batch("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);")
        .unwrap();
    drop(conn);
    let err = Vault::open_with(&dir, options()).unwrap_err();
    assert!(err.is_not_a_vault(), "{err:?}");
    assert!(err.to_string().contains("another application"), "{err}");
}

#[test]
fn a_newer_schema_version_is_refused() {
    let (_tmp, dir) = scratch();
    populated(&dir);
    let conn = Connection::open(dir.join(Vault::DB_FILE)).unwrap();
    conn.execute("UPDATE schema_version SET version = 7", [])
        .unwrap();
    drop(conn);
    let err = Vault::open_with(&dir, options()).unwrap_err();
    assert!(
        matches!(
            err,
            VaultError::SchemaTooNew {
                found: 7,
                supported: 1
            }
        ),
        "{err:?}"
    );
    assert!(err.is_schema_too_new());

    let conn = Connection::open(dir.join(Vault::DB_FILE)).unwrap();
    conn.execute("UPDATE schema_version SET version = -3", [])
        .unwrap();
    drop(conn);
    assert!(Vault::open_with(&dir, options())
        .unwrap_err()
        .is_not_a_vault());
}

#[test]
fn a_damaged_data_key_is_reported() {
    let (_tmp, dir) = scratch();
    populated(&dir);
    let conn = Connection::open(dir.join(Vault::DB_FILE)).unwrap();
    conn.execute("UPDATE keys SET wrapped = substr(wrapped, 2)", [])
        .unwrap();
    drop(conn);
    let err = Vault::open_with(&dir, options()).unwrap_err();
    assert!(matches!(err, VaultError::DataKeyUnusable { .. }), "{err:?}");
}

#[test]
fn records_without_a_data_key_are_refused() {
    let (_tmp, dir) = scratch();
    populated(&dir);
    let conn = Connection::open(dir.join(Vault::DB_FILE)).unwrap();
    conn.execute("DELETE FROM keys", []).unwrap();
    drop(conn);
    let err = Vault::open_with(&dir, options()).unwrap_err();
    assert!(matches!(err, VaultError::DataKeyUnusable { .. }), "{err:?}");
}

#[test]
fn bad_options_and_paths_are_refused() {
    let (_tmp, dir) = scratch();
    for bits in [0, 1024, 9000] {
        let err = Vault::open_with(&dir, VaultOptions::new().rsa_bits(bits)).unwrap_err();
        assert!(
            matches!(
                err,
                VaultError::InvalidInput {
                    problem: InputProblem::OutOfRange { .. },
                    ..
                }
            ),
            "{err:?}"
        );
    }
    assert!(!dir.exists(), "nothing is created for refused options");

    fs::write(&dir, b"a file where the directory should be").unwrap();
    let err = Vault::open_with(&dir, options()).unwrap_err();
    assert!(matches!(err, VaultError::Io { .. }), "{err:?}");
    assert!(err.is_storage());
}

#[test]
fn a_shared_store_refuses_a_second_key() {
    let store = Arc::new(MemoryStore::new());
    let mine = shared_keys();
    let vault = Vault::with_store(Box::new(Arc::clone(&store)), &mine).unwrap();
    vault
        .put(&id("u"), &full_account("u", Secret::None))
        .unwrap();
    drop(vault);

    let theirs = KeyPair::from_pkcs8_pem(&new_key_pem()).unwrap();
    let err = Vault::with_store(Box::new(Arc::clone(&store)), &theirs).unwrap_err();
    assert!(err.is_wrong_key(), "{err:?}");
    let vault = Vault::with_store(Box::new(store), &mine).unwrap();
    assert!(vault.get(&id("u")).unwrap().is_some());
}
