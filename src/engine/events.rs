//! The event index: for each event name, every contact's timestamps in
//! sorted order (compressed sparse rows), so `occurred within` is a lookup,
//! never a scan of the event log, plus a dense array of each contact's latest
//! timestamp, so the usual window check is one comparison per contact.
//!
//! Rows are cut into shards of 65,536 contact slots. New events land in an
//! unsorted tail and are merged into their shards in place, before the next
//! evaluation or once the tail grows; growing one shard at a time keeps the
//! memory high-water mark near what the index holds (8 bytes per event plus
//! 4 per contact per name) instead of twice that during a reallocation.

use rustc_hash::FxHashMap as HashMap;

use serde::{Deserialize, Serialize};

use super::bitset::Bitset;
use super::paged::Paged;

const SHARD_BITS: u32 = 16;
const SHARD_MASK: u32 = (1 << SHARD_BITS) - 1;

/// The rows of up to 65,536 consecutive slots.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct Shard {
    /// `ts[offsets[c]..offsets[c + 1]]` are local slot c's timestamps,
    /// ascending. `offsets.len() - 1` slots are covered.
    offsets: Vec<u32>,
    ts: Paged,
}

impl Shard {
    /// Merges `add` (sorted by local slot, then time) into the rows in place,
    /// walking backwards so no second copy of the timestamps is made.
    fn merge(&mut self, add: &[(u32, i64)]) {
        let Some(&(top, _)) = add.last() else { return };
        let covered = self.offsets.len().saturating_sub(1);
        let slots = covered.max(top as usize + 1);
        let old_len = self.ts.len();
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.offsets.resize(slots + 1, old_len as u32);
        let new_len = old_len + add.len();
        self.ts.grow(new_len);
        let (mut w, mut t) = (new_len, add.len());
        for slot in (0..slots).rev() {
            let (a, mut o) = (self.offsets[slot] as usize, self.offsets[slot + 1] as usize);
            self.offsets[slot + 1] = w as u32;
            while t > 0 && add[t - 1].0 as usize == slot {
                let tv = add[t - 1].1;
                w -= 1;
                if o > a && self.ts.get(o - 1) > tv {
                    self.ts.set(w, self.ts.get(o - 1));
                    o -= 1;
                } else {
                    self.ts.set(w, tv);
                    t -= 1;
                }
            }
            let n = o - a;
            self.ts.move_right(a..o, w - n);
            w -= n;
        }
    }

    /// The bounds of local slot `local`'s row in `ts`.
    fn row(&self, local: usize) -> (usize, usize) {
        if local + 1 >= self.offsets.len() {
            return (0, 0);
        }
        (self.offsets[local] as usize, self.offsets[local + 1] as usize)
    }

    fn latest(&self, local: usize) -> Option<i64> {
        let (a, b) = self.row(local);
        (b > a).then(|| self.ts.get(b - 1))
    }
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct NameIndex {
    shards: Vec<Shard>,
    /// Events not yet merged: (slot, timestamp).
    tail: Vec<(u32, i64)>,
    /// Events merged into the shards.
    merged: usize,
    /// Per slot, its latest timestamp (`i64::MIN`: none). Derived.
    #[serde(skip)]
    last: Vec<i64>,
    /// The latest timestamp of any slot. Derived.
    #[serde(skip)]
    max_ts: i64,
}

impl NameIndex {
    fn merge_tail(&mut self) {
        if self.tail.is_empty() {
            return;
        }
        self.tail.sort_unstable();
        let mut start = 0;
        while start < self.tail.len() {
            let shard = (self.tail[start].0 >> SHARD_BITS) as usize;
            let end = start + self.tail[start..].partition_point(|&(s, _)| (s >> SHARD_BITS) as usize == shard);
            if self.shards.len() <= shard {
                self.shards.resize_with(shard + 1, Shard::default);
            }
            let local: Vec<(u32, i64)> = self.tail[start..end].iter().map(|&(s, t)| (s & SHARD_MASK, t)).collect();
            self.shards[shard].merge(&local);
            start = end;
        }
        let top = self.tail.last().map_or(0, |&(s, _)| s as usize + 1);
        if self.last.len() < top {
            self.last.resize(top, i64::MIN);
        }
        for &(slot, t) in &self.tail {
            let s = slot as usize;
            self.last[s] = self.last[s].max(t);
            self.max_ts = self.max_ts.max(t);
        }
        self.merged += self.tail.len();
        self.tail.clear();
    }

    /// Rebuilds `last` and `max_ts` from the rows (after a restore).
    fn derive(&mut self) {
        self.last.clear();
        for (i, sh) in self.shards.iter().enumerate() {
            self.last.resize(i << SHARD_BITS, i64::MIN);
            for local in 0..sh.offsets.len().saturating_sub(1) {
                self.last.push(sh.latest(local).unwrap_or(i64::MIN));
            }
        }
        self.max_ts = self.last.iter().copied().max().unwrap_or(i64::MIN);
    }

    /// Does slot `c` have a timestamp in `lo..=hi`? (Index must be merged.)
    fn any_in(&self, c: usize, lo: i64, hi: i64) -> bool {
        let Some(sh) = self.shards.get(c >> SHARD_BITS) else { return false };
        let (a, b) = sh.row(c & SHARD_MASK as usize);
        let i = sh.ts.lower_bound(a, b, lo);
        i < b && sh.ts.get(i) <= hi
    }

    /// Slots (of `slots`) with a timestamp in `lo..=hi`, where `lo > i64::MIN`.
    /// One pass over the latest timestamps: a contact whose latest is in the
    /// window matches; one whose latest is after `hi` (it has future events)
    /// has its row searched.
    fn occurred(&self, slots: usize, lo: i64, hi: i64) -> Bitset {
        let n = self.last.len().min(slots);
        let mut words = Vec::with_capacity(slots.div_ceil(64));
        for (wi, chunk) in self.last[..n].chunks(64).enumerate() {
            let (mut hit, mut later) = (0u64, 0u64);
            for (j, &t) in chunk.iter().enumerate() {
                hit |= u64::from(lo <= t && t <= hi) << j;
                later |= u64::from(t > hi) << j;
            }
            while later != 0 {
                let j = later.trailing_zeros() as usize;
                later &= later - 1;
                if self.any_in(wi * 64 + j, lo, hi) {
                    hit |= 1 << j;
                }
            }
            words.push(hit);
        }
        Bitset::from_words(words, slots)
    }

    fn heap_bytes(&self) -> usize {
        let shards: usize = self.shards.iter().map(|s| s.offsets.capacity() * 4 + s.ts.heap_bytes()).sum();
        shards + self.tail.capacity() * 16 + self.last.capacity() * 8
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
        self.lists[name_id].tail.push((slot, ts));
        self.total += 1;
    }

    pub fn push(&mut self, name: &str, slot: u32, ts: i64) {
        let i = self.name_id(name);
        self.push_id(i, slot, ts);
    }

    /// Merges tails that have grown past a sixteenth of their index, so a
    /// long import never holds many events twice (tail and index).
    pub fn settle(&mut self) {
        for l in &mut self.lists {
            if l.tail.len() > (1 << 16).max(l.merged / 16) {
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
                l.occurred(slots, lo.max(i64::MIN + 1), hi)
            }
        }
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
    fn shards_and_restores_agree_with_a_naive_scan() {
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
            let mut last = ev.lists[0].last.clone();
            last.resize(300_000, i64::MIN);
            assert!(last == want, "latest timestamps differ");
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
