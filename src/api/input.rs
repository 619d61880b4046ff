//! Typed readers for input fields, each failing with a VALIDATION_ERROR at
//! the field's path. Single commands and bulk imports read emails, names,
//! timestamps, flags, list options and ids through these same functions,
//! so the two paths can never disagree.

use std::borrow::Cow;

use serde_json::value::RawValue;
use serde_json::Value;

use super::ids;
use crate::error::{Error, Result};
use crate::text::clip;
use crate::time::{parse_iso, MAX_MS};

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_EVENT_NAME_CHARS: usize = crate::rules::MAX_EVENT_NAME_CHARS;
const MAX_EMAIL_CHARS: usize = 320;
/// Epoch milliseconds below this (before 1973-03-03) are almost always
/// seconds sent by mistake.
pub const MIN_TIMESTAMP_MS: f64 = 1e11;

/// A string field, borrowed when it has no escapes; `None` if not a string.
pub fn string(v: &RawValue) -> Option<Cow<'_, str>> {
    if !v.get().starts_with('"') {
        return None;
    }
    serde_json::from_str::<Cow<'_, str>>(v.get()).ok()
}

/// A small field as a `Value` (rules, which the rule walker reads as a tree).
pub fn value(v: &RawValue, path: &str) -> Result<Value> {
    serde_json::from_str(v.get()).map_err(|e| Error::invalid(path, format!("is not valid JSON: {e}")))
}

pub fn email(v: Option<&RawValue>, path: &str) -> Result<String> {
    email_ref(v, path).map(Cow::into_owned)
}

/// `email`, borrowed from the input when it has no escapes.
pub fn email_ref<'a>(v: Option<&'a RawValue>, path: &str) -> Result<Cow<'a, str>> {
    let Some(raw) = v else { return Err(Error::invalid(path, "email is required")) };
    let Some(s) = string(raw) else { return Err(Error::invalid(path, "email must be a string")) };
    email_str(&s, path)?;
    Ok(s)
}

/// Checks an email address: `@` with text on both sides, no spaces or
/// control characters, at most 320 characters.
pub fn email_str<'a>(s: &'a str, path: &str) -> Result<&'a str> {
    let plain = if s.is_ascii() {
        // The usual case, a byte at a time: ASCII whitespace and controls.
        s.len() <= MAX_EMAIL_CHARS && !s.bytes().any(|b| b <= b' ' || b == 0x7f)
    } else {
        s.chars().count() <= MAX_EMAIL_CHARS && !s.chars().any(|c| c.is_whitespace() || c.is_control())
    };
    let ok = plain
        && matches!(s.rsplit_once('@'), Some((local, domain)) if !local.is_empty() && !domain.is_empty());
    if ok {
        Ok(s)
    } else {
        Err(Error::invalid(path, format!("'{}' is not an email address", clip(s))))
    }
}

/// A segment name: 1 to 200 characters, not only spaces.
pub fn name(v: Option<&RawValue>, path: &str) -> Result<String> {
    let Some(raw) = v else { return Err(Error::invalid(path, "name is required")) };
    match string(raw) {
        Some(s) if s.trim().is_empty() => Err(Error::invalid(path, "name must not be empty")),
        Some(s) if s.chars().count() > MAX_NAME_CHARS => {
            Err(Error::invalid(path, format!("name is at most {MAX_NAME_CHARS} characters")))
        }
        Some(s) => Ok(s.into_owned()),
        None => Err(Error::invalid(path, "name must be a string")),
    }
}

/// An event name: 1 to 200 characters (the same limit as `events.<name>`
/// in a rule).
pub fn event_name<'a>(v: Option<&'a RawValue>, path: &str) -> Result<Cow<'a, str>> {
    let Some(raw) = v else { return Err(Error::invalid(path, "event name is required")) };
    match string(raw) {
        Some(s) => event_name_text(s, path),
        None => Err(Error::invalid(path, "event name must be a string")),
    }
}

