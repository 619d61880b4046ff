//! contacts.create / update / delete / import, and get / getByEmail / list.

use std::borrow::Cow;

use rustc_hash::FxHashMap as HashMap;

use super::fields::{self, Errors, Fields};
use super::ids::{self, IdGen};
use super::input;
use super::output::{json, ContactOut, Page};
use super::plan::{Batch, ContactEdit, Plan, Planned, Reply};
use super::props::{self, Pairs};
use super::text_import;
use super::Entry;
use crate::engine::contacts::{email_key, NewContact};
use crate::engine::snapshot::Store;
use crate::error::{Error, Result};
use crate::text::clip;

/// The keys of a contact record (create, and each import record).
const RECORD_KEYS: &[&str] = &["email", "properties", "suppressed"];

fn conflict(email: &str) -> Error {
    Error::conflict(format!("A contact with email {} already exists.", clip(email)))
}

pub fn create(store: &Store, e: &Entry, now: i64, mut gen: IdGen) -> Result<Planned> {
    let r = ContactIn::read(&Fields::read(e.raw(), "", "a contact")?)?;
    if store.contacts.slot_of_email(&r.email).is_some() {
        return Err(conflict(&r.email));
    }
    let properties = props::plan_pairs(&store.contacts, &r.props, false);
    let c = NewContact { id: gen.next(), email: r.email.into_owned(), properties, suppressed: r.suppressed.unwrap_or(false), at: now };
    Ok(Planned {
        reply: Reply::Contact(store.contacts.slots()),
        plan: Plan::Batch(Batch { creates: vec![c], ..Batch::default() }),
        last_id: gen.last,
    })
}

pub(super) fn find(store: &Store, e: &Entry, f: &Fields) -> Result<usize> {
    let id = e.target(f, ids::CONTACT, "contact")?;
    store.contacts.slot_of_id(id).ok_or_else(|| Error::not_found("contact", &ids::format(ids::CONTACT, id)))
}

pub fn update(store: &Store, e: &Entry, now: i64) -> Result<Planned> {
    let f = e.fields(RECORD_KEYS)?;
    let slot = find(store, e, &f)?;
    let email = f.get("email").map(|v| input::email(Some(v), "email")).transpose()?;
    let suppressed = input::flag(f.get("suppressed"), "suppressed")?;
    let properties = props::plan_changes(&store.contacts, props::read(f.get("properties"), "properties")?, true, "properties")?;
    if let Some(e) = &email {
        if store.contacts.slot_of_email(e).is_some_and(|s| s != slot) {
            return Err(conflict(e));
        }
    }
    let edit = ContactEdit { slot, email, properties, suppressed, at: now };
    Ok(Planned {
        plan: Plan::Batch(Batch { edits: vec![edit], ..Batch::default() }),
        reply: Reply::Contact(slot),
        last_id: 0,
    })
}

pub fn delete(store: &Store, e: &Entry) -> Result<Planned> {
    let f = e.fields(&[])?;
    let slot = find(store, e, &f)?;
    Ok(Planned { plan: Plan::DropContact { slot }, reply: Reply::Nothing, last_id: 0 })
}

/// One contact record's fields, read and checked: from an object (an array
/// import, an NDJSON line) or a CSV row.
pub(super) struct ContactIn<'a> {
    pub email: Cow<'a, str>,
    pub suppressed: Option<bool>,
    pub props: Pairs<'a>,
}

impl<'a> ContactIn<'a> {
    pub(super) fn read(f: &Fields<'a>) -> Result<Self> {
        f.only(RECORD_KEYS, "")?;
        let email = input::email_ref(f.get("email"), "email")?;
        let suppressed = input::flag(f.get("suppressed"), "suppressed")?;
        let props = props::pairs(props::read(f.get("properties"), "properties")?, "properties")?;
        Ok(ContactIn { email, suppressed, props })
    }
}

/// Upsert by email: a new email creates a contact, a known one merges its
/// properties (null removes a key). Later records in the batch see earlier
/// ones. Every bad record is reported (up to `MAX_ERROR_RECORDS`), and
/// nothing of the batch is kept if any is bad. Records come from an array,
/// or from NDJSON or CSV text (`text_import`).
pub fn import(store: &Store, e: &Entry, now: i64, mut gen: IdGen) -> Result<Planned> {
    let mut batch = Batch::default();
    let mut created_by_email: HashMap<Box<str>, usize> = HashMap::default();
    let mut updated = 0usize;
    let mut errors = Errors::default();
    let mut one = |i: usize, rec: Result<ContactIn<'_>>| {
        let Ok(r) = rec.map_err(|err| errors.add(i, err)) else { return errors.full() };
        let key = email_key(&r.email);
        if let Some(&ci) = created_by_email.get(key.as_ref()) {
            // A later record for a contact this batch creates: merge like an update.
            let c = &mut batch.creates[ci];
            c.properties.extend(props::plan_pairs(&store.contacts, &r.props, true));
            c.suppressed = r.suppressed.unwrap_or(c.suppressed);
        } else if let Some(slot) = store.contacts.slot_of_email(&r.email) {
            let properties = props::plan_pairs(&store.contacts, &r.props, true);
            batch.edits.push(ContactEdit { slot, email: None, properties, suppressed: r.suppressed, at: now });
            updated += 1;
        } else {
            let properties = props::plan_pairs(&store.contacts, &r.props, false);
            created_by_email.insert(key.into(), batch.creates.len());
            let c = NewContact { id: gen.next(), email: r.email.into_owned(), properties, suppressed: r.suppressed.unwrap_or(false), at: now };
            batch.creates.push(c);
        }
        false
    };
    match e.body {
        None => fields::each_record(e.raw(), "contacts.import", "a contact record", &mut |i, f| one(i, f.and_then(|f| ContactIn::read(&f))))?,
        Some(body) => text_import::contacts(&text_import::Options::read(e)?, body, &mut one)?,
    }
    errors.into_result()?;
    let reply = format!("{{\"created\":{},\"updated\":{}}}", batch.creates.len(), updated);
    Ok(Planned { plan: Plan::Batch(batch), reply: Reply::Json(reply), last_id: gen.last })
}

pub fn get(store: &Store, e: &Entry) -> Result<String> {
    let f = e.fields(&[])?;
    Ok(json(&ContactOut(&store.contacts, find(store, e, &f)?)))
}

/// The contact with this email, compared case-insensitively.
pub fn get_by_email(store: &Store, e: &Entry) -> Result<String> {
    let f = e.fields(&["email"])?;
    let Some(raw) = f.get("email") else { return Err(Error::invalid("email", "email is required")) };
    let Some(email) = input::string(raw) else { return Err(Error::invalid("email", "email must be a string")) };
    match store.contacts.slot_of_email(&email) {
        Some(slot) => Ok(json(&ContactOut(&store.contacts, slot))),
        None => Err(Error::new(crate::error::Code::NotFound, format!("No contact with email {} exists.", clip(&email)))),
    }
}

pub fn list(store: &Store, e: &Entry) -> Result<String> {
    let f = e.fields(&["cursor", "limit"])?;
    let limit = input::limit(f.get("limit"), 1)?;
    let start = match input::cursor(f.get("cursor"), ids::CONTACT)? {
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
