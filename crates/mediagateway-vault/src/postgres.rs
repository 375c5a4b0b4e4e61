//! The PostgreSQL store (feature `postgres`): one database shared by several gateway instances.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::error::{InputProblem, VaultError};
use crate::migrate::{self, Migration, MIGRATIONS};
use crate::postgres_cache::{self, Cache, Listener};
use crate::postgres_pool::{db_error, Pool};

/// How long opening a connection may take when the connection string sets no `connect_timeout`.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Settings for [`PostgresStore::open`].
///
/// The connections use no TLS (`NoTls`): the password and the sealed records cross the network
/// in clear. Use the PostgreSQL store on loopback or a trusted network only.
///
/// `Debug` shows the schema and pool size, never the connection string (it may hold a password).
#[derive(Clone)]
#[non_exhaustive]
pub struct PostgresOptions {
    /// The connection string, in libpq `key=value` form or as a `postgresql://` URL.
    pub connection: SecretString,
    /// The schema holding the vault's tables; several vaults can share a database by using
    /// different schemas.
    pub schema: String,
    /// How many connections (each on its own thread) serve the store.
    pub connections: usize,
    /// Most sealed records kept in the store's cache; 0 turns the cache (and its listener
    /// connection) off.
    pub cache_records: usize,
}

impl PostgresOptions {
    /// Schema used when none is set.
    pub const DEFAULT_SCHEMA: &'static str = "mediagateway_vault";
    /// Connections used when no number is set.
    pub const DEFAULT_CONNECTIONS: usize = 2;
    /// Most connections one store may open.
    pub const MAX_CONNECTIONS: usize = 64;
    /// Cached records when no number is set.
    pub const DEFAULT_CACHE_RECORDS: usize = 100_000;

    /// Options for the database at `connection`, e.g.
    /// `host=127.0.0.1 port=5432 user=gateway dbname=gateway`.
    pub fn new(connection: impl Into<String>) -> Self {
        Self {
            connection: SecretString::from(connection.into()),
            schema: Self::DEFAULT_SCHEMA.to_owned(),
            connections: Self::DEFAULT_CONNECTIONS,
            cache_records: Self::DEFAULT_CACHE_RECORDS,
        }
    }

    /// Sets the schema: lowercase letters, digits and `_`, at most 63 bytes, not starting with a
    /// digit or `pg_`.
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = schema.into();
        self
    }

    /// Sets the number of connections (1 to [`MAX_CONNECTIONS`](Self::MAX_CONNECTIONS)).
    pub fn connections(mut self, connections: usize) -> Self {
        self.connections = connections;
        self
    }

    /// Sets how many sealed records the cache keeps; 0 turns it off.
    pub fn cache_records(mut self, records: usize) -> Self {
        self.cache_records = records;
        self
    }
}

impl fmt::Debug for PostgresOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresOptions")
            .field("schema", &self.schema)
            .field("connections", &self.connections)
            .field("cache_records", &self.cache_records)
            .finish_non_exhaustive()
    }
}