/// An event name given as text (a CSV cell): 1 to 200 characters.
pub fn event_name_text<'a>(s: Cow<'a, str>, path: &str) -> Result<Cow<'a, str>> {
    if !s.is_empty() && (s.len() <= MAX_EVENT_NAME_CHARS || s.chars().count() <= MAX_EVENT_NAME_CHARS) {
        Ok(s)
    } else {
        Err(Error::invalid(path, format!("event name must be 1 to {MAX_EVENT_NAME_CHARS} characters")))
    }
}

/// An optional boolean flag (`suppressed`).
pub fn flag(v: Option<&RawValue>, path: &str) -> Result<Option<bool>> {
    match v.map(RawValue::get) {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(_) => Err(Error::invalid(path, "must be true or false")),
    }
}

/// An event timestamp: an ISO date string or epoch milliseconds; absent
/// means `default`.
pub fn timestamp(v: Option<&RawValue>, path: &str, default: i64) -> Result<i64> {
    let Some(raw) = v else { return Ok(default) };
    if let Some(s) = string(raw) {
        return parse_iso(&s).ok_or_else(|| Error::invalid(path, "timestamp must be an ISO 8601 date"));
    }
    timestamp_ms(raw.get(), path)
}

/// A timestamp given as text (a CSV cell): epoch milliseconds when it is a
/// plain number, else an ISO 8601 string.
pub fn timestamp_text(s: &str, path: &str) -> Result<i64> {
    if s.bytes().next().is_some_and(|b| b == b'-' || b.is_ascii_digit()) && s.parse::<f64>().is_ok() {
        return timestamp_ms(s, path);
    }
    parse_iso(s).ok_or_else(|| Error::invalid(path, "timestamp must be an ISO 8601 date or epoch milliseconds"))
}

/// Epoch milliseconds from a JSON number's text.
fn timestamp_ms(text: &str, path: &str) -> Result<i64> {
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() && f < MIN_TIMESTAMP_MS => Err(Error::invalid(
            path,
            "timestamp is before 1973 as epoch milliseconds; send milliseconds (not seconds) or an ISO 8601 string",
        )),
        Ok(f) if f.is_finite() && f <= MAX_MS as f64 => Ok(f.floor() as i64),
        Ok(_) => Err(Error::invalid(path, "timestamp is out of range")),
        Err(_) => Err(Error::invalid(path, "timestamp must be an ISO 8601 string or epoch milliseconds")),
    }
}

/// A list's `limit`: default 20, from `min` (1, or 0 where a count alone
/// makes sense) to 100.
pub fn limit(v: Option<&RawValue>, min: u32) -> Result<usize> {
    let bad = || Error::invalid("limit", format!("limit must be an integer from {min} to 100"));
    let Some(raw) = v else { return Ok(20) };
    match raw.get().parse::<f64>() {
        Ok(f) if f.fract() == 0.0 && (f64::from(min)..=100.0).contains(&f) => Ok(f as usize),
        _ => Err(bad()),
    }
}

/// A list cursor: the id of the last item of the previous page.
pub fn cursor(v: Option<&RawValue>, prefix: &str) -> Result<Option<u128>> {
    let Some(raw) = v else { return Ok(None) };
    match string(raw) {
        Some(s) => ids::parse(prefix, &s).map(Some).ok_or_else(|| Error::invalid("cursor", "cursor is not one this list returned")),
        None => Err(Error::invalid("cursor", "cursor must be a string")),
    }
}

/// An id: a wrong string is simply not found; a non-string is a caller
/// mistake.
pub fn id(v: Option<&RawValue>, prefix: &str, what: &str) -> Result<u128> {
    match v.and_then(string) {
        Some(s) => id_str(&s, prefix, what),
        None => Err(Error::invalid("id", format!("{what} id must be a string"))),
    }
}

pub fn id_str(s: &str, prefix: &str, what: &str) -> Result<u128> {
    ids::parse(prefix, s).ok_or_else(|| Error::not_found(what, &clip(s)))
}
