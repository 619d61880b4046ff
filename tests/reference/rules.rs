//! Rules read straight from their JSON: is a document valid (README "Rule
//! language" and "Behavioural rules"), what is its canonical form, and does
//! one contact match it. Written for clarity, one contact at a time: an
//! event condition walks the world's whole event list.

use chrono_tz::Tz;
use serde_json::{json, Map, Value};

use super::world::{Contact, World};
use super::{dates, regex, zones};

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
        "matches" => "matches",
        "not_matches" => "not_matches",
        _ => return None,
    })
}

fn is_group(o: &Map<String, Value>) -> bool {
    o.contains_key("operator") || o.contains_key("conditions")
}

fn is_scalar(v: &Value) -> bool {
    matches!(v, Value::String(_) | Value::Bool(_) | Value::Number(_))
}

/// A date value of a rule: an ISO date, `"now"`, or `±N<unit>`.
fn is_date(v: &Value) -> bool {
    matches!(v, Value::String(s) if dates::parse(s).is_some() || relative_ms(s).is_some())
}

/// `"now"` is 0; `-N<unit>` / `+N<unit>` are offsets from now, N ≥ 1.
pub fn relative_ms(s: &str) -> Option<i64> {
    if s == "now" {
        return Some(0);
    }
    let sign = match s.chars().next()? {
        '-' => -1,
        '+' => 1,
        _ => return None,
    };
    within_ms(&json!(s[1..])).map(|ms| sign * ms)
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


/// Where a node sits: in the rule, or in an event condition's `where`.
#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Rule,
    Where,
}

struct Check<'a> {
    world: &'a World,
    count: usize,
}

/// Is the document a valid rule tree, given the saved segments of `world`?
pub fn valid(rules: &Value, world: &World) -> bool {
    let mut ch = Check { world, count: 0 };
    let ok = ch.root(rules, 1, Ctx::Rule);
    ok && ch.count <= MAX_CONDITIONS
}

/// Only the keys the language defines: an unknown key is invalid.
fn keys_within(o: &Map<String, Value>, allowed: &[&str]) -> bool {
    o.keys().all(|k| allowed.contains(&k.as_str()))
}

