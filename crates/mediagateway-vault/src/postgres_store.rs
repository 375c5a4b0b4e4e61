//! [`Store`] for [`PostgresStore`]: each method is one statement or one transaction.
//!
//! The statements name tables without a schema: every connection has the vault's schema first
//! on its search path.

use chrono::DateTime;
use postgres::Row;

use crate::error::VaultError;
use crate::postgres::PostgresStore;
use crate::postgres_cache;
use crate::postgres_pool::{db_error, Param};
use crate::record::RecordId;
use crate::store::{SealedRecord, Store, WrappedDataKey};

const SELECT_VERSION: &str = "SELECT version FROM schema_version WHERE id = 1";
const SELECT_KEYS: &str = "SELECT key_id, wrapped, created FROM keys ORDER BY created, key_id";
const INSERT_KEY: &str = "INSERT INTO keys (key_id, wrapped, created) VALUES ($1, $2, $3)
     ON CONFLICT (key_id) DO NOTHING";
const DELETE_KEY: &str = "DELETE FROM keys WHERE key_id = $1";
/// Inserts or replaces the record `$1`..`$4`.
macro_rules! upsert {
    () => {
        "INSERT INTO records (data_source, portal_user, key_id, sealed)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (data_source, portal_user)
     DO UPDATE SET key_id = excluded.key_id, sealed = excluded.sealed"
    };
}
const UPSERT: &str = upsert!();
/// Announces changed records (`$1` channel, `$2` payloads) in the writing transaction.
const NOTIFY: &str = "SELECT count(pg_notify($1, p)) FROM unnest($2::text[]) p";
const UPSERT_ONE: &str = concat!("WITH up AS (", upsert!(), ") SELECT pg_notify($5, $6)");
const SELECT_ONE: &str = "SELECT data_source, portal_user, key_id, sealed FROM records
     WHERE data_source = $1 AND portal_user = $2";
const DELETE_MANY: &str = "WITH gone AS (DELETE FROM records WHERE (data_source, portal_user) IN
     (SELECT * FROM unnest($1::bytea[], $2::bytea[])) RETURNING 1)
     SELECT (SELECT count(*) FROM gone),
            (SELECT count(pg_notify($3, p)) FROM unnest($4::text[]) p)";
const COUNT: &str = "SELECT count(*) FROM records";
pub(crate) const SCAN_FIRST: &str = "SELECT data_source, portal_user, key_id, sealed FROM records
     ORDER BY data_source, portal_user LIMIT $1 OFFSET $2";
pub(crate) const SCAN_AFTER: &str = "SELECT data_source, portal_user, key_id, sealed FROM records
     WHERE (data_source, portal_user) > ($3, $4)
     ORDER BY data_source, portal_user LIMIT $1 OFFSET $2";
const REPLACE_IF_UNCHANGED: &str = "WITH changed AS (UPDATE records SET key_id = $5, sealed = $6
     WHERE data_source = $1 AND portal_user = $2 AND key_id = $3 AND sealed = $4 RETURNING 1)
     SELECT (SELECT count(*) FROM changed), pg_notify($7, $8)";

fn id_bytes(id: &RecordId) -> (Vec<u8>, Vec<u8>) {
    (
        id.data_source.as_bytes().to_vec(),
        id.portal_user.as_bytes().to_vec(),
    )
}

