//! Event conditions over the event index: the window picks a range of
//! positions in a name's time-sorted events; `where` turns that range into
//! one bit per event, by verdicts per distinct property value; `having`
//! folds the passing events into per-contact accumulators in one pass. No
//! event's properties are read as JSON here, only as dictionary codes.

use super::super::bitset::Bitset;
use super::super::events::{Events, NameIndex};
use super::super::matcher::{Prepared, View};
use super::super::value::PValue;
use super::verdicts;
use crate::rules::{Agg, Condition, Field, Having, Node, Op};

/// The contacts for which `c` (on events `name`) holds at `now`.
pub fn condition(c: &Condition, name: &str, events: &Events, slots: usize, now: i64) -> Bitset {
    let matched = matching(c, events.list(name), slots, now);
    if c.op == Op::NotOccurred {
        let mut all = Bitset::full(slots);
        all.and_not_with(&matched);
        all
    } else {
        matched
    }
}

/// The positions `a..b` of a name's events inside the window at `now`.
pub fn window_range(c: &Condition, l: &NameIndex, now: i64) -> (usize, usize) {
    match c.window.resolve(now, c.zone.as_ref()) {
        None => (0, l.len()),
        Some((lo, hi)) if lo > hi => (0, 0),
        Some((lo, hi)) => l.range(lo, hi),
    }
}

/// The `where` verdict of each event in `a..b` (bit `i - a`), or `None`
/// when the condition has no `where`.
pub fn filter(c: &Condition, l: &NameIndex, a: usize, b: usize, now: i64) -> Option<Bitset> {
    c.filter.as_deref().map(|f| where_bits(f, l, a, b, now))
}

/// The `occurred` form of `c`: contacts with a matching event, or whose
/// aggregate passes the `having` test.
fn matching(c: &Condition, l: Option<&NameIndex>, slots: usize, now: i64) -> Bitset {
    let Some(l) = l else {
        // No event of this name: every aggregate is over nothing.
        return match &c.having {
            Some(h) if h.test(empty_value(h.agg)) => Bitset::full(slots),
            _ => Bitset::new(slots),
        };
    };
    if c.having.is_none() && c.filter.is_none() && c.window.resolve(now, c.zone.as_ref()).is_none() {
        return l.any(slots);
    }
    let (a, b) = window_range(c, l, now);
    let pass = filter(c, l, a, b, now);
    match &c.having {
        None => {
            let mut out = Bitset::new(slots);
            for i in a..b {
                if pass.as_ref().is_none_or(|p| p.get(i - a)) {
                    out.set(l.slot.get(i) as usize, true);
                }
            }
            out
        }
        Some(h) => aggregate(h, l, a, b, pass.as_ref(), slots),
    }
}

/// An aggregate over no events: 0 for count, sum and distinct; none for
/// avg, min and max (the test is then false). Read off an accumulator that
/// saw nothing, so the rule lives in one place (`Accumulators::value`).
pub fn empty_value(agg: Agg) -> Option<f64> {
    Accumulators::new(agg, 1).value(0)
}

/// Per code of a column: the number it holds, or NaN (absent, null, not a
/// number: skipped by sum, avg, min and max); cached in the dictionary.
fn numbers<'a>(l: &'a NameIndex, property: &str) -> Option<(std::cell::Ref<'a, Vec<f64>>, &'a super::super::paged::Paged<u32>)> {
    let col = l.column(property)?;
    Some((col.dict.numbers()?, &col.codes))
}

/// The number a value holds for `sum avg min max`, or NaN (skipped).
pub fn number_of(v: &PValue) -> f64 {
    if let PValue::Num(n) = v {
        *n
    } else {
        f64::NAN
    }
}

/// Whether `distinct` counts a value: scalars only (type-strict, as `eq`).
pub fn is_distinct_scalar(v: &PValue) -> bool {
    matches!(v, PValue::Str(_) | PValue::Num(_) | PValue::Bool(_))
}

