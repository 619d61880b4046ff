//! The event index: for each event name, its events sorted by time, each
//! with its contact slot, plus the set of contacts that have any. A window
//! `now − D ≤ t ≤ now` is two binary searches and then one bit per event in
//! the window: the work follows the matches, not the number of contacts, and
//! future events simply fall outside. `occurred` without a window is the set.
//!
//! Timestamps and slots live in appended pages (12 bytes per event, no
//! reallocation holes in wasm's never-shrinking memory). New events land in
//! an unsorted tail that is sorted and merged in place, backwards, before the
//! next evaluation or once it grows past a sixteenth of the index.

use rustc_hash::FxHashMap as HashMap;

use serde::{Deserialize, Serialize};

use super::bitset::Bitset;
use super::paged::Paged;

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct NameIndex {
    /// Event times, ascending, and the contact slot of each.
    ts: Paged<i64>,
    slot: Paged<u32>,
    /// Events not yet merged: (time, slot).
    tail: Vec<(i64, u32)>,
    /// Contacts with at least one event of this name. Derived.
    #[serde(skip)]
    has: Bitset,
}

impl NameIndex {
    fn merge_tail(&mut self) {
        if self.tail.is_empty() {
            return;
        }
        self.tail.sort_unstable();
        let old = self.ts.len();
        let new_len = old + self.tail.len();
        self.ts.grow(new_len);
        self.slot.grow(new_len);
        let (mut w, mut i, mut t) = (new_len, old, self.tail.len());
        while t > 0 {
            w -= 1;
            if i > 0 && self.ts.get(i - 1) > self.tail[t - 1].0 {
                i -= 1;
                self.ts.set(w, self.ts.get(i));
                self.slot.set(w, self.slot.get(i));
            } else {
                t -= 1;
                let (ts, s) = self.tail[t];
                self.ts.set(w, ts);
                self.slot.set(w, s);
            }
        }
        let mut tail = std::mem::take(&mut self.tail);
        for &(_, s) in &tail {
            self.mark(s as usize);
        }
        tail.clear();
        self.tail = tail; // keeps its capacity for the next batch
    }

    fn mark(&mut self, s: usize) {
        if s >= self.has.len() {
            self.has.resize((s + 1).next_power_of_two(), false);
        }
        self.has.set(s, true);
    }

    /// Rebuilds `has` from the events (after a restore).
    fn derive(&mut self) {
        self.has = Bitset::new(0);
        for i in 0..self.slot.len() {
            self.mark(self.slot.get(i) as usize);
        }
    }

    /// Slots (of `slots`) with an event in `lo..=hi`.
    fn occurred(&self, slots: usize, lo: i64, hi: i64) -> Bitset {
        let n = self.ts.len();
        if lo == i64::MIN && hi == i64::MAX {
            let mut b = Bitset::new(slots);
            b.or_with(&self.has);
            return b;
        }
        let a = self.ts.lower_bound(0, n, lo);
        let mut b = Bitset::new(slots);
        for i in a..n {
            if self.ts.get(i) > hi {
                break;
            }
            b.set(self.slot.get(i) as usize, true);
        }
        b
    }

    fn heap_bytes(&self) -> usize {
        self.ts.heap_bytes() + self.slot.heap_bytes() + self.tail.capacity() * 16 + self.has.heap_bytes()
    }
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Events {
    names: Vec<Box<str>>,
    lists: Vec<NameIndex>,
    total: u64,
    #[serde(skip)]
    name_index: HashMap<Box<str>, usize>,
}

impl Events {
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The index of an event name, added if new.
    pub fn name_id(&mut self, name: &str) -> usize {
        match self.name_index.get(name) {
            Some(&i) => i,
            None => {
                self.names.push(name.into());
                self.lists.push(NameIndex::default());
                self.name_index.insert(name.into(), self.names.len() - 1);
                self.names.len() - 1
            }
        }
    }

