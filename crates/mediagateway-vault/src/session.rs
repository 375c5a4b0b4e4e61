//! Accounts that live only for a portal user's login: kept in memory, never written anywhere.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::error::VaultError;
use crate::record::{Account, AccountSummary, RecordId};

/// Longest time to live an entry gets; longer requests are shortened to this.
pub const MAX_SESSION_TTL: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// Below this many entries, expired ones are only dropped when looked up.
const SWEEP_FLOOR: usize = 64;

/// Accounts kept in memory with a time to live, for users who do not want their login stored.
///
/// Entries sit in process memory only (secrets stay in `SecretString`, wiped when dropped) and
/// disappear when they expire, when removed, or when the process ends.
pub struct SessionAccounts {
    inner: Mutex<Inner>,
}

struct Inner {
    entries: HashMap<RecordId, Entry>,
    /// Sweep expired entries when the map reaches this size; doubles with the live count so
    /// sweeping stays cheap on average.
    sweep_at: usize,
}

struct Entry {
    account: Account,
    expires: Instant,
}

impl SessionAccounts {
    /// An empty set of in-memory accounts.
    pub fn new() -> Self {
        Self {
            inner: Mutex::new(Inner {
                entries: HashMap::new(),
                sweep_at: SWEEP_FLOOR,
            }),
        }
    }

    /// Keeps `account` under `id` for `ttl` (at most [`MAX_SESSION_TTL`]), replacing any entry.
    pub fn put(&self, id: &RecordId, account: Account, ttl: Duration) -> Result<(), VaultError> {
        self.put_at(id, account, ttl, Instant::now())
    }

    /// The account under `id`, unless it is missing or expired.
    pub fn get(&self, id: &RecordId) -> Option<Account> {
        self.get_at(id, Instant::now())
    }

    /// Removes the entry under `id`; true if there was a live one.
    pub fn remove(&self, id: &RecordId) -> bool {
        let now = Instant::now();
        self.lock()
            .entries
            .remove(id)
            .is_some_and(|entry| entry.expires > now)
    }

    /// The non-secret summary of the live entry under `id`, if any.
    pub fn details(&self, id: &RecordId) -> Option<AccountSummary> {
        let now = Instant::now();
        self.lock()
            .entries
            .get(id)
            .filter(|entry| entry.expires > now)
            .map(|entry| entry.account.summary(id))
    }

    /// The live accounts of `data_source`'s portal users, without secrets, in id order;
    /// reserved records are left out, as in [`Vault::users`](crate::Vault::users).
    pub fn users(&self, data_source: &str) -> Vec<AccountSummary> {
        let now = Instant::now();
        let mut users: Vec<AccountSummary> = self
            .lock()
            .entries
            .iter()
            .filter(|(id, entry)| {
                id.data_source == data_source && !id.is_reserved() && entry.expires > now
            })
            .map(|(id, entry)| entry.account.summary(id))
            .collect();
        users.sort_by(|a, b| a.id.cmp(&b.id));
        users
    }

    /// Removes every entry of `data_source`'s portal users, as
    /// [`Vault::reset_data_source`](crate::Vault::reset_data_source) does for stored ones;
    /// returns how many live ones there were.
    pub fn reset_data_source(&self, data_source: &str) -> usize {
        let now = Instant::now();
        let mut live = 0;
        self.lock().entries.retain(|id, entry| {
            let reset = id.data_source == data_source && !id.is_reserved();
            if reset && entry.expires > now {
                live += 1;
            }
            !reset
        });
        live
    }

    /// Number of entries that have not expired.
    pub fn len(&self) -> usize {
        let now = Instant::now();
        self.lock()
            .entries
            .values()
            .filter(|entry| entry.expires > now)
            .count()
    }

    /// True if no entry is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops every expired entry now; returns how many were dropped.
    pub fn purge_expired(&self) -> usize {
        let mut inner = self.lock();
        let before = inner.entries.len();
        inner.sweep(Instant::now());
        before - inner.entries.len()
    }

    pub(crate) fn put_at(
        &self,
        id: &RecordId,
        account: Account,
        ttl: Duration,
        now: Instant,
    ) -> Result<(), VaultError> {
        id.validate()?;
        account.validate()?;
        let expires = now + ttl.min(MAX_SESSION_TTL);
        let mut inner = self.lock();
        if inner.entries.len() >= inner.sweep_at {
            inner.sweep(now);
            inner.sweep_at = (inner.entries.len() * 2).max(SWEEP_FLOOR);
        }
        inner.entries.insert(id.clone(), Entry { account, expires });
        Ok(())
    }

