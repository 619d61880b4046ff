//! The event index: for each event name, every contact's timestamps in
//! sorted order (compressed sparse rows), so `occurred within` is a binary
//! search per contact, never a scan of the event log. New events land in an
//! unsorted tail and are merged in before the next evaluation. Only what
//! rules can ask about is kept: 8 bytes per event plus 4 per contact per
//! name.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::bitset::Bitset;

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct NameIndex {
    /// `ts[offsets[c]..offsets[c + 1]]` are contact slot c's timestamps,
    /// ascending. `offsets.len() - 1` slots are covered.
    offsets: Vec<u32>,
    ts: Vec<i64>,
    tail_slot: Vec<u32>,
    tail_ts: Vec<i64>,
}

impl NameIndex {
    fn merge_tail(&mut self) {
        if self.tail_slot.is_empty() {
            return;
        }
        let covered = self.offsets.len().saturating_sub(1);
        let max_tail = self.tail_slot.iter().copied().max().map_or(0, |m| m as usize + 1);
        let slots = covered.max(max_tail);
        let mut counts = vec![0u32; slots + 1];
        for c in 0..covered {
            counts[c + 1] = self.offsets[c + 1] - self.offsets[c];
        }
        for &s in &self.tail_slot {
            counts[s as usize + 1] += 1;
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let offsets = counts;
        let mut fill: Vec<u32> = offsets[..slots].to_vec();
        let mut ts = vec![0i64; self.ts.len() + self.tail_ts.len()];
        for c in 0..covered {
            let (a, b) = (self.offsets[c] as usize, self.offsets[c + 1] as usize);
            let dst = fill[c] as usize;
            ts[dst..dst + (b - a)].copy_from_slice(&self.ts[a..b]);
            fill[c] += (b - a) as u32;
        }
        let mut touched = Vec::new();
        for (&s, &t) in self.tail_slot.iter().zip(&self.tail_ts) {
            let s = s as usize;
            ts[fill[s] as usize] = t;
            fill[s] += 1;
            touched.push(s);
        }
        touched.sort_unstable();
        touched.dedup();
        for s in touched {
            ts[offsets[s] as usize..offsets[s + 1] as usize].sort_unstable();
        }
        self.offsets = offsets;
        self.ts = ts;
        self.tail_slot = Vec::new();
        self.tail_ts = Vec::new();
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

    pub fn push(&mut self, name: &str, slot: u32, ts: i64) {
        let i = match self.name_index.get(name) {
            Some(&i) => i,
            None => {
                self.names.push(name.into());
                self.lists.push(NameIndex::default());
                self.name_index.insert(name.into(), self.names.len() - 1);
                self.names.len() - 1
            }
        };
        let l = &mut self.lists[i];
        l.tail_slot.push(slot);
        l.tail_ts.push(ts);
        self.total += 1;
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
                debug_assert!(l.tail_slot.is_empty(), "prepare() before occurred()");
                Bitset::from_fn(slots, |c| l.any_in(c, lo, hi))
            }
        }
    }

    pub fn reindex(&mut self) {
        self.name_index = self.names.iter().enumerate().map(|(i, n)| (n.clone(), i)).collect();
    }

    pub fn heap_bytes(&self) -> usize {
        self.lists
            .iter()
            .map(|l| l.offsets.capacity() * 4 + l.ts.capacity() * 8 + l.tail_slot.capacity() * 4 + l.tail_ts.capacity() * 8)
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
}
