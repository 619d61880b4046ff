//! Live segments and the change feed through the command interface: members
//! current after each mutation and as the clock moves, `nextChangeAt`,
//! feeds with causes, cursors, and replay.

use super::*;

fn at(e: &mut Engine, cmd: &str, input: Value, now: i64) -> Value {
    let out = e.execute(&entry(cmd, input, now)).unwrap_or_else(|err| panic!("{cmd}: {err:?}"));
    serde_json::from_str(&out).unwrap()
}

fn get(e: &mut Engine, id: &str, now: i64) -> Value {
    query(e, "segments.get", json!({ "id": id }), now)
}

fn feed(e: &mut Engine, id: &str) -> Vec<(String, String, String)> {
    let page = query(e, "segments.changes", json!({ "id": id, "limit": 100 }), NOW);
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["email"].as_str().unwrap().into(), c["type"].as_str().unwrap().into(), c["cause"].as_str().unwrap().into()))
        .collect()
}

fn members(e: &mut Engine, id: &str) -> Vec<String> {
    let page = query(e, "segments.listMembers", json!({ "id": id, "limit": 100 }), NOW);
    page["data"].as_array().unwrap().iter().map(|m| m["email"].as_str().unwrap().to_string()).collect()
}

fn t(f: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    f.iter().map(|&(a, b, c)| (a.into(), b.into(), c.into())).collect()
}

#[test]
fn a_live_segment_follows_contacts_and_events() {
    let mut e = Engine::new();
    contact(&mut e, "a@x.io", json!({ "plan": "pro" }));
    let seg = exec(&mut e, "segments.create", json!({ "name": "pro", "live": true, "rules": [
        { "field": "properties.plan", "op": "eq", "value": "pro" },
        { "field": "events.login", "op": "occurred", "within": "7d" }] }));
    let id = seg["id"].as_str().unwrap().to_string();
    assert_eq!((seg["live"].clone(), seg["memberCount"].clone(), seg["status"].clone()), (json!(true), json!(0), json!("ready")));
    assert_eq!(seg["nextChangeAt"], Value::Null);
    exec(&mut e, "events.track", json!({ "name": "login", "email": "a@x.io", "timestamp": NOW - DAY }));
    exec(&mut e, "events.track", json!({ "name": "login", "email": "b@x.io", "timestamp": NOW - DAY }));
    assert_eq!(members(&mut e, &id), ["a@x.io"]);
    let s = get(&mut e, &id, NOW);
    assert_eq!(s["nextChangeAt"], crate::time::format_iso(NOW + 6 * DAY + 1));
    let b = query(&mut e, "contacts.getByEmail", json!({ "email": "b@x.io" }), NOW)["id"].clone();
    exec(&mut e, "contacts.update", json!({ "id": b, "properties": { "plan": "pro" } }));
    assert_eq!(members(&mut e, &id), ["a@x.io", "b@x.io"]);
    exec(&mut e, "contacts.delete", json!({ "id": b }));
    assert_eq!(
        feed(&mut e, &id),
        t(&[("a@x.io", "entered", "event"), ("b@x.io", "entered", "contact"), ("b@x.io", "left", "contact")])
    );
    // Time alone: the login leaves the window 7 days + 1 ms after it.
    at(&mut e, "segments.tick", json!(null), NOW + 6 * DAY);
    assert_eq!(members(&mut e, &id), ["a@x.io"]);
    at(&mut e, "segments.tick", json!(null), NOW + 6 * DAY + 1);
    assert_eq!(members(&mut e, &id), Vec::<String>::new());
    let last = feed(&mut e, &id).pop().unwrap();
    assert_eq!(last, ("a@x.io".into(), "left".into(), "time".into()));
    let s = get(&mut e, &id, NOW + 6 * DAY + 1);
    assert_eq!((s["memberCount"].clone(), s["nextChangeAt"].clone()), (json!(0), Value::Null));
    assert_eq!(s["computedAt"], crate::time::format_iso(NOW + 6 * DAY + 1));
}

