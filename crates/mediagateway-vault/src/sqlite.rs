//! The embedded SQLite store: one file in WAL mode, migrated by a schema version table.
//!
//! The schema steps live in [`crate::migrate`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, ErrorCode, OptionalExtension, TransactionBehavior};

use crate::error::VaultError;
use crate::files;
use crate::migrate::{self, Migration, MIGRATIONS};
use crate::record::RecordId;
use crate::store::{SealedRecord, Store, WrappedDataKey};

/// Inserts a record or replaces the one with the same id.
const UPSERT: &str = "INSERT INTO records (data_source, portal_user, key_id, sealed)
     VALUES (?1, ?2, ?3, ?4)
     ON CONFLICT (data_source, portal_user)
     DO UPDATE SET key_id = excluded.key_id, sealed = excluded.sealed";

/// How long a call waits for another process holding the database lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A [`Store`] in an SQLite database file (WAL mode, full sync, secure delete).
///
/// Calls are serialized by a mutex around the one connection; every call is a single statement
/// or transaction, so writes are atomic and survive a killed process.
pub struct SqliteStore {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
}

impl SqliteStore {
    /// Opens (creating if needed, with mode 0600) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Self, VaultError> {
        files::ensure_private_file(path)?;
        let conn = Connection::open(path).map_err(|e| open_error(path, e))?;
        let store = Self::init(conn, Some(path.to_path_buf()))?;
        files::restrict_sidecars(path)?;
        Ok(store)
    }

    /// A fresh database in memory, gone when dropped.
    pub fn in_memory() -> Result<Self, VaultError> {
        let conn = Connection::open_in_memory().map_err(|e| storage("opening the database", e))?;
        Self::init(conn, None)
    }

    /// The database file, or `None` for an in-memory database.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn init(mut conn: Connection, path: Option<PathBuf>) -> Result<Self, VaultError> {
        let shown = path.clone().unwrap_or_else(|| PathBuf::from(":memory:"));
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| open_error(&shown, e))?;
        // The first statement reads the file header: this is where a foreign file shows up.
        switch_to_wal(&conn).map_err(|e| open_error(&shown, e))?;
        conn.pragma_update(None, "synchronous", "FULL")
            .and_then(|()| conn.pragma_update(None, "secure_delete", "ON"))
            .map_err(|e| open_error(&shown, e))?;
        migrate(&mut conn, &shown, MIGRATIONS)?;
        Ok(Self {
            conn: Mutex::new(conn),
            path,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-applied change: SQLite rolls back
        // any open transaction, so the connection stays usable.
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Puts the database into WAL mode. While another process converts a new database, SQLite
/// answers `SQLITE_BUSY` here without calling the busy handler, so the switch is retried for up
/// to [`BUSY_TIMEOUT`].
fn switch_to_wal(conn: &Connection) -> Result<(), rusqlite::Error> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))
        {
            Ok(_) => return Ok(()),
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
                ) && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(e),
        }
    }
}

fn storage(operation: &'static str, e: rusqlite::Error) -> VaultError {
    VaultError::storage(operation, e)
}

fn open_error(path: &Path, e: rusqlite::Error) -> VaultError {
    if e.sqlite_error_code() == Some(ErrorCode::NotADatabase) {
        return VaultError::NotAVault {
            path: path.to_path_buf(),
            reason: "the file is not an SQLite database".into(),
        };
    }
    storage("opening the database", e)
}

