//! Rule JSON → validated [`Rules`], with every problem reported at its path.
//!
//! Validation walks the whole tree and collects all errors (up to a cap) so
//! a rule builder can mark every offending condition at once. Depth is
//! checked before descending, so hostile nesting cannot exhaust the stack.
//! Conditions inside a `where` count toward the same depth and condition
//! limits as the rest of the rule.

use serde_json::{Map, Value};

use super::operand::{is_date, operand};
use super::window::{self, Bound, Window};
use super::{Agg, Condition, Field, Having, Node, Op, Rules};
use crate::error::{join_path, Detail, Error};
use crate::text::clip;
use crate::zone::Zone;

pub use super::operand::{MAX_LIST_VALUES, MAX_PATTERN_CHARS};
pub use super::window::MAX_WITHIN_DAYS;

pub const MAX_DEPTH: usize = 32;
pub const MAX_CONDITIONS: usize = 1000;
/// Event names in `events.<name>` obey the same limit as `events.track`.
pub const MAX_EVENT_NAME_CHARS: usize = 200;
const MAX_DETAILS: usize = 100;

/// The keys each object of the language may have. Anything else is an
/// error: a typo such as `wihtin` must never silently widen a segment.
const GROUP_KEYS: &[&str] = &["operator", "conditions"];
const CONDITION_KEYS: &[&str] = &["field", "op", "value", "within", "from", "to", "timeZone", "where", "having"];
const SEGMENT_KEYS: &[&str] = &["field", "op", "value"];
const HAVING_KEYS: &[&str] = &["fn", "property", "op", "value"];

/// Where a node sits: the rule itself, or the `where` of an event condition
/// (which tests the event's own properties only).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Rule,
    Where,
}

struct Walker {
    details: Vec<Detail>,
    conditions: usize,
    refs: Vec<(u128, String)>,
}

impl Walker {
    fn err(&mut self, path: &str, message: impl Into<String>) {
        if self.details.len() < MAX_DETAILS {
            self.details.push(Detail { path: path.to_string(), message: message.into() });
        }
    }

    fn full(&self) -> bool {
        self.conditions > MAX_CONDITIONS * 4 || self.details.len() >= MAX_DETAILS
    }
}

/// Validates `value` as a rule tree. `path` names it in the caller's input
/// (`rules`), and prefixes every error path.
pub fn parse_rules(value: &Value, path: &str) -> Result<Rules, Error> {
    let mut w = Walker { details: Vec::new(), conditions: 0, refs: Vec::new() };
    let parsed = root(&mut w, value, path, 1, Ctx::Rule);
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
        Some((root, canonical)) if w.details.is_empty() => Ok(Rules { root, canonical, refs: w.refs }),
        _ => Err(Error::validation(w.details)),
    }
}

/// A tree's root (the rules, or a `where`): a group, a bare array (an
/// `and` group) or a lone condition (stored as an `and` group of one).
fn root(w: &mut Walker, value: &Value, path: &str, depth: usize, ctx: Ctx) -> Option<(Node, Value)> {
    match value {
        Value::Array(items) => group(w, Kind::And, items, path, depth, ctx),
        Value::Object(obj) if is_group(obj) => node(w, obj, path, depth, ctx),
        Value::Object(obj) => node(w, obj, path, depth, ctx).map(|(n, v)| {
            (Node::Group { any: false, children: vec![n] }, group_json("and", vec![v]))
        }),
        _ => {
            w.err(path, "rules must be a group object { operator, conditions }, an array of conditions, or one condition");
            None
        }
    }
}

fn is_group(obj: &Map<String, Value>) -> bool {
    obj.contains_key("operator") || obj.contains_key("conditions")
}

fn group_json(operator: &str, conditions: Vec<Value>) -> Value {
    let mut out = Map::new();
    out.insert("operator".into(), Value::String(operator.into()));
    out.insert("conditions".into(), Value::Array(conditions));
    Value::Object(out)
}

/// Reports every key of `obj` outside `allowed`, at its own path.
fn unknown_keys(w: &mut Walker, obj: &Map<String, Value>, allowed: &[&str], path: &str, what: &str) -> bool {
    let mut ok = true;
    for k in obj.keys().filter(|k| !allowed.contains(&k.as_str())) {
        w.err(&join_path(path, k), format!("unknown key in {what}; allowed keys are {}", allowed.join(", ")));
        ok = false;
    }
    ok
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    And,
    Or,
    Not,
}

