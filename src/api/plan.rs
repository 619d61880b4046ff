//! A validated mutation, with every id and timestamp already fixed. Planning
//! may fail; applying a plan cannot, so a command either happens whole or
//! not at all, and the storage write can sit between the two.

use super::ids;
use super::output::{json, ContactOut, SegmentOut};
use crate::engine::contacts::{Change, NewContact};
use crate::engine::bitset::Bitset;
use crate::engine::events::EventProp;
use crate::engine::feed::{self, Cause};
use crate::engine::live::{self, Recorder};
use crate::engine::segments::Segment;
use crate::engine::snapshot::Store;
use crate::rules::Rules;
use crate::time::format_iso;

#[derive(Debug)]
pub struct ContactEdit {
    pub slot: usize,
    pub email: Option<String>,
    pub properties: Vec<Change>,
    pub suppressed: Option<bool>,
    pub at: i64,
}

/// An event as planned; its properties are `Batch::event_props[props]`.
#[derive(Debug)]
pub struct NewEvent {
    /// Index into `Batch::event_names`.
    pub name: u32,
    pub slot: u32,
    pub ts: i64,
    pub props: std::ops::Range<u32>,
}

/// Contacts created and updated, and events added, in one batch.
#[derive(Debug, Default)]
pub struct Batch {
    pub creates: Vec<NewContact>,
    pub edits: Vec<ContactEdit>,
    pub event_names: Vec<String>,
    pub events: Vec<NewEvent>,
    /// The properties of every event, planned against its name's columns.
    pub event_props: Vec<EventProp>,
    /// What live segments' changes are recorded as: `Event` for a batch
    /// with events (even one that also creates their contacts).
    pub cause: Option<Cause>,
}

#[derive(Debug)]
pub enum Reply {
    /// The contact at this slot, after the change.
    Contact(usize),
    /// The segment with this id, after the change.
    Segment(u128),
    /// A finished JSON reply.
    Json(String),
    Nothing,
}

#[derive(Debug)]
pub enum Plan {
    NewSegment(Box<Segment>),
    EditSegment { index: usize, name: Option<String>, rules: Option<Box<Rules>>, live: Option<bool>, at: i64 },
    DropSegment { index: usize },
    SetMembers { index: usize, result: Bitset },
    Batch(Batch),
    DropContact { slot: usize },
    Nothing,
}

pub struct Planned {
    pub plan: Plan,
    pub reply: Reply,
    pub last_id: u128,
}

/// Applies a plan and renders its reply, with the membership changes it
/// recorded. Live segments are first brought to the entry's `now`; change
/// ids continue the entry's ids, from its seed, so a replay gives the same.
pub fn apply(store: &mut Store, p: Planned, now: i64, seed: [u32; 4]) -> (String, Vec<(u128, feed::Change)>) {
    store.last_id = store.last_id.max(p.last_id);
    let mut gen = ids::IdGen::new(store.last_id, now, [seed[2], seed[3], seed[0], seed[1]]);
    let mut next_id = || gen.next();
    let mut rec = Recorder::new(now, &mut next_id);
    live::advance(store, &mut rec);
    match p.plan {
        Plan::NewSegment(s) => {
            let (id, is_live) = (s.id, s.live);
            store.segments.push(*s);
            if is_live {
                live::rules_changed(store, id, &mut rec);
            }
        }
        Plan::EditSegment { index, name, rules, live: make_live, at } => {
            let s = store.segments.get_mut(index);
            if let Some(n) = name {
                s.name = n;
            }
            let rules_changed = rules.is_some();
            if let Some(r) = rules {
                s.rules_json = r.canonical.to_string();
                s.rules = Some(*r);
            }
            let became_live = make_live == Some(true) && !s.live;
            if let Some(l) = make_live {
                s.live = l;
                if !l {
                    s.next = Default::default();
                }
            }
            s.updated = at;
            let id = s.id;
            if rules_changed || became_live {
                live::rules_changed(store, id, &mut rec);
            }
        }
        Plan::DropSegment { index } => store.segments.remove(index),
        Plan::SetMembers { index, result } => {
            let s = store.segments.get_mut(index);
            live::replace_members(s, &result, Cause::Compute, &mut rec);
        }
        Plan::Batch(b) => {
            let cause = b.cause.unwrap_or(Cause::Contact);
            let mut touched: Vec<u32> = Vec::with_capacity(b.creates.len() + b.edits.len() + b.events.len());
            for c in b.creates {
                touched.push(store.contacts.insert(c) as u32);
            }
            for e in b.edits {
                if let Some(email) = e.email {
                    store.contacts.set_email(e.slot, email);
                }
                for change in e.properties {
                    store.contacts.apply(e.slot, change);
                }
                if let Some(s) = e.suppressed {
                    store.contacts.set_suppressed(e.slot, s);
                }
                store.contacts.touch(e.slot, e.at);
                touched.push(e.slot as u32);
            }
            let contacts_changed = !touched.is_empty();
            let ids: Vec<usize> = b.event_names.iter().map(|n| store.events.name_id(n)).collect();
            for e in b.events {
                let props = &b.event_props[e.props.start as usize..e.props.end as usize];
                store.events.push_id(ids[e.name as usize], e.slot, e.ts, props);
                touched.push(e.slot);
            }
            if !touched.is_empty() {
                store.data_at = now;
            }
            let names: Vec<&str> = b.event_names.iter().map(String::as_str).collect();
            live::touched(store, &mut touched, (!contacts_changed).then_some(names.as_slice()), cause, &mut rec);
            store.events.settle();
        }
        Plan::DropContact { slot } => {
            store.contacts.remove(slot);
            store.data_at = now;
            live::contact_deleted(store, slot as u32, &mut rec);
        }
        Plan::Nothing => {}
    }
    let changes = rec.out;
    store.last_id = store.last_id.max(gen.last);
    if matches!(p.reply, Reply::Segment(_)) {
        live::refresh(store);
    }
    let reply = match p.reply {
        Reply::Contact(slot) => json(&ContactOut(&store.contacts, slot)),
        Reply::Segment(id) => match store.segments.find(id) {
            Some(i) => json(&SegmentOut(store.segments.get(i))),
            None => "null".into(),
        },
        Reply::Json(s) => s,
        Reply::Nothing => "null".into(),
    };
    (reply, changes)
}

/// The Event a `track` returns.
pub fn event_reply(id: u128, name: &str, contact: u128, properties: &str, ts: i64, now: i64) -> String {
    let props = if properties.is_empty() { "{}" } else { properties };
    format!(
        "{{\"id\":{},\"name\":{},\"contactId\":{},\"properties\":{},\"timestamp\":\"{}\",\"createdAt\":\"{}\"}}",
        json(&ids::format(ids::EVENT, id)),
        json(&name),
        json(&ids::format(ids::CONTACT, contact)),
        props,
        format_iso(ts),
        format_iso(now)
    )
}
