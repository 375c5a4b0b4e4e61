//! A custom vault store: wraps another store and counts what the vault asks of it.
//!
//! Any type implementing `Store` can hold a vault's sealed records. Stores only ever see sealed
//! bytes; this one delegates to an in-memory SQLite store and keeps an audit count.
//!
//! Run with `cargo run -p mediagateway-vault --example vault-custom-store`.

use std::sync::atomic::{AtomicUsize, Ordering};

use mediagateway_vault::{
    Account, KeyPair, RecordId, SealedRecord, Secret, SqliteStore, Store, Vault, VaultError,
    WrappedDataKey,
};

/// Counts reads and writes, then hands each call to the inner store.
#[derive(Debug)]
struct AuditedStore<S> {
    inner: S,
    reads: AtomicUsize,
    writes: AtomicUsize,
}

impl<S: Store> AuditedStore<S> {
    fn new(inner: S) -> Self {
        Self {
            inner,
            reads: AtomicUsize::new(0),
            writes: AtomicUsize::new(0),
        }
    }

    fn read(&self) {
        self.reads.fetch_add(1, Ordering::Relaxed);
    }

    fn write(&self) {
        self.writes.fetch_add(1, Ordering::Relaxed);
    }
}

impl<S: Store> Store for AuditedStore<S> {
    fn schema_version(&self) -> Result<u32, VaultError> {
        self.inner.schema_version()
    }

    fn data_keys(&self) -> Result<Vec<WrappedDataKey>, VaultError> {
        self.read();
        self.inner.data_keys()
    }

    fn insert_data_key(&self, key: &WrappedDataKey) -> Result<bool, VaultError> {
        self.write();
        self.inner.insert_data_key(key)
    }

    fn put(&self, record: &SealedRecord) -> Result<(), VaultError> {
        self.write();
        self.inner.put(record)
    }

    fn get(&self, id: &RecordId) -> Result<Option<SealedRecord>, VaultError> {
        self.read();
        self.inner.get(id)
    }

    fn delete(&self, id: &RecordId) -> Result<bool, VaultError> {
        self.write();
        self.inner.delete(id)
    }

    fn len(&self) -> Result<usize, VaultError> {
        self.read();
        self.inner.len()
    }

    fn scan(
        &self,
        after: Option<&RecordId>,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<SealedRecord>, VaultError> {
        self.read();
        self.inner.scan(after, offset, limit)
    }

    // The provided methods are forwarded too: the inner store's own versions may be atomic
    // or faster than the defaults built on the methods above.
    fn put_many(&self, records: &[SealedRecord]) -> Result<(), VaultError> {
        self.write();
        self.inner.put_many(records)
    }

    fn replace_if_unchanged(
        &self,
        current: &SealedRecord,
        replacement: &SealedRecord,
    ) -> Result<bool, VaultError> {
        self.write();
        self.inner.replace_if_unchanged(current, replacement)
    }

    fn delete_many(&self, ids: &[RecordId]) -> Result<usize, VaultError> {
        self.write();
        self.inner.delete_many(ids)
    }

    fn delete_data_key(&self, key_id: &str) -> Result<bool, VaultError> {
        self.write();
        self.inner.delete_data_key(key_id)
    }
}

fn main() -> Result<(), VaultError> {
    let store = std::sync::Arc::new(AuditedStore::new(SqliteStore::in_memory()?));
    // 2048 bits keeps the example quick; real vaults default to 3072.
    let keys = KeyPair::generate(2048)?;
    let vault = Vault::with_store(Box::new(std::sync::Arc::clone(&store)), &keys)?;

    let id = RecordId::new("exchange-main", "0c6f3a52-5d0e-4c1e-9d4e-1f2a3b4c5d6e");
    let account = Account::new(
        "CONTOSO\\alice",
        "https://mail.contoso.com/EWS/Exchange.asmx",
        Secret::password("correct horse battery staple"),
    );
    vault.put(&id, &account)?;
    let stored = vault.get(&id)?.expect("the record was just stored");
    println!("stored account: {stored:?}");
    println!(
        "store saw {} reads and {} writes",
        store.reads.load(Ordering::Relaxed),
        store.writes.load(Ordering::Relaxed)
    );
    Ok(())
}
