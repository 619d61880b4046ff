//! A fixed-length set of contact slots, 64 to a word. Conditions evaluate to
//! bitsets and groups combine them word by word.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bitset {
    words: Vec<u64>,
    len: usize,
}

impl Bitset {
    pub fn new(len: usize) -> Self {
        Bitset { words: vec![0; len.div_ceil(64)], len }
    }

    pub fn full(len: usize) -> Self {
        let mut b = Bitset { words: vec![!0; len.div_ceil(64)], len };
        b.trim();
        b
    }

    /// Builds a bitset from a per-slot predicate, a word at a time.
    pub fn from_fn(len: usize, mut f: impl FnMut(usize) -> bool) -> Self {
        let mut words = Vec::with_capacity(len.div_ceil(64));
        let mut base = 0;
        while base < len {
            let end = (base + 64).min(len);
            let mut w = 0u64;
            for i in base..end {
                w |= u64::from(f(i)) << (i - base);
            }
            words.push(w);
            base = end;
        }
        Bitset { words, len }
    }

    /// A bitset of `len` slots from its words (missing words are empty).
    pub fn from_words(mut words: Vec<u64>, len: usize) -> Self {
        words.resize(len.div_ceil(64), 0);
        let mut b = Bitset { words, len };
        b.trim();
        b
    }

    /// Slots whose column code has a true verdict; slots past the end of
    /// `codes` are absent (code 0). This is the inner loop of every property
    /// condition.
    pub fn from_codes(len: usize, codes: &[u32], verdict: &[bool]) -> Self {
        // One byte per code keeps the table in cache for large dictionaries.
        let table: Vec<u8> = verdict.iter().map(|&v| u8::from(v)).collect();
        let absent = table.first().copied().unwrap_or(0) == 1;
        Bitset::from_slice(len, codes, absent, |c| table.get(c as usize).copied().unwrap_or(0) == 1)
    }

    /// Slot i is `f(data[i])`, or `rest` past the end of `data`. Works a
    /// word at a time with no per-slot branches, so simple predicates
    /// vectorise.
    pub fn from_slice<T: Copy>(len: usize, data: &[T], rest: bool, f: impl Fn(T) -> bool) -> Self {
        let n = data.len().min(len);
        let mut words = Vec::with_capacity(len.div_ceil(64));
        let chunks = data[..n].chunks_exact(64);
        let tail = chunks.remainder();
        for chunk in chunks {
            let mut w = 0u64;
            for (j, &x) in chunk.iter().enumerate() {
                w |= u64::from(f(x)) << j;
            }
            words.push(w);
        }
        let mut w = 0u64;
        for (j, &x) in tail.iter().enumerate() {
            w |= u64::from(f(x)) << j;
        }
        let mut i = n;
        if rest {
            // Fill the slots past `data` up to the end of the partial word.
            while i < len && i % 64 != 0 {
                w |= 1 << (i % 64);
                i += 1;
            }
        }
        if n % 64 != 0 {
            words.push(w);
        }
        words.resize(len.div_ceil(64), if rest { !0 } else { 0 });
        let mut b = Bitset { words, len };
        b.trim();
        b
    }

    fn trim(&mut self) {
        let extra = self.words.len() * 64 - self.len;
        if extra > 0 {
            if let Some(last) = self.words.last_mut() {
                *last &= !0u64 >> extra;
            }
        }
    }

