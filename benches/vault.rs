//! The credential vault holding 100,000 accounts: opening it, the first lookup after opening
//! (cold), repeated lookups (warm) and put throughput, on SQLite and, built with
//! `--features vault-postgres` where PostgreSQL is installed, on PostgreSQL.
//!
//! Targets (docs/architecture.md): open under 1 s, warm lookup under 20 µs.
//!
//! The 100,000 sealed records are made once, through a vault over a collecting store, and
//! written to each database in one transaction; every benchmark reuses that fixture.

use std::fmt;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use mediagateway_vault::{
    Account, KeyPair, MemoryStore, RecordId, SealedRecord, Secret, SqliteStore, Store, Vault,
    VaultError, WrappedDataKey,
};

const ACCOUNTS: usize = 100_000;

fn record_id(n: usize) -> RecordId {
    RecordId::new(
        "exchange-main",
        format!("{n:08x}-5d0e-4c1e-9d4e-1f2a3b4c5d6e"),
    )
}

fn account(n: usize) -> Account {
    let mut account = Account::new(
        format!("CONTOSO\\user{n}"),
        "https://mail.contoso.com/EWS/Exchange.asmx",
        Secret::password(format!("password number {n}")),
    );
    account.mailbox = Some(format!("user{n}@contoso.com"));
    account
}

/// Keeps the data key like any store, and the records the vault seals in a list.
#[derive(Default)]
struct Collector {
    keys: MemoryStore,
    records: Mutex<Vec<SealedRecord>>,
}

impl fmt::Debug for Collector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Collector")
    }
}

impl Store for Collector {
    fn schema_version(&self) -> Result<u32, VaultError> {
        self.keys.schema_version()
    }
    fn data_keys(&self) -> Result<Vec<WrappedDataKey>, VaultError> {
        self.keys.data_keys()
    }
    fn insert_data_key(&self, key: &WrappedDataKey) -> Result<bool, VaultError> {
        self.keys.insert_data_key(key)
    }
    fn put(&self, record: &SealedRecord) -> Result<(), VaultError> {
        self.records
            .lock()
            .expect("not poisoned")
            .push(record.clone());
        Ok(())
    }
    fn get(&self, _: &RecordId) -> Result<Option<SealedRecord>, VaultError> {
        Ok(None)
    }
    fn delete(&self, _: &RecordId) -> Result<bool, VaultError> {
        Ok(false)
    }
    fn len(&self) -> Result<usize, VaultError> {
        Ok(self.records.lock().expect("not poisoned").len())
    }
    fn scan(
        &self,
        _: Option<&RecordId>,
        _: usize,
        _: usize,
    ) -> Result<Vec<SealedRecord>, VaultError> {
        Ok(Vec::new())
    }
}

/// The data key and 100,000 records sealed with it.
struct Fixture {
    keys: KeyPair,
    data_key: WrappedDataKey,
    records: Vec<SealedRecord>,
}

impl Fixture {
    fn build() -> Self {
        let started = Instant::now();
        let keys = KeyPair::generate(KeyPair::DEFAULT_BITS).expect("key pair");
        let collector = std::sync::Arc::new(Collector::default());
        let vault = Vault::with_store(Box::new(collector.clone()), &keys).expect("vault");
        for n in 0..ACCOUNTS {
            vault.put(&record_id(n), &account(n)).expect("seal");
        }
        let data_key = collector.data_keys().expect("key").remove(0);
        let records = std::mem::take(&mut *collector.records.lock().expect("not poisoned"));
        eprintln!("sealed {ACCOUNTS} records in {:?}", started.elapsed());
        Self {
            keys,
            data_key,
            records,
        }
    }

    /// Writes the fixture into an empty store.
    fn load(&self, store: &dyn Store) {
        let started = Instant::now();
        store.insert_data_key(&self.data_key).expect("data key");
        store.put_many(&self.records).expect("bulk write");
        assert_eq!(store.len().expect("count"), ACCOUNTS);
        eprintln!("wrote {ACCOUNTS} records in {:?}", started.elapsed());
    }
}

/// Runs every benchmark on one backend; `open` opens a new handle on the loaded database.
fn bench_backend(
    c: &mut Criterion,
    name: &str,
    fixture: &Fixture,
    open: &dyn Fn() -> Box<dyn Store>,
) {
    let open_vault = || Vault::with_store(open(), &fixture.keys).expect("open vault");
    let next = AtomicUsize::new(0);
    // Visits the ids in a scattered order, not in key order.
    let some_id = || record_id(next.fetch_add(7_919, Ordering::Relaxed) % ACCOUNTS);

    let mut group = c.benchmark_group(format!("vault_{name}"));
    group.sample_size(10);
    group.bench_function("open_100k", |b| b.iter(|| black_box(open_vault())));
    group.bench_function("cold_get", |b| {
        // By reference: closing the vault (and its connections) stays out of the measurement.
        b.iter_batched_ref(
            open_vault,
            |vault| black_box(vault.get(&some_id()).expect("get").expect("present")),
            BatchSize::PerIteration,
        );
    });
    group.finish();

    let vault = open_vault();
    let mut group = c.benchmark_group(format!("vault_{name}"));
    group.bench_function("warm_get", |b| {
        b.iter(|| black_box(vault.get(&some_id()).expect("get").expect("present")));
    });
    group.throughput(Throughput::Elements(1));
    group.bench_function("put", |b| {
        b.iter(|| {
            let n = next.fetch_add(7_919, Ordering::Relaxed) % ACCOUNTS;
            vault.put(&record_id(n), &account(n)).expect("put");
        });
    });
    group.finish();
}

fn vault_benches(c: &mut Criterion) {
    let fixture = Fixture::build();

    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("vault.db");
    let sqlite = SqliteStore::open(&path).expect("SQLite store");
    fixture.load(&sqlite);
    drop(sqlite);
    bench_backend(c, "sqlite", &fixture, &|| {
        Box::new(SqliteStore::open(&path).expect("SQLite store"))
    });

    postgres_benches(c, &fixture);
}

#[cfg(feature = "vault-postgres")]
fn postgres_benches(c: &mut Criterion, fixture: &Fixture) {
    use exchange_test_support::postgres::PgServer;
    use mediagateway_vault::{PostgresOptions, PostgresStore};
    let Some(server) = PgServer::shared() else {
        eprintln!("PostgreSQL benchmarks skipped: no PostgreSQL installation found");
        return;
    };
    let db = server.create_database();
    let options = PostgresOptions::new(server.connection_string(&db));
    let store = PostgresStore::open(&options).expect("PostgreSQL store");
    fixture.load(&store);
    drop(store);
    bench_backend(c, "postgres", fixture, &|| {
        Box::new(PostgresStore::open(&options).expect("PostgreSQL store"))
    });
    drop(server);
}

#[cfg(not(feature = "vault-postgres"))]
fn postgres_benches(_: &mut Criterion, _: &Fixture) {
    eprintln!("PostgreSQL benchmarks skipped: build with --features vault-postgres to run them");
}

criterion_group!(benches, vault_benches);
criterion_main!(benches);