#[test]
fn next_change_skips_instants_that_change_nothing() {
    let mut e = Engine::new();
    let seg = exec(&mut e, "segments.create", json!({ "name": "active", "live": true,
        "rules": [{ "field": "events.login", "op": "occurred", "within": "7d" }] }));
    let id = seg["id"].as_str().unwrap().to_string();
    exec(&mut e, "events.track", json!({ "name": "login", "email": "a@x.io", "timestamp": NOW - 3 * DAY }));
    exec(&mut e, "events.track", json!({ "name": "login", "email": "a@x.io", "timestamp": NOW - DAY }));
    // The older login leaving changes nothing; the newer one's does.
    assert_eq!(get(&mut e, &id, NOW)["nextChangeAt"], crate::time::format_iso(NOW + 6 * DAY + 1));
    // A future event enters when its time comes.
    exec(&mut e, "events.track", json!({ "name": "login", "email": "c@x.io", "timestamp": NOW + 2 * DAY }));
    assert_eq!(get(&mut e, &id, NOW)["nextChangeAt"], crate::time::format_iso(NOW + 2 * DAY));
    // An entry and a leave within one jump of the clock record nothing.
    at(&mut e, "segments.tick", json!(null), NOW + 20 * DAY);
    let f = feed(&mut e, &id);
    assert_eq!(f, t(&[("a@x.io", "entered", "event"), ("a@x.io", "left", "time")]));
}

#[test]
fn compute_of_a_live_segment_changes_nothing_and_plain_computes_are_recorded() {
    let mut e = Engine::new();
    contact(&mut e, "a@x.io", json!({ "plan": "pro" }));
    let plain = exec(&mut e, "segments.create", json!({ "name": "p", "rules": prop("eq", "plan", json!("pro")) }));
    let pid = plain["id"].as_str().unwrap().to_string();
    exec(&mut e, "segments.compute", json!({ "id": pid }));
    contact(&mut e, "b@x.io", json!({ "plan": "pro" }));
    assert_eq!(members(&mut e, &pid), ["a@x.io"], "not live: only as fresh as its last compute");
    exec(&mut e, "segments.compute", json!({ "id": pid }));
    assert_eq!(feed(&mut e, &pid), t(&[("a@x.io", "entered", "compute"), ("b@x.io", "entered", "compute")]));
    // Made live: populated (cause rules), then a compute changes nothing.
    contact(&mut e, "c@x.io", json!({ "plan": "pro" }));
    let s = exec(&mut e, "segments.update", json!({ "id": pid, "live": true }));
    assert_eq!(s["memberCount"], 3);
    exec(&mut e, "segments.compute", json!({ "id": pid }));
    assert_eq!(feed(&mut e, &pid).len(), 3);
    assert_eq!(feed(&mut e, &pid)[2], ("c@x.io".into(), "entered".into(), "rules".into()));
    // A rule change re-evaluates it, and the segments that reference it.
    let refr = exec(&mut e, "segments.create", json!({ "name": "r", "live": true,
        "rules": [{ "field": "segment", "op": "in", "value": [pid] }] }));
    let rid = refr["id"].as_str().unwrap().to_string();
    assert_eq!(members(&mut e, &rid).len(), 3);
    exec(&mut e, "segments.update", json!({ "id": pid, "rules": [{ "field": "email", "op": "starts_with", "value": "a" }] }));
    assert_eq!(members(&mut e, &rid), ["a@x.io"]);
    assert_eq!(feed(&mut e, &rid).last().unwrap().2, "rules");
}

#[test]
fn change_cursors_page_oldest_first_and_poll() {
    let mut e = Engine::new();
    let seg = exec(&mut e, "segments.create", json!({ "name": "all", "live": true, "rules": [{ "field": "email", "op": "exists" }] }));
    let id = seg["id"].as_str().unwrap().to_string();
    for i in 0..5 {
        contact(&mut e, &format!("u{i}@x.io"), json!({}));
    }
    let p1 = query(&mut e, "segments.changes", json!({ "id": id, "limit": 3 }), NOW);
    assert_eq!(p1["data"].as_array().unwrap().len(), 3);
    let p2 = query(&mut e, "segments.changes", json!({ "id": id, "limit": 3, "cursor": p1["nextCursor"] }), NOW);
    assert_eq!(p2["data"].as_array().unwrap().len(), 2);
    let p3 = query(&mut e, "segments.changes", json!({ "id": id, "cursor": p2["nextCursor"] }), NOW);
    assert_eq!((p3["data"].as_array().unwrap().len(), p3["nextCursor"].clone()), (0, p2["nextCursor"].clone()));
    contact(&mut e, "late@x.io", json!({}));
    let p4 = query(&mut e, "segments.changes", json!({ "id": id, "cursor": p3["nextCursor"] }), NOW);
    assert_eq!(p4["data"][0]["email"], "late@x.io");
    assert!(p4["data"][0]["id"].as_str().unwrap().starts_with("chg_"));
    let head = query(&mut e, "changes.head", json!({}), NOW);
    assert_eq!(head["cursor"], p4["nextCursor"]);
    let bad = e.query(&entry("segments.changes", json!({ "id": id, "cursor": "nope" }), NOW)).unwrap_err();
    assert_eq!(bad.details[0].path, "cursor");
    let bad = e.execute(&entry("segments.create", json!({ "name": "x", "rules": [], "live": 1 }), NOW)).unwrap_err();
    assert!(bad.details.iter().any(|d| d.path == "live" || d.path == "rules"));
}

