//! segments.create / update / delete / compute, and get / list /
//! listMembers / preview.

use super::fields::Fields;
use super::ids::{self, IdGen};
use super::input;
use super::output::{json, MemberOut, Page, SegmentOut};
use super::plan::{Plan, Planned, Reply};
use super::refs;
use super::Entry;
use crate::engine::eval::evaluate;
use crate::engine::members::Members;
use crate::engine::segments::Segment;
use crate::engine::snapshot::Store;
use crate::error::{both, Error, Result};
use crate::rules::{parse_rules, Rules};

const SEGMENT_KEYS: &[&str] = &["name", "rules", "live"];

fn rules(f: &Fields) -> Result<Rules> {
    match f.get("rules") {
        None => Err(Error::invalid("rules", "rules are required")),
        Some(v) => parse_rules(&input::value(v, "rules")?, "rules"),
    }
}

fn find(store: &Store, e: &Entry, f: &Fields) -> Result<usize> {
    let id = e.target(f, ids::SEGMENT, "segment")?;
    store.segments.find(id).ok_or_else(|| Error::not_found("segment", &ids::format(ids::SEGMENT, id)))
}

/// Collects the errors of name and rules together, so a form shows both.
/// With `need`, both are required; otherwise each is optional (but not null).
fn name_and_rules(f: &Fields, need: bool) -> Result<(Option<String>, Option<Rules>)> {
    let name = if need || f.has("name") { input::name(f.get("name"), "name").map(Some) } else { Ok(None) };
    let rules = if need || f.has("rules") { rules(f).map(Some) } else { Ok(None) };
    both(name, rules)
}

pub fn create(store: &Store, e: &Entry, now: i64, mut gen: IdGen) -> Result<Planned> {
    let f = Fields::read(e.raw(), "", "a segment")?;
    f.only(SEGMENT_KEYS, "")?;
    let (Some(name), Some(rules)) = name_and_rules(&f, true)? else {
        return Err(Error::invalid("", "name and rules are required"));
    };
    refs::check(&store.segments, &rules, None, true)?;
    let live = input::flag(f.get("live"), "live")?.unwrap_or(false);
    let id = gen.next();
    let seg = Segment {
        id,
        name,
        rules_json: rules.canonical.to_string(),
        rules: Some(rules),
        created: now,
        updated: now,
        computed_at: None,
        members: Members::default(),
        live,
        feed: Default::default(),
        next: Default::default(),
    };
    Ok(Planned { plan: Plan::NewSegment(Box::new(seg)), reply: Reply::Segment(id), last_id: gen.last })
}

pub fn update(store: &Store, e: &Entry, now: i64) -> Result<Planned> {
    let f = e.fields(SEGMENT_KEYS)?;
    let index = find(store, e, &f)?;
    let (name, rules) = name_and_rules(&f, false)?;
    let live = input::flag(f.get("live"), "live")?;
    let id = store.segments.get(index).id;
    if let Some(r) = &rules {
        refs::check(&store.segments, r, Some(id), true)?;
    }
    Ok(Planned {
        plan: Plan::EditSegment { index, name, rules: rules.map(Box::new), live, at: now },
        reply: Reply::Segment(id),
        last_id: 0,
    })
}

pub fn delete(store: &Store, e: &Entry) -> Result<Planned> {
    let f = e.fields(&[])?;
    let index = find(store, e, &f)?;
    refs::check_unreferenced(&store.segments, store.segments.get(index).id)?;
    Ok(Planned { plan: Plan::DropSegment { index }, reply: Reply::Nothing, last_id: 0 })
}

/// Evaluates the stored rules at `now` against the current state. A segment
/// deleted meanwhile is no error: the computation is simply cancelled.
/// `events` must be prepared.
pub fn compute(store: &Store, e: &Entry, now: i64) -> Result<Planned> {
    let f = e.fields(&[])?;
    let Ok(index) = find(store, e, &f) else {
        return Ok(Planned { plan: Plan::Nothing, reply: Reply::Nothing, last_id: 0 });
    };
    let seg = store.segments.get(index);
    let Some(r) = &seg.rules else { return Err(Error::invalid("rules", "segment rules are unreadable")) };
    let result = evaluate(&r.root, store.data(), now);
    Ok(Planned { plan: Plan::SetMembers { index, result }, reply: Reply::Segment(seg.id), last_id: 0 })
}

