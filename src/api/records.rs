//! Contact and event records read straight from JSON text, for bulk imports.
//!
//! A batch arrives as one string. Parsing it into a `serde_json::Value` tree
//! costs hundreds of bytes and several allocations per record, which in wasm
//! means memory growth and slow imports; here each record is a borrowed slice
//! of the input, its fields are borrowed slices too, and only what is kept
//! (emails, property values) is copied out.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::engine::contacts::{Change, Contacts};
use crate::engine::value::PRef;
use crate::error::{Error, Result};

/// The fields of a contact record the API reads.
#[derive(Deserialize, Default)]
pub struct ContactRec<'a> {
    #[serde(borrow, default)]
    pub email: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub properties: Option<&'a RawValue>,
}

/// The fields of an event record the API reads.
#[derive(Deserialize, Default)]
pub struct EventRec<'a> {
    #[serde(borrow, default)]
    pub name: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "contactId")]
    pub contact_id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub email: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub properties: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub timestamp: Option<&'a RawValue>,
}

/// The records of an array input, each still JSON text.
pub fn array<'a>(input: &'a RawValue, what: &str) -> Result<Vec<&'a RawValue>> {
    serde_json::from_str(input.get()).map_err(|_| Error::invalid("", format!("{what} takes an array")))
}

/// One record: an object with the fields of `T`.
pub fn record<'a, T: Deserialize<'a>>(raw: &'a RawValue, path: &str) -> Result<T> {
    serde_json::from_str(raw.get()).map_err(|_| Error::invalid(path, "must be an object"))
}

/// `null` counts as absent.
pub fn present(v: Option<&RawValue>) -> Option<&RawValue> {
    v.filter(|r| r.get() != "null")
}

/// A small field (email, name, timestamp) as a Value for the shared checks.
pub fn small(v: Option<&RawValue>) -> Option<Value> {
    present(v).and_then(|r| serde_json::from_str(r.get()).ok())
}

/// A string field, borrowed when it has no escapes.
pub fn string<'a>(v: &'a RawValue) -> Option<Cow<'a, str>> {
    serde_json::from_str::<Cow<'a, str>>(v.get()).ok()
}

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

/// A property value from its JSON text; `None` for a string that does not
/// decode to Unicode (a lone surrogate escape).
pub fn value(raw: &RawValue) -> Option<PIn<'_>> {
    let text = raw.get();
    Some(match text.as_bytes().first() {
        Some(b'n') => PIn::Null,
        Some(b't') => PIn::Bool(true),
        Some(b'f') => PIn::Bool(false),
        Some(b'"') => PIn::Str(string(raw)?),
        Some(b'[' | b'{') => PIn::Json(text),
        _ => match text.parse::<f64>() {
            Ok(f) if f.is_finite() => PIn::Num(f),
            _ => PIn::Null,
        },
    })
}

/// A `properties` object as (key, raw value) pairs in input order.
pub struct Props<'a>(pub Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de> Deserialize<'de> for Props<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Props<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> std::result::Result<Props<'de>, A::Error> {
                let mut out = Vec::with_capacity(m.size_hint().unwrap_or(8));
                // A repeated key is kept twice; applied in order, the last wins.
                while let Some((k, v)) = m.next_entry::<Cow<'de, str>, &'de RawValue>()? {
                    out.push((k, v));
                }
                Ok(Props(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// A `properties` field: absent or null is empty; anything but an object is
/// an error at `path`. Values are checked as they are planned (`plan_changes`).
pub fn props<'a>(v: Option<&'a RawValue>, path: &str) -> Result<Props<'a>> {
    match present(v) {
        None => Ok(Props(Vec::new())),
        Some(r) => serde_json::from_str(r.get()).map_err(|_| Error::invalid(path, "properties must be an object")),
    }
}

/// Plans a record's properties against the contact store: known keys and
/// values become column indexes and codes. With `null_removes`, a `null`
/// removes the key (updates); otherwise it is stored (creates).
pub fn plan_changes(contacts: &Contacts, props: Props<'_>, null_removes: bool, path: &str) -> Result<Vec<Change>> {
    let mut out = Vec::with_capacity(props.0.len());
    for (k, raw) in props.0 {
        let Some(v) = value(raw) else {
            return Err(Error::invalid(crate::error::join_path(path, &k), "strings must be valid Unicode (no lone surrogates)"));
        };
        let key = contacts.plan_key(&k);
        let val = if null_removes && matches!(v, PIn::Null) { None } else { Some(contacts.plan_value(&key, v.as_ref())) };
        out.push((key, val));
    }
    Ok(out)
}

/// An `email` field: a string that passes `input::email_str`.
pub fn email(v: Option<&RawValue>, path: &str) -> Result<String> {
    let Some(raw) = present(v) else { return Err(Error::invalid(path, "email is required")) };
    let Some(s) = raw.get().starts_with('"').then(|| string(raw)).flatten() else {
        return Err(Error::invalid(path, "email must be a string"));
    };
    crate::api::input::email_str(&s, path).map(str::to_string)
}

/// An event `timestamp` field: absent means `default`.
pub fn timestamp(v: Option<&RawValue>, path: &str, default: i64) -> Result<i64> {
    match present(v) {
        Some(raw) if raw.get().starts_with('"') => string(raw)
            .and_then(|s| crate::time::parse_iso(&s))
            .ok_or_else(|| Error::invalid(path, "timestamp must be an ISO 8601 date")),
        other => crate::api::input::timestamp(small(other).as_ref(), path, default),
    }
}
