//! Evaluates a rule tree over every contact at once: each condition becomes
//! a bitset over contact slots (property conditions by one verdict per
//! distinct column value, event conditions through the event index), and
//! groups combine bitsets word by word. The result only has live contacts.
//!
//! Segment references evaluate the referenced segment's current rules
//! against the same data and `now`, once per evaluation however often they
//! are referenced (`Ctx::memo`). Event conditions live in `eval/event_conditions.rs`.

mod event_conditions;
mod explain;
pub mod one;

pub use explain::explain;

use std::cell::RefCell;

use rustc_hash::FxHashMap as HashMap;

use super::bitset::Bitset;
use super::contacts::Contacts;
use super::events::Events;
use super::matcher::{Needs, Prepared, View};
use super::segments::Segments;
use super::value::{Dict, PValue};
use crate::rules::{Condition, Field, Node};

/// What a rule is evaluated against.
#[derive(Clone, Copy)]
pub struct Data<'a> {
    pub contacts: &'a Contacts,
    /// Must be prepared (no pending tail).
    pub events: &'a Events,
    pub segments: &'a Segments,
}

/// Longest chain of segment references followed (validation keeps chains
/// at 8; this only guards against stored data that breaks that).
pub const MAX_REF_DEPTH: usize = 16;

struct Ctx<'a> {
    data: Data<'a>,
    now: i64,
    /// Referenced segments' members at `now`, by id.
    memo: RefCell<HashMap<u128, Bitset>>,
    depth: std::cell::Cell<usize>,
}

impl<'a> Ctx<'a> {
    fn new(data: Data<'a>, now: i64) -> Self {
        Ctx { data, now, memo: RefCell::default(), depth: std::cell::Cell::new(0) }
    }
}

/// The members of `root` at instant `now`.
pub fn evaluate(root: &Node, data: Data<'_>, now: i64) -> Bitset {
    let cx = Ctx::new(data, now);
    let mut b = node(root, &cx);
    b.and_with(data.contacts.alive());
    b
}

fn node(n: &Node, cx: &Ctx) -> Bitset {
    let contacts = cx.data.contacts;
    match n {
        Node::Cond(c) => condition(c, cx),
        Node::Not(inner) => {
            let mut all = Bitset::full(contacts.slots());
            all.and_not_with(&node(inner, cx));
            all
        }
        Node::Segments { ids, none } => {
            let mut any = Bitset::new(contacts.slots());
            for id in ids {
                any.or_with(&referenced(*id, cx));
            }
            if *none {
                let mut all = Bitset::full(contacts.slots());
                all.and_not_with(&any);
                all
            } else {
                any
            }
        }
        Node::Group { any: true, children } => {
            let mut acc = Bitset::new(contacts.slots());
            for child in children {
                acc.or_with(&node(child, cx));
                if acc.is_full() {
                    break; // nothing the remaining children say can change it
                }
            }
            acc
        }
        Node::Group { any: false, children } => {
            // Columns and events first; then the per-contact tests (emails,
            // timestamps) only on the contacts still in the running. Once
            // few contacts remain, a property condition tests just those
            // (`narrow`) instead of a verdict per distinct value and a pass
            // over the whole column.
            let slots = contacts.slots();
            let mut acc = Bitset::full(slots);
            let mut few = false;
            for child in children.iter().filter(|c| !is_per_contact(c)) {
                match child {
                    Node::Cond(c @ Condition { field: Field::Property(key), .. }) if few => narrow(c, key, cx, &mut acc),
                    _ => acc.and_with(&node(child, cx)),
                }
                if acc.none() {
                    return acc;
                }
                few = few || acc.count() <= slots / NARROW_BELOW;
            }
            for child in children {
                if let Node::Cond(c) = child {
                    if is_per_contact(child) {
                        acc = per_contact(c, contacts, cx.now, Some(&acc));
                    }
                }
            }
            acc
        }
    }
}

/// The members of segment `id` by its current rules (none if it is gone).
fn referenced(id: u128, cx: &Ctx) -> Bitset {
    if let Some(b) = cx.memo.borrow().get(&id) {
        return b.clone();
    }
    let slots = cx.data.contacts.slots();
    let rules = cx.data.segments.rules_of(id);
    let b = match rules {
        Some(r) if cx.depth.get() < MAX_REF_DEPTH => {
            cx.depth.set(cx.depth.get() + 1);
            let mut b = node(&r.root, cx);
            cx.depth.set(cx.depth.get() - 1);
            b.and_with(cx.data.contacts.alive());
            b
        }
        _ => Bitset::new(slots),
    };
    cx.memo.borrow_mut().insert(id, b.clone());
    b
}

/// A group's remaining property conditions test contact by contact once
/// at most 1 / `NARROW_BELOW` of the contacts are still in the running.
const NARROW_BELOW: usize = 4;

/// Keeps the contacts of `acc` whose value of property `key` passes `c`:
/// a verdict per distinct value met (memoised), not per value of the column.
fn narrow(c: &Condition, key: &str, cx: &Ctx, acc: &mut Bitset) {
    let operand = c.operand.at(cx.now);
    let p = Prepared::new(c.op, &operand);
    let Some(col) = cx.data.contacts.column(key) else {
        if !p.matches(View::Absent) {
            *acc = Bitset::new(acc.len());
        }
        return;
    };
    let v = Verdicts::new(&p, &col.dict);
    // 2 = not yet known; one byte per code keeps the memo small.
    let mut memo = vec![2u8; col.dict.values().len() + 1];
    acc.retain(|s| {
        let code = col.codes.get(s).copied().unwrap_or(0);
        let Some(m) = memo.get_mut(code as usize) else { return v.of(code) };
        if *m == 2 {
            *m = u8::from(v.of(code));
        }
        *m == 1
    });
}

