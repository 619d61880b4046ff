//! The whole engine state as bytes and back. Storage keeps the latest
//! snapshot plus a log of later commands, so reopening reads a few large
//! values instead of replaying every record. Lookup maps are not stored;
//! they are rebuilt on restore.

use serde::{Deserialize, Serialize};

use super::contacts::Contacts;
use super::events::Events;
use super::segments::Segments;
use crate::error::{Code, Error};
use crate::rules::parse_rules;

const MAGIC: &[u8; 4] = b"KSG1";

/// Everything the engine knows.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Store {
    pub contacts: Contacts,
    pub events: Events,
    pub segments: Segments,
    /// The last id handed out, so ids stay monotonic across restarts.
    pub last_id: u128,
}

impl Store {
    pub fn snapshot(&mut self) -> Vec<u8> {
        self.events.prepare();
        let out = MAGIC.to_vec();
        match postcard::to_extend(self, out) {
            Ok(v) => v,
            // Serialising plain vectors into a Vec cannot fail.
            Err(_) => MAGIC.to_vec(),
        }
    }

    pub fn restore(bytes: &[u8]) -> Result<Store, Error> {
        let bad = |m: &str| Error::new(Code::StorageError, format!("snapshot is unreadable: {m}"));
        let body = bytes.strip_prefix(MAGIC.as_slice()).ok_or_else(|| bad("wrong format marker"))?;
        let mut s: Store = postcard::from_bytes(body).map_err(|e| bad(&e.to_string()))?;
        s.contacts.reindex();
        s.events.reindex();
        for seg in s.segments.iter_mut() {
            let v: serde_json::Value = serde_json::from_str(&seg.rules_json).map_err(|e| bad(&e.to_string()))?;
            seg.rules = Some(parse_rules(&v, "rules").map_err(|e| bad(&e.message))?);
        }
        Ok(s)
    }

    pub fn heap_bytes(&self) -> usize {
        self.contacts.heap_bytes() + self.events.heap_bytes() + self.segments.heap_bytes()
    }
}
