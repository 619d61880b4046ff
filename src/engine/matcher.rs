//! Does one property value satisfy one condition? The exact semantics of
//! the README rule language, for a single value. The evaluator calls this once per
//! distinct value of a column, never once per contact.

use memchr::memmem::Finder;
use rustc_hash::FxHashSet as HashSet;

use super::bytes;
use crate::rules::{Op, Operand, Pattern, Scalar};
use crate::time::{format_iso, parse_iso};

/// A value as the matcher sees it. `Date` is a system timestamp
/// (`createdAt`, `updatedAt`): a string that is known to parse.
#[derive(Debug, Clone, Copy)]
pub enum View<'a> {
    Absent,
    Null,
    Bool(bool),
    Num(f64),
    Str(&'a str),
    /// A string with its lower-cased text and ISO instant already known.
    Text { raw: &'a str, lower: &'a str, date: Option<i64> },
    Json(&'a str),
    Date(i64),
}

/// What a condition derives from string values (see `Dict::lowered`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    Nothing,
    Lower,
    Date,
}

/// A list value as a hash key: type-strict, numbers by value.
#[derive(Hash, PartialEq, Eq)]
enum Key<'a> {
    Str(&'a str),
    Num(u64),
    Bool(bool),
}

fn num_key(f: f64) -> Key<'static> {
    Key::Num(if f == 0.0 { 0 } else { f.to_bits() })
}

/// A condition's operand prepared for matching: lower-cased text for the
/// string ops, a hash set for `in` lists (up to 10,000 values, checked
/// against every distinct column value).
pub struct Prepared<'a> {
    op: Op,
    operand: &'a Operand,
    lower: Option<String>,
    /// A substring searcher for `lower`, built once per evaluation.
    finder: Option<Finder<'static>>,
    set: Option<HashSet<Key<'a>>>,
}

impl<'a> Prepared<'a> {
    pub fn new(op: Op, operand: &'a Operand) -> Self {
        let lower = match operand {
            Operand::Text(t) => Some(t.to_lowercase()),
            _ => None,
        };
        let set = match operand {
            Operand::List(l) => Some(
                l.iter()
                    .map(|s| match s {
                        Scalar::Str(x) => Key::Str(x),
                        Scalar::Num(n) => num_key(*n),
                        Scalar::Bool(b) => Key::Bool(*b),
                    })
                    .collect(),
            ),
            _ => None,
        };
        let finder = lower.as_deref().map(|t| Finder::new(t.as_bytes()).into_owned());
        Prepared { op, operand, lower, finder, set }
    }

    /// For a string op (`needs() == Lower`): does this already lower-cased
    /// text match? The per-contact path for emails, which have no
    /// dictionary to evaluate once per distinct value.
    #[inline]
    pub fn test_lowered(&self, s: &str) -> bool {
        let Some(t) = self.lower.as_deref() else { return false };
        let (s, t) = (s.as_bytes(), t.as_bytes());
        let contains = |s: &[u8]| match &self.finder {
            Some(f) if s.len() >= 64 => f.find(s).is_some(),
            _ => bytes::contains_short(s, t),
        };
        match self.op {
            Op::Contains => contains(s),
            Op::NotContains => !contains(s),
            Op::StartsWith => bytes::starts_with(s, t),
            Op::EndsWith => bytes::ends_with(s, t),
            _ => false,
        }
    }

    /// For a date op (`needs() == Date`): does a string whose ISO instant is
    /// `t` (`None`: not a date) match?
    #[inline]
    pub fn test_date(&self, t: Option<i64>) -> bool {
        let (Operand::Date(d), Some(t)) = (self.operand, t) else { return false };
        match self.op {
            Op::Gt | Op::After => t > *d,
            Op::Gte => t >= *d,
            Op::Lt | Op::Before => t < *d,
            Op::Lte => t <= *d,
            _ => false,
        }
    }

    /// Which derived forms of a string this condition reads.
    pub fn needs(&self) -> Needs {
        match (self.op, self.operand) {
            (Op::Contains | Op::NotContains | Op::StartsWith | Op::EndsWith, _) => Needs::Lower,
            (Op::Gt | Op::Gte | Op::Lt | Op::Lte | Op::Before | Op::After, Operand::Date(_)) => Needs::Date,
            _ => Needs::Nothing,
        }
    }

    fn in_list(&self, v: View<'_>) -> bool {
        let Some(set) = &self.set else { return false };
        match v {
            View::Str(s) | View::Text { raw: s, .. } => set.contains(&Key::Str(s)),
            View::Date(ms) => set.contains(&Key::Str(&format_iso(ms))),
            View::Num(n) => set.contains(&num_key(n)),
            View::Bool(b) => set.contains(&Key::Bool(b)),
            _ => false,
        }
    }

