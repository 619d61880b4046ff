//! Rule JSON → validated [`Rules`], with every problem reported at its path.
//!
//! Validation walks the whole tree and collects all errors (up to a cap) so
//! a rule builder can mark every offending condition at once. Depth is
//! checked before descending, so hostile nesting cannot exhaust the stack.

use serde_json::{Map, Value};

use super::{Condition, Field, Node, Op, Operand, Rules, Scalar};
use crate::error::{Detail, Error};
use crate::text::clip;
use crate::time::parse_iso;

pub const MAX_DEPTH: usize = 32;
pub const MAX_CONDITIONS: usize = 1000;
pub const MAX_LIST_VALUES: usize = 10_000;
pub const MAX_WITHIN_DAYS: i64 = 3650;
/// Event names in `events.<name>` obey the same limit as `events.track`.
pub const MAX_EVENT_NAME_CHARS: usize = 200;
const MAX_DETAILS: usize = 100;

/// The keys each object of the language may have. Anything else is an
/// error: a typo such as `wihtin` must never silently widen a segment.
const GROUP_KEYS: &[&str] = &["operator", "conditions"];
const CONDITION_KEYS: &[&str] = &["field", "op", "value", "within"];

struct Walker {
    details: Vec<Detail>,
    conditions: usize,
}

impl Walker {
    fn err(&mut self, path: &str, message: impl Into<String>) {
        if self.details.len() < MAX_DETAILS {
            self.details.push(Detail { path: path.to_string(), message: message.into() });
        }
    }
}

/// Validates `value` as a rule tree. `path` names it in the caller's input
/// (`rules`), and prefixes every error path.
pub fn parse_rules(value: &Value, path: &str) -> Result<Rules, Error> {
    let mut w = Walker { details: Vec::new(), conditions: 0 };
    let parsed = match value {
        Value::Array(items) => group(&mut w, false, items, path, path, 1),
        Value::Object(obj) if is_group(obj) => node(&mut w, obj, path, 1),
        // A lone condition at the root is stored as an `and` group of one,
        // as a bare array is, so stored rules always have one shape.
        Value::Object(obj) => node(&mut w, obj, path, 1).map(|(n, v)| {
            let mut out = Map::new();
            out.insert("operator".into(), Value::String("and".into()));
            out.insert("conditions".into(), Value::Array(vec![v]));
            (Node::Group { any: false, children: vec![n] }, Value::Object(out))
        }),
        _ => {
            w.err(path, "rules must be a group object { operator, conditions } or an array of conditions");
            None
        }
    };
    if w.conditions > MAX_CONDITIONS {
        w.details.insert(
            0,
            Detail {
                path: path.to_string(),
                message: format!("rules have {} conditions; at most {MAX_CONDITIONS} are allowed", w.conditions),
            },
        );
    }
    match parsed {
        Some((root, canonical)) if w.details.is_empty() => Ok(Rules { root, canonical }),
        _ => Err(Error::validation(w.details)),
    }
}

fn is_group(obj: &Map<String, Value>) -> bool {
    obj.contains_key("operator") || obj.contains_key("conditions")
}

/// Reports every key of `obj` outside `allowed`, at its own path.
fn unknown_keys(w: &mut Walker, obj: &Map<String, Value>, allowed: &[&str], path: &str, what: &str) -> bool {
    let mut ok = true;
    for k in obj.keys().filter(|k| !allowed.contains(&k.as_str())) {
        w.err(&crate::error::join_path(path, k), format!("unknown key in a {what}; allowed keys are {}", allowed.join(", ")));
        ok = false;
    }
    ok
}

fn node(w: &mut Walker, obj: &Map<String, Value>, path: &str, depth: usize) -> Option<(Node, Value)> {
    if is_group(obj) {
        let keys_ok = unknown_keys(w, obj, GROUP_KEYS, path, "group");
        let any = match obj.get("operator") {
            Some(Value::String(s)) if s == "and" => Some(false),
            Some(Value::String(s)) if s == "or" => Some(true),
            Some(Value::String(s)) => {
                w.err(&format!("{path}.operator"), format!("unknown operator '{}'; use \"and\" or \"or\"", clip(s)));
                None
            }
            Some(_) => {
                w.err(&format!("{path}.operator"), "operator must be \"and\" or \"or\"");
                None
            }
            None => {
                w.err(&format!("{path}.operator"), "a group needs an operator, \"and\" or \"or\"");
                None
            }
        };
        let conds_path = format!("{path}.conditions");
        let children = match obj.get("conditions") {
            Some(Value::Array(items)) => group(w, any.unwrap_or(false), items, path, &conds_path, depth),
            Some(_) => {
                w.err(&conds_path, "conditions must be an array");
                None
            }
            None => {
                w.err(&conds_path, "a group needs a conditions array");
                None
            }
        };
        match (any, children) {
            (Some(_), Some(c)) if keys_ok => Some(c),
            _ => None,
        }
    } else {
        condition(w, obj, path).map(|(c, v)| (Node::Cond(c), v))
    }
}

