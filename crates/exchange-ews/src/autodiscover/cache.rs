//! The answers of earlier lookups, per address, for a while.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::Discovery;

/// A bounded map from lower-cased address to discovery, whose entries expire.
#[derive(Debug)]
pub(super) struct DiscoveryCache {
    ttl: Duration,
    capacity: usize,
    entries: Mutex<HashMap<String, (Instant, Discovery)>>,
}

impl DiscoveryCache {
    pub(super) fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            ttl,
            capacity,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The discovery for `address`, unless there is none or it has expired.
    pub(super) fn get(&self, address: &str) -> Option<Discovery> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let key = address.to_lowercase();
        match entries.get(&key) {
            Some((stored, discovery)) if stored.elapsed() < self.ttl => Some(discovery.clone()),
            Some(_) => {
                entries.remove(&key);
                None
            }
            None => None,
        }
    }

    /// Stores `discovery` for `address`, making room by dropping expired entries and then
    /// the oldest one.
    pub(super) fn insert(&self, address: &str, discovery: Discovery) {
        if self.capacity == 0 || self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let key = address.to_lowercase();
        if !entries.contains_key(&key) && entries.len() >= self.capacity {
            entries.retain(|_, (stored, _)| stored.elapsed() < self.ttl);
            if entries.len() >= self.capacity {
                let oldest = entries
                    .iter()
                    .min_by_key(|(_, (stored, _))| *stored)
                    .map(|(k, _)| k.clone());
                if let Some(oldest) = oldest {
                    entries.remove(&oldest);
                }
            }
        }
        entries.insert(key, (Instant::now(), discovery));
    }

    /// Forgets every entry.
    pub(super) fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autodiscover::{AutodiscoverProtocol, Discovery};

    fn discovery(url: &str) -> Discovery {
        Discovery {
            mailbox: "alice@contoso.test".into(),
            ews_url: url.into(),
            endpoint: "https://contoso.test/autodiscover/autodiscover.svc".into(),
            protocol: AutodiscoverProtocol::Soap,
            settings: Vec::new(),
        }
    }

    #[test]
    fn keeps_entries_per_address_ignoring_case() {
        let cache = DiscoveryCache::new(Duration::from_secs(60), 2);
        cache.insert("Alice@Contoso.test", discovery("https://a/EWS"));
        assert_eq!(
            cache.get("alice@contoso.TEST").unwrap().ews_url,
            "https://a/EWS"
        );
        assert!(cache.get("bob@contoso.test").is_none());
        cache.clear();
        assert!(cache.get("alice@contoso.test").is_none());
    }

    #[test]
    fn drops_the_oldest_entry_when_full() {
        let cache = DiscoveryCache::new(Duration::from_secs(60), 2);
        cache.insert("a@x.test", discovery("https://a"));
        std::thread::sleep(Duration::from_millis(2));
        cache.insert("b@x.test", discovery("https://b"));
        cache.insert("c@x.test", discovery("https://c"));
        assert!(cache.get("a@x.test").is_none());
        assert!(cache.get("b@x.test").is_some());
        assert!(cache.get("c@x.test").is_some());
    }

    #[test]
    fn entries_expire_and_a_zero_capacity_stores_nothing() {
        let cache = DiscoveryCache::new(Duration::from_millis(1), 4);
        cache.insert("a@x.test", discovery("https://a"));
        std::thread::sleep(Duration::from_millis(5));
        assert!(cache.get("a@x.test").is_none());
        let off = DiscoveryCache::new(Duration::from_secs(60), 0);
        off.insert("a@x.test", discovery("https://a"));
        assert!(off.get("a@x.test").is_none());
    }
}
