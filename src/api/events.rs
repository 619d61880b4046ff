//! events.track and events.import. The engine keeps what rules can ask of
//! an event (name, contact, time); `track` still returns the whole Event.

use rustc_hash::FxHashMap as HashMap;

use serde_json::value::RawValue;

use super::ids::{self, IdGen};
use super::input;
use super::plan::{event_reply, Batch, Plan, Planned, Reply};
use super::records::{self, EventRec};
use crate::engine::contacts::{email_key, NewContact};
use crate::engine::snapshot::Store;
use crate::error::{Error, Result};

const MAX_EVENT_NAME_CHARS: usize = 200;

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

impl Builder<'_> {
    /// Validates one record; returns (name index, timestamp, contact).
    /// Error paths are relative to the record.
    fn record(&mut self, r: &EventRec, gen: &mut IdGen) -> Result<(u32, i64, Who)> {
        let name = match records::present(r.name) {
            None => return Err(Error::invalid("name", "event name is required")),
            Some(raw) => match records::string(raw) {
                Some(s) if !s.is_empty() && s.chars().count() <= MAX_EVENT_NAME_CHARS => s,
                Some(_) => return Err(Error::invalid("name", "event name must be 1 to 200 characters")),
                None => return Err(Error::invalid("name", "event name must be a string")),
            },
        };
        if let Some(raw) = records::present(r.properties) {
            if !raw.get().starts_with('{') {
                return Err(Error::invalid("properties", "properties must be an object"));
            }
        }
        let ts = records::timestamp(r.timestamp, "timestamp", self.now)?;
        let who = match (records::present(r.contact_id), records::present(r.email)) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid("contactId", "give exactly one of contactId and email, not both"))
            }
            (None, None) => return Err(Error::invalid("contactId", "give exactly one of contactId and email")),
            (Some(raw), None) => match records::string(raw) {
                Some(s) => match ids::parse(ids::CONTACT, &s).and_then(|id| self.store.contacts.slot_of_id(id)) {
                    Some(slot) => Who::Slot(slot as u32),
                    None => Who::MissingId(input::clip(&s)),
                },
                None => return Err(Error::invalid("contactId", "contactId must be a string")),
            },
            (None, Some(raw)) => {
                let email = records::email(Some(raw), "email")?;
                Who::Slot(self.slot_for_email(email, gen))
            }
        };
        let name_ix = match self.names.get(name.as_ref()) {
            Some(&i) => i,
            None => {
                let i = self.batch.event_names.len() as u32;
                self.names.insert(name.to_string(), i);
                self.batch.event_names.push(name.into_owned());
                i
            }
        };
        Ok((name_ix, ts, who))
    }

    /// The contact with this email, created (in this batch) if unknown.
    fn slot_for_email(&mut self, email: String, gen: &mut IdGen) -> u32 {
        if let Some(s) = self.store.contacts.slot_of_email(&email) {
            return s as u32;
        }
        let key: Box<str> = email_key(&email).into();
        if let Some(&s) = self.new_by_email.get(&key) {
            return s;
        }
        let slot = (self.store.contacts.slots() + self.batch.creates.len()) as u32;
        self.batch.creates.push(NewContact { id: gen.next(), email, properties: Vec::new(), at: self.now });
        self.new_by_email.insert(key, slot);
        slot
    }
}

fn builder(store: &Store, now: i64) -> Builder<'_> {
    Builder { store, now, batch: Batch::default(), names: HashMap::default(), new_by_email: HashMap::default() }
}

pub fn track(store: &Store, input: &RawValue, now: i64, mut gen: IdGen) -> Result<Planned> {
    let rec: EventRec = records::record(input, "")?;
    let mut b = builder(store, now);
    let (name, ts, who) = b.record(&rec, &mut gen)?;
    let slot = match who {
        Who::Slot(s) => s,
        Who::MissingId(id) => return Err(Error::not_found("contact", &id)),
    };
    let contact_id = match b.batch.creates.first() {
        Some(c) => c.id,
        None => store.contacts.id(slot as usize),
    };
    let event_id = gen.next();
    let props = records::present(rec.properties).map_or("{}", |r| r.get());
    let reply = event_reply(event_id, &b.batch.event_names[name as usize], contact_id, props, ts, now);
    b.batch.events.push((name, slot, ts));
    Ok(Planned { plan: Plan::Batch(b.batch), reply: Reply::Json(reply), last_id: gen.last })
}

pub fn import(store: &Store, input: &RawValue, now: i64, mut gen: IdGen) -> Result<Planned> {
    let recs = records::array(input, "events.import")?;
    let mut b = builder(store, now);
    b.batch.events.reserve(recs.len());
    for (i, raw) in recs.into_iter().enumerate() {
        // Paths are built only on error: this loop runs millions of times.
        let under = |e: Error| e.under(&format!("[{i}]"));
        let rec: EventRec = records::record(raw, "").map_err(under)?;
        let (name, ts, who) = b.record(&rec, &mut gen).map_err(under)?;
        let slot = match who {
            Who::Slot(s) => s,
            Who::MissingId(id) => return Err(under(Error::invalid("contactId", format!("no contact with ID {id} exists")))),
        };
        b.batch.events.push((name, slot, ts));
    }
    let reply = format!("{{\"imported\":{},\"contactsCreated\":{}}}", b.batch.events.len(), b.batch.creates.len());
    Ok(Planned { plan: Plan::Batch(b.batch), reply: Reply::Json(reply), last_id: gen.last })
}
