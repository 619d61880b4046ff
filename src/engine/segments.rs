//! Segments and their computed members. Members are kept as sorted contact
//! slots (slot order is id order) with the instant each joined, so a
//! recomputation can keep `joinedAt` for continuing members by one merge.

use serde::{Deserialize, Serialize};

use super::bitset::Bitset;
use crate::rules::Rules;

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
    pub members: Vec<u32>,
    pub joined: Vec<i64>,
}

impl Segment {
    /// Members after a computation at `now` that found `result`: continuing
    /// members keep their `joinedAt`, new ones join at `now`.
    pub fn merged_members(&self, result: &Bitset, now: i64) -> (Vec<u32>, Vec<i64>) {
        let mut members = Vec::with_capacity(result.count());
        let mut joined = Vec::with_capacity(members.capacity());
        let mut old = 0;
        for s in result.iter() {
            let s = s as u32;
            while old < self.members.len() && self.members[old] < s {
                old += 1;
            }
            let at = if old < self.members.len() && self.members[old] == s { self.joined[old] } else { now };
            members.push(s);
            joined.push(at);
        }
        (members, joined)
    }
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

    pub fn remove(&mut self, i: usize) {
        self.list.remove(i);
    }

    /// A deleted contact leaves every segment.
    pub fn remove_contact(&mut self, slot: u32) {
        for s in &mut self.list {
            if let Ok(i) = s.members.binary_search(&slot) {
                s.members.remove(i);
                s.joined.remove(i);
            }
        }
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Segment> {
        self.list.iter_mut()
    }

    pub fn heap_bytes(&self) -> usize {
        self.list.iter().map(|s| s.members.capacity() * 4 + s.joined.capacity() * 8 + s.rules_json.len() * 3).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuing_members_keep_joined_at() {
        let s = Segment {
            id: 1,
            name: "s".into(),
            rules_json: "{}".into(),
            rules: None,
            created: 0,
            updated: 0,
            computed_at: Some(10),
            members: vec![1, 3, 5],
            joined: vec![10, 11, 12],
        };
        let r = Bitset::from_fn(8, |i| [0, 3, 5, 7].contains(&i));
        let (m, j) = s.merged_members(&r, 99);
        assert_eq!(m, [0, 3, 5, 7]);
        assert_eq!(j, [99, 11, 12, 99]);
    }
}
