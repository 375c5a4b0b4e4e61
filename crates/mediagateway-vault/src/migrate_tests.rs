//! A version 2 appended to the migration list: databases at version 1 are brought up to it,
//! once, and code that knows only version 1 then refuses them.

use std::path::Path;

use rusqlite::Connection;

use super::{Migration, MIGRATIONS};

/// Today's steps plus a second one that adds a column.
static WITH_VERSION_TWO: [Migration; 2] = [
    Migration {
        version: 1,
        sqlite: MIGRATIONS[0].sqlite,
        #[cfg(feature = "postgres")]
        postgres: MIGRATIONS[0].postgres,
    },
    Migration {
        version: 2,
        sqlite: "ALTER TABLE records ADD COLUMN note TEXT;",
        #[cfg(feature = "postgres")]
        postgres: "ALTER TABLE records ADD COLUMN note text;",
    },
];

fn sqlite_version(conn: &Connection) -> i64 {
    conn.query_row("SELECT version FROM schema_version", [], |row| row.get(0))
        .expect("version row")
}

#[test]
fn sqlite_version_one_is_migrated_to_an_appended_version_two() {
    let path = Path::new(":memory:");
    let mut conn = Connection::open_in_memory().expect("database");
    crate::sqlite::migrate(&mut conn, path, MIGRATIONS).expect("version 1");
    assert_eq!(sqlite_version(&conn), 1);
    conn.execute("INSERT INTO records VALUES ('ds', 'kept', 'k', x'01')", [])
        .expect("a version 1 record");

    crate::sqlite::migrate(&mut conn, path, &WITH_VERSION_TWO).expect("to version 2");
    assert_eq!(sqlite_version(&conn), 2);
    let (sealed, note): (Vec<u8>, Option<String>) = conn
        .query_row("SELECT sealed, note FROM records", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .expect("record kept, with the new column");
    assert_eq!((sealed, note), (vec![1], None));

    // Applying the same list again changes nothing (a second ALTER would fail).
    crate::sqlite::migrate(&mut conn, path, &WITH_VERSION_TWO).expect("already current");
    let err = crate::sqlite::migrate(&mut conn, path, MIGRATIONS).expect_err("too new");
    assert!(err.is_schema_too_new(), "{err}");
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_version_one_is_migrated_to_an_appended_version_two() {
    use crate::postgres::{PostgresOptions, PostgresStore};
    use crate::store::{SealedRecord, Store};
    use crate::RecordId;
    use exchange_test_support::postgres::PgServer;

    let Some(server) = PgServer::shared() else {
        return;
    };
    let dbname = server.create_database();
    let options = PostgresOptions::new(server.connection_string(&dbname)).schema("appended");
    let record = SealedRecord {
        id: RecordId::new("ds", "kept"),
        key_id: "k".into(),
        sealed: vec![1],
    };
    let v1 = PostgresStore::open(&options).expect("version 1");
    v1.put(&record).expect("a version 1 record");
    drop(v1);

    let v2 = PostgresStore::open_migrated(&options, &WITH_VERSION_TWO).expect("to version 2");
    assert_eq!(v2.schema_version().expect("version"), 2);
    assert_eq!(v2.get(&record.id).expect("read"), Some(record));
    let note = server.psql(&dbname, "SELECT count(note) FROM appended.records");
    assert_eq!(note, "0");
    drop(v2);

    let again = PostgresStore::open_migrated(&options, &WITH_VERSION_TWO).expect("current");
    drop(again);
    let err = PostgresStore::open(&options).expect_err("too new");
    assert!(err.is_schema_too_new(), "{err}");
}
