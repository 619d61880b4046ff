//! Segment references between saved segments: each referenced id must
//! exist, no chain may loop back, and no chain may be more than
//! `MAX_REF_HOPS` references deep. A segment that others reference cannot
//! be deleted (CONFLICT naming them).

use rustc_hash::FxHashMap as HashMap;

use super::ids;
use crate::engine::segments::Segments;
use crate::error::{Detail, Error, Result};
use crate::rules::Rules;
use crate::text::clip;

pub const MAX_REF_HOPS: usize = 8;

/// The ids a saved segment's rules reference.
fn refs_of(segments: &Segments, id: u128) -> Vec<u128> {
    match segments.rules_of(id) {
        Some(r) => r.refs.iter().map(|(id, _)| *id).collect(),
        None => Vec::new(),
    }
}

/// Hops below `id`: 0 for a segment that references none.
fn depth_below(segments: &Segments, id: u128, memo: &mut HashMap<u128, usize>, guard: usize) -> usize {
    if let Some(&d) = memo.get(&id) {
        return d;
    }
    if guard > 4 * MAX_REF_HOPS {
        return guard; // stored data with a loop: report it as too deep
    }
    let d = refs_of(segments, id).into_iter().map(|r| 1 + depth_below(segments, r, memo, guard + 1)).max().unwrap_or(0);
    memo.insert(id, d);
    d
}

/// Hops above `id`: the longest chain of segments referencing it.
fn depth_above(segments: &Segments, id: u128, guard: usize) -> usize {
    if guard > 4 * MAX_REF_HOPS {
        return guard;
    }
    segments
        .all()
        .iter()
        .filter(|s| s.id != id && s.rules.as_ref().is_some_and(|r| r.refs.iter().any(|(x, _)| *x == id)))
        .map(|s| 1 + depth_above(segments, s.id, guard + 1))
        .max()
        .unwrap_or(0)
}

/// A path of references from `from` to `to`, if there is one.
fn path_to(segments: &Segments, from: u128, to: u128, seen: &mut Vec<u128>) -> Option<Vec<u128>> {
    if from == to {
        return Some(vec![to]);
    }
    if seen.contains(&from) || seen.len() > 4 * MAX_REF_HOPS {
        return None;
    }
    seen.push(from);
    for r in refs_of(segments, from) {
        if let Some(mut p) = path_to(segments, r, to, seen) {
            p.insert(0, from);
            return Some(p);
        }
    }
    None
}

fn name(id: u128) -> String {
    ids::format(ids::SEGMENT, id)
}

/// Checks `rules`' references against the saved segments. `this` is the
/// segment being updated (`None`: a new segment, or a preview, for which
/// no chain can loop back and only existence and depth are checked).
pub fn check(segments: &Segments, rules: &Rules, this: Option<u128>, depth_checked: bool) -> Result<()> {
    let mut details = Vec::new();
    let mut memo = HashMap::default();
    let above = this.map_or(0, |id| depth_above(segments, id, 0));
    for (id, path) in &rules.refs {
        if segments.find(*id).is_none() {
            details.push(Detail { path: path.clone(), message: format!("no segment with ID {} exists", name(*id)) });
            continue;
        }
        if let Some(me) = this {
            if let Some(cycle) = path_to(segments, *id, me, &mut Vec::new()) {
                let chain: Vec<String> = std::iter::once(me).chain(cycle).map(name).collect();
                details.push(Detail { path: path.clone(), message: format!("this reference closes a cycle: {}", chain.join(" → ")) });
                continue;
            }
        }
        let hops = above + 1 + depth_below(segments, *id, &mut memo, 0);
        if depth_checked && hops > MAX_REF_HOPS {
            details.push(Detail {
                path: path.clone(),
                message: format!("segment references chain at most {MAX_REF_HOPS} deep; this one makes a chain of {hops}"),
            });
        }
    }
    if details.is_empty() {
        Ok(())
    } else {
        Err(Error::validation(details))
    }
}

/// CONFLICT if other segments reference `id`.
pub fn check_unreferenced(segments: &Segments, id: u128) -> Result<()> {
    let referrers: Vec<String> = segments
        .all()
        .iter()
        .filter(|s| s.id != id && s.rules.as_ref().is_some_and(|r| r.refs.iter().any(|(x, _)| *x == id)))
        .map(|s| format!("{} ({})", clip(&s.name), name(s.id)))
        .collect();
    if referrers.is_empty() {
        Ok(())
    } else {
        Err(Error::conflict(format!(
            "Segment {} is referenced by {}; remove those references first.",
            name(id),
            referrers.join(", ")
        )))
    }
}
