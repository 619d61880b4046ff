//! A contact's profile reads: `contacts.events` (its events, newest first)
//! and `contacts.segments` (the saved segments it is a member of), both
//! paged like every list.

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::contacts::find;
use super::ids;
use super::input;
use super::output::{json, Page, Val};
use super::Entry;
use crate::engine::events::{Ev, NameIndex};
use crate::engine::segments::Segment;
use crate::engine::snapshot::Store;
use crate::error::{Error, Result};
use crate::time::format_iso;

/// One event of the contact: `{ name, contactId, properties, timestamp }`
/// (the engine keeps no event ids).
struct EventOut<'a> {
    name: &'a str,
    list: &'a NameIndex,
    ev: Ev,
    ts: i64,
    contact: u128,
}

struct EventProps<'a>(&'a NameIndex, Ev);

impl Serialize for EventProps<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for c in &self.0.columns {
            if let Some(v) = c.dict.get(c.code(self.1)) {
                m.serialize_entry(&*c.key, &Val(v))?;
            }
        }
        m.end()
    }
}

impl Serialize for EventOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("name", self.name)?;
        m.serialize_entry("contactId", &ids::format(ids::CONTACT, self.contact))?;
        m.serialize_entry("properties", &EventProps(self.list, self.ev))?;
        m.serialize_entry("timestamp", &format_iso(self.ts))?;
        m.end()
    }
}

/// A page cursor of `contacts.events`: the time of the page's last event
/// and how many events at that time the pages so far have given.
fn event_cursor(f: &super::fields::Fields) -> Result<Option<(i64, usize)>> {
    let bad = || Error::invalid("cursor", "cursor is not one this list returned");
    let Some(raw) = f.get("cursor") else {
        return Ok(None);
    };
    let s = input::string(raw).ok_or_else(|| Error::invalid("cursor", "cursor must be a string"))?;
    let (t, n) = s.strip_prefix("evc_").and_then(|r| r.split_once('_')).ok_or_else(bad)?;
    Ok(Some((t.parse().map_err(|_| bad())?, n.parse().map_err(|_| bad())?)))
}

/// `contacts.events`: newest first; events at the same instant by name
/// (in the order names first appeared), then the later-stored first.
pub fn events(store: &Store, e: &Entry) -> Result<String> {
    let f = e.fields(&["cursor", "limit"])?;
    let slot = find(store, e, &f)?;
    let limit = input::limit(f.get("limit"), 1)?;
    let after = event_cursor(&f)?;
    let ev = &store.events;
    // Sorted as (-time, name << 40 | !place) pairs: newest first, then by
    // name (in the order names first appeared), then the later-stored first.
    const PLACE: u64 = (1 << 40) - 1;
    let mut all: Vec<(i64, u64)> = Vec::new();
    for (ni, list) in ev.lists().iter().enumerate() {
        list.each_of_contact_once(slot as u32, |e| {
            let place = match e {
                Ev::At(i) => i,
                Ev::Tail(i) => list.len() + i,
            } as u64;
            all.push((-list.time(e), (ni as u64) << 40 | (PLACE - place)));
        });
    }
    all.sort_unstable();
    let start = match after {
        None => 0,
        Some((t, n)) => all.partition_point(|x| -x.0 > t) + n,
    };
    let page = all.get(start..).unwrap_or(&[]);
    let contact = store.contacts.id(slot);
    let data: Vec<EventOut> = page
        .iter()
        .take(limit)
        .filter_map(|&(t, k)| {
            let (ni, place) = ((k >> 40) as usize, (PLACE - (k & PLACE)) as usize);
            let list = ev.lists().get(ni)?;
            let e = if place < list.len() { Ev::At(place) } else { Ev::Tail(place - list.len()) };
            Some(EventOut { name: &ev.names()[ni], list, ev: e, ts: -t, contact })
        })
        .collect();
    let next_cursor = match data.last() {
        Some(last) if page.len() > limit => {
            let at_time = all[..start + data.len()].iter().rev().take_while(|x| -x.0 == last.ts).count();
            Some(format!("evc_{}_{}", last.ts, at_time))
        }
        _ => None,
    };
    Ok(json(&Page { data, next_cursor }))
}

/// One membership: `{ id, name, live, joinedAt }`.
struct MembershipOut<'a>(&'a Segment, i64);

impl Serialize for MembershipOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("id", &ids::format(ids::SEGMENT, self.0.id))?;
        m.serialize_entry("name", &self.0.name)?;
        m.serialize_entry("live", &self.0.live)?;
        m.serialize_entry("joinedAt", &format_iso(self.1))?;
        m.end()
    }
}

/// `contacts.segments`: the saved segments whose members (as last
/// computed, or live) include the contact, in segment id order.
pub fn segments(store: &Store, e: &Entry) -> Result<String> {
    let f = e.fields(&["cursor", "limit"])?;
    let slot = find(store, e, &f)? as u32;
    let limit = input::limit(f.get("limit"), 1)?;
    let start = match input::cursor(f.get("cursor"), ids::SEGMENT)? {
        Some(id) => store.segments.position_after(id),
        None => 0,
    };
    let all = store.segments.all();
    let mut of = all[start.min(all.len())..]
        .iter()
        .filter_map(|s| s.members.joined_at(slot).map(|at| MembershipOut(s, at)));
    let data: Vec<MembershipOut> = of.by_ref().take(limit).collect();
    let next_cursor = match (data.last(), of.next()) {
        (Some(last), Some(_)) => Some(ids::format(ids::SEGMENT, last.0.id)),
        _ => None,
    };
    Ok(json(&Page { data, next_cursor }))
}
