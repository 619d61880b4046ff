//! Time for live segments: at which instants can a membership change with
//! no new data, and which contacts does a move of the clock touch?
//!
//! A rule's verdict on a contact is a step function of `now` whose steps
//! can only sit at *candidate* instants, read off the data:
//! - an event enters a window when its upper bound reaches it, and leaves
//!   when its lower bound passes it (`within: D`: leaves at t + D + 1 ms;
//!   calendar days in a zone: at the local midnight D days after its day;
//!   relative `from`/`to`: at t − offset (+1));
//! - a relative date value (`before "+3d"`, in a rule or a `where`)
//!   crosses a date at `date − offset` and one millisecond later.
//!
//! Windows' bounds only move forward, so the candidates of one window are
//! ascending in event time: a scan from the right place in a name's
//! time-sorted index yields them in order without sorting. The exact next
//! change is the first candidate at which re-evaluating its contacts
//! (`eval::one::holds`) gives a verdict other than their membership.

use crate::engine::eval::one::Evaluator;
use crate::engine::eval::{Data, MAX_REF_DEPTH};
use crate::engine::events::{Ev, NameIndex};
use crate::engine::members::Members;
use crate::engine::segments::Next;
use crate::rules::{Bound, Condition, Field, Node, Operand, Window};
use crate::time::MAX_MS;
use crate::zone::Zone;

/// Candidates re-evaluated before the scan gives up and reports the next
/// one as a lower bound (the host then wakes and looks again from there).
const MAX_CHECKS: usize = 20_000;
/// Candidates of one contact tried before the same.
const MAX_CHECKS_ONE: usize = 1_000;

/// How an event time maps to the instant its inclusion changes.
#[derive(Clone, Copy)]
enum Crossing<'a> {
    /// t + k
    Plus(i64),
    /// The local midnight `days` calendar days after t's day in the zone.
    Days(&'a Zone, i64),
}

impl Crossing<'_> {
    /// The instant, if it is one an ISO timestamp can show (a change past
    /// year 9999 never happens, as far as anyone can be told).
    fn at(self, t: i64) -> Option<i64> {
        let x = match self {
            Crossing::Plus(k) => t.checked_add(k)?,
            Crossing::Days(z, d) => z.start_of_day(z.local_day(t).checked_add(d)?),
        };
        (x <= MAX_MS).then_some(x)
    }
}

/// A time-dependent part of a rule, read at `t0`.
enum Atom<'a> {
    /// Events of `name` with t ≥ `from` leave at `leave(t)`; events with
    /// t > `after` enter at `enter(t)`.
    Window { name: &'a str, leave: Option<(i64, Crossing<'a>)>, enter: Option<(i64, Crossing<'a>)> },
    /// `where` on events of `name`: property `key` against now + `off`.
    EventDate { name: &'a str, key: &'a str, off: i64 },
    /// A contact property against now + `off`.
    PropDate { key: &'a str, off: i64 },
    /// `createdAt` (true) or `updatedAt` against now + `off`.
    SysDate { created: bool, off: i64 },
}

/// Every time-dependent part of `root`, referenced segments' included.
fn atoms<'a>(root: &'a Node, data: Data<'a>, t0: i64) -> Vec<Atom<'a>> {
    let mut out = Vec::new();
    walk(root, data, t0, 0, &mut out);
    out
}

fn walk<'a>(n: &'a Node, data: Data<'a>, t0: i64, depth: usize, out: &mut Vec<Atom<'a>>) {
    match n {
        Node::Group { children, .. } => children.iter().for_each(|c| walk(c, data, t0, depth, out)),
        Node::Not(inner) => walk(inner, data, t0, depth, out),
        Node::Segments { ids, .. } => {
            if depth >= MAX_REF_DEPTH {
                return;
            }
            for &id in ids {
                if let Some(r) = data.segments.rules_of(id) {
                    walk(&r.root, data, t0, depth + 1, out);
                }
            }
        }
        Node::Cond(c) => condition(c, t0, out),
    }
}