/// A [`Store`](crate::Store) in a PostgreSQL database, in a schema of its own.
///
/// Every method is one statement or one transaction, so it is atomic, and several stores (in
/// one process or many) can use the same schema at once: each sees the others' writes. Opening
/// creates the schema and applies pending migrations in a transaction under an advisory lock, so
/// gateways starting together migrate once. Ids are stored as `bytea`, which orders them
/// bytewise like the other stores.
///
/// The connections live on threads of their own, so the store may be called from synchronous
/// code and from inside an async runtime alike; a call blocks its caller until the database
/// answers. Reads are answered from a cache of sealed records kept fresh by notifications (see
/// the crate's "Storage backends" docs); [`PostgresOptions::cache_records`] bounds or disables it.
///
/// # Example
///
/// ```no_run
/// use mediagateway_vault::{KeyPair, PostgresOptions, PostgresStore, Vault};
/// use secrecy::SecretString;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let options = PostgresOptions::new("host=127.0.0.1 port=5432 user=gateway dbname=gateway")
///     .schema("vault_site_a");
/// // The key file as `Vault::open_with` writes it: encrypted when a passphrase is configured.
/// let pem = std::fs::read_to_string("/etc/mediagateway/vault-key.pem")?;
/// let passphrase = std::env::var("MEDIAGATEWAY_VAULT_PASSPHRASE").ok().map(SecretString::from);
/// let keys = KeyPair::from_pkcs8_pem_with(&pem, passphrase.as_ref())?;
/// // Every gateway instance opening this schema shares the same accounts.
/// let vault = Vault::with_store(Box::new(PostgresStore::open(&options)?), &keys)?;
/// println!("{} accounts", vault.len()?);
/// # Ok(())
/// # }
/// ```
pub struct PostgresStore {
    pub(crate) pool: Pool,
    schema: String,
    /// The channel this schema's changes are announced on.
    pub(crate) channel: String,
    /// Sealed records read before, kept fresh by `_listener`; `None` when turned off.
    pub(crate) cache: Option<Arc<Cache>>,
    // Declared last so the listener stops after the pool: dropping it waits for its thread.
    _listener: Option<Listener>,
}

impl PostgresStore {
    /// Connects, creates the schema if needed and migrates it.
    pub fn open(options: &PostgresOptions) -> Result<Self, VaultError> {
        Self::open_migrated(options, MIGRATIONS)
    }

    /// The schema holding the vault's tables.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    pub(crate) fn open_migrated(
        options: &PostgresOptions,
        steps: &'static [Migration],
    ) -> Result<Self, VaultError> {
        check_schema(&options.schema)?;
        if !(1..=PostgresOptions::MAX_CONNECTIONS).contains(&options.connections) {
            return Err(VaultError::InvalidInput {
                field: "PostgreSQL connection count",
                problem: InputProblem::OutOfRange {
                    value: options.connections,
                    min: 1,
                    max: PostgresOptions::MAX_CONNECTIONS,
                },
            });
        }
        // The parser's message could quote the string, password included: it is not passed on.
        let mut config =
            postgres::Config::from_str(options.connection.expose_secret()).map_err(|_| {
                VaultError::InvalidInput {
                    field: "PostgreSQL connection string",
                    problem: InputProblem::Malformed {
                        expected: "a libpq key=value list or a postgresql:// URL",
                    },
                }
            })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        // The vault's schema first, so its tables win over any of the same name elsewhere.
        let setup = format!("SET search_path TO \"{}\", pg_catalog", options.schema);
        let channel = postgres_cache::channel(&options.schema);
        let mut store = Self {
            pool: Pool::start(config.clone(), options.connections, setup.clone())?,
            schema: options.schema.clone(),
            channel,
            cache: None,
            _listener: None,
        };
        let schema = options.schema.clone();
        store.pool.call("migrating the vault schema", move |conn| {
            migrate(conn.client(), &schema, steps)
        })?;
        // Only now: the listener preloads the records table, which the migration may create.
        if options.cache_records > 0 {
            let cache = Arc::new(Cache::new(options.cache_records));
            store._listener = Some(Listener::start(
                config,
                setup,
                store.channel.clone(),
                cache.clone(),
            )?);
            store.cache = Some(cache);
        }
        Ok(store)
    }
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

/// Accepts the schema names that need no quoting rules beyond double quotes.
fn check_schema(schema: &str) -> Result<(), VaultError> {
    let field = "PostgreSQL schema";
    if schema.is_empty() {
        return Err(VaultError::InvalidInput {
            field,
            problem: InputProblem::Empty,
        });
    }
    if schema.len() > 63 {
        return Err(VaultError::InvalidInput {
            field,
            problem: InputProblem::TooLong {
                len: schema.len(),
                max: 63,
            },
        });
    }
    let well_formed = schema
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !schema.starts_with(|c: char| c.is_ascii_digit())
        && !schema.starts_with("pg_");
    if !well_formed {
        return Err(VaultError::InvalidInput {
            field,
            problem: InputProblem::Malformed {
                expected: "a lowercase identifier (a-z, 0-9, _; not starting with a digit or pg_)",
            },
        });
    }
    Ok(())
}

