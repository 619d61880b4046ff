//! events.track and events.import: each event's name, contact, time and
//! properties, planned against the event index so a commit cannot fail.

use std::borrow::Cow;

use rustc_hash::FxHashMap as HashMap;

use super::fields::{self, Errors, Fields};
use super::ids::{self, IdGen};
use super::input;
use crate::engine::feed::Cause;
use super::plan::{event_reply, Batch, NewEvent, Plan, Planned, Reply};
use super::props::{self, Pairs};
use super::text_import;
use super::Entry;
use crate::engine::contacts::{email_key, NewContact};
use crate::engine::snapshot::Store;
use crate::error::{Error, Result};
use crate::text::clip;

const EVENT_KEYS: &[&str] = &["name", "contactId", "email", "properties", "timestamp"];

struct Builder<'a> {
    store: &'a Store,
    now: i64,
    batch: Batch,
    names: HashMap<String, u32>,
    new_by_email: HashMap<Box<str>, u32>,
}

/// Who an event belongs to.
enum Who {
    Slot(u32),
    MissingId(String),
}

/// One event record's fields, read and checked, before they are planned:
/// from an object (track, an array import, an NDJSON line) or a CSV row.
pub(super) struct EventIn<'a> {
    pub name: Cow<'a, str>,
    pub who: WhoIn<'a>,
    /// `None`: now.
    pub ts: Option<i64>,
    pub props: Pairs<'a>,
    /// The properties object as given, for track's reply.
    pub props_text: &'a str,
}

/// Whom an event record names.
pub(super) enum WhoIn<'a> {
    Email(Cow<'a, str>),
    Id(Cow<'a, str>),
}

impl<'a> EventIn<'a> {
    /// An object record, errors at its keys' paths.
    pub(super) fn read(f: &Fields<'a>) -> Result<Self> {
        f.only(EVENT_KEYS, "")?;
        let name = input::event_name(f.get("name"), "name")?;
        let (props_text, props) = props::event_pairs(f.get("properties"), "properties")?;
        let ts = f.get("timestamp").map(|raw| input::timestamp(Some(raw), "timestamp", 0)).transpose()?;
        let who = match (f.get("contactId"), f.get("email")) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid("contactId", "give exactly one of contactId and email, not both"))
            }
            (None, None) => return Err(Error::invalid("contactId", "give exactly one of contactId and email")),
            (Some(raw), None) => match input::string(raw) {
                Some(s) => WhoIn::Id(s),
                None => return Err(Error::invalid("contactId", "contactId must be a string")),
            },
            (None, Some(raw)) => WhoIn::Email(input::email_ref(Some(raw), "email")?),
        };
        Ok(EventIn { name, who, ts, props, props_text })
    }
}

/// One event record, planned: its properties are in the batch.
struct Rec<'a> {
    name: u32,
    ts: i64,
    who: Who,
    properties: &'a str,
    props: std::ops::Range<u32>,
}

impl<'a> Builder<'a> {
    /// Plans a checked record into the batch (it cannot fail).
    fn push<'r>(&mut self, r: EventIn<'r>, gen: &mut IdGen) -> Rec<'r> {
        let changes = props::plan_event(&self.store.events, self.store.events.find(&r.name), &r.props);
        let who = match r.who {
            WhoIn::Id(s) => match ids::parse(ids::CONTACT, &s).and_then(|id| self.store.contacts.slot_of_id(id)) {
                Some(slot) => Who::Slot(slot as u32),
                None => Who::MissingId(clip(&s)),
            },
            WhoIn::Email(email) => Who::Slot(self.slot_for_email(email, gen)),
        };
        let name = match self.names.get(r.name.as_ref()) {
            Some(&i) => i,
            None => {
                let i = self.batch.event_names.len() as u32;
                self.names.insert(r.name.to_string(), i);
                self.batch.event_names.push(r.name.into_owned());
                i
            }
        };
        let start = self.batch.event_props.len() as u32;
        self.batch.event_props.extend(changes);
        Rec { name, ts: r.ts.unwrap_or(self.now), who, properties: r.props_text, props: start..self.batch.event_props.len() as u32 }
    }

    /// The contact with this email, created (in this batch) if unknown.
    fn slot_for_email(&mut self, email: Cow<'_, str>, gen: &mut IdGen) -> u32 {
        if let Some(s) = self.store.contacts.slot_of_email(&email) {
            return s as u32;
        }
        let key: Box<str> = email_key(&email).into();
        if let Some(&s) = self.new_by_email.get(&key) {
            return s;
        }
        let slot = (self.store.contacts.slots() + self.batch.creates.len()) as u32;
        self.batch.creates.push(NewContact { id: gen.next(), email: email.into_owned(), properties: Vec::new(), suppressed: false, at: self.now });
        self.new_by_email.insert(key, slot);
        slot
    }
}

fn builder(store: &Store, now: i64) -> Builder<'_> {
    Builder { store, now, batch: Batch { cause: Some(Cause::Event), ..Batch::default() }, names: HashMap::default(), new_by_email: HashMap::default() }
}

pub fn track(store: &Store, e: &Entry, now: i64, mut gen: IdGen) -> Result<Planned> {
    let f = Fields::read(e.raw(), "", "an event")?;
    let mut b = builder(store, now);
    let r = b.push(EventIn::read(&f)?, &mut gen);
    let slot = match r.who {
        Who::Slot(s) => s,
        Who::MissingId(id) => return Err(Error::not_found("contact", &id)),
    };
    let contact_id = match b.batch.creates.first() {
        Some(c) => c.id,
        None => store.contacts.id(slot as usize),
    };
    let event_id = gen.next();
    let reply = event_reply(event_id, &b.batch.event_names[r.name as usize], contact_id, r.properties, r.ts, now);
    b.batch.events.push(NewEvent { name: r.name, slot, ts: r.ts, props: r.props });
    Ok(Planned { plan: Plan::Batch(b.batch), reply: Reply::Json(reply), last_id: gen.last })
}

/// events.import: records from an array, or from NDJSON or CSV text
/// (`text_import`), each planned like a tracked event.
pub fn import(store: &Store, e: &Entry, now: i64, mut gen: IdGen) -> Result<Planned> {
    let mut b = builder(store, now);
    let mut errors = Errors::default();
    let mut one = |i: usize, rec: Result<EventIn<'_>>| {
        let r = rec.map(|r| b.push(r, &mut gen)).and_then(|r| match r.who {
            Who::Slot(slot) => Ok(NewEvent { name: r.name, slot, ts: r.ts, props: r.props }),
            Who::MissingId(id) => Err(Error::invalid("contactId", format!("no contact with ID {id} exists"))),
        });
        match r {
            Ok(ev) => {
                b.batch.events.push(ev);
                false
            }
            Err(err) => errors.add(i, err),
        }
    };
    match e.body {
        None => fields::each_record(e.raw(), "events.import", "an event record", &mut |i, f| one(i, f.and_then(|f| EventIn::read(&f))))?,
        Some(body) => text_import::events(&text_import::Options::read(e)?, body, &mut one)?,
    }
    errors.into_result()?;
    let reply = format!("{{\"imported\":{},\"contactsCreated\":{}}}", b.batch.events.len(), b.batch.creates.len());
    Ok(Planned { plan: Plan::Batch(b.batch), reply: Reply::Json(reply), last_id: gen.last })
}
