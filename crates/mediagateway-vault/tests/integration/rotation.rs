//! Key rotation: re-sealing, retiring the old key, and resuming an interrupted rotation.

use crate::common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

use common::*;
use mediagateway_vault::{KeyPair, MemoryStore, Secret, Store, Vault, VaultError, VaultOptions};
use rusqlite::Connection;

fn options() -> VaultOptions {
    VaultOptions::new().rsa_bits(2048).no_passphrase()
}

fn fill(vault: &Vault, n: usize) {
    for i in 0..n {
        vault
            .put(
                &id(&format!("user-{i:03}")),
                &full_account(&format!("User{i}"), Secret::password(format!("pw-{i}"))),
            )
            .unwrap();
    }
}

fn assert_all_readable(vault: &Vault, n: usize) {
    for i in 0..n {
        let account = vault
            .get(&id(&format!("user-{i:03}")))
            .unwrap()
            .expect("stored");
        assert_eq!(secret_text(&account.secret).unwrap(), format!("pw-{i}"));
    }
}

/// Key ids of the rows of the records table, and the number of data keys.
fn db_state(dir: &Path) -> (Vec<String>, usize) {
    let conn = Connection::open(dir.join(Vault::DB_FILE)).unwrap();
    let mut stmt = conn.prepare("SELECT DISTINCT key_id FROM records").unwrap();
    let ids = stmt
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<Vec<String>, _>>()
        .unwrap();
    let keys: i64 = conn
        .query_row("SELECT count(*) FROM keys", [], |row| row.get(0))
        .unwrap();
    (ids, usize::try_from(keys).unwrap())
}

