//! A brake on password guessing: failed authentications are counted per key, and past a few
//! free attempts each further attempt must wait, twice as long after every failure.
//!
//! The key is the caller's choice: a peer's IP address for the gateway password, a portal user
//! or an Exchange user name for Exchange logins. Time comes in as a parameter, so the caller
//! (and a test) decides what "now" is.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// How [`Throttle`] counts and delays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleConfig {
    /// How many attempts a key may make without waiting: the failure that uses up the last
    /// of them imposes the first delay. Default 5.
    pub free_attempts: u32,
    /// The first delay; each further failure doubles it. Default 1 s.
    pub base_delay: Duration,
    /// The longest delay. Default 60 s.
    pub max_delay: Duration,
    /// How long a key's failures are remembered after its last one. Default 15 minutes.
    pub window: Duration,
    /// The most keys remembered at once; past it the key whose last failure is oldest is
    /// forgotten. Default 10 000.
    pub max_keys: usize,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            free_attempts: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            window: Duration::from_secs(15 * 60),
            max_keys: 10_000,
        }
    }
}

/// The refusal of an attempt while its key must wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many failed attempts; try again in {} s", retry_after_secs(self.0))]
pub struct RetryAfter(pub Duration);

impl RetryAfter {
    /// How long the key must still wait.
    #[must_use]
    pub fn duration(self) -> Duration {
        self.0
    }
}

/// Whole seconds, rounded up, so that "try again in 0 s" is never said while a wait remains.
fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// Failed attempts per key, with the delay they impose: none for the first
/// [`free_attempts`](ThrottleConfig::free_attempts) attempts, then
/// [`base_delay`](ThrottleConfig::base_delay), doubling with every further failure up to
/// [`max_delay`](ThrottleConfig::max_delay). A key's failures are forgotten when it
/// authenticates, or [`window`](ThrottleConfig::window) after its last failure once its delay
/// is over.
///
/// Every method takes `&self`; one [`Mutex`] guards the counts, held only for a few map
/// operations. Memory stays within [`ThrottleConfig::max_keys`] records however many keys
/// callers make up.
///
/// ```
/// use std::net::IpAddr;
/// use std::time::{Duration, Instant};
/// use mediagateway::{Throttle, ThrottleConfig};
///
/// let throttle = Throttle::<IpAddr>::new(ThrottleConfig { free_attempts: 1, ..Default::default() });
/// let peer: IpAddr = "192.0.2.7".parse().unwrap();
/// let now = Instant::now();
/// assert!(throttle.check(&peer, now).is_ok());
/// assert_eq!(throttle.failure(&peer, now), Some(Duration::from_secs(1)));
/// assert!(throttle.check(&peer, now).is_err());
/// assert!(throttle.check(&peer, now + Duration::from_secs(1)).is_ok());
/// ```
pub struct Throttle<K> {
    config: ThrottleConfig,
    state: Mutex<State<K>>,
}

struct State<K> {
    records: HashMap<K, Record>,
    /// The keys by their last failure (ties broken by arrival), oldest first.
    by_age: BTreeMap<(Instant, u64), K>,
    next_seq: u64,
}

struct Record {
    failures: u32,
    /// The record's place in `by_age`.
    age: (Instant, u64),
    /// Attempts wait until then.
    blocked_until: Option<Instant>,
}

impl<K: Hash + Eq + Clone> Throttle<K> {
    /// A throttle that remembers nothing yet.
    #[must_use]
    pub fn new(config: ThrottleConfig) -> Self {
        Self {
            config,
            state: Mutex::new(State {
                records: HashMap::new(),
                by_age: BTreeMap::new(),
                next_seq: 0,
            }),
        }
    }

    /// The settings.
    #[must_use]
    pub fn config(&self) -> &ThrottleConfig {
        &self.config
    }

