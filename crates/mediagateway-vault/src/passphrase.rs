//! Where the passphrase that encrypts the vault's private key files comes from.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::error::VaultError;

/// Environment variable read by default for the key passphrase.
pub const PASSPHRASE_ENV: &str = "MEDIAGATEWAY_VAULT_PASSPHRASE";

/// Longest passphrase accepted, in bytes.
pub const MAX_PASSPHRASE_LEN: usize = 1024;

/// Where the passphrase of the key files comes from.
///
/// With a passphrase, new key files are written as encrypted PKCS#8 (scrypt and AES-256-CBC);
/// without one they are written unencrypted and the vault warns at start-up. `Debug` never
/// shows a passphrase.
#[derive(Clone)]
#[non_exhaustive]
pub enum PassphraseSource {
    /// No passphrase: key files are not encrypted.
    None,
    /// The named environment variable; unset or empty means no passphrase.
    Env(String),
    /// The whole content of a file, without one trailing line break.
    File(PathBuf),
    /// The passphrase itself.
    Value(SecretString),
}

impl PassphraseSource {
    /// The default: the environment variable [`PASSPHRASE_ENV`].
    pub fn from_default_env() -> Self {
        Self::Env(PASSPHRASE_ENV.to_owned())
    }

    /// Reads the passphrase; `None` if this source provides none.
    pub(crate) fn resolve(&self) -> Result<Option<SecretString>, VaultError> {
        match self {
            Self::None => Ok(None),
            Self::Env(name) => {
                let unusable = |reason: &str| VaultError::PassphraseUnusable {
                    origin: format!("environment variable {name}"),
                    reason: reason.to_owned(),
                };
                let Some(value) = std::env::var_os(name) else {
                    return Ok(None);
                };
                let value = Zeroizing::new(value.into_string().map_err(|_| unusable("not UTF-8"))?);
                if value.is_empty() {
                    return Ok(None);
                }
                checked(value.as_str()).map(Some).map_err(unusable)
            }
            Self::File(path) => read_file(path).map(Some),
            Self::Value(value) => checked(value.expose_secret()).map(Some).map_err(|reason| {
                VaultError::PassphraseUnusable {
                    origin: "the vault options".to_owned(),
                    reason: reason.to_owned(),
                }
            }),
        }
    }
}

impl Default for PassphraseSource {
    fn default() -> Self {
        Self::from_default_env()
    }
}

impl fmt::Debug for PassphraseSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::Env(name) => f.debug_tuple("Env").field(name).finish(),
            Self::File(path) => f.debug_tuple("File").field(path).finish(),
            Self::Value(_) => f.write_str("Value([REDACTED])"),
        }
    }
}

fn checked(text: &str) -> Result<SecretString, &'static str> {
    if text.is_empty() {
        return Err("it is empty");
    }
    if text.len() > MAX_PASSPHRASE_LEN {
        return Err("it is longer than 1024 bytes");
    }
    Ok(SecretString::from(text))
}

fn read_file(path: &Path) -> Result<SecretString, VaultError> {
    let unusable = |reason: String| VaultError::PassphraseUnusable {
        origin: format!("file {}", path.display()),
        reason,
    };
    let io_reason = |e: io::Error| unusable(format!("cannot read it: {e}"));
    let mut file = File::open(path).map_err(io_reason)?;
    let meta = file.metadata().map_err(io_reason)?;
    if !meta.is_file() {
        return Err(unusable("not a regular file".to_owned()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            tracing::warn!(file = %path.display(), "vault passphrase file is readable by other users; mode 0600 is recommended");
        }
    }
    // Fixed capacity: reading never reallocates and leaves copies of the passphrase behind.
    let limit = MAX_PASSPHRASE_LEN + 2;
    let mut bytes = Zeroizing::new(Vec::with_capacity(limit + 1));
    Read::by_ref(&mut file)
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io_reason)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| unusable("not UTF-8".to_owned()))?;
    let text = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(text);
    checked(text).map_err(|reason| unusable(reason.to_owned()))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn file_with(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().expect("temporary directory");
        let path = tmp.path().join("passphrase");
        let mut file = File::create(&path).expect("create");
        file.write_all(bytes).expect("write");
        (tmp, path)
    }

    fn resolved(source: &PassphraseSource) -> Option<String> {
        source
            .resolve()
            .expect("resolves")
            .map(|s| s.expose_secret().to_owned())
    }

    #[test]
    fn a_file_loses_one_trailing_line_break_only() {
        for (content, expected) in [
            (&b"open sesame\n"[..], "open sesame"),
            (b"open sesame\r\n", "open sesame"),
            (b"open sesame", "open sesame"),
            (b"two breaks\n\n", "two breaks\n"),
            (b"  spaced  ", "  spaced  "),
        ] {
            let (_tmp, path) = file_with(content);
            assert_eq!(
                resolved(&PassphraseSource::File(path)).as_deref(),
                Some(expected)
            );
        }
    }

    #[test]
    fn empty_oversized_binary_and_missing_files_are_unusable() {
        let long = vec![b'a'; MAX_PASSPHRASE_LEN + 1];
        let huge = vec![b'b'; 1 << 20];
        for content in [&b""[..], b"\n", &long, &huge, b"\xff\xfe pass"] {
            let (_tmp, path) = file_with(content);
            let err = PassphraseSource::File(path).resolve().unwrap_err();
            assert!(err.is_passphrase(), "{err:?}");
        }
        let (tmp, _) = file_with(b"x");
        let err = PassphraseSource::File(tmp.path().join("missing"))
            .resolve()
            .unwrap_err();
        assert!(
            matches!(err, VaultError::PassphraseUnusable { .. }),
            "{err}"
        );
        let err = PassphraseSource::File(tmp.path().to_path_buf())
            .resolve()
            .unwrap_err();
        assert!(err.to_string().contains("regular file"), "{err}");
        let at_limit = vec![b'c'; MAX_PASSPHRASE_LEN];
        let (_tmp, path) = file_with(&at_limit);
        assert_eq!(resolved(&PassphraseSource::File(path)).unwrap().len(), 1024);
    }

    #[test]
    fn values_none_and_unset_variables() {
        assert!(resolved(&PassphraseSource::None).is_none());
        let unset = PassphraseSource::Env("MEDIAGATEWAY_VAULT_TEST_SURELY_UNSET_9f2c".into());
        assert!(resolved(&unset).is_none());
        let value = PassphraseSource::Value(SecretString::from("pw"));
        assert_eq!(resolved(&value).as_deref(), Some("pw"));
        let empty = PassphraseSource::Value(SecretString::from(""));
        assert!(empty.resolve().unwrap_err().is_passphrase());
        assert!(matches!(
            PassphraseSource::default(),
            PassphraseSource::Env(name) if name == PASSPHRASE_ENV
        ));
    }

    #[test]
    fn debug_never_shows_the_passphrase() {
        let text = format!(
            "{:?}",
            PassphraseSource::Value(SecretString::from("hunter2-zz"))
        );
        assert_eq!(text, "Value([REDACTED])");
        let env = format!("{:?}", PassphraseSource::Env("X".into()));
        assert_eq!(env, "Env(\"X\")");
    }
}
