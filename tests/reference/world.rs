//! The reference world: contacts and events as plain records, and what each
//! SDK mutation does to them (the README API and its decisions),
//! including which error a bad call gets. No columns, no indexes.

use serde_json::{Map, Value};

use super::dates;

#[derive(Debug, Clone)]
pub struct Contact {
    /// The engine's id, learnt from its replies ("" until known).
    pub id: String,
    pub email: String,
    pub props: Map<String, Value>,
    pub created: i64,
    pub updated: i64,
    pub alive: bool,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub name: String,
    /// Index into `World::contacts`.
    pub contact: usize,
    pub ts: i64,
    /// The event's own properties (`where` and `having` read them).
    pub props: Map<String, Value>,
}

#[derive(Debug, Clone, Default)]
pub struct World {
    pub contacts: Vec<Contact>,
    pub events: Vec<Event>,
    /// Saved segments (id, rules) that rules may reference.
    pub segments: Vec<(String, Value)>,
}

/// One event of a track or import: who, name, time and properties.
#[derive(Debug, Clone)]
pub struct Ev {
    pub who: Target,
    pub name: String,
    pub ts: Ts,
    pub props: Map<String, Value>,
}

/// Who an event is for.
#[derive(Debug, Clone)]
pub enum Target {
    /// The n-th live contact (modulo the live count), by contactId.
    Live(usize),
    /// By email: an unknown one creates the contact.
    Email(String),
    /// A well-formed contactId that was never handed out.
    Missing,
}

/// An event timestamp: None = the call's now; else an instant and how to write it.
#[derive(Debug, Clone)]
pub struct Ts {
    pub at: Option<i64>,
    /// 0 epoch ms, 1 ISO Z, 2 ISO +HH:MM, 3 ISO -HHMM, 4 garbage string
    pub form: u8,
}

#[derive(Debug, Clone)]
pub enum Op {
    Create { email: String, props: Map<String, Value> },
    Update { who: usize, email: Option<String>, props: Map<String, Value> },
    Delete { who: usize },
    Import { records: Vec<(String, Map<String, Value>)> },
    Track { ev: Ev },
    ImportEvents { records: Vec<Ev> },
    Tick { ms: i64 },
}

/// The outcome the reference predicts.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Ok,
    Err(&'static str),
}

pub const VALIDATION: Outcome = Outcome::Err("VALIDATION_ERROR");
pub const CONFLICT: Outcome = Outcome::Err("CONFLICT");
pub const NOT_FOUND: Outcome = Outcome::Err("NOT_FOUND");

/// README: contains `@` with text on both sides, no spaces, at most 320 characters.
pub fn email_ok(e: &str) -> bool {
    e.chars().count() <= 320
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(e.rsplit_once('@'), Some((l, d)) if !l.is_empty() && !d.is_empty())
}

pub fn event_name_ok(n: &str) -> bool {
    (1..=200).contains(&n.chars().count())
}

/// README: at most 100 keys of 1 to 200 characters (the generator's values nest shallowly).
pub fn event_props_ok(p: &Map<String, Value>) -> bool {
    p.len() <= 100 && p.keys().all(|k| (1..=200).contains(&k.chars().count()))
}

impl Ts {
    pub fn instant(&self, now: i64) -> Option<i64> {
        match (self.at, self.form) {
            (_, 4) => None,
            (Some(t), _) => Some(t),
            (None, _) => Some(now),
        }
    }

    /// The JSON the call sends (None: field left out).
    pub fn json(&self) -> Option<Value> {
        if self.form == 4 {
            return Some(Value::String("2025-02-30T10:00:00Z".into()));
        }
        let t = self.at?;
        Some(match self.form {
            0 => Value::from(t),
            1 => Value::String(dates::format(t)),
            2 => Value::String(dates::format_with_offset(t, 150, true)),
            _ => Value::String(dates::format_with_offset(t, -270, false)),
        })
    }
}

impl World {
    pub fn live(&self) -> Vec<usize> {
        (0..self.contacts.len()).filter(|&i| self.contacts[i].alive).collect()
    }

    pub fn by_email(&self, email: &str) -> Option<usize> {
        let k = email.to_lowercase();
        (0..self.contacts.len()).find(|&i| self.contacts[i].alive && self.contacts[i].email.to_lowercase() == k)
    }

