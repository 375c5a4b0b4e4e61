//! The gateway password: stored as an Argon2id hash, checked on every call.
//!
//! Argon2id costs tens of milliseconds by design, too much for every call. After a password
//! has been verified once, the gateway keeps a SHA-256 digest of it under a random key that
//! lives only in memory, and later calls compare digests in constant time.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use mediagateway_api::ApiError;
use mediagateway_vault::write_private_file;

use crate::hash_limiter::HashLimiter;
use crate::password_policy;
use crate::startup_error::StartupError;

/// The password a new gateway starts with; it works, but everything says to change it.
pub const DEFAULT_PASSWORD: &str = "1234";

/// The gateway password's hash on disk, and a verified-password cache in memory.
pub(crate) struct AdminPassword {
    path: PathBuf,
    state: RwLock<State>,
    cache_key: [u8; 32],
}

struct State {
    hash: String,
    is_default: bool,
    verified: Option<[u8; 32]>,
}

impl AdminPassword {
    /// Loads the hash from `path`, creating it from the default password on first start.
    pub(crate) fn load_or_create(path: &Path) -> Result<Self, StartupError> {
        let hash = match fs::read_to_string(path) {
            Ok(text) => {
                let hash = text.trim().to_owned();
                PasswordHash::new(&hash).map_err(|e| StartupError::PasswordFile {
                    path: path.to_owned(),
                    reason: format!("not an Argon2 PHC string: {e}"),
                })?;
                hash
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let hash = hash(DEFAULT_PASSWORD).map_err(StartupError::Random)?;
                write_private_file(path, hash.as_bytes())?;
                hash
            }
            Err(e) => {
                return Err(StartupError::Io {
                    path: path.to_owned(),
                    source: e,
                })
            }
        };
        let is_default = matches(&hash, DEFAULT_PASSWORD);
        let mut cache_key = [0u8; 32];
        getrandom::fill(&mut cache_key).map_err(|e| StartupError::Random(e.to_string()))?;
        Ok(Self {
            path: path.to_owned(),
            state: RwLock::new(State {
                hash,
                is_default,
                verified: None,
            }),
            cache_key,
        })
    }

    fn digest(&self, password: &str) -> [u8; 32] {
        let mut sha = Sha256::new();
        sha.update(self.cache_key);
        sha.update(password.as_bytes());
        sha.finalize().into()
    }

    /// Whether `password` is the gateway password, checked on the calling thread (the gateway
    /// uses [`verify_limited`](Self::verify_limited)).
    #[cfg(test)]
    pub(crate) fn verify(&self, password: &SecretString) -> bool {
        self.verify_cached(password)
            .unwrap_or_else(|| self.verify_hashed(password))
    }

    /// Whether `password` is the gateway password, with Argon2id (when the verified-password
    /// cache cannot answer) run through `limiter`, off the async workers. A hash that panicked
    /// or could not run counts as a wrong password.
    pub(crate) async fn verify_limited(
        self: &Arc<Self>,
        password: SecretString,
        limiter: &HashLimiter,
    ) -> bool {
        if let Some(answer) = self.verify_cached(&password) {
            return answer;
        }
        let this = Arc::clone(self);
        match limiter.run(move || this.verify_hashed(&password)).await {
            Ok(answer) => answer,
            Err(e) => {
                tracing::error!("the gateway password could not be checked: {e}");
                false
            }
        }
    }

    /// The answer of the verified-password cache, when it has one.
    fn verify_cached(&self, password: &SecretString) -> Option<bool> {
        let digest = self.digest(password.expose_secret());
        let state = self
            .state
            .read()
            .expect("the password lock is never poisoned");
        state
            .verified
            .as_ref()
            .map(|verified| bool::from(verified.ct_eq(&digest)))
    }

    /// Checks `password` against the Argon2id hash, and caches it when it is right.
    fn verify_hashed(&self, password: &SecretString) -> bool {
        let hash = self
            .state
            .read()
            .expect("the password lock is never poisoned")
            .hash
            .clone();
        let ok = matches(&hash, password.expose_secret());
        if ok {
            let mut state = self
                .state
                .write()
                .expect("the password lock is never poisoned");
            if state.hash == hash {
                state.verified = Some(self.digest(password.expose_secret()));
            }
        }
        ok
    }

