//! Segments: their rules, computed members (`members.rs`: slot order is id
//! order, each with the instant it joined) and change feed.

use serde::{Deserialize, Serialize};

use super::bitset::Bitset;
use super::feed::Feed;
use super::members::Members;
use crate::rules::Rules;

/// When a live segment's members next change with time alone, as far as
/// the engine knows (see `live/clock.rs`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Next {
    /// The instant, or `None` for never.
    pub at: Option<i64>,
    /// `at` is exact; otherwise it is a lower bound that must be
    /// recomputed before it is shown (a mutation moved the contact that
    /// decided it, or the scan stopped early).
    pub exact: bool,
    /// The contact whose change decided `at`, when there is exactly one.
    pub only: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Segment {
    pub id: u128,
    pub name: String,
    /// The canonical rule JSON; `rules` is parsed from it.
    pub rules_json: String,
    #[serde(skip)]
    pub rules: Option<Rules>,
    pub created: i64,
    pub updated: i64,
    pub computed_at: Option<i64>,
    /// Serialised as the sorted slots, then their join times.
    pub members: Members,
    /// Kept current after every mutation and as time passes (`live/`).
    pub live: bool,
    pub feed: Feed,
    /// Derived: recomputed on restore.
    #[serde(skip)]
    pub next: Next,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Segments {
    /// Creation order, which is id order.
    list: Vec<Segment>,
}

impl Segments {
    pub fn all(&self) -> &[Segment] {
        &self.list
    }

    pub fn find(&self, id: u128) -> Option<usize> {
        self.list.binary_search_by_key(&id, |s| s.id).ok()
    }

    pub fn get(&self, i: usize) -> &Segment {
        &self.list[i]
    }

    pub fn get_mut(&mut self, i: usize) -> &mut Segment {
        &mut self.list[i]
    }

    pub fn position_after(&self, id: u128) -> usize {
        self.list.partition_point(|s| s.id <= id)
    }

    pub fn push(&mut self, s: Segment) {
        self.list.push(s);
    }

    /// The current rules of segment `id`, if it exists and they parse:
    /// what a reference to it evaluates.
    pub fn rules_of(&self, id: u128) -> Option<&Rules> {
        self.find(id).and_then(|i| self.list[i].rules.as_ref())
    }

    pub fn remove(&mut self, i: usize) {
        self.list.remove(i);
    }


    /// Checks decoded segments: ids ascending, members live contacts
    /// (their order and join times are checked as they decode).
    pub fn validate(&self, alive: &Bitset) -> Result<(), String> {
        if self.list.windows(2).any(|w| w[0].id >= w[1].id) {
            return Err("segments: ids are not in ascending order".into());
        }
        for s in &self.list {
            let what = format!("segment '{}'", crate::text::clip(&s.name));
            if s.members.end() > alive.len() || s.members.slots().any(|m| !alive.get(m as usize)) {
                return Err(format!("{what}: a member that is not a live contact"));
            }
            s.feed.validate(alive.len()).map_err(|m| format!("{what}: feed: {m}"))?;
        }
        Ok(())
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Segment> {
        self.list.iter_mut()
    }

    pub fn heap_bytes(&self) -> usize {
        self.list
            .iter()
            .map(|s| s.members.heap_bytes() + s.rules_json.len() * 3 + s.feed.heap_bytes())
            .sum()
    }
}

/// Segments as `KSG4` snapshots stored them (before live segments and
/// change feeds).
pub mod v4 {
    use serde::Deserialize;

    #[derive(Deserialize)]
    pub struct Segment {
        pub id: u128,
        pub name: String,
        pub rules_json: String,
        pub created: i64,
        pub updated: i64,
        pub computed_at: Option<i64>,
        pub members: super::Members,
    }

    #[derive(Deserialize)]
    pub struct Segments {
        pub list: Vec<Segment>,
    }

    impl From<Segments> for super::Segments {
        fn from(v: Segments) -> Self {
            let list = v
                .list
                .into_iter()
                .map(|s| super::Segment {
                    id: s.id,
                    name: s.name,
                    rules_json: s.rules_json,
                    rules: None,
                    created: s.created,
                    updated: s.updated,
                    computed_at: s.computed_at,
                    members: s.members,
                    live: false,
                    feed: super::Feed::default(),
                    next: super::Next::default(),
                })
                .collect();
            super::Segments { list }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_names_each_broken_invariant() {
        let seg = |id, members: Vec<u32>| Segment {
            id,
            name: "s".into(),
            rules_json: "{}".into(),
            rules: None,
            created: 0,
            updated: 0,
            computed_at: None,
            members: Members::from_sorted(&members, &vec![0; members.len()]).unwrap(),
            live: false,
            feed: Feed::default(),
            next: Next::default(),
        };
        let alive = Bitset::from_fn(4, |i| i != 2);
        let ok = Segments { list: vec![seg(1, vec![0, 3]), seg(2, vec![])] };
        assert_eq!(ok.validate(&alive), Ok(()));
        let bad = |list: Vec<Segment>| Segments { list }.validate(&alive).unwrap_err();
        assert!(bad(vec![seg(2, vec![]), seg(1, vec![])]).contains("ascending"));
        assert!(bad(vec![seg(1, vec![2])]).contains("live contact"));
        assert!(bad(vec![seg(1, vec![9])]).contains("live contact"));
    }
}
