//! The versioned schema migrations of the database stores.
//!
//! Each step takes a database from the version before it to its own `version`. A store records
//! the version it reached in its `schema_version` table and, at open, applies the steps after it
//! in one transaction, holding a lock that keeps a second process from migrating at the same
//! time. A new layout is added by appending a step here and raising
//! [`SCHEMA_VERSION`](crate::SCHEMA_VERSION).

use crate::error::VaultError;

/// One schema change, written once per database dialect.
#[derive(Debug)]
pub(crate) struct Migration {
    /// The schema version a database has after this step.
    pub(crate) version: u32,
    /// The SQLite statements of the step.
    pub(crate) sqlite: &'static str,
    /// The PostgreSQL statements of the step, run with the vault's schema first on the search
    /// path.
    #[cfg(feature = "postgres")]
    pub(crate) postgres: &'static str,
}

/// Every migration, oldest first; the last one's version is [`SCHEMA_VERSION`](crate::SCHEMA_VERSION).
pub(crate) const MIGRATIONS: &[Migration] = &[Migration {
    // Version 1: wrapped data keys and sealed records. Ids stay in clear for lookups; everything
    // else about an account is inside `sealed`.
    version: 1,
    sqlite: "CREATE TABLE keys (
            key_id  TEXT PRIMARY KEY NOT NULL,
            wrapped BLOB NOT NULL,
            created INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE records (
            data_source TEXT NOT NULL,
            portal_user TEXT NOT NULL,
            key_id      TEXT NOT NULL,
            sealed      BLOB NOT NULL,
            PRIMARY KEY (data_source, portal_user)
        ) STRICT, WITHOUT ROWID;",
    // Ids are `bytea`: they compare bytewise, as in SQLite and in memory, and may hold any
    // UTF-8 text, NUL included.
    #[cfg(feature = "postgres")]
    postgres: "CREATE TABLE keys (
            key_id  text PRIMARY KEY,
            wrapped bytea NOT NULL,
            created bigint NOT NULL
        );
        CREATE TABLE records (
            data_source bytea NOT NULL,
            portal_user bytea NOT NULL,
            key_id      text NOT NULL,
            sealed      bytea NOT NULL,
            PRIMARY KEY (data_source, portal_user)
        );",
}];

/// The newest version `steps` lead to (0 for no steps).
pub(crate) fn newest(steps: &[Migration]) -> u32 {
    steps.last().map_or(0, |m| m.version)
}

/// The steps that bring a database at version `found` up to date; a database newer than the
/// newest step is refused.
pub(crate) fn pending(steps: &[Migration], found: u32) -> Result<&[Migration], VaultError> {
    let supported = newest(steps);
    if found > supported {
        return Err(VaultError::SchemaTooNew { found, supported });
    }
    let done = steps.iter().take_while(|m| m.version <= found).count();
    Ok(&steps[done..])
}

/// Reads a stored version number, refusing negative or oversized values.
pub(crate) fn version_from_db(stored: i64) -> Option<u32> {
    u32::try_from(stored).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SCHEMA_VERSION;

    #[test]
    fn steps_are_numbered_one_by_one_up_to_the_current_version() {
        for (i, step) in MIGRATIONS.iter().enumerate() {
            assert_eq!(step.version as usize, i + 1);
        }
        assert_eq!(newest(MIGRATIONS), SCHEMA_VERSION);
    }

    #[test]
    fn pending_skips_what_is_applied_and_refuses_newer_databases() {
        assert_eq!(
            pending(MIGRATIONS, 0).expect("fresh").len(),
            MIGRATIONS.len()
        );
        assert!(pending(MIGRATIONS, SCHEMA_VERSION)
            .expect("current")
            .is_empty());
        let err = pending(MIGRATIONS, SCHEMA_VERSION + 1).expect_err("too new");
        assert!(err.is_schema_too_new());
        assert!(pending(MIGRATIONS, u32::MAX)
            .expect_err("hostile")
            .is_schema_too_new());
        assert!(pending(&[], 0).expect("no steps").is_empty());
    }

    #[test]
    fn stored_versions_outside_u32_are_rejected() {
        assert_eq!(version_from_db(1), Some(1));
        assert_eq!(version_from_db(-1), None);
        assert_eq!(version_from_db(i64::MAX), None);
    }
}

#[cfg(test)]
#[path = "migrate_tests.rs"]
mod appended;