/// Brings the schema to the newest version of `steps`, refusing databases that are newer or not
/// ours. `BEGIN IMMEDIATE` takes the write lock first, so a second process opening at the same
/// moment waits and then finds the work done.
pub(crate) fn migrate(
    conn: &mut Connection,
    path: &Path,
    steps: &[Migration],
) -> Result<(), VaultError> {
    let fail = |e| open_error(path, e);
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(fail)?;
    let table_count = |name_filter: &str| -> rusqlite::Result<i64> {
        tx.query_row(
            &format!("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND {name_filter}"),
            [],
            |row| row.get(0),
        )
    };
    let has_version_table = table_count("name = 'schema_version'").map_err(fail)? > 0;
    let version: i64 = if has_version_table {
        tx.query_row(
            "SELECT version FROM schema_version WHERE id = 1",
            [],
            |row| row.get(0),
        )
        .optional()
        .map_err(fail)?
        .unwrap_or(0)
    } else {
        if table_count("name NOT LIKE 'sqlite!_%' ESCAPE '!'").map_err(fail)? > 0 {
            return Err(VaultError::NotAVault {
                path: path.to_path_buf(),
                reason: "an SQLite database of another application (no schema_version table)"
                    .into(),
            });
        }
        tx.execute_batch(
            "CREATE TABLE schema_version (
                id      INTEGER PRIMARY KEY CHECK (id = 1),
                version INTEGER NOT NULL
            ) STRICT;",
        )
        .map_err(fail)?;
        0
    };
    let version = migrate::version_from_db(version).ok_or_else(|| VaultError::NotAVault {
        path: path.to_path_buf(),
        reason: format!("schema version {version} is not a version"),
    })?;
    let pending = migrate::pending(steps, version)?;
    if pending.is_empty() && has_version_table {
        return Ok(());
    }
    for step in pending {
        tx.execute_batch(step.sqlite).map_err(fail)?;
        tracing::info!(to = step.version, "vault schema migrated");
    }
    tx.execute(
        "INSERT INTO schema_version (id, version) VALUES (1, ?1)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version",
        [migrate::newest(steps)],
    )
    .map_err(fail)?;
    tx.commit().map_err(fail)
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn record_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<SealedRecord> {
    Ok(SealedRecord {
        id: RecordId {
            data_source: row.get(0)?,
            portal_user: row.get(1)?,
        },
        key_id: row.get(2)?,
        sealed: row.get(3)?,
    })
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Store for SqliteStore {
    /// Inserts or replaces all `records` in one transaction: a bulk import, far faster than one
    /// [`Store::put`] (and one sync to disk) per record.
    fn put_many(&self, records: &[SealedRecord]) -> Result<(), VaultError> {
        let op = "storing records";
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| storage(op, e))?;
        {
            let mut stmt = tx.prepare_cached(UPSERT).map_err(|e| storage(op, e))?;
            for r in records {
                stmt.execute(params![
                    r.id.data_source,
                    r.id.portal_user,
                    r.key_id,
                    r.sealed
                ])
                .map_err(|e| storage(op, e))?;
            }
        }
        tx.commit().map_err(|e| storage(op, e))
    }

    fn schema_version(&self) -> Result<u32, VaultError> {
        let version: i64 = self
            .lock()
            .query_row(
                "SELECT version FROM schema_version WHERE id = 1",
                [],
                |row| row.get(0),
            )
            .map_err(|e| storage("reading the schema version", e))?;
        u32::try_from(version).map_err(|_| {
            VaultError::storage(
                "reading the schema version",
                format!("invalid version {version}"),
            )
        })
    }

    fn data_keys(&self) -> Result<Vec<WrappedDataKey>, VaultError> {
        let op = "reading data keys";
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached("SELECT key_id, wrapped, created FROM keys ORDER BY created, key_id")
            .map_err(|e| storage(op, e))?;
        let rows = stmt
            .query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get(1)?, row.get::<_, i64>(2)?))
            })
            .map_err(|e| storage(op, e))?;
        let mut keys = Vec::new();
        for row in rows {
            let (key_id, wrapped, micros) = row.map_err(|e| storage(op, e))?;
            let created = DateTime::from_timestamp_micros(micros)
                .ok_or_else(|| VaultError::storage(op, format!("invalid time {micros}")))?;
            keys.push(WrappedDataKey {
                key_id,
                wrapped,
                created,
            });
        }
        Ok(keys)
    }

    fn insert_data_key(&self, key: &WrappedDataKey) -> Result<bool, VaultError> {
        let created: DateTime<Utc> = key.created;
        let inserted = self
            .lock()
            .execute(
                "INSERT INTO keys (key_id, wrapped, created) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key_id) DO NOTHING",
                params![key.key_id, key.wrapped, created.timestamp_micros()],
            )
            .map_err(|e| storage("storing the data key", e))?;
        Ok(inserted == 1)
    }

    fn put(&self, record: &SealedRecord) -> Result<(), VaultError> {
        let op = "storing a record";
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(UPSERT).map_err(|e| storage(op, e))?;
        stmt.execute(params![
            record.id.data_source,
            record.id.portal_user,
            record.key_id,
            record.sealed
        ])
        .map_err(|e| storage(op, e))?;
        Ok(())
    }

    fn get(&self, id: &RecordId) -> Result<Option<SealedRecord>, VaultError> {
        let op = "reading a record";
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT data_source, portal_user, key_id, sealed FROM records
                 WHERE data_source = ?1 AND portal_user = ?2",
            )
            .map_err(|e| storage(op, e))?;
        stmt.query_row(params![id.data_source, id.portal_user], record_from_row)
            .optional()
            .map_err(|e| storage(op, e))
    }

    fn delete(&self, id: &RecordId) -> Result<bool, VaultError> {
        let op = "deleting a record";
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached("DELETE FROM records WHERE data_source = ?1 AND portal_user = ?2")
            .map_err(|e| storage(op, e))?;
        let n = stmt
            .execute(params![id.data_source, id.portal_user])
            .map_err(|e| storage(op, e))?;
        Ok(n > 0)
    }

    fn len(&self) -> Result<usize, VaultError> {
        let n: i64 = self
            .lock()
            .query_row("SELECT count(*) FROM records", [], |row| row.get(0))
            .map_err(|e| storage("counting records", e))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    fn scan(
        &self,
        after: Option<&RecordId>,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<SealedRecord>, VaultError> {
        let op = "listing records";
        let conn = self.lock();
        let (limit, offset) = (to_i64(limit), to_i64(offset));
        let rows = match after {
            None => {
                let mut stmt = conn
                    .prepare_cached(
                        "SELECT data_source, portal_user, key_id, sealed FROM records
                         ORDER BY data_source, portal_user LIMIT ?1 OFFSET ?2",
                    )
                    .map_err(|e| storage(op, e))?;
                let rows = stmt.query_map(params![limit, offset], record_from_row);
                rows.and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            }
            Some(after) => {
                let mut stmt = conn
                    .prepare_cached(
                        "SELECT data_source, portal_user, key_id, sealed FROM records
                         WHERE (data_source, portal_user) > (?3, ?4)
                         ORDER BY data_source, portal_user LIMIT ?1 OFFSET ?2",
                    )
                    .map_err(|e| storage(op, e))?;
                let rows = stmt.query_map(
                    params![limit, offset, after.data_source, after.portal_user],
                    record_from_row,
                );
                rows.and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            }
        };
        rows.map_err(|e| storage(op, e))
    }

    fn replace_if_unchanged(
        &self,
        current: &SealedRecord,
        replacement: &SealedRecord,
    ) -> Result<bool, VaultError> {
        let op = "replacing a record";
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "UPDATE records SET key_id = ?1, sealed = ?2
                 WHERE data_source = ?3 AND portal_user = ?4 AND key_id = ?5 AND sealed = ?6",
            )
            .map_err(|e| storage(op, e))?;
        let n = stmt
            .execute(params![
                replacement.key_id,
                replacement.sealed,
                current.id.data_source,
                current.id.portal_user,
                current.key_id,
                current.sealed
            ])
            .map_err(|e| storage(op, e))?;
        Ok(n > 0)
    }

    fn delete_many(&self, ids: &[RecordId]) -> Result<usize, VaultError> {
        let op = "deleting records";
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(|e| storage(op, e))?;
        let mut removed = 0;
        {
            let mut stmt = tx
                .prepare_cached("DELETE FROM records WHERE data_source = ?1 AND portal_user = ?2")
                .map_err(|e| storage(op, e))?;
            for id in ids {
                removed += stmt
                    .execute(params![id.data_source, id.portal_user])
                    .map_err(|e| storage(op, e))?;
            }
        }
        tx.commit().map_err(|e| storage(op, e))?;
        Ok(removed)
    }

    fn delete_data_key(&self, key_id: &str) -> Result<bool, VaultError> {
        let n = self
            .lock()
            .execute("DELETE FROM keys WHERE key_id = ?1", [key_id])
            .map_err(|e| storage("deleting a data key", e))?;
        Ok(n > 0)
    }
}
