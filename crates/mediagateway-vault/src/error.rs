//! The one error type of the crate.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::record::RecordId;

/// What is wrong with a value handed to the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputProblem {
    /// The value is empty but must not be.
    Empty,
    /// The value is longer than the vault accepts.
    TooLong {
        /// Length of the value in bytes.
        len: usize,
        /// Largest accepted length in bytes.
        max: usize,
    },
    /// The value lies outside the accepted range.
    OutOfRange {
        /// The value given.
        value: usize,
        /// Smallest accepted value.
        min: usize,
        /// Largest accepted value.
        max: usize,
    },
    /// The value does not have the required form.
    Malformed {
        /// The form the value must have.
        expected: &'static str,
    },
}

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("must not be empty"),
            Self::TooLong { len, max } => {
                write!(f, "is {len} bytes long, at most {max} bytes are allowed")
            }
            Self::OutOfRange { value, min, max } => {
                write!(f, "is {value}, it must lie between {min} and {max}")
            }
            Self::Malformed { expected } => write!(f, "is not {expected}"),
        }
    }
}

/// Errors of the credential vault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VaultError {
    /// A stored record failed to decrypt or decode; the other records are unaffected.
    #[error("record {id} is corrupt: {reason}")]
    CorruptRecord {
        /// The record that cannot be opened.
        id: RecordId,
        /// Why it cannot be opened.
        reason: String,
    },

    /// The key file exists but cannot be read.
    #[error("cannot read key file {path}: {source}")]
    KeyFileUnreadable {
        /// Path of the key file.
        path: PathBuf,
        /// The underlying I/O error.
        source: io::Error,
    },

    /// The key file is not a usable PKCS#8 PEM RSA private key.
    #[error("key file {path} is not a usable PKCS#8 PEM RSA private key: {reason}")]
    KeyFileInvalid {
        /// Path of the key file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },

    /// Key text handed to the vault is not a usable PKCS#8 PEM RSA private key.
    #[error("not a usable PKCS#8 PEM RSA private key: {reason}")]
    InvalidKey {
        /// What is wrong with it.
        reason: String,
    },

    /// The vault holds data sealed under a key, but the key file is gone.
    #[error(
        "key file {path} is missing, but the vault already holds data sealed under key {key_id}; \
         restore the key file (a new key cannot open the existing records)"
    )]
    KeyFileMissing {
        /// Where the key file was expected.
        path: PathBuf,
        /// Id of the key the vault was created with.
        key_id: String,
    },

    /// The private key does not belong to this vault.
    #[error(
        "wrong key: the private key has id {key_id}, but this vault was created with key {vault_key_id}"
    )]
    WrongKey {
        /// Id of the key that was offered.
        key_id: String,
        /// Id of the key the vault was created with.
        vault_key_id: String,
    },

    /// The wrapped data key of the vault cannot be unwrapped or is missing.
    #[error("data key for key {key_id} is unusable: {reason}")]
    DataKeyUnusable {
        /// Id of the key pair the data key belongs to.
        key_id: String,
        /// What is wrong with it.
        reason: String,
    },

    /// Generating key material failed.
    #[error("key generation failed: {reason}")]
    KeyGeneration {
        /// Why it failed.
        reason: String,
    },

    /// Sealing a record or wrapping a key failed.
    #[error("encryption failed while {operation}: {reason}")]
    Encryption {
        /// What the vault was doing.
        operation: &'static str,
        /// Why it failed.
        reason: String,
    },

    /// A file-system operation on the vault's files failed.
    #[error("cannot {operation} {path}: {source}")]
    Io {
        /// What the vault was doing.
        operation: &'static str,
        /// The file or directory concerned.
        path: PathBuf,
        /// The underlying I/O error.
        source: io::Error,
    },

    /// The storage backend failed.
    #[error("storage failed while {operation}: {message}")]
    Storage {
        /// What the vault was doing.
        operation: &'static str,
        /// The backend's message.
        message: String,
    },

    /// The database file is not a vault database.
    #[error("{path} is not a vault database: {reason}")]
    NotAVault {
        /// Path of the database file.
        path: PathBuf,
        /// What was found instead.
        reason: String,
    },

    /// The database was written by a newer version of this crate.
    #[error(
        "vault schema version {found} is newer than the newest this code knows ({supported}); \
         upgrade the software"
    )]
    SchemaTooNew {
        /// Schema version found in the database.
        found: u32,
        /// Newest schema version this code understands.
        supported: u32,
    },

    /// The key file is encrypted, but no passphrase was configured.
    #[error("key file {path} is encrypted, but no vault passphrase is configured")]
    PassphraseRequired {
        /// Path of the key file.
        path: PathBuf,
    },

    /// The passphrase does not decrypt the key file.
    #[error("wrong passphrase: it does not decrypt key file {path}")]
    WrongPassphrase {
        /// Path of the key file.
        path: PathBuf,
    },

    /// The configured passphrase cannot be read or is unusable.
    #[error("vault passphrase from {origin} is unusable: {reason}")]
    PassphraseUnusable {
        /// Where the passphrase was to come from (an environment variable or a file).
        origin: String,
        /// What is wrong.
        reason: String,
    },

    /// A key rotation to another key is already under way; it must finish first.
    #[error("a key rotation to key {key_id} is under way; finish it before starting another")]
    RotationInProgress {
        /// Id of the key the running rotation moves to.
        key_id: String,
    },

    /// The storage backend does not implement an operation the vault needs.
    #[error("the storage backend does not support {operation}")]
    Unsupported {
        /// The missing operation.
        operation: &'static str,
    },

    /// A value handed to the vault is not acceptable.
    #[error("invalid {field}: {problem}")]
    InvalidInput {
        /// Which value is wrong.
        field: &'static str,
        /// What is wrong with it.
        problem: InputProblem,
    },
}

