//! The record cache of the PostgreSQL store and the listener that keeps it fresh.
//!
//! The cache holds sealed records only, exactly as the database returns them, so it adds nothing
//! an attacker reading memory could not read from the database connection anyway. Every write
//! sends a notification naming the changed ids in the writing transaction; a thread per store
//! listens on its own connection and evicts them. While that connection is down the cache is
//! empty and refuses new entries, so a notification lost with a broken connection never leaves a
//! stale entry behind.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use postgres::fallible_iterator::FallibleIterator;
use sha2::{Digest, Sha256};

use crate::error::VaultError;
use crate::postgres_pool::{connect, db_error, Conn, DbMessage};
use crate::postgres_store::{record_from_row, SCAN_AFTER, SCAN_FIRST};
use crate::record::RecordId;
use crate::store::SealedRecord;

/// How long the listener waits for a notification before checking its connection and whether
/// the store was dropped.
const POLL: Duration = Duration::from_millis(200);
/// How long the connection check may take before the connection counts as broken.
const CHECK_TIMEOUT: Duration = Duration::from_secs(1);
/// Pause before reconnecting after the listener connection failed.
const RECONNECT_PAUSE: Duration = Duration::from_millis(200);
/// The payload meaning "forget everything": sent when an id does not fit a notification.
pub(crate) const CLEAR_ALL: &str = "*";
/// Longest payload PostgreSQL accepts is 7999 bytes.
const MAX_PAYLOAD: usize = 7999;

/// The `application_name` of listener connections, so an operator can tell them apart.
pub(crate) const LISTENER_NAME: &str = "mediagateway-vault listener";

/// The channel a schema's changes are announced on: short, and a plain identifier.
pub(crate) fn channel(schema: &str) -> String {
    let digest = Sha256::digest(format!("mediagateway-vault changes {schema}").as_bytes());
    let mut name = String::from("mediagateway_vault_");
    for byte in &digest[..8] {
        let _ = write!(name, "{byte:02x}");
    }
    name
}