#[test]
fn rotation_reseals_every_record_and_retires_the_old_key() {
    let (_tmp, dir) = scratch();
    install_key(&dir, shared_key_pem());
    let vault = Vault::open_with(&dir, options()).unwrap();
    let old = vault.key_id();
    fill(&vault, 300);

    let status = vault.rotate().unwrap();
    assert!(status.is_finished());
    assert_eq!(status.resealed, 300);
    assert_ne!(status.key_id, old);
    assert_eq!(vault.key_id(), status.key_id);
    assert_eq!(vault.key_ids(), std::slice::from_ref(&status.key_id));
    assert_all_readable(&vault, 300);
    assert_eq!(vault.records_under_old_keys().unwrap(), 0);

    // Only the new key remains, on disk and in the store.
    assert!(!dir.join(Vault::KEY_FILE).exists());
    let new_file = dir.join(format!("vault-key-{}.pem", status.key_id));
    assert_eq!(
        fs::metadata(&new_file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(db_state(&dir), (vec![status.key_id.clone()], 1));
    drop(vault);

    let again = Vault::open_with(&dir, options()).unwrap();
    assert_eq!(again.key_id(), status.key_id);
    assert_all_readable(&again, 300);
    // A second rotation moves on from the rotated key.
    let second = again.rotate().unwrap();
    assert_ne!(second.key_id, status.key_id);
    assert!(!new_file.exists());
    assert_all_readable(&again, 300);
}

#[test]
fn an_interrupted_rotation_reads_under_both_keys_and_resumes() {
    let (_tmp, dir) = scratch();
    install_key(&dir, shared_key_pem());
    let vault = Vault::open_with(&dir, options()).unwrap();
    let old = vault.key_id();
    fill(&vault, 30);

    let begun = vault.begin_rotation().unwrap();
    assert!(!begun.is_finished());
    assert_eq!(begun.retiring, std::slice::from_ref(&old));
    let step = vault.rotation_step(10).unwrap();
    assert_eq!(step.resealed, 10);
    assert!(!step.is_finished());
    assert_eq!(vault.records_under_old_keys().unwrap(), 20);
    // Writes during the rotation use the new key.
    vault
        .put(&id("written-during"), &full_account("W", Secret::None))
        .unwrap();
    assert_eq!(vault.records_under_old_keys().unwrap(), 20);
    // Beginning again resumes instead of generating yet another key.
    assert_eq!(vault.begin_rotation().unwrap().key_id, begun.key_id);
    drop(vault);

    // Reopened mid-rotation: both keys are loaded and every record reads.
    let vault = Vault::open_with(&dir, options()).unwrap();
    assert_eq!(vault.key_ids(), [old.clone(), begun.key_id.clone()]);
    assert_eq!(vault.key_id(), begun.key_id);
    assert_all_readable(&vault, 30);
    assert!(vault.get(&id("written-during")).unwrap().is_some());
    let (ids, keys) = db_state(&dir);
    assert_eq!((ids.len(), keys), (2, 2));

    let done = vault.rotate().unwrap();
    assert!(done.is_finished());
    assert_eq!(done.key_id, begun.key_id);
    assert_eq!(done.resealed, 20);
    assert_eq!(vault.key_ids(), std::slice::from_ref(&begun.key_id));
    assert_eq!(db_state(&dir), (vec![begun.key_id.clone()], 1));
    assert!(!dir.join(Vault::KEY_FILE).exists());
    drop(vault);
    let vault = Vault::open_with(&dir, options()).unwrap();
    assert_all_readable(&vault, 30);
    assert!(vault.rotation_status().is_finished());
}

#[test]
fn a_missing_key_file_mid_rotation_is_reported_by_key_id() {
    let (_tmp, dir) = scratch();
    install_key(&dir, shared_key_pem());
    let vault = Vault::open_with(&dir, options()).unwrap();
    fill(&vault, 3);
    let begun = vault.begin_rotation().unwrap();
    drop(vault);
    let new_file = dir.join(format!("vault-key-{}.pem", begun.key_id));
    let saved = fs::read(&new_file).unwrap();
    fs::remove_file(&new_file).unwrap();
    let err = Vault::open_with(&dir, options()).unwrap_err();
    assert!(
        matches!(&err, VaultError::KeyFileMissing { key_id, path } if *key_id == begun.key_id && *path == new_file),
        "{err:?}"
    );
    fs::write(&new_file, saved).unwrap();
    assert!(Vault::open_with(&dir, options()).unwrap().rotate().is_ok());
}

/// Opens `dir`, expecting a missing key file: the error must name `deleted`.
fn assert_missing(dir: &Path, deleted: &Path, expected_key_id: &str) {
    let err = Vault::open_with(dir, options()).unwrap_err();
    assert!(
        matches!(&err, VaultError::KeyFileMissing { key_id, path } if key_id == expected_key_id && path == deleted),
        "{err:?}"
    );
}

#[test]
fn a_missing_key_file_after_a_rotation_names_the_deleted_file() {
    let (_tmp, dir) = scratch();
    install_key(&dir, shared_key_pem());
    let vault = Vault::open_with(&dir, options()).unwrap();
    fill(&vault, 3);
    let rotated = vault.rotate().unwrap();
    drop(vault);
    let key_file = dir.join(format!("vault-key-{}.pem", rotated.key_id));
    let saved = fs::read(&key_file).unwrap();
    fs::remove_file(&key_file).unwrap();
    assert_missing(&dir, &key_file, &rotated.key_id);

    // Mid-way through a second rotation, each missing file is named: the old key's file is
    // the one the first rotation wrote, not `vault-key.pem`.
    fs::write(&key_file, &saved).unwrap();
    let vault = Vault::open_with(&dir, options()).unwrap();
    let begun = vault.begin_rotation().unwrap();
    drop(vault);
    fs::remove_file(&key_file).unwrap();
    assert_missing(&dir, &key_file, &rotated.key_id);
    fs::write(&key_file, &saved).unwrap();
    let new_file = dir.join(format!("vault-key-{}.pem", begun.key_id));
    fs::remove_file(&new_file).unwrap();
    assert_missing(&dir, &new_file, &begun.key_id);
}

#[test]
fn a_vault_rotated_without_the_marker_gets_it_at_open() {
    let (_tmp, dir) = scratch();
    install_key(&dir, shared_key_pem());
    let vault = Vault::open_with(&dir, options()).unwrap();
    fill(&vault, 2);
    let rotated = vault.rotate().unwrap();
    drop(vault);
    // As an older version of the vault left it: no record of the retired first key.
    fs::remove_file(dir.join("vault-retired-first-key")).unwrap();
    drop(Vault::open_with(&dir, options()).unwrap());
    let key_file = dir.join(format!("vault-key-{}.pem", rotated.key_id));
    fs::remove_file(&key_file).unwrap();
    assert_missing(&dir, &key_file, &rotated.key_id);
}

#[test]
fn a_missing_first_key_file_mid_rotation_names_the_deleted_file() {
    let (_tmp, dir) = scratch();
    install_key(&dir, shared_key_pem());
    let vault = Vault::open_with(&dir, options()).unwrap();
    let first = vault.key_id().to_owned();
    fill(&vault, 3);
    vault.begin_rotation().unwrap();
    drop(vault);
    let first_file = dir.join(Vault::KEY_FILE);
    fs::remove_file(&first_file).unwrap();
    assert_missing(&dir, &first_file, &first);
}

#[test]
fn rotation_over_any_store_with_explicit_key_pairs() {
    let store = Arc::new(MemoryStore::new());
    let second_pem = new_key_pem();
    let first = shared_keys();
    let second = KeyPair::from_pkcs8_pem(&second_pem).unwrap();
    let third = KeyPair::from_pkcs8_pem(&new_key_pem()).unwrap();
    let vault = Vault::with_store(Box::new(Arc::clone(&store)), &first).unwrap();
    fill(&vault, 5);
    assert!(matches!(
        vault.begin_rotation().unwrap_err(),
        VaultError::Unsupported { .. }
    ));
    vault.begin_rotation_with(&second).unwrap();
    assert_eq!(vault.rotation_step(2).unwrap().resealed, 2);
    let err = vault.begin_rotation_with(&third).unwrap_err();
    assert!(
        matches!(&err, VaultError::RotationInProgress { key_id } if key_id == second.key_id()),
        "{err:?}"
    );
    drop(vault);

    // Mid-rotation, a vault needs both key pairs.
    for only in [&first, &second] {
        let err = Vault::with_store(Box::new(Arc::clone(&store)), only).unwrap_err();
        assert!(matches!(err, VaultError::DataKeyUnusable { .. }), "{err:?}");
    }
    let err = Vault::with_store(Box::new(Arc::clone(&store)), &third).unwrap_err();
    assert!(err.is_wrong_key(), "{err:?}");
    let both = [shared_keys(), KeyPair::from_pkcs8_pem(&second_pem).unwrap()];
    let vault = Vault::with_store_keys(Box::new(Arc::clone(&store)), &both).unwrap();
    assert_all_readable(&vault, 5);
    let done = vault.rotate_with(&second).unwrap();
    assert!(done.is_finished());
    assert_eq!(done.resealed, 3);
    assert_eq!(store.data_keys().unwrap().len(), 1);
    drop(vault);

    assert!(Vault::with_store(Box::new(Arc::clone(&store)), &first)
        .unwrap_err()
        .is_wrong_key());
    let vault = Vault::with_store(Box::new(store), &second).unwrap();
    assert_all_readable(&vault, 5);
    assert!(Vault::with_store_keys(Box::new(MemoryStore::new()), &[])
        .unwrap_err()
        .is_key_file());
}

#[test]
fn a_corrupt_record_stops_the_rotation_before_any_key_is_retired() {
    let (_tmp, dir) = scratch();
    install_key(&dir, shared_key_pem());
    let vault = Vault::open_with(&dir, options()).unwrap();
    let old = vault.key_id();
    fill(&vault, 5);
    let conn = Connection::open(dir.join(Vault::DB_FILE)).unwrap();
    conn.execute(
        "UPDATE records SET sealed = x'0102' WHERE portal_user = 'user-002'",
        [],
    )
    .unwrap();
    let err = vault.rotate().unwrap_err();
    assert!(err.is_corrupt(), "{err:?}");
    assert_eq!(err.record_id(), Some(&id("user-002")));
    assert_eq!(vault.key_ids().len(), 2);
    assert_eq!(vault.key_ids()[0], old);
    assert!(dir.join(Vault::KEY_FILE).exists(), "old key kept");
    // Once the damaged record is gone, the rotation can finish.
    assert!(vault.delete(&id("user-002")).unwrap());
    assert!(vault.rotate().unwrap().is_finished());
    assert_eq!(vault.len().unwrap(), 4);
}

#[test]
fn rotating_an_empty_vault_and_steps_of_zero() {
    let (_tmp, dir) = scratch();
    install_key(&dir, shared_key_pem());
    let vault = Vault::open_with(&dir, options()).unwrap();
    assert!(vault.rotation_status().is_finished());
    assert!(vault.rotation_step(5).unwrap().is_finished());
    vault.begin_rotation().unwrap();
    let stalled = vault.rotation_step(0).unwrap();
    assert_eq!(stalled.resealed, 0);
    assert!(!stalled.is_finished());
    let done = vault.rotation_step(1).unwrap();
    assert!(done.is_finished(), "{done:?}");
    assert_eq!(vault.key_ids().len(), 1);
}

#[test]
fn writers_running_during_a_rotation_lose_nothing() {
    let (_tmp, dir) = scratch();
    install_key(&dir, shared_key_pem());
    let vault = Arc::new(Vault::open_with(&dir, options()).unwrap());
    fill(&vault, 200);
    vault.begin_rotation().unwrap();
    let writer = {
        let vault = Arc::clone(&vault);
        std::thread::spawn(move || {
            for i in 0..200 {
                let user = format!("user-{i:03}");
                vault
                    .put(
                        &id(&user),
                        &full_account("Rewritten", Secret::password(format!("new-{i}"))),
                    )
                    .unwrap();
            }
        })
    };
    while !vault.rotation_step(7).unwrap().is_finished() {}
    writer.join().expect("writer thread");
    assert_eq!(vault.records_under_old_keys().unwrap(), 0);
    for i in 0..200 {
        let account = vault.get(&id(&format!("user-{i:03}"))).unwrap().unwrap();
        assert_eq!(secret_text(&account.secret).unwrap(), format!("new-{i}"));
    }
}