impl Check<'_> {
    fn root(&mut self, v: &Value, depth: usize, ctx: Ctx) -> bool {
        match v {
            Value::Array(items) => self.items(items, depth, ctx),
            Value::Object(o) => self.node(o, depth, ctx),
            _ => false,
        }
    }

    fn node(&mut self, o: &Map<String, Value>, depth: usize, ctx: Ctx) -> bool {
        if !is_group(o) {
            self.count += 1;
            return self.condition(o, depth, ctx);
        }
        let keys_ok = keys_within(o, &["operator", "conditions"]);
        let op = o.get("operator").and_then(Value::as_str);
        let op_ok = matches!(op, Some("and" | "or" | "not"));
        let items_ok = match o.get("conditions") {
            Some(Value::Array(items)) => (op != Some("not") || items.len() == 1) && self.items(items, depth, ctx),
            _ => false,
        };
        keys_ok && op_ok && items_ok
    }

    fn items(&mut self, items: &[Value], depth: usize, ctx: Ctx) -> bool {
        if depth > MAX_DEPTH || items.is_empty() {
            return false;
        }
        // Every item is looked at (so the condition count is complete).
        let mut ok = true;
        for item in items {
            ok &= match item {
                Value::Object(o) => self.node(o, depth + 1, ctx),
                _ => false,
            };
        }
        ok
    }

    fn condition(&mut self, o: &Map<String, Value>, depth: usize, ctx: Ctx) -> bool {
        if o.get("field") == Some(&json!("segment")) {
            return ctx == Ctx::Rule && self.segment_ref(o);
        }
        let Some(kind) = o.get("field").and_then(Value::as_str).and_then(field_kind) else { return false };
        let Some(op) = o.get("op").and_then(Value::as_str).and_then(op_name) else { return false };
        let event = matches!(kind, FieldKind::Event);
        let event_op = matches!(op, "occurred" | "not_occurred");
        let property = matches!(kind, FieldKind::Property);
        if !keys_within(o, &["field", "op", "value", "within", "from", "to", "timeZone", "where", "having"])
            || event != event_op
            || (ctx == Ctx::Where && !property)
            || (matches!(op, "matches" | "not_matches") && !matches!(kind, FieldKind::Property | FieldKind::Email))
        {
            return false;
        }
        let zone = match o.get("timeZone") {
            None => None,
            Some(z) => match z.as_str().and_then(zones::get) {
                Some(tz) => Some(tz),
                None => return false,
            },
        };
        let value_ok = valid_value(op, o.get("value"));
        if !event {
            let no_window = ["within", "from", "to", "where", "having"].iter().all(|k| !o.contains_key(*k));
            let zone_ok = zone.is_none() || (value_ok && takes_date(op, o.get("value")));
            return value_ok && no_window && zone_ok;
        }
        let window_ok = match (o.get("within"), o.get("from"), o.get("to")) {
            (Some(w), None, None) => within_ms(w).is_some(),
            (Some(_), _, _) => false,
            (None, from, to) => {
                let b = |v: Option<&Value>| v.map(|v| bound(v, zone));
                match (b(from), b(to)) {
                    (Some(None), _) | (_, Some(None)) => false,
                    (Some(Some(Bound::At(a))), Some(Some(Bound::At(b)))) => a < b,
                    (Some(Some(Bound::Rel(a))), Some(Some(Bound::Rel(b)))) => a < b,
                    _ => true,
                }
            }
        };
        let windowed = ["within", "from", "to"].iter().any(|k| o.contains_key(*k));
        let zone_ok = zone.is_none() || windowed;
        let where_ok = o.get("where").is_none_or(|w| self.root(w, depth + 1, Ctx::Where));
        let having_ok = o.get("having").is_none_or(valid_having);
        value_ok && window_ok && zone_ok && where_ok && having_ok
    }

    fn segment_ref(&self, o: &Map<String, Value>) -> bool {
        let saved = |v: &Value| self.world.segments.iter().any(|(id, _)| v.as_str() == Some(id));
        keys_within(o, &["field", "op", "value"])
            && matches!(o.get("op").and_then(Value::as_str), Some("in" | "not_in"))
            && matches!(o.get("value"), Some(Value::Array(a)) if !a.is_empty() && a.len() <= MAX_LIST && a.iter().all(saved))
    }
}

enum FieldKind {
    Event,
    Property,
    Email,
    System,
}

fn field_kind(f: &str) -> Option<FieldKind> {
    match f {
        "email" => Some(FieldKind::Email),
        "createdAt" | "updatedAt" | "suppressed" => Some(FieldKind::System),
        _ => match f.split_once('.') {
            Some(("properties", k)) if !k.is_empty() => Some(FieldKind::Property),
            Some(("events", n)) if !n.is_empty() && n.chars().count() <= 200 => Some(FieldKind::Event),
            _ => None,
        },
    }
}

fn valid_value(op: &str, v: Option<&Value>) -> bool {
    match op {
        "exists" | "not_exists" | "occurred" | "not_occurred" => v.is_none(),
        "eq" | "neq" => v.is_some_and(is_scalar),
        "gt" | "gte" | "lt" | "lte" => v.is_some_and(|v| v.is_number() || is_date(v)),
        "before" | "after" => v.is_some_and(is_date),
        "contains" | "not_contains" | "starts_with" | "ends_with" => matches!(v, Some(Value::String(s)) if !s.is_empty()),
        "in" | "not_in" => {
            matches!(v, Some(Value::Array(a)) if !a.is_empty() && a.len() <= MAX_LIST && a.iter().all(is_scalar))
        }
        "matches" | "not_matches" => matches!(v, Some(Value::String(s)) if regex::parse(s).is_some()),
        _ => false,
    }
}

