//! Portal keys: issued per data source, kept only as SHA-256 hashes, rotated with an optional
//! grace period in which the previous key also works.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use mediagateway_api::{ApiError, PortalKey};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// The random bytes of a key: 256 bits.
const KEY_BYTES: usize = 32;

/// A key's SHA-256 hash. A key has 256 random bits, so a plain hash is as hard to reverse as the
/// key is to guess; no slow password hash is needed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct KeyHash([u8; 32]);

impl std::fmt::Debug for KeyHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyHash({}…)", &self.to_hex()[..8])
    }
}

impl KeyHash {
    /// The hash of `key`.
    pub(crate) fn of(key: &PortalKey) -> Self {
        Self(Sha256::digest(key.secret().expose_secret().as_bytes()).into())
    }

    /// Lower-case hex, as stored.
    pub(crate) fn to_hex(self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Reads the stored hex form.
    pub(crate) fn from_hex(text: &str) -> Result<Self, ApiError> {
        let bad = || ApiError::Storage {
            detail: "a stored portal key hash is not 64 hex digits".to_owned(),
        };
        if text.len() != 64 || !text.is_ascii() {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(Self(out))
    }

    /// Compares in constant time.
    fn matches(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

/// The key hashes of one data source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PortalKeys {
    /// The hash of the current key.
    pub(crate) current: KeyHash,
    /// The hash of the key before the last rotation, and until when it still works.
    pub(crate) previous: Option<(KeyHash, DateTime<Utc>)>,
}

impl PortalKeys {
    /// Keys for a new data source: the key to hand out once, and its hashes to keep.
    pub(crate) fn issue() -> Result<(PortalKey, Self), ApiError> {
        let key = new_key()?;
        let keys = Self {
            current: KeyHash::of(&key),
            previous: None,
        };
        Ok((key, keys))
    }

    /// A rotation: a new key, and the current one kept until `until` (not at all if `until` is
    /// not in the future).
    pub(crate) fn rotate(&self, until: DateTime<Utc>) -> Result<(PortalKey, Self), ApiError> {
        let key = new_key()?;
        let keys = Self {
            current: KeyHash::of(&key),
            previous: (until > Utc::now()).then_some((self.current, until)),
        };
        Ok((key, keys))
    }

    /// Whether `key` has the form of a key the gateway issues: the prefix and 43 base64url
    /// characters. Anything else cannot be a key of any data source.
    pub(crate) fn well_formed(key: &PortalKey) -> bool {
        let text = key.secret().expose_secret();
        text.strip_prefix(PortalKey::PREFIX).is_some_and(|rest| {
            rest.len() == 43
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
    }

    /// Whether `key` is the current key, or the previous one within its grace period.
    pub(crate) fn accept(&self, key: &PortalKey, now: DateTime<Utc>) -> bool {
        let hash = KeyHash::of(key);
        let current = hash.matches(&self.current);
        let previous = self
            .previous
            .is_some_and(|(old, until)| hash.matches(&old) && now < until);
        current | previous
    }
}

/// A new key: the prefix and 256 random bits in base64url.
fn new_key() -> Result<PortalKey, ApiError> {
    let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
    getrandom::fill(bytes.as_mut()).map_err(|e| ApiError::Internal {
        detail: format!("the system's random number generator failed: {e}"),
    })?;
    let text = format!(
        "{}{}",
        PortalKey::PREFIX,
        URL_SAFE_NO_PAD.encode(bytes.as_ref())
    );
    Ok(PortalKey::new(SecretString::from(text)))
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    #[test]
    fn keys_are_long_random_and_kept_only_as_hashes() {
        let (a, keys) = PortalKeys::issue().unwrap();
        let (b, _) = PortalKeys::issue().unwrap();
        let text = a.secret().expose_secret();
        assert!(text.starts_with("mgk1."), "{text}");
        assert_eq!(text.len(), 5 + 43);
        assert_ne!(a, b);
        assert!(keys.accept(&a, Utc::now()));
        assert!(!keys.accept(&b, Utc::now()));
        assert!(!format!("{keys:?}").contains(&text[5..]));
        assert!(PortalKeys::well_formed(&a));
        for bad in [
            "",
            "mgk1.",
            "mgk1.short",
            "mgk2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ] {
            assert!(!PortalKeys::well_formed(&PortalKey::from(bad)), "{bad}");
        }
        let spaced = format!("mgk1.{}", " ".repeat(43));
        assert!(!PortalKeys::well_formed(&PortalKey::from(spaced.as_str())));
        let hex = keys.current.to_hex();
        assert_eq!(KeyHash::from_hex(&hex).unwrap(), keys.current);
    }

    #[test]
    fn a_rotation_keeps_the_old_key_for_its_grace_period_only() {
        let (old, keys) = PortalKeys::issue().unwrap();
        let now = Utc::now();
        let (new, rotated) = keys.rotate(now + Duration::hours(1)).unwrap();
        assert!(rotated.accept(&new, now));
        assert!(rotated.accept(&old, now));
        assert!(!rotated.accept(&old, now + Duration::hours(2)));
        let (_, at_once) = rotated.rotate(now).unwrap();
        assert!(!at_once.accept(&new, now), "no grace: the old key stops");
        assert_eq!(at_once.previous, None);
    }

    #[test]
    fn stored_hashes_that_are_not_hex_are_storage_errors() {
        for bad in ["", "zz", &"g".repeat(64), &"é".repeat(32), &"0".repeat(66)] {
            assert!(
                matches!(KeyHash::from_hex(bad), Err(ApiError::Storage { .. })),
                "{bad:?}"
            );
        }
    }
}
