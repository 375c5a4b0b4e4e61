//! Credential vault of the MediaGateway: RSA-OAEP wrapped AES-256-GCM account records in SQLite.
//!
//! The MediaGateway keeps each portal user's Exchange login data here, sealed. A record is named
//! by a [`RecordId`] (data source and portal user) and holds an [`Account`]: user name, mailbox,
//! server URL, a [`Secret`] (password or OAuth2 refresh token), the fingerprint of the access data
//! it was made from, and timestamps. Logins that must not be stored go to [`SessionAccounts`],
//! which live in memory only and expire.
//!
//! # Example
//!
//! ```
//! use mediagateway_vault::{Account, RecordId, Secret, Vault, VaultOptions};
//! use secrecy::ExposeSecret;
//!
//! # fn main() -> Result<(), mediagateway_vault::VaultError> {
//! # let tmp = tempfile::tempdir().expect("temporary directory");
//! # let dir = tmp.path().join("vault");
//! // Zero configuration: the first open creates the directory, the key and the database.
//! let vault = Vault::open_with(&dir, VaultOptions::new().rsa_bits(2048))?;
//!
//! let id = RecordId::new("exchange-main", "0c6f3a52-5d0e-4c1e-9d4e-1f2a3b4c5d6e");
//! let mut account = Account::new(
//!     "CONTOSO\\alice",
//!     "https://mail.contoso.com/EWS/Exchange.asmx",
//!     Secret::password("correct horse battery staple"),
//! );
//! account.mailbox = Some("alice@contoso.com".into());
//! vault.put(&id, &account)?;
//!
//! let stored = vault.get(&id)?.expect("just stored");
//! assert_eq!(stored.user_name, "CONTOSO\\alice");
//! if let Secret::Password(password) = &stored.secret {
//!     assert_eq!(password.expose_secret(), "correct horse battery staple");
//! }
//! // Listings never carry secrets, and the filter ignores case.
//! let found = vault.list(Some("ALICE@"), 0, 10)?;
//! assert_eq!(found.len(), 1);
//! # Ok(())
//! # }
//! ```
//!
//! # Cryptography
//!
//! The scheme is hybrid: an RSA key pair (3072 bits by default) wraps, with RSA-OAEP-SHA256, a
//! random AES-256-GCM *data key*, and the data key seals the records.
//!
//! There is **one data key per vault** (per key pair), not one per record. An RSA private-key
//! operation costs milliseconds, while a warm lookup must stay within microseconds; unwrapping a
//! per-record key on every read would make the RSA operation the whole cost of a lookup. So the
//! data key is generated when the vault is created, stored RSA-wrapped in the store's key table,
//! unwrapped once when the vault is opened, and then held only inside the AES cipher, whose key
//! schedule is wiped on drop. The private key is not kept after opening.
//!
//! Each record is sealed with a fresh random 96-bit nonce. Its associated data is the record id
//! and the key id (length-prefixed), so a ciphertext copied onto another record, or offered under
//! another key, fails authentication rather than decrypting to someone else's login. With random
//! nonces one data key can safely seal about 2³² records before nonce collisions become a
//! concern, far beyond a gateway's account count (and rewrites of it).
//!
//! The key id is the hex SHA-256 of the public key's SPKI DER encoding. The plaintext of a record
//! is a small versioned, length-prefixed binary format, written into a buffer of exactly the right
//! size and wiped after sealing and after opening. Secrets stay in [`secrecy::SecretString`]:
//! `Debug` of [`Account`], [`Secret`] and [`Vault`] never shows them.
//!
//! # Files
//!
//! [`Vault::open`] uses a directory (created with mode 0700) holding `vault.db` (SQLite in WAL
//! mode, with its `-wal` and `-shm` files) and `vault-key.pem` (the private key as unencrypted
//! PKCS#8 PEM). All are created with mode 0600, regardless of the umask. Opening warns through
//! `tracing` that the key file is not encrypted. Opening with a key that does not belong to the
//! vault fails at once with [`VaultError::WrongKey`].
//!
//! # Storage backends
//!
//! The vault keeps sealed bytes in a [`Store`]: [`SqliteStore`] is the default, [`MemoryStore`]
//! keeps them in memory, and [`Vault::with_store`] accepts any implementation. Stores never see
//! plaintext or keys. Database schemas carry a version; a database written by newer code is
//! refused with [`VaultError::SchemaTooNew`].
//!
//! This crate has no optional features.

mod codec;
mod error;
mod files;
mod keys;
mod record;
mod seal;
mod session;
mod sqlite;
mod store;
mod vault;

pub use crate::error::{InputProblem, VaultError};
pub use crate::keys::KeyPair;
pub use crate::record::{
    Account, AccountSummary, RecordId, Secret, SecretKind, MAX_FIELD_LEN, MAX_ID_LEN,
    MAX_SECRET_LEN,
};
pub use crate::session::{SessionAccounts, MAX_SESSION_TTL};
pub use crate::sqlite::SqliteStore;
pub use crate::store::{MemoryStore, SealedRecord, Store, WrappedDataKey, SCHEMA_VERSION};
pub use crate::vault::{Vault, VaultOptions};

// Compile-time proof that the types shared across threads are `Send + Sync`.
const _: () = {
    const fn shared<T: Send + Sync>() {}
    shared::<Vault>();
    shared::<SessionAccounts>();
    shared::<SqliteStore>();
    shared::<MemoryStore>();
};