/// Is the (valid) value read as a date, so that `timeZone` applies?
fn takes_date(op: &str, v: Option<&Value>) -> bool {
    matches!(op, "gt" | "gte" | "lt" | "lte" | "before" | "after") && v.is_some_and(Value::is_string)
}

fn valid_having(h: &Value) -> bool {
    let Value::Object(o) = h else { return false };
    let f = o.get("fn").and_then(Value::as_str);
    let property_ok = match (f, o.get("property")) {
        (Some("count"), p) => p.is_none(),
        (Some("sum" | "avg" | "min" | "max" | "distinct"), Some(Value::String(p))) => (1..=200).contains(&p.chars().count()),
        _ => false,
    };
    let op_ok = o.get("op").and_then(Value::as_str).and_then(op_name).is_some_and(|op| matches!(op, "eq" | "neq" | "gt" | "gte" | "lt" | "lte"));
    keys_within(o, &["fn", "property", "op", "value"]) && property_ok && op_ok && o.get("value").is_some_and(Value::is_number)
}

#[derive(Clone, Copy)]
enum Bound {
    At(i64),
    Rel(i64),
}

/// A `from` / `to` value: None if invalid.
fn bound(v: &Value, zone: Option<Tz>) -> Option<Bound> {
    let s = v.as_str()?;
    if s == "now" || s.starts_with(['+', '-']) {
        return relative_ms(s).map(Bound::Rel);
    }
    zones::absolute(s, zone).map(Bound::At)
}

/// The canonical form of a valid document: a group object at the root
/// (a bare array or a lone condition is wrapped in `and`, and so is a
/// `where`), short op names, durations without leading zeros.
pub fn canonical(rules: &Value) -> Value {
    match rules {
        Value::Object(o) if !is_group(o) => json!({ "operator": "and", "conditions": [canonical_node(rules)] }),
        _ => canonical_node(rules),
    }
}

fn short_duration(s: &str) -> String {
    let (digits, unit) = s.split_at(s.len() - 1);
    format!("{}{unit}", digits.trim_start_matches('0'))
}

fn canonical_node(rules: &Value) -> Value {
    match rules {
        Value::Array(items) => json!({ "operator": "and", "conditions": items.iter().map(canonical_node).collect::<Vec<_>>() }),
        Value::Object(o) if is_group(o) => json!({
            "operator": o["operator"],
            "conditions": o["conditions"].as_array().unwrap().iter().map(canonical_node).collect::<Vec<_>>(),
        }),
        Value::Object(o) if o["field"] == "segment" => json!({ "field": "segment", "op": o["op"], "value": o["value"] }),
        Value::Object(o) => {
            let mut out = Map::new();
            out.insert("field".into(), o["field"].clone());
            out.insert("op".into(), json!(op_name(o["op"].as_str().unwrap()).unwrap()));
            for k in ["value", "timeZone"] {
                if let Some(v) = o.get(k) {
                    out.insert(k.into(), v.clone());
                }
            }
            if let Some(Value::String(w)) = o.get("within") {
                out.insert("within".into(), json!(short_duration(w)));
            }
            for k in ["from", "to"] {
                if let Some(Value::String(b)) = o.get(k) {
                    let c = match b.split_at(1) {
                        (sign @ ("+" | "-"), rest) => format!("{sign}{}", short_duration(rest)),
                        _ => b.clone(),
                    };
                    out.insert(k.into(), json!(c));
                }
            }
            if let Some(w) = o.get("where") {
                out.insert("where".into(), canonical(w));
            }
            if let Some(Value::Object(h)) = o.get("having") {
                let mut c = Map::new();
                c.insert("fn".into(), h["fn"].clone());
                if let Some(p) = h.get("property") {
                    c.insert("property".into(), p.clone());
                }
                c.insert("op".into(), json!(op_name(h["op"].as_str().unwrap()).unwrap()));
                c.insert("value".into(), h["value"].clone());
                out.insert("having".into(), Value::Object(c));
            }
            Value::Object(out)
        }
        _ => unreachable!("canonical() of an invalid document"),
    }
}