/// A list of nodes joined by and/or. `items_path` is where the list itself
/// sits (`rules.conditions`, or `rules` for a bare array).
fn group(w: &mut Walker, any: bool, items: &[Value], _path: &str, items_path: &str, depth: usize) -> Option<(Node, Value)> {
    if depth > MAX_DEPTH {
        w.err(items_path, format!("rules nest deeper than {MAX_DEPTH} groups"));
        return None;
    }
    if items.is_empty() {
        w.err(items_path, "a group needs at least one condition");
        return None;
    }
    let mut children = Vec::with_capacity(items.len());
    let mut canon = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let p = format!("{items_path}[{i}]");
        let r = match item {
            Value::Object(obj) => node(w, obj, &p, depth + 1),
            _ => {
                w.err(&p, "each condition must be an object");
                None
            }
        };
        match r {
            Some((n, v)) => {
                children.push(n);
                canon.push(v);
            }
            None => ok = false,
        }
        if w.conditions > MAX_CONDITIONS * 4 || w.details.len() >= MAX_DETAILS {
            return None; // far past every limit: stop walking
        }
    }
    if !ok {
        return None;
    }
    let mut out = Map::new();
    out.insert("operator".into(), Value::String(if any { "or" } else { "and" }.into()));
    out.insert("conditions".into(), Value::Array(canon));
    Some((Node::Group { any, children }, Value::Object(out)))
}

fn condition(w: &mut Walker, obj: &Map<String, Value>, path: &str) -> Option<(Condition, Value)> {
    w.conditions += 1;
    let before = w.details.len();
    unknown_keys(w, obj, CONDITION_KEYS, path, "condition");
    let fpath = format!("{path}.field");
    let field = match obj.get("field") {
        Some(Value::String(s)) => parse_field(s).map_err(|m| w.err(&fpath, m)).ok(),
        Some(_) => {
            w.err(&fpath, "field must be a string");
            None
        }
        None => {
            w.err(&fpath, "a condition needs a field (or a group needs an operator)");
            None
        }
    };
    let opath = format!("{path}.op");
    let op = match obj.get("op") {
        Some(Value::String(s)) => match Op::from_name(s) {
            Some(op) => Some(op),
            None => {
                w.err(&opath, format!("unknown op '{}'", clip(s)));
                None
            }
        },
        Some(_) => {
            w.err(&opath, "op must be a string");
            None
        }
        None => {
            w.err(&opath, "a condition needs an op");
            None
        }
    };
    let (Some(field), Some(op)) = (field, op) else { return None };
    let is_event = matches!(field, Field::Event(_));
    if is_event != op.is_event_op() {
        let m = if is_event {
            format!("op '{}' applies to properties and system fields; events take occurred or not_occurred", op.name())
        } else {
            format!("op '{}' applies to events.* fields only", op.name())
        };
        w.err(&opath, m);
        return None;
    }
    let vpath = format!("{path}.value");
    let operand = operand(w, op, obj.get("value"), &vpath);
    let within = match obj.get("within") {
        None => None,
        Some(_) if !is_event => {
            w.err(&format!("{path}.within"), "within applies to event conditions only");
            None
        }
        Some(v) => parse_within(v).map_err(|m| w.err(&format!("{path}.within"), m)).ok(),
    };
    if w.details.len() > before {
        return None;
    }
    let operand = operand?;
    let mut out = Map::new();
    out.insert("field".into(), obj.get("field").cloned().unwrap_or(Value::Null));
    out.insert("op".into(), Value::String(op.name().into()));
    if let Some(v) = obj.get("value") {
        out.insert("value".into(), v.clone());
    }
    if let Some((_, canonical)) = &within {
        out.insert("within".into(), Value::String(canonical.clone()));
    }
    Some((Condition { field, op, operand, within_ms: within.map(|(ms, _)| ms) }, Value::Object(out)))
}

