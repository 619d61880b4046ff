//! A segment's change feed: every membership change (entered or left), with
//! its id, instant and cause, oldest first, the newest `RETAINED` kept.
//! Change ids are ULIDs that increase across the whole store, so a cursor
//! (the id of the last change read) orders every segment's feed at once.
//! The feed is state like members are: it is derived deterministically from
//! the commands in the log and written into snapshots, so it is exactly as
//! durable as the mutations that caused it.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// Changes kept per segment; older ones are dropped, oldest first.
pub const RETAINED: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    Entered,
    Left,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cause {
    Compute,
    Contact,
    Event,
    Time,
    Rules,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Entered => "entered",
            Kind::Left => "left",
        }
    }
}

impl Cause {
    pub fn name(self) -> &'static str {
        match self {
            Cause::Compute => "compute",
            Cause::Contact => "contact",
            Cause::Event => "event",
            Cause::Time => "time",
            Cause::Rules => "rules",
        }
    }
}

/// One recorded change. The contact is its slot: the email shown is the
/// contact's (its last, once deleted), read when the change is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub id: u128,
    pub at: i64,
    pub slot: u32,
    pub kind: Kind,
    pub cause: Cause,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Feed {
    changes: VecDeque<Change>,
    /// The id of the newest change dropped (0: none dropped yet).
    dropped: u128,
}

impl Feed {
    pub fn push(&mut self, c: Change) {
        if self.changes.len() == RETAINED {
            if let Some(old) = self.changes.pop_front() {
                self.dropped = old.id;
            }
        }
        self.changes.push_back(c);
    }

    pub fn len(&self) -> usize {
        self.changes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn last_id(&self) -> Option<u128> {
        self.changes.back().map(|c| c.id)
    }

    /// Up to `limit` changes with an id after `cursor`, oldest first;
    /// `None` when changes after the cursor were already dropped.
    pub fn after(&self, cursor: u128, limit: usize) -> Option<impl Iterator<Item = &Change>> {
        if cursor < self.dropped {
            return None;
        }
        let start = self.changes.partition_point(|c| c.id <= cursor);
        Some(self.changes.range(start..).take(limit))
    }

    /// Ids ascending and after the dropped ones (ids are never 0), slots
    /// below `slots`, no more than `RETAINED`.
    pub fn validate(&self, slots: usize) -> Result<(), String> {
        if self.changes.len() > RETAINED {
            return Err(format!("more than {RETAINED} changes"));
        }
        let mut last = self.dropped;
        for c in &self.changes {
            if c.id <= last {
                return Err("its changes are not in id order".into());
            }
            if c.slot as usize >= slots {
                return Err("a change of a contact that does not exist".into());
            }
            last = c.id;
        }
        Ok(())
    }

    pub fn heap_bytes(&self) -> usize {
        self.changes.capacity() * std::mem::size_of::<Change>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(id: u128) -> Change {
        Change { id, at: id as i64, slot: 0, kind: Kind::Entered, cause: Cause::Event }
    }

    /// What a change costs: 32 bytes in memory, and in snapshots (postcard)
    /// about 30 with realistic ids (ULIDs), instants and slots.
    #[test]
    fn a_change_costs_32_bytes_resident_and_about_30_stored() {
        assert_eq!(std::mem::size_of::<Change>(), 32);
        let mut f = Feed::default();
        let base: u128 = 0x0199_4A2B_3C4D_5E6F_7081_92A3_B4C5_D6E7;
        for i in 0..10_000u32 {
            let kind = if i % 3 == 0 { Kind::Left } else { Kind::Entered };
            f.push(Change { id: base + u128::from(i) * 977, at: 1_764_583_200_000 + i64::from(i) * 61, slot: 400_000 + i * 53, kind, cause: Cause::Event });
        }
        let bytes = postcard::to_allocvec(&f).unwrap().len() as f64 / 10_000.0;
        println!("stored bytes per change: {bytes:.1}");
        assert!((25.0..=34.0).contains(&bytes), "{bytes}");
    }

    #[test]
    fn pages_after_a_cursor_and_refuses_dropped_ones() {
        let mut f = Feed::default();
        for id in 1..=(RETAINED as u128 + 5) {
            f.push(change(id));
        }
        assert_eq!(f.len(), RETAINED);
        assert!(f.after(0, 10).is_none(), "changes 1..=5 are gone");
        assert!(f.after(4, 10).is_none());
        let page: Vec<u128> = f.after(5, 3).unwrap().map(|c| c.id).collect();
        assert_eq!(page, [6, 7, 8]);
        assert_eq!(f.after(RETAINED as u128 + 5, 3).unwrap().count(), 0);
        assert_eq!(f.validate(1), Ok(()));
        assert!(f.validate(0).is_err());
    }
}