/// A valid rule node (a group, a bare array meaning `and`, or a condition)
/// with `leaf` deciding each condition.
fn tree(n: &Value, leaf: &dyn Fn(&Map<String, Value>) -> bool) -> bool {
    match n {
        Value::Array(items) => items.iter().all(|n| tree(n, leaf)),
        Value::Object(o) if is_group(o) => {
            let items = o["conditions"].as_array().unwrap();
            match o["operator"].as_str().unwrap() {
                "or" => items.iter().any(|n| tree(n, leaf)),
                "not" => !tree(&items[0], leaf),
                _ => items.iter().all(|n| tree(n, leaf)),
            }
        }
        Value::Object(o) => leaf(o),
        _ => false,
    }
}

/// Does contact `c` (index into `world.contacts`) match the valid document at `now`?
pub fn matches(rules: &Value, world: &World, c: usize, now: i64) -> bool {
    tree(rules, &|o| {
        let field = o["field"].as_str().unwrap();
        if field == "segment" {
            let ids = o["value"].as_array().unwrap();
            let any = world.segments.iter().any(|(id, r)| ids.iter().any(|v| v == id) && matches(r, world, c, now));
            (o["op"] == "in") == any
        } else if field.starts_with("events.") {
            (op_name(o["op"].as_str().unwrap()) == Some("occurred")) == event_test(o, world, c, now).0
        } else {
            property_test(o, field_value(&world.contacts[c], field).as_ref(), now)
        }
    })
}

/// What an event condition found for one contact.
#[derive(Debug, Default)]
pub struct Found {
    /// Times of the matching events, ascending.
    pub times: Vec<i64>,
    /// The `having` aggregate (None: none over no numbers, or no `having`).
    pub value: Option<f64>,
    /// The window `[from, to]`: from None when unbounded; to is now or the
    /// exclusive `to`. None without a window.
    pub window: Option<(Option<i64>, i64)>,
}

/// The matching events' times inclusive range, and the window as explain shows it.
fn window(o: &Map<String, Value>, zone: Option<Tz>, now: i64) -> Option<(i64, i64, (Option<i64>, i64))> {
    if let Some(w) = o.get("within") {
        let ms = within_ms(w).unwrap();
        let s = w.as_str().unwrap();
        let lo = match zone {
            Some(tz) if s.ends_with(['d', 'w']) => {
                let days = ms / 86_400_000;
                zones::start_of_day(zones::local_date(now, tz) - chrono::Duration::days(days - 1), tz)
            }
            _ => now - ms,
        };
        return Some((lo, now, (Some(lo), now)));
    }
    if !o.contains_key("from") && !o.contains_key("to") {
        return None;
    }
    let at = |k: &str| {
        o.get(k).map(|v| match bound(v, zone).unwrap() {
            Bound::At(t) => t,
            Bound::Rel(off) => now + off,
        })
    };
    let (from, to) = (at("from"), at("to"));
    Some((from.unwrap_or(i64::MIN), to.map_or(now, |t| t - 1), (from, to.unwrap_or(now))))
}

