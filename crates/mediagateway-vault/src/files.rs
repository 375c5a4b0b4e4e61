//! The vault's files: a private directory, private database files and the key file.
//!
//! Modes are set when a file is created (`0o600`, directories `0o700`) instead of relying on the
//! process umask, and existing database files that are wider open are tightened.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::error::VaultError;
use crate::keys::KeyPair;

/// A key file larger than this is not a PEM RSA key (an 8192-bit key is about 6.5 KiB).
const MAX_KEY_FILE_LEN: u64 = 64 * 1024;

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};

fn io_error<'a>(
    operation: &'static str,
    path: &'a Path,
) -> impl FnOnce(io::Error) -> VaultError + 'a {
    move |source| VaultError::Io {
        operation,
        path: path.to_path_buf(),
        source,
    }
}

/// Creates `dir` (and missing parents) with mode 0700 if it does not exist; warns when an
/// existing one is open to other users.
pub fn ensure_private_dir(dir: &Path) -> Result<(), VaultError> {
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {
            #[cfg(unix)]
            if meta.permissions().mode() & 0o077 != 0 {
                tracing::warn!(
                    dir = %dir.display(),
                    "directory is accessible to other users; mode 0700 is recommended"
                );
            }
            Ok(())
        }
        Ok(_) => Err(VaultError::Io {
            operation: "use as private directory",
            path: dir.to_path_buf(),
            source: io::Error::new(io::ErrorKind::NotADirectory, "not a directory"),
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let mut builder = fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            builder.mode(0o700);
            builder
                .create(dir)
                .map_err(io_error("create private directory", dir))
        }
        Err(e) => Err(io_error("inspect private directory", dir)(e)),
    }
}

/// Makes sure `path` exists as a file only its owner can read and write.
///
/// An existing file is checked and tightened by path, never opened: another connection of
/// this process may hold SQLite's locks on it, and closing any descriptor of the file would
/// drop them (see [`restrict_sidecars`]).
pub(crate) fn ensure_private_file(path: &Path) -> Result<(), VaultError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    match options.open(path) {
        // Created with mode 0600: the umask can only clear bits, never add them.
        Ok(_) => Ok(()),
        // It exists already (`create_new` never opens an existing file): check it by path.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => restrict_path(path),
        Err(e) => Err(io_error("create", path)(e)),
    }
}

/// Tightens the files SQLite keeps beside the database, if they exist.
///
/// Works by path (`stat`, `chmod`) and never opens them: closing any descriptor of a file
/// drops every POSIX lock this process holds on it, SQLite's included. Losing the lock on
/// `-shm` lets another process take it for the first opener and truncate the shared memory
/// this process has mapped, which kills it with SIGBUS.
pub(crate) fn restrict_sidecars(db: &Path) -> Result<(), VaultError> {
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        restrict_path(&PathBuf::from(name))?;
    }
    Ok(())
}

