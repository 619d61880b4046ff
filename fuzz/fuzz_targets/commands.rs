//! Fuzz target `commands`: sequences of arbitrary command entries against
//! one `api::Engine`: any command name, any JSON input (biased towards the
//! keys and ids the API reads), plan then commit or discard, queries,
//! snapshot and restore, and imports from text (NDJSON and CSV after U+001E,
//! with the column targets the API reads). Never a panic, and after every step:
//! - a failed plan, a discard and a query change nothing (snapshot bytes equal);
//! - restore(snapshot) gives back the same bytes;
//! - each segment's memberCount is the number of members listed, and every
//!   member is a live contact;
//! - each live segment's members are what preview finds at the clock, and
//!   its change feed replayed from empty gives its members.
#![no_main]

use arbitrary::Arbitrary;
use kraiter_segments::api::Engine;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};

const NOW: i64 = 1_757_930_400_000;

#[derive(Arbitrary, Debug)]
enum Key {
    Field,
    Op,
    Value,
    Within,
    Operator,
    Conditions,
    Email,
    Properties,
    Suppressed,
    Where,
    Having,
    From,
    To,
    TimeZone,
    Fn,
    Property,
    Name,
    Rules,
    Id,
    ContactId,
    Timestamp,
    Limit,
    Cursor,
    Live,
    Proto,
    Other(String),
}

impl Key {
    fn name(&self) -> String {
        match self {
            Key::Other(s) => s.clone(),
            Key::Proto => "__proto__".into(),
            k => {
                let s = format!("{k:?}");
                let mut c = s.chars();
                let first = c.next().unwrap().to_ascii_lowercase();
                std::iter::once(first).chain(c).collect()
            }
        }
    }
}

/// A JSON value, with references to live ids and the rule vocabulary.
#[derive(Arbitrary, Debug)]
enum J {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Word(u8),
    ContactRef(u8),
    SegmentRef(u8),
    Arr(Vec<J>),
    Obj(Vec<(Key, J)>),
}

const WORDS: [&str; 38] = [
    "and", "or", "properties.plan", "events.login", "email", "createdAt", "eq", "in", "contains", "occurred", "not_occurred",
    "exists", "gte", "before", "7d", "30m", "2025-09-15T10:00:00Z", "2025-09-15", "a@x.io", "A@X.io", "pro", "Ö", "login", "cnt_00000000000000000000000000",
    "not", "segment", "not_in", "matches", "^p", "now", "-30d", "+2h", "Europe/Berlin", "count", "sum", "distinct", "properties.amount", "live",
];

struct Ids {
    contacts: Vec<String>,
    segments: Vec<String>,
}

impl J {
    fn to_json(&self, ids: &Ids, depth: u32) -> Value {
        if depth > 40 {
            return Value::Null;
        }
        let pick = |v: &Vec<String>, i: u8| if v.is_empty() { json!("x") } else { json!(v[i as usize % v.len()]) };
        match self {
            J::Null => Value::Null,
            J::Bool(b) => json!(b),
            J::Int(i) => json!(i),
            J::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            J::Str(s) => json!(s),
            J::Word(w) => json!(WORDS[*w as usize % WORDS.len()]),
            J::ContactRef(i) => pick(&ids.contacts, *i),
            J::SegmentRef(i) => pick(&ids.segments, *i),
            J::Arr(a) => Value::Array(a.iter().map(|x| x.to_json(ids, depth + 1)).collect()),
            J::Obj(o) => Value::Object(o.iter().map(|(k, v)| (k.name(), v.to_json(ids, depth + 1))).collect::<Map<_, _>>()),
        }
    }
}

/// Mutations first (`MUTATIONS` of them), then queries.
const COMMANDS: [&str; 20] = [
    "segments.create", "segments.update", "segments.delete", "segments.compute", "contacts.create", "contacts.update",
    "contacts.delete", "contacts.import", "events.track", "events.import", "segments.tick", "segments.get", "segments.list",
    "segments.listMembers", "segments.preview", "contacts.get", "contacts.list", "stats", "segments.changes", "changes.head",
];
const MUTATIONS: usize = 11;