/// The notification payload naming `id`: hex of the 4-byte big-endian length of the data
/// source, the data source and the portal user, so any bytes fit; [`CLEAR_ALL`] when too long.
pub(crate) fn payload(id: &RecordId) -> String {
    let (source, user) = (id.data_source.as_bytes(), id.portal_user.as_bytes());
    let Ok(len) = u32::try_from(source.len()) else {
        return CLEAR_ALL.to_owned();
    };
    if 2 * (4 + source.len() + user.len()) > MAX_PAYLOAD {
        return CLEAR_ALL.to_owned();
    }
    let mut text = String::with_capacity(2 * (4 + source.len() + user.len()));
    for byte in len.to_be_bytes().iter().chain(source).chain(user) {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

/// What a notification asks the cache to do.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Invalidation {
    /// Evict one record.
    One(RecordId),
    /// Evict everything: the payload said so, or could not be read.
    All,
}

/// Reads a payload made by [`payload`]; anything else (anyone may notify) clears the cache.
pub(crate) fn parse_payload(text: &str) -> Invalidation {
    decode(text).map_or(Invalidation::All, Invalidation::One)
}

fn decode(text: &str) -> Option<RecordId> {
    if text.len() > MAX_PAYLOAD || !text.len().is_multiple_of(2) {
        return None;
    }
    let bytes = text
        .as_bytes()
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    let (len, rest) = bytes.split_first_chunk::<4>()?;
    let len = usize::try_from(u32::from_be_bytes(*len)).ok()?;
    if len > rest.len() {
        return None;
    }
    let (source, user) = rest.split_at(len);
    Some(RecordId {
        data_source: String::from_utf8(source.to_vec()).ok()?,
        portal_user: String::from_utf8(user.to_vec()).ok()?,
    })
}

/// Cached records plus what decides whether a finished read may still be cached.
struct Entries {
    records: HashMap<RecordId, SealedRecord>,
    /// Bumped by every invalidation: a read that started under another generation may have
    /// fetched a value invalidated since, so it is not cached.
    generation: u64,
    /// True while the listener is connected and listening; only then are entries added.
    listening: bool,
}

/// A bounded map of sealed records; when full it is cleared, which keeps it simple and costs
/// one database read per record afterwards.
pub(crate) struct Cache {
    entries: Mutex<Entries>,
    capacity: usize,
}

impl Cache {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(Entries {
                records: HashMap::new(),
                generation: 0,
                listening: false,
            }),
            capacity,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Entries> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The cached record under `id`, if any.
    pub(crate) fn record(&self, id: &RecordId) -> Option<SealedRecord> {
        self.lock().records.get(id).cloned()
    }

    /// The generation to pass to [`Cache::fill`] after reading the database.
    pub(crate) fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Caches `record`, read after [`Cache::generation`] returned `generation`, unless something
    /// was invalidated in between or the listener is down.
    pub(crate) fn fill(&self, generation: u64, record: &SealedRecord) {
        let mut entries = self.lock();
        if !entries.listening || entries.generation != generation {
            return;
        }
        if entries.records.len() >= self.capacity {
            entries.records.clear();
        }
        entries.records.insert(record.id.clone(), record.clone());
    }

    /// How many more records fit before the cache is full.
    fn room(&self) -> usize {
        let used = self.lock().records.len();
        self.capacity.saturating_sub(used)
    }

    /// Forgets `ids`.
    pub(crate) fn evict<'a>(&self, ids: impl IntoIterator<Item = &'a RecordId>) {
        let mut entries = self.lock();
        entries.generation = entries.generation.wrapping_add(1);
        for id in ids {
            entries.records.remove(id);
        }
    }

    /// Forgets everything and sets whether new entries are accepted.
    fn reset(&self, listening: bool) {
        let mut entries = self.lock();
        entries.generation = entries.generation.wrapping_add(1);
        entries.records.clear();
        entries.listening = listening;
    }

    fn apply(&self, invalidation: Invalidation) {
        match invalidation {
            Invalidation::One(id) => self.evict([&id]),
            Invalidation::All => self.reset(true),
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().records.len()
    }
}

/// The listener thread of one store; dropping it stops the thread.
pub(crate) struct Listener {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Listener {
    /// Starts listening on `channel` for `cache`, preloading it; `setup` is the pool's
    /// connection setup (the vault's search path).
    pub(crate) fn start(
        mut config: postgres::Config,
        setup: String,
        channel: String,
        cache: Arc<Cache>,
    ) -> Result<Self, VaultError> {
        config.application_name(LISTENER_NAME);
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::Builder::new()
            .name("vault-postgres-listen".to_owned())
            .spawn(move || listen(&config, &setup, &channel, &cache, &stopping))
            .map_err(|e| VaultError::storage("starting the PostgreSQL listener thread", e))?;
        Ok(Self {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Connects, listens and evicts until `stop`; reconnects after any failure.
fn listen(config: &postgres::Config, setup: &str, channel: &str, cache: &Cache, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        match connect(config, setup) {
            Ok(mut conn) => {
                if let Err(e) = conn
                    .client()
                    .batch_execute(&format!("LISTEN \"{channel}\""))
                {
                    tracing::warn!(error = %DbMessage(&e), "cannot listen for PostgreSQL vault changes");
                } else {
                    // Anything changed while not listening is unknown: start empty.
                    cache.reset(true);
                    // Notifications arriving meanwhile wait in the client and are applied after.
                    if let Err(e) = preload(&mut conn, cache, stop) {
                        tracing::warn!(error = %e, "cannot preload the PostgreSQL vault cache");
                    }
                    follow(conn.client(), cache, stop);
                    cache.reset(false);
                }
            }
            Err(e) => {
                tracing::warn!(error = %DbMessage(&e), "cannot connect to the PostgreSQL vault database");
            }
        }
        pause(stop);
    }
}

/// Records read per query while preloading.
const PRELOAD_PAGE: usize = 1000;

/// Fills the cache with the schema's records, page by page, until it is full: so the first read
/// of each record needs no round trip either. A page read while something was invalidated is
/// dropped by [`Cache::fill`], and changes committed after a page was read arrive as
/// notifications, applied once preloading ends.
fn preload(conn: &mut Conn, cache: &Cache, stop: &AtomicBool) -> Result<(), VaultError> {
    let op = "preloading the record cache";
    let fail = |e: postgres::Error| db_error(op, &e);
    let offset: i64 = 0;
    let mut last: Option<(Vec<u8>, Vec<u8>)> = None;
    while !stop.load(Ordering::Relaxed) {
        // Up to the cache's size: a cache smaller than a page is filled too.
        let page = cache.room().min(PRELOAD_PAGE);
        if page == 0 {
            break;
        }
        let limit = i64::try_from(page).expect("a page holds at most PRELOAD_PAGE rows");
        let generation = cache.generation();
        let rows = match &last {
            None => {
                let first = conn.statement(SCAN_FIRST).map_err(fail)?;
                conn.client().query(&first, &[&limit, &offset])
            }
            Some((source, user)) => {
                let after = conn.statement(SCAN_AFTER).map_err(fail)?;
                conn.client()
                    .query(&after, &[&limit, &offset, source, user])
            }
        }
        .map_err(fail)?;
        for row in &rows {
            let record = record_from_row(op, row)?;
            cache.fill(generation, &record);
            last = Some((
                record.id.data_source.into_bytes(),
                record.id.portal_user.into_bytes(),
            ));
        }
        if rows.len() < page {
            break;
        }
    }
    Ok(())
}

/// Applies notifications until the connection breaks or `stop` is set.
fn follow(client: &mut postgres::Client, cache: &Cache, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        let next = client.notifications().timeout_iter(POLL).next();
        match next {
            Ok(Some(notification)) => cache.apply(parse_payload(notification.payload())),
            // A quiet period, or a closed connection, which also reports nothing: tell them apart.
            Ok(None) => {
                if client.is_closed() || client.is_valid(CHECK_TIMEOUT).is_err() {
                    tracing::warn!("PostgreSQL vault listener connection lost; cache cleared");
                    return;
                }
            }
            Err(e) => {
                tracing::warn!(error = %DbMessage(&e), "PostgreSQL vault listener failed; cache cleared");
                return;
            }
        }
    }
}

fn pause(stop: &AtomicBool) {
    let until = Instant::now() + RECONNECT_PAUSE;
    while !stop.load(Ordering::Relaxed) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(test)]
#[path = "postgres_cache_tests.rs"]
mod tests;