/// Sets mode 0600 on `path` if others may access it; a file that does not exist is fine.
#[cfg(unix)]
fn restrict_path(path: &Path) -> Result<(), VaultError> {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        // SQLite removes its sidecars when the last connection closes.
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_error("inspect", path)(e)),
    };
    if meta.permissions().mode() & 0o077 != 0 {
        tracing::warn!(file = %path.display(), "vault file was accessible to others; setting mode 0600");
        match fs::set_permissions(path, fs::Permissions::from_mode(0o600)) {
            Ok(()) => {}
            // SQLite removes its sidecars when the last connection closes.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error("restrict permissions of", path)(e)),
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn restrict_path(_path: &Path) -> Result<(), VaultError> {
    Ok(())
}

/// File name of the vault's first key, until a rotation retires it.
pub(crate) const FIRST_KEY_FILE: &str = "vault-key.pem";

/// Marker file written when a rotation retires old keys: from then on the vault's first key
/// (the one in [`FIRST_KEY_FILE`]) is gone and every key file is named by its key id.
const RETIRED_MARKER: &str = "vault-retired-first-key";

/// Name of the key file of a key pair added by a rotation.
pub(crate) fn key_file_name(key_id: &str) -> String {
    format!("vault-key-{key_id}.pem")
}

/// Where the key file of `key_id` lives: the one naming rule for every key of a vault.
///
/// The vault's first key lives in [`FIRST_KEY_FILE`], every key a rotation adds in
/// `vault-key-<key id>.pem`. `oldest` says whether `key_id` is the oldest data key of the
/// store; it is the first key unless a rotation has retired that (see [`mark_first_key_retired`]).
pub(crate) fn key_path(dir: &Path, key_id: &str, oldest: bool) -> PathBuf {
    if oldest && !dir.join(RETIRED_MARKER).exists() {
        dir.join(FIRST_KEY_FILE)
    } else {
        dir.join(key_file_name(key_id))
    }
}

/// Records that a rotation retires the vault's first key, before its key file is removed:
/// from then on the oldest key of the store is named by its id (see [`key_path`]).
pub(crate) fn mark_first_key_retired(dir: &Path) -> Result<(), VaultError> {
    let path = dir.join(RETIRED_MARKER);
    if path.exists() {
        return Ok(());
    }
    ensure_private_file(&path)?;
    sync_dir(&path);
    Ok(())
}

/// The key files in `dir`: `legacy` (the first key's file) and every `vault-key-*.pem`, sorted.
pub(crate) fn key_files(dir: &Path, legacy: &str) -> Result<Vec<PathBuf>, VaultError> {
    let mut out = Vec::new();
    let entries = fs::read_dir(dir).map_err(io_error("list", dir))?;
    for entry in entries {
        let entry = entry.map_err(io_error("list", dir))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name == legacy || (name.starts_with("vault-key-") && name.ends_with(".pem")) {
            out.push(entry.path());
        }
    }
    out.sort();
    Ok(out)
}

/// A key read from its file.
pub(crate) struct LoadedKey {
    /// The key pair.
    pub(crate) keys: KeyPair,
    /// Where it was read from.
    pub(crate) path: PathBuf,
    /// True if the file is passphrase-encrypted.
    pub(crate) encrypted: bool,
}

/// Loads a key file, or `None` if it does not exist.
pub(crate) fn read_key_file(
    path: &Path,
    passphrase: Option<&SecretString>,
) -> Result<Option<LoadedKey>, VaultError> {
    let invalid = |reason: String| VaultError::KeyFileInvalid {
        path: path.to_path_buf(),
        reason,
    };
    let unreadable = |source| VaultError::KeyFileUnreadable {
        path: path.to_path_buf(),
        source,
    };
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(unreadable(e)),
    };
    let meta = file.metadata().map_err(unreadable)?;
    if !meta.is_file() {
        return Err(invalid("not a regular file".into()));
    }
    if meta.len() > MAX_KEY_FILE_LEN {
        return Err(invalid(format!(
            "{} bytes, more than any RSA key file ({MAX_KEY_FILE_LEN})",
            meta.len()
        )));
    }
    #[cfg(unix)]
    if meta.permissions().mode() & 0o077 != 0 {
        tracing::warn!(file = %path.display(), "vault key file is readable by other users; mode 0600 is required for safety");
    }
    // Capacity fixed up front so reading never reallocates and leaves key bytes behind.
    #[allow(clippy::cast_possible_truncation)] // MAX_KEY_FILE_LEN is 64 KiB
    let mut bytes = Zeroizing::new(Vec::with_capacity(MAX_KEY_FILE_LEN as usize + 1));
    Read::by_ref(&mut file)
        .take(MAX_KEY_FILE_LEN + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_KEY_FILE_LEN {
        return Err(invalid("the file grew while it was read".into()));
    }
    let text =
        std::str::from_utf8(&bytes).map_err(|_| invalid("not text (PEM expected)".into()))?;
    if text.trim().is_empty() {
        return Err(invalid("the file is empty".into()));
    }
    let (keys, encrypted) =
        KeyPair::parse_any_pem(text, passphrase).map_err(|p| p.into_error(Some(path)))?;
    Ok(Some(LoadedKey {
        keys,
        path: path.to_path_buf(),
        encrypted,
    }))
}

/// Writes `bytes` to the new file `path` (mode 0600 on Unix) and syncs it to disk.
fn write_new_private(path: &Path, bytes: &[u8]) -> Result<(), VaultError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(path).map_err(io_error("create", path))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(io_error("write", path))
}

/// A temporary file a crash left behind is removed once it is this old; a younger one may be
/// another process's write in progress.
pub(crate) const STALE_TEMPORARY_AGE: Duration = Duration::from_secs(600);

/// A new, unique temporary path beside `path`: `<file name>.<16 random hex digits>.tmp`, so
/// that writers of the same file never share one. Stale temporaries of `path` are removed
/// first.
fn temp_path(path: &Path) -> Result<PathBuf, VaultError> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str())) else {
        return Err(io_error("name a temporary file for", path)(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the path has no file name",
        )));
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    remove_stale_temporaries(dir, name)?;
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).map_err(|e| {
        io_error("name a temporary file for", path)(io::Error::other(e.to_string()))
    })?;
    let suffix: String = random.iter().map(|b| format!("{b:02x}")).collect();
    Ok(dir.join(format!("{name}.{suffix}.tmp")))
}