    pub fn push_id(&mut self, name_id: usize, slot: u32, ts: i64) {
        self.lists[name_id].tail.push((ts, slot));
        self.total += 1;
    }

    #[cfg(test)]
    pub fn push(&mut self, name: &str, slot: u32, ts: i64) {
        let i = self.name_id(name);
        self.push_id(i, slot, ts);
    }

    /// Merges tails that have grown past a sixteenth of their index, so a
    /// long import never holds many events twice (tail and index).
    pub fn settle(&mut self) {
        for l in &mut self.lists {
            if l.tail.len() > (1 << 16).max(l.ts.len() / 16) {
                l.merge_tail();
            }
        }
    }

    /// Merges pending events into the index; call before evaluating.
    pub fn prepare(&mut self) {
        for l in &mut self.lists {
            l.merge_tail();
        }
    }

    /// Slots (of `slots` total) with an event `name` in `lo..=hi`.
    pub fn occurred(&self, name: &str, slots: usize, lo: i64, hi: i64) -> Bitset {
        match self.name_index.get(name) {
            None => Bitset::new(slots),
            Some(&i) => {
                let l = &self.lists[i];
                debug_assert!(l.tail.is_empty(), "prepare() before occurred()");
                l.occurred(slots, lo, hi)
            }
        }
    }

    /// Checks the decoded index before `reindex`: times and slots aligned
    /// and in time order, every slot one of the `slots` contacts, the total
    /// right.
    pub fn validate(&self, slots: usize) -> Result<(), String> {
        if self.names.len() != self.lists.len() {
            return Err(format!("events: {} names for {} lists", self.names.len(), self.lists.len()));
        }
        let mut total = 0u64;
        for (name, l) in self.names.iter().zip(&self.lists) {
            let what = format!("events '{}'", crate::text::clip(name));
            l.ts.validate(&what)?;
            l.slot.validate(&what)?;
            let n = l.ts.len();
            if l.slot.len() != n {
                return Err(format!("{what}: {n} times but {} contacts", l.slot.len()));
            }
            if (1..n).any(|i| l.ts.get(i - 1) > l.ts.get(i)) {
                return Err(format!("{what}: times are not in order"));
            }
            let bad_slot = (0..n).any(|i| l.slot.get(i) as usize >= slots) || l.tail.iter().any(|&(_, s)| s as usize >= slots);
            if bad_slot {
                return Err(format!("{what}: an event of a contact that does not exist"));
            }
            total += (n + l.tail.len()) as u64;
        }
        if total != self.total {
            return Err(format!("events: {total} stored but the total says {}", self.total));
        }
        Ok(())
    }

    /// After `reindex`: names are unique.
    pub fn validate_index(&self) -> Result<(), String> {
        if self.name_index.len() != self.names.len() {
            return Err("events: an event name is stored twice".into());
        }
        Ok(())
    }

    pub fn reindex(&mut self) {
        self.name_index = self.names.iter().enumerate().map(|(i, n)| (n.clone(), i)).collect();
        for l in &mut self.lists {
            l.derive();
        }
    }

