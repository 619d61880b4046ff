//! segments.changes (a segment's change feed, a page at a time) and
//! changes.head (the cursor after the newest change of any segment).

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::ids;
use super::input;
use super::output::{json, Page};
use super::Entry;
use crate::engine::contacts::Contacts;
use crate::engine::feed::{Change, RETAINED};
use crate::engine::snapshot::Store;
use crate::error::{Error, Result};
use crate::time::format_iso;

pub const CHANGE: &str = "chg_";

/// One change as the SDK returns it.
pub struct ChangeOut<'a>(pub &'a Contacts, pub u128, pub &'a Change);

impl Serialize for ChangeOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let (contacts, segment, c) = (self.0, self.1, self.2);
        let slot = c.slot as usize;
        let mut m = s.serialize_map(Some(7))?;
        m.serialize_entry("id", &ids::format(CHANGE, c.id))?;
        m.serialize_entry("segmentId", &ids::format(ids::SEGMENT, segment))?;
        m.serialize_entry("contactId", &ids::format(ids::CONTACT, contacts.id(slot)))?;
        m.serialize_entry("email", contacts.email(slot))?;
        m.serialize_entry("type", c.kind.name())?;
        m.serialize_entry("at", &format_iso(c.at))?;
        m.serialize_entry("cause", c.cause.name())?;
        m.end()
    }
}

/// The changes one command recorded, as a JSON array.
pub fn render(store: &Store, changes: &[(u128, Change)]) -> String {
    let out: Vec<ChangeOut> = changes.iter().map(|(seg, c)| ChangeOut(&store.contacts, *seg, c)).collect();
    json(&out)
}

/// The cursor after the newest change of any segment (change ids increase
/// across the store, so it is a valid cursor for every segment).
fn head(store: &Store) -> u128 {
    store.segments.all().iter().filter_map(|s| s.feed.last_id()).max().unwrap_or(0)
}

/// `{ data, nextCursor }`, oldest first; `nextCursor` is never null: on the
/// last page it is the cursor to poll from.
pub fn page(store: &Store, e: &Entry) -> Result<String> {
    let f = e.fields(&["cursor", "limit"])?;
    let id = e.target(&f, ids::SEGMENT, "segment")?;
    let index = store.segments.find(id).ok_or_else(|| Error::not_found("segment", &ids::format(ids::SEGMENT, id)))?;
    let limit = input::limit(f.get("limit"), 1)?;
    let cursor = input::cursor(f.get("cursor"), CHANGE)?.unwrap_or(0);
    let seg = store.segments.get(index);
    let Some(items) = seg.feed.after(cursor, limit) else {
        return Err(Error::invalid(
            "cursor",
            format!("cursor is older than the {RETAINED} changes kept for this segment; start again without a cursor"),
        ));
    };
    let data: Vec<ChangeOut> = items.map(|c| ChangeOut(&store.contacts, seg.id, c)).collect();
    let last = data.last().map_or(cursor, |c| c.2.id);
    Ok(json(&Page { data, next_cursor: Some(ids::format(CHANGE, last)) }))
}

pub fn head_query(store: &Store, e: &Entry) -> Result<String> {
    e.fields(&[])?;
    Ok(format!("{{\"cursor\":{}}}", json(&ids::format(CHANGE, head(store)))))
}