/// A window holding fewer than 1 / `SPARSE_WINDOW` events per contact is
/// tested contact by contact (measured: at 0.5 per contact, at 1M contacts,
/// the random accesses made `sum` twice as slow as a pass over all).
const SPARSE_WINDOW: usize = 8;

/// The `having` test per contact, from one pass into per-contact
/// accumulators (contacts without matching events get the empty aggregate).
fn aggregate(h: &Having, l: &NameIndex, a: usize, b: usize, pass: Option<&Bitset>, slots: usize) -> Bitset {
    let acc = accumulate(h, l, a, b, pass, slots, Some);
    if (b - a) * SPARSE_WINDOW >= slots {
        return Bitset::from_fn(slots, |s| h.test(acc.value(s)));
    }
    // Far fewer events than contacts: only a contact with an event in the
    // window can differ from the aggregate over nothing, and testing those
    // (a random access each) beats a pass over every contact.
    let mut out = if h.test(empty_value(h.agg)) { Bitset::full(slots) } else { Bitset::new(slots) };
    for i in a..b {
        let s = l.slot.get(i) as usize;
        out.set(s, h.test(acc.value(s)));
    }
    out
}

/// One `having` aggregate per accumulator, after [`accumulate`]. Each fn
/// keeps only what it reads, so a pass over the window's events touches
/// one accumulator array per event (two for avg): at 1M contacts these
/// arrays are far bigger than the caches, and each touch is a miss.
pub struct Accumulators {
    agg: Agg,
    /// Events counted (count), distinct values (distinct), numbers seen (avg).
    n: Vec<u32>,
    /// The sum (sum, avg), the least (min) or the greatest (max) number;
    /// ±infinity for min/max over no numbers (numbers are finite).
    x: Vec<f64>,
}

impl Accumulators {
    /// `accs` accumulators that have seen no event.
    pub fn new(agg: Agg, accs: usize) -> Self {
        let counted = matches!(agg, Agg::Count | Agg::Distinct | Agg::Avg);
        let start = match agg {
            Agg::Min => Some(f64::INFINITY),
            Agg::Max => Some(f64::NEG_INFINITY),
            Agg::Sum | Agg::Avg => Some(0.0),
            Agg::Count | Agg::Distinct => None,
        };
        Accumulators { agg, n: if counted { vec![0; accs] } else { Vec::new() }, x: start.map_or_else(Vec::new, |v| vec![v; accs]) }
    }

    /// One more matching event for accumulator `k` (count).
    #[inline]
    pub fn count(&mut self, k: usize) {
        self.n[k] += 1;
    }

    /// One more distinct value for accumulator `k` (distinct).
    #[inline]
    pub fn distinct(&mut self, k: usize) {
        self.n[k] += 1;
    }

    /// One more number for accumulator `k` (sum, avg, min, max).
    #[inline]
    pub fn number(&mut self, k: usize, v: f64) {
        match self.agg {
            Agg::Min => self.x[k] = self.x[k].min(v),
            Agg::Max => self.x[k] = self.x[k].max(v),
            _ => self.x[k] += v,
        }
        if !self.n.is_empty() {
            self.n[k] += 1;
        }
    }

    /// Accumulator `k`'s aggregate: 0 for count, sum and distinct over no
    /// events, none for avg, min and max over no numbers.
    pub fn value(&self, k: usize) -> Option<f64> {
        match self.agg {
            Agg::Count | Agg::Distinct => Some(f64::from(self.n[k])),
            Agg::Sum => Some(self.x[k]),
            Agg::Avg => (self.n[k] > 0).then(|| self.x[k] / f64::from(self.n[k])),
            Agg::Min | Agg::Max => Some(self.x[k]).filter(|x| x.is_finite()),
        }
    }
}