    /// A password file not written yet, for setting the first password without ever writing
    /// the default one: [`change`](Self::change) writes it.
    pub(crate) fn create_unset(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            state: RwLock::new(State {
                hash: String::new(),
                is_default: false,
                verified: None,
            }),
            cache_key: [0; 32],
        }
    }

    /// Whether the password is still the default one.
    pub(crate) fn is_default(&self) -> bool {
        self.state
            .read()
            .expect("the password lock is never poisoned")
            .is_default
    }

    /// Replaces the password (the caller has checked the old one).
    ///
    /// A new password that fails [the password rule](crate::password_policy) is refused with
    /// [`ApiError::InvalidArgument`], saying which part of the rule it fails.
    pub(crate) fn change(&self, new: &SecretString) -> Result<(), ApiError> {
        let new = new.expose_secret();
        password_policy::check(new).map_err(|weak| ApiError::invalid(weak.to_string()))?;
        let hash = hash(new).map_err(|detail| ApiError::Internal { detail })?;
        write_private_file(&self.path, hash.as_bytes()).map_err(|e| ApiError::Storage {
            detail: e.to_string(),
        })?;
        let mut state = self
            .state
            .write()
            .expect("the password lock is never poisoned");
        *state = State {
            hash,
            is_default: false,
            verified: Some(self.digest(new)),
        };
        Ok(())
    }
}

/// The Argon2id hash of `password`; fails only when no random salt can be had.
fn hash(password: &str) -> Result<String, String> {
    let password = Zeroizing::new(password.as_bytes().to_vec());
    Argon2::default()
        .hash_password(&password)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

fn matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn starts_with_the_default_and_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("admin-password");
        let admin = AdminPassword::load_or_create(&path).unwrap();
        assert!(admin.is_default());
        assert!(admin.verify(&secret("1234")));
        assert!(admin.verify(&secret("1234")), "the cached path agrees");
        assert!(!admin.verify(&secret("12345")));
        assert!(!admin.verify(&secret("")));
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("$argon2id$"), "{text}");
        assert!(!text.contains("1234"));

        for refused in [
            "short".to_owned(),
            "é".repeat(11),
            "x".repeat(1025),
            "MediaGateway2024".to_owned(),
            "abcdefghijklmnop".to_owned(),
            "qwertyuiop12".to_owned(),
        ] {
            let err = admin.change(&secret(&refused)).unwrap_err();
            let ApiError::InvalidArgument { what } = &err else {
                panic!("{refused:?}: {err:?}");
            };
            assert!(what.starts_with("the new gateway password "), "{what}");
            assert!(!what.contains(&refused), "{what}");
        }
        assert!(admin.is_default(), "a refused change changes nothing");
        assert!(admin.verify(&secret("1234")));
        admin.change(&secret("a much better one")).unwrap();
        assert!(!admin.is_default());
        assert!(!admin.verify(&secret("1234")));
        assert!(admin.verify(&secret("a much better one")));

        let reloaded = AdminPassword::load_or_create(&path).unwrap();
        assert!(!reloaded.is_default());
        assert!(reloaded.verify(&secret("a much better one")));
    }

    #[tokio::test]
    async fn the_limited_check_agrees_with_the_plain_one() {
        let dir = tempfile::tempdir().unwrap();
        let admin = Arc::new(AdminPassword::load_or_create(&dir.path().join("pw")).unwrap());
        let limiter = HashLimiter::new(1);
        assert!(!admin.verify_limited(secret("12345"), &limiter).await);
        assert!(admin.verify_limited(secret("1234"), &limiter).await);
        assert!(
            admin.state.read().unwrap().verified.is_some(),
            "a right password fills the cache"
        );
        assert!(admin.verify_limited(secret("1234"), &limiter).await);
        assert!(!admin.verify_limited(secret("12345"), &limiter).await);
        assert!(!admin.verify_limited(secret(""), &limiter).await);
    }

    #[test]
    fn a_garbage_password_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("admin-password");
        fs::write(&path, "not a hash\n").unwrap();
        let err = AdminPassword::load_or_create(&path).err().unwrap();
        assert!(matches!(err, StartupError::PasswordFile { .. }), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn the_hash_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("admin-password");
        AdminPassword::load_or_create(&path).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
