//! Files and permissions of a vault on disk.

use crate::common;

use std::fs;
use std::mem::ManuallyDrop;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::*;
use mediagateway_vault::{KeyPair, Secret, Vault, VaultOptions};

fn mode(path: &Path) -> u32 {
    fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn sidecar(dir: &Path, suffix: &str) -> std::path::PathBuf {
    dir.join(format!("{}{suffix}", Vault::DB_FILE))
}

#[test]
fn first_open_creates_private_dir_key_and_database() {
    let (_tmp, dir) = scratch();
    let nested = dir.join("deeper");
    let vault = Vault::open_with(&nested, VaultOptions::new().rsa_bits(2048)).unwrap();
    vault
        .put(&id("u"), &full_account("u", Secret::password("pw")))
        .unwrap();

    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&nested), 0o700);
    assert_eq!(mode(&nested.join(Vault::DB_FILE)), 0o600);
    assert_eq!(mode(&nested.join(Vault::KEY_FILE)), 0o600);
    // While the vault is open SQLite keeps its WAL and shared-memory files beside the database.
    assert_eq!(mode(&sidecar(&nested, "-wal")), 0o600);
    assert_eq!(mode(&sidecar(&nested, "-shm")), 0o600);
    assert!(temporaries(&nested).is_empty());

    // The key file is a PKCS#8 PEM whose key id is the vault's.
    let pem = fs::read_to_string(nested.join(Vault::KEY_FILE)).unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    let key = KeyPair::from_pkcs8_pem(&pem).unwrap();
    assert_eq!(key.key_id(), vault.key_id());
    assert_eq!(key.bits(), 2048);
    assert_eq!(vault.key_id().len(), 64);
    assert!(vault.key_id().bytes().all(|b| b.is_ascii_hexdigit()));
    drop(vault);

    // A second open uses the same key instead of making a new one.
    let again = Vault::open(&nested).unwrap();
    assert_eq!(again.key_id(), key.key_id());
    assert!(again.get(&id("u")).unwrap().is_some());
}

#[test]
fn loose_modes_on_existing_database_files_are_tightened() {
    let (_tmp, dir) = scratch();
    drop(open(&dir));
    let db = dir.join(Vault::DB_FILE);
    fs::set_permissions(&db, fs::Permissions::from_mode(0o644)).unwrap();
    let vault = open(&dir);
    vault
        .put(&id("u"), &full_account("u", Secret::None))
        .unwrap();
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&sidecar(&dir, "-wal")), 0o600);
}

#[test]
fn an_existing_directory_is_left_as_it_is() {
    let tmp = tempfile::tempdir().unwrap();
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o750)).unwrap();
    install_key(tmp.path(), shared_key_pem());
    let vault = Vault::open(tmp.path()).unwrap();
    vault
        .put(&id("u"), &full_account("u", Secret::None))
        .unwrap();
    assert_eq!(mode(tmp.path()), 0o750);
    assert_eq!(mode(&tmp.path().join(Vault::DB_FILE)), 0o600);
}

/// The temporary files in `dir`.
fn temporaries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    names.sort();
    names
}

/// Writes a file as a crash would have left it, last changed `age` ago.
fn left_behind(path: &Path, age: std::time::Duration) {
    fs::write(path, b"half a key from a crash").unwrap();
    let file = fs::File::options().write(true).open(path).unwrap();
    file.set_modified(std::time::SystemTime::now() - age)
        .unwrap();
}

#[test]
fn a_stale_temporary_key_file_does_not_block_creation() {
    let (_tmp, dir) = scratch();
    fs::create_dir_all(&dir).unwrap();
    let hour = std::time::Duration::from_secs(3600);
    // The single name of earlier versions, and a unique one: both stale.
    left_behind(&dir.join(format!("{}.tmp", Vault::KEY_FILE)), hour);
    left_behind(
        &dir.join(format!("{}.0123456789abcdef.tmp", Vault::KEY_FILE)),
        hour,
    );
    // Young: another process may be writing it.
    let young = format!("{}.fedcba9876543210.tmp", Vault::KEY_FILE);
    left_behind(&dir.join(&young), std::time::Duration::ZERO);
    let vault = Vault::open_with(&dir, VaultOptions::new().rsa_bits(2048)).unwrap();
    assert_eq!(temporaries(&dir), [young]);
    let pem = fs::read_to_string(dir.join(Vault::KEY_FILE)).unwrap();
    assert_eq!(
        KeyPair::from_pkcs8_pem(&pem).unwrap().key_id(),
        vault.key_id()
    );
}

#[test]
fn writes_are_durable_across_reopen_without_close() {
    let (_tmp, dir) = scratch();
    // Never dropped, like a killed process: no orderly close.
    let vault = ManuallyDrop::new(open(&dir));
    vault
        .put(&id("u"), &full_account("u", Secret::password("kept")))
        .unwrap();
    // A second handle on the same files sees the committed write while the first is open.
    let second = open(&dir);
    let account = second.get(&id("u")).unwrap().unwrap();
    assert_eq!(secret_text(&account.secret).unwrap(), "kept");
    drop(second);
    let third = open(&dir);
    assert!(third.get(&id("u")).unwrap().is_some());
}

#[test]
fn concurrent_writers_of_one_file_each_land_whole() {
    let (_tmp, dir) = scratch();
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join("admin-password");
    let writes: Vec<String> = (0..8).map(|i| format!("{i}").repeat(4096)).collect();
    std::thread::scope(|scope| {
        for content in &writes {
            let path = &path;
            scope.spawn(move || {
                for _ in 0..25 {
                    mediagateway_vault::write_private_file(path, content.as_bytes())
                        .expect("each writer has its own temporary file");
                }
            });
        }
    });
    let landed = fs::read_to_string(&path).unwrap();
    assert!(writes.contains(&landed), "one whole write, not a mix");
    assert_eq!(mode(&path), 0o600);
    assert!(temporaries(&dir).is_empty(), "{:?}", temporaries(&dir));
}