fn node(w: &mut Walker, obj: &Map<String, Value>, path: &str, depth: usize, ctx: Ctx) -> Option<(Node, Value)> {
    if !is_group(obj) {
        return condition(w, obj, path, depth, ctx);
    }
    let keys_ok = unknown_keys(w, obj, GROUP_KEYS, path, "a group");
    let opath = format!("{path}.operator");
    let kind = match obj.get("operator") {
        Some(Value::String(s)) if s == "and" => Some(Kind::And),
        Some(Value::String(s)) if s == "or" => Some(Kind::Or),
        Some(Value::String(s)) if s == "not" => Some(Kind::Not),
        Some(Value::String(s)) => {
            w.err(&opath, format!("unknown operator '{}'; use \"and\", \"or\" or \"not\"", clip(s)));
            None
        }
        Some(_) => {
            w.err(&opath, "operator must be \"and\", \"or\" or \"not\"");
            None
        }
        None => {
            w.err(&opath, "a group needs an operator, \"and\", \"or\" or \"not\"");
            None
        }
    };
    let conds_path = format!("{path}.conditions");
    let children = match obj.get("conditions") {
        Some(Value::Array(items)) => group(w, kind.unwrap_or(Kind::And), items, &conds_path, depth, ctx),
        Some(_) => {
            w.err(&conds_path, "conditions must be an array");
            None
        }
        None => {
            w.err(&conds_path, "a group needs a conditions array");
            None
        }
    };
    match (kind, children) {
        (Some(_), Some(c)) if keys_ok => Some(c),
        _ => None,
    }
}

/// A list of nodes joined by `kind`. `items_path` is where the list itself
/// sits (`rules.conditions`, or `rules` for a bare array).
fn group(w: &mut Walker, kind: Kind, items: &[Value], items_path: &str, depth: usize, ctx: Ctx) -> Option<(Node, Value)> {
    if depth > MAX_DEPTH {
        w.err(items_path, format!("rules nest deeper than {MAX_DEPTH} groups"));
        return None;
    }
    if items.is_empty() {
        w.err(items_path, "a group needs at least one condition");
        return None;
    }
    if kind == Kind::Not && items.len() != 1 {
        w.err(items_path, format!("a not group takes exactly one condition or group; it has {}", items.len()));
        return None;
    }
    let mut children = Vec::with_capacity(items.len());
    let mut canon = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let p = format!("{items_path}[{i}]");
        let r = match item {
            Value::Object(obj) => node(w, obj, &p, depth + 1, ctx),
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
        if w.full() {
            return None; // far past every limit: stop walking
        }
    }
    if !ok {
        return None;
    }
    Some(match kind {
        Kind::Not => (Node::Not(Box::new(children.remove(0))), group_json("not", canon)),
        Kind::And => (Node::Group { any: false, children }, group_json("and", canon)),
        Kind::Or => (Node::Group { any: true, children }, group_json("or", canon)),
    })
}

fn parse_field(s: &str, ctx: Ctx) -> Result<Field, String> {
    let field = match s {
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
            _ if ctx == Ctx::Where => return Err(format!("unknown field '{}'; inside where, fields are properties.<key> of the event", clip(s))),
            _ => {
                return Err(format!(
                    "unknown field '{}'; use properties.<key>, events.<name>, email, createdAt, updatedAt, suppressed or segment",
                    clip(s)
                ))
            }
        },
    };
    if ctx == Ctx::Where && !matches!(field, Field::Property(_)) {
        return Err(format!("inside where, fields are properties.<key> of the event, not '{}'", clip(s)));
    }
    Ok(field)
}