/// The advisory lock that serializes migrations of one schema across all connections.
fn migration_lock_key(schema: &str) -> i64 {
    let digest = Sha256::digest(format!("mediagateway-vault migrate {schema}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

/// Creates the schema and brings it to the newest version of `steps` in one transaction.
fn migrate(
    client: &mut postgres::Client,
    schema: &str,
    steps: &[Migration],
) -> Result<(), VaultError> {
    let op = "migrating the vault schema";
    let fail = |e: postgres::Error| db_error(op, &e);
    let mut tx = client.transaction().map_err(fail)?;
    // Held to the end of the transaction: a second opener waits here, then finds the work done.
    tx.execute(
        "SELECT pg_advisory_xact_lock($1)",
        &[&migration_lock_key(schema)],
    )
    .map_err(fail)?;
    tx.batch_execute(&format!(
        "CREATE SCHEMA IF NOT EXISTS \"{schema}\";
         CREATE TABLE IF NOT EXISTS \"{schema}\".schema_version (
             id      integer PRIMARY KEY CHECK (id = 1),
             version bigint NOT NULL
         );"
    ))
    .map_err(fail)?;
    let stored: i64 = tx
        .query_opt("SELECT version FROM schema_version WHERE id = 1", &[])
        .map_err(fail)?
        .map_or(0, |row| row.get(0));
    let found = migrate::version_from_db(stored).ok_or_else(|| {
        VaultError::storage(op, format!("schema version {stored} is not a version"))
    })?;
    let pending = migrate::pending(steps, found)?;
    if pending.is_empty() && stored > 0 {
        return tx.commit().map_err(fail);
    }
    for step in pending {
        tx.batch_execute(step.postgres).map_err(fail)?;
        tracing::info!(schema, to = step.version, "vault schema migrated");
    }
    tx.execute(
        "INSERT INTO schema_version (id, version) VALUES (1, $1)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version",
        &[&i64::from(migrate::newest(steps))],
    )
    .map_err(fail)?;
    tx.commit().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_are_checked() {
        for good in ["vault", "mediagateway_vault", "_v2", "a1"] {
            assert!(check_schema(good).is_ok(), "{good}");
        }
        let long = "a".repeat(64);
        for bad in [
            "",
            "Vault",
            "1vault",
            "pg_vault",
            "va\"ult",
            "v; DROP TABLE x",
            "vä",
            "v\0",
            long.as_str(),
        ] {
            let err = check_schema(bad).expect_err(bad);
            assert!(err.is_invalid_input(), "{bad}: {err}");
        }
    }

    #[test]
    fn bad_options_fail_before_connecting() {
        let open = |o: PostgresOptions| PostgresStore::open(&o).expect_err("refused");
        let err = open(PostgresOptions::new("host=127.0.0.1 port=notaport"));
        assert!(err.is_invalid_input(), "{err}");
        let err = open(PostgresOptions::new("postgresql://u:hunter2@[::1"));
        assert!(!err.to_string().contains("hunter2"), "{err}");
        let err = open(PostgresOptions::new("host=127.0.0.1").connections(0));
        assert!(err.is_invalid_input(), "{err}");
        let err = open(PostgresOptions::new("host=127.0.0.1").connections(65));
        assert!(err.is_invalid_input(), "{err}");
        let err = open(PostgresOptions::new("host=127.0.0.1").schema("Bad"));
        assert!(err.is_invalid_input(), "{err}");
    }

    #[test]
    fn debug_hides_the_connection_string() {
        let options = PostgresOptions::new("host=127.0.0.1 password=hunter2");
        let shown = format!("{options:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains(PostgresOptions::DEFAULT_SCHEMA));
    }

    #[test]
    fn lock_keys_differ_by_schema() {
        assert_eq!(migration_lock_key("a"), migration_lock_key("a"));
        assert_ne!(migration_lock_key("a"), migration_lock_key("b"));
    }
}
