//! Credential vault of the MediaGateway: RSA-OAEP wrapped AES-256-GCM account records in SQLite
//! or (feature `postgres`) PostgreSQL.
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
//! # Files and key storage
//!
//! [`Vault::open`] uses a directory (created with mode 0700) holding `vault.db` (SQLite in WAL
//! mode, with its `-wal` and `-shm` files) and the private key files: `vault-key.pem` for the
//! first key, `vault-key-<key id>.pem` for keys added by a rotation; once a rotation has retired
//! the first key, an empty `vault-retired-first-key` file records it, so an error about a
//! missing key file names the right one. All are created with mode
//! 0600, regardless of the umask, and a key file is written to a temporary name and linked into
//! place, so a crash never leaves half a key.
//!
//! With a passphrase, key files are PKCS#8 `ENCRYPTED PRIVATE KEY` PEM (PBES2: scrypt with
//! log₂N = 14, r = 8, p = 1 and a random salt, then AES-256-CBC). The passphrase comes from
//! [`VaultOptions::passphrase`], [`VaultOptions::passphrase_file`] or, by default, the
//! environment variable [`PASSPHRASE_ENV`]; it is held as a [`secrecy::SecretString`] and never
//! logged. Without one, key files are unencrypted PKCS#8 PEM and opening warns through `tracing`.
//! A wrong passphrase fails at open with [`VaultError::WrongPassphrase`], an encrypted key
//! without one with [`VaultError::PassphraseRequired`], and a key that does not belong to the
//! vault with [`VaultError::WrongKey`]. An unencrypted key still opens when a passphrase is
//! configured; the next rotation replaces it with an encrypted one.
//!
//! # Key rotation
//!
//! [`Vault::rotate`] generates a new key pair (3072 bits by default) and a new data key wrapped
//! by it, re-seals every record under the new data key and then retires the old data key and
//! key file. The store's key table is the persisted rotation state: while it holds more than
//! one data key, the newest seals every write and records are read under whichever key they
//! name. The steps (new key file, new data key, re-sealing with compare-and-swap, retiring)
//! are each crash-safe and re-sealing is idempotent, so a vault killed mid-rotation opens, reads
//! every record, and finishes with another [`Vault::rotate`]. [`Vault::begin_rotation`] and
//! [`Vault::rotation_step`] run a rotation in bounded steps; [`Vault::rotate_with`] rotates a
//! vault over any store to a caller-supplied key pair. A record that cannot be opened stops the
//! rotation with [`VaultError::CorruptRecord`] before any key is retired. Other processes that
//! opened the vault before a rotation must reopen it afterwards: they still seal under the old
//! key.
//!
//! ```
//! use mediagateway_vault::{Account, RecordId, Secret, Vault, VaultOptions};
//! use secrecy::SecretString;
//!
//! # fn main() -> Result<(), mediagateway_vault::VaultError> {
//! # let tmp = tempfile::tempdir().expect("temporary directory");
//! # let dir = tmp.path().join("vault");
//! let options = || {
//!     VaultOptions::new()
//!         .rsa_bits(2048)
//!         .passphrase(SecretString::from("a long vault passphrase"))
//! };
//! let vault = Vault::open_with(&dir, options())?;
//! let id = RecordId::service_account("exchange-main");
//! vault.put(&id, &Account::new("svc", "https://mail/EWS/Exchange.asmx", Secret::None))?;
//! let old_key = vault.key_id();
//!
//! let status = vault.rotate()?;
//! assert!(status.is_finished());
//! assert_ne!(status.key_id, old_key);
//! assert_eq!(vault.key_ids(), [status.key_id.clone()]);
//! drop(vault);
//!
//! // Only the new, encrypted key file is left, and it opens the vault.
//! let vault = Vault::open_with(&dir, options())?;
//! assert!(vault.get(&id)?.is_some());
//! # Ok(())
//! # }
//! ```
//!
//! # Accounts
//!
//! Besides [`Vault::put`], [`Vault::get`], [`Vault::delete`] (resets one user's stored login) and
//! [`Vault::list`], the vault offers [`Vault::details`] (the non-secret summary of one account),
//! [`Vault::users`] (the portal users' accounts of one data source, without secrets),
//! [`Vault::touch`] (records the last use; reading never writes), and resets:
//! [`Vault::reset_data_source`] and [`Vault::reset_all`] delete portal users' logins but keep the
//! reserved records, the service account ([`RecordId::service_account`]) and static users
//! ([`RecordId::static_user`]), which [`Vault::delete_data_source`] removes too. A [`Secret`] is
//! a password, an OAuth2 refresh token, or none (Kerberos).
//!
//! # Storage backends
//!
//! The vault keeps sealed bytes in a [`Store`]: [`SqliteStore`] is the default, [`MemoryStore`]
//! keeps them in memory, `PostgresStore` (feature `postgres`) keeps them in a PostgreSQL schema
//! that several gateway instances share, and [`Vault::with_store`] accepts any implementation.
//! Stores never see plaintext or keys. Database schemas carry a version and are migrated when
//! opened, in one transaction and once even when several processes open at the same moment; a
//! database written by newer code is refused with [`VaultError::SchemaTooNew`].
//!
//! `PostgresStore` caches the records it has read, so a repeated read costs no round trip to the
//! server. The cache holds sealed bytes exactly as stored, never plaintext or keys, so it keeps
//! nothing in memory the store did not already see, and a record is still opened (and its
//! authentication checked) by the vault on every read. Several gateway instances share one
//! schema, so every write sends `pg_notify` naming the changed ids in the writing transaction;
//! each store listens on one extra connection (a thread of its own) and evicts what it is told.
//! Once listening, that connection preloads the schema's records page by page (up to the cache's
//! size), so even the first read of a record needs no round trip.
//! A read that raced with an eviction is not cached (a generation counter taken before the query
//! must be unchanged after it). When the listening connection breaks the cache is cleared and
//! takes no new entries until it listens again, so a lost notification never leaves a stale
//! record behind. Staleness is therefore bounded by the time a notification takes to arrive;
//! should the listening connection stall silently, it is checked every 200 ms with a one-second
//! limit, bounding staleness to about 1.2 s plus delivery. The cache holds
//! `PostgresOptions::cache_records` records (100,000 by default) and is simply cleared when
//! full; `cache_records(0)` turns it and its connection off. Ids too long for a notification
//! payload make every store clear its whole cache; data keys, counts and listings are always
//! read from the database.
//!
//! # Features
//!
//! - `postgres` (off by default): `PostgresStore` and `PostgresOptions`, using the synchronous
//!   `postgres` client on connection threads of its own, so the store may be called from inside
//!   an async runtime.

