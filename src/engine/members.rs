//! A segment's members: which contact slots are in it, as a bitset, and when
//! each joined, kept per block of 4,096 slots in slot order. A computation
//! compares its result with the members a word at a time, so it costs the
//! words plus the changes, not the member count: unchanged blocks keep
//! their join times as they are, and a live insert or removal moves one
//! block's times, not every member after it.
//!
//! Snapshots store members as before (the sorted slots, then their join
//! times): `Members` serialises to exactly those two sequences.

use serde::de::Error as _;
use serde::ser::{SerializeSeq, SerializeTuple};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::bitset::Bitset;
use super::feed::Kind;

/// Words of slots per block of join times (64 × 64 = 4,096 slots).
const BLOCK_WORDS: usize = 64;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Members {
    words: Vec<u64>,
    count: usize,
    /// Block b holds the join times of the members in slots
    /// `[b * 4096, (b + 1) * 4096)`, in slot order.
    joined: Vec<Vec<i64>>,
}

impl Members {
    /// Members from sorted slots and their join times; `Err` says what is
    /// wrong with them.
    pub fn from_sorted(slots: &[u32], joined: &[i64]) -> Result<Members, String> {
        if slots.len() != joined.len() {
            return Err(format!("{} members but {} join times", slots.len(), joined.len()));
        }
        if slots.windows(2).any(|w| w[0] >= w[1]) {
            return Err("members are not in order".into());
        }
        let mut m = Members::default();
        if let Some(&last) = slots.last() {
            m.grow(last as usize + 1);
        }
        for (&s, &at) in slots.iter().zip(joined) {
            m.words[s as usize / 64] |= 1 << (s % 64);
            m.joined[block_of(s)].push(at);
        }
        m.count = slots.len();
        Ok(m)
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn contains(&self, slot: u32) -> bool {
        self.words.get(slot as usize / 64).is_some_and(|w| w >> (slot % 64) & 1 == 1)
    }

    /// When `slot` joined, if it is a member.
    pub fn joined_at(&self, slot: u32) -> Option<i64> {
        self.contains(slot).then(|| self.joined[block_of(slot)][self.rank(slot)])
    }

    /// The highest member slot plus one (0 when empty).
    pub fn end(&self) -> usize {
        self.words.iter().rposition(|&w| w != 0).map_or(0, |i| i * 64 + 64 - self.words[i].leading_zeros() as usize)
    }

    /// Adds `slot`, joining at `at`; false if it was a member already.
    pub fn insert(&mut self, slot: u32, at: i64) -> bool {
        if self.contains(slot) {
            return false;
        }
        self.grow(slot as usize + 1);
        let r = self.rank(slot);
        self.joined[block_of(slot)].insert(r, at);
        self.words[slot as usize / 64] |= 1 << (slot % 64);
        self.count += 1;
        true
    }

    /// Removes `slot`; false if it was not a member.
    pub fn remove(&mut self, slot: u32) -> bool {
        if !self.contains(slot) {
            return false;
        }
        let r = self.rank(slot);
        self.joined[block_of(slot)].remove(r);
        self.words[slot as usize / 64] &= !(1 << (slot % 64));
        self.count -= 1;
        true
    }

    /// Makes the members exactly `result`: continuing members keep their
    /// join time, new ones join at `now`. Returns the changes in slot order.
    pub fn replace(&mut self, result: &Bitset, now: i64) -> Vec<(u32, Kind)> {
        let new_words = result.words();
        self.grow(new_words.len() * 64);
        let mut changes = Vec::new();
        for b in 0..self.joined.len() {
            let lo = b * BLOCK_WORDS;
            let hi = (lo + BLOCK_WORDS).min(self.words.len());
            let new_of = |wi: usize| new_words.get(wi).copied().unwrap_or(0);
            if (lo..hi).all(|wi| self.words[wi] == new_of(wi)) {
                continue;
            }
            let old_times = std::mem::take(&mut self.joined[b]);
            let mut times = Vec::with_capacity((lo..hi).map(|wi| new_of(wi).count_ones() as usize).sum());
            let mut oi = 0;
            for wi in lo..hi {
                let (old, new) = (self.words[wi], new_of(wi));
                if old == new {
                    // Unchanged word: its members' times move as a run.
                    let n = old.count_ones() as usize;
                    times.extend_from_slice(&old_times[oi..oi + n]);
                    oi += n;
                    continue;
                }
                let mut any = old | new;
                while any != 0 {
                    let bit = any & any.wrapping_neg();
                    any &= any - 1;
                    let slot = (wi * 64) as u32 + bit.trailing_zeros();
                    match (old & bit != 0, new & bit != 0) {
                        (true, true) => {
                            times.push(old_times[oi]);
                            oi += 1;
                        }
                        (true, false) => {
                            oi += 1;
                            changes.push((slot, Kind::Left));
                        }
                        (false, _) => {
                            times.push(now);
                            changes.push((slot, Kind::Entered));
                        }
                    }
                }
                self.words[wi] = new;
            }
            self.joined[b] = times;
        }
        self.count = self.words.iter().map(|w| w.count_ones() as usize).sum();
        changes
    }

    /// Members at or after `slot`, ascending, with their join times.
    pub fn iter_from(&self, slot: u32) -> impl Iterator<Item = (u32, i64)> + '_ {
        let start = slot as usize;
        let first_block = start / (BLOCK_WORDS * 64);
        let mut skip = if first_block < self.joined.len() { self.rank(slot) } else { 0 };
        (first_block..self.joined.len()).flat_map(move |b| {
            let lo = b * BLOCK_WORDS;
            let hi = (lo + BLOCK_WORDS).min(self.words.len());
            let times = &self.joined[b];
            let mut ti = std::mem::take(&mut skip);
            (lo..hi).flat_map(move |wi| {
                let base = wi * 64;
                let mut w = match start.checked_sub(base) {
                    None | Some(0) => self.words[wi],
                    Some(d) if d < 64 => self.words[wi] & (!0u64 << d),
                    Some(_) => 0,
                };
                std::iter::from_fn(move || {
                    if w == 0 {
                        return None;
                    }
                    let b = w.trailing_zeros();
                    w &= w - 1;
                    Some((wi * 64) as u32 + b)
                })
            })
            .map(move |s| {
                ti += 1;
                (s, times[ti - 1])
            })
        })
    }

