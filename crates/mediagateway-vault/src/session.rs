//! Accounts that live only for a portal user's login: kept in memory, never written anywhere.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::error::VaultError;
use crate::record::{Account, AccountSummary, RecordId};

/// Longest time to live an entry gets; longer requests are shortened to this.
pub const MAX_SESSION_TTL: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// How many entries one data source keeps unless told otherwise.
pub const DEFAULT_MAX_SESSIONS_PER_DATA_SOURCE: usize = 10_000;

/// Below this many entries, expired ones are only dropped when looked up.
const SWEEP_FLOOR: usize = 64;

/// What hears of the entries the store drops by itself.
type DropHook = Box<dyn Fn(&AccountSummary) + Send + Sync>;

/// Accounts kept in memory with a time to live, for users who do not want their login stored.
///
/// Entries sit in process memory only (secrets stay in `SecretString`, wiped when dropped) and
/// disappear when they expire, when removed, or when the process ends. Each data source keeps
/// at most [`max_per_data_source`](Self::max_per_data_source) entries: a put past that drops
/// the data source's expired entries, then, if there is still no room, the one put longest ago.
///
/// Puts, lookups and removals cost one map operation plus one step in the data source's order;
/// only a put that finds its data source full walks that data source's entries (never other
/// data sources') to find the expired ones.
pub struct SessionAccounts {
    inner: Mutex<Inner>,
    max_per_data_source: usize,
    on_dropped: Option<DropHook>,
}

struct Inner {
    entries: HashMap<RecordId, Entry>,
    /// Each data source's portal users by the number of the put that made their entry, oldest
    /// first.
    by_source: HashMap<String, BTreeMap<u64, String>>,
    /// The number the next put gets.
    next_put: u64,
    /// Sweep expired entries when the map reaches this size; doubles with the live count so
    /// sweeping stays cheap on average.
    sweep_at: usize,
}

struct Entry {
    account: Account,
    expires: Instant,
    put: u64,
}

impl SessionAccounts {
    /// An empty set of in-memory accounts, at most [`DEFAULT_MAX_SESSIONS_PER_DATA_SOURCE`] per
    /// data source.
    pub fn new() -> Self {
        Self::with_max_per_data_source(DEFAULT_MAX_SESSIONS_PER_DATA_SOURCE)
    }

    /// An empty set of in-memory accounts, at most `max` per data source (at least one).
    pub fn with_max_per_data_source(max: usize) -> Self {
        Self {
            inner: Mutex::new(Inner {
                entries: HashMap::new(),
                by_source: HashMap::new(),
                next_put: 0,
                sweep_at: SWEEP_FLOOR,
            }),
            max_per_data_source: max.max(1),
            on_dropped: None,
        }
    }

    /// Calls `hook` with the summary of every entry that leaves the store expired (whatever
    /// removed it) or evicted to make room. Live entries removed on request
    /// ([`remove`](Self::remove), [`reset_data_source`](Self::reset_data_source)) or replaced
    /// by a put are not reported: the caller knows them. The hook runs after the store's lock
    /// is released, so it may call the store.
    pub fn on_dropped(mut self, hook: impl Fn(&AccountSummary) + Send + Sync + 'static) -> Self {
        self.on_dropped = Some(Box::new(hook));
        self
    }

    /// How many entries one data source keeps at most.
    pub fn max_per_data_source(&self) -> usize {
        self.max_per_data_source
    }

