//! The event index: for each event name, every contact's timestamps in
//! sorted order (compressed sparse rows), so `occurred within` is a binary
//! search per contact, never a scan of the event log. New events land in an
//! unsorted tail and are merged in (in place) before the next evaluation or
//! when the tail grows large. Only what rules can ask about is kept: 8 bytes
//! per event plus 4 per contact per name.

use rustc_hash::FxHashMap as HashMap;

use serde::{Deserialize, Serialize};

use super::bitset::Bitset;

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct NameIndex {
    /// `ts[offsets[c]..offsets[c + 1]]` are contact slot c's timestamps,
    /// ascending. `offsets.len() - 1` slots are covered.
    offsets: Vec<u32>,
    ts: Vec<i64>,
    /// Events not yet merged: (slot, timestamp).
    tail: Vec<(u32, i64)>,
    /// Per slot, its latest timestamp (`i64::MIN`: none): the common case of
    /// a window check is one comparison in a dense array. Derived.
    #[serde(skip)]
    last: Vec<i64>,
    /// The latest timestamp of any slot. Derived.
    #[serde(skip)]
    max_ts: i64,
}

impl NameIndex {
    /// Merges the tail into the rows in place, walking backwards so that no
    /// second copy of the timestamps is ever allocated (the index is the
    /// bulk of the engine's memory at ten million events).
    fn merge_tail(&mut self) {
        if self.tail.is_empty() {
            return;
        }
        self.tail.sort_unstable();
        let covered = self.offsets.len().saturating_sub(1);
        let slots = covered.max(self.tail.last().map_or(0, |&(s, _)| s as usize + 1));
        let old_len = self.ts.len();
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.offsets.resize(slots + 1, old_len as u32);
        let new_len = old_len + self.tail.len();
        if new_len > self.ts.capacity() {
            // Grow by at least an eighth: few reallocations, little slack.
            self.ts.reserve_exact(self.tail.len().max(old_len / 8));
        }
        self.ts.resize(new_len, 0);
        let (mut w, mut t) = (new_len, self.tail.len());
        for slot in (0..slots).rev() {
            let (a, mut o) = (self.offsets[slot] as usize, self.offsets[slot + 1] as usize);
            self.offsets[slot + 1] = w as u32;
            while t > 0 && self.tail[t - 1].0 as usize == slot {
                let tv = self.tail[t - 1].1;
                w -= 1;
                if o > a && self.ts[o - 1] > tv {
                    self.ts[w] = self.ts[o - 1];
                    o -= 1;
                } else {
                    self.ts[w] = tv;
                    t -= 1;
                }
            }
            let n = o - a;
            if w != o {
                self.ts.copy_within(a..o, w - n);
            }
            w -= n;
        }
        self.last.resize(slots, i64::MIN);
        for &(slot, t) in &self.tail {
            let s = slot as usize;
            self.last[s] = self.last[s].max(t);
            self.max_ts = self.max_ts.max(t);
        }
        self.tail.clear();
    }

    /// Rebuilds `last` and `max_ts` from the rows (after a restore).
    fn derive(&mut self) {
        let slots = self.offsets.len().saturating_sub(1);
        self.last = (0..slots)
            .map(|c| {
                let (a, b) = (self.offsets[c] as usize, self.offsets[c + 1] as usize);
                if b > a { self.ts[b - 1] } else { i64::MIN }
            })
            .collect();
        self.max_ts = self.last.iter().copied().max().unwrap_or(i64::MIN);
    }

    /// Slots (of `slots`) with a timestamp in `lo..=hi`, where `lo > i64::MIN`.
    fn occurred(&self, slots: usize, lo: i64, hi: i64) -> Bitset {
        let n = self.last.len().min(slots);
        let mut b = Bitset::from_slice(slots, &self.last[..n], false, |t| lo <= t && t <= hi);
        if self.max_ts > hi {
            // Some contacts have events after `hi`: their latest says nothing
            // about the window, so search their rows.
            for c in 0..n {
                if self.last[c] > hi && self.any_in(c, lo, hi) {
                    b.set(c, true);
                }
            }
        }
        b
    }

    /// Does slot `c` have a timestamp in `lo..=hi`? (Index must be merged.)
    fn any_in(&self, c: usize, lo: i64, hi: i64) -> bool {
        if c + 1 >= self.offsets.len() {
            return false;
        }
        let t = &self.ts[self.offsets[c] as usize..self.offsets[c + 1] as usize];
        match t.last() {
            None => false,
            Some(&last) if last <= hi => last >= lo,
            Some(_) => {
                let i = t.partition_point(|&x| x < lo);
                i < t.len() && t[i] <= hi
            }
        }
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

    /// Merges tails that have grown past a quarter of their index, so a
    /// long import never holds its events twice (tail and index) for long.
    pub fn settle(&mut self) {
        for l in &mut self.lists {
            if l.tail.len() > (1 << 16).max(l.ts.len() / 4) {
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
            .map(|l| l.offsets.capacity() * 4 + l.ts.capacity() * 8 + l.tail.capacity() * 16 + l.last.capacity() * 8)
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
