//! Evaluates a rule tree for one contact at one instant, for live segments:
//! after a mutation only the contacts it touched are re-evaluated, and the
//! time scan (`live/clock.rs`) asks "is this contact a member at τ?" many
//! times. Property codes go through the same [`Verdicts::of`] as the bitset
//! evaluator, and `having` through the same [`Accumulators`], so the two
//! evaluators cannot disagree on a value; a contact's events come from the
//! event index's per-contact order (`NameIndex::each_of_contact`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use rustc_hash::FxHashMap as HashMap;

use super::event_conditions::{empty_value, is_distinct_scalar, number_of, Accumulators};
use super::{Data, Verdicts, MAX_REF_DEPTH};
use crate::engine::events::{Ev, NameIndex};
use crate::engine::matcher::{Prepared, View};
use crate::rules::{Agg, Condition, Field, Node, Op, Operand};

/// Evaluates rules contact by contact against one state, keeping each
/// condition's prepared operand (an `in` list's hash set, a lower-cased
/// text) across calls: a time scan asks about thousands of contacts.
pub struct Evaluator<'a> {
    data: Data<'a>,
    prepared: RefCell<HashMap<*const Condition, Rc<Prepared<'a>>>>,
}

impl<'a> Evaluator<'a> {
    pub fn new(data: Data<'a>) -> Self {
        Evaluator { data, prepared: RefCell::default() }
    }

    /// Is contact `slot` a member of `root` at `now`? (Never, if it is deleted.)
    pub fn holds(&self, root: &'a Node, slot: usize, now: i64) -> bool {
        if !self.data.contacts.is_alive(slot) {
            return false;
        }
        let cx = One { ev: self, slot, now, memo: RefCell::default(), depth: Cell::new(0) };
        node(root, &cx)
    }

    /// `f` of the condition's prepared operand at `now` (relative dates
    /// are prepared afresh: they move with `now`).
    fn with<R>(&self, c: &'a Condition, now: i64, f: impl FnOnce(&Prepared) -> R) -> R {
        if matches!(c.operand, Operand::RelDate(_)) {
            let operand = c.operand.at(now);
            return f(&Prepared::new(c.op, &operand));
        }
        let key: *const Condition = c;
        let cached = self.prepared.borrow().get(&key).cloned();
        let p = cached.unwrap_or_else(|| {
            let p = Rc::new(Prepared::new(c.op, &c.operand));
            self.prepared.borrow_mut().insert(key, p.clone());
            p
        });
        f(&p)
    }
}

struct One<'e, 'a> {
    ev: &'e Evaluator<'a>,
    slot: usize,
    now: i64,
    /// Referenced segments' verdicts on this contact, by id.
    memo: RefCell<HashMap<u128, bool>>,
    depth: Cell<usize>,
}

/// Is contact `slot` a member of `root` at `now`? (Never, if it is deleted.)
pub fn holds(root: &Node, data: Data<'_>, slot: usize, now: i64) -> bool {
    Evaluator::new(data).holds(root, slot, now)
}

fn node<'a>(n: &'a Node, cx: &One<'_, 'a>) -> bool {
    match n {
        Node::Cond(c) => condition(c, cx),
        Node::Not(inner) => !node(inner, cx),
        Node::Segments { ids, none } => ids.iter().any(|&id| referenced(id, cx)) != *none,
        Node::Group { any: true, children } => children.iter().any(|c| node(c, cx)),
        Node::Group { any: false, children } => children.iter().all(|c| node(c, cx)),
    }
}

fn referenced(id: u128, cx: &One) -> bool {
    if let Some(&b) = cx.memo.borrow().get(&id) {
        return b;
    }
    let rules = cx.ev.data.segments.rules_of(id);
    let b = match rules {
        Some(r) if cx.depth.get() < MAX_REF_DEPTH => {
            cx.depth.set(cx.depth.get() + 1);
            let b = node(&r.root, cx);
            cx.depth.set(cx.depth.get() - 1);
            b
        }
        _ => false,
    };
    cx.memo.borrow_mut().insert(id, b);
    b
}

fn condition<'a>(c: &'a Condition, cx: &One<'_, 'a>) -> bool {
    let contacts = cx.ev.data.contacts;
    let s = cx.slot;
    if let Field::Event(name) = &c.field {
        let found = occurred(c, cx.ev.data.events.list(name), s as u32, cx.now, cx.ev);
        return found != (c.op == Op::NotOccurred);
    }
    cx.ev.with(c, cx.now, |p| match &c.field {
        Field::Property(key) => match contacts.column(key) {
            None => p.matches(View::Absent),
            Some(col) => Verdicts::new(p, &col.dict).of(col.codes.get(s).copied().unwrap_or(0)),
        },
        Field::Email => p.matches(View::Str(contacts.email(s))),
        Field::CreatedAt => p.matches(View::Date(contacts.created_at(s))),
        Field::UpdatedAt => p.matches(View::Date(contacts.updated_at(s))),
        Field::Suppressed => p.matches(View::Bool(contacts.is_suppressed(s))),
        Field::Event(_) => false,
    })
}

/// The `occurred` form of an event condition for one contact.
fn occurred<'a>(c: &'a Condition, l: Option<&NameIndex>, slot: u32, now: i64, ev: &Evaluator<'a>) -> bool {
    let Some(l) = l else {
        return c.having.as_ref().is_some_and(|h| h.test(empty_value(h.agg)));
    };
    let window = c.window.resolve(now, c.zone.as_ref());
    let inside = |t: i64| window.is_none_or(|(lo, hi)| lo <= t && t <= hi);
    let mut matching: Vec<Ev> = Vec::new();
    l.each_of_contact(slot, |e| {
        if inside(l.time(e)) && c.filter.as_deref().is_none_or(|f| passes(f, l, e, now, ev)) {
            matching.push(e);
        }
    });
    let Some(h) = &c.having else { return !matching.is_empty() };
    let mut acc = Accumulators::new(h.agg, 1);
    let col = h.property.as_deref().and_then(|p| l.column(p));
    match (h.agg, col) {
        (Agg::Count, _) => matching.iter().for_each(|_| acc.count(0)),
        (_, None) => {}
        (Agg::Distinct, Some(col)) => {
            let mut codes: Vec<u32> =
                matching.iter().map(|&e| col.code(e)).filter(|&k| col.dict.get(k).is_some_and(is_distinct_scalar)).collect();
            crate::engine::live::clock::sort_dedup(&mut codes);
            codes.iter().for_each(|_| acc.distinct(0));
        }
        (_, Some(col)) => {
            for &e in &matching {
                let v = col.dict.get(col.code(e)).map_or(f64::NAN, number_of);
                if !v.is_nan() {
                    acc.number(0, v);
                }
            }
        }
    }
    h.test(acc.value(0))
}

/// A `where` tree on one event's own properties.
fn passes<'a>(n: &'a Node, l: &NameIndex, e: Ev, now: i64, ev: &Evaluator<'a>) -> bool {
    match n {
        Node::Group { any: true, children } => children.iter().any(|c| passes(c, l, e, now, ev)),
        Node::Group { any: false, children } => children.iter().all(|c| passes(c, l, e, now, ev)),
        Node::Not(inner) => !passes(inner, l, e, now, ev),
        Node::Cond(c) => {
            let Field::Property(key) = &c.field else { return false };
            ev.with(c, now, |p| match l.column(key) {
                None => p.matches(View::Absent),
                Some(col) => Verdicts::new(p, &col.dict).of(col.code(e)),
            })
        }
        // Parsing allows no segment references inside a `where`.
        Node::Segments { .. } => false,
    }
}