fn condition<'a>(c: &'a Condition, t0: i64, out: &mut Vec<Atom<'a>>) {
    let off = match c.operand {
        Operand::RelDate(off) => Some(off),
        _ => None,
    };
    match &c.field {
        Field::Event(name) => {
            if let Some(a) = window(name, c, t0) {
                out.push(a);
            }
            if let Some(f) = c.filter.as_deref() {
                where_dates(name, f, out);
            }
        }
        Field::Property(key) => out.extend(off.map(|off| Atom::PropDate { key, off })),
        Field::CreatedAt => out.extend(off.map(|off| Atom::SysDate { created: true, off })),
        Field::UpdatedAt => out.extend(off.map(|off| Atom::SysDate { created: false, off })),
        Field::Email | Field::Suppressed => {}
    }
}

fn where_dates<'a>(name: &'a str, n: &'a Node, out: &mut Vec<Atom<'a>>) {
    match n {
        Node::Group { children, .. } => children.iter().for_each(|c| where_dates(name, c, out)),
        Node::Not(inner) => where_dates(name, inner, out),
        Node::Cond(Condition { field: Field::Property(key), operand: Operand::RelDate(off), .. }) => {
            out.push(Atom::EventDate { name, key, off: *off });
        }
        _ => {}
    }
}

/// The window's moving bounds at `t0` (see `Window::resolve`).
fn window<'a>(name: &'a str, c: &'a Condition, t0: i64) -> Option<Atom<'a>> {
    let (lo, hi) = c.window.resolve(t0, c.zone.as_ref())?;
    let (leave, enter) = match &c.window {
        Window::All => return None,
        Window::Within { ms, days } => {
            let leave = match (days, &c.zone) {
                (Some(d), Some(z)) => Crossing::Days(z, *d),
                _ => Crossing::Plus(ms.saturating_add(1)),
            };
            (Some((lo, leave)), Some((hi, Crossing::Plus(0))))
        }
        Window::Range { from, to } => {
            let leave = match from {
                Some(Bound::Rel(off)) => Some((lo, Crossing::Plus(1i64.saturating_sub(*off)))),
                _ => None,
            };
            let enter = match to {
                None => Some((hi, Crossing::Plus(0))),
                Some(Bound::Rel(off)) => Some((hi, Crossing::Plus(1i64.saturating_sub(*off)))),
                Some(Bound::At(_)) => None,
            };
            (leave, enter)
        }
    };
    Some(Atom::Window { name, leave, enter })
}

/// A date − offset crossing: the instant the comparison's strict and
/// non-strict forms flip (both are candidates).
fn date_crossings(date: i64, off: i64, t0: i64, mut push: impl FnMut(i64)) {
    if let Some(x) = date.checked_sub(off) {
        for t in [x, x.saturating_add(1)] {
            if t > t0 && t <= MAX_MS {
                push(t);
            }
        }
    }
}

/// The string date of code `code` in a dictionary, if it is one.
fn date_of(dict: &crate::engine::value::Dict, code: u32) -> Option<i64> {
    if code == 0 {
        return None;
    }
    dict.dates().and_then(|d| d.get(code as usize - 1).copied().flatten())
}

/// The candidate instants after `t0` of one contact, ascending, distinct.
fn contact_candidates(atoms: &[Atom], data: Data, slot: usize, t0: i64) -> Vec<i64> {
    let mut out: Vec<i64> = Vec::new();
    let s = slot as u32;
    for a in atoms {
        match a {
            Atom::Window { name, leave, enter } => {
                let Some(l) = data.events.list(name) else { continue };
                l.each_of_contact(s, |e| {
                    let t = l.time(e);
                    if let Some((from, cross)) = leave {
                        if t >= *from {
                            out.extend(cross.at(t).filter(|&x| x > t0));
                        }
                    }
                    if let Some((after, cross)) = enter {
                        if t > *after {
                            out.extend(cross.at(t).filter(|&x| x > t0));
                        }
                    }
                });
            }
            Atom::EventDate { name, key, off } => {
                let Some(l) = data.events.list(name) else { continue };
                let Some(col) = l.column(key) else { continue };
                l.each_of_contact(s, |e| {
                    if let Some(d) = date_of(&col.dict, col.code(e)) {
                        date_crossings(d, *off, t0, |x| out.push(x));
                    }
                });
            }
            Atom::PropDate { key, off } => {
                let Some(col) = data.contacts.column(key) else { continue };
                if let Some(d) = date_of(&col.dict, col.codes.get(slot).copied().unwrap_or(0)) {
                    date_crossings(d, *off, t0, |x| out.push(x));
                }
            }
            Atom::SysDate { created, off } => {
                let d = if *created { data.contacts.created_at(slot) } else { data.contacts.updated_at(slot) };
                date_crossings(d, *off, t0, |x| out.push(x));
            }
        }
    }
    // Sorted as (instant, slot) pairs: one sort routine in the wasm for both.
    let mut pairs: Vec<(i64, u32)> = out.into_iter().map(|t| (t, 0)).collect();
    sort_pairs(&mut pairs);
    pairs.dedup();
    pairs.into_iter().map(|(t, _)| t).collect()
}

