//! Passphrase-encrypted key files: opening, wrong or missing passphrases, rotation, sources.

use crate::common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use common::*;
use mediagateway_vault::{Secret, Vault, VaultError, VaultOptions, PASSPHRASE_ENV};
use secrecy::SecretString;

const PASSPHRASE: &str = "Tr0ub4dor&3-vault-passphrase";
/// Set in the child process of the environment test to the vault directory.
const CHILD_DIR_ENV: &str = "MEDIAGATEWAY_VAULT_TEST_PASSPHRASE_CHILD_DIR";

fn with_passphrase(passphrase: &str) -> VaultOptions {
    VaultOptions::new()
        .rsa_bits(2048)
        .passphrase(SecretString::from(passphrase))
}

fn plain() -> VaultOptions {
    VaultOptions::new().rsa_bits(2048).no_passphrase()
}

fn key_file_text(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn an_encrypted_vault_opens_only_with_its_passphrase() {
    let (tmp, dir) = scratch();
    let vault = Vault::open_with(&dir, with_passphrase(PASSPHRASE)).unwrap();
    let key_id = vault.key_id();
    vault
        .put(&id("u"), &full_account("U", Secret::password("stored-pw")))
        .unwrap();
    drop(vault);
    let pem = key_file_text(&dir, Vault::KEY_FILE);
    assert!(
        pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
        "{pem}"
    );
    assert_eq!(
        fs::metadata(dir.join(Vault::KEY_FILE))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    assert!(!contains(&all_file_bytes(&dir), PASSPHRASE));

    let err = Vault::open_with(&dir, with_passphrase("not it")).unwrap_err();
    assert!(
        matches!(&err, VaultError::WrongPassphrase { path } if path.ends_with(Vault::KEY_FILE)),
        "{err:?}"
    );
    assert!(err.is_passphrase() && !err.is_wrong_key(), "{err:?}");
    assert!(!err.to_string().contains("not it"));

    let err = Vault::open_with(&dir, plain()).unwrap_err();
    assert!(
        matches!(err, VaultError::PassphraseRequired { .. }),
        "{err:?}"
    );

    // The same passphrase from a file, with the usual trailing line break.
    let file = tmp.path().join("passphrase.txt");
    fs::write(&file, format!("{PASSPHRASE}\n")).unwrap();
    let vault = Vault::open_with(
        &dir,
        VaultOptions::new().rsa_bits(2048).passphrase_file(&file),
    )
    .unwrap();
    assert_eq!(vault.key_id(), key_id);
    let account = vault.get(&id("u")).unwrap().unwrap();
    assert_eq!(secret_text(&account.secret).unwrap(), "stored-pw");

    let missing = VaultOptions::new().passphrase_file(tmp.path().join("nope"));
    let err = Vault::open_with(&dir, missing).unwrap_err();
    assert!(
        matches!(err, VaultError::PassphraseUnusable { .. }),
        "{err:?}"
    );
}

#[test]
fn rotation_encrypts_the_new_key_and_moves_a_plain_vault_to_an_encrypted_one() {
    let (_tmp, dir) = scratch();
    install_key(&dir, shared_key_pem());
    let vault = Vault::open_with(&dir, plain()).unwrap();
    vault
        .put(&id("u"), &full_account("U", Secret::refresh_token("tok")))
        .unwrap();
    drop(vault);

    // A plain key still opens with a passphrase configured; the rotation writes the new key
    // encrypted and retires the plain one.
    let vault = Vault::open_with(&dir, with_passphrase(PASSPHRASE)).unwrap();
    let status = vault.rotate().unwrap();
    drop(vault);
    assert!(!dir.join(Vault::KEY_FILE).exists());
    let name = format!("vault-key-{}.pem", status.key_id);
    assert!(key_file_text(&dir, &name).starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));

    assert!(Vault::open_with(&dir, plain()).unwrap_err().is_passphrase());
    let vault = Vault::open_with(&dir, with_passphrase(PASSPHRASE)).unwrap();
    assert_eq!(vault.key_ids(), std::slice::from_ref(&status.key_id));
    let account = vault.get(&id("u")).unwrap().unwrap();
    assert_eq!(secret_text(&account.secret).unwrap(), "tok");

    // Mid-rotation, both encrypted key files need the passphrase.
    vault.begin_rotation().unwrap();
    drop(vault);
    let err = Vault::open_with(&dir, with_passphrase("wrong")).unwrap_err();
    assert!(matches!(err, VaultError::WrongPassphrase { .. }), "{err:?}");
    let vault = Vault::open_with(&dir, with_passphrase(PASSPHRASE)).unwrap();
    assert_eq!(vault.key_ids().len(), 2);
    assert!(vault.rotate().unwrap().is_finished());
}

#[test]
fn empty_and_oversized_passphrases_are_refused_before_anything_is_created() {
    let (_tmp, dir) = scratch();
    for bad in [String::new(), "p".repeat(1025)] {
        let err = Vault::open_with(&dir, with_passphrase(&bad)).unwrap_err();
        assert!(
            matches!(err, VaultError::PassphraseUnusable { .. }),
            "{err:?}"
        );
    }
    assert!(!dir.exists());
}

/// In the child process: opens the vault with the default options, which read the passphrase
/// from [`PASSPHRASE_ENV`].
fn child_opens_with_default_options(dir: &Path) {
    let vault = Vault::open_with(dir, VaultOptions::new().rsa_bits(2048)).unwrap();
    vault
        .put(&id("from-child"), &full_account("C", Secret::None))
        .unwrap();
}

#[test]
fn the_default_options_read_the_passphrase_from_the_environment() {
    if let Some(dir) = std::env::var_os(CHILD_DIR_ENV) {
        child_opens_with_default_options(Path::new(&dir));
        return;
    }
    let (_tmp, dir) = scratch();
    let status = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "passphrase::the_default_options_read_the_passphrase_from_the_environment",
            "--test-threads=1",
        ])
        .env(CHILD_DIR_ENV, &dir)
        .env(PASSPHRASE_ENV, PASSPHRASE)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(key_file_text(&dir, Vault::KEY_FILE).contains("ENCRYPTED PRIVATE KEY"));
    let vault = Vault::open_with(&dir, with_passphrase(PASSPHRASE)).unwrap();
    assert!(vault.get(&id("from-child")).unwrap().is_some());
    assert!(Vault::open_with(&dir, plain()).unwrap_err().is_passphrase());
}

