//! The event index: for each event name, its events sorted by time, each
//! with its contact slot and its properties, plus the set of contacts that
//! have any. A window `lo ≤ t ≤ hi` is two binary searches, and then the
//! work follows the events inside it, not the number of contacts; future
//! events simply fall outside.
//!
//! Properties are columns per event name, aligned with the time order: one
//! dictionary code (`u32`, 0 = absent) per event per key, so a `where` runs
//! once per distinct value and then as integer lookups, never by reading
//! JSON per event.
//!
//! Timestamps, slots and codes live in appended pages (no reallocation
//! holes in wasm's never-shrinking memory). New events land in an unsorted
//! tail that is sorted and merged in place, backwards, with every column,
//! before the next evaluation or once it grows past a sixteenth of the
//! index.

use rustc_hash::FxHashMap as HashMap;

use serde::{Deserialize, Serialize};

use super::bitset::Bitset;
use super::contacts::{Key, Val};
use super::paged::Paged;
use super::value::{Dict, PRef};

/// The longest tail of a name read contact by contact: each read scans it.
const SHORT_TAIL: usize = 4096;

/// Tail capacity kept after a merge (events arriving one by one reuse it).
const KEEP_TAIL: usize = 4096;

/// Empties a tail, giving its memory back when `give_back`.
fn empty<T>(v: &mut Vec<T>, give_back: bool) {
    if give_back {
        *v = Vec::new();
    } else {
        v.clear();
    }
}

/// An event property as planned: a key of the name's columns and a value.
pub type EventProp = (Key, Val);

/// One event property key of one event name: a code per event.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct EventColumn {
    pub key: Box<str>,
    /// One code per indexed event, in time order; 0 = absent.
    pub codes: Paged<u32>,
    /// One code per tail event, in arrival order.
    tail: Vec<u32>,
    pub dict: Dict,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct NameIndex {
    /// Event times, ascending, and the contact slot of each.
    pub ts: Paged<i64>,
    pub slot: Paged<u32>,
    pub columns: Vec<EventColumn>,
    /// Events not yet merged: (time, slot), in arrival order.
    pub(crate) tail: Vec<(i64, u32)>,
    /// Contacts with at least one event of this name. Derived.
    #[serde(skip)]
    has: Bitset,
    #[serde(skip)]
    column_index: HashMap<Box<str>, usize>,
    /// Positions of the indexed events ordered by (contact slot, time): a
    /// contact's events are one binary search away. Built on the first
    /// per-contact read (live segments, `eval/one.rs`), dropped by a merge.
    #[serde(skip)]
    by_contact: std::cell::OnceCell<Vec<u32>>,
}

/// One event of a name: indexed (a position in time order) or still in
/// the tail (its place there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ev {
    At(usize),
    Tail(usize),
}

impl EventColumn {
    /// The code of event `e` in this column (0 = absent).
    pub fn code(&self, e: Ev) -> u32 {
        match e {
            Ev::At(i) => self.codes.get(i),
            Ev::Tail(i) => self.tail.get(i).copied().unwrap_or(0),
        }
    }
}

impl NameIndex {
    pub fn len(&self) -> usize {
        self.ts.len()
    }

    pub fn column(&self, key: &str) -> Option<&EventColumn> {
        self.column_index.get(key).map(|&i| &self.columns[i])
    }

    /// The time of event `e`.
    pub fn time(&self, e: Ev) -> i64 {
        match e {
            Ev::At(i) => self.ts.get(i),
            Ev::Tail(i) => self.tail.get(i).map_or(0, |&(t, _)| t),
        }
    }

    /// Calls `f` with every event of contact `slot`: the indexed ones in
    /// time order, then the tail's in arrival order.
    pub fn each_of_contact(&self, slot: u32, mut f: impl FnMut(Ev)) {
        let order = self.by_contact.get_or_init(|| self.contact_order());
        let a = order.partition_point(|&p| self.slot.get(p as usize) < slot);
        for &p in order[a..].iter().take_while(|&&p| self.slot.get(p as usize) == slot) {
            f(Ev::At(p as usize));
        }
        for (i, _) in self.tail.iter().enumerate().filter(|(_, &(_, s))| s == slot) {
            f(Ev::Tail(i));
        }
    }