impl VaultError {
    /// A storage error with the backend's message, for implementors of [`Store`](crate::Store).
    pub fn storage(operation: &'static str, message: impl fmt::Display) -> Self {
        Self::Storage {
            operation,
            message: message.to_string(),
        }
    }

    /// True if a stored record failed to decrypt or decode.
    pub fn is_corrupt(&self) -> bool {
        matches!(self, Self::CorruptRecord { .. })
    }

    /// True if the private key does not belong to the vault.
    pub fn is_wrong_key(&self) -> bool {
        matches!(self, Self::WrongKey { .. })
    }

    /// True if the key file is missing or unreadable, or the key in it (or handed over) is unusable.
    pub fn is_key_file(&self) -> bool {
        matches!(
            self,
            Self::KeyFileUnreadable { .. }
                | Self::KeyFileInvalid { .. }
                | Self::KeyFileMissing { .. }
                | Self::InvalidKey { .. }
        )
    }

    /// True if the passphrase is missing, wrong or unusable.
    pub fn is_passphrase(&self) -> bool {
        matches!(
            self,
            Self::PassphraseRequired { .. }
                | Self::WrongPassphrase { .. }
                | Self::PassphraseUnusable { .. }
        )
    }

    /// True if the storage backend or the file system failed.
    pub fn is_storage(&self) -> bool {
        matches!(self, Self::Storage { .. } | Self::Io { .. })
    }

    /// True if the database file is not a vault database.
    pub fn is_not_a_vault(&self) -> bool {
        matches!(self, Self::NotAVault { .. })
    }

    /// True if the database was written by a newer version of this crate.
    pub fn is_schema_too_new(&self) -> bool {
        matches!(self, Self::SchemaTooNew { .. })
    }

    /// True if a value handed to the vault was rejected.
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Self::InvalidInput { .. })
    }

    /// The record concerned, if the error is about one record.
    pub fn record_id(&self) -> Option<&RecordId> {
        match self {
            Self::CorruptRecord { id, .. } => Some(id),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_match_their_variants_only() {
        let corrupt = VaultError::CorruptRecord {
            id: RecordId::new("ds", "u"),
            reason: "tag mismatch".into(),
        };
        assert!(corrupt.is_corrupt());
        assert!(!corrupt.is_storage());
        assert_eq!(corrupt.record_id(), Some(&RecordId::new("ds", "u")));

        let wrong = VaultError::WrongKey {
            key_id: "a".into(),
            vault_key_id: "b".into(),
        };
        assert!(wrong.is_wrong_key());
        assert!(!wrong.is_key_file());
        assert!(wrong.record_id().is_none());
        assert!(wrong.to_string().contains("wrong key"));

        let storage = VaultError::storage("reading", "disk I/O error");
        assert!(storage.is_storage());
        assert_eq!(
            storage.to_string(),
            "storage failed while reading: disk I/O error"
        );

        let input = VaultError::InvalidInput {
            field: "portal user",
            problem: InputProblem::TooLong { len: 300, max: 256 },
        };
        assert!(input.is_invalid_input());
        assert_eq!(
            input.to_string(),
            "invalid portal user: is 300 bytes long, at most 256 bytes are allowed"
        );
        assert!(VaultError::SchemaTooNew {
            found: 9,
            supported: 1
        }
        .is_schema_too_new());

        let wrong = VaultError::WrongPassphrase {
            path: PathBuf::from("/v/vault-key.pem"),
        };
        assert!(wrong.is_passphrase() && !wrong.is_wrong_key() && !wrong.is_key_file());
        assert_eq!(
            wrong.to_string(),
            "wrong passphrase: it does not decrypt key file /v/vault-key.pem"
        );
        assert!(VaultError::PassphraseRequired {
            path: PathBuf::new()
        }
        .is_passphrase());
        let busy = VaultError::RotationInProgress {
            key_id: "ab".into(),
        };
        assert!(!busy.is_passphrase() && busy.to_string().contains("ab"));
    }
}
