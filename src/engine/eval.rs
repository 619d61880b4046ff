//! Evaluates a rule tree over every contact at once: each condition becomes
//! a bitset over contact slots (property conditions by one verdict per
//! distinct column value, event conditions through the event index), and
//! groups combine bitsets word by word. The result only has live contacts.

use super::bitset::Bitset;
use super::contacts::Contacts;
use super::events::Events;
use super::matcher::{Needs, Prepared, View};
use super::value::{Dict, PValue};
use crate::rules::{Condition, Field, Node, Op};

/// The members of `root` at instant `now`. `events` must be prepared.
pub fn evaluate(root: &Node, contacts: &Contacts, events: &Events, now: i64) -> Bitset {
    let mut b = node(root, contacts, events, now);
    b.and_with(contacts.alive());
    b
}

fn node(n: &Node, contacts: &Contacts, events: &Events, now: i64) -> Bitset {
    match n {
        Node::Cond(c) => condition(c, contacts, events, now),
        Node::Group { any: true, children } => {
            let mut acc = Bitset::new(contacts.slots());
            for child in children {
                acc.or_with(&node(child, contacts, events, now));
                if acc.is_full() {
                    break; // nothing the remaining children say can change it
                }
            }
            acc
        }
        Node::Group { any: false, children } => {
            // Columns and events first; then the per-contact tests (emails,
            // timestamps) only on the contacts still in the running.
            let mut acc = Bitset::full(contacts.slots());
            for child in children.iter().filter(|c| !is_per_contact(c)) {
                acc.and_with(&node(child, contacts, events, now));
                if acc.none() {
                    return acc;
                }
            }
            for child in children {
                if let Node::Cond(c) = child {
                    if is_per_contact(child) {
                        acc = per_contact(c, contacts, Some(&acc));
                    }
                }
            }
            acc
        }
    }
}

/// Conditions on fields with no dictionary, tested contact by contact.
fn is_per_contact(n: &Node) -> bool {
    matches!(n, Node::Cond(Condition { field: Field::Email | Field::CreatedAt | Field::UpdatedAt, .. }))
}

/// Tests a per-contact condition on every slot, or only on those of `among`.
fn per_contact(c: &Condition, contacts: &Contacts, among: Option<&Bitset>) -> Bitset {
    let slots = contacts.slots();
    let p = Prepared::new(c.op, &c.operand);
    let lower = (c.field == Field::Email && p.needs() == Needs::Lower).then(|| contacts.lowered_emails()).flatten();
    let test = |s: usize| match &c.field {
        Field::Email => match &lower {
            Some(l) => p.test_lowered(l.get(s).and_then(|x| x.as_deref()).unwrap_or_else(|| contacts.email(s))),
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

fn condition(c: &Condition, contacts: &Contacts, events: &Events, now: i64) -> Bitset {
    let slots = contacts.slots();
    if let Field::Event(name) = &c.field {
        let lo = c.within_ms.map_or(i64::MIN, |w| now.saturating_sub(w));
        let hi = if c.within_ms.is_some() { now } else { i64::MAX };
        let mut b = events.occurred(name, slots, lo, hi);
        if c.op == Op::NotOccurred {
            let mut all = Bitset::full(slots);
            all.and_not_with(&b);
            b = all;
        }
        return b;
    }
    let p = Prepared::new(c.op, &c.operand);
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
        Field::Email | Field::CreatedAt | Field::UpdatedAt => per_contact(c, contacts, None),
        Field::Suppressed => {
            let (yes, no) = (p.matches(View::Bool(true)), p.matches(View::Bool(false)));
            Bitset::from_fn(slots, |s| if contacts.is_suppressed(s) { yes } else { no })
        }
        Field::Event(_) => Bitset::new(slots),
    }
}

/// One verdict per code of a column: index 0 is "absent", index i + 1 is
/// the column's value i. String conditions read the column's cached
/// lower-cased texts or parsed dates.
fn verdicts(p: &Prepared, dict: &Dict) -> Vec<bool> {
    let values = dict.values();
    let mut out = Vec::with_capacity(values.len() + 1);
    out.push(p.matches(View::Absent));
    let lower = if p.needs() == Needs::Lower { dict.lowered() } else { None };
    let dates = if p.needs() == Needs::Date { dict.dates() } else { None };
    if let Some(d) = &dates {
        // Date ops: strings by their cached instant, other values as usual.
        out.extend(values.iter().zip(d.iter()).map(|(v, &t)| match v {
            PValue::Str(_) => p.test_date(t),
            _ => p.matches(view(v)),
        }));
        return out;
    }
    for (i, v) in values.iter().enumerate() {
        let view = match (v, &lower, &dates) {
            (PValue::Str(raw), Some(l), _) => {
                View::Text { raw, lower: l.get(i).and_then(|x| x.as_deref()).unwrap_or(raw), date: None }
            }
            (PValue::Str(raw), _, Some(d)) => View::Text { raw, lower: raw, date: d.get(i).copied().flatten() },
            _ => view(v),
        };
        out.push(p.matches(view));
    }
    out
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
