//! End-to-end semantics through the command interface: the same JSON the
//! JS SDK sends, against a real engine.

use super::*;
use crate::error::Code;
use serde_json::{json, Value};

mod behaviour;
mod hardening;
mod live;
mod profile;
mod text_import;

const NOW: i64 = 1_757_930_400_000; // 2025-09-15T10:00:00.000Z
const DAY: i64 = 86_400_000;

fn entry(cmd: &str, input: Value, now: i64) -> String {
    json!({ "cmd": cmd, "now": now, "seed": [1, 2, 3, 4], "input": input }).to_string()
}

fn exec(e: &mut Engine, cmd: &str, input: Value) -> Value {
    let out = e.execute(&entry(cmd, input, NOW)).unwrap_or_else(|err| panic!("{cmd}: {err:?}"));
    serde_json::from_str(&out).unwrap()
}

fn fail(e: &mut Engine, cmd: &str, input: Value) -> Error {
    e.execute(&entry(cmd, input, NOW)).expect_err(cmd)
}

fn query(e: &mut Engine, cmd: &str, input: Value, now: i64) -> Value {
    serde_json::from_str(&e.query(&entry(cmd, input, now)).unwrap()).unwrap()
}

fn count(e: &mut Engine, rules: Value) -> u64 {
    count_at(e, rules, NOW)
}

fn count_at(e: &mut Engine, rules: Value, now: i64) -> u64 {
    query(e, "segments.preview", json!({ "rules": rules }), now)["count"].as_u64().unwrap()
}

fn contact(e: &mut Engine, email: &str, props: Value) -> String {
    exec(e, "contacts.create", json!({ "email": email, "properties": props }))["id"].as_str().unwrap().to_string()
}

fn prop(op: &str, key: &str, value: Value) -> Value {
    json!([{ "field": format!("properties.{key}"), "op": op, "value": value }])
}

#[test]
fn contacts_round_trip_with_iso_times_and_ulids() {
    let mut e = Engine::new();
    let c = exec(&mut e, "contacts.create", json!({ "email": "a@x.io", "properties": { "plan": "pro", "seats": 3, "tags": ["a"], "n": null } }));
    assert!(c["id"].as_str().unwrap().starts_with("cnt_") && c["id"].as_str().unwrap().len() == 30);
    assert_eq!(c["createdAt"], "2025-09-15T10:00:00.000Z");
    assert_eq!(c["suppressed"], false);
    assert_eq!(c["properties"], json!({ "plan": "pro", "seats": 3, "tags": ["a"], "n": null }));
    let got = query(&mut e, "contacts.get", json!({ "id": c["id"] }), NOW);
    assert_eq!(got, c);
    let u = exec(&mut e, "contacts.update", json!({ "id": c["id"], "properties": { "plan": null, "x": 1.5 } }));
    assert_eq!(u["properties"], json!({ "seats": 3, "tags": ["a"], "n": null, "x": 1.5 }));
}

#[test]
fn emails_conflict_case_insensitively() {
    let mut e = Engine::new();
    let a = contact(&mut e, "Ann@X.io", json!({}));
    assert_eq!(fail(&mut e, "contacts.create", json!({ "email": "ann@x.IO" })).code, Code::Conflict);
    let b = contact(&mut e, "bob@x.io", json!({}));
    assert_eq!(fail(&mut e, "contacts.update", json!({ "id": b, "email": "ANN@x.io" })).code, Code::Conflict);
    exec(&mut e, "contacts.update", json!({ "id": a, "email": "ann@x.io" }));
    let err = fail(&mut e, "contacts.create", json!({ "email": "nope" }));
    assert_eq!((err.code, err.details[0].path.as_str()), (Code::ValidationError, "email"));
}

#[test]
fn absent_and_null_properties() {
    let mut e = Engine::new();
    contact(&mut e, "a@x.io", json!({ "plan": "pro" }));
    contact(&mut e, "b@x.io", json!({ "plan": null }));
    contact(&mut e, "c@x.io", json!({}));
    assert_eq!(count(&mut e, prop("neq", "plan", json!("pro"))), 2);
    assert_eq!(count(&mut e, prop("not_in", "plan", json!(["pro"]))), 2);
    assert_eq!(count(&mut e, prop("not_contains", "plan", json!("p"))), 2);
    assert_eq!(count(&mut e, json!([{ "field": "properties.plan", "op": "not_exists" }])), 2);
    assert_eq!(count(&mut e, json!([{ "field": "properties.plan", "op": "exists" }])), 1);
    assert_eq!(count(&mut e, prop("eq", "nothing", json!("x"))), 0);
    assert_eq!(count(&mut e, prop("neq", "nothing", json!("x"))), 3);
}

