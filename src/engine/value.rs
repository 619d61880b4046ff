//! Property values as stored in columns, and the per-column dictionary that
//! gives each distinct value one small integer code. Conditions evaluate once
//! per distinct value and then run as integer lookups over the column.

use std::cell::{Ref, RefCell};

use hashbrown::HashTable;
use rustc_hash::FxHasher;

use super::lower_text::LowerText;
use crate::time::parse_iso;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum PValue {
    Null,
    Bool(bool),
    Num(f64),
    Str(Box<str>),
    /// Arrays and objects, kept as their JSON text.
    Json(Box<str>),
}

impl PValue {
    pub fn from_json(v: &Json) -> PValue {
        match v {
            Json::Null => PValue::Null,
            Json::Bool(b) => PValue::Bool(*b),
            // serde_json numbers are always finite.
            Json::Number(n) => PValue::Num(n.as_f64().map(|f| if f == 0.0 { 0.0 } else { f }).unwrap_or(0.0)),
            Json::String(s) => PValue::Str(s.as_str().into()),
            other => PValue::Json(other.to_string().into()),
        }
    }

    fn as_ref(&self) -> PRef<'_> {
        match self {
            PValue::Null => PRef::Null,
            PValue::Bool(b) => PRef::Bool(*b),
            PValue::Num(n) => PRef::Num(*n),
            PValue::Str(s) => PRef::Str(s),
            PValue::Json(s) => PRef::Json(s),
        }
    }
}

/// A property value borrowed from the input, to look up its code without
/// allocating; only a value new to its column is copied into a `PValue`.
#[derive(Debug, Clone, Copy)]
pub enum PRef<'a> {
    Null,
    Bool(bool),
    Num(f64),
    Str(&'a str),
    Json(&'a str),
}

impl PRef<'_> {
    pub fn to_owned(self) -> PValue {
        match self {
            PRef::Null => PValue::Null,
            PRef::Bool(b) => PValue::Bool(b),
            PRef::Num(n) => PValue::Num(if n == 0.0 { 0.0 } else { n }),
            PRef::Str(s) => PValue::Str(s.into()),
            PRef::Json(s) => PValue::Json(s.into()),
        }
    }

    /// Identity: numbers by bit pattern (after -0 → 0); a string never
    /// equals a number or an array's JSON text.
    fn same(self, other: PRef<'_>) -> bool {
        match (self, other) {
            (PRef::Null, PRef::Null) => true,
            (PRef::Bool(a), PRef::Bool(b)) => a == b,
            (PRef::Num(a), PRef::Num(b)) => num_bits(a) == num_bits(b),
            (PRef::Str(a), PRef::Str(b)) | (PRef::Json(a), PRef::Json(b)) => super::bytes::eq(a.as_bytes(), b.as_bytes()),
            _ => false,
        }
    }
}

fn num_bits(f: f64) -> u64 {
    if f == 0.0 { 0 } else { f.to_bits() }
}

impl Hash for PRef<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        match *self {
            PRef::Null => h.write_u8(0),
            PRef::Bool(b) => h.write_u8(1 + u8::from(b)),
            PRef::Num(n) => {
                h.write_u8(3);
                h.write_u64(num_bits(n));
            }
            PRef::Str(s) => {
                h.write_u8(4);
                s.hash(h);
            }
            PRef::Json(s) => {
                h.write_u8(5);
                s.hash(h);
            }
        }
    }
}

impl PartialEq for PValue {
    fn eq(&self, other: &Self) -> bool {
        self.as_ref().same(other.as_ref())
    }
}

impl Eq for PValue {}

impl Hash for PValue {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.as_ref().hash(h);
    }
}

fn hash_of(v: PRef<'_>) -> u64 {
    let mut h = FxHasher::default();
    v.hash(&mut h);
    h.finish()
}

/// Distinct values of one column. Code 0 means "absent"; value `i` has
/// code `i + 1`. Values are never removed (a code may become unused until
/// the next snapshot restore rebuilds the column).
///
/// Because values are append-only, what string conditions derive from them
/// (the lower-cased text, the parsed ISO instant) is cached alongside and
/// only extended for new values: a `contains` over a million distinct
/// company names lower-cases each name once, not once per preview.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Dict {
    values: Vec<PValue>,
    /// Codes, hashed by their value: the strings live only in `values`.
    #[serde(skip)]
    index: HashTable<u32>,
    /// Per value: the lower-cased text when it differs from the value.
    #[serde(skip)]
    lower: RefCell<LowerText>,
    /// Per value: the instant, for strings that parse as ISO dates.
    #[serde(skip)]
    dates: RefCell<Vec<Option<i64>>>,
    /// Per code (0 = absent first): the number a value holds, NaN for
    /// values that are not numbers.
    #[serde(skip)]
    numbers: RefCell<Vec<f64>>,
}

impl Dict {
    /// The code of a value already in the dictionary.
    pub fn lookup(&self, v: PRef<'_>) -> Option<u32> {
        let values = &self.values;
        self.index.find(hash_of(v), |&c| v.same(values[c as usize - 1].as_ref())).copied()
    }

