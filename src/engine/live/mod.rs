//! Live segments: members kept exact after every mutation and as time
//! passes, each change recorded in the segment's feed.
//!
//! The invariant: a live segment's members are its rules evaluated at
//! `Store::clock`. Every command first moves the clock to its own `now`
//! ([`advance`]: only contacts with a candidate instant in between are
//! re-evaluated, see `clock.rs`), then applies its change and re-evaluates
//! the contacts it touched ([`touched`]), or the whole segment when its
//! rules change or a batch touches many contacts. Commands are replayed
//! from the log with their own `now` and seed, so members, feeds and change
//! ids come back identical on reopening: the feed is as durable as the
//! mutations that caused it, through the same plan/append/commit path.

pub mod clock;
mod deps;

use super::eval::evaluate;
use super::eval::one::Evaluator;
use super::feed::{Cause, Change, Kind};
use super::bitset::Bitset;
use super::segments::{Next, Segment};
use super::snapshot::Store;

/// Collects the changes one command records, and hands out their ids.
pub struct Recorder<'a> {
    pub now: i64,
    ids: &'a mut dyn FnMut() -> u128,
    pub out: Vec<(u128, Change)>,
}

impl<'a> Recorder<'a> {
    pub fn new(now: i64, ids: &'a mut dyn FnMut() -> u128) -> Self {
        Recorder { now, ids, out: Vec::new() }
    }

    fn record(&mut self, seg: &mut Segment, slot: u32, kind: Kind, cause: Cause) {
        let c = Change { id: (self.ids)(), at: self.now, slot, kind, cause };
        seg.feed.push(c);
        self.out.push((seg.id, c));
        seg.computed_at = Some(self.now);
    }
}

fn live_indices(store: &Store) -> Vec<usize> {
    store.segments.all().iter().enumerate().filter(|(_, s)| s.live && s.rules.is_some()).map(|(i, _)| i).collect()
}

/// A contact count above which re-evaluating the whole segment at once
/// beats re-evaluating contact by contact.
fn bulk_threshold(store: &Store) -> usize {
    (store.contacts.slots() / 32).max(64)
}

/// Brings every live segment to `rec.now`: the changes time alone caused
/// since the clock last moved. A clock that went backwards re-evaluates
/// every live segment.
pub fn advance(store: &mut Store, rec: &mut Recorder) {
    let now = rec.now;
    let live = live_indices(store);
    if now < store.clock {
        for &i in &live {
            whole(store, i, Cause::Time, rec);
        }
    } else {
        let t0 = store.clock;
        for &i in &live {
            if store.segments.get(i).next.at.is_some_and(|t| t <= now) {
                time_step(store, i, t0, rec);
            }
        }
    }
    store.clock = now;
}

/// Applies what changed for segment `i` between `t0` and `rec.now`.
fn time_step(store: &mut Store, i: usize, t0: i64, rec: &mut Recorder) {
    let now = rec.now;
    let cap = bulk_threshold(store);
    let due = {
        let seg = store.segments.get(i);
        let Some(r) = &seg.rules else { return };
        clock::due_slots(&r.root, store.data(), t0, now, cap)
    };
    match due {
        Some(slots) => {
            let verdicts = verdicts(store, i, &slots, now, false);
            apply_verdicts(store, i, &verdicts, Cause::Time, rec);
            recompute_next(store, i, now);
        }
        None => whole(store, i, Cause::Time, rec),
    }
}

/// Contacts `slots` changed (created, edited, deleted, or given events):
/// every live segment re-evaluates them, or itself whole for a big batch.
/// `only_events`: the batch only added events of these names to existing
/// contacts, so only segments that name one of them can change.
pub fn touched(store: &mut Store, slots: &mut Vec<u32>, only_events: Option<&[&str]>, cause: Cause, rec: &mut Recorder) {
    let mut live = live_indices(store);
    if live.is_empty() || slots.is_empty() {
        return;
    }
    clock::sort_dedup(slots);
    if let Some(names) = only_events {
        let segs = &store.segments;
        live.retain(|&i| segs.get(i).rules.as_ref().is_some_and(|r| deps::names_event(&r.root, segs, names)));
    }
    if live.is_empty() || slots.is_empty() {
        return;
    }
    let bulk = slots.len() > bulk_threshold(store);
    for i in live {
        if bulk {
            whole(store, i, cause, rec);
        } else {
            let v = verdicts(store, i, slots, rec.now, true);
            apply_verdicts(store, i, &v, cause, rec);
            let next = &mut store.segments.get_mut(i).next;
            for &(s, _, flip) in &v {
                merge_flip(next, s, flip);
            }
        }
    }
}

/// A contact's verdict at `rec.now` and, when `flips`, its next flip.
type Verdict = (u32, bool, Option<(i64, bool)>);