fn condition(w: &mut Walker, obj: &Map<String, Value>, path: &str, depth: usize, ctx: Ctx) -> Option<(Node, Value)> {
    w.conditions += 1;
    let before = w.details.len();
    let fpath = format!("{path}.field");
    if obj.get("field").and_then(Value::as_str) == Some("segment") {
        if ctx == Ctx::Where {
            w.err(&fpath, "inside where, fields are properties.<key> of the event; segment references belong in the rule");
            return None;
        }
        return segment_ref(w, obj, path);
    }
    unknown_keys(w, obj, CONDITION_KEYS, path, "a condition");
    let field = match obj.get("field") {
        Some(Value::String(s)) => parse_field(s, ctx).map_err(|m| w.err(&fpath, m)).ok(),
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
    if matches!(op, Op::Matches | Op::NotMatches) && !matches!(field, Field::Property(_) | Field::Email) {
        w.err(&opath, format!("{} applies to properties and email only", op.name()));
        return None;
    }
    let zpath = format!("{path}.timeZone");
    let zone = match obj.get("timeZone") {
        None => None,
        Some(Value::String(s)) => match Zone::lookup(s) {
            Ok(z) => Some(z),
            Err(crate::zone_db::Missing::Unknown) => {
                w.err(&zpath, format!("unknown time zone '{}'; use an IANA name like \"Europe/Berlin\" or \"UTC\"", clip(s)));
                None
            }
            Err(crate::zone_db::Missing::NotLoaded) => {
                w.err(&zpath, "the time zone database is not loaded (the SDK loads it when a rule names a zone)");
                None
            }
        },
        Some(_) => {
            w.err(&zpath, "timeZone must be an IANA zone name");
            None
        }
    };
    let vpath = format!("{path}.value");
    let operand = match operand(op, obj.get("value"), zone.as_ref()) {
        Ok(o) => Some(o),
        Err((at, m)) => {
            w.err(&at.map_or(vpath.clone(), |i| format!("{vpath}[{i}]")), m);
            None
        }
    };
    let mut canonical = Map::new();
    canonical.insert("field".into(), obj.get("field").cloned().unwrap_or(Value::Null));
    canonical.insert("op".into(), Value::String(op.name().into()));
    if let Some(v) = obj.get("value") {
        canonical.insert("value".into(), v.clone());
    }
    let window = if is_event {
        event_window(w, obj, path, zone.as_ref(), &mut canonical)
    } else {
        for k in ["within", "from", "to", "where", "having"] {
            if obj.contains_key(k) {
                w.err(&format!("{path}.{k}"), format!("{k} applies to event conditions only"));
            }
        }
        Some(Window::All)
    };
    if let (Some(z), Some(win), Some(o)) = (&zone, &window, &operand) {
        let fits = if is_event { *win != Window::All } else { is_date(o) };
        if fits {
            canonical.insert("timeZone".into(), Value::String(z.name().into()));
        } else if is_event {
            w.err(&zpath, "timeZone applies to an event condition with a window (within, or from/to)");
        } else {
            w.err(&zpath, "timeZone applies to a property condition whose value is a date");
        }
    }
    let mut filter = None;
    if let (true, Some(v)) = (is_event, obj.get("where")) {
        if ctx == Ctx::Where {
            w.err(&format!("{path}.where"), "a where cannot hold another where");
        } else if let Some((n, c)) = root(w, v, &format!("{path}.where"), depth + 1, Ctx::Where) {
            canonical.insert("where".into(), c);
            filter = Some(Box::new(n));
        }
    }
    let mut having = None;
    if let (true, Some(v)) = (is_event, obj.get("having")) {
        if let Some((h, c)) = parse_having(w, v, &format!("{path}.having")) {
            canonical.insert("having".into(), c);
            having = Some(h);
        }
    }
    if w.details.len() > before {
        return None;
    }
    let (Some(operand), Some(window)) = (operand, window) else { return None };
    Some((Node::Cond(Condition { field, op, operand, window, filter, having, zone }), Value::Object(canonical)))
}

/// `within`, or `from`/`to`, of an event condition; writes their canonical
/// spellings into `canonical`.
fn event_window(w: &mut Walker, obj: &Map<String, Value>, path: &str, zone: Option<&Zone>, canonical: &mut Map<String, Value>) -> Option<Window> {
    let (from, to) = (obj.get("from"), obj.get("to"));
    if let Some(v) = obj.get("within") {
        if from.is_some() || to.is_some() {
            let key = if from.is_some() { "from" } else { "to" };
            w.err(&format!("{path}.{key}"), "within and from/to cannot be combined; use one or the other");
            return None;
        }
        return match window::within(v, zone) {
            Ok((win, c)) => {
                canonical.insert("within".into(), Value::String(c));
                Some(win)
            }
            Err(m) => {
                w.err(&format!("{path}.within"), m);
                None
            }
        };
    }
    if from.is_none() && to.is_none() {
        return Some(Window::All);
    }
    let mut read = |key: &str, v: Option<&Value>| -> Result<Option<Bound>, ()> {
        let Some(v) = v else { return Ok(None) };
        match window::bound(v, zone) {
            Ok((b, c)) => {
                canonical.insert(key.into(), Value::String(c));
                Ok(Some(b))
            }
            Err(m) => {
                w.err(&format!("{path}.{key}"), format!("{key} {m}"));
                Err(())
            }
        }
    };
    let (Ok(lo), Ok(hi)) = (read("from", from), read("to", to)) else { return None };
    let empty = match (lo, hi) {
        (Some(Bound::At(a)), Some(Bound::At(b))) => a >= b,
        (Some(Bound::Rel(a)), Some(Bound::Rel(b))) => a >= b,
        _ => false,
    };
    if empty {
        w.err(&format!("{path}.to"), "to must be later than from: the window from ≤ t < to would be empty");
        return None;
    }
    Some(Window::Range { from: lo, to: hi })
}

fn parse_having(w: &mut Walker, v: &Value, path: &str) -> Option<(Having, Value)> {
    let Value::Object(obj) = v else {
        w.err(path, "having must be an object { fn, property?, op, value }");
        return None;
    };
    let before = w.details.len();
    unknown_keys(w, obj, HAVING_KEYS, path, "having");
    let agg = match obj.get("fn") {
        Some(Value::String(s)) => Agg::from_name(s).or_else(|| {
            w.err(&format!("{path}.fn"), format!("unknown fn '{}'; use count, sum, avg, min, max or distinct", clip(s)));
            None
        }),
        _ => {
            w.err(&format!("{path}.fn"), "having needs fn: count, sum, avg, min, max or distinct");
            None
        }
    };
    let ppath = format!("{path}.property");
    let property = match (agg, obj.get("property")) {
        (Some(Agg::Count), Some(_)) => {
            w.err(&ppath, "count takes no property: it counts the matching events");
            None
        }
        (Some(Agg::Count), None) | (None, _) => None,
        (Some(a), None) => {
            w.err(&ppath, format!("{} needs the event property to aggregate", a.name()));
            None
        }
        (Some(_), Some(Value::String(s))) if !s.is_empty() && s.chars().count() <= 200 => Some(s.clone()),
        (Some(_), Some(_)) => {
            w.err(&ppath, "property must be an event property key of 1 to 200 characters");
            None
        }
    };
    let op = match obj.get("op").and_then(Value::as_str).and_then(Op::from_name) {
        Some(op) if op.is_comparison() => Some(op),
        _ => {
            w.err(&format!("{path}.op"), "having op must be eq, neq, gt, gte, lt or lte");
            None
        }
    };
    let value = match obj.get("value") {
        Some(Value::Number(n)) => n.as_f64().filter(|f| f.is_finite()),
        _ => None,
    };
    if value.is_none() {
        w.err(&format!("{path}.value"), "having value must be a finite number");
    }
    if w.details.len() > before {
        return None;
    }
    let (agg, op, value) = (agg?, op?, value?);
    let mut c = Map::new();
    c.insert("fn".into(), Value::String(agg.name().into()));
    if let Some(p) = &property {
        c.insert("property".into(), Value::String(p.clone()));
    }
    c.insert("op".into(), Value::String(op.name().into()));
    c.insert("value".into(), obj["value"].clone());
    Some((Having { agg, property, op, value }, Value::Object(c)))
}

/// `{ field: "segment", op: "in" | "not_in", value: ["seg_…", …] }`. Whether
/// each id exists, and cycles and depth, are checked against the store by
/// the caller (`Rules::refs`).
fn segment_ref(w: &mut Walker, obj: &Map<String, Value>, path: &str) -> Option<(Node, Value)> {
    let before = w.details.len();
    unknown_keys(w, obj, SEGMENT_KEYS, path, "a segment reference");
    let none = match obj.get("op").and_then(Value::as_str) {
        Some("in") => Some(false),
        Some("not_in") => Some(true),
        _ => {
            w.err(&format!("{path}.op"), "a segment reference takes op in or not_in");
            None
        }
    };
    let vpath = format!("{path}.value");
    let mut ids = Vec::new();
    match obj.get("value") {
        Some(Value::Array(items)) if !items.is_empty() && items.len() <= MAX_LIST_VALUES => {
            for (i, item) in items.iter().enumerate() {
                let p = format!("{vpath}[{i}]");
                match item.as_str().map(|s| (s, crate::api::ids::parse(crate::api::ids::SEGMENT, s))) {
                    Some((_, Some(id))) => {
                        ids.push(id);
                        w.refs.push((id, p));
                    }
                    Some((s, None)) => w.err(&p, format!("no segment with ID {} exists", clip(s))),
                    None => w.err(&p, "segment ids are strings like \"seg_…\""),
                }
            }
        }
        _ => w.err(&vpath, format!("a segment reference needs a non-empty array of segment ids (at most {MAX_LIST_VALUES})")),
    }
    if w.details.len() > before {
        return None;
    }
    let none = none?;
    let mut c = Map::new();
    c.insert("field".into(), Value::String("segment".into()));
    c.insert("op".into(), Value::String(if none { "not_in" } else { "in" }.into()));
    c.insert("value".into(), obj["value"].clone());
    Some((Node::Segments { ids, none }, Value::Object(c)))
}

#[cfg(test)]
mod tests;