    pub(crate) fn get_at(&self, id: &RecordId, now: Instant) -> Option<Account> {
        let mut inner = self.lock();
        match inner.entries.get(id) {
            Some(entry) if entry.expires > now => Some(entry.account.clone()),
            Some(_) => {
                inner.entries.remove(id);
                None
            }
            None => None,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Each change is one map operation, so a poisoned lock still guards a consistent map.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Inner {
    fn sweep(&mut self, now: Instant) {
        self.entries.retain(|_, entry| entry.expires > now);
    }
}

impl Default for SessionAccounts {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for SessionAccounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionAccounts")
            .field("entries", &self.lock().entries.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;
    use crate::record::{Secret, MAX_ID_LEN, MAX_SECRET_LEN};

    fn account(secret: &str) -> Account {
        Account::new("alice", "https://x", Secret::password(secret))
    }

    fn password(account: &Account) -> String {
        match &account.secret {
            Secret::Password(p) => p.expose_secret().to_owned(),
            other => panic!("expected a password, got {other:?}"),
        }
    }

    #[test]
    fn entries_live_until_their_ttl() {
        let sessions = SessionAccounts::new();
        let id = RecordId::new("ds", "u1");
        let t0 = Instant::now();
        sessions
            .put_at(&id, account("pw"), Duration::from_secs(60), t0)
            .unwrap();
        let live = sessions.get_at(&id, t0 + Duration::from_secs(59)).unwrap();
        assert_eq!(password(&live), "pw");
        assert!(sessions.get_at(&id, t0 + Duration::from_secs(60)).is_none());
        // The expired entry was dropped on lookup.
        assert_eq!(sessions.lock().entries.len(), 0);
    }

    #[test]
    fn real_clock_expiry_and_removal() {
        let sessions = SessionAccounts::new();
        let short = RecordId::new("ds", "short");
        let long = RecordId::new("ds", "long");
        sessions
            .put(&short, account("a"), Duration::from_millis(300))
            .unwrap();
        sessions
            .put(&long, account("b"), Duration::from_secs(600))
            .unwrap();
        assert_eq!(sessions.len(), 2);
        std::thread::sleep(Duration::from_millis(400));
        assert!(sessions.get(&short).is_none());
        assert_eq!(sessions.len(), 1);
        assert!(sessions.remove(&long));
        assert!(!sessions.remove(&long));
        assert!(sessions.is_empty());
    }

    #[test]
    fn ttl_is_capped_and_replacing_works() {
        let sessions = SessionAccounts::new();
        let id = RecordId::new("ds", "u");
        let t0 = Instant::now();
        sessions
            .put_at(&id, account("old"), Duration::MAX, t0)
            .unwrap();
        sessions
            .put_at(&id, account("new"), Duration::from_secs(5), t0)
            .unwrap();
        assert_eq!(password(&sessions.get_at(&id, t0).unwrap()), "new");
        sessions
            .put_at(&id, account("x"), Duration::MAX, t0)
            .unwrap();
        assert!(sessions.get_at(&id, t0 + MAX_SESSION_TTL).is_none());
    }

    #[test]
    fn expired_entries_are_swept_as_the_map_grows() {
        let sessions = SessionAccounts::new();
        let t0 = Instant::now();
        for i in 0..SWEEP_FLOOR {
            let id = RecordId::new("ds", format!("u{i}"));
            sessions
                .put_at(&id, account("p"), Duration::from_secs(1), t0)
                .unwrap();
        }
        let later = t0 + Duration::from_secs(2);
        sessions
            .put_at(
                &RecordId::new("ds", "fresh"),
                account("p"),
                Duration::from_secs(1),
                later,
            )
            .unwrap();
        assert_eq!(sessions.lock().entries.len(), 1);
        assert_eq!(sessions.purge_expired(), 0);
    }

    #[test]
    fn input_limits_apply() {
        let sessions = SessionAccounts::new();
        let ttl = Duration::from_secs(1);
        let long_id = RecordId::new("ds", "u".repeat(MAX_ID_LEN + 1));
        assert!(sessions
            .put(&long_id, account("p"), ttl)
            .unwrap_err()
            .is_invalid_input());
        let empty = RecordId::new("", "u");
        assert!(sessions
            .put(&empty, account("p"), ttl)
            .unwrap_err()
            .is_invalid_input());
        let big = account(&"s".repeat(MAX_SECRET_LEN + 1));
        let id = RecordId::new("ds", "u");
        assert!(sessions.put(&id, big, ttl).unwrap_err().is_invalid_input());
        assert!(sessions.is_empty());
    }

    #[test]
    fn users_of_a_data_source_are_listed_without_secrets_and_reset() {
        let sessions = SessionAccounts::new();
        let t0 = Instant::now();
        let ttl = Duration::from_secs(60);
        for (ds, user) in [
            ("ds", "u2"),
            ("ds", "u1"),
            ("other", "u3"),
            ("ds", "@static:x"),
        ] {
            sessions
                .put_at(&RecordId::new(ds, user), account("listed-secret"), ttl, t0)
                .unwrap();
        }
        let expired = RecordId::new("ds", "u0");
        sessions
            .put_at(&expired, account("p"), Duration::ZERO, t0)
            .unwrap();
        let users = sessions.users("ds");
        let ids: Vec<String> = users.iter().map(|s| s.id.to_string()).collect();
        assert_eq!(ids, ["ds/u1", "ds/u2"]);
        assert!(!format!("{users:?}").contains("listed-secret"));
        assert_eq!(
            sessions
                .details(&RecordId::new("ds", "u1"))
                .unwrap()
                .user_name,
            "alice"
        );
        assert!(sessions.details(&expired).is_none());
        assert!(sessions.details(&RecordId::new("ds", "nobody")).is_none());

        assert_eq!(
            sessions.reset_data_source("ds"),
            2,
            "the expired one is not counted"
        );
        assert!(sessions.users("ds").is_empty());
        assert_eq!(sessions.users("other").len(), 1);
        assert!(sessions.get(&RecordId::new("ds", "@static:x")).is_some());
        assert_eq!(sessions.reset_data_source("ds"), 0);
    }

    #[test]
    fn debug_shows_only_a_count() {
        let sessions = SessionAccounts::new();
        let id = RecordId::new("ds", "u");
        sessions
            .put(&id, account("session-secret-xyz"), Duration::from_secs(60))
            .unwrap();
        let text = format!("{sessions:?}");
        assert_eq!(text, "SessionAccounts { entries: 1 }");
    }
}