/// Conditions on fields with no dictionary, tested contact by contact.
fn is_per_contact(n: &Node) -> bool {
    matches!(n, Node::Cond(Condition { field: Field::Email | Field::CreatedAt | Field::UpdatedAt, .. }))
}

/// Tests a per-contact condition on every slot, or only on those of `among`.
fn per_contact(c: &Condition, contacts: &Contacts, now: i64, among: Option<&Bitset>) -> Bitset {
    let slots = contacts.slots();
    let operand = c.operand.at(now);
    let p = Prepared::new(c.op, &operand);
    let lower = (c.field == Field::Email && p.needs() == Needs::Lower).then(|| contacts.lowered_emails()).flatten();
    let test = |s: usize| match &c.field {
        Field::Email => match &lower {
            Some(l) => p.test_lowered(l.get(s).unwrap_or_else(|| contacts.email(s))),
            None => p.matches(View::Str(contacts.email(s))),
        },
        Field::CreatedAt => p.matches(View::Date(contacts.created_at(s))),
        Field::UpdatedAt => p.matches(View::Date(contacts.updated_at(s))),
        _ => false,
    };
    match among {
        None => Bitset::from_fn(slots, test),
        Some(a) => {
            let mut b = Bitset::new(slots);
            for s in a.iter().filter(|&s| test(s)) {
                b.set(s, true);
            }
            b
        }
    }
}

// Kept out of line: inlined into the recursive `node`, its column loops
// (`Bitset::from_codes`) lost their vectorised form in wasm and property
// shapes ran up to twice as slow (measured with bench/run.mjs).
#[inline(never)]
fn condition(c: &Condition, cx: &Ctx) -> Bitset {
    let contacts = cx.data.contacts;
    let slots = contacts.slots();
    if let Field::Event(name) = &c.field {
        return event_conditions::condition(c, name, cx.data.events, slots, cx.now);
    }
    let operand = c.operand.at(cx.now);
    let p = Prepared::new(c.op, &operand);
    match &c.field {
        Field::Property(key) => match contacts.column(key) {
            None => {
                if p.matches(View::Absent) {
                    Bitset::full(slots)
                } else {
                    Bitset::new(slots)
                }
            }
            Some(col) => Bitset::from_codes(slots, &col.codes, &verdicts(&p, &col.dict)),
        },
        Field::Email | Field::CreatedAt | Field::UpdatedAt => per_contact(c, contacts, cx.now, None),
        Field::Suppressed => {
            let (yes, no) = (p.matches(View::Bool(true)), p.matches(View::Bool(false)));
            Bitset::from_fn(slots, |s| if contacts.is_suppressed(s) { yes } else { no })
        }
        Field::Event(_) => Bitset::new(slots),
    }
}

/// One verdict per code of a column: index 0 is "absent", index i + 1 is
/// the column's value i. The bitset evaluator tabulates these; the
/// per-contact evaluator (`eval/one.rs`) reads single codes through
/// [`Verdicts::of`]; both go through `Verdicts::value`, so they agree by
/// construction.
pub(super) fn verdicts(p: &Prepared, dict: &Dict) -> Vec<bool> {
    let v = Verdicts::new(p, dict);
    let values = dict.values();
    let mut out = Vec::with_capacity(values.len() + 1);
    out.push(p.matches(View::Absent));
    if let Some(d) = v.dates.as_deref() {
        // Date ops over a date column: a tight pass with the cached instants.
        out.extend(values.iter().zip(d.iter()).map(|(val, &t)| date_verdict(p, val, t)));
        return out;
    }
    out.extend(values.iter().enumerate().map(|(i, val)| v.value(i, val)));
    out
}

/// A date op on one value: strings by their cached instant, other values as usual.
#[inline(always)]
fn date_verdict(p: &Prepared, v: &PValue, t: Option<i64>) -> bool {
    match v {
        PValue::Str(_) => p.test_date(t),
        _ => p.matches(view(v)),
    }
}

/// A condition against one column's dictionary. String conditions read the
/// column's cached lower-cased texts or parsed dates.
pub(super) struct Verdicts<'a> {
    p: &'a Prepared<'a>,
    dict: &'a Dict,
    lower: Option<std::cell::Ref<'a, super::lower_text::LowerText>>,
    dates: Option<std::cell::Ref<'a, Vec<Option<i64>>>>,
}

impl<'a> Verdicts<'a> {
    pub(super) fn new(p: &'a Prepared<'a>, dict: &'a Dict) -> Self {
        let lower = if p.needs() == Needs::Lower { dict.lowered() } else { None };
        let dates = if p.needs() == Needs::Date { dict.dates() } else { None };
        Verdicts { p, dict, lower, dates }
    }

    /// The verdict on code `code` (0 = absent).
    pub(super) fn of(&self, code: u32) -> bool {
        match self.dict.get(code) {
            None => self.p.matches(View::Absent),
            Some(v) => self.value(code as usize - 1, v),
        }
    }

    /// The verdict on the dictionary's value `i`, which is `v`.
    fn value(&self, i: usize, v: &PValue) -> bool {
        if let Some(d) = &self.dates {
            return date_verdict(self.p, v, d.get(i).copied().flatten());
        }
        match (v, &self.lower) {
            (PValue::Str(raw), Some(l)) => self.p.matches(View::Text { raw, lower: l.get(i).unwrap_or(raw), date: None }),
            _ => self.p.matches(view(v)),
        }
    }
}

pub fn view(v: &PValue) -> View<'_> {
    match v {
        PValue::Null => View::Null,
        PValue::Bool(b) => View::Bool(*b),
        PValue::Num(n) => View::Num(*n),
        PValue::Str(s) => View::Str(s),
        PValue::Json(s) => View::Json(s),
    }
}
