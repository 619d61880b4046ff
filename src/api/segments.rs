//! segments.create / update / delete / compute, and get / list /
//! listMembers / preview.

use serde_json::{Map, Value};

use super::ids::{self, IdGen};
use super::input;
use super::output::{json, MemberOut, Page, SegmentOut};
use super::plan::{Plan, Planned, Reply};
use crate::engine::eval::evaluate;
use crate::engine::segments::Segment;
use crate::engine::snapshot::Store;
use crate::error::{Error, Result};
use crate::rules::{parse_rules, Rules};

fn rules(m: &Map<String, Value>) -> Result<Rules> {
    match m.get("rules") {
        None | Some(Value::Null) => Err(Error::invalid("rules", "rules are required")),
        Some(v) => parse_rules(v, "rules"),
    }
}

pub fn find(store: &Store, m: &Map<String, Value>) -> Result<usize> {
    let id = input::id(m, ids::SEGMENT, "segment")?;
    store.segments.find(id).ok_or_else(|| Error::not_found("segment", &ids::format(ids::SEGMENT, id)))
}

/// Collects the errors of name and rules together, so a form shows both.
fn name_and_rules(m: &Map<String, Value>, need: bool) -> Result<(Option<String>, Option<Rules>)> {
    let name = match (m.get("name"), need) {
        (None, false) => Ok(None),
        (v, _) => input::name(v.filter(|v| !v.is_null() || need), "name").map(Some),
    };
    let rules = match (m.get("rules"), need) {
        (None, false) => Ok(None),
        _ => rules(m).map(Some),
    };
    match (name, rules) {
        (Ok(n), Ok(r)) => Ok((n, r)),
        (Err(a), Err(b)) => {
            let mut d = a.details;
            d.extend(b.details);
            Err(Error::validation(d))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

pub fn create(input: &Value, now: i64, mut gen: IdGen) -> Result<Planned> {
    let m = input::object(input, "")?;
    let (name, rules) = name_and_rules(m, true)?;
    let (Some(name), Some(rules)) = (name, rules) else { return Err(Error::invalid("", "name and rules are required")) };
    let id = gen.next();
    let seg = Segment {
        id,
        name,
        rules_json: rules.canonical.to_string(),
        rules: Some(rules),
        created: now,
        updated: now,
        computed_at: None,
        members: Vec::new(),
        joined: Vec::new(),
    };
    Ok(Planned { plan: Plan::NewSegment(Box::new(seg)), reply: Reply::Segment(id), last_id: gen.last })
}

pub fn update(store: &Store, input: &Value, now: i64) -> Result<Planned> {
    let m = input::object(input, "")?;
    let index = find(store, m)?;
    let (name, rules) = name_and_rules(m, false)?;
    let id = store.segments.get(index).id;
    Ok(Planned {
        plan: Plan::EditSegment { index, name, rules: rules.map(Box::new), at: now },
        reply: Reply::Segment(id),
        last_id: 0,
    })
}

pub fn delete(store: &Store, input: &Value) -> Result<Planned> {
    let index = find(store, input::object(input, "")?)?;
    Ok(Planned { plan: Plan::DropSegment { index }, reply: Reply::Nothing, last_id: 0 })
}

/// Evaluates the stored rules at `now` against the current state. A segment
/// deleted meanwhile is no error: the computation is simply cancelled.
/// `events` must be prepared.
pub fn compute(store: &Store, input: &Value, now: i64) -> Result<Planned> {
    let m = input::object(input, "")?;
    let Ok(index) = find(store, m) else {
        return Ok(Planned { plan: Plan::Nothing, reply: Reply::Nothing, last_id: 0 });
    };
    let seg = store.segments.get(index);
    let Some(r) = &seg.rules else { return Err(Error::invalid("rules", "segment rules are unreadable")) };
    let result = evaluate(&r.root, &store.contacts, &store.events, now);
    let (members, joined) = seg.merged_members(&result, now);
    Ok(Planned { plan: Plan::SetMembers { index, members, joined, at: now }, reply: Reply::Segment(seg.id), last_id: 0 })
}

pub fn get(store: &Store, input: &Value) -> Result<String> {
    let index = find(store, input::object(input, "")?)?;
    Ok(json(&SegmentOut(store.segments.get(index))))
}

pub fn list(store: &Store, input: &Value) -> Result<String> {
    let m = input::object(input, "")?;
    let limit = input::limit(m)?;
    let start = match input::cursor(m, ids::SEGMENT)? {
        Some(id) => store.segments.position_after(id),
        None => 0,
    };
    let all = &store.segments.all()[start.min(store.segments.all().len())..];
    let data: Vec<SegmentOut> = all.iter().take(limit).map(SegmentOut).collect();
    let next_cursor = if all.len() > limit { data.last().map(|s| ids::format(ids::SEGMENT, s.0.id)) } else { None };
    Ok(json(&Page { data, next_cursor }))
}

pub fn members(store: &Store, input: &Value) -> Result<String> {
    let m = input::object(input, "")?;
    let index = find(store, m)?;
    let limit = input::limit(m)?;
    let seg = store.segments.get(index);
    let start = match input::cursor(m, ids::CONTACT)? {
        Some(id) => {
            let pos = store.contacts.position_after(id) as u32;
            seg.members.partition_point(|&s| s < pos)
        }
        None => 0,
    };
    let end = (start + limit).min(seg.members.len());
    let data: Vec<MemberOut> =
        (start..end).map(|i| MemberOut(&store.contacts, seg.members[i] as usize, seg.joined[i])).collect();
    let next_cursor = if end < seg.members.len() {
        data.last().map(|m| ids::format(ids::CONTACT, store.contacts.id(m.1)))
    } else {
        None
    };
    Ok(json(&Page { data, next_cursor }))
}

/// `{ count, sample }` at `now`, nothing stored. `events` must be prepared.
pub fn preview(store: &Store, input: &Value, now: i64) -> Result<String> {
    let m = input::object(input, "")?;
    let r = rules(m)?;
    let limit = input::limit(m)?;
    let result = evaluate(&r.root, &store.contacts, &store.events, now);
    let sample: Vec<MemberOut> = result.iter().take(limit).map(|s| MemberOut(&store.contacts, s, now)).collect();
    Ok(format!("{{\"count\":{},\"sample\":{}}}", result.count(), json(&sample)))
}