mod accounts;
mod codec;
mod error;
mod files;
mod keys;
mod migrate;
mod passphrase;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "postgres")]
mod postgres_cache;
#[cfg(feature = "postgres")]
mod postgres_pool;
#[cfg(feature = "postgres")]
mod postgres_store;
mod record;
mod rotation;
mod rotation_ring;
mod seal;
mod session;
mod sqlite;
mod store;
mod vault;

pub use crate::accounts::TOUCH_INTERVAL;
pub use crate::error::{InputProblem, VaultError};
pub use crate::files::{ensure_private_dir, write_private_file};
pub use crate::keys::KeyPair;
pub use crate::passphrase::{PassphraseSource, MAX_PASSPHRASE_LEN, PASSPHRASE_ENV};
#[cfg(feature = "postgres")]
pub use crate::postgres::{PostgresOptions, PostgresStore};
pub use crate::record::{
    Account, AccountSummary, RecordId, Secret, SecretKind, MAX_ATTRIBUTES, MAX_FIELD_LEN,
    MAX_ID_LEN, MAX_SECRET_LEN,
};
pub use crate::rotation::RotationStatus;
pub use crate::session::{SessionAccounts, DEFAULT_MAX_SESSIONS_PER_DATA_SOURCE, MAX_SESSION_TTL};
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
    #[cfg(feature = "postgres")]
    shared::<PostgresStore>();
};
