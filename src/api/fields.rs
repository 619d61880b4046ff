//! Input objects read as (key, raw JSON value) pairs straight from the
//! command text, for single commands and bulk imports alike.
//!
//! Nothing is parsed into a `serde_json::Value` tree: each field stays a
//! borrowed slice of the input, and only what is kept is copied out. Every
//! object says which keys it allows, so an unknown key (a typo such as
//! `propertys`) is a VALIDATION_ERROR at its path instead of being dropped.
//! A record that is not an object (an array, say) is refused here too:
//! nothing reads a sequence as positional fields.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::{join_path, Detail, Error, Result};

/// A JSON object's members in input order. A repeated key is kept twice;
/// readers take the last, as `JSON.parse` does.
pub struct Fields<'a>(pub Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> std::result::Result<Fields<'de>, A::Error> {
                let mut out = Vec::with_capacity(m.size_hint().unwrap_or(8));
                while let Some((k, v)) = m.next_entry::<Cow<'de, str>, &'de RawValue>()? {
                    out.push((k, v));
                }
                Ok(Fields(out))
            }
        }
        d.deserialize_map(V)
    }
}

impl<'a> Fields<'a> {
    /// The object at `path`, or a VALIDATION_ERROR there (`what` says
    /// what it should be).
    pub fn read(raw: &'a RawValue, path: &str, what: &str) -> Result<Fields<'a>> {
        serde_json::from_str(raw.get()).map_err(|_| Error::invalid(path, format!("{what} must be an object")))
    }

    /// Errors for every key outside `allowed`, each at its own path.
    pub fn only(&self, allowed: &[&str], path: &str) -> Result<()> {
        let details: Vec<Detail> = self
            .0
            .iter()
            .filter(|(k, _)| !allowed.contains(&k.as_ref()))
            .map(|(k, _)| Detail {
                path: join_path(path, k),
                message: format!("unknown key '{}'; allowed keys are {}", crate::text::clip(k), allowed.join(", ")),
            })
            .collect();
        if details.is_empty() {
            Ok(())
        } else {
            Err(Error::validation(details))
        }
    }

    /// The last value of `key`, with `null` counting as absent.
    pub fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| *v).filter(|v| v.get() != "null")
    }

    /// Whether `key` is present at all, `null` included.
    pub fn has(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }
}

/// Hands each record of a bulk input to `one(i, record)` (true: stop), read
/// as an object or an error saying it must be one (`record` names what it
/// should be). Input whose records are all objects is read in one pass; only
/// one with a bad record is read again, record by record, for the errors.
pub fn each_record<'a>(input: &'a RawValue, what: &str, record: &str, one: &mut dyn FnMut(usize, Result<Fields<'a>>) -> bool) -> Result<()> {
    if let Ok(all) = serde_json::from_str::<Vec<Fields<'a>>>(input.get()) {
        for (i, f) in all.into_iter().enumerate() {
            if one(i, Ok(f)) {
                break;
            }
        }
        return Ok(());
    }
    let raws: Vec<&RawValue> =
        serde_json::from_str(input.get()).map_err(|_| Error::invalid("", format!("{what} takes an array of records")))?;
    for (i, raw) in raws.into_iter().enumerate() {
        if one(i, Fields::read(raw, "", record)) {
            break;
        }
    }
    Ok(())
}

/// Import errors list at most this many bad records.
pub const MAX_ERROR_RECORDS: usize = 100;

/// The bad records of an import, each error under its index `[i]`.
#[derive(Default)]
pub struct Errors {
    details: Vec<Detail>,
    records: usize,
}

impl Errors {
    /// Adds record `i`'s error; true once `MAX_ERROR_RECORDS` records are
    /// bad (stop reading). Errors other than validation end the batch.
    pub fn add(&mut self, i: usize, err: Error) -> bool {
        let err = err.under(&format!("[{i}]"));
        if err.code != crate::error::Code::ValidationError {
            self.details.clear();
            self.details.push(Detail { path: String::new(), message: err.message });
            self.records = MAX_ERROR_RECORDS;
            return true;
        }
        self.details.extend(err.details);
        self.records += 1;
        self.records >= MAX_ERROR_RECORDS
    }

    /// Whether `MAX_ERROR_RECORDS` records are bad (stop reading).
    pub fn full(&self) -> bool {
        self.records >= MAX_ERROR_RECORDS
    }

    pub fn into_result(self) -> Result<()> {
        if self.records == 0 {
            return Ok(());
        }
        let mut e = Error::validation(self.details);
        if self.records > 1 {
            e.message = format!("{} records are invalid; the first: {}", self.records, e.message);
        }
        Err(e)
    }
}
