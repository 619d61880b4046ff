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

use crate::engine::value::PValue;
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

/// A property value from its JSON text.
pub fn value(raw: &RawValue) -> PValue {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'n') => PValue::Null,
        Some(b't') => PValue::Bool(true),
        Some(b'f') => PValue::Bool(false),
        Some(b'"') => PValue::Str(string(raw).map(|s| s.into_owned().into_boxed_str()).unwrap_or_default()),
        Some(b'[' | b'{') => PValue::Json(text.into()),
        _ => match text.parse::<f64>() {
            Ok(f) if f.is_finite() => PValue::Num(if f == 0.0 { 0.0 } else { f }),
            _ => PValue::Null,
        },
    }
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
/// an error at `path`.
pub fn props<'a>(v: Option<&'a RawValue>, path: &str) -> Result<Props<'a>> {
    match present(v) {
        None => Ok(Props(Vec::new())),
        Some(r) => {
            let p: Props = serde_json::from_str(r.get()).map_err(|_| Error::invalid(path, "properties must be an object"))?;
            // A string that does not decode (a lone surrogate escape) would be stored as "".
            if let Some((k, _)) = p.0.iter().find(|(_, v)| v.get().starts_with('"') && string(v).is_none()) {
                return Err(Error::invalid(crate::error::join_path(path, k), "strings must be valid Unicode (no lone surrogates)"));
            }
            Ok(p)
        }
    }
}