    /// Calls `f(event, contact slot, time)` for every event: the indexed
    /// ones in time order, then the tail's in arrival order.
    pub fn each_event(&self, mut f: impl FnMut(Ev, u32, i64)) {
        for i in 0..self.ts.len() {
            f(Ev::At(i), self.slot.get(i), self.ts.get(i));
        }
        for (i, &(t, s)) in self.tail.iter().enumerate() {
            f(Ev::Tail(i), s, t);
        }
    }

    /// The events of contact `slot`, as `each_of_contact` gives them, but
    /// without building the per-contact order when no live segment has
    /// (a one-off read, such as a contact's profile, scans instead).
    pub fn each_of_contact_once(&self, slot: u32, mut f: impl FnMut(Ev)) {
        if self.read_by_contact() {
            return self.each_of_contact(slot, f);
        }
        self.each_event(|e, s, _| {
            if s == slot {
                f(e)
            }
        });
    }

    /// Whether per-contact reads are in use (they keep the tail short).
    fn read_by_contact(&self) -> bool {
        self.by_contact.get().is_some()
    }

    /// The indexed positions ordered by (slot, time): a counting sort by
    /// slot of positions already in time order.
    fn contact_order(&self) -> Vec<u32> {
        let n = self.ts.len();
        let slots = (0..n).map(|i| self.slot.get(i) as usize).max().map_or(0, |m| m + 1);
        let mut start = vec![0u32; slots + 1];
        for i in 0..n {
            start[self.slot.get(i) as usize + 1] += 1;
        }
        for s in 0..slots {
            start[s + 1] += start[s];
        }
        let mut out = vec![0u32; n];
        for i in 0..n {
            let s = self.slot.get(i) as usize;
            out[start[s] as usize] = i as u32;
            start[s] += 1;
        }
        out
    }

    fn merge_tail(&mut self) {
        if self.tail.is_empty() {
            return;
        }
        self.by_contact = std::cell::OnceCell::new();
        // Sort the tail through a permutation, so every column follows it.
        let mut order: Vec<u32> = (0..self.tail.len() as u32).collect();
        order.sort_unstable_by_key(|&i| (self.tail[i as usize], i));
        let tail: Vec<(i64, u32)> = order.iter().map(|&i| self.tail[i as usize]).collect();
        let tail_codes: Vec<Vec<u32>> =
            self.columns.iter_mut().map(|c| order.iter().map(|&i| c.tail[i as usize]).collect()).collect();
        let old = self.ts.len();
        let new_len = old + tail.len();
        self.ts.grow(new_len);
        self.slot.grow(new_len);
        for c in &mut self.columns {
            c.codes.grow(new_len);
        }
        let (mut w, mut i, mut t) = (new_len, old, tail.len());
        while t > 0 {
            w -= 1;
            if i > 0 && self.ts.get(i - 1) > tail[t - 1].0 {
                i -= 1;
                self.ts.set(w, self.ts.get(i));
                self.slot.set(w, self.slot.get(i));
                for c in &mut self.columns {
                    c.codes.set(w, c.codes.get(i));
                }
            } else {
                t -= 1;
                let (ts, s) = tail[t];
                self.ts.set(w, ts);
                self.slot.set(w, s);
                for (c, codes) in self.columns.iter_mut().zip(&tail_codes) {
                    c.codes.set(w, codes[t]);
                }
            }
        }
        for &(_, s) in &tail {
            self.mark(s as usize);
        }
        // A small tail keeps its capacity for the next batch; a large one
        // (a bulk import) is given back rather than held at 16 B per slot.
        let give_back = self.tail.capacity() > KEEP_TAIL;
        empty(&mut self.tail, give_back);
        for c in &mut self.columns {
            empty(&mut c.tail, give_back);
        }
    }

    fn mark(&mut self, s: usize) {
        if s >= self.has.len() {
            self.has.resize((s + 1).next_power_of_two(), false);
        }
        self.has.set(s, true);
    }

    /// Rebuilds the derived parts (after a restore).
    fn derive(&mut self) {
        self.by_contact = std::cell::OnceCell::new();
        self.has = Bitset::new(0);
        for i in 0..self.slot.len() {
            self.mark(self.slot.get(i) as usize);
        }
        let tail = std::mem::take(&mut self.tail);
        for &(_, s) in &tail {
            self.mark(s as usize);
        }
        self.tail = tail;
        self.column_index = self.columns.iter().enumerate().map(|(i, c)| (c.key.clone(), i)).collect();
        for c in &mut self.columns {
            c.dict.reindex();
        }
    }

