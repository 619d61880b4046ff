//! Reading caller JSON: typed getters that fail with a VALIDATION_ERROR at
//! the right path, and the shared checks (emails, names, list limits,
//! cursors, timestamps, property objects).

use serde_json::{Map, Value};

use super::ids;
use crate::error::{Error, Result};
use crate::time::{parse_iso, MAX_MS, MIN_MS};

pub const MAX_NAME_CHARS: usize = 200;
const MAX_EMAIL_CHARS: usize = 320;

pub fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>> {
    match v {
        Value::Object(m) => Ok(m),
        _ => Err(Error::invalid(path, "must be an object")),
    }
}

/// `m[key]`, treating an explicit `null` as absent.
pub fn opt<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    m.get(key).filter(|v| !v.is_null())
}

pub fn email(v: Option<&Value>, path: &str) -> Result<String> {
    let Some(v) = v else { return Err(Error::invalid(path, "email is required")) };
    let Value::String(s) = v else { return Err(Error::invalid(path, "email must be a string")) };
    email_str(s, path).map(str::to_string)
}

/// Checks an email address: `@` with text on both sides, no spaces or
/// control characters, at most 320 characters.
pub fn email_str<'a>(s: &'a str, path: &str) -> Result<&'a str> {
    let ok = s.chars().count() <= MAX_EMAIL_CHARS
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(s.rsplit_once('@'), Some((local, domain)) if !local.is_empty() && !domain.is_empty());
    if ok {
        Ok(s)
    } else {
        Err(Error::invalid(path, format!("'{}' is not an email address", clip(s))))
    }
}

pub fn name(v: Option<&Value>, path: &str) -> Result<String> {
    match v {
        None => Err(Error::invalid(path, "name is required")),
        Some(Value::String(s)) if s.trim().is_empty() => Err(Error::invalid(path, "name must not be empty")),
        Some(Value::String(s)) if s.chars().count() > MAX_NAME_CHARS => {
            Err(Error::invalid(path, format!("name is at most {MAX_NAME_CHARS} characters")))
        }
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(Error::invalid(path, "name must be a string")),
    }
}

pub fn limit(m: &Map<String, Value>) -> Result<usize> {
    match opt(m, "limit") {
        None => Ok(20),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && (1.0..=100.0).contains(&f) => Ok(f as usize),
            _ => Err(Error::invalid("limit", "limit must be an integer from 1 to 100")),
        },
        Some(_) => Err(Error::invalid("limit", "limit must be an integer from 1 to 100")),
    }
}

/// A list cursor: the id of the last item of the previous page.
pub fn cursor(m: &Map<String, Value>, prefix: &str) -> Result<Option<u128>> {
    match opt(m, "cursor") {
        None => Ok(None),
        Some(Value::String(s)) => {
            ids::parse(prefix, s).map(Some).ok_or_else(|| Error::invalid("cursor", "cursor is not one this list returned"))
        }
        Some(_) => Err(Error::invalid("cursor", "cursor must be a string")),
    }
}

/// An event timestamp: an ISO date string or epoch milliseconds.
pub fn timestamp(v: Option<&Value>, path: &str, default: i64) -> Result<i64> {
    match v {
        None => Ok(default),
        Some(Value::String(s)) => parse_iso(s).ok_or_else(|| Error::invalid(path, "timestamp must be an ISO 8601 date")),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if (MIN_MS as f64..=MAX_MS as f64).contains(&f) => Ok(f.floor() as i64),
            _ => Err(Error::invalid(path, "timestamp is out of range")),
        },
        Some(_) => Err(Error::invalid(path, "timestamp must be an ISO 8601 string or epoch milliseconds")),
    }
}

/// An id argument: a wrong string is simply not found; a non-string is a
/// caller mistake.
pub fn id(m: &Map<String, Value>, prefix: &str, what: &str) -> Result<u128> {
    match m.get("id") {
        Some(Value::String(s)) => ids::parse(prefix, s).ok_or_else(|| Error::not_found(what, &clip(s))),
        _ => Err(Error::invalid("id", format!("{what} id must be a string"))),
    }
}

pub fn clip(s: &str) -> String {
    if s.chars().count() <= 80 {
        s.to_string()
    } else {
        s.chars().take(77).collect::<String>() + "..."
    }
}