#[test]
fn email_conditions_follow_email_changes() {
    let mut e = Engine::new();
    let a = contact(&mut e, "Ann@X.io", json!({}));
    contact(&mut e, "bob@y.io", json!({}));
    let ends = |v: &str| json!([{ "field": "email", "op": "ends_with", "value": v }]);
    assert_eq!(count(&mut e, ends("@x.IO")), 1);
    exec(&mut e, "contacts.update", json!({ "id": a, "email": "Ann@Y.io" }));
    assert_eq!(count(&mut e, ends("@x.io")), 0);
    assert_eq!(count(&mut e, ends("@Y.IO")), 2);
    assert_eq!(count(&mut e, json!([{ "field": "email", "op": "contains", "value": "ANN@" }])), 1);
}

#[test]
fn type_strict_equality_and_numeric_order() {
    let mut e = Engine::new();
    contact(&mut e, "a@x.io", json!({ "v": 1 }));
    contact(&mut e, "b@x.io", json!({ "v": "1" }));
    contact(&mut e, "c@x.io", json!({ "v": 10 }));
    contact(&mut e, "d@x.io", json!({ "v": "9" }));
    assert_eq!(count(&mut e, prop("eq", "v", json!(1))), 1);
    assert_eq!(count(&mut e, prop("eq", "v", json!("1"))), 1);
    assert_eq!(count(&mut e, prop("in", "v", json!([1, "9"]))), 2);
    assert_eq!(count(&mut e, prop("gt", "v", json!(5))), 1);
    assert_eq!(count(&mut e, prop("lte", "v", json!(10))), 2);
}

#[test]
fn dates_compare_as_instants() {
    let mut e = Engine::new();
    contact(&mut e, "a@x.io", json!({ "d": "2025-01-01T00:00:00Z" }));
    contact(&mut e, "b@x.io", json!({ "d": "2025-06-01" }));
    contact(&mut e, "c@x.io", json!({ "d": "June" }));
    contact(&mut e, "d@x.io", json!({ "d": 1_700_000_000_000i64 }));
    assert_eq!(count(&mut e, prop("after", "d", json!("2025-01-01T00:00:00.000Z"))), 1);
    assert_eq!(count(&mut e, prop("before", "d", json!("2025-01-01T00:00:00.001Z"))), 1);
    assert_eq!(count(&mut e, prop("gte", "d", json!("2025-01-01"))), 2);
    assert_eq!(count(&mut e, json!([{ "field": "createdAt", "op": "lte", "value": "2025-09-15T10:00:00.000Z" }])), 4);
    assert_eq!(count(&mut e, json!([{ "field": "createdAt", "op": "after", "value": "2025-09-15T10:00:00.000Z" }])), 0);
}

#[test]
fn unicode_case_insensitive_strings_and_arrays() {
    let mut e = Engine::new();
    contact(&mut e, "Zoë@Example.COM", json!({ "city": "ÖREBRO", "tags": ["VIP", "beta"] }));
    contact(&mut e, "b@x.io", json!({ "city": "örebro län", "tags": "vip" }));
    assert_eq!(count(&mut e, prop("contains", "city", json!("öreb"))), 2);
    assert_eq!(count(&mut e, prop("starts_with", "city", json!("Örebro"))), 2);
    assert_eq!(count(&mut e, prop("ends_with", "city", json!("LÄN"))), 1);
    assert_eq!(count(&mut e, prop("contains", "tags", json!("vip"))), 2);
    assert_eq!(count(&mut e, prop("contains", "tags", json!("vi"))), 1);
    assert_eq!(count(&mut e, json!([{ "field": "email", "op": "ends_with", "value": "@example.com" }])), 1);
    assert_eq!(count(&mut e, json!([{ "field": "email", "op": "eq", "value": "Zoë@Example.COM" }])), 1);
    assert_eq!(count(&mut e, json!([{ "field": "suppressed", "op": "eq", "value": false }])), 2);
}

fn track(e: &mut Engine, contact: &str, name: &str, ts: i64) {
    exec(e, "events.track", json!({ "name": name, "contactId": contact, "timestamp": crate::time::format_iso(ts) }));
}