/// One notification payload per distinct id.
fn payloads<'a>(ids: impl IntoIterator<Item = &'a RecordId>) -> Vec<String> {
    let mut payloads: Vec<String> = ids.into_iter().map(postgres_cache::payload).collect();
    payloads.sort_unstable();
    payloads.dedup();
    payloads
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub(crate) fn record_from_row(
    operation: &'static str,
    row: &Row,
) -> Result<SealedRecord, VaultError> {
    let text = |bytes: Vec<u8>| {
        String::from_utf8(bytes)
            .map_err(|_| VaultError::storage(operation, "a stored record id is not UTF-8"))
    };
    let column = |e: postgres::Error| db_error(operation, &e);
    Ok(SealedRecord {
        id: RecordId {
            data_source: text(row.try_get(0).map_err(column)?)?,
            portal_user: text(row.try_get(1).map_err(column)?)?,
        },
        key_id: row.try_get(2).map_err(column)?,
        sealed: row.try_get(3).map_err(column)?,
    })
}

impl PostgresStore {
    /// Forgets `ids` in this store's cache, after writing them; other stores learn of the
    /// change from the notification.
    fn evict(&self, ids: &[RecordId]) {
        if let Some(cache) = &self.cache {
            cache.evict(ids);
        }
    }
}

impl Store for PostgresStore {
    /// Inserts or replaces all `records` in one transaction: a bulk import, far faster than one
    /// [`Store::put`] per record.
    fn put_many(&self, records: &[SealedRecord]) -> Result<(), VaultError> {
        if records.is_empty() {
            return Ok(());
        }
        let op = "storing records";
        let records = records.to_vec();
        let channel = self.channel.clone();
        let payloads = payloads(records.iter().map(|r| &r.id));
        let ids: Vec<RecordId> = records.iter().map(|r| r.id.clone()).collect();
        let written = self.pool.call(op, move |conn| {
            let fail = |e: postgres::Error| db_error(op, &e);
            if let [record] = records.as_slice() {
                // One statement is atomic on its own; a transaction would add two round trips.
                let (source, user) = id_bytes(&record.id);
                let params: [&Param; 6] = [
                    &source,
                    &user,
                    &record.key_id,
                    &record.sealed,
                    &channel,
                    &payloads[0],
                ];
                conn.execute(UPSERT_ONE, &params).map_err(fail)?;
                return Ok(());
            }
            let upsert = conn.statement(UPSERT).map_err(fail)?;
            let notify = conn.statement(NOTIFY).map_err(fail)?;
            let mut tx = conn.client().transaction().map_err(fail)?;
            for record in &records {
                let (source, user) = id_bytes(&record.id);
                tx.execute(&upsert, &[&source, &user, &record.key_id, &record.sealed])
                    .map_err(fail)?;
            }
            tx.execute(&notify, &[&channel, &payloads]).map_err(fail)?;
            tx.commit().map_err(fail)
        });
        // Evicted whatever the outcome: a failed commit may still have happened.
        self.evict(&ids);
        written
    }

    fn schema_version(&self) -> Result<u32, VaultError> {
        let op = "reading the schema version";
        let stored: i64 = self.pool.call(op, move |conn| {
            let fail = |e: postgres::Error| db_error(op, &e);
            let row = conn.query_one(SELECT_VERSION, &[]).map_err(fail)?;
            row.try_get(0).map_err(fail)
        })?;
        crate::migrate::version_from_db(stored)
            .ok_or_else(|| VaultError::storage(op, format!("invalid version {stored}")))
    }

    fn data_keys(&self) -> Result<Vec<WrappedDataKey>, VaultError> {
        let op = "reading data keys";
        self.pool.call(op, move |conn| {
            let fail = |e: postgres::Error| db_error(op, &e);
            let rows = conn.query(SELECT_KEYS, &[]).map_err(fail)?;
            rows.iter()
                .map(|row| {
                    let micros: i64 = row.try_get(2).map_err(fail)?;
                    Ok(WrappedDataKey {
                        key_id: row.try_get(0).map_err(fail)?,
                        wrapped: row.try_get(1).map_err(fail)?,
                        created: DateTime::from_timestamp_micros(micros).ok_or_else(|| {
                            VaultError::storage(op, format!("invalid time {micros}"))
                        })?,
                    })
                })
                .collect()
        })
    }

    fn insert_data_key(&self, key: &WrappedDataKey) -> Result<bool, VaultError> {
        let op = "storing the data key";
        let key = key.clone();
        self.pool.call(op, move |conn| {
            let fail = |e: postgres::Error| db_error(op, &e);
            let micros = key.created.timestamp_micros();
            let n = conn
                .execute(INSERT_KEY, &[&key.key_id, &key.wrapped, &micros])
                .map_err(fail)?;
            Ok(n == 1)
        })
    }

    fn put(&self, record: &SealedRecord) -> Result<(), VaultError> {
        self.put_many(std::slice::from_ref(record))
    }

    fn get(&self, id: &RecordId) -> Result<Option<SealedRecord>, VaultError> {
        let op = "reading a record";
        let generation = match &self.cache {
            Some(cache) => match cache.record(id) {
                Some(record) => return Ok(Some(record)),
                None => Some(cache.generation()),
            },
            None => None,
        };
        let (source, user) = id_bytes(id);
        let found = self.pool.call(op, move |conn| {
            let fail = |e: postgres::Error| db_error(op, &e);
            let row = conn
                .query_opt(SELECT_ONE, &[&source, &user])
                .map_err(fail)?;
            row.map(|row| record_from_row(op, &row)).transpose()
        })?;
        if let (Some(cache), Some(generation), Some(record)) = (&self.cache, generation, &found) {
            // Absent records are not cached: a miss costs what it did without a cache.
            if record.id == *id {
                cache.fill(generation, record);
            }
        }
        Ok(found)
    }

    fn delete(&self, id: &RecordId) -> Result<bool, VaultError> {
        Ok(self.delete_many(std::slice::from_ref(id))? > 0)
    }

    fn len(&self) -> Result<usize, VaultError> {
        let op = "counting records";
        let n: i64 = self.pool.call(op, move |conn| {
            let fail = |e: postgres::Error| db_error(op, &e);
            let row = conn.query_one(COUNT, &[]).map_err(fail)?;
            row.try_get(0).map_err(fail)
        })?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    fn scan(
        &self,
        after: Option<&RecordId>,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<SealedRecord>, VaultError> {
        let op = "listing records";
        let (limit, offset) = (to_i64(limit), to_i64(offset));
        let after = after.map(id_bytes);
        self.pool.call(op, move |conn| {
            let fail = |e: postgres::Error| db_error(op, &e);
            let rows = match &after {
                None => conn.query(SCAN_FIRST, &[&limit, &offset]),
                Some((source, user)) => conn.query(SCAN_AFTER, &[&limit, &offset, source, user]),
            }
            .map_err(fail)?;
            rows.iter().map(|row| record_from_row(op, row)).collect()
        })
    }

    fn replace_if_unchanged(
        &self,
        current: &SealedRecord,
        replacement: &SealedRecord,
    ) -> Result<bool, VaultError> {
        let op = "replacing a record";
        if current.id != replacement.id {
            return Err(VaultError::storage(op, "the replacement has another id"));
        }
        let (source, user) = id_bytes(&current.id);
        let (old_key, old_sealed) = (current.key_id.clone(), current.sealed.clone());
        let (new_key, new_sealed) = (replacement.key_id.clone(), replacement.sealed.clone());
        let channel = self.channel.clone();
        let payload = postgres_cache::payload(&current.id);
        let replaced = self.pool.call(op, move |conn| {
            let fail = |e: postgres::Error| db_error(op, &e);
            let params: [&Param; 8] = [
                &source,
                &user,
                &old_key,
                &old_sealed,
                &new_key,
                &new_sealed,
                &channel,
                &payload,
            ];
            let row = conn
                .query_one(REPLACE_IF_UNCHANGED, &params)
                .map_err(fail)?;
            let n: i64 = row.try_get(0).map_err(fail)?;
            Ok(n == 1)
        });
        self.evict(std::slice::from_ref(&current.id));
        replaced
    }

    fn delete_many(&self, ids: &[RecordId]) -> Result<usize, VaultError> {
        let op = "deleting records";
        let (sources, users): (Vec<Vec<u8>>, Vec<Vec<u8>>) = ids.iter().map(id_bytes).unzip();
        let channel = self.channel.clone();
        let payloads = payloads(ids);
        let deleted = self.pool.call(op, move |conn| {
            let fail = |e: postgres::Error| db_error(op, &e);
            let row = conn
                .query_one(DELETE_MANY, &[&sources, &users, &channel, &payloads])
                .map_err(fail)?;
            let n: i64 = row.try_get(0).map_err(fail)?;
            Ok(usize::try_from(n).unwrap_or(usize::MAX))
        });
        self.evict(ids);
        deleted
    }

    fn delete_data_key(&self, key_id: &str) -> Result<bool, VaultError> {
        let op = "deleting a data key";
        let key_id = key_id.to_owned();
        self.pool.call(op, move |conn| {
            let fail = |e: postgres::Error| db_error(op, &e);
            let n = conn.execute(DELETE_KEY, &[&key_id]).map_err(fail)?;
            Ok(n > 0)
        })
    }
}
