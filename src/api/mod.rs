//! The engine's command interface. Every SDK call arrives as one JSON entry
//! `{ "cmd", "now", "seed"?, "input" }`. Mutations are planned (validated,
//! ids and times fixed, nothing changed), then committed or discarded;
//! the same entry replayed from a log plans the same change. Queries read.

mod changes;
mod contacts;
mod events;
mod fields;
pub mod ids;
mod input;
mod output;
mod plan;
mod profile;
mod props;
mod refs;
pub mod scan;
mod schema;
mod segments;
mod text_import;

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::engine::snapshot::Store;
use crate::error::{Error, Result};
use crate::text::clip;
use ids::IdGen;
use plan::Planned;

#[derive(Deserialize)]
pub(crate) struct Entry<'a> {
    #[serde(borrow)]
    cmd: Cow<'a, str>,
    now: f64,
    #[serde(default)]
    seed: [u32; 4],
    /// The segment or contact a command is about, when the caller names it
    /// apart from the input (`update(id, patch)`). Older log entries carry
    /// it as `input.id` instead; both are read.
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    /// Kept as text: every command reads its fields from it directly.
    #[serde(borrow, default)]
    input: Option<&'a RawValue>,
    /// Text after the entry's `BODY_SEPARATOR`: the NDJSON or CSV of a
    /// text import (`text_import.rs`), which `input` describes.
    #[serde(skip)]
    body: Option<&'a str>,
}

impl<'a> Entry<'a> {
    pub(crate) fn raw(&self) -> &'a RawValue {
        self.input.unwrap_or(RawValue::NULL)
    }

    /// The input object, allowed to have `allowed` keys (and `id`, when
    /// the entry does not name it). No input reads as an empty object.
    pub(crate) fn fields(&self, allowed: &[&str]) -> Result<fields::Fields<'a>> {
        let f = match self.input.filter(|r| r.get() != "null") {
            None => fields::Fields(Vec::new()),
            Some(raw) => fields::Fields::read(raw, "", "input")?,
        };
        if self.id.is_some() {
            f.only(allowed, "")?;
        } else {
            let mut with_id = allowed.to_vec();
            with_id.push("id");
            f.only(&with_id, "")?;
        }
        Ok(f)
    }

    /// The id the command is about: the entry's, or the input's `id`.
    pub(crate) fn target(&self, f: &fields::Fields<'_>, prefix: &str, what: &str) -> Result<u128> {
        match &self.id {
            Some(s) => input::id_str(s, prefix, what),
            None => input::id(f.get("id"), prefix, what),
        }
    }
}

/// Between a text import's command and its text (README, "Imports from text").
pub const BODY_SEPARATOR: char = '\u{1e}';

fn read_entry(entry: &str) -> Result<(Entry<'_>, i64)> {
    // A text import's entry is its command, an ASCII record separator (which
    // no JSON text holds raw: control characters are escaped in strings and
    // are not whitespace), then the text as it came.
    let (text, body) = match entry.split_once(BODY_SEPARATOR) {
        Some((head, body)) => (head, Some(body)),
        None => (entry, None),
    };
    if let Some(p) = scan::check(text, scan::MAX_INPUT_DEPTH + 1) {
        let path = p.path.strip_prefix("input").map(|r| r.trim_start_matches('.')).unwrap_or(&p.path).to_string();
        return Err(if p.lone_surrogate {
            props::lone_surrogate(&path)
        } else {
            Error::invalid(
                path,
                format!(
                    "input nests deeper than {} levels; rules nest at most {} groups and property values at most {} levels",
                    scan::MAX_INPUT_DEPTH,
                    crate::rules::MAX_DEPTH,
                    scan::MAX_VALUE_DEPTH
                ),
            )
        });
    }
    // serde's derive would read a JSON array as positional fields; an entry
    // is an object, like every input record.
    if !text.trim_start().starts_with('{') {
        return Err(Error::invalid("", "a command entry must be a JSON object"));
    }
    let mut e: Entry = serde_json::from_str(text).map_err(|err| Error::invalid("", format!("input is not valid JSON: {err}")))?;
    if body.is_some() && !matches!(e.cmd.as_ref(), "contacts.import" | "events.import") {
        return Err(Error::invalid("", "only contacts.import and events.import take text after the command"));
    }
    e.body = body;
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
    /// The planned mutation, with its entry's `now` and seed.
    pending: Option<(Planned, i64, [u32; 4])>,
    /// The membership changes the last commit recorded.
    changes: Vec<(u128, crate::engine::feed::Change)>,
}

impl Engine {
    pub fn new() -> Self {
        Engine::default()
    }