/// Whether `candidate` is a temporary file of the file called `name`: one of [`temp_path`]'s,
/// or the single `<name>.tmp` of earlier versions.
fn is_temporary_of(candidate: &str, name: &str) -> bool {
    candidate
        .strip_prefix(name)
        .and_then(|rest| rest.strip_suffix(".tmp"))
        .is_some_and(|middle| {
            middle.is_empty()
                || middle.strip_prefix('.').is_some_and(|hex| {
                    hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit())
                })
        })
}

/// Removes the temporary files in `dir` that `matches` picks and that are older than
/// [`STALE_TEMPORARY_AGE`]: a crash left them, and they may hold secrets.
fn remove_stale(dir: &Path, matches: impl Fn(&str) -> bool) -> Result<(), VaultError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_error("list", dir)(e)),
    };
    for entry in entries {
        let entry = entry.map_err(io_error("list", dir))?;
        if !entry.file_name().to_str().is_some_and(&matches) {
            continue;
        }
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| SystemTime::now().duration_since(modified).ok())
            .is_some_and(|age| age >= STALE_TEMPORARY_AGE);
        if stale {
            remove_key_file(&entry.path())?;
        }
    }
    Ok(())
}

/// Removes the stale temporaries of the file called `name` in `dir`.
fn remove_stale_temporaries(dir: &Path, name: &str) -> Result<(), VaultError> {
    remove_stale(dir, |candidate| is_temporary_of(candidate, name))
}

/// Renames `tmp` over `path`, removing `tmp` if that fails.
fn rename_into_place(tmp: &Path, path: &Path) -> Result<(), VaultError> {
    fs::rename(tmp, path).map_err(|e| {
        let _ = fs::remove_file(tmp);
        io_error("replace", path)(e)
    })
}

/// Replaces the file `path` with `bytes` atomically: a temporary file beside it (mode 0600 on
/// Unix) is written and synced, renamed over `path`, and the directory entry is synced, so a
/// crash leaves either the old content or the new, never a mix.
///
/// For small private files other than the vault's own, such as a password hash.
/// Concurrent writers of one file each use their own temporary file, so the file ends up
/// holding one whole write. A temporary file a crash left behind is removed by a later write
/// once it is ten minutes old.
pub fn write_private_file(path: &Path, bytes: &[u8]) -> Result<(), VaultError> {
    let tmp = temp_path(path)?;
    if let Err(e) = write_new_private(&tmp, bytes) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    rename_into_place(&tmp, path)?;
    sync_dir(path);
    Ok(())
}

/// Writes a new key file with mode 0600 without ever replacing an existing one, encrypted
/// under `passphrase` if there is one.
///
/// The key goes to a temporary file first and is then linked into place, so a crash leaves
/// either no key file or a complete one. If another process created the key file meanwhile,
/// that key wins and is returned instead of `key`.
pub(crate) fn create_key_file(
    path: &Path,
    key: KeyPair,
    passphrase: Option<&SecretString>,
) -> Result<KeyPair, VaultError> {
    let pem = match passphrase {
        Some(passphrase) => key.to_encrypted_pkcs8_pem(passphrase)?,
        None => key.to_pkcs8_pem()?,
    };
    let tmp = temp_path(path)?;
    if let Err(e) = write_new_private(&tmp, pem.expose_secret().as_bytes()) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }

    let linked = fs::hard_link(&tmp, path);
    // The temporary name is never needed again, whether or not linking worked.
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            sync_dir(path);
            Ok(key)
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => read_key_file(path, passphrase)?
            .map(|loaded| loaded.keys)
            .ok_or_else(|| VaultError::KeyFileUnreadable {
                path: path.to_path_buf(),
                source: io::Error::new(io::ErrorKind::NotFound, "key file vanished"),
            }),
        Err(e) => Err(io_error("create", path)(e)),
    }
}

/// Deletes the temporary key files (of `vault-key*.pem`) that a crash left behind while a key
/// file was being written, once they are [`STALE_TEMPORARY_AGE`] old; they may hold private
/// keys.
pub(crate) fn remove_stale_key_temporaries(dir: &Path) -> Result<(), VaultError> {
    remove_stale(dir, |name| {
        name.starts_with("vault-key")
            && name
                .find(".pem")
                .is_some_and(|end| is_temporary_of(name, &name[..end + 4]))
    })
}

/// Deletes a retired key file; a file that is already gone is fine.
pub(crate) fn remove_key_file(path: &Path) -> Result<(), VaultError> {
    match fs::remove_file(path) {
        Ok(()) => {
            sync_dir(path);
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error("remove retired key file", path)(e)),
    }
}

/// Flushes the directory entry of `path`; best effort, as not every platform supports it.
fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent() {
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
    }
}
