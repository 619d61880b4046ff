//! Rules read straight from their JSON: is a document valid (README rule language,
//! "Validation"), what is its canonical form, and does one contact match it
//! ("Matching, per contact"). Written for clarity, one contact at a time.

use serde_json::{json, Map, Value};

use super::dates;
use super::world::{Contact, World};

pub const MAX_DEPTH: usize = 32;
pub const MAX_CONDITIONS: usize = 1000;
pub const MAX_LIST: usize = 10_000;

/// The canonical name of an op, from its short or long spelling.
pub fn op_name(s: &str) -> Option<&'static str> {
    Some(match s {
        "eq" | "equals" => "eq",
        "neq" | "not_equals" | "notEquals" => "neq",
        "gt" | "greaterThan" => "gt",
        "gte" | "greaterThanOrEquals" => "gte",
        "lt" | "lessThan" => "lt",
        "lte" | "lessThanOrEquals" => "lte",
        "in" => "in",
        "not_in" => "not_in",
        "contains" => "contains",
        "not_contains" | "notContains" => "not_contains",
        "starts_with" | "startsWith" => "starts_with",
        "ends_with" | "endsWith" => "ends_with",
        "exists" => "exists",
        "not_exists" | "notExists" => "not_exists",
        "before" => "before",
        "after" => "after",
        "occurred" => "occurred",
        "not_occurred" => "not_occurred",
        _ => return None,
    })
}

fn is_group(o: &Map<String, Value>) -> bool {
    o.contains_key("operator") || o.contains_key("conditions")
}

fn is_scalar(v: &Value) -> bool {
    matches!(v, Value::String(_) | Value::Bool(_) | Value::Number(_))
}

fn is_date(v: &Value) -> bool {
    matches!(v, Value::String(s) if dates::parse(s).is_some())
}

/// `within` in milliseconds: a positive integer and a unit m/h/d/w, at most 3650 days.
pub fn within_ms(v: &Value) -> Option<i64> {
    let s = v.as_str()?;
    let unit: i128 = match s.chars().last()? {
        'm' => 60_000,
        'h' => 3_600_000,
        'd' => 86_400_000,
        'w' => 7 * 86_400_000,
        _ => return None,
    };
    let digits = &s[..s.len() - 1];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = digits.trim_start_matches('0');
    if digits.len() > 30 {
        return None; // far beyond 3650 days
    }
    let n: i128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
    let ms = n * unit;
    (n > 0 && ms <= 3650 * 86_400_000).then_some(ms as i64)
}

/// Is the document a valid rule tree?
pub fn valid(rules: &Value) -> bool {
    let mut count = 0;
    let ok = match rules {
        Value::Array(items) => valid_items(items, 1, &mut count),
        Value::Object(o) => valid_node(o, 1, &mut count),
        _ => false,
    };
    ok && count <= MAX_CONDITIONS
}

/// Only the keys the language defines: an unknown key is invalid.
fn keys_within(o: &Map<String, Value>, allowed: &[&str]) -> bool {
    o.keys().all(|k| allowed.contains(&k.as_str()))
}

fn valid_node(o: &Map<String, Value>, depth: usize, count: &mut usize) -> bool {
    if is_group(o) {
        let keys_ok = keys_within(o, &["operator", "conditions"]);
        let op_ok = matches!(o.get("operator"), Some(Value::String(s)) if s == "and" || s == "or");
        let items_ok = match o.get("conditions") {
            Some(Value::Array(items)) => valid_items(items, depth, count),
            _ => false,
        };
        keys_ok && op_ok && items_ok
    } else {
        *count += 1;
        keys_within(o, &["field", "op", "value", "within"]) && valid_condition(o)
    }
}

fn valid_items(items: &[Value], depth: usize, count: &mut usize) -> bool {
    if depth > MAX_DEPTH || items.is_empty() {
        return false;
    }
    // Every item is looked at (so the condition count is complete).
    let mut ok = true;
    for item in items {
        ok &= match item {
            Value::Object(o) => valid_node(o, depth + 1, count),
            _ => false,
        };
    }
    ok
}

enum FieldKind {
    Event,
    Other,
}

fn field_kind(f: &str) -> Option<FieldKind> {
    match f {
        "email" | "createdAt" | "updatedAt" | "suppressed" => Some(FieldKind::Other),
        _ => match f.split_once('.') {
            Some(("properties", k)) if !k.is_empty() => Some(FieldKind::Other),
            Some(("events", n)) if !n.is_empty() && n.chars().count() <= 200 => Some(FieldKind::Event),
            _ => None,
        },
    }
}

fn valid_condition(o: &Map<String, Value>) -> bool {
    let Some(kind) = o.get("field").and_then(Value::as_str).and_then(field_kind) else { return false };
    let Some(op) = o.get("op").and_then(Value::as_str).and_then(op_name) else { return false };
    let event_op = matches!(op, "occurred" | "not_occurred");
    if matches!(kind, FieldKind::Event) != event_op {
        return false;
    }
    if let Some(w) = o.get("within") {
        if !event_op || within_ms(w).is_none() {
            return false;
        }
    }
    let v = o.get("value");
    match op {
        "exists" | "not_exists" | "occurred" | "not_occurred" => v.is_none(),
        "eq" | "neq" => v.is_some_and(is_scalar),
        "gt" | "gte" | "lt" | "lte" => v.is_some_and(|v| v.is_number() || is_date(v)),
        "before" | "after" => v.is_some_and(is_date),
        "contains" | "not_contains" | "starts_with" | "ends_with" => matches!(v, Some(Value::String(s)) if !s.is_empty()),
        "in" | "not_in" => {
            matches!(v, Some(Value::Array(a)) if !a.is_empty() && a.len() <= MAX_LIST && a.iter().all(is_scalar))
        }
        _ => false,
    }
}