#[test]
fn replay_and_snapshots_give_back_members_feeds_and_ids() {
    let mut entries = Vec::new();
    let mut e = Engine::new();
    let mut run = |e: &mut Engine, cmd: &str, input: Value, now: i64| {
        let text = entry(cmd, input, now);
        entries.push(text.clone());
        e.execute(&text).unwrap()
    };
    let seg: Value = serde_json::from_str(&run(&mut e, "segments.create", json!({ "name": "w", "live": true,
        "rules": [{ "field": "events.buy", "op": "occurred", "within": "2d", "having": { "fn": "count", "op": "gte", "value": 2 } }] }), NOW)).unwrap();
    let id = seg["id"].as_str().unwrap().to_string();
    for k in 0..6 {
        run(&mut e, "events.track", json!({ "name": "buy", "email": format!("u{}@x.io", k % 3), "timestamp": NOW + k * DAY / 2 }), NOW + k * DAY / 2);
    }
    run(&mut e, "segments.tick", json!(null), NOW + 10 * DAY);
    let want = query(&mut e, "segments.changes", json!({ "id": id, "limit": 100 }), NOW);
    assert!(want["data"].as_array().unwrap().len() >= 4, "{want}");
    let mut replayed = Engine::new();
    for text in &entries {
        replayed.execute(text).unwrap();
    }
    assert_eq!(query(&mut replayed, "segments.changes", json!({ "id": id, "limit": 100 }), NOW), want);
    let mut restored = Engine::restore(&e.snapshot()).unwrap();
    assert_eq!(query(&mut restored, "segments.changes", json!({ "id": id, "limit": 100 }), NOW), want);
    assert_eq!(get(&mut restored, &id, NOW + 10 * DAY), get(&mut e, &id, NOW + 10 * DAY));
}

#[test]
fn the_ksg4_format_still_restores() {
    let v4 = include_bytes!("../../../tests/fixtures/ksg4/snapshot.bin");
    assert_eq!(&v4[..4], b"KSG4");
    let mut r = Engine::restore(v4).unwrap();
    assert_eq!(query(&mut r, "stats", json!({}), NOW)["events"], 2);
    let seg = &query(&mut r, "segments.list", json!({}), NOW)["data"][0];
    assert_eq!((seg["memberCount"].clone(), seg["live"].clone()), (json!(1), json!(false)));
    let id = seg["id"].as_str().unwrap().to_string();
    assert_eq!(query(&mut r, "segments.changes", json!({ "id": id }), NOW)["data"], json!([]));
}

#[test]
fn the_ksg5_format_still_restores() {
    let v5 = include_bytes!("../../../tests/fixtures/ksg5/snapshot.bin");
    assert_eq!(&v5[..4], b"KSG5");
    let mut r = Engine::restore(v5).unwrap();
    assert_eq!(query(&mut r, "stats", json!({}), NOW)["events"], 1);
    let seg = &query(&mut r, "segments.list", json!({}), NOW)["data"][0];
    assert_eq!((seg["memberCount"].clone(), seg["live"].clone()), (json!(1), json!(true)));
    let id = seg["id"].as_str().unwrap().to_string();
    assert_eq!(query(&mut r, "segments.changes", json!({ "id": id }), NOW)["data"].as_array().unwrap().len(), 1);
    // A KSG5 snapshot has no data time: the newest contact write stands in.
    assert_eq!(query(&mut r, "schema", json!({}), NOW)["dataChangedAt"], json!("2025-09-15T10:00:00.000Z"));
}