    /// The positions `a..b` of the events with `lo ≤ t ≤ hi`.
    pub fn range(&self, lo: i64, hi: i64) -> (usize, usize) {
        let n = self.ts.len();
        let a = if lo == i64::MIN { 0 } else { self.ts.lower_bound(0, n, lo) };
        let b = if hi == i64::MAX { n } else { self.ts.lower_bound(a, n, hi.saturating_add(1)) };
        (a, b.max(a))
    }

    /// Slots (of `slots`) with any event of this name: the derived set,
    /// a word at a time, never a pass over the events.
    pub fn any(&self, slots: usize) -> Bitset {
        self.occurred(slots, i64::MIN, i64::MAX)
    }

    /// Slots (of `slots`) with an event in `lo..=hi`.
    fn occurred(&self, slots: usize, lo: i64, hi: i64) -> Bitset {
        let mut b = Bitset::new(slots);
        if lo == i64::MIN && hi == i64::MAX {
            b.or_with(&self.has);
            return b;
        }
        let (a, e) = self.range(lo, hi);
        for i in a..e {
            b.set(self.slot.get(i) as usize, true);
        }
        b
    }

    /// Adds one event to the tail; `props` are planned against this
    /// index's columns (`Key::Col` indexes them).
    fn push(&mut self, slot: u32, ts: i64, props: &[EventProp]) {
        self.tail.push((ts, slot));
        for c in &mut self.columns {
            c.tail.push(0);
        }
        for (key, val) in props {
            let ci = match key {
                Key::Col(i) => *i,
                Key::New(k) => match self.column_index.get(k) {
                    Some(&i) => i,
                    None => {
                        let mut codes = Paged::default();
                        codes.grow(self.ts.len());
                        let col = EventColumn { key: k.clone(), codes, tail: vec![0; self.tail.len()], dict: Dict::default() };
                        self.columns.push(col);
                        self.column_index.insert(k.clone(), self.columns.len() - 1);
                        self.columns.len() - 1
                    }
                },
            };
            let col = &mut self.columns[ci];
            let code = match val {
                Val::Code(c) => *c,
                Val::New(v) => col.dict.code(v.clone()),
            };
            if let Some(last) = col.tail.last_mut() {
                *last = code;
            }
        }
    }

    fn heap_bytes(&self) -> usize {
        self.ts.heap_bytes()
            + self.slot.heap_bytes()
            + self.tail.capacity() * 16
            + self.has.heap_bytes()
            + self.by_contact.get().map_or(0, |v| v.capacity() * 4)
            + self.columns.iter().map(|c| c.codes.heap_bytes() + c.tail.capacity() * 4 + c.dict.heap_bytes()).sum::<usize>()
    }

    fn validate(&self, what: &str, slots: usize) -> Result<usize, String> {
        self.ts.validate(what)?;
        self.slot.validate(what)?;
        let n = self.ts.len();
        if self.slot.len() != n {
            return Err(format!("{what}: {n} times but {} contacts", self.slot.len()));
        }
        if (1..n).any(|i| self.ts.get(i - 1) > self.ts.get(i)) {
            return Err(format!("{what}: times are not in order"));
        }
        let bad_slot = (0..n).any(|i| self.slot.get(i) as usize >= slots) || self.tail.iter().any(|&(_, s)| s as usize >= slots);
        if bad_slot {
            return Err(format!("{what}: an event of a contact that does not exist"));
        }
        for c in &self.columns {
            c.codes.validate(what)?;
            c.dict.validate(what)?;
            let values = c.dict.values().len() as u32;
            let codes_ok = c.codes.len() == n && (0..n).all(|i| c.codes.get(i) <= values);
            if !codes_ok || c.tail.len() != self.tail.len() || c.tail.iter().any(|&x| x > values) {
                return Err(format!("{what}: property '{}' does not line up with its events", crate::text::clip(&c.key)));
            }
        }
        Ok(n + self.tail.len())
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

    /// The index of a name, if any event has it.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.name_index.get(name).copied()
    }

    /// The events of a name, if any (merged: call `prepare` first).
    pub fn list(&self, name: &str) -> Option<&NameIndex> {
        self.find(name).map(|i| &self.lists[i])
    }