/// The canonical form of a valid document: a group object at the root
/// (a bare array or a lone condition is wrapped in `and`), short op names,
/// `within` without leading zeros.
pub fn canonical(rules: &Value) -> Value {
    match rules {
        Value::Object(o) if !is_group(o) => json!({ "operator": "and", "conditions": [canonical_node(rules)] }),
        _ => canonical_node(rules),
    }
}

fn canonical_node(rules: &Value) -> Value {
    match rules {
        Value::Array(items) => json!({ "operator": "and", "conditions": items.iter().map(canonical_node).collect::<Vec<_>>() }),
        Value::Object(o) if is_group(o) => json!({
            "operator": o["operator"],
            "conditions": o["conditions"].as_array().unwrap().iter().map(canonical_node).collect::<Vec<_>>(),
        }),
        Value::Object(o) => {
            let mut out = Map::new();
            out.insert("field".into(), o["field"].clone());
            out.insert("op".into(), json!(op_name(o["op"].as_str().unwrap()).unwrap()));
            if let Some(v) = o.get("value") {
                out.insert("value".into(), v.clone());
            }
            if let Some(Value::String(w)) = o.get("within") {
                let (digits, unit) = w.split_at(w.len() - 1);
                out.insert("within".into(), json!(format!("{}{unit}", digits.trim_start_matches('0'))));
            }
            Value::Object(out)
        }
        _ => unreachable!("canonical() of an invalid document"),
    }
}

/// Does contact `c` (index into `world.contacts`) match the valid document at `now`?
pub fn matches(rules: &Value, world: &World, c: usize, now: i64) -> bool {
    match rules {
        Value::Array(items) => items.iter().all(|n| matches(n, world, c, now)),
        Value::Object(o) if is_group(o) => {
            let items = o["conditions"].as_array().unwrap();
            if o["operator"] == "or" {
                items.iter().any(|n| matches(n, world, c, now))
            } else {
                items.iter().all(|n| matches(n, world, c, now))
            }
        }
        Value::Object(o) => condition(o, world, c, now),
        _ => false,
    }
}

fn condition(o: &Map<String, Value>, world: &World, c: usize, now: i64) -> bool {
    let field = o["field"].as_str().unwrap();
    let op = op_name(o["op"].as_str().unwrap()).unwrap();
    let contact = &world.contacts[c];
    if let Some(name) = field.strip_prefix("events.") {
        let window = o.get("within").and_then(within_ms);
        let any = world.events.iter().any(|e| {
            e.contact == c && e.name == name && window.is_none_or(|w| now - w <= e.ts && e.ts <= now)
        });
        return if op == "occurred" { any } else { !any };
    }
    match field_value(contact, field) {
        None | Some(Value::Null) => matches!(op, "neq" | "not_in" | "not_contains" | "not_exists"),
        Some(p) => value_matches(op, &p, o.get("value")),
    }
}

/// What a field reads on a contact: system dates behave as their ISO text.
fn field_value(c: &Contact, field: &str) -> Option<Value> {
    match field {
        "email" => Some(json!(c.email)),
        "createdAt" => Some(json!(dates::format(c.created))),
        "updatedAt" => Some(json!(dates::format(c.updated))),
        "suppressed" => Some(json!(false)),
        _ => c.props.get(field.strip_prefix("properties.").unwrap()).cloned(),
    }
}

fn equal(p: &Value, v: &Value) -> bool {
    match (p, v) {
        (Value::String(a), Value::String(b)) => a == b,
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Bool(a), Value::Bool(b)) => a == b,
        _ => false,
    }
}

fn lower(s: &str) -> String {
    s.to_lowercase()
}

fn contains(p: &Value, v: &str) -> bool {
    match p {
        Value::String(s) => lower(s).contains(&lower(v)),
        Value::Array(items) => items.iter().any(|e| matches!(e, Value::String(s) if lower(s) == lower(v))),
        _ => false,
    }
}

fn order(op: &str, a: f64, b: f64) -> bool {
    match op {
        "gt" => a > b,
        "gte" => a >= b,
        "lt" => a < b,
        "lte" => a <= b,
        _ => unreachable!(),
    }
}

fn value_matches(op: &str, p: &Value, v: Option<&Value>) -> bool {
    let v = v.unwrap_or(&Value::Null);
    let text = v.as_str().unwrap_or("");
    let p_date = p.as_str().and_then(dates::parse);
    match op {
        "exists" => true,
        "not_exists" => false,
        "eq" => equal(p, v),
        "neq" => !equal(p, v),
        "in" => v.as_array().unwrap().iter().any(|x| equal(p, x)),
        "not_in" => !v.as_array().unwrap().iter().any(|x| equal(p, x)),
        "gt" | "gte" | "lt" | "lte" => match (p, v) {
            (Value::Number(a), Value::Number(b)) => order(op, a.as_f64().unwrap(), b.as_f64().unwrap()),
            (_, Value::String(b)) => match p_date {
                Some(a) => order(op, a as f64, dates::parse(b).unwrap() as f64),
                None => false,
            },
            _ => false,
        },
        "before" => p_date.is_some_and(|a| a < dates::parse(text).unwrap()),
        "after" => p_date.is_some_and(|a| a > dates::parse(text).unwrap()),
        "contains" => contains(p, text),
        "not_contains" => !contains(p, text),
        "starts_with" => matches!(p, Value::String(s) if lower(s).starts_with(&lower(text))),
        "ends_with" => matches!(p, Value::String(s) if lower(s).ends_with(&lower(text))),
        _ => unreachable!("{op}"),
    }
}
