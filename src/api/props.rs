//! Property objects (of contacts, and of events) read from their JSON text:
//! each value borrowed where it can be, checked (valid Unicode, nesting at
//! most `MAX_VALUE_DEPTH` levels), and planned against the contact columns
//! so that a bulk import copies only keys and values new to the store.

use std::borrow::Cow;

use serde_json::value::RawValue;

use super::fields::Fields;
use super::input::string;
use super::scan::{self, MAX_VALUE_DEPTH};
use crate::engine::contacts::{Change, Contacts};
use crate::engine::events::{EventProp, Events};
use crate::engine::value::PRef;
use crate::error::{join_path, Error, Result};

/// A property value read from its JSON text, borrowed where it can be.
pub enum PIn<'a> {
    Null,
    Bool(bool),
    Num(f64),
    Str(Cow<'a, str>),
    Json(&'a str),
}

impl PIn<'_> {
    pub fn as_ref(&self) -> PRef<'_> {
        match self {
            PIn::Null => PRef::Null,
            PIn::Bool(b) => PRef::Bool(*b),
            PIn::Num(n) => PRef::Num(*n),
            PIn::Str(s) => PRef::Str(s),
            PIn::Json(j) => PRef::Json(j),
        }
    }
}

/// A property value from its JSON text, checked; `path` names it (made
/// only for an error: an import reads millions of values).
pub fn value<'a>(raw: &'a RawValue, path: &dyn Fn() -> String) -> Result<PIn<'a>> {
    let text = raw.get();
    Ok(match text.as_bytes().first() {
        Some(b'n') => PIn::Null,
        Some(b't') => PIn::Bool(true),
        Some(b'f') => PIn::Bool(false),
        Some(b'"') => PIn::Str(string(raw).ok_or_else(|| lone_surrogate(&path()))?),
        Some(b'[' | b'{') => {
            if let Some(p) = scan::check(text, MAX_VALUE_DEPTH) {
                let at = join_path(&path(), &p.path);
                return Err(if p.lone_surrogate {
                    lone_surrogate(&at)
                } else {
                    Error::invalid(at, format!("property values nest at most {MAX_VALUE_DEPTH} levels deep"))
                });
            }
            PIn::Json(text)
        }
        _ => match text.parse::<f64>() {
            Ok(f) if f.is_finite() => PIn::Num(f),
            _ => PIn::Null,
        },
    })
}

pub fn lone_surrogate(path: &str) -> Error {
    Error::invalid(path, "strings must be valid Unicode: this one has a lone surrogate (\\ud800-\\udfff)")
}

/// A `properties` field: absent (or null) is empty; anything but an object
/// is an error at `path`.
pub fn read<'a>(v: Option<&'a RawValue>, path: &str) -> Result<Fields<'a>> {
    match v {
        None => Ok(Fields(Vec::new())),
        Some(r) => Fields::read(r, path, "properties"),
    }
}

/// A property object's keys and checked values, in input order (a repeated
/// key is kept twice: planned in order, the last wins). `path` names it.
pub type Pairs<'a> = Vec<(Cow<'a, str>, PIn<'a>)>;

/// Reads and checks a properties object into pairs.
pub fn pairs<'a>(props: Fields<'a>, path: &str) -> Result<Pairs<'a>> {
    let mut out = Vec::with_capacity(props.0.len());
    for (k, raw) in props.0 {
        let v = value(raw, &|| join_path(path, &k))?;
        out.push((k, v));
    }
    Ok(out)
}

/// Plans a record's properties against the contact store: known keys and
/// values become column indexes and codes. With `null_removes`, a `null`
/// removes the key (updates); otherwise it is stored (creates).
pub fn plan_changes(contacts: &Contacts, props: Fields<'_>, null_removes: bool, path: &str) -> Result<Vec<Change>> {
    Ok(plan_pairs(contacts, &pairs(props, path)?, null_removes))
}

/// `plan_changes` for pairs already read (arrays, NDJSON and CSV alike).
pub fn plan_pairs(contacts: &Contacts, pairs: &[(Cow<'_, str>, PIn<'_>)], null_removes: bool) -> Vec<Change> {
    pairs
        .iter()
        .map(|(k, v)| {
            let key = contacts.plan_key(k);
            let val = if null_removes && matches!(v, PIn::Null) { None } else { Some(contacts.plan_value(&key, v.as_ref())) };
            (key, val)
        })
        .collect()
}

/// Event properties: at most 100 keys of 1 to 200 characters, values as
/// for contacts.
pub const MAX_EVENT_PROPERTIES: usize = 100;

/// An event property key: 1 to 200 characters; `at` names it.
pub fn check_event_key(k: &str, at: &dyn Fn() -> String) -> Result<()> {
    if k.is_empty() || k.chars().count() > 200 {
        return Err(Error::invalid(at(), "event property keys are 1 to 200 characters"));
    }
    Ok(())
}

/// Checks an event's `properties`: its text as given (for track's reply)
/// and its pairs.
pub fn event_pairs<'a>(v: Option<&'a RawValue>, path: &str) -> Result<(&'a str, Pairs<'a>)> {
    let Some(raw) = v else { return Ok(("{}", Vec::new())) };
    let props = read(Some(raw), path)?;
    if props.0.len() > MAX_EVENT_PROPERTIES {
        return Err(Error::invalid(path, format!("an event has at most {MAX_EVENT_PROPERTIES} properties")));
    }
    let mut out = Vec::with_capacity(props.0.len());
    for (k, raw) in props.0 {
        let at = || join_path(path, &k);
        check_event_key(&k, &at)?;
        let v = value(raw, &at)?;
        out.push((k, v));
    }
    Ok((raw.get(), out))
}

/// Plans an event's properties against the columns of its event name
/// (`name`: the name's index, `None` if new to the store).
pub fn plan_event(events: &Events, name: Option<usize>, pairs: &[(Cow<'_, str>, PIn<'_>)]) -> Vec<EventProp> {
    pairs
        .iter()
        .map(|(k, v)| {
            let key = events.plan_key(name, k);
            let val = events.plan_value(name, &key, v.as_ref());
            (key, val)
        })
        .collect()
}
