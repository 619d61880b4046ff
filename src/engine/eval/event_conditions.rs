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
/// avg, min and max (the test is then false).
pub fn empty_value(agg: Agg) -> Option<f64> {
    match agg {
        Agg::Count | Agg::Sum | Agg::Distinct => Some(0.0),
        Agg::Avg | Agg::Min | Agg::Max => None,
    }
}

/// Per code of a column: the number it holds, or NaN (absent, null, not a
/// number: skipped by sum, avg, min and max).
fn numbers<'a>(l: &'a NameIndex, property: &str) -> Option<(Vec<f64>, &'a super::super::paged::Paged<u32>)> {
    let col = l.column(property)?;
    let mut t = Vec::with_capacity(col.dict.values().len() + 1);
    t.push(f64::NAN);
    t.extend(col.dict.values().iter().map(|v| if let PValue::Num(n) = v { *n } else { f64::NAN }));
    Some((t, &col.codes))
}

/// One pass over the matching events into per-contact accumulators, then
/// the `having` test per contact (contacts without matching events get
/// the empty aggregate).
fn aggregate(h: &Having, l: &NameIndex, a: usize, b: usize, pass: Option<&Bitset>, slots: usize) -> Bitset {
    let passes = |i: usize| pass.is_none_or(|p| p.get(i - a));
    match h.agg {
        Agg::Count => {
            let mut n = vec![0u32; slots];
            for i in (a..b).filter(|&i| passes(i)) {
                n[l.slot.get(i) as usize] += 1;
            }
            Bitset::from_fn(slots, |s| h.test(Some(f64::from(n[s]))))
        }
        Agg::Distinct => {
            let col = h.property.as_deref().and_then(|p| l.column(p));
            let mut n = vec![0u32; slots];
            if let Some(col) = col {
                let scalar: Vec<bool> = std::iter::once(false)
                    .chain(col.dict.values().iter().map(|v| matches!(v, PValue::Str(_) | PValue::Num(_) | PValue::Bool(_))))
                    .collect();
                let mut pairs: Vec<(u32, u32)> = (a..b)
                    .filter(|&i| passes(i))
                    .map(|i| (l.slot.get(i), col.codes.get(i)))
                    .filter(|&(_, c)| scalar[c as usize])
                    .collect();
                pairs.sort_unstable();
                pairs.dedup();
                for (s, _) in pairs {
                    n[s as usize] += 1;
                }
            }
            Bitset::from_fn(slots, |s| h.test(Some(f64::from(n[s]))))
        }
        Agg::Sum | Agg::Avg | Agg::Min | Agg::Max => {
            let mut sum = vec![0f64; slots];
            let mut n = vec![0u32; slots];
            let mut lo = vec![f64::INFINITY; slots];
            let mut hi = vec![f64::NEG_INFINITY; slots];
            if let Some((nums, codes)) = h.property.as_deref().and_then(|p| numbers(l, p)) {
                for i in (a..b).filter(|&i| passes(i)) {
                    let v = nums[codes.get(i) as usize];
                    if v.is_nan() {
                        continue;
                    }
                    let s = l.slot.get(i) as usize;
                    sum[s] += v;
                    n[s] += 1;
                    lo[s] = lo[s].min(v);
                    hi[s] = hi[s].max(v);
                }
            }
            Bitset::from_fn(slots, |s| {
                let v = match h.agg {
                    Agg::Sum => Some(sum[s]),
                    _ if n[s] == 0 => None,
                    Agg::Avg => Some(sum[s] / f64::from(n[s])),
                    Agg::Min => Some(lo[s]),
                    _ => Some(hi[s]),
                };
                h.test(v)
            })
        }
    }
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