pub fn get(store: &Store, e: &Entry) -> Result<String> {
    let f = e.fields(&[])?;
    Ok(json(&SegmentOut(store.segments.get(find(store, e, &f)?))))
}

pub fn list(store: &Store, e: &Entry) -> Result<String> {
    let f = e.fields(&["cursor", "limit"])?;
    let limit = input::limit(f.get("limit"), 1)?;
    let start = match input::cursor(f.get("cursor"), ids::SEGMENT)? {
        Some(id) => store.segments.position_after(id),
        None => 0,
    };
    let all = &store.segments.all()[start.min(store.segments.all().len())..];
    let data: Vec<SegmentOut> = all.iter().take(limit).map(SegmentOut).collect();
    let next_cursor = if all.len() > limit { data.last().map(|s| ids::format(ids::SEGMENT, s.0.id)) } else { None };
    Ok(json(&Page { data, next_cursor }))
}

pub fn members(store: &Store, e: &Entry) -> Result<String> {
    let f = e.fields(&["cursor", "limit"])?;
    let index = find(store, e, &f)?;
    let limit = input::limit(f.get("limit"), 1)?;
    let seg = store.segments.get(index);
    let from = match input::cursor(f.get("cursor"), ids::CONTACT)? {
        Some(id) => store.contacts.position_after(id) as u32,
        None => 0,
    };
    let mut page = seg.members.iter_from(from);
    let data: Vec<MemberOut> = page.by_ref().take(limit).map(|(s, at)| MemberOut(&store.contacts, s as usize, at)).collect();
    let next_cursor = match (data.last(), page.next()) {
        (Some(last), Some(_)) => Some(ids::format(ids::CONTACT, store.contacts.id(last.1))),
        _ => None,
    };
    Ok(json(&Page { data, next_cursor }))
}

/// `{ count, sample }` at `now`, nothing stored; `limit: 0` gives the count
/// alone. `events` must be prepared.
pub fn preview(store: &Store, e: &Entry, now: i64) -> Result<String> {
    let f = e.fields(&["rules", "limit"])?;
    let (r, limit) = both(rules(&f), input::limit(f.get("limit"), 0))?;
    refs::check(&store.segments, &r, None, false)?;
    let result = evaluate(&r.root, store.data(), now);
    let sample: Vec<MemberOut> = result.iter().take(limit).map(|s| MemberOut(&store.contacts, s, now)).collect();
    Ok(format!("{{\"count\":{},\"sample\":{}}}", result.count(), json(&sample)))
}

/// `{ contactId, member, now, tree }`: why a contact is or is not a member
/// of a saved segment (`id`) or of `rules`. `events` must be prepared.
pub fn explain(store: &Store, e: &Entry, now: i64) -> Result<String> {
    let f = e.fields(&["rules", "contactId"])?;
    let parsed;
    let r: &Rules = if f.has("rules") {
        parsed = rules(&f)?;
        refs::check(&store.segments, &parsed, None, false)?;
        &parsed
    } else {
        let seg = store.segments.get(find(store, e, &f)?);
        seg.rules.as_ref().ok_or_else(|| Error::invalid("rules", "segment rules are unreadable"))?
    };
    let Some(raw) = f.get("contactId") else { return Err(Error::invalid("contactId", "contactId is required")) };
    let Some(cid) = input::string(raw) else { return Err(Error::invalid("contactId", "contactId must be a string")) };
    let slot = ids::parse(ids::CONTACT, &cid)
        .and_then(|id| store.contacts.slot_of_id(id))
        .ok_or_else(|| Error::not_found("contact", &crate::text::clip(&cid)))?;
    let (member, tree) = crate::engine::eval::explain(r, store.data(), slot, now);
    let out = serde_json::json!({
        "contactId": ids::format(ids::CONTACT, store.contacts.id(slot)),
        "member": member,
        "now": crate::time::format_iso(now),
        "tree": tree,
    });
    Ok(out.to_string())
}