    /// Checks a decoded bitset: one word per 64 slots, no bits past `len`.
    pub fn validate(&self, what: &str) -> Result<(), String> {
        if self.words.len() != self.len.div_ceil(64) {
            return Err(format!("{what}: {} words for {} slots", self.words.len(), self.len));
        }
        let tail = self.len % 64;
        if tail != 0 && self.words.last().is_some_and(|w| w >> tail != 0) {
            return Err(format!("{what}: bits set past its length"));
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Grows to `len` slots; new slots take `value`.
    pub fn resize(&mut self, len: usize, value: bool) {
        if len <= self.len {
            return;
        }
        let old = self.len;
        self.words.resize(len.div_ceil(64), 0);
        self.len = len;
        if value {
            for i in old..len {
                self.set(i, true);
            }
        }
    }

    pub fn get(&self, i: usize) -> bool {
        i < self.len && self.words[i / 64] >> (i % 64) & 1 == 1
    }

    pub fn set(&mut self, i: usize, v: bool) {
        if i >= self.len {
            return;
        }
        let w = &mut self.words[i / 64];
        if v {
            *w |= 1 << (i % 64);
        } else {
            *w &= !(1 << (i % 64));
        }
    }

    pub fn and_with(&mut self, other: &Bitset) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    pub fn or_with(&mut self, other: &Bitset) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    /// `self = self AND NOT other`
    pub fn and_not_with(&mut self, other: &Bitset) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !b;
        }
    }

    /// Keeps the set slots for which `keep` is true, a word at a time.
    pub fn retain(&mut self, mut keep: impl FnMut(usize) -> bool) {
        for (wi, word) in self.words.iter_mut().enumerate() {
            let mut w = *word;
            while w != 0 {
                let bit = w & w.wrapping_neg();
                w &= w - 1;
                if !keep(wi * 64 + bit.trailing_zeros() as usize) {
                    *word &= !bit;
                }
            }
        }
    }

    /// No slot is set.
    pub fn none(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    /// Every slot is set.
    pub fn is_full(&self) -> bool {
        self.count() == self.len
    }

    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Set slots in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.iter_from(0)
    }

    /// Set slots at or after `from`, ascending.
    pub fn iter_from(&self, from: usize) -> impl Iterator<Item = usize> + '_ {
        let start_word = from / 64;
        self.words.iter().enumerate().skip(start_word).flat_map(move |(wi, &w)| {
            let mut w = if wi == start_word { w & (!0u64 << (from % 64)) } else { w };
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let b = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(wi * 64 + b)
            })
        })
    }

    /// The words, 64 slots each; bits past `len` are clear.
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    pub fn heap_bytes(&self) -> usize {
        self.words.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_ops_and_iteration() {
        let mut a = Bitset::from_fn(130, |i| i % 3 == 0);
        let b = Bitset::from_fn(130, |i| i % 2 == 0);
        assert_eq!(a.count(), 44);
        let mut c = a.clone();
        c.and_with(&b);
        assert_eq!(c.iter().collect::<Vec<_>>(), (0..130).filter(|i| i % 6 == 0).collect::<Vec<_>>());
        a.or_with(&b);
        assert_eq!(a.count(), (0..130).filter(|i| i % 2 == 0 || i % 3 == 0).count());
        let mut f = Bitset::full(130);
        assert_eq!(f.count(), 130);
        f.and_not_with(&b);
        assert_eq!(f.count(), 65);
        assert_eq!(f.iter_from(64).next(), Some(65));
    }

    #[test]
    fn from_codes_matches_a_per_slot_lookup() {
        for (len, ncodes) in [(0, 0), (5, 5), (64, 64), (130, 70), (200, 200), (300, 10), (129, 128)] {
            let codes: Vec<u32> = (0..ncodes).map(|i| (i * 7 % 5) as u32).collect();
            for verdict in [[false, true, false, true, false], [true, false, false, false, true]] {
                let got = Bitset::from_codes(len, &codes, &verdict);
                let want = Bitset::from_fn(len, |s| verdict[codes.get(s).copied().unwrap_or(0) as usize]);
                assert_eq!(got, want, "len {len} codes {ncodes}");
            }
        }
    }

    #[test]
    fn resize_fills_new_slots() {
        let mut a = Bitset::new(3);
        a.resize(70, true);
        assert_eq!(a.count(), 67);
        assert!(!a.get(2) && a.get(3) && a.get(69) && !a.get(70));
    }
}
