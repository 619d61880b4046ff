//! The whole engine state as bytes and back. Storage keeps the latest
//! snapshot plus a log of later commands, so reopening reads a few large
//! values instead of replaying every record. Lookup maps are not stored;
//! they are rebuilt on restore.
//!
//! Format `KSG6`: the marker, the postcard body, then a 16-byte trailer
//! (body length and XXH3-64 of the body, little-endian). The trailer sits
//! at the end because the body is streamed out in pieces as it is written.
//! Restoring checks the trailer, decodes, then checks every invariant the
//! engine indexes by (lengths, orders, codes, slots) before using any of
//! it, so bad bytes are a STORAGE_ERROR naming what is wrong, never a trap.
//! Snapshots of earlier formats still restore: `KSG5` (no data time: the
//! newest contact write stands in), `KSG4` (no live segments or feeds) and
//! `KSG3` (no trailer, no event properties).

use serde::{Deserialize, Serialize};

use super::contacts::Contacts;
use super::events::Events;
use super::segments::Segments;
use crate::error::{Code, Error};
use crate::rules::parse_rules;

const MAGIC: &[u8; 4] = b"KSG6";
const MAGIC_V5: &[u8; 4] = b"KSG5";
const MAGIC_V4: &[u8; 4] = b"KSG4";
const MAGIC_V3: &[u8; 4] = b"KSG3";
const TRAILER: usize = 16;
const CHUNK: usize = 1 << 20;

/// A postcard output that passes on each full buffer.
struct Chunked<'a, F: FnMut(&[u8])> {
    buf: Vec<u8>,
    sink: &'a mut F,
    hash: xxhash_rust::xxh3::Xxh3,
    len: u64,
}

impl<F: FnMut(&[u8])> Chunked<'_, F> {
    fn flush(&mut self) {
        self.hash.update(&self.buf);
        self.len += self.buf.len() as u64;
        (self.sink)(&self.buf);
        self.buf.clear();
    }
}

impl<F: FnMut(&[u8])> postcard::ser_flavors::Flavor for Chunked<'_, F> {
    type Output = ();

    fn try_push(&mut self, b: u8) -> postcard::Result<()> {
        self.buf.push(b);
        if self.buf.len() >= CHUNK {
            self.flush();
        }
        Ok(())
    }

    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        for &b in data {
            self.try_push(b)?;
        }
        Ok(())
    }

    fn finalize(mut self) -> postcard::Result<()> {
        if !self.buf.is_empty() {
            self.flush();
        }
        let mut trailer = [0u8; TRAILER];
        trailer[..8].copy_from_slice(&self.len.to_le_bytes());
        trailer[8..].copy_from_slice(&self.hash.digest().to_le_bytes());
        (self.sink)(&trailer);
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
    /// The instant live segments were last brought up to (`live/`).
    pub clock: i64,
    /// When contacts or events last changed (epoch ms; 0: never), so a
    /// computed segment can be told apart from a stale one.
    pub data_at: i64,
}

/// The layout of `KSG5` snapshots: no data time.
#[derive(Deserialize)]
struct StoreV5 {
    contacts: Contacts,
    events: Events,
    segments: Segments,
    last_id: u128,
    clock: i64,
}

/// The layout of `KSG4` snapshots: no live segments or change feeds.
#[derive(Deserialize)]
struct StoreV4 {
    contacts: Contacts,
    events: Events,
    segments: super::segments::v4::Segments,
    last_id: u128,
}

/// The layout of `KSG3` snapshots (release 0.1.0): no event properties.
#[derive(Deserialize)]
struct StoreV3 {
    contacts: Contacts,
    events: super::events::v3::Events,
    segments: super::segments::v4::Segments,
    last_id: u128,
}