    /// Keeps `account` under `id` for `ttl` (at most [`MAX_SESSION_TTL`]), replacing any entry.
    /// A new entry in a full data source evicts that data source's expired entries, or else the
    /// one put longest ago; replacing an entry evicts nothing.
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
        let taken = self.lock().take(id);
        match taken {
            Some(entry) if entry.expires > now => true,
            Some(expired) => {
                self.report(vec![(id.clone(), expired.account)]);
                false
            }
            None => false,
        }
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
        let inner = self.lock();
        let mut users: Vec<AccountSummary> = inner
            .ids_of(data_source)
            .filter(|id| !id.is_reserved())
            .filter_map(|id| {
                inner
                    .entries
                    .get(&id)
                    .filter(|entry| entry.expires > now)
                    .map(|entry| entry.account.summary(&id))
            })
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
        let mut expired = Vec::new();
        {
            let mut inner = self.lock();
            let ids: Vec<RecordId> = inner
                .ids_of(data_source)
                .filter(|id| !id.is_reserved())
                .collect();
            for id in ids {
                match inner.take(&id) {
                    Some(entry) if entry.expires > now => live += 1,
                    Some(entry) => expired.push((id, entry.account)),
                    None => {}
                }
            }
        }
        self.report(expired);
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
        let dropped = self.lock().sweep(Instant::now());
        let count = dropped.len();
        self.report(dropped);
        count
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
        let mut dropped = Vec::new();
        {
            let mut inner = self.lock();
            if inner.entries.len() >= inner.sweep_at {
                dropped = inner.sweep(now);
                inner.sweep_at = (inner.entries.len() * 2).max(SWEEP_FLOOR);
            }
            if !inner.entries.contains_key(id) {
                dropped.extend(inner.make_room(&id.data_source, self.max_per_data_source, now));
            }
            inner.insert(id, account, expires);
        }
        self.report(dropped);
        Ok(())
    }

    pub(crate) fn get_at(&self, id: &RecordId, now: Instant) -> Option<Account> {
        let mut inner = self.lock();
        match inner.entries.get(id) {
            Some(entry) if entry.expires > now => Some(entry.account.clone()),
            Some(_) => {
                let expired = inner.take(id).map(|entry| (id.clone(), entry.account));
                drop(inner);
                self.report(expired.into_iter().collect());
                None
            }
            None => None,
        }
    }

    /// Tells the hook, if any, of entries the store dropped; called without the lock held.
    fn report(&self, dropped: Vec<(RecordId, Account)>) {
        if let Some(hook) = &self.on_dropped {
            for (id, account) in &dropped {
                hook(&account.summary(id));
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Each change leaves the map and the order agreeing before anything that can panic, so
        // a poisoned lock still guards a consistent state.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Inner {
    /// Puts the entry, as the newest of its data source.
    fn insert(&mut self, id: &RecordId, account: Account, expires: Instant) {
        self.take(id);
        let put = self.next_put;
        self.next_put += 1;
        self.by_source
            .entry(id.data_source.clone())
            .or_default()
            .insert(put, id.portal_user.clone());
        self.entries.insert(
            id.clone(),
            Entry {
                account,
                expires,
                put,
            },
        );
    }

    /// Removes the entry under `id` and its place in the order.
    fn take(&mut self, id: &RecordId) -> Option<Entry> {
        let entry = self.entries.remove(id)?;
        if let Some(order) = self.by_source.get_mut(&id.data_source) {
            order.remove(&entry.put);
            if order.is_empty() {
                self.by_source.remove(&id.data_source);
            }
        }
        Some(entry)
    }

    /// The ids of `data_source`'s entries, oldest first.
    fn ids_of<'a>(&'a self, data_source: &'a str) -> impl Iterator<Item = RecordId> + 'a {
        self.by_source
            .get(data_source)
            .into_iter()
            .flat_map(move |order| {
                order
                    .values()
                    .map(move |user| RecordId::new(data_source, user.clone()))
            })
    }

    /// Makes room for one more entry of `data_source`: its expired entries go first, then the
    /// oldest. Walks only that data source's entries, and only when it is full.
    fn make_room(
        &mut self,
        data_source: &str,
        max: usize,
        now: Instant,
    ) -> Vec<(RecordId, Account)> {
        let count = |inner: &Self| inner.by_source.get(data_source).map_or(0, BTreeMap::len);
        if count(self) < max {
            return Vec::new();
        }
        let expired: Vec<RecordId> = self
            .ids_of(data_source)
            .filter(|id| self.entries.get(id).is_some_and(|e| e.expires <= now))
            .collect();
        let mut dropped = self.take_all(expired);
        while count(self) >= max {
            let oldest = self.ids_of(data_source).next();
            match oldest.and_then(|id| self.take(&id).map(|entry| (id, entry.account))) {
                Some(evicted) => dropped.push(evicted),
                None => break,
            }
        }
        dropped
    }

    /// Drops every expired entry; returns them.
    fn sweep(&mut self, now: Instant) -> Vec<(RecordId, Account)> {
        let expired: Vec<RecordId> = self
            .entries
            .iter()
            .filter(|(_, entry)| entry.expires <= now)
            .map(|(id, _)| id.clone())
            .collect();
        self.take_all(expired)
    }

    fn take_all(&mut self, ids: Vec<RecordId>) -> Vec<(RecordId, Account)> {
        ids.into_iter()
            .filter_map(|id| self.take(&id).map(|entry| (id, entry.account)))
            .collect()
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
#[path = "session_tests.rs"]
mod tests;