    /// Every member slot, ascending.
    pub fn slots(&self) -> impl Iterator<Item = u32> + '_ {
        self.iter_from(0).map(|(s, _)| s)
    }

    pub fn heap_bytes(&self) -> usize {
        self.words.capacity() * 8 + self.joined.capacity() * 24 + self.joined.iter().map(|t| t.capacity() * 8).sum::<usize>()
    }

    /// Members of this block before `slot`.
    fn rank(&self, slot: u32) -> usize {
        let wi = slot as usize / 64;
        let lo = wi / BLOCK_WORDS * BLOCK_WORDS;
        let before: usize = self.words[lo..wi.min(self.words.len())].iter().map(|w| w.count_ones() as usize).sum();
        let own = self.words.get(wi).map_or(0, |w| (w & ((1u64 << (slot % 64)) - 1)).count_ones() as usize);
        before + own
    }

    /// Room for slots below `slots`.
    fn grow(&mut self, slots: usize) {
        let words = slots.div_ceil(64);
        if words > self.words.len() {
            self.words.resize(words, 0);
            self.joined.resize_with(words.div_ceil(BLOCK_WORDS), Vec::new);
        }
    }
}

fn block_of(slot: u32) -> usize {
    slot as usize / (BLOCK_WORDS * 64)
}

/// A sequence of `len` items, serialised from the iterator `items` makes.
struct Seq<F>(usize, F);

impl<T: Serialize, I: Iterator<Item = T>, F: Fn() -> I> Serialize for Seq<F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0))?;
        for x in (self.1)() {
            seq.serialize_element(&x)?;
        }
        seq.end()
    }
}

