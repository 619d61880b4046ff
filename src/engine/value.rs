//! Property values as stored in columns, and the per-column dictionary that
//! gives each distinct value one small integer code. Conditions evaluate once
//! per distinct value and then run as integer lookups over the column.

use std::cell::{Ref, RefCell};

use rustc_hash::FxHashMap as HashMap;

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

}

/// Identity for deduplication: numbers by bit pattern (after -0 → 0), and a
/// string never equals a number or an array's JSON text.
impl PartialEq for PValue {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (PValue::Null, PValue::Null) => true,
            (PValue::Bool(a), PValue::Bool(b)) => a == b,
            (PValue::Num(a), PValue::Num(b)) => a.to_bits() == b.to_bits(),
            (PValue::Str(a), PValue::Str(b)) | (PValue::Json(a), PValue::Json(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for PValue {}

impl Hash for PValue {
    fn hash<H: Hasher>(&self, h: &mut H) {
        std::mem::discriminant(self).hash(h);
        match self {
            PValue::Null => {}
            PValue::Bool(b) => b.hash(h),
            PValue::Num(f) => f.to_bits().hash(h),
            PValue::Str(s) | PValue::Json(s) => s.hash(h),
        }
    }
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
    #[serde(skip)]
    index: HashMap<PValue, u32>,
    /// Per value: the lower-cased text when it differs from the value.
    #[serde(skip)]
    lower: RefCell<Vec<Option<Box<str>>>>,
    /// Per value: the instant, for strings that parse as ISO dates.
    #[serde(skip)]
    dates: RefCell<Vec<Option<i64>>>,
}

impl Dict {
    pub fn code(&mut self, v: PValue) -> u32 {
        if let Some(&c) = self.index.get(&v) {
            return c;
        }
        let c = self.values.len() as u32 + 1;
        self.values.push(v.clone());
        self.index.insert(v, c);
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

    /// Lower-cased text per value (`None`: not a string, or already lower).
    /// `None` if the cache is in use, which the evaluator never does.
    pub fn lowered(&self) -> Option<Ref<'_, Vec<Option<Box<str>>>>> {
        {
            let mut cache = self.lower.try_borrow_mut().ok()?;
            for v in &self.values[cache.len()..] {
                cache.push(match v {
                    PValue::Str(s) => {
                        let l = s.to_lowercase();
                        (l != **s).then(|| l.into_boxed_str())
                    }
                    _ => None,
                });
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

    /// Rebuilds the lookup index after deserialisation.
    pub fn reindex(&mut self) {
        self.index = self.values.iter().enumerate().map(|(i, v)| (v.clone(), i as u32 + 1)).collect();
    }

    pub fn heap_bytes(&self) -> usize {
        let strings: usize = self
            .values
            .iter()
            .map(|v| match v {
                PValue::Str(s) | PValue::Json(s) => s.len() * 2, // in the value and in the index key
                _ => 0,
            })
            .sum();
        self.values.capacity() * std::mem::size_of::<PValue>() + self.index.capacity() * 48 + strings
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