    pub fn names(&self) -> &[Box<str>] {
        &self.names
    }

    /// The events of each name, in the order of `names` (merged or not).
    pub fn lists(&self) -> &[NameIndex] {
        &self.lists
    }

    /// Plans an event property key against the columns of the name with
    /// index `name` (`None`: a name new to the store).
    pub fn plan_key(&self, name: Option<usize>, key: &str) -> Key {
        match name.and_then(|n| self.lists[n].column_index.get(key)) {
            Some(&i) => Key::Col(i),
            None => Key::New(key.into()),
        }
    }

    /// Plans a value for a planned key: its code if the column has it.
    pub fn plan_value(&self, name: Option<usize>, key: &Key, v: PRef<'_>) -> Val {
        match (name, key) {
            (Some(n), Key::Col(i)) => match self.lists[n].columns[*i].dict.lookup(v) {
                Some(c) => Val::Code(c),
                None => Val::New(v.to_owned()),
            },
            _ => Val::New(v.to_owned()),
        }
    }

    pub fn push_id(&mut self, name_id: usize, slot: u32, ts: i64, props: &[EventProp]) {
        self.lists[name_id].push(slot, ts, props);
        self.total += 1;
    }

    #[cfg(test)]
    pub fn push(&mut self, name: &str, slot: u32, ts: i64) {
        let i = self.name_id(name);
        self.push_id(i, slot, ts, &[]);
    }

    /// Merges tails that have grown past a sixteenth of their index, so a
    /// long import never holds many events twice (tail and index).
    /// A name read contact by contact (live segments) keeps a short tail,
    /// since each read scans it.
    pub fn settle(&mut self) {
        for l in &mut self.lists {
            let most = if l.read_by_contact() { SHORT_TAIL } else { (1 << 16).max(l.ts.len() / 16) };
            if l.tail.len() > most {
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
        match self.list(name) {
            None => Bitset::new(slots),
            Some(l) => {
                debug_assert!(l.tail.is_empty(), "prepare() before occurred()");
                l.occurred(slots, lo, hi)
            }
        }
    }

    /// Checks the decoded index before `reindex`: times, slots and property
    /// codes aligned and in time order, every slot one of the `slots`
    /// contacts, the total right.
    pub fn validate(&self, slots: usize) -> Result<(), String> {
        if self.names.len() != self.lists.len() {
            return Err(format!("events: {} names for {} lists", self.names.len(), self.lists.len()));
        }
        let mut total = 0u64;
        for (name, l) in self.names.iter().zip(&self.lists) {
            total += l.validate(&format!("events '{}'", crate::text::clip(name)), slots)? as u64;
        }
        if total != self.total {
            return Err(format!("events: {total} stored but the total says {}", self.total));
        }
        Ok(())
    }

    /// After `reindex`: names, and each name's property keys and values,
    /// are unique.
    pub fn validate_index(&self) -> Result<(), String> {
        if self.name_index.len() != self.names.len() {
            return Err("events: an event name is stored twice".into());
        }
        for l in &self.lists {
            if l.column_index.len() != l.columns.len() {
                return Err("events: an event property is stored twice".into());
            }
            for c in &l.columns {
                c.dict.validate_index("an event property dictionary")?;
            }
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
        self.lists.iter().map(NameIndex::heap_bytes).sum()
    }

    /// The index as release 0.1.0 stored it (no property columns).
    pub fn from_v3(v: v3::Events) -> Events {
        let lists = v
            .lists
            .into_iter()
            .map(|l| NameIndex { ts: l.ts, slot: l.slot, tail: l.tail, ..NameIndex::default() })
            .collect();
        Events { names: v.names, lists, total: v.total, name_index: HashMap::default() }
    }
}

/// The layout of the event index in `KSG3` snapshots (release 0.1.0).
pub mod v3 {
    use super::Paged;
    use serde::Deserialize;

    #[derive(Deserialize)]
    pub struct NameIndex {
        pub ts: Paged<i64>,
        pub slot: Paged<u32>,
        pub tail: Vec<(i64, u32)>,
    }

    #[derive(Deserialize)]
    pub struct Events {
        pub names: Vec<Box<str>>,
        pub lists: Vec<NameIndex>,
        pub total: u64,
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