    pub fn heap_bytes(&self) -> usize {
        self.lists
            .iter()
            .map(NameIndex::heap_bytes)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_names_each_broken_invariant() {
        let good = || {
            let mut e = Events::default();
            e.push("a", 0, 5);
            e.push("a", 1, 3);
            e.prepare();
            e
        };
        assert_eq!(good().validate(2), Ok(()));
        let check = |f: &dyn Fn(&mut Events), slots: usize, want: &str| {
            let mut e = good();
            f(&mut e);
            let r = e.validate(slots).and_then(|()| {
                e.reindex();
                e.validate_index()
            });
            assert!(r.as_ref().is_err_and(|m| m.contains(want)), "{want}: {r:?}");
        };
        check(&|_| {}, 1, "does not exist");
        check(&|e| e.total = 9, 2, "total");
        check(&|e| e.lists[0].ts.set(0, 99), 2, "order");
        check(&|e| e.names.push("b".into()), 2, "names");
        check(&|e| e.lists[0].tail.push((1, 7)), 2, "does not exist");
        check(&|e| {
            e.names.push("a".into());
            e.lists.push(NameIndex::default());
        }, 2, "twice");
    }


    #[test]
    fn windows_are_inclusive_and_merges_keep_order() {
        let mut e = Events::default();
        e.push("login", 2, 100);
        e.push("login", 0, 50);
        e.prepare();
        e.push("login", 2, 10);
        e.push("login", 2, 300);
        e.push("buy", 1, 5);
        e.prepare();
        let hits = |lo, hi| e.occurred("login", 4, lo, hi).iter().collect::<Vec<_>>();
        assert_eq!(hits(100, 100), [2]);
        assert_eq!(hits(101, 299), Vec::<usize>::new());
        assert_eq!(hits(0, 50), [0, 2]);
        assert_eq!(hits(i64::MIN, i64::MAX), [0, 2]);
        assert_eq!(e.occurred("Login", 4, i64::MIN, i64::MAX).count(), 0);
        assert_eq!(e.total(), 5);
    }

    #[test]
    fn large_slots_and_restores_agree_with_a_naive_scan() {
        let mut e = Events::default();
        let mut all: Vec<(u32, i64)> = Vec::new();
        let mut x: u64 = 99;
        for _ in 0..3 {
            for _ in 0..4000 {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let (slot, ts) = ((x >> 33) as u32 % 300_000, (x >> 5) as i64 % 10_000);
                e.push("n", slot, ts);
                all.push((slot, ts));
            }
            e.prepare();
        }
        let mut want = vec![i64::MIN; 300_000];
        for &(s, t) in &all {
            want[s as usize] = want[s as usize].max(t);
        }
        let bytes = postcard::to_allocvec(&e).unwrap();
        let mut r: Events = postcard::from_bytes(&bytes).unwrap();
        r.reindex();
        let mut rows: Vec<Vec<i64>> = vec![Vec::new(); 300_000];
        for &(s, t) in &all {
            rows[s as usize].push(t);
        }
        for ev in [&e, &r] {
            for (lo, hi) in [(0, 9_999), (5_000, 5_100), (-5, 3), (9_990, 20_000)] {
                let got: Vec<usize> = ev.occurred("n", 300_000, lo, hi).iter().collect();
                let naive: Vec<usize> = (0..300_000).filter(|&c| rows[c].iter().any(|&t| lo <= t && t <= hi)).collect();
                assert!(got == naive, "{lo}..{hi}: {} vs {} slots", got.len(), naive.len());
            }
            let has: Vec<usize> = ev.occurred("n", 300_000, i64::MIN, i64::MAX).iter().collect();
            let want_has: Vec<usize> = (0..300_000).filter(|&c| want[c] != i64::MIN).collect();
            assert!(has == want_has, "contacts with any event differ");
        }
    }

    #[test]
    fn repeated_merges_match_a_naive_scan() {
        let mut e = Events::default();
        let mut all: Vec<(u32, i64)> = Vec::new();
        let mut x: u64 = 7;
        for round in 0..20 {
            for _ in 0..(50 + round * 13) {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let (slot, ts) = ((x >> 40) as u32 % 37, (x >> 8) as i64 % 1000 - 500);
                e.push("n", slot, ts);
                all.push((slot, ts));
            }
            if round % 3 == 0 {
                e.prepare();
                for (lo, hi) in [(-500, 500), (-10, 10), (0, 0), (400, 499), (-600, -501)] {
                    let want: Vec<usize> = (0..40)
                        .filter(|&c| all.iter().any(|&(s, t)| s as usize == c && lo <= t && t <= hi))
                        .collect();
                    assert_eq!(e.occurred("n", 40, lo, hi).iter().collect::<Vec<_>>(), want, "{lo}..{hi}");
                }
            }
        }
    }
}