/// The one sort of (instant, slot) pairs.
fn sort_pairs(v: &mut [(i64, u32)]) {
    v.sort_unstable();
}

/// The one sort of slots (and codes): distinct, ascending.
pub fn sort_dedup(v: &mut Vec<u32>) {
    v.sort_unstable();
    v.dedup();
}

/// When contact `slot`'s verdict on `root` first differs from `member`
/// after `t0`: `(instant, exact)`, or `None` if it never does.
pub fn next_flip<'a>(root: &'a Node, ev: &Evaluator<'a>, data: Data<'a>, slot: usize, t0: i64, member: bool) -> Option<(i64, bool)> {
    if !data.contacts.is_alive(slot) {
        return None;
    }
    let atoms = atoms(root, data, t0);
    if atoms.is_empty() {
        return None;
    }
    for (k, &t) in contact_candidates(&atoms, data, slot, t0).iter().enumerate() {
        if k == MAX_CHECKS_ONE {
            return Some((t, false));
        }
        if ev.holds(root, slot, t) != member {
            return Some((t, true));
        }
    }
    None
}

/// Candidates `(instant, slot)` in ascending order.
enum Source<'a> {
    /// A name's indexed events from position `pos` on.
    Index { l: &'a NameIndex, pos: usize, cross: Crossing<'a> },
    /// Materialised and sorted.
    List { items: Vec<(i64, u32)>, pos: usize },
}

impl Source<'_> {
    fn peek(&self) -> Option<(i64, u32)> {
        match self {
            Source::Index { l, pos, cross } => {
                if *pos >= l.len() {
                    return None;
                }
                // Saturate, so a crossing past the end of time still sorts last.
                Some((cross.at(l.ts.get(*pos)).unwrap_or(i64::MAX), l.slot.get(*pos)))
            }
            Source::List { items, pos } => items.get(*pos).copied(),
        }
    }

    fn advance(&mut self) {
        match self {
            Source::Index { pos, .. } | Source::List { pos, .. } => *pos += 1,
        }
    }
}

/// Every contact's candidates after `t0`, as ascending sources.
fn sources<'a>(atoms: &[Atom<'a>], data: Data<'a>, t0: i64) -> Vec<Source<'a>> {
    let mut out = Vec::new();
    let mut list: Vec<(i64, u32)> = Vec::new();
    for a in atoms {
        match a {
            Atom::Window { name, leave, enter } => {
                let Some(l) = data.events.list(name) else { continue };
                for (bound, strict, cross) in [leave.map(|(b, c)| (b, false, c)), enter.map(|(b, c)| (b, true, c))].into_iter().flatten() {
                    // leave: events with t ≥ bound; enter: events with t > bound.
                    let first = if strict { bound.checked_add(1) } else { Some(bound) };
                    let Some(first) = first else { continue };
                    let pos = l.ts.lower_bound(0, l.len(), first);
                    out.push(Source::Index { l, pos, cross });
                    for &(t, s) in &l.tail {
                        if t >= first {
                            list.extend(cross.at(t).filter(|&x| x > t0).map(|x| (x, s)));
                        }
                    }
                }
            }
            Atom::EventDate { name, key, off } => {
                let Some(l) = data.events.list(name) else { continue };
                let Some(col) = l.column(key) else { continue };
                let tail = l.tail.iter().enumerate().map(|(i, &(_, s))| (Ev::Tail(i), s));
                for (e, s) in (0..l.len()).map(|i| (Ev::At(i), l.slot.get(i))).chain(tail) {
                    if let Some(d) = date_of(&col.dict, col.code(e)) {
                        date_crossings(d, *off, t0, |x| list.push((x, s)));
                    }
                }
            }
            Atom::PropDate { key, off } => {
                let Some(col) = data.contacts.column(key) else { continue };
                for (s, &code) in col.codes.iter().enumerate() {
                    if let Some(d) = date_of(&col.dict, code) {
                        date_crossings(d, *off, t0, |x| list.push((x, s as u32)));
                    }
                }
            }
            Atom::SysDate { created, off } => {
                for s in data.contacts.alive().iter() {
                    let d = if *created { data.contacts.created_at(s) } else { data.contacts.updated_at(s) };
                    date_crossings(d, *off, t0, |x| list.push((x, s as u32)));
                }
            }
        }
    }
    if !list.is_empty() {
        sort_pairs(&mut list);
        out.push(Source::List { items: list, pos: 0 });
    }
    out
}

