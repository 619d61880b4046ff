//! contacts.create / update / delete / import, and get / list.

use rustc_hash::FxHashMap as HashMap;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::ids::{self, IdGen};
use super::input::{self, opt};
use super::output::{json, ContactOut, Page};
use super::plan::{Batch, ContactEdit, Plan, Planned, Reply};
use super::records::{self, ContactRec};
use crate::engine::contacts::{email_key, Change, NewContact, Val};
use crate::engine::snapshot::Store;
use crate::engine::value::PValue;
use crate::error::{Error, Result};

pub fn create(store: &Store, input: &RawValue, now: i64, mut gen: IdGen) -> Result<Planned> {
    let rec: ContactRec = records::record(input, "")?;
    let email = records::email(rec.email, "email")?;
    let props = records::props(rec.properties, "properties")?;
    let properties = records::plan_changes(&store.contacts, props, false, "properties")?;
    if store.contacts.slot_of_email(&email).is_some() {
        return Err(Error::conflict(format!("A contact with email {} already exists.", input::clip(&email))));
    }
    let c = NewContact { id: gen.next(), email, properties, at: now };
    Ok(Planned {
        reply: Reply::Contact(store.contacts.slots()),
        plan: Plan::Batch(Batch { creates: vec![c], ..Batch::default() }),
        last_id: gen.last,
    })
}

/// Property changes: a key set to `null` is removed.
fn changes(store: &Store, v: Option<&Value>, path: &str) -> Result<Vec<Change>> {
    match v {
        None => Ok(Vec::new()),
        Some(Value::Object(m)) => Ok(m
            .iter()
            .map(|(k, v)| (store.contacts.plan_key(k), (!v.is_null()).then(|| Val::New(PValue::from_json(v)))))
            .collect()),
        Some(_) => Err(Error::invalid(path, "properties must be an object")),
    }
}

pub fn find(store: &Store, m: &Map<String, Value>) -> Result<usize> {
    let id = input::id(m, ids::CONTACT, "contact")?;
    store.contacts.slot_of_id(id).ok_or_else(|| Error::not_found("contact", &ids::format(ids::CONTACT, id)))
}

pub fn update(store: &Store, input: &Value, now: i64) -> Result<Planned> {
    let m = input::object(input, "")?;
    let slot = find(store, m)?;
    let email = match opt(m, "email") {
        None => None,
        Some(v) => Some(input::email(Some(v), "email")?),
    };
    let properties = changes(store, opt(m, "properties"), "properties")?;
    if let Some(e) = &email {
        if store.contacts.slot_of_email(e).is_some_and(|s| s != slot) {
            return Err(Error::conflict(format!("A contact with email {} already exists.", input::clip(e))));
        }
    }
    let edit = ContactEdit { slot, email, properties, at: now };
    Ok(Planned {
        plan: Plan::Batch(Batch { edits: vec![edit], ..Batch::default() }),
        reply: Reply::Contact(slot),
        last_id: 0,
    })
}

pub fn delete(store: &Store, input: &Value) -> Result<Planned> {
    let slot = find(store, input::object(input, "")?)?;
    Ok(Planned { plan: Plan::DropContact { slot }, reply: Reply::Nothing, last_id: 0 })
}

/// Upsert by email: a new email creates a contact, a known one merges its
/// properties (null removes a key). Later records in the batch see earlier ones.
pub fn import(store: &Store, input: &RawValue, now: i64, mut gen: IdGen) -> Result<Planned> {
    let recs = records::array(input, "contacts.import")?;
    let mut batch = Batch::default();
    batch.creates.reserve(recs.len());
    let mut created_by_email: HashMap<Box<str>, usize> = HashMap::default();
    let mut updated = 0usize;
    for (i, raw) in recs.into_iter().enumerate() {
        // Paths are built only on error: this loop runs a million times.
        let under = |e: Error| e.under(&format!("[{i}]"));
        let rec: ContactRec = records::record(raw, "").map_err(under)?;
        let email = records::email(rec.email, "email").map_err(under)?;
        let props = records::props(rec.properties, "properties").map_err(under)?;
        let key = email_key(&email);
        if let Some(&ci) = created_by_email.get(key.as_ref()) {
            // A later record for a contact this batch creates: merge like an update.
            let changes = records::plan_changes(&store.contacts, props, true, "properties").map_err(under)?;
            batch.creates[ci].properties.extend(changes);
        } else if let Some(slot) = store.contacts.slot_of_email(&email) {
            let properties = records::plan_changes(&store.contacts, props, true, "properties").map_err(under)?;
            batch.edits.push(ContactEdit { slot, email: None, properties, at: now });
            updated += 1;
        } else {
            let properties = records::plan_changes(&store.contacts, props, false, "properties").map_err(under)?;
            created_by_email.insert(key.into(), batch.creates.len());
            batch.creates.push(NewContact { id: gen.next(), email, properties, at: now });
        }
    }
    let reply = format!("{{\"created\":{},\"updated\":{}}}", batch.creates.len(), updated);
    Ok(Planned { plan: Plan::Batch(batch), reply: Reply::Json(reply), last_id: gen.last })
}

pub fn get(store: &Store, input: &Value) -> Result<String> {
    let slot = find(store, input::object(input, "")?)?;
    Ok(json(&ContactOut(&store.contacts, slot)))
}

pub fn list(store: &Store, input: &Value) -> Result<String> {
    let m = input::object(input, "")?;
    let limit = input::limit(m)?;
    let start = match input::cursor(m, ids::CONTACT)? {
        Some(id) => store.contacts.position_after(id),
        None => 0,
    };
    let c = &store.contacts;
    let mut live = c.alive().iter_from(start);
    let data: Vec<ContactOut> = live.by_ref().take(limit).map(|s| ContactOut(c, s)).collect();
    let next_cursor = match (data.last(), live.next()) {
        (Some(last), Some(_)) => Some(ids::format(ids::CONTACT, c.id(last.1))),
        _ => None,
    };
    Ok(json(&Page { data, next_cursor }))
}
