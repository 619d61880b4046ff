//! Why one contact is or is not a member: the rule tree, each node marked
//! with its result and, for a condition, what decided it. Every result is
//! read off the same bitsets `evaluate` computes, so explain always agrees
//! with preview and compute at the same `now`.

use serde_json::{json, Map, Value};

use super::event_conditions::{accumulate, empty_value, filter, window_range};
use super::{node, Ctx, Data};
use crate::engine::events::NameIndex;
use crate::engine::value::PValue;
use crate::rules::{Condition, Field, Node, Rules};
use crate::time::format_iso;

/// `{ member, tree }` for the contact at `slot` (alive) under `rules`.
pub fn explain(rules: &Rules, data: Data<'_>, slot: usize, now: i64) -> (bool, Value) {
    let cx = Ctx::new(data, now);
    let tree = walk(&rules.root, &rules.canonical, "rules", slot, &cx);
    (tree["result"] == Value::Bool(true), tree)
}

fn bit(n: &Node, slot: usize, cx: &Ctx) -> bool {
    node(n, cx).get(slot)
}

fn walk(n: &Node, canonical: &Value, path: &str, slot: usize, cx: &Ctx) -> Value {
    let mut out = match canonical {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    out.insert("path".into(), json!(path));
    out.insert("result".into(), json!(bit(n, slot, cx)));
    match n {
        Node::Group { children, .. } => {
            let kids = children_of(canonical);
            let trees: Vec<Value> = children
                .iter()
                .enumerate()
                .map(|(i, c)| walk(c, kids.get(i).unwrap_or(&Value::Null), &format!("{path}.conditions[{i}]"), slot, cx))
                .collect();
            out.insert("conditions".into(), Value::Array(trees));
        }
        Node::Not(inner) => {
            let kids = children_of(canonical);
            let t = walk(inner, kids.first().unwrap_or(&Value::Null), &format!("{path}.conditions[0]"), slot, cx);
            out.insert("conditions".into(), Value::Array(vec![t]));
        }
        Node::Segments { ids, .. } => {
            let segs: Vec<Value> = ids.iter().map(|id| referenced(*id, slot, cx)).collect();
            out.insert("segments".into(), Value::Array(segs));
        }
        Node::Cond(c) => match &c.field {
            Field::Event(name) => event_details(c, cx.data.events.list(name), slot, cx.now, &mut out),
            field => {
                if let Some(v) = actual(field, slot, cx) {
                    out.insert("actual".into(), v);
                }
            }
        },
    }
    Value::Object(out)
}

fn children_of(canonical: &Value) -> Vec<Value> {
    canonical.get("conditions").and_then(Value::as_array).cloned().unwrap_or_default()
}

fn referenced(id: u128, slot: usize, cx: &Ctx) -> Value {
    let segs = cx.data.segments;
    let sid = crate::api::ids::format(crate::api::ids::SEGMENT, id);
    match segs.rules_of(id) {
        Some(r) if cx.depth.get() < super::MAX_REF_DEPTH => {
            cx.depth.set(cx.depth.get() + 1);
            let tree = walk(&r.root, &r.canonical, "rules", slot, cx);
            cx.depth.set(cx.depth.get() - 1);
            json!({ "id": sid, "member": tree["result"], "tree": tree })
        }
        _ => json!({ "id": sid, "member": false, "tree": null }),
    }
}

/// The value a property or system-field condition read, or `None` when
/// the contact has none (the key is then left out of the node).
fn actual(field: &Field, slot: usize, cx: &Ctx) -> Option<Value> {
    let c = cx.data.contacts;
    Some(match field {
        Field::Property(key) => pvalue(c.column(key)?.value(slot)?),
        Field::Email => json!(c.email(slot)),
        Field::CreatedAt => json!(format_iso(c.created_at(slot))),
        Field::UpdatedAt => json!(format_iso(c.updated_at(slot))),
        Field::Suppressed => json!(c.is_suppressed(slot)),
        Field::Event(_) => return None,
    })
}

/// A number as the API writes numbers: integers without a fraction.
fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

fn pvalue(v: &PValue) -> Value {
    match v {
        PValue::Null => Value::Null,
        PValue::Bool(b) => json!(b),
        PValue::Num(n) => number(*n),
        PValue::Str(s) => json!(&**s),
        PValue::Json(j) => serde_json::from_str(j).unwrap_or(Value::Null),
    }
}

/// `window`, `count`, `value`, `firstAt` and `lastAt` of an event
/// condition for one contact: its matching events (right name, inside the
/// window, passing `where`) and the `having` aggregate over them.
fn event_details(c: &Condition, l: Option<&NameIndex>, slot: usize, now: i64, out: &mut Map<String, Value>) {
    let window = c.window.resolve(now, c.zone.as_ref()).map(|(lo, hi)| {
        let to = match &c.window {
            crate::rules::Window::Range { to: Some(_), .. } => Some(hi.saturating_add(1)),
            _ => Some(hi),
        };
        json!({
            "from": (lo != i64::MIN).then(|| format_iso(lo)),
            "to": to.map(format_iso),
        })
    });
    out.insert("window".into(), window.unwrap_or(Value::Null));
    let mut times = Vec::new();
    let mut value = None;
    if let Some(l) = l {
        let (a, b) = window_range(c, l, now);
        let pass = filter(c, l, a, b, now);
        for i in a..b {
            if l.slot.get(i) as usize == slot && pass.as_ref().is_none_or(|p| p.get(i - a)) {
                times.push(l.ts.get(i));
            }
        }
        value = c.having.as_ref().and_then(|h| accumulate(h, l, a, b, pass.as_ref(), 1, |s| (s == slot).then_some(0)).value(0));
    } else if let Some(h) = &c.having {
        value = empty_value(h.agg);
    }
    out.insert("count".into(), json!(times.len()));
    out.insert("value".into(), value.map_or(Value::Null, number));
    out.insert("firstAt".into(), times.first().map_or(Value::Null, |&t| json!(format_iso(t))));
    out.insert("lastAt".into(), times.last().map_or(Value::Null, |&t| json!(format_iso(t))));
}

