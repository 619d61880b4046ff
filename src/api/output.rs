//! The JSON shapes the SDK returns (Contact, Segment, Member, pages),
//! written straight from the columns without building intermediate trees.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;

use super::ids;
use crate::engine::contacts::Contacts;
use crate::engine::segments::Segment;
use crate::engine::value::PValue;
use crate::time::format_iso;

pub struct Val<'a>(pub &'a PValue);

impl Serialize for Val<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            PValue::Null => s.serialize_unit(),
            PValue::Bool(b) => s.serialize_bool(*b),
            PValue::Num(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => s.serialize_i64(*n as i64),
            PValue::Num(n) => s.serialize_f64(*n),
            PValue::Str(t) => s.serialize_str(t),
            PValue::Json(j) => match serde_json::from_str::<&RawValue>(j) {
                Ok(raw) => raw.serialize(s),
                Err(_) => s.serialize_unit(),
            },
        }
    }
}

struct Props<'a>(&'a Contacts, usize);

impl Serialize for Props<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for (k, v) in self.0.properties(self.1) {
            m.serialize_entry(k, &Val(v))?;
        }
        m.end()
    }
}

pub struct ContactOut<'a>(pub &'a Contacts, pub usize);

impl Serialize for ContactOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (c, slot) = (self.0, self.1);
        let mut m = s.serialize_map(Some(6))?;
        m.serialize_entry("id", &ids::format(ids::CONTACT, c.id(slot)))?;
        m.serialize_entry("email", c.email(slot))?;
        m.serialize_entry("properties", &Props(c, slot))?;
        m.serialize_entry("suppressed", &c.is_suppressed(slot))?;
        m.serialize_entry("createdAt", &format_iso(c.created_at(slot)))?;
        m.serialize_entry("updatedAt", &format_iso(c.updated_at(slot)))?;
        m.end()
    }
}

pub struct MemberOut<'a>(pub &'a Contacts, pub usize, pub i64);

impl Serialize for MemberOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (c, slot) = (self.0, self.1);
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("id", &ids::format(ids::CONTACT, c.id(slot)))?;
        m.serialize_entry("email", c.email(slot))?;
        m.serialize_entry("properties", &Props(c, slot))?;
        m.serialize_entry("joinedAt", &format_iso(self.2))?;
        m.end()
    }
}

pub struct SegmentOut<'a>(pub &'a Segment);

impl Serialize for SegmentOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let g = self.0;
        let mut m = s.serialize_map(Some(11))?;
        m.serialize_entry("id", &ids::format(ids::SEGMENT, g.id))?;
        m.serialize_entry("name", &g.name)?;
        match serde_json::from_str::<&RawValue>(&g.rules_json) {
            Ok(raw) => m.serialize_entry("rules", raw)?,
            Err(_) => m.serialize_entry("rules", &())?,
        }
        // "computing" is known only to the SDK's compute queue, which
        // overlays it; the engine knows whether a computation has ended.
        m.serialize_entry("status", if g.computed_at.is_some() { "ready" } else { "new" })?;
        m.serialize_entry("live", &g.live)?;
        m.serialize_entry("nextChangeAt", &g.next.at.filter(|_| g.live).map(format_iso))?;
        m.serialize_entry("memberCount", &g.members.len())?;
        m.serialize_entry("computedAt", &g.computed_at.map(format_iso))?;
        m.serialize_entry("createdAt", &format_iso(g.created))?;
        m.serialize_entry("updatedAt", &format_iso(g.updated))?;
        m.end()
    }
}

/// `{ data: [...], nextCursor }`
pub struct Page<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T: Serialize> Serialize for Page<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("data", &self.data)?;
        m.serialize_entry("nextCursor", &self.next_cursor)?;
        m.end()
    }
}

/// Serialises to a JSON string; the shapes above cannot fail to serialise.
pub fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_string())
}