#[test]
fn within_windows_include_both_ends_and_exclude_the_future() {
    let mut e = Engine::new();
    let a = contact(&mut e, "a@x.io", json!({}));
    let b = contact(&mut e, "b@x.io", json!({}));
    let c = contact(&mut e, "c@x.io", json!({}));
    let d = contact(&mut e, "d@x.io", json!({}));
    track(&mut e, &a, "login", NOW - 7 * DAY); // exactly at the edge
    track(&mut e, &b, "login", NOW - 7 * DAY - 1); // just outside
    track(&mut e, &c, "login", NOW + 1); // future
    track(&mut e, &d, "login", NOW); // exactly now
    let w = |op: &str| json!([{ "field": "events.login", "op": op, "within": "7d" }]);
    let got = query(&mut e, "segments.preview", json!({ "rules": w("occurred") }), NOW);
    let emails: Vec<&str> = got["sample"].as_array().unwrap().iter().map(|m| m["email"].as_str().unwrap()).collect();
    assert_eq!(emails, ["a@x.io", "d@x.io"]);
    assert_eq!(count(&mut e, w("not_occurred")), 2);
    assert_eq!(count(&mut e, json!([{ "field": "events.login", "op": "occurred" }])), 4, "no window: any event");
    assert_eq!(count(&mut e, json!([{ "field": "events.Login", "op": "occurred" }])), 0, "names are case-sensitive");
    assert_eq!(count(&mut e, json!([{ "field": "events.login", "op": "occurred", "within": "30m" }])), 1);
    assert_eq!(count_at(&mut e, w("occurred"), NOW + 1), 2, "the window rolls with now: a drops out, c comes in");
    assert_eq!(count_at(&mut e, w("occurred"), NOW + 8 * DAY), 0);
}

#[test]
fn track_by_unknown_email_creates_the_contact_and_unknown_id_is_not_found() {
    let mut e = Engine::new();
    let ev = exec(&mut e, "events.track", json!({ "name": "signup", "email": "new@x.io", "properties": { "src": "ad" } }));
    assert!(ev["id"].as_str().unwrap().starts_with("evt_"));
    assert_eq!(ev["properties"], json!({ "src": "ad" }));
    assert_eq!(ev["timestamp"], "2025-09-15T10:00:00.000Z");
    let c = query(&mut e, "contacts.get", json!({ "id": ev["contactId"] }), NOW);
    assert_eq!(c["email"], "new@x.io");
    assert_eq!(fail(&mut e, "events.track", json!({ "name": "x", "contactId": "cnt_01K5AAAAAAAAAAAAAAAAAAAAAA" })).code, Code::NotFound);
    let both = fail(&mut e, "events.track", json!({ "name": "x", "contactId": ev["contactId"], "email": "a@x.io" }));
    assert_eq!(both.code, Code::ValidationError);
}

#[test]
fn imports_are_all_or_nothing_and_name_the_bad_index() {
    let mut e = Engine::new();
    let r = exec(&mut e, "contacts.import", json!([{ "email": "a@x.io", "properties": { "p": 1 } }, { "email": "A@x.io", "properties": { "q": 2 } }, { "email": "b@x.io" }]));
    assert_eq!(r, json!({ "created": 2, "updated": 0 }));
    let r = exec(&mut e, "contacts.import", json!([{ "email": "a@x.io", "properties": { "p": null } }, { "email": "c@x.io" }]));
    assert_eq!(r, json!({ "created": 1, "updated": 1 }));
    let err = fail(&mut e, "contacts.import", json!([{ "email": "d@x.io" }, { "email": 5 }]));
    assert_eq!(err.details[0].path, "[1].email");
    assert_eq!(query(&mut e, "stats", json!({}), NOW)["contacts"], 3);
    let err = fail(&mut e, "events.import", json!([{ "name": "a", "email": "z@x.io" }, { "name": "", "email": "a@x.io" }]));
    assert_eq!(err.details[0].path, "[1].name");
    assert_eq!(query(&mut e, "stats", json!({}), NOW)["contacts"], 3, "no contact from a failed batch");
    let r = exec(&mut e, "events.import", json!([{ "name": "a", "email": "z@x.io" }, { "name": "a", "email": "Z@x.io", "timestamp": "2025-01-01" }]));
    assert_eq!(r, json!({ "imported": 2, "contactsCreated": 1 }));
}

#[test]
fn compute_keeps_joined_at_for_continuing_members() {
    let mut e = Engine::new();
    let a = contact(&mut e, "a@x.io", json!({ "plan": "pro" }));
    let b = contact(&mut e, "b@x.io", json!({ "plan": "free" }));
    let s = exec(&mut e, "segments.create", json!({ "name": "Pro", "rules": prop("eq", "plan", json!("pro")) }));
    assert_eq!((s["memberCount"].clone(), s["computedAt"].clone()), (json!(0), Value::Null));
    assert_eq!(s["rules"], json!({ "operator": "and", "conditions": [{ "field": "properties.plan", "op": "eq", "value": "pro" }] }));
    let id = s["id"].clone();
    e.execute(&entry("segments.compute", json!({ "id": id }), NOW)).unwrap();
    exec(&mut e, "contacts.update", json!({ "id": b, "properties": { "plan": "pro" } }));
    let later = NOW + DAY;
    let seg: Value = serde_json::from_str(&e.execute(&entry("segments.compute", json!({ "id": id }), later)).unwrap()).unwrap();
    assert_eq!(seg["memberCount"], 2);
    assert_eq!(seg["computedAt"], crate::time::format_iso(later));
    let m = query(&mut e, "segments.listMembers", json!({ "id": id }), later);
    assert_eq!(m["data"][0]["id"].as_str().unwrap(), a);
    assert_eq!(m["data"][0]["joinedAt"], "2025-09-15T10:00:00.000Z");
    assert_eq!(m["data"][1]["joinedAt"], crate::time::format_iso(later));
    exec(&mut e, "contacts.delete", json!({ "id": a }));
    assert_eq!(query(&mut e, "segments.get", json!({ "id": id }), NOW)["memberCount"], 1);
}

