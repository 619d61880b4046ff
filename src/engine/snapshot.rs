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

const MAGIC: &[u8; 4] = b"KSG3";
const CHUNK: usize = 1 << 20;

/// A postcard output that passes on each full buffer.
struct Chunked<'a, F: FnMut(&[u8])> {
    buf: Vec<u8>,
    sink: &'a mut F,
}

impl<F: FnMut(&[u8])> postcard::ser_flavors::Flavor for Chunked<'_, F> {
    type Output = ();

    fn try_push(&mut self, b: u8) -> postcard::Result<()> {
        self.buf.push(b);
        if self.buf.len() >= CHUNK {
            (self.sink)(&self.buf);
            self.buf.clear();
        }
        Ok(())
    }

    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        for &b in data {
            self.try_push(b)?;
        }
        Ok(())
    }

    fn finalize(self) -> postcard::Result<()> {
        if !self.buf.is_empty() {
            (self.sink)(&self.buf);
        }
        Ok(())
    }
}

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
        let mut out = Vec::new();
        self.snapshot_chunks(|c| out.extend_from_slice(c));
        out
    }

    /// The snapshot, handed to `sink` in pieces of about 1 MiB, so writing
    /// one never holds a second copy of the state in wasm memory (which
    /// never shrinks).
    pub fn snapshot_chunks(&mut self, mut sink: impl FnMut(&[u8])) {
        self.events.prepare();
        sink(MAGIC);
        let flavor = Chunked { buf: Vec::with_capacity(CHUNK), sink: &mut sink };
        // Writing plain data into this sink cannot fail.
        let _ = postcard::serialize_with_flavor::<Store, _, ()>(self, flavor);
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