    /// The live contact an op's `who` picks, if any contact is live.
    pub fn pick(&self, who: usize) -> Option<usize> {
        let live = self.live();
        (!live.is_empty()).then(|| live[who % live.len()])
    }

    fn new_contact(&mut self, email: &str, props: Map<String, Value>, now: i64) -> usize {
        self.contacts.push(Contact { id: String::new(), email: email.into(), props, created: now, updated: now, alive: true });
        self.contacts.len() - 1
    }

    /// Applies `op` at `now`; on an error nothing changes.
    pub fn apply(&mut self, op: &Op, now: i64) -> Outcome {
        match op {
            Op::Tick { .. } => Outcome::Ok,
            Op::Create { email, props } => {
                if !email_ok(email) {
                    return VALIDATION;
                }
                if self.by_email(email).is_some() {
                    return CONFLICT;
                }
                self.new_contact(email, props.clone(), now);
                Outcome::Ok
            }
            Op::Update { who, email, props } => {
                let Some(i) = self.pick(*who) else { return Outcome::Ok }; // harness skips
                if let Some(e) = email {
                    if !email_ok(e) {
                        return VALIDATION;
                    }
                    if self.by_email(e).is_some_and(|j| j != i) {
                        return CONFLICT;
                    }
                }
                let c = &mut self.contacts[i];
                if let Some(e) = email {
                    c.email = e.clone();
                }
                merge(&mut c.props, props);
                c.updated = now;
                Outcome::Ok
            }
            Op::Delete { who } => {
                if let Some(i) = self.pick(*who) {
                    self.contacts[i].alive = false;
                }
                Outcome::Ok
            }
            Op::Import { records } => {
                if records.iter().any(|(e, _)| !email_ok(e)) {
                    return VALIDATION;
                }
                let mut batch: Vec<(String, usize)> = Vec::new();
                for (email, props) in records {
                    let key = email.to_lowercase();
                    if let Some((_, i)) = batch.iter().find(|(k, _)| *k == key) {
                        merge(&mut self.contacts[*i].props, props);
                    } else if let Some(i) = self.by_email(email) {
                        merge(&mut self.contacts[i].props, props);
                        self.contacts[i].updated = now;
                    } else {
                        let i = self.new_contact(email, props.clone(), now);
                        batch.push((key, i));
                    }
                }
                Outcome::Ok
            }
            Op::Track { ev } => self.events_batch(std::slice::from_ref(ev), now, true),
            Op::ImportEvents { records } => self.events_batch(records, now, false),
        }
    }

    fn events_batch(&mut self, records: &[Ev], now: i64, track: bool) -> Outcome {
        // Validate first, in the engine's order per record: name, timestamp, properties, who.
        for Ev { who, name, ts, props } in records {
            if !event_name_ok(name) || ts.instant(now).is_none() || !event_props_ok(props) {
                return VALIDATION;
            }
            match who {
                Target::Email(e) if !email_ok(e) => return VALIDATION,
                Target::Missing => return if track { NOT_FOUND } else { VALIDATION },
                Target::Live(_) if self.live().is_empty() => return if track { NOT_FOUND } else { VALIDATION },
                _ => {}
            }
        }
        // contactIds are resolved against the contacts that existed before the call.
        let picks: Vec<Option<usize>> = records.iter().map(|ev| match ev.who {
            Target::Live(n) => self.pick(n),
            _ => None,
        }).collect();
        for (Ev { who, name, ts, props }, pick) in records.iter().zip(picks) {
            let contact = match who {
                Target::Live(_) => pick.unwrap(),
                Target::Email(e) => match self.by_email(e) {
                    Some(i) => i,
                    None => self.new_contact(e, Map::new(), now),
                },
                Target::Missing => unreachable!(),
            };
            self.events.push(Event { name: name.clone(), contact, ts: ts.instant(now).unwrap(), props: props.clone() });
        }
        Outcome::Ok
    }
}

/// A property patch: a key set to null is removed.
fn merge(props: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (k, v) in patch {
        if v.is_null() {
            props.remove(k);
        } else {
            props.insert(k.clone(), v.clone());
        }
    }
}

/// JSON equality with numbers compared by value (`1` and `1.0` are one number).
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_json(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}