fn parse_field(s: &str) -> Result<Field, String> {
    Ok(match s {
        "email" => Field::Email,
        "createdAt" => Field::CreatedAt,
        "updatedAt" => Field::UpdatedAt,
        "suppressed" => Field::Suppressed,
        _ => match s.split_once('.') {
            Some(("properties", key)) if !key.is_empty() => Field::Property(key.to_string()),
            Some(("events", name)) if name.chars().count() > MAX_EVENT_NAME_CHARS => {
                return Err(format!("event names are at most {MAX_EVENT_NAME_CHARS} characters"))
            }
            Some(("events", name)) if !name.is_empty() => Field::Event(name.to_string()),
            Some(("properties" | "events", _)) => return Err(format!("field '{}' needs a name after the dot", clip(s))),
            _ => {
                return Err(format!(
                    "unknown field '{}'; use properties.<key>, events.<name>, email, createdAt, updatedAt or suppressed",
                    clip(s)
                ))
            }
        },
    })
}

fn scalar(v: &Value) -> Option<Scalar> {
    match v {
        Value::String(s) => Some(Scalar::Str(s.clone())),
        Value::Bool(b) => Some(Scalar::Bool(*b)),
        Value::Number(n) => n.as_f64().filter(|f| f.is_finite()).map(Scalar::Num),
        _ => None,
    }
}

fn operand(w: &mut Walker, op: Op, value: Option<&Value>, path: &str) -> Option<Operand> {
    let name = op.name();
    match op {
        Op::Exists | Op::NotExists | Op::Occurred | Op::NotOccurred => {
            if value.is_some() {
                w.err(path, format!("{name} takes no value"));
                return None;
            }
            Some(Operand::None)
        }
        _ => {
            let Some(v) = value else {
                w.err(path, format!("{name} needs a value"));
                return None;
            };
            let r = match op {
                Op::Eq | Op::Neq => scalar(v).map(Operand::Scalar).ok_or("a string, number or boolean"),
                Op::Gt | Op::Gte | Op::Lt | Op::Lte => match v {
                    Value::Number(n) => n.as_f64().filter(|f| f.is_finite()).map(Operand::Number).ok_or("a finite number"),
                    Value::String(s) => parse_iso(s).map(Operand::Date).ok_or("a number or an ISO date string"),
                    _ => Err("a number or an ISO date string"),
                },
                Op::Before | Op::After => match v {
                    Value::String(s) => parse_iso(s).map(Operand::Date).ok_or("an ISO date string"),
                    _ => Err("an ISO date string"),
                },
                Op::Contains | Op::NotContains | Op::StartsWith | Op::EndsWith => match v {
                    Value::String(s) if !s.is_empty() => Ok(Operand::Text(s.clone())),
                    _ => Err("a non-empty string"),
                },
                _ => return list(w, op, v, path),
            };
            r.map_err(|what| w.err(path, format!("{name} needs {what}"))).ok()
        }
    }
}

fn list(w: &mut Walker, op: Op, v: &Value, path: &str) -> Option<Operand> {
    let name = op.name();
    let Value::Array(items) = v else {
        w.err(path, format!("{name} needs a non-empty array of strings, numbers or booleans"));
        return None;
    };
    if items.is_empty() {
        w.err(path, format!("{name} needs a non-empty array"));
        return None;
    }
    if items.len() > MAX_LIST_VALUES {
        w.err(path, format!("{name} takes at most {MAX_LIST_VALUES} values; got {}", items.len()));
        return None;
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match scalar(item) {
            Some(s) => out.push(s),
            None => {
                w.err(&format!("{path}[{i}]"), "list values must be strings, numbers or booleans");
                return None;
            }
        }
    }
    Some(Operand::List(out))
}

/// `30m`, `2h`, `7d`, `1w`: a positive integer and a unit, at most 3650 days.
/// Returns the length in milliseconds and the canonical spelling (no
/// leading zeros: `"07d"` is stored as `"7d"`).
fn parse_within(v: &Value) -> Result<(i64, String), String> {
    const BAD: &str = "within must be a positive integer and a unit m, h, d or w, like \"7d\"";
    let Value::String(s) = v else { return Err(BAD.into()) };
    let unit_ms: i64 = match s.as_bytes().last() {
        Some(b'm') => 60_000,
        Some(b'h') => 3_600_000,
        Some(b'd') => 86_400_000,
        Some(b'w') => 604_800_000,
        _ => return Err(BAD.into()),
    };
    let digits = &s[..s.len() - 1];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BAD.into());
    }
    // Leading zeros do not make an integer larger ("0000000007d" is 7 days).
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Err(BAD.into());
    }
    if digits.len() > 9 {
        return Err(format!("within is at most {MAX_WITHIN_DAYS} days"));
    }
    let n: i64 = digits.parse().map_err(|_| BAD.to_string())?;
    let ms = n * unit_ms;
    if ms > MAX_WITHIN_DAYS * 86_400_000 {
        return Err(format!("within is at most {MAX_WITHIN_DAYS} days"));
    }
    Ok((ms, format!("{n}{}", &s[s.len() - 1..])))
}

#[cfg(test)]
mod tests;