#[test]
fn pages_never_repeat_or_skip() {
    let mut e = Engine::new();
    for i in 0..25 {
        contact(&mut e, &format!("u{i}@x.io"), json!({}));
    }
    let p1 = query(&mut e, "contacts.list", json!({ "limit": 10 }), NOW);
    assert_eq!(p1["data"].as_array().unwrap().len(), 10);
    contact(&mut e, "late@x.io", json!({}));
    let last = p1["data"][9]["id"].as_str().unwrap().to_string();
    exec(&mut e, "contacts.delete", json!({ "id": last }));
    let p2 = query(&mut e, "contacts.list", json!({ "limit": 10, "cursor": p1["nextCursor"] }), NOW);
    assert_eq!(p2["data"][0]["email"], "u10@x.io");
    let p3 = query(&mut e, "contacts.list", json!({ "limit": 10, "cursor": p2["nextCursor"] }), NOW);
    assert_eq!(p3["data"].as_array().unwrap().len(), 6);
    assert_eq!(p3["nextCursor"], Value::Null);
    for bad in [json!({ "limit": 0 }), json!({ "limit": 101 }), json!({ "limit": 2.5 }), json!({ "limit": "10" }), json!({ "cursor": "zzz" })] {
        assert_eq!(e.query(&entry("contacts.list", bad, NOW)).unwrap_err().code, Code::ValidationError);
    }
}

#[test]
fn snapshots_restore_everything() {
    let mut e = Engine::new();
    let a = contact(&mut e, "a@x.io", json!({ "plan": "pro", "tags": ["x"] }));
    track(&mut e, &a, "login", NOW - DAY);
    let s = exec(&mut e, "segments.create", json!({ "name": "S", "rules": [{ "field": "events.login", "op": "occurred", "within": "7d" }] }));
    e.execute(&entry("segments.compute", json!({ "id": s["id"] }), NOW)).unwrap();
    let bytes = e.snapshot();
    let mut r = Engine::restore(&bytes).unwrap();
    assert_eq!(query(&mut r, "segments.get", json!({ "id": s["id"] }), NOW), query(&mut e, "segments.get", json!({ "id": s["id"] }), NOW));
    assert_eq!(query(&mut r, "contacts.list", json!({}), NOW), query(&mut e, "contacts.list", json!({}), NOW));
    assert_eq!(count(&mut r, json!([{ "field": "events.login", "op": "occurred", "within": "2d" }])), 1);
    // Ids stay monotonic after a restore.
    let b = contact(&mut r, "b@x.io", json!({}));
    assert!(b > a);
    assert!(Engine::restore(b"nonsense").is_err());
    assert!(Engine::restore(&bytes[..bytes.len() / 2]).is_err());
}

#[test]
fn bad_entries_are_errors_not_panics() {
    let mut e = Engine::new();
    for bad in ["", "{", "[]", "{\"cmd\":\"x\",\"now\":1}", "{\"cmd\":\"segments.create\",\"now\":1e300}", &"[".repeat(100_000)] {
        assert!(e.plan(bad).is_err(), "{bad:.20}");
        assert!(e.query(bad).is_err());
    }
    let deep = format!("{}{}", "{\"operator\":\"and\",\"conditions\":[".repeat(5000), "]}".repeat(5000));
    let text = format!("{{\"cmd\":\"segments.preview\",\"now\":1,\"input\":{{\"rules\":{deep}}}}}");
    assert_eq!(e.query(&text).unwrap_err().code, Code::ValidationError);
    assert_eq!(fail(&mut e, "segments.create", json!({ "name": "", "rules": [] })).details.len(), 2);
    assert_eq!(e.query(&entry("segments.get", json!({ "id": "seg_nope" }), NOW)).unwrap_err().code, Code::NotFound);
}

#[test]
fn a_discarded_plan_changes_nothing() {
    let mut e = Engine::new();
    e.plan(&entry("contacts.create", json!({ "email": "a@x.io" }), NOW)).unwrap();
    e.discard();
    assert_eq!(e.commit(), None);
    assert_eq!(query(&mut e, "stats", json!({}), NOW)["contacts"], 0);
    contact(&mut e, "a@x.io", json!({}));
}
