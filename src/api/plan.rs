//! A validated mutation, with every id and timestamp already fixed. Planning
//! may fail; applying a plan cannot, so a command either happens whole or
//! not at all, and the storage write can sit between the two.

use super::ids;
use super::output::{json, ContactOut, SegmentOut};
use crate::engine::contacts::{Change, NewContact};
use crate::engine::events::EventProp;
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
    EditSegment { index: usize, name: Option<String>, rules: Option<Box<Rules>>, at: i64 },
    DropSegment { index: usize },
    SetMembers { index: usize, members: Vec<u32>, joined: Vec<i64>, at: i64 },
    Batch(Batch),
    DropContact { slot: usize },
    Nothing,
}

pub struct Planned {
    pub plan: Plan,
    pub reply: Reply,
    pub last_id: u128,
}

/// Applies a plan and renders its reply.
pub fn apply(store: &mut Store, p: Planned) -> String {
    store.last_id = store.last_id.max(p.last_id);
    match p.plan {
        Plan::NewSegment(s) => store.segments.push(*s),
        Plan::EditSegment { index, name, rules, at } => {
            let s = store.segments.get_mut(index);
            if let Some(n) = name {
                s.name = n;
            }
            if let Some(r) = rules {
                s.rules_json = r.canonical.to_string();
                s.rules = Some(*r);
            }
            s.updated = at;
        }
        Plan::DropSegment { index } => store.segments.remove(index),
        Plan::SetMembers { index, members, joined, at } => {
            let s = store.segments.get_mut(index);
            s.members = members;
            s.joined = joined;
            s.computed_at = Some(at);
        }
        Plan::Batch(b) => {
            for c in b.creates {
                store.contacts.insert(c);
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
            }
            let ids: Vec<usize> = b.event_names.iter().map(|n| store.events.name_id(n)).collect();
            for e in b.events {
                let props = &b.event_props[e.props.start as usize..e.props.end as usize];
                store.events.push_id(ids[e.name as usize], e.slot, e.ts, props);
            }
            store.events.settle();
        }
        Plan::DropContact { slot } => {
            store.contacts.remove(slot);
            store.segments.remove_contact(slot as u32);
        }
        Plan::Nothing => {}
    }
    match p.reply {
        Reply::Contact(slot) => json(&ContactOut(&store.contacts, slot)),
        Reply::Segment(id) => match store.segments.find(id) {
            Some(i) => json(&SegmentOut(store.segments.get(i))),
            None => "null".into(),
        },
        Reply::Json(s) => s,
        Reply::Nothing => "null".into(),
    }
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