    pub fn code(&mut self, v: PValue) -> u32 {
        if let Some(c) = self.lookup(v.as_ref()) {
            return c;
        }
        let h = hash_of(v.as_ref());
        self.values.push(v);
        let c = self.values.len() as u32;
        let values = &self.values;
        self.index.insert_unique(h, c, |&c| hash_of(values[c as usize - 1].as_ref()));
        c
    }

    pub fn get(&self, code: u32) -> Option<&PValue> {
        if code == 0 {
            None
        } else {
            self.values.get(code as usize - 1)
        }
    }

    pub fn values(&self) -> &[PValue] {
        &self.values
    }

    /// Lower-cased text per value, back to back (empty for values that
    /// are not strings). `None` if the cache is in use, which the evaluator
    /// never does.
    pub fn lowered(&self) -> Option<Ref<'_, LowerText>> {
        {
            let mut cache = self.lower.try_borrow_mut().ok()?;
            for v in &self.values[cache.len()..] {
                cache.push(if let PValue::Str(s) = v { Some(s) } else { None });
            }
        }
        self.lower.try_borrow().ok()
    }

    /// The ISO instant per value (`None`: not a string that parses).
    pub fn dates(&self) -> Option<Ref<'_, Vec<Option<i64>>>> {
        {
            let mut cache = self.dates.try_borrow_mut().ok()?;
            for v in &self.values[cache.len()..] {
                cache.push(match v {
                    PValue::Str(s) => parse_iso(s),
                    _ => None,
                });
            }
        }
        self.dates.try_borrow().ok()
    }

    /// The number per code, for `sum avg min max` (index 0, absent, and
    /// every value that is not a number: NaN). While one is read no value
    /// can be added (that takes `&mut self`), so a cache in use is current.
    pub fn numbers(&self) -> Option<Ref<'_, Vec<f64>>> {
        if let Ok(mut cache) = self.numbers.try_borrow_mut() {
            if cache.is_empty() {
                cache.push(f64::NAN);
            }
            let done = cache.len() - 1;
            for v in &self.values[done..] {
                cache.push(if let PValue::Num(n) = v { *n } else { f64::NAN });
            }
        }
        self.numbers.try_borrow().ok()
    }

    /// Checks decoded values: numbers finite, JSON text that parses, each
    /// value once (codes are looked up by value).
    pub fn validate(&self, what: &str) -> Result<(), String> {
        for v in &self.values {
            match v {
                PValue::Num(n) if !n.is_finite() => return Err(format!("{what}: a number that is not finite")),
                PValue::Json(j) if serde_json::from_str::<&serde_json::value::RawValue>(j).is_err() => {
                    return Err(format!("{what}: a value that is not JSON"))
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// After `reindex`: every value finds its own code (none is stored twice).
    pub fn validate_index(&self, what: &str) -> Result<(), String> {
        for (i, v) in self.values.iter().enumerate() {
            if self.lookup(v.as_ref()) != Some(i as u32 + 1) {
                return Err(format!("{what}: a value is stored twice"));
            }
        }
        Ok(())
    }

    /// Rebuilds the lookup index after deserialisation.
    pub fn reindex(&mut self) {
        let values = &self.values;
        let mut index = HashTable::with_capacity(values.len());
        for (i, v) in values.iter().enumerate() {
            index.insert_unique(hash_of(v.as_ref()), i as u32 + 1, |&c| hash_of(values[c as usize - 1].as_ref()));
        }
        self.index = index;
    }

    pub fn heap_bytes(&self) -> usize {
        let strings: usize = self
            .values
            .iter()
            .map(|v| match v {
                PValue::Str(s) | PValue::Json(s) => s.len(),
                _ => 0,
            })
            .sum();
        self.values.capacity() * std::mem::size_of::<PValue>() + self.index.capacity() * 5 + strings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equal_values_share_a_code_and_types_stay_apart() {
        let mut d = Dict::default();
        let a = d.code(PValue::from_json(&json!("1")));
        let b = d.code(PValue::from_json(&json!(1)));
        let c = d.code(PValue::from_json(&json!(1.0)));
        let z = d.code(PValue::from_json(&json!(-0.0)));
        let z2 = d.code(PValue::from_json(&json!(0)));
        let t = d.code(PValue::from_json(&json!(true)));
        let n = d.code(PValue::from_json(&json!(null)));
        assert_ne!(a, b);
        assert_eq!(b, c);
        assert_eq!(z, z2);
        assert_eq!(d.values().len(), 5);
        assert!(matches!(d.get(t), Some(PValue::Bool(true))));
        assert!(matches!(d.get(n), Some(PValue::Null)));
        assert!(d.get(0).is_none());
        let mut e = d.clone();
        e.index.clear();
        e.reindex();
        assert_eq!(e.code(PValue::from_json(&json!("1"))), a);
    }
}