/// A CSV cell: words of the vocabulary, live contact ids, numbers, anything.
#[derive(Arbitrary, Debug)]
enum Cell {
    Word(u8),
    ContactRef(u8),
    Num(i32),
    Str(String),
}

/// Column targets a text import's CSV header or `columns` names.
const TARGETS: [&str; 9] =
    ["email", "name", "contactId", "timestamp", "suppressed", "properties.plan", "properties.amount", "properties.", "nmae"];

/// An import from text: CSV (header or `columns`) or NDJSON records.
#[derive(Arbitrary, Debug)]
struct TextImport {
    events: bool,
    ndjson: bool,
    header: Vec<u8>,
    columns: Option<Vec<Option<u8>>>,
    rows: Vec<Vec<Cell>>,
    records: Vec<J>,
    tail: Option<String>,
    commit: bool,
}

impl TextImport {
    fn entry(&self, ids: &Ids, now: i64, seed: u32) -> String {
        let target = |i: &u8| TARGETS[*i as usize % TARGETS.len()];
        let mut options = json!({ "format": if self.ndjson { "ndjson" } else { "csv" } });
        if let Some(c) = &self.columns {
            options["columns"] = c.iter().map(|t| t.as_ref().map_or(Value::Null, |i| json!(target(i)))).collect();
        }
        let quote = |s: String| if s.contains(['"', ',', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s };
        let mut body = String::new();
        if self.ndjson {
            for r in self.records.iter().take(32) {
                body.push_str(&r.to_json(ids, 0).to_string());
                body.push('\n');
            }
        } else {
            body.push_str(&self.header.iter().map(|i| target(i).to_string()).collect::<Vec<_>>().join(","));
            for row in self.rows.iter().take(32) {
                body.push('\n');
                let cells: Vec<String> = row
                    .iter()
                    .map(|c| match c {
                        Cell::Word(w) => WORDS[*w as usize % WORDS.len()].to_string(),
                        Cell::ContactRef(i) => ids.contacts.get(*i as usize % ids.contacts.len().max(1)).cloned().unwrap_or_default(),
                        Cell::Num(n) => n.to_string(),
                        Cell::Str(s) => s.clone(),
                    })
                    .map(quote)
                    .collect();
                body.push_str(&cells.join(","));
            }
        }
        if let Some(t) = &self.tail {
            body.push_str(t);
        }
        let cmd = if self.events { "events.import" } else { "contacts.import" };
        format!("{}\u{1e}{body}", entry(cmd, &options, now, seed))
    }
}

#[derive(Arbitrary, Debug)]
enum Step {
    Mutate { cmd: u8, input: J, commit: bool, dt: i32 },
    Text(TextImport),
    Query { cmd: u8, input: J },
    Raw(String),
    Restore,
}

fn entry(cmd: &str, input: &Value, now: i64, seed: u32) -> String {
    json!({ "cmd": cmd, "now": now, "seed": [seed, 1, 2, 3], "input": input }).to_string()
}

fn query(e: &mut Engine, cmd: &str, input: Value) -> Value {
    serde_json::from_str(&e.query(&entry(cmd, &input, NOW, 0)).unwrap_or_else(|err| panic!("{cmd} {input}: {err:?}"))).unwrap()
}

/// Every page of a list.
fn all(e: &mut Engine, cmd: &str, mut input: Value) -> Vec<Value> {
    let mut out = Vec::new();
    loop {
        input["limit"] = json!(100);
        let page = query(e, cmd, input.clone());
        out.extend(page["data"].as_array().unwrap().iter().cloned());
        if page["nextCursor"].is_null() {
            return out;
        }
        input["cursor"] = page["nextCursor"].clone();
    }
}

fn ids(e: &mut Engine) -> Ids {
    let contacts = all(e, "contacts.list", json!({})).iter().map(|c| c["id"].as_str().unwrap().to_string()).collect();
    let segments = all(e, "segments.list", json!({})).iter().map(|s| s["id"].as_str().unwrap().to_string()).collect();
    Ids { contacts, segments }
}

fn check_invariants(e: &mut Engine, now: i64) {
    let ids = ids(e);
    for s in &ids.segments {
        let seg = query(e, "segments.get", json!({ "id": s }));
        let members = all(e, "segments.listMembers", json!({ "id": s }));
        assert_eq!(seg["memberCount"].as_u64(), Some(members.len() as u64), "memberCount of {s}");
        for m in &members {
            assert!(ids.contacts.iter().any(|c| c == m["id"].as_str().unwrap()), "member {m} is not a live contact");
        }
        let mut replay = std::collections::BTreeSet::new();
        let mut cursor = Value::Null;
        loop {
            let page = query(e, "segments.changes", json!({ "id": s, "limit": 100, "cursor": cursor }));
            let data = page["data"].as_array().unwrap().clone();
            for c in &data {
                let who = c["contactId"].as_str().unwrap().to_string();
                if c["type"] == "entered" {
                    assert!(replay.insert(who), "entered twice: {c}");
                } else {
                    assert!(replay.remove(&who), "left without entering: {c}");
                }
            }
            if data.is_empty() {
                break;
            }
            cursor = page["nextCursor"].clone();
        }
        let listed: std::collections::BTreeSet<String> = members.iter().map(|m| m["id"].as_str().unwrap().to_string()).collect();
        assert_eq!(replay, listed, "the feed of {s} does not replay to its members");
        if seg["live"] == true && members.len() <= 100 {
            let text = entry("segments.preview", &json!({ "rules": seg["rules"], "limit": 100 }), now, 0);
            let p: Value = serde_json::from_str(&e.query(&text).expect("a stored rule previews")).unwrap();
            let sample: Vec<&str> = p["sample"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
            let ids: Vec<&str> = members.iter().map(|m| m["id"].as_str().unwrap()).collect();
            assert_eq!(sample, ids, "live segment {s} differs from its preview at the clock");
        }
    }
}

fuzz_target!(|steps: Vec<Step>| {
    let mut e = Engine::new();
    let mut now = NOW;
    for (n, step) in steps.iter().take(64).enumerate() {
        let ids = ids(&mut e);
        let before = e.snapshot();
        match step {
            Step::Mutate { cmd, input, commit, dt } => {
                now = (now + i64::from(*dt)).clamp(0, 253_402_300_799_999);
                let text = entry(COMMANDS[*cmd as usize % MUTATIONS], &input.to_json(&ids, 0), now, n as u32);
                match e.plan(&text) {
                    Err(_) => assert_eq!(e.snapshot(), before, "a failed plan changed the state"),
                    Ok(()) if *commit => {
                        let reply = e.commit().expect("a plan to commit");
                        serde_json::from_str::<Value>(&reply).expect("replies are JSON");
                    }
                    Ok(()) => {
                        e.discard();
                        assert_eq!(e.snapshot(), before, "a discarded plan changed the state");
                    }
                }
            }
            Step::Query { cmd, input } => {
                let text = entry(COMMANDS[*cmd as usize % COMMANDS.len()], &input.to_json(&ids, 0), now, 0);
                if let Ok(reply) = e.query(&text) {
                    serde_json::from_str::<Value>(&reply).expect("replies are JSON");
                }
                assert_eq!(e.snapshot(), before, "a query changed the state");
            }
            Step::Text(t) => {
                let text = t.entry(&ids, now, n as u32);
                let _ = e.query(&text); // a dry run
                assert_eq!(e.snapshot(), before, "a dry run changed the state");
                match e.plan(&text) {
                    Err(_) => assert_eq!(e.snapshot(), before, "a failed plan changed the state"),
                    Ok(()) if t.commit => {
                        serde_json::from_str::<Value>(&e.commit().expect("a plan to commit")).expect("replies are JSON");
                    }
                    Ok(()) => e.discard(),
                }
            }
            Step::Raw(text) => {
                let _ = e.query(text);
                if e.plan(text).is_ok() {
                    e.commit();
                } else {
                    assert_eq!(e.snapshot(), before, "a failed plan changed the state");
                }
            }
            Step::Restore => {
                let mut r = Engine::restore(&before).expect("a snapshot restores");
                assert_eq!(r.snapshot(), before, "restore(snapshot) round-trips");
                e = r;
            }
        }
        // As the SDK does before a read: apply what time changed by now.
        if e.plan(&entry("segments.tick", &Value::Null, now, 9999)).is_ok() {
            e.commit();
        }
        check_invariants(&mut e, now);
    }
});
