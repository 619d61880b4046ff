//! Contacts, resident and columnar: one slot per contact ever created (slots
//! are never reused, so slot order is creation order and, because ids are
//! monotonic ULIDs, id order too). Each property key is a dictionary-encoded
//! column of `u32` codes.

use std::borrow::Cow;
use std::cell::{Ref, RefCell};

use hashbrown::HashTable;
use rustc_hash::{FxHashMap as HashMap, FxHasher};
use std::hash::Hasher;

use serde::{Deserialize, Serialize};

use super::bitset::Bitset;
use super::lower_text::LowerText;
use super::value::{Dict, PRef, PValue};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Column {
    pub key: Box<str>,
    /// One code per slot; 0 = absent.
    pub codes: Vec<u32>,
    pub dict: Dict,
}

impl Column {
    pub fn value(&self, slot: usize) -> Option<&PValue> {
        self.codes.get(slot).and_then(|&c| self.dict.get(c))
    }
}

/// A property key as planned: an existing column, or a new key.
#[derive(Debug, Clone)]
pub enum Key {
    Col(usize),
    New(Box<str>),
}

/// A property value as planned: a code already in the column's dictionary,
/// or a value new to it. Planning a bulk import thus copies only what is new.
#[derive(Debug, Clone)]
pub enum Val {
    Code(u32),
    New(PValue),
}

/// A property change: set a value, or remove the key (`None`).
pub type Change = (Key, Option<Val>);

/// A contact as it enters the store. Changes apply in order.
#[derive(Debug, Clone)]
pub struct NewContact {
    pub id: u128,
    pub email: String,
    pub properties: Vec<Change>,
    pub suppressed: bool,
    pub at: i64,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Contacts {
    ids: Vec<u128>,
    emails: Vec<Box<str>>,
    created: Vec<i64>,
    updated: Vec<i64>,
    suppressed: Bitset,
    alive: Bitset,
    columns: Vec<Column>,
    #[serde(skip)]
    column_index: HashMap<Box<str>, usize>,
    /// Live slots, hashed by their email compared case-insensitively; the
    /// emails themselves live only in `emails`.
    #[serde(skip)]
    by_email: HashTable<u32>,
    /// Per slot, the lower-cased email where it differs, filled in lazily
    /// for string conditions on `email`.
    #[serde(skip)]
    emails_lower: RefCell<LowerText>,
}

/// Emails compare case-insensitively.
pub fn email_key(email: &str) -> Cow<'_, str> {
    if email.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        Cow::Owned(email.chars().flat_map(char::to_lowercase).collect())
    } else {
        Cow::Borrowed(email)
    }
}

/// The hash of an email's lower-cased characters. ASCII, the usual case, is
/// lower-cased and hashed eight bytes at a time without allocating; any
/// other email is lower-cased first, so that an email equal to another by
/// `email_eq` (say with a Kelvin sign for a `k`) hashes the same.
fn email_hash(email: &str) -> u64 {
    if email.is_ascii() {
        hash_chunks(email.as_bytes(), ascii_lower8)
    } else {
        let lower: String = email.chars().flat_map(char::to_lowercase).collect();
        hash_chunks(lower.as_bytes(), |x| x)
    }
}

/// FxHash of `bytes` eight at a time (the last chunk zero-padded), each
/// chunk passed through `map`, then the length.
fn hash_chunks(bytes: &[u8], map: impl Fn(u64) -> u64) -> u64 {
    let mut h = FxHasher::default();
    let mut chunks = bytes.chunks_exact(8);
    for c in chunks.by_ref() {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h.write_u64(map(u64::from_le_bytes(w)));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h.write_u64(map(u64::from_le_bytes(w)));
    }
    h.write_usize(bytes.len());
    h.finish()
}

/// Eight ASCII bytes with `A`-`Z` lower-cased, all at once: a byte's top
/// bit says whether it is at least `A` and not above `Z`, and moves to the
/// 0x20 bit.
fn ascii_lower8(x: u64) -> u64 {
    const K: u64 = 0x0101_0101_0101_0101;
    let ge_a = x + 0x3f * K; // top bit set from 0x41 ('A') up
    let gt_z = x + 0x25 * K; // top bit set from 0x5b (past 'Z') up
    x | ((ge_a & !gt_z & 0x80 * K) >> 2)
}