    pub fn restore(bytes: &[u8]) -> Result<Self> {
        let mut store = Store::restore(bytes)?;
        crate::engine::live::restored(&mut store);
        Ok(Engine { store, pending: None, changes: Vec::new() })
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
            "segments.create" => segments::create(s, &e, now, gen)?,
            "segments.update" => segments::update(s, &e, now)?,
            "segments.delete" => segments::delete(s, &e)?,
            "segments.compute" => segments::compute(s, &e, now)?,
            "contacts.create" => contacts::create(s, &e, now, gen)?,
            "contacts.update" => contacts::update(s, &e, now)?,
            "contacts.delete" => contacts::delete(s, &e)?,
            "contacts.import" => contacts::import(s, &e, now, gen)?,
            "events.track" => events::track(s, &e, now, gen)?,
            "events.import" => events::import(s, &e, now, gen)?,
            // Only the clock moves: live segments apply what time changed.
            "segments.tick" => {
                e.fields(&[])?;
                Planned { plan: plan::Plan::Nothing, reply: plan::Reply::Nothing, last_id: 0 }
            }
            other => return Err(Error::invalid("cmd", format!("unknown command '{}'", clip(other)))),
        };
        self.pending = Some((planned, now, e.seed));
        Ok(())
    }

    /// Applies the planned mutation and returns its reply JSON.
    pub fn commit(&mut self) -> Option<String> {
        let (p, now, seed) = self.pending.take()?;
        let (reply, changes) = plan::apply(&mut self.store, p, now, seed);
        self.changes = changes;
        Some(reply)
    }

    /// How many membership changes the last commit recorded.
    pub fn change_count(&self) -> usize {
        self.changes.len()
    }

    /// The membership changes the last commit recorded, as a JSON array
    /// of Change objects, in feed order.
    pub fn changes(&self) -> String {
        changes::render(&self.store, &self.changes)
    }

    /// When live segments next need the clock applied (epoch ms), if ever.
    pub fn wake_at(&self) -> Option<i64> {
        crate::engine::live::wake_at(&self.store)
    }

    /// A dry run of an import: planned (so validated, with its counts)
    /// and never applied; a plan awaiting its commit is kept.
    fn dry_run(&mut self, entry: &str) -> Result<String> {
        let waiting = self.pending.take();
        let planned = self.plan(entry).map(|_| self.pending.take());
        self.pending = waiting;
        Ok(match planned? {
            Some((Planned { reply: plan::Reply::Json(text), .. }, _, _)) => text,
            _ => "null".into(),
        })
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
        if e.cmd == "contacts.import" || e.cmd == "events.import" {
            return self.dry_run(entry);
        }
        if e.cmd == "segments.preview" || e.cmd == "segments.explain" {
            self.store.events.prepare();
        }
        if e.cmd == "debug.nextChange" {
            // For benchmarks: the segment's next change is scanned afresh.
            let id = e.fields(&[]).and_then(|f| e.target(&f, ids::SEGMENT, "segment"));
            if let Ok(id) = id {
                if let Some(i) = self.store.segments.find(id) {
                    self.store.segments.get_mut(i).next.exact = false;
                }
            }
        }
        if matches!(e.cmd.as_ref(), "segments.get" | "segments.list" | "debug.nextChange") {
            crate::engine::live::refresh(&mut self.store);
        }
        let s = &self.store;
        match e.cmd.as_ref() {
            "segments.get" => segments::get(s, &e),
            "segments.list" => segments::list(s, &e),
            "segments.listMembers" => segments::members(s, &e),
            "segments.preview" => segments::preview(s, &e, now),
            "segments.explain" => segments::explain(s, &e, now),
            "segments.changes" => changes::page(s, &e),
            "changes.head" => changes::head_query(s, &e),
            "contacts.get" => contacts::get(s, &e),
            "contacts.getByEmail" => contacts::get_by_email(s, &e),
            "contacts.list" => contacts::list(s, &e),
            "contacts.events" => profile::events(s, &e),
            "contacts.segments" => profile::segments(s, &e),
            "schema" => e.fields(&[]).map(|_| schema::schema(s)),
            "stats" => Ok(format!(
                "{{\"contacts\":{},\"events\":{},\"segments\":{},\"changes\":{},\"heapBytes\":{}}}",
                s.contacts.live_count(),
                s.events.total(),
                s.segments.all().len(),
                s.segments.all().iter().map(|g| g.feed.len()).sum::<usize>(),
                s.heap_bytes()
            )),
            // For benchmarks: one nextChangeAt scan (above), answered as the Segment.
            "debug.nextChange" => segments::get(s, &e),
            other => Err(Error::invalid("cmd", format!("unknown query '{}'", clip(other)))),
        }
    }
}

#[cfg(test)]
mod tests;