/// The contact's events that an event condition counts, and its test.
pub fn event_test(o: &Map<String, Value>, world: &World, c: usize, now: i64) -> (bool, Found) {
    let name = o["field"].as_str().unwrap().strip_prefix("events.").unwrap();
    let zone = o.get("timeZone").and_then(Value::as_str).and_then(zones::get);
    let win = window(o, zone, now);
    let mut events: Vec<_> = world
        .events
        .iter()
        .filter(|e| e.contact == c && e.name == name)
        .filter(|e| win.is_none_or(|(lo, hi, _)| lo <= e.ts && e.ts <= hi))
        .filter(|e| o.get("where").is_none_or(|w| where_matches(w, &e.props, now)))
        .collect();
    events.sort_by_key(|e| e.ts);
    let mut found = Found { times: events.iter().map(|e| e.ts).collect(), value: None, window: win.map(|w| w.2) };
    let Some(h) = o.get("having") else { return (!events.is_empty(), found) };
    let f = h["fn"].as_str().unwrap();
    let prop = |e: &&super::world::Event| e.props.get(h.get("property").and_then(Value::as_str).unwrap_or("")).cloned();
    let numbers: Vec<f64> = events.iter().filter_map(|e| prop(e)?.as_f64()).collect();
    found.value = match f {
        "count" => Some(events.len() as f64),
        "sum" => Some(numbers.iter().sum()),
        "avg" => (!numbers.is_empty()).then(|| numbers.iter().sum::<f64>() / numbers.len() as f64),
        "min" => numbers.iter().copied().reduce(f64::min),
        "max" => numbers.iter().copied().reduce(f64::max),
        _ => {
            let mut seen: Vec<Value> = Vec::new();
            for v in events.iter().filter_map(prop).filter(is_scalar) {
                if !seen.iter().any(|s| equal(s, &v)) {
                    seen.push(v);
                }
            }
            Some(seen.len() as f64)
        }
    };
    let op = op_name(h["op"].as_str().unwrap()).unwrap();
    let target = h["value"].as_f64().unwrap();
    let holds = found.value.is_some_and(|a| match op {
        "eq" => a == target,
        "neq" => a != target,
        _ => order(op, a, target),
    });
    (holds, found)
}

/// A `where` tested on one event's properties.
fn where_matches(w: &Value, props: &Map<String, Value>, now: i64) -> bool {
    tree(w, &|o| {
        let key = o["field"].as_str().unwrap().strip_prefix("properties.").unwrap();
        property_test(o, props.get(key), now)
    })
}

/// A property condition against the value it reads (None: absent).
pub fn property_test(o: &Map<String, Value>, p: Option<&Value>, now: i64) -> bool {
    let op = op_name(o["op"].as_str().unwrap()).unwrap();
    match p {
        None | Some(Value::Null) => matches!(op, "neq" | "not_in" | "not_contains" | "not_exists" | "not_matches"),
        Some(p) => {
            let zone = o.get("timeZone").and_then(Value::as_str).and_then(zones::get);
            value_matches(op, p, o.get("value"), zone, now)
        }
    }
}

/// What a field reads on a contact: system dates behave as their ISO text.
pub fn field_value(c: &Contact, field: &str) -> Option<Value> {
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

/// A rule's date value at `now`: relative to now, or absolute (local to `zone` without an offset).
fn date_value(s: &str, zone: Option<Tz>, now: i64) -> i64 {
    match relative_ms(s) {
        Some(off) => now + off,
        None => zones::absolute(s, zone).unwrap(),
    }
}

fn value_matches(op: &str, p: &Value, v: Option<&Value>, zone: Option<Tz>, now: i64) -> bool {
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
                Some(a) => order(op, a as f64, date_value(b, zone, now) as f64),
                None => false,
            },
            _ => false,
        },
        "before" => p_date.is_some_and(|a| a < date_value(text, zone, now)),
        "after" => p_date.is_some_and(|a| a > date_value(text, zone, now)),
        "contains" => contains(p, text),
        "not_contains" => !contains(p, text),
        "starts_with" => matches!(p, Value::String(s) if lower(s).starts_with(&lower(text))),
        "ends_with" => matches!(p, Value::String(s) if lower(s).ends_with(&lower(text))),
        "matches" => matches!(p, Value::String(s) if regex::parse(text).unwrap().is_match(s)),
        "not_matches" => !matches!(p, Value::String(s) if regex::parse(text).unwrap().is_match(s)),
        _ => unreachable!("{op}"),
    }
}