/// Decodes a snapshot body of either format.
fn decode(bytes: &[u8]) -> Result<Store, String> {
    let undecodable = |e: postcard::Error| format!("it does not decode ({e})");
    if let Some(body) = bytes.strip_prefix(MAGIC_V3.as_slice()) {
        let v: StoreV3 = postcard::from_bytes(body).map_err(undecodable)?;
        return Ok(Store {
            contacts: v.contacts,
            events: Events::from_v3(v.events),
            segments: v.segments.into(),
            last_id: v.last_id,
            clock: 0,
            data_at: 0,
        });
    }
    if bytes.starts_with(MAGIC_V4) {
        let v: StoreV4 = postcard::from_bytes(body(bytes, MAGIC_V4)?).map_err(undecodable)?;
        return Ok(Store { contacts: v.contacts, events: v.events, segments: v.segments.into(), last_id: v.last_id, clock: 0, data_at: 0 });
    }
    if bytes.starts_with(MAGIC_V5) {
        let v: StoreV5 = postcard::from_bytes(body(bytes, MAGIC_V5)?).map_err(undecodable)?;
        return Ok(Store { contacts: v.contacts, events: v.events, segments: v.segments, last_id: v.last_id, clock: v.clock, data_at: 0 });
    }
    postcard::from_bytes(body(bytes, MAGIC)?).map_err(undecodable)
}

/// The postcard body of a `KSG4` snapshot, after checking its marker and
/// trailer.
fn body<'a>(bytes: &'a [u8], magic: &[u8; 4]) -> Result<&'a [u8], String> {
    let rest = bytes.strip_prefix(magic.as_slice()).ok_or("wrong format marker (not a Kraiter snapshot)")?;
    if rest.len() < TRAILER {
        return Err(format!("it is cut short ({} bytes)", bytes.len()));
    }
    let (body, trailer) = rest.split_at(rest.len() - TRAILER);
    let mut word = [0u8; 8];
    word.copy_from_slice(&trailer[..8]);
    let len = u64::from_le_bytes(word);
    word.copy_from_slice(&trailer[8..]);
    let sum = u64::from_le_bytes(word);
    if len != body.len() as u64 {
        return Err(format!("its length is wrong ({} bytes of body, the trailer says {len}): cut short or extended", body.len()));
    }
    if xxhash_rust::xxh3::xxh3_64(body) != sum {
        return Err("its checksum does not match: the bytes were changed after writing".into());
    }
    Ok(body)
}

/// Wraps a postcard body as a snapshot, for tests and the fuzz target
/// (which thereby reaches the decoder and the invariant checks).
pub fn wrap_body(body: &[u8]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(body);
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(body).to_le_bytes());
    out
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
        let flavor = Chunked { buf: Vec::with_capacity(CHUNK), sink: &mut sink, hash: xxhash_rust::xxh3::Xxh3::new(), len: 0 };
        // Writing plain data into this sink cannot fail.
        let _ = postcard::serialize_with_flavor::<Store, _, ()>(self, flavor);
    }

    pub fn restore(bytes: &[u8]) -> Result<Store, Error> {
        let bad = |m: &str| Error::new(Code::StorageError, format!("snapshot is unreadable: {m}"));
        let mut s = decode(bytes).map_err(|m| bad(&m))?;
        s.check_and_index().map_err(|m| bad(&m))?;
        if s.data_at == 0 {
            s.data_at = (0..s.contacts.slots()).map(|slot| s.contacts.updated_at(slot)).max().unwrap_or(0);
        }
        for seg in s.segments.iter_mut() {
            let v: serde_json::Value = serde_json::from_str(&seg.rules_json).map_err(|e| bad(&e.to_string()))?;
            seg.rules = Some(parse_rules(&v, "rules").map_err(|e| bad(&e.message))?);
        }
        Ok(s)
    }

    /// Every invariant the engine relies on, checked on decoded data; the
    /// lookup maps are rebuilt in between (some checks need them).
    fn check_and_index(&mut self) -> Result<(), String> {
        self.contacts.validate()?;
        self.events.validate(self.contacts.slots())?;
        self.segments.validate(self.contacts.alive())?;
        let max_id = self.contacts.ids().last().copied().unwrap_or(0).max(self.segments.all().last().map_or(0, |s| s.id));
        if self.last_id < max_id {
            return Err("the last id handed out is older than a stored id".into());
        }
        self.contacts.reindex();
        self.events.reindex();
        self.contacts.validate_index()?;
        self.events.validate_index()
    }

    /// What rules are evaluated against (`events` must be prepared).
    pub fn data(&self) -> super::eval::Data<'_> {
        super::eval::Data { contacts: &self.contacts, events: &self.events, segments: &self.segments }
    }

    pub fn heap_bytes(&self) -> usize {
        self.contacts.heap_bytes() + self.events.heap_bytes() + self.segments.heap_bytes()
    }
}
