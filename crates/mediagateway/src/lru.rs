//! A map of at most a given number of entries that drops the least recently used one to make
//! room: each entry carries the tick of its last use, and an ordered map from ticks to keys
//! finds the oldest in logarithmic time.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

/// At most `capacity` entries; a lookup or an insert makes an entry the most recently used.
#[derive(Debug)]
pub(crate) struct Lru<K, V> {
    capacity: usize,
    entries: HashMap<K, (u64, V)>,
    /// Keys by the tick of their last use, least recent first.
    recency: BTreeMap<u64, K>,
    next_tick: u64,
}

impl<K: Eq + Hash + Clone, V> Lru<K, V> {
    /// An empty map of at most `capacity` entries (at least one).
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            entries: HashMap::new(),
            recency: BTreeMap::new(),
            next_tick: 0,
        }
    }

    /// The value under `key`, now the most recently used.
    pub(crate) fn get(&mut self, key: &K) -> Option<&V> {
        let tick = self.tick();
        let (used, value) = self.entries.get_mut(key)?;
        self.recency.remove(used);
        self.recency.insert(tick, key.clone());
        *used = tick;
        Some(value)
    }

    /// Puts `value` under `key` as the most recently used, replacing any value there; returns
    /// the entry dropped to make room, if one was.
    pub(crate) fn insert(&mut self, key: K, value: V) -> Option<(K, V)> {
        let evicted = if self.entries.contains_key(&key) {
            self.remove(&key);
            None
        } else if self.entries.len() >= self.capacity {
            self.pop_least_recent()
        } else {
            None
        };
        let tick = self.tick();
        self.recency.insert(tick, key.clone());
        self.entries.insert(key, (tick, value));
        evicted
    }

    /// Removes the entry under `key`.
    pub(crate) fn remove(&mut self, key: &K) -> Option<V> {
        let (used, value) = self.entries.remove(key)?;
        self.recency.remove(&used);
        Some(value)
    }

    /// How many entries there are.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    fn pop_least_recent(&mut self) -> Option<(K, V)> {
        let (_, key) = self.recency.pop_first()?;
        let (_, value) = self.entries.remove(&key)?;
        Some((key, value))
    }

    fn tick(&mut self) -> u64 {
        let tick = self.next_tick;
        // A u64 counted up once per use does not wrap in practice.
        self.next_tick += 1;
        tick
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_capacity_holds_and_the_least_recently_used_goes() {
        let mut lru = Lru::new(3);
        for n in 1..=3 {
            assert_eq!(lru.insert(n, n * 10), None);
        }
        assert_eq!(lru.insert(4, 40), Some((1, 10)));
        assert_eq!(lru.len(), 3);
        assert_eq!(lru.get(&1), None);
        assert_eq!(lru.insert(5, 50), Some((2, 20)));
        assert_eq!(lru.len(), 3);
    }

    #[test]
    fn a_get_or_a_replacement_refreshes_an_entry() {
        let mut lru = Lru::new(2);
        lru.insert("a", 1);
        lru.insert("b", 2);
        assert_eq!(lru.get(&"a"), Some(&1));
        assert_eq!(lru.insert("c", 3), Some(("b", 2)), "a was used after b");
        assert_eq!(lru.insert("a", 10), None, "replacing evicts nothing");
        assert_eq!(lru.insert("d", 4), Some(("c", 3)));
        assert_eq!(lru.get(&"a"), Some(&10));
    }

    #[test]
    fn removed_entries_leave_no_trace_and_capacity_is_at_least_one() {
        let mut lru = Lru::new(0);
        lru.insert(1, "one");
        assert_eq!(lru.remove(&1), Some("one"));
        assert_eq!(lru.remove(&1), None);
        assert!(lru.recency.is_empty() && lru.len() == 0);
        lru.insert(2, "two");
        assert_eq!(lru.insert(3, "three"), Some((2, "two")));
    }
}