fn verdicts(store: &Store, i: usize, slots: &[u32], now: i64, flips: bool) -> Vec<Verdict> {
    let seg = store.segments.get(i);
    let Some(r) = &seg.rules else { return Vec::new() };
    let data = store.data();
    let ev = Evaluator::new(data);
    slots
        .iter()
        .map(|&s| {
            let want = ev.holds(&r.root, s as usize, now);
            let flip = if flips { clock::next_flip(&r.root, &ev, data, s as usize, now, want) } else { None };
            (s, want, flip)
        })
        .collect()
}

fn apply_verdicts(store: &mut Store, i: usize, verdicts: &[Verdict], cause: Cause, rec: &mut Recorder) {
    let seg = store.segments.get_mut(i);
    for &(s, want, _) in verdicts {
        if want && seg.members.insert(s, rec.now) {
            rec.record(seg, s, Kind::Entered, cause);
        } else if !want && seg.members.remove(s) {
            rec.record(seg, s, Kind::Left, cause);
        }
    }
}

/// Folds one contact's new next flip into the segment's next change.
fn merge_flip(next: &mut Next, s: u32, flip: Option<(i64, bool)>) {
    let old = *next;
    match flip {
        Some((t, exact)) if old.at.is_none_or(|a| t < a) => {
            // Earlier than every other contact's: it decides alone.
            *next = Next { at: Some(t), exact, only: Some(s) };
        }
        Some((t, _)) if Some(t) == old.at => {
            if old.only != Some(s) {
                next.only = None;
            }
        }
        _ => {
            // Later, or never: if this contact may have decided `at`, the
            // rest is unknown until recomputed; `at` stays a lower bound.
            let someone_else = old.only.is_some_and(|o| o != s);
            if old.at.is_some() && !someone_else {
                next.exact = false;
                next.only = None;
            }
        }
    }
}

/// Re-evaluates segment `i` whole at `rec.now` and records the difference.
pub fn whole(store: &mut Store, i: usize, cause: Cause, rec: &mut Recorder) {
    store.events.prepare();
    let result = {
        let Some(r) = &store.segments.get(i).rules else { return };
        evaluate(&r.root, store.data(), rec.now)
    };
    replace_members(store.segments.get_mut(i), &result, cause, rec);
    if store.segments.get(i).live {
        recompute_next(store, i, rec.now);
    }
}

/// Sets a segment's members, recording who entered and who left.
pub fn replace_members(seg: &mut Segment, result: &Bitset, cause: Cause, rec: &mut Recorder) {
    for (slot, kind) in seg.members.replace(result, rec.now) {
        rec.record(seg, slot, kind, cause);
    }
    seg.computed_at = Some(rec.now);
}

fn recompute_next(store: &mut Store, i: usize, t0: i64) {
    let next = {
        let seg = store.segments.get(i);
        let Some(r) = &seg.rules else { return };
        clock::next_change(&r.root, store.data(), &seg.members, t0)
    };
    store.segments.get_mut(i).next = next;
}

/// A live segment's rules changed, it was created live or made live: it
/// is re-evaluated whole, and so is every live segment that references it.
pub fn rules_changed(store: &mut Store, id: u128, rec: &mut Recorder) {
    let mut ids = vec![id];
    let mut k = 0;
    while k < ids.len() {
        let target = ids[k];
        for s in store.segments.all() {
            let refers = s.rules.as_ref().is_some_and(|r| r.refs.iter().any(|(x, _)| *x == target));
            if refers && !ids.contains(&s.id) {
                ids.push(s.id);
            }
        }
        k += 1;
    }
    for id in ids {
        if let Some(i) = store.segments.find(id) {
            if store.segments.get(i).live {
                whole(store, i, Cause::Rules, rec);
            }
        }
    }
}

/// A deleted contact leaves every segment it was in.
pub fn contact_deleted(store: &mut Store, slot: u32, rec: &mut Recorder) {
    for seg in store.segments.iter_mut() {
        if seg.members.remove(slot) {
            rec.record(seg, slot, Kind::Left, Cause::Contact);
        }
        if seg.live {
            merge_flip(&mut seg.next, slot, None);
        }
    }
}

/// Makes every live segment's next change exact (before it is shown).
pub fn refresh(store: &mut Store) {
    for i in live_indices(store) {
        if !store.segments.get(i).next.exact {
            recompute_next(store, i, store.clock);
        }
    }
}

/// After a restore: every live segment's next change, from the clock.
pub fn restored(store: &mut Store) {
    for i in live_indices(store) {
        recompute_next(store, i, store.clock);
    }
}

/// The earliest instant at which some live segment may change with time.
pub fn wake_at(store: &Store) -> Option<i64> {
    store.segments.all().iter().filter(|s| s.live).filter_map(|s| s.next.at).min()
}
