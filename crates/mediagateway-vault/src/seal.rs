//! Sealing records with the vault's AES-256-GCM data key.
//!
//! A sealed record is `nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)`. The associated data binds
//! the ciphertext to its record id and key id, so a ciphertext copied onto another record (or
//! presented under another key) fails authentication instead of decrypting.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use zeroize::Zeroizing;

use crate::error::VaultError;
use crate::record::RecordId;

/// Length of an AES-256 key.
pub(crate) const DATA_KEY_LEN: usize = 32;
/// Length of an AES-GCM nonce.
const NONCE_LEN: usize = 12;
/// Length of an AES-GCM tag.
const TAG_LEN: usize = 16;
/// Domain label at the start of the associated data, versioned with the sealing scheme.
const AAD_LABEL: &[u8] = b"mediagateway-vault record v1\0";

/// The label of the root of derived keys.
const DERIVE_LABEL: &[u8] = b"mediagateway-vault derived keys v1";

/// HMAC-SHA-256 of `parts` under `key`, in a buffer wiped when dropped.
fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Zeroizing<[u8; DATA_KEY_LEN]> {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    for part in parts {
        mac.update(part);
    }
    let mut out = Zeroizing::new([0u8; DATA_KEY_LEN]);
    out.copy_from_slice(&mac.finalize().into_bytes());
    out
}

/// The vault's data key, ready to seal and open records.
///
/// Only the cipher is kept; its key schedule is wiped when it is dropped (the `zeroize` feature of
/// `aes-gcm`), and the raw key bytes it was built from live in a [`Zeroizing`] buffer.
pub(crate) struct DataKey {
    cipher: Aes256Gcm,
    /// The root of the keys derived for other purposes (page tokens, say): an HMAC of the
    /// key bytes, so the data key itself serves one purpose only.
    derive_root: Zeroizing<[u8; DATA_KEY_LEN]>,
}

impl DataKey {
    /// Fresh random key bytes from the operating system.
    pub(crate) fn generate_bytes() -> Result<Zeroizing<[u8; DATA_KEY_LEN]>, VaultError> {
        let mut bytes = Zeroizing::new([0u8; DATA_KEY_LEN]);
        getrandom::fill(bytes.as_mut_slice()).map_err(|e| VaultError::KeyGeneration {
            reason: e.to_string(),
        })?;
        Ok(bytes)
    }