    /// Whether `key` may attempt now.
    ///
    /// # Errors
    ///
    /// [`RetryAfter`] while the key's delay lasts, with the time left.
    pub fn check(&self, key: &K, now: Instant) -> Result<(), RetryAfter> {
        let mut state = self.lock();
        state.forget_expired(&self.config, now);
        match state.records.get(key).and_then(|r| r.blocked_until) {
            Some(until) if until > now => Err(RetryAfter(until - now)),
            _ => Ok(()),
        }
    }

    /// Counts a failed attempt of `key`; returns the delay it now imposes on the key's next
    /// attempt, if any.
    pub fn failure(&self, key: &K, now: Instant) -> Option<Duration> {
        let mut state = self.lock();
        state.forget_expired(&self.config, now);
        let seq = state.next_seq;
        state.next_seq += 1;
        let previous = state.records.get(key).map(|r| (r.failures, r.age));
        let failures = match previous {
            Some((failures, age)) => {
                state.by_age.remove(&age);
                failures.saturating_add(1)
            }
            None => {
                if state.records.len() >= self.config.max_keys {
                    state.forget_oldest();
                }
                if self.config.max_keys == 0 {
                    // Nothing may be remembered, so nothing is ever delayed.
                    return None;
                }
                1
            }
        };
        // A caller's `now` may trail another's by the time it waited for the lock.
        let last = state
            .by_age
            .keys()
            .next_back()
            .map_or(now, |&(t, _)| t.max(now));
        let delay = self.delay_after(failures);
        state.by_age.insert((last, seq), key.clone());
        state.records.insert(
            key.clone(),
            Record {
                failures,
                age: (last, seq),
                blocked_until: delay.map(|d| now + d),
            },
        );
        delay
    }

    /// Forgets `key`'s failures: it authenticated.
    pub fn success(&self, key: &K) {
        let mut state = self.lock();
        if let Some(record) = state.records.remove(key) {
            state.by_age.remove(&record.age);
        }
    }

    /// How many keys are remembered.
    #[must_use]
    pub fn tracked_keys(&self) -> usize {
        self.lock().records.len()
    }

    /// The delay after the `failures`-th failure in a row.
    fn delay_after(&self, failures: u32) -> Option<Duration> {
        let beyond = failures.checked_sub(self.config.free_attempts)?;
        let factor = 2u32.checked_pow(beyond).unwrap_or(u32::MAX);
        Some(
            self.config
                .base_delay
                .saturating_mul(factor)
                .min(self.config.max_delay),
        )
    }

    fn lock(&self) -> MutexGuard<'_, State<K>> {
        // The maps are consistent between statements that could panic; keep using them.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<K: Hash + Eq + Clone> State<K> {
    /// Drops the records whose window has passed and whose delay is over, oldest first.
    fn forget_expired(&mut self, config: &ThrottleConfig, now: Instant) {
        while let Some((&(last, seq), key)) = self.by_age.first_key_value() {
            let blocked = self
                .records
                .get(key)
                .and_then(|r| r.blocked_until)
                .is_some_and(|until| until > now);
            if now.saturating_duration_since(last) < config.window || blocked {
                break;
            }
            if let Some(key) = self.by_age.remove(&(last, seq)) {
                self.records.remove(&key);
            }
        }
    }

    fn forget_oldest(&mut self) {
        if let Some((_, key)) = self.by_age.pop_first() {
            self.records.remove(&key);
        }
    }
}

impl<K: Hash + Eq + Clone> Default for Throttle<K> {
    fn default() -> Self {
        Self::new(ThrottleConfig::default())
    }
}

impl<K> fmt::Debug for Throttle<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The keys are peers and user names: not printed.
        let keys = self
            .state
            .lock()
            .map_or_else(|p| p.into_inner().records.len(), |s| s.records.len());
        f.debug_struct("Throttle")
            .field("config", &self.config)
            .field("tracked_keys", &keys)
            .finish()
    }
}

#[cfg(test)]
#[path = "throttle_tests.rs"]
mod tests;
