//! What the app's editor and contact profiles read: `schema`, a contact's
//! events and segments, dry-run imports, and the data time that tells a
//! computed segment from a stale one.

use super::*;

fn at(e: &mut Engine, cmd: &str, input: Value, now: i64) -> Value {
    serde_json::from_str(&e.execute(&entry(cmd, input, now)).unwrap()).unwrap()
}

fn query_err(e: &mut Engine, cmd: &str, input: Value) -> Error {
    e.query(&entry(cmd, input, NOW)).expect_err(cmd)
}

#[test]
fn schema_describes_keys_types_values_and_events() {
    let mut e = Engine::new();
    assert_eq!(
        query(&mut e, "schema", json!({}), NOW),
        json!({ "contacts": { "count": 0, "properties": [] }, "events": { "count": 0, "names": [] }, "dataChangedAt": null })
    );
    let a = contact(&mut e, "a@x.io", json!({ "plan": "pro", "seats": 3, "tags": ["x"] }));
    contact(&mut e, "b@x.io", json!({ "plan": "pro", "seats": "many", "since": "2025-01-02T00:00:00Z" }));
    let c = contact(&mut e, "c@x.io", json!({ "plan": "free", "vip": true }));
    at(
        &mut e,
        "events.track",
        json!({ "name": "purchase", "contactId": a, "properties": { "amount": 5 }, "timestamp": "2025-09-01T00:00:00Z" }),
        NOW,
    );
    at(
        &mut e,
        "events.track",
        json!({ "name": "purchase", "contactId": a, "properties": { "amount": 5 }, "timestamp": "2025-09-03T00:00:00Z" }),
        NOW,
    );
    at(&mut e, "events.track", json!({ "name": "login", "contactId": c }), NOW + 1000);
    let s = query(&mut e, "schema", json!({}), NOW);
    assert_eq!(s["contacts"]["count"], 3);
    let keys: Vec<&str> = s["contacts"]["properties"].as_array().unwrap().iter().map(|k| k["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["plan", "seats", "tags", "since", "vip"], "in the order keys first appeared");
    assert_eq!(
        s["contacts"]["properties"][0],
        json!({ "key": "plan", "count": 3, "types": [{ "type": "string", "count": 3 }], "distinct": 2,
                "top": [{ "value": "pro", "count": 2 }, { "value": "free", "count": 1 }] })
    );
    assert_eq!(
        s["contacts"]["properties"][1]["types"],
        json!([{ "type": "string", "count": 1 }, { "type": "number", "count": 1 }])
    );
    assert_eq!(s["contacts"]["properties"][3]["types"], json!([{ "type": "date", "count": 1 }]));
    // Arrays and objects have types but are not listed as values.
    assert_eq!(
        (s["contacts"]["properties"][2]["types"][0]["type"].clone(), s["contacts"]["properties"][2]["top"].clone()),
        (json!("array"), json!([]))
    );
    assert_eq!(s["events"]["count"], 3);
    assert_eq!(
        s["events"]["names"][0],
        json!({ "name": "purchase", "count": 2, "lastAt": "2025-09-03T00:00:00.000Z", "properties": [
            { "key": "amount", "count": 2, "types": [{ "type": "number", "count": 2 }], "distinct": 1, "top": [{ "value": 5, "count": 2 }] }] })
    );
    assert_eq!(s["dataChangedAt"], "2025-09-15T10:00:01.000Z");
    // A deleted contact and its events leave the schema.
    at(&mut e, "contacts.delete", json!({ "id": a }), NOW + 2000);
    let s = query(&mut e, "schema", json!({}), NOW);
    assert_eq!((s["contacts"]["count"].clone(), s["events"]["count"].clone()), (json!(2), json!(1)));
    assert_eq!(s["events"]["names"].as_array().unwrap().len(), 1);
    assert!(s["contacts"]["properties"].as_array().unwrap().iter().all(|k| k["key"] != "tags"));
    assert_eq!(s["dataChangedAt"], "2025-09-15T10:00:02.000Z");
    assert_eq!(query_err(&mut e, "schema", json!({ "x": 1 })).code, Code::ValidationError);
}

#[test]
fn a_contacts_events_page_newest_first() {
    let mut e = Engine::new();
    let a = contact(&mut e, "a@x.io", json!({}));
    let b = contact(&mut e, "b@x.io", json!({}));
    let mut recs = Vec::new();
    for i in 0..25 {
        // Three events share each second; b's are noise.
        let name = ["login", "view", "buy"][i % 3];
        let ts = crate::time::format_iso(NOW - (i as i64 / 3) * 1000);
        recs.push(json!({ "name": name, "contactId": a, "timestamp": ts, "properties": { "i": i } }));
        recs.push(json!({ "name": "login", "contactId": b, "timestamp": crate::time::format_iso(NOW) }));
    }
    exec(&mut e, "events.import", json!(recs));
    let mut seen = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let mut input = json!({ "id": a, "limit": 4 });
        if !cursor.is_null() {
            input["cursor"] = cursor.clone();
        }
        let page = query(&mut e, "contacts.events", input, NOW);
        for ev in page["data"].as_array().unwrap() {
            assert_eq!(ev["contactId"], a);
            seen.push((
                ev["timestamp"].as_str().unwrap().to_string(),
                ev["name"].as_str().unwrap().to_string(),
                ev["properties"]["i"].as_i64().unwrap(),
            ));
        }
        cursor = page["nextCursor"].clone();
        if cursor.is_null() {
            break;
        }
    }
    assert_eq!(seen.len(), 25);
    let rank = |n: &str| ["login", "view", "buy"].iter().position(|&m| m == n);
    let mut want = seen.clone();
    want.sort_by(|x, y| y.0.cmp(&x.0).then(rank(&x.1).cmp(&rank(&y.1))));
    assert_eq!(seen, want, "newest first, then by name in the order names first appeared");
    let mut is: Vec<i64> = seen.iter().map(|s| s.2).collect();
    is.sort();
    assert_eq!(is, (0..25).collect::<Vec<_>>(), "each event once");
    assert_eq!(query_err(&mut e, "contacts.events", json!({ "id": a, "cursor": "nope" })).code, Code::ValidationError);
    assert_eq!(query_err(&mut e, "contacts.events", json!({ "id": "cnt_01J00000000000000000000000" })).code, Code::NotFound);
    assert_eq!(query_err(&mut e, "contacts.events", json!({ "id": a, "limit": 101 })).code, Code::ValidationError);
}

#[test]
fn a_contacts_segments_with_join_times() {
    let mut e = Engine::new();
    let a = contact(&mut e, "a@x.io", json!({ "plan": "pro" }));
    contact(&mut e, "b@x.io", json!({ "plan": "free" }));
    let mut ids = Vec::new();
    for (name, plan, live) in
        [("pro", "pro", true), ("free", "free", false), ("pro again", "pro", false), ("never computed", "pro", false)]
    {
        let s = exec(&mut e, "segments.create", json!({ "name": name, "live": live, "rules": prop("eq", "plan", json!(plan)) }));
        ids.push(s["id"].as_str().unwrap().to_string());
    }
    for id in &ids[1..3] {
        at(&mut e, "segments.compute", json!({ "id": id }), NOW + 5000);
    }
    let page = query(&mut e, "contacts.segments", json!({ "id": a, "limit": 1 }), NOW);
    assert_eq!(page["data"], json!([{ "id": ids[0], "name": "pro", "live": true, "joinedAt": "2025-09-15T10:00:00.000Z" }]));
    let page = query(&mut e, "contacts.segments", json!({ "id": a, "cursor": page["nextCursor"] }), NOW);
    assert_eq!(
        page["data"],
        json!([{ "id": ids[2], "name": "pro again", "live": false, "joinedAt": "2025-09-15T10:00:05.000Z" }])
    );
    assert_eq!(page["nextCursor"], Value::Null);
}

#[test]
fn a_dry_run_import_counts_and_stores_nothing() {
    let mut e = Engine::new();
    contact(&mut e, "a@x.io", json!({}));
    let before = e.snapshot();
    let recs = json!([{ "email": "A@x.io", "properties": { "plan": "pro" } }, { "email": "new@x.io" }, { "email": "new@x.io" }]);
    assert_eq!(query(&mut e, "contacts.import", recs.clone(), NOW), json!({ "created": 1, "updated": 1 }));
    let evs = json!([{ "name": "login", "email": "a@x.io" }, { "name": "login", "email": "other@x.io" }]);
    assert_eq!(query(&mut e, "events.import", evs, NOW), json!({ "imported": 2, "contactsCreated": 1 }));
    assert_eq!(e.snapshot(), before, "nothing stored");
    let err = query_err(&mut e, "contacts.import", json!([{ "email": "bad" }, { "emial": "x@y.z" }]));
    assert_eq!(err.code, Code::ValidationError);
    assert_eq!(
        err,
        fail(&mut e, "contacts.import", json!([{ "email": "bad" }, { "emial": "x@y.z" }])),
        "the same errors as the import"
    );
    assert_eq!(exec(&mut e, "contacts.import", recs), json!({ "created": 1, "updated": 1 }));
}