    /// A data key from its raw bytes; any length other than 32 is refused.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let cipher = Aes256Gcm::new_from_slice(bytes)
            .map_err(|_| format!("data key is {} bytes, expected {DATA_KEY_LEN}", bytes.len()))?;
        let derive_root = hmac_sha256(bytes, &[DERIVE_LABEL]);
        Ok(Self {
            cipher,
            derive_root,
        })
    }

    /// A key for `purpose`, derived from this data key: the same on every gateway that shares
    /// the vault's store, different for each purpose, and telling nothing of the data key.
    pub(crate) fn derive(&self, purpose: &str) -> Zeroizing<[u8; DATA_KEY_LEN]> {
        hmac_sha256(self.derive_root.as_slice(), &[purpose.as_bytes()])
    }

    /// Seals `plaintext` for record `id` under the key pair `key_id`, with a fresh random nonce.
    pub(crate) fn seal(
        &self,
        id: &RecordId,
        key_id: &str,
        plaintext: &[u8],
    ) -> Result<Vec<u8>, VaultError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| VaultError::Encryption {
            operation: "drawing a nonce",
            reason: e.to_string(),
        })?;
        let aad = associated_data(id, key_id);
        let ciphertext = self
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .map_err(|_| VaultError::Encryption {
                operation: "sealing a record",
                reason: "AES-GCM refused the message".into(),
            })?;
        let mut sealed = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        Ok(sealed)
    }

    /// Opens a record sealed by [`DataKey::seal`]; the error says why it cannot be trusted.
    pub(crate) fn open(
        &self,
        id: &RecordId,
        key_id: &str,
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, String> {
        if sealed.len() < NONCE_LEN + TAG_LEN {
            return Err(format!(
                "sealed data is {} bytes, shorter than nonce and tag ({})",
                sealed.len(),
                NONCE_LEN + TAG_LEN
            ));
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let mut nonce_bytes = [0u8; NONCE_LEN];
        nonce_bytes.copy_from_slice(nonce);
        let aad = associated_data(id, key_id);
        self.cipher
            .decrypt(
                &Nonce::from(nonce_bytes),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| {
                "authentication failed: the data was altered, belongs to another record, \
                 or was sealed under another key"
                    .to_owned()
            })
    }
}

/// Length-prefixed record id and key id, so no two different triples encode alike.
fn associated_data(id: &RecordId, key_id: &str) -> Vec<u8> {
    let parts = [
        id.data_source.as_bytes(),
        id.portal_user.as_bytes(),
        key_id.as_bytes(),
    ];
    let len = AAD_LABEL.len() + parts.iter().map(|p| 4 + p.len()).sum::<usize>();
    let mut aad = Vec::with_capacity(len);
    aad.extend_from_slice(AAD_LABEL);
    for part in parts {
        // Ids are limited to 256 bytes and key ids are 64 hex digits, far below u32::MAX.
        let n = u32::try_from(part.len()).unwrap_or(u32::MAX);
        aad.extend_from_slice(&n.to_be_bytes());
        aad.extend_from_slice(part);
    }
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DataKey {
        DataKey::from_bytes(DataKey::generate_bytes().unwrap().as_slice()).unwrap()
    }

    #[test]
    fn derived_keys_differ_by_purpose_and_data_key_and_repeat_for_the_same() {
        let bytes = DataKey::generate_bytes().unwrap();
        let one = DataKey::from_bytes(bytes.as_slice()).unwrap();
        let same = DataKey::from_bytes(bytes.as_slice()).unwrap();
        assert_eq!(*one.derive("page tokens"), *same.derive("page tokens"));
        assert_ne!(*one.derive("page tokens"), *one.derive("page tokens2"));
        assert_ne!(*one.derive("page tokens"), *key().derive("page tokens"));
        assert_ne!(one.derive("page tokens").as_slice(), bytes.as_slice());
    }

    #[test]
    fn seal_and_open_round_trip_with_fresh_nonces() {
        let key = key();
        let id = RecordId::new("ds", "user");
        let a = key.seal(&id, "k1", b"plaintext").unwrap();
        let b = key.seal(&id, "k1", b"plaintext").unwrap();
        assert_ne!(a[..NONCE_LEN], b[..NONCE_LEN], "nonces must differ");
        assert_eq!(a.len(), NONCE_LEN + 9 + TAG_LEN);
        assert_eq!(key.open(&id, "k1", &a).unwrap().as_slice(), b"plaintext");
        assert_eq!(key.open(&id, "k1", &b).unwrap().as_slice(), b"plaintext");
    }

    #[test]
    fn a_ciphertext_is_bound_to_its_record_and_key() {
        let key = key();
        let id = RecordId::new("ds", "user");
        let sealed = key.seal(&id, "k1", b"secret").unwrap();
        assert!(key
            .open(&RecordId::new("ds", "other"), "k1", &sealed)
            .is_err());
        assert!(key
            .open(&RecordId::new("ds2", "user"), "k1", &sealed)
            .is_err());
        assert!(key.open(&id, "k2", &sealed).is_err());
        // Moving a byte between the two id parts must not produce the same associated data.
        assert_ne!(
            associated_data(&RecordId::new("ab", "c"), "k"),
            associated_data(&RecordId::new("a", "bc"), "k")
        );
    }

    #[test]
    fn tampered_truncated_and_foreign_data_fail() {
        let key = key();
        let id = RecordId::new("ds", "user");
        let sealed = key.seal(&id, "k1", b"secret").unwrap();
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            assert!(key.open(&id, "k1", &bad).is_err(), "flip at {i}");
        }
        for cut in 0..sealed.len() {
            assert!(key.open(&id, "k1", &sealed[..cut]).is_err(), "cut at {cut}");
        }
        assert!(self::key().open(&id, "k1", &sealed).is_err());
        let err = key.open(&id, "k1", &[0u8; 5]).unwrap_err();
        assert!(err.contains("shorter"), "{err}");
    }

    #[test]
    fn wrong_key_lengths_are_refused() {
        assert!(DataKey::from_bytes(&[0u8; 16]).is_err());
        assert!(DataKey::from_bytes(&[]).is_err());
        assert!(DataKey::from_bytes(&[0u8; 33]).is_err());
        assert!(DataKey::from_bytes(&[0u8; 32]).is_ok());
    }
}
