//! A condition's `value`, checked against what its op takes: scalars,
//! numbers, dates (absolute, local to a `timeZone`, or relative to now),
//! lists, text, and regular expressions (compiled once, here).

use std::sync::Arc;

use serde_json::Value;

use super::window::{absolute, relative};
use super::{Op, Operand, Pattern, Scalar};
use crate::zone::Zone;

pub const MAX_LIST_VALUES: usize = 10_000;
pub const MAX_PATTERN_CHARS: usize = 1000;

pub fn scalar(v: &Value) -> Option<Scalar> {
    match v {
        Value::String(s) => Some(Scalar::Str(s.clone())),
        Value::Bool(b) => Some(Scalar::Bool(*b)),
        Value::Number(n) => n.as_f64().filter(|f| f.is_finite()).map(Scalar::Num),
        _ => None,
    }
}

/// Whether the operand is read as a date (where `timeZone` applies).
pub fn is_date(o: &Operand) -> bool {
    matches!(o, Operand::Date(_) | Operand::RelDate(_))
}

/// A date value: absolute (local in `zone` without an offset) or relative.
fn date(s: &str, zone: Option<&Zone>) -> Result<Operand, String> {
    match relative(s) {
        Some(Ok((off, _))) => Ok(Operand::RelDate(off)),
        Some(Err(m)) => Err(format!("a relative date {m}")),
        None => absolute(s, zone).map(Operand::Date).ok_or_else(|| "an ISO date string, \"now\" or a relative date like \"-7d\"".into()),
    }
}

/// The operand of `op`, or a message for `value`'s path. Errors that
/// belong at a list element come back with that element's index.
pub fn operand(op: Op, value: Option<&Value>, zone: Option<&Zone>) -> Result<Operand, (Option<usize>, String)> {
    let name = op.name();
    let need = |what: &str| (None, format!("{name} needs {what}"));
    match op {
        Op::Exists | Op::NotExists | Op::Occurred | Op::NotOccurred => match value {
            Some(_) => Err((None, format!("{name} takes no value"))),
            None => Ok(Operand::None),
        },
        _ => {
            let Some(v) = value else { return Err((None, format!("{name} needs a value"))) };
            match op {
                Op::Eq | Op::Neq => scalar(v).map(Operand::Scalar).ok_or_else(|| need("a string, number or boolean")),
                Op::Gt | Op::Gte | Op::Lt | Op::Lte => match v {
                    Value::Number(n) => n.as_f64().filter(|f| f.is_finite()).map(Operand::Number).ok_or_else(|| need("a finite number")),
                    Value::String(s) => date(s, zone).map_err(|m| need(&format!("a number or {m}"))),
                    _ => Err(need("a number, an ISO date string or a relative date")),
                },
                Op::Before | Op::After => match v {
                    Value::String(s) => date(s, zone).map_err(|m| need(&m)),
                    _ => Err(need("an ISO date string or a relative date")),
                },
                Op::Contains | Op::NotContains | Op::StartsWith | Op::EndsWith => match v {
                    Value::String(s) if !s.is_empty() => Ok(Operand::Text(s.clone())),
                    _ => Err(need("a non-empty string")),
                },
                Op::Matches | Op::NotMatches => pattern(v).map_err(|m| (None, m)),
                _ => list(op, v),
            }
        }
    }
}

fn pattern(v: &Value) -> Result<Operand, String> {
    let Value::String(s) = v else { return Err("a pattern must be a non-empty string".into()) };
    if s.is_empty() {
        return Err("a pattern must be a non-empty string".into());
    }
    if s.chars().count() > MAX_PATTERN_CHARS {
        return Err(format!("a pattern is at most {MAX_PATTERN_CHARS} characters"));
    }
    match regex_lite::RegexBuilder::new(s).size_limit(1 << 20).nest_limit(64).build() {
        Ok(r) => Ok(Operand::Regex(Pattern(Arc::new(r)))),
        Err(e) => Err(format!("invalid pattern: {}", crate::text::clip(&e.to_string().replace('\n', " ")))),
    }
}

fn list(op: Op, v: &Value) -> Result<Operand, (Option<usize>, String)> {
    let name = op.name();
    let Value::Array(items) = v else {
        return Err((None, format!("{name} needs a non-empty array of strings, numbers or booleans")));
    };
    if items.is_empty() {
        return Err((None, format!("{name} needs a non-empty array")));
    }
    if items.len() > MAX_LIST_VALUES {
        return Err((None, format!("{name} takes at most {MAX_LIST_VALUES} values; got {}", items.len())));
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match scalar(item) {
            Some(s) => out.push(s),
            None => return Err((Some(i), "list values must be strings, numbers or booleans".into())),
        }
    }
    Ok(Operand::List(out))
}