    pub fn matches(&self, v: View<'_>) -> bool {
        if matches!(v, View::Absent | View::Null) {
            return matches!(self.op, Op::Neq | Op::NotIn | Op::NotContains | Op::NotExists | Op::NotMatches);
        }
        match (self.op, self.operand) {
            (Op::Exists, _) => true,
            (Op::NotExists, _) => false,
            (Op::Eq, Operand::Scalar(s)) => eq(v, s),
            (Op::Neq, Operand::Scalar(s)) => !eq(v, s),
            (Op::In, _) => self.in_list(v),
            (Op::NotIn, _) => !self.in_list(v),
            (Op::Gt | Op::Gte | Op::Lt | Op::Lte, Operand::Number(n)) => match v {
                View::Num(p) => cmp(self.op, p, *n),
                _ => false,
            },
            (Op::Gt | Op::Gte | Op::Lt | Op::Lte, Operand::Date(d)) => match as_date(v) {
                Some(p) => cmp(self.op, p as f64, *d as f64),
                None => false,
            },
            (Op::Before, Operand::Date(d)) => as_date(v).is_some_and(|p| p < *d),
            (Op::After, Operand::Date(d)) => as_date(v).is_some_and(|p| p > *d),
            (Op::Contains, _) => self.contains(v),
            (Op::NotContains, _) => !self.contains(v),
            (Op::StartsWith, _) => self.text(v, |s, t| bytes::starts_with(s.as_bytes(), t.as_bytes())),
            (Op::EndsWith, _) => self.text(v, |s, t| bytes::ends_with(s.as_bytes(), t.as_bytes())),
            (Op::Matches, Operand::Regex(r)) => regex_match(v, r),
            (Op::NotMatches, Operand::Regex(r)) => !regex_match(v, r),
            _ => false,
        }
    }

    fn text(&self, v: View<'_>, f: impl Fn(&str, &str) -> bool) -> bool {
        let Some(t) = &self.lower else { return false };
        match v {
            View::Str(s) => f(&s.to_lowercase(), t),
            View::Text { lower, .. } => f(lower, t),
            View::Date(ms) => f(&format_iso(ms).to_lowercase(), t),
            _ => false,
        }
    }

    fn contains(&self, v: View<'_>) -> bool {
        let Some(t) = &self.lower else { return false };
        match v {
            View::Json(j) if j.starts_with('[') => match serde_json::from_str::<Vec<serde_json::Value>>(j) {
                Ok(items) => items.iter().any(|e| matches!(e, serde_json::Value::String(s) if s.to_lowercase() == *t)),
                Err(_) => false,
            },
            _ => match &self.finder {
                Some(f) => self.text(v, |s, t| {
                    // Most property values are short: a first-byte scan beats
                    // setting up a vectorised search for each one.
                    if s.len() < 64 { bytes::contains_short(s.as_bytes(), t.as_bytes()) } else { f.find(s.as_bytes()).is_some() }
                }),
                None => false,
            },
        }
    }
}

/// `matches`: an unanchored search in a string value (the raw text, case
/// as written: `(?i)` in the pattern ignores case). Other types never match.
fn regex_match(v: View<'_>, r: &Pattern) -> bool {
    match v {
        View::Str(s) | View::Text { raw: s, .. } => r.0.is_match(s),
        _ => false,
    }
}

fn eq(v: View<'_>, s: &Scalar) -> bool {
    match (v, s) {
        (View::Str(a) | View::Text { raw: a, .. }, Scalar::Str(b)) => bytes::eq(a.as_bytes(), b.as_bytes()),
        (View::Date(ms), Scalar::Str(b)) => format_iso(ms) == *b,
        (View::Num(a), Scalar::Num(b)) => a == *b,
        (View::Bool(a), Scalar::Bool(b)) => a == *b,
        _ => false,
    }
}

fn as_date(v: View<'_>) -> Option<i64> {
    match v {
        View::Str(s) => parse_iso(s),
        View::Text { date, .. } => date,
        View::Date(ms) => Some(ms),
        _ => None,
    }
}

fn cmp(op: Op, a: f64, b: f64) -> bool {
    match op {
        Op::Gt => a > b,
        Op::Gte => a >= b,
        Op::Lt => a < b,
        Op::Lte => a <= b,
        _ => false,
    }
}

#[cfg(test)]
mod tests;