impl Serialize for Members {
    /// As the two sequences snapshots have always held: slots, then times.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_tuple(2)?;
        t.serialize_element(&Seq(self.count, || self.slots()))?;
        t.serialize_element(&Seq(self.count, || self.joined.iter().flatten()))?;
        t.end()
    }
}

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (slots, joined) = <(Vec<u32>, Vec<i64>)>::deserialize(d)?;
        Members::from_sorted(&slots, &joined).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(m: &Members) -> Vec<(u32, i64)> {
        m.iter_from(0).collect()
    }

    #[test]
    fn insert_remove_and_lookup_across_blocks() {
        let mut m = Members::default();
        for (s, at) in [(5000, 3), (3, 1), (4095, 2), (4096, 4), (70_000, 5)] {
            assert!(m.insert(s, at));
        }
        assert!(!m.insert(3, 9));
        assert_eq!(pairs(&m), [(3, 1), (4095, 2), (4096, 4), (5000, 3), (70_000, 5)]);
        assert_eq!(m.len(), 5);
        assert_eq!(m.joined_at(5000), Some(3));
        assert_eq!(m.joined_at(5001), None);
        assert_eq!(m.end(), 70_001);
        assert!(m.remove(4096));
        assert!(!m.remove(4096));
        assert_eq!(pairs(&m), [(3, 1), (4095, 2), (5000, 3), (70_000, 5)]);
        assert_eq!(m.iter_from(4000).collect::<Vec<_>>(), [(4095, 2), (5000, 3), (70_000, 5)]);
        assert_eq!(m.iter_from(4095).next(), Some((4095, 2)));
        assert_eq!(m.iter_from(4096).next(), Some((5000, 3)));
        assert_eq!(m.iter_from(70_001).next(), None);
        assert_eq!(m.iter_from(1 << 30).next(), None);
    }

    #[test]
    fn replace_keeps_continuing_times_and_reports_changes_in_order() {
        let mut m = Members::from_sorted(&[1, 3, 5, 9000], &[10, 11, 12, 13]).unwrap();
        let r = Bitset::from_fn(10_000, |i| [0, 3, 5, 7, 9999].contains(&i));
        let changes = m.replace(&r, 99);
        assert_eq!(changes, [(0, Kind::Entered), (1, Kind::Left), (7, Kind::Entered), (9000, Kind::Left), (9999, Kind::Entered)]);
        assert_eq!(pairs(&m), [(0, 99), (3, 11), (5, 12), (7, 99), (9999, 99)]);
        assert_eq!(m.len(), 5);
        assert!(m.replace(&r, 100).is_empty());
        assert_eq!(pairs(&m), [(0, 99), (3, 11), (5, 12), (7, 99), (9999, 99)]);
        // A shorter result (fewer slots) empties the members past it.
        let changes = m.replace(&Bitset::from_fn(4, |i| i == 0), 101);
        assert_eq!(changes, [(3, Kind::Left), (5, Kind::Left), (7, Kind::Left), (9999, Kind::Left)]);
        assert_eq!(pairs(&m), [(0, 99)]);
    }

    #[test]
    fn matches_a_sorted_list_under_random_edits() {
        let mut m = Members::default();
        let mut list: Vec<(u32, i64)> = Vec::new();
        let mut x: u64 = 7;
        for step in 0..5000i64 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let s = (x >> 33) as u32 % 20_000;
            match list.binary_search_by_key(&s, |p| p.0) {
                Ok(i) if x & 1 == 0 => {
                    list.remove(i);
                    assert!(m.remove(s));
                }
                Err(i) => {
                    list.insert(i, (s, step));
                    assert!(m.insert(s, step));
                }
                _ => {}
            }
            if step % 997 == 0 {
                let r = Bitset::from_fn(20_000, |i| (i as i64 + step) % 3 == 0);
                m.replace(&r, step);
                let old = std::mem::take(&mut list);
                list = r.iter().map(|i| (i as u32, old.iter().find(|p| p.0 == i as u32).map_or(step, |p| p.1))).collect();
            }
            assert_eq!(m.len(), list.len());
        }
        assert_eq!(pairs(&m), list);
        let bytes = postcard::to_allocvec(&m).unwrap();
        let slots: Vec<u32> = list.iter().map(|p| p.0).collect();
        let times: Vec<i64> = list.iter().map(|p| p.1).collect();
        assert_eq!(bytes, postcard::to_allocvec(&(slots, times)).unwrap());
        assert_eq!(postcard::from_bytes::<Members>(&bytes).unwrap(), m);
    }

    #[test]
    fn decoding_refuses_unordered_or_mismatched_members() {
        let bad = |slots: Vec<u32>, times: Vec<i64>| {
            postcard::from_bytes::<Members>(&postcard::to_allocvec(&(slots, times)).unwrap()).unwrap_err()
        };
        let _ = bad(vec![3, 1], vec![0, 0]);
        let _ = bad(vec![1], vec![]);
        assert!(Members::from_sorted(&[1, 1], &[0, 0]).unwrap_err().contains("order"));
        assert!(Members::from_sorted(&[1], &[]).unwrap_err().contains("join times"));
    }
}