/// One pass over the events `a..b` that pass the `where` bits: each goes
/// to accumulator `to(contact slot)` (skipped when `None`). Compute passes
/// `Some` (one accumulator per contact); explain one accumulator for its
/// contact, so both read the same aggregate.
pub fn accumulate(h: &Having, l: &NameIndex, a: usize, b: usize, pass: Option<&Bitset>, accs: usize, to: impl Fn(usize) -> Option<usize>) -> Accumulators {
    let passes = |i: usize| pass.is_none_or(|p| p.get(i - a));
    let agg = h.agg;
    let mut out = Accumulators::new(agg, accs);
    match agg {
        Agg::Count => {
            for i in (a..b).filter(|&i| passes(i)) {
                if let Some(k) = to(l.slot.get(i) as usize) {
                    out.count(k);
                }
            }
        }
        Agg::Distinct => {
            if let Some(col) = h.property.as_deref().and_then(|p| l.column(p)) {
                let scalar: Vec<bool> = std::iter::once(false).chain(col.dict.values().iter().map(is_distinct_scalar)).collect();
                // Codes are type-strict and one per value (±0 share one), so
                // distinct (accumulator, code) pairs are distinct values.
                let codes = (a..b).filter(|&i| passes(i)).filter_map(|i| Some((to(l.slot.get(i) as usize)?, col.codes.get(i))));
                if scalar.len() <= 64 {
                    // Up to 63 values: a bit per value and accumulator.
                    let mut seen = vec![0u64; accs];
                    for (k, c) in codes.filter(|&(_, c)| scalar[c as usize]) {
                        seen[k] |= 1 << c;
                    }
                    for (n, m) in out.n.iter_mut().zip(&seen) {
                        *n = m.count_ones();
                    }
                } else {
                    let mut pairs: Vec<(usize, u32)> = codes.filter(|&(_, c)| scalar[c as usize]).collect();
                    pairs.sort_unstable();
                    pairs.dedup();
                    for (k, _) in pairs {
                        out.distinct(k);
                    }
                }
            }
        }
        Agg::Sum | Agg::Avg | Agg::Min | Agg::Max => {
            let Some((nums, codes)) = h.property.as_deref().and_then(|p| numbers(l, p)) else { return out };
            for i in (a..b).filter(|&i| passes(i)) {
                let v = nums[codes.get(i) as usize];
                if v.is_nan() {
                    continue;
                }
                let Some(k) = to(l.slot.get(i) as usize) else { continue };
                out.number(k, v);
            }
        }
    }
    out
}

/// A `where` tree over the events `a..b` of one name: bit `i - a` is the
/// verdict on event `i`.
fn where_bits(n: &Node, l: &NameIndex, a: usize, b: usize, now: i64) -> Bitset {
    let len = b - a;
    match n {
        Node::Group { any, children } => {
            let mut acc = if *any { Bitset::new(len) } else { Bitset::full(len) };
            for child in children {
                let bits = where_bits(child, l, a, b, now);
                if *any {
                    acc.or_with(&bits);
                } else {
                    acc.and_with(&bits);
                }
            }
            acc
        }
        Node::Not(inner) => {
            let mut all = Bitset::full(len);
            all.and_not_with(&where_bits(inner, l, a, b, now));
            all
        }
        Node::Cond(c) => {
            let Field::Property(key) = &c.field else { return Bitset::new(len) };
            let operand = c.operand.at(now);
            let p = Prepared::new(c.op, &operand);
            match l.column(key) {
                None => {
                    if p.matches(View::Absent) {
                        Bitset::full(len)
                    } else {
                        Bitset::new(len)
                    }
                }
                Some(col) => {
                    let verdict = verdicts(&p, &col.dict);
                    Bitset::from_fn(len, |i| verdict.get(col.codes.get(a + i) as usize).copied().unwrap_or(false))
                }
            }
        }
        // Parsing allows no segment references inside a `where`.
        Node::Segments { .. } => Bitset::new(len),
    }
}
