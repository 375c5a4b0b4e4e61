//! The store methods rotation relies on: provided defaults, overrides, and a rotation over a
//! store that lacks one.

use crate::common;

use common::*;
use mediagateway_vault::{
    KeyPair, MemoryStore, RecordId, SealedRecord, Secret, SqliteStore, Store, Vault, VaultError,
    WrappedDataKey,
};

fn key() -> KeyPair {
    shared_keys()
}

/// A store that implements only the required methods, to exercise the provided ones.
#[derive(Debug, Default)]
struct MinimalStore(MemoryStore);

impl Store for MinimalStore {
    fn schema_version(&self) -> Result<u32, VaultError> {
        self.0.schema_version()
    }
    fn data_keys(&self) -> Result<Vec<WrappedDataKey>, VaultError> {
        self.0.data_keys()
    }
    fn insert_data_key(&self, key: &WrappedDataKey) -> Result<bool, VaultError> {
        self.0.insert_data_key(key)
    }
    fn put(&self, record: &SealedRecord) -> Result<(), VaultError> {
        self.0.put(record)
    }
    fn get(&self, id: &RecordId) -> Result<Option<SealedRecord>, VaultError> {
        self.0.get(id)
    }
    fn delete(&self, id: &RecordId) -> Result<bool, VaultError> {
        self.0.delete(id)
    }
    fn len(&self) -> Result<usize, VaultError> {
        self.0.len()
    }
    fn scan(
        &self,
        after: Option<&RecordId>,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<SealedRecord>, VaultError> {
        self.0.scan(after, offset, limit)
    }
}

#[test]
fn provided_store_methods_work_and_missing_ones_are_typed_errors() {
    let record = |user: &str, sealed: &[u8]| SealedRecord {
        id: RecordId::new("ds", user),
        key_id: "k".into(),
        sealed: sealed.to_vec(),
    };
    let stores: [Box<dyn Store>; 3] = [
        Box::new(MinimalStore::default()),
        Box::new(MemoryStore::new()),
        Box::new(SqliteStore::in_memory().unwrap()),
    ];
    for store in &stores {
        store.put(&record("a", b"1")).unwrap();
        store.put(&record("b", b"2")).unwrap();
        assert!(!store
            .replace_if_unchanged(&record("a", b"stale"), &record("a", b"x"))
            .unwrap());
        assert!(store
            .replace_if_unchanged(&record("a", b"1"), &record("a", b"3"))
            .unwrap());
        assert_eq!(
            store
                .get(&RecordId::new("ds", "a"))
                .unwrap()
                .unwrap()
                .sealed,
            b"3"
        );
        assert!(!store
            .replace_if_unchanged(&record("gone", b"1"), &record("gone", b"2"))
            .unwrap());
        assert!(store.get(&RecordId::new("ds", "gone")).unwrap().is_none());
        let ids = [
            RecordId::new("ds", "a"),
            RecordId::new("ds", "missing"),
            RecordId::new("ds", "a"),
        ];
        assert_eq!(store.delete_many(&ids).unwrap(), 1);
        assert_eq!(store.delete_many(&[]).unwrap(), 0);
        assert_eq!(store.len().unwrap(), 1);
    }
    let err = stores[0].delete_data_key("k").unwrap_err();
    assert!(matches!(err, VaultError::Unsupported { .. }), "{err:?}");
    for store in &stores[1..] {
        assert!(!store.delete_data_key("none").unwrap());
    }

    // A rotation over a store that cannot delete data keys re-seals, then stops with the typed
    // error and keeps both keys, so nothing becomes unreadable.
    let vault = Vault::with_store(Box::new(MinimalStore::default()), &key()).unwrap();
    vault
        .put(&id("u"), &full_account("u", Secret::password("p")))
        .unwrap();
    let next = KeyPair::from_pkcs8_pem(&new_key_pem()).unwrap();
    let err = vault.rotate_with(&next).unwrap_err();
    assert!(matches!(err, VaultError::Unsupported { .. }), "{err:?}");
    assert!(vault.get(&id("u")).unwrap().is_some());
    assert_eq!(vault.key_id(), next.key_id());
}

#[test]
fn two_vaults_beginning_the_same_rotation_share_one_data_key() {
    let store = std::sync::Arc::new(MemoryStore::new());
    let old = key();
    let next_pem = new_key_pem();
    let next = KeyPair::from_pkcs8_pem(&next_pem).unwrap();
    let first = Vault::with_store(Box::new(std::sync::Arc::clone(&store)), &old).unwrap();
    let second = Vault::with_store(Box::new(std::sync::Arc::clone(&store)), &old).unwrap();
    first.begin_rotation_with(&next).unwrap();
    second.begin_rotation_with(&next).unwrap();
    assert_eq!(store.data_keys().unwrap().len(), 2);
    first
        .put(&id("a"), &full_account("a", Secret::password("from-first")))
        .unwrap();
    second
        .put(
            &id("b"),
            &full_account("b", Secret::password("from-second")),
        )
        .unwrap();
    for vault in [&first, &second] {
        for user in ["a", "b"] {
            assert!(vault.get(&id(user)).unwrap().is_some(), "{user}");
        }
        // Rotating to the old key while the rotation runs is refused.
        let err = vault.begin_rotation_with(&old).unwrap_err();
        assert!(
            matches!(&err, VaultError::RotationInProgress { key_id } if key_id == next.key_id()),
            "{err:?}"
        );
    }
    assert!(first.rotate_with(&next).unwrap().is_finished());
    drop((first, second));
    let reopened = Vault::with_store(Box::new(store), &next).unwrap();
    assert_eq!(
        secret_text(&reopened.get(&id("b")).unwrap().unwrap().secret).unwrap(),
        "from-second"
    );
}