/// Equal ignoring case (character-wise Unicode lower-casing).
fn email_eq(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.chars().flat_map(char::to_lowercase).eq(b.chars().flat_map(char::to_lowercase))
    }
}

impl Contacts {
    pub fn slots(&self) -> usize {
        self.ids.len()
    }

    pub fn live_count(&self) -> usize {
        self.alive.count()
    }

    pub fn alive(&self) -> &Bitset {
        &self.alive
    }

    pub fn is_alive(&self, slot: usize) -> bool {
        self.alive.get(slot)
    }

    pub fn id(&self, slot: usize) -> u128 {
        self.ids[slot]
    }

    pub fn ids(&self) -> &[u128] {
        &self.ids
    }

    pub fn email(&self, slot: usize) -> &str {
        &self.emails[slot]
    }

    /// Lower-cased emails per slot, back to back; `None` if the cache is
    /// borrowed, which the evaluator never does.
    pub fn lowered_emails(&self) -> Option<Ref<'_, LowerText>> {
        {
            let mut cache = self.emails_lower.try_borrow_mut().ok()?;
            for e in &self.emails[cache.len()..] {
                cache.push(Some(e));
            }
        }
        self.emails_lower.try_borrow().ok()
    }

    pub fn created_at(&self, slot: usize) -> i64 {
        self.created[slot]
    }

    pub fn updated_at(&self, slot: usize) -> i64 {
        self.updated[slot]
    }

    pub fn is_suppressed(&self, slot: usize) -> bool {
        self.suppressed.get(slot)
    }

    pub fn column(&self, key: &str) -> Option<&Column> {
        self.column_index.get(key).map(|&i| &self.columns[i])
    }

    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The live slot with this id.
    pub fn slot_of_id(&self, id: u128) -> Option<usize> {
        self.ids.binary_search(&id).ok().filter(|&s| self.alive.get(s))
    }

    /// The live slot with this email (case-insensitive).
    pub fn slot_of_email(&self, email: &str) -> Option<usize> {
        let emails = &self.emails;
        self.by_email.find(email_hash(email), |&s| email_eq(&emails[s as usize], email)).map(|&s| s as usize)
    }

    /// Position in slot order of the first id greater than `id`.
    pub fn position_after(&self, id: u128) -> usize {
        self.ids.partition_point(|&x| x <= id)
    }

    pub fn insert(&mut self, c: NewContact) -> usize {
        let slot = self.ids.len();
        self.ids.push(c.id);
        self.emails.push(c.email.into());
        self.index_email(slot);
        self.created.push(c.at);
        self.updated.push(c.at);
        self.suppressed.resize(slot + 1, false);
        self.suppressed.set(slot, c.suppressed);
        self.alive.resize(slot + 1, true);
        for change in c.properties {
            self.apply(slot, change);
        }
        slot
    }

    /// Plans a key: its column if it has one.
    pub fn plan_key(&self, key: &str) -> Key {
        match self.column_index.get(key) {
            Some(&i) => Key::Col(i),
            None => Key::New(key.into()),
        }
    }

    /// Plans a value for a planned key: its code if the column has it.
    pub fn plan_value(&self, key: &Key, v: PRef<'_>) -> Val {
        match key {
            Key::Col(i) => match self.columns[*i].dict.lookup(v) {
                Some(c) => Val::Code(c),
                None => Val::New(v.to_owned()),
            },
            Key::New(_) => Val::New(v.to_owned()),
        }
    }

    /// Applies one planned change to a slot.
    pub fn apply(&mut self, slot: usize, (key, v): Change) {
        let ci = match key {
            Key::Col(i) => i,
            Key::New(k) => match self.column_index.get(&k) {
                Some(&i) => i,
                None if v.is_none() => return,
                None => {
                    self.columns.push(Column { key: k.clone(), ..Column::default() });
                    self.column_index.insert(k, self.columns.len() - 1);
                    self.columns.len() - 1
                }
            },
        };
        let col = &mut self.columns[ci];
        if col.codes.len() <= slot {
            if v.is_none() {
                return;
            }
            col.codes.resize(slot + 1, 0);
        }
        col.codes[slot] = match v {
            Some(Val::Code(c)) => c,
            Some(Val::New(v)) => col.dict.code(v),
            None => 0,
        };
    }

    /// Sets (`Some`) or removes (`None`) one property of a slot.
    #[cfg(test)]
    pub fn set_property(&mut self, slot: usize, key: &str, v: Option<PValue>) {
        let key = self.plan_key(key);
        self.apply(slot, (key, v.map(Val::New)));
    }

    pub fn set_email(&mut self, slot: usize, email: String) {
        self.unindex_email(slot);
        self.emails_lower.get_mut().set(slot, &email);
        self.emails[slot] = email.into();
        self.index_email(slot);
    }

    fn index_email(&mut self, slot: usize) {
        let emails = &self.emails;
        self.by_email.insert_unique(email_hash(&emails[slot]), slot as u32, |&s| email_hash(&emails[s as usize]));
    }

    fn unindex_email(&mut self, slot: usize) {
        let h = email_hash(&self.emails[slot]);
        if let Ok(entry) = self.by_email.find_entry(h, |&s| s as usize == slot) {
            entry.remove();
        }
    }

    pub fn set_suppressed(&mut self, slot: usize, suppressed: bool) {
        self.suppressed.set(slot, suppressed);
    }

    pub fn touch(&mut self, slot: usize, at: i64) {
        self.updated[slot] = at;
    }

    pub fn remove(&mut self, slot: usize) {
        if self.alive.get(slot) {
            self.alive.set(slot, false);
            self.unindex_email(slot);
            for col in &mut self.columns {
                if let Some(c) = col.codes.get_mut(slot) {
                    *c = 0;
                }
            }
        }
    }

    /// The properties of a slot, in column order.
    pub fn properties(&self, slot: usize) -> impl Iterator<Item = (&str, &PValue)> {
        self.columns.iter().filter_map(move |c| c.value(slot).map(|v| (&*c.key, v)))
    }

    /// Checks decoded columns before `reindex` (which indexes by them):
    /// one id, email and pair of times per slot, ids ascending, codes that
    /// name dictionary values.
    pub fn validate(&self) -> Result<(), String> {
        let n = self.ids.len();
        if self.emails.len() != n || self.created.len() != n || self.updated.len() != n {
            return Err(format!("contacts: {n} ids but {} emails and {}/{} times", self.emails.len(), self.created.len(), self.updated.len()));
        }
        self.suppressed.validate("contacts.suppressed")?;
        self.alive.validate("contacts.alive")?;
        if self.suppressed.len() != n || self.alive.len() != n {
            return Err(format!("contacts: flags for {}/{} slots, not {n}", self.suppressed.len(), self.alive.len()));
        }
        if self.ids.windows(2).any(|w| w[0] >= w[1]) {
            return Err("contacts: ids are not in ascending order".into());
        }
        for c in &self.columns {
            c.dict.validate("a property dictionary")?;
            let values = c.dict.values().len() as u32;
            if c.codes.len() > n || c.codes.iter().any(|&code| code > values) {
                return Err(format!("property column '{}': codes past its slots or its dictionary", crate::text::clip(&c.key)));
            }
        }
        Ok(())
    }

    /// After `reindex`: column keys and live emails are each unique.
    pub fn validate_index(&self) -> Result<(), String> {
        if self.column_index.len() != self.columns.len() {
            return Err("contacts: a property column is stored twice".into());
        }
        for c in &self.columns {
            c.dict.validate_index("a property dictionary")?;
        }
        for s in self.alive.iter() {
            if self.slot_of_email(&self.emails[s]) != Some(s) {
                return Err("contacts: two live contacts share an email".into());
            }
        }
        Ok(())
    }

    /// Rebuilds the lookup maps after deserialisation.
    pub fn reindex(&mut self) {
        self.column_index = self.columns.iter().enumerate().map(|(i, c)| (c.key.clone(), i)).collect();
        for c in &mut self.columns {
            c.dict.reindex();
        }
        self.by_email = HashTable::with_capacity(self.live_count());
        for s in self.alive.iter().collect::<Vec<_>>() {
            self.index_email(s);
        }
    }

    pub fn heap_bytes(&self) -> usize {
        self.ids.capacity() * 16
            + self.emails.capacity() * 16
            + self.emails.iter().map(|e| e.len()).sum::<usize>()
            + self.created.capacity() * 8
            + self.updated.capacity() * 8
            + self.suppressed.heap_bytes()
            + self.alive.heap_bytes()
            + self.by_email.capacity() * 5
            + self.columns.iter().map(|c| c.codes.capacity() * 4 + c.dict.heap_bytes()).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_equal_ignoring_case_hash_alike() {
        let all: Vec<char> = (0u8..128).map(char::from).collect();
        for c in all {
            let (a, b) = (format!("{c}bcdefghijKLM@x.io"), format!("{}bcdefghijklm@x.io", c.to_ascii_lowercase()));
            assert_eq!(email_hash(&a), email_hash(&b), "{a:?}");
        }
        assert_eq!(email_hash("Ab@Example.IO"), email_hash("ab@example.io"));
        assert_ne!(email_hash("ab@example.io"), email_hash("ab@example.iq"));
        // The Kelvin sign lower-cases to `k`: equal by email_eq, so one hash.
        assert!(email_eq("\u{212A}im@x.io", "kim@x.io"));
        assert_eq!(email_hash("\u{212A}im@x.io"), email_hash("KIM@x.io"));
        assert_eq!(email_hash("Jürgen@x.de"), email_hash("jÜRGEN@X.DE"));
    }

    /// What a corrupt snapshot may decode to; each is named by `validate`.
    #[test]
    fn validate_names_each_broken_invariant() {
        let good = || {
            let mut s = Contacts::default();
            s.insert(c(1, "a@x.io", &[("k", PValue::Num(1.0))]));
            s.insert(c(2, "b@x.io", &[]));
            s
        };
        assert_eq!(good().validate(), Ok(()));
        let check = |f: &dyn Fn(&mut Contacts), want: &str| {
            let mut c = good();
            f(&mut c);
            let r = c.validate().and_then(|()| {
                c.reindex();
                c.validate_index()
            });
            assert!(r.as_ref().is_err_and(|m| m.contains(want)), "{want}: {r:?}");
        };
        check(&|c| c.emails.truncate(1), "emails");
        check(&|c| c.ids.reverse(), "ascending");
        check(&|c| c.columns[0].codes[0] = 9, "dictionary");
        check(&|c| c.columns[0].codes.resize(5, 0), "past its slots");
        check(&|c| c.alive = Bitset::new(1), "flags");
        check(&|c| c.emails[1] = "A@X.io".into(), "share an email");
        check(&|c| c.columns.push(c.columns[0].clone()), "twice");
    }


    fn c(id: u128, email: &str, props: &[(&str, PValue)]) -> NewContact {
        NewContact {
            id,
            email: email.into(),
            properties: props.iter().map(|(k, v)| (Key::New((*k).into()), Some(Val::New(v.clone())))).collect(),
            suppressed: false,
            at: 1,
        }
    }

    #[test]
    fn insert_lookup_update_remove() {
        let mut s = Contacts::default();
        let a = s.insert(c(10, "A@x.io", &[("plan", PValue::Str("pro".into()))]));
        let b = s.insert(c(20, "b@x.io", &[("seats", PValue::Num(3.0))]));
        assert_eq!(s.slot_of_email("a@X.IO"), Some(a));
        assert_eq!(s.slot_of_id(20), Some(b));
        assert_eq!(s.properties(a).map(|(k, _)| k).collect::<Vec<_>>(), ["plan"]);
        assert!(s.column("plan").unwrap().value(b).is_none());
        s.set_property(a, "plan", None);
        assert_eq!(s.properties(a).count(), 0);
        s.set_email(b, "c@x.io".into());
        assert_eq!(s.slot_of_email("b@x.io"), None);
        s.remove(b);
        assert_eq!(s.slot_of_id(20), None);
        assert_eq!(s.slot_of_email("c@x.io"), None);
        assert_eq!(s.live_count(), 1);
        assert_eq!(s.position_after(10), 1);
        assert_eq!(s.position_after(5), 0);
    }
}
