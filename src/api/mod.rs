//! The engine's command interface. Every SDK call arrives as one JSON entry
//! `{ "cmd", "now", "seed"?, "input" }`. Mutations are planned (validated,
//! ids and times fixed, nothing changed), then committed or discarded;
//! the same entry replayed from a log plans the same change. Queries read.

mod contacts;
mod events;
pub mod ids;
mod input;
mod output;
mod plan;
mod records;
mod segments;

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::engine::snapshot::Store;
use crate::error::{Error, Result};
use ids::IdGen;
use plan::Planned;

#[derive(Deserialize)]
struct Entry<'a> {
    #[serde(borrow)]
    cmd: Cow<'a, str>,
    now: f64,
    #[serde(default)]
    seed: [u32; 4],
    /// Kept as text: bulk commands read records from it directly, the
    /// others parse it into a `Value`.
    #[serde(borrow, default)]
    input: Option<&'a RawValue>,
}

impl Entry<'_> {
    fn raw(&self) -> &RawValue {
        self.input.unwrap_or(RawValue::NULL)
    }

    fn value(&self) -> Result<Value> {
        serde_json::from_str(self.raw().get()).map_err(|e| Error::invalid("", format!("input is not valid JSON: {e}")))
    }
}

fn read_entry(text: &str) -> Result<(Entry<'_>, i64)> {
    let e: Entry = serde_json::from_str(text).map_err(|err| {
        let msg = err.to_string();
        if msg.contains("recursion limit") {
            Error::invalid("", "input nests too deeply")
        } else {
            Error::invalid("", format!("input is not valid JSON: {msg}"))
        }
    })?;
    if !e.now.is_finite() || !(crate::time::MIN_MS as f64..=crate::time::MAX_MS as f64).contains(&e.now) {
        return Err(Error::invalid("now", "the clock returned an invalid time"));
    }
    let now = e.now.floor() as i64;
    Ok((e, now))
}

/// Engine state plus at most one planned, uncommitted mutation.
#[derive(Default)]
pub struct Engine {
    store: Store,
    pending: Option<Planned>,
}

impl Engine {
    pub fn new() -> Self {
        Engine::default()
    }

    pub fn restore(bytes: &[u8]) -> Result<Self> {
        Ok(Engine { store: Store::restore(bytes)?, pending: None })
    }

    pub fn snapshot(&mut self) -> Vec<u8> {
        self.store.snapshot()
    }

    /// The snapshot in pieces (see `Store::snapshot_chunks`).
    pub fn snapshot_chunks(&mut self, sink: impl FnMut(&[u8])) {
        self.store.snapshot_chunks(sink)
    }

    /// Validates a mutation against the current state; nothing changes
    /// until `commit`. A previous uncommitted plan is dropped.
    pub fn plan(&mut self, entry: &str) -> Result<()> {
        self.pending = None;
        let (e, now) = read_entry(entry)?;
        let gen = IdGen::new(self.store.last_id, now, e.seed);
        if e.cmd == "segments.compute" {
            self.store.events.prepare();
        }
        let s = &self.store;
        let planned = match e.cmd.as_ref() {
            "segments.create" => segments::create(&e.value()?, now, gen)?,
            "segments.update" => segments::update(s, &e.value()?, now)?,
            "segments.delete" => segments::delete(s, &e.value()?)?,
            "segments.compute" => segments::compute(s, &e.value()?, now)?,
            "contacts.create" => contacts::create(s, e.raw(), now, gen)?,
            "contacts.update" => contacts::update(s, &e.value()?, now)?,
            "contacts.delete" => contacts::delete(s, &e.value()?)?,
            "contacts.import" => contacts::import(s, e.raw(), now, gen)?,
            "events.track" => events::track(s, e.raw(), now, gen)?,
            "events.import" => events::import(s, e.raw(), now, gen)?,
            other => return Err(Error::invalid("cmd", format!("unknown command '{}'", input::clip(other)))),
        };
        self.pending = Some(planned);
        Ok(())
    }

    /// Applies the planned mutation and returns its reply JSON.
    pub fn commit(&mut self) -> Option<String> {
        self.pending.take().map(|p| plan::apply(&mut self.store, p))
    }

    pub fn discard(&mut self) {
        self.pending = None;
    }

    /// Plans and commits in one step (tests, replay).
    pub fn execute(&mut self, entry: &str) -> Result<String> {
        self.plan(entry)?;
        Ok(self.commit().unwrap_or_else(|| "null".into()))
    }

    /// Answers a read-only command.
    pub fn query(&mut self, entry: &str) -> Result<String> {
        let (e, now) = read_entry(entry)?;
        if e.cmd == "segments.preview" {
            self.store.events.prepare();
        }
        let s = &self.store;
        match e.cmd.as_ref() {
            "segments.get" => segments::get(s, &e.value()?),
            "segments.list" => segments::list(s, &e.value()?),
            "segments.listMembers" => segments::members(s, &e.value()?),
            "segments.preview" => segments::preview(s, &e.value()?, now),
            "contacts.get" => contacts::get(s, &e.value()?),
            "contacts.list" => contacts::list(s, &e.value()?),
            "stats" => Ok(format!(
                "{{\"contacts\":{},\"events\":{},\"segments\":{},\"heapBytes\":{}}}",
                s.contacts.live_count(),
                s.events.total(),
                s.segments.all().len(),
                s.heap_bytes()
            )),
            other => Err(Error::invalid("cmd", format!("unknown query '{}'", input::clip(other)))),
        }
    }
}

#[cfg(test)]
mod tests;