#[test]
fn damaged_encrypted_and_stray_key_files_are_clear_errors() {
    let (_tmp, dir) = scratch();
    drop(Vault::open_with(&dir, with_passphrase(PASSPHRASE)).unwrap());
    let good = key_file_text(&dir, Vault::KEY_FILE);
    let header = "-----BEGIN ENCRYPTED PRIVATE KEY-----\n";
    let footer = "-----END ENCRYPTED PRIVATE KEY-----\n";
    let cases = [
        ("truncated", good[..good.len() / 2].to_owned()),
        ("tiny body", format!("{header}AAAA\n{footer}")),
        ("no body", format!("{header}{footer}")),
        ("not base64", format!("{header}!!!!\n{footer}")),
        (
            "unknown label",
            "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n".to_owned(),
        ),
    ];
    for (name, text) in &cases {
        fs::write(dir.join(Vault::KEY_FILE), text).unwrap();
        let err = Vault::open_with(&dir, with_passphrase(PASSPHRASE)).unwrap_err();
        assert!(
            matches!(err, VaultError::KeyFileInvalid { .. }),
            "{name}: {err:?}"
        );
    }
    fs::write(dir.join(Vault::KEY_FILE), &good).unwrap();
    // A stray file named like a rotated key must be a key too.
    let stray = dir.join("vault-key-stray.pem");
    fs::write(&stray, "not a key").unwrap();
    let err = Vault::open_with(&dir, with_passphrase(PASSPHRASE)).unwrap_err();
    assert!(
        matches!(&err, VaultError::KeyFileInvalid { path, .. } if *path == stray),
        "{err:?}"
    );
    fs::remove_file(&stray).unwrap();
    assert!(Vault::open_with(&dir, with_passphrase(PASSPHRASE)).is_ok());
}