/// Merges sources into one ascending stream of `(instant, slot)`. A rule
/// has a few sources, so the smallest head is found by a scan.
struct Stream<'a> {
    sources: Vec<Source<'a>>,
    heads: Vec<Option<(i64, u32)>>,
}

impl<'a> Stream<'a> {
    fn new(sources: Vec<Source<'a>>) -> Self {
        let heads = sources.iter().map(Source::peek).collect();
        Stream { sources, heads }
    }

    fn first(&self) -> Option<usize> {
        (0..self.heads.len()).filter(|&i| self.heads[i].is_some()).min_by_key(|&i| self.heads[i])
    }

    fn next(&mut self) -> Option<(i64, u32)> {
        let i = self.first()?;
        let head = self.heads[i];
        self.sources[i].advance();
        self.heads[i] = self.sources[i].peek();
        head
    }

    fn peek_time(&self) -> Option<i64> {
        self.first().and_then(|i| self.heads[i]).map(|(t, _)| t)
    }
}

/// The next instant after `t0` at which `root`'s members (`members`,
/// as last evaluated) change with no new data.
pub fn next_change<'a>(root: &'a Node, data: Data<'a>, members: &Members, t0: i64) -> Next {
    let atoms = atoms(root, data, t0);
    let ev = Evaluator::new(data);
    if atoms.is_empty() {
        return Next { at: None, exact: true, only: None };
    }
    let mut stream = Stream::new(sources(&atoms, data, t0));
    let mut checked = 0;
    let mut group: Vec<u32> = Vec::new();
    while let Some(t) = stream.peek_time() {
        group.clear();
        while stream.peek_time() == Some(t) {
            if let Some((_, s)) = stream.next() {
                group.push(s);
            }
        }
        if t <= t0 || t == i64::MAX {
            continue;
        }
        sort_dedup(&mut group);
        let mut flips = 0;
        let mut only = None;
        for &s in &group {
            if ev.holds(root, s as usize, t) != members.contains(s) {
                flips += 1;
                only = Some(s);
            }
        }
        if flips > 0 {
            return Next { at: Some(t), exact: true, only: if flips == 1 { only } else { None } };
        }
        checked += group.len();
        if checked >= MAX_CHECKS {
            return match stream.peek_time().filter(|&x| x != i64::MAX) {
                None => Next { at: None, exact: true, only: None },
                at => Next { at, exact: false, only: None },
            };
        }
    }
    Next { at: None, exact: true, only: None }
}

/// The contacts with a candidate in `(t0, t1]`: those a move of the clock
/// from `t0` to `t1` may change. `None` when there are more than `cap`.
pub fn due_slots(root: &Node, data: Data, t0: i64, t1: i64, cap: usize) -> Option<Vec<u32>> {
    let atoms = atoms(root, data, t0);
    let mut stream = Stream::new(sources(&atoms, data, t0));
    let mut out = Vec::new();
    while let Some(t) = stream.peek_time() {
        if t > t1 {
            break;
        }
        if let Some((t, s)) = stream.next() {
            if t > t0 {
                out.push(s);
            }
        }
        if out.len() > cap.saturating_mul(4) {
            return None;
        }
    }
    sort_dedup(&mut out);
    (out.len() <= cap).then_some(out)
}
