//! The defects the hardening pass fixed, one test each: every one of these
//! was accepted (or trapped) before.

use super::*;

fn detail(err: &Error) -> (&str, &str) {
    (err.details[0].path.as_str(), err.details[0].message.as_str())
}

#[test]
fn unknown_keys_of_inputs_are_errors_at_their_path() {
    let mut e = Engine::new();
    let a = contact(&mut e, "a@x.io", json!({ "plan": "free" }));
    let err = fail(&mut e, "contacts.update", json!({ "id": a, "propertys": { "plan": "pro" } }));
    assert_eq!(detail(&err).0, "propertys");
    assert!(detail(&err).1.contains("email, properties, suppressed"), "{}", detail(&err).1);
    assert_eq!(detail(&fail(&mut e, "contacts.create", json!({ "email": "b@x.io", "props": {} }))).0, "props");
    assert_eq!(detail(&fail(&mut e, "events.track", json!({ "name": "x", "email": "a@x.io", "time": 1 }))).0, "time");
    assert_eq!(detail(&fail(&mut e, "segments.create", json!({ "name": "n", "rules": [], "rule": [] }))).0, "rule");
    let err = fail(&mut e, "contacts.import", json!([{ "email": "c@x.io" }, { "email": "d@x.io", "propertis": {} }]));
    assert_eq!(detail(&err).0, "[1].propertis");
    let err = fail(&mut e, "events.import", json!([{ "name": "x", "email": "c@x.io", "tmestamp": 1 }]));
    assert_eq!(detail(&err).0, "[0].tmestamp");
    let q = e.query(&entry("segments.preview", json!({ "rules": [], "limt": 5 }), NOW)).unwrap_err();
    assert!(q.details.iter().any(|d| d.path == "limt"));
    let q = e.query(&entry("contacts.list", json!({ "limit": 5, "cursr": "x" }), NOW)).unwrap_err();
    assert_eq!(detail(&q).0, "cursr");
    assert_eq!(query(&mut e, "contacts.get", json!({ "id": a }), NOW)["properties"]["plan"], "free", "nothing changed");
}

#[test]
fn records_given_as_arrays_are_not_read_as_positional_fields() {
    let mut e = Engine::new();
    let err = fail(&mut e, "contacts.import", json!([["t@x.y", { "plan": "pro" }]]));
    assert_eq!(detail(&err).0, "[0]");
    let err = fail(&mut e, "events.import", json!([["login", null, "t@x.y"]]));
    assert_eq!(detail(&err).0, "[0]");
    assert_eq!(fail(&mut e, "contacts.create", json!(["t@x.y", {}])).code, Code::ValidationError);
    assert_eq!(fail(&mut e, "events.track", json!(["login", null, "t@x.y"])).code, Code::ValidationError);
    assert_eq!(fail(&mut e, "segments.create", json!(["n", []])).code, Code::ValidationError);
    assert_eq!(query(&mut e, "stats", json!({}), NOW)["contacts"], 0);
    let positional = json!(["contacts.create", NOW, [1, 2, 3, 4], { "email": "a@x.io" }]).to_string();
    assert_eq!(e.plan(&positional).unwrap_err().code, Code::ValidationError);
}

#[test]
fn suppressed_is_settable_stored_and_usable_in_rules() {
    let mut e = Engine::new();
    let a = exec(&mut e, "contacts.create", json!({ "email": "a@x.io", "suppressed": true }));
    assert_eq!(a["suppressed"], true);
    let b = contact(&mut e, "b@x.io", json!({}));
    exec(&mut e, "contacts.import", json!([{ "email": "c@x.io", "suppressed": true }, { "email": "b@x.io", "suppressed": true }]));
    let sup = json!([{ "field": "suppressed", "op": "eq", "value": true }]);
    assert_eq!(count(&mut e, sup.clone()), 3);
    let u = exec(&mut e, "contacts.update", json!({ "id": b, "suppressed": false }));
    assert_eq!(u["suppressed"], false);
    assert_eq!(count(&mut e, sup.clone()), 2);
    // A later update without the key keeps it; an import without it keeps it too.
    exec(&mut e, "contacts.update", json!({ "id": a["id"], "properties": { "x": 1 } }));
    exec(&mut e, "contacts.import", json!([{ "email": "c@x.io", "properties": { "y": 2 } }]));
    assert_eq!(count(&mut e, sup.clone()), 2);
    let mut r = Engine::restore(&e.snapshot()).unwrap();
    assert_eq!(count(&mut r, sup), 2);
    assert_eq!(detail(&fail(&mut e, "contacts.update", json!({ "id": b, "suppressed": "yes" }))).0, "suppressed");
    assert_eq!(detail(&fail(&mut e, "contacts.import", json!([{ "email": "z@x.io", "suppressed": 1 }]))).0, "[0].suppressed");
}

#[test]
fn seconds_are_refused_as_timestamps() {
    let mut e = Engine::new();
    let err = fail(&mut e, "events.track", json!({ "name": "x", "email": "a@x.io", "timestamp": 1_764_540_000 }));
    assert_eq!(detail(&err).0, "timestamp");
    assert!(detail(&err).1.contains("milliseconds"), "{}", detail(&err).1);
    let err = fail(&mut e, "events.import", json!([{ "name": "x", "email": "a@x.io", "timestamp": -5 }]));
    assert_eq!(detail(&err).0, "[0].timestamp");
    exec(&mut e, "events.track", json!({ "name": "x", "email": "a@x.io", "timestamp": 1_764_540_000_000i64 }));
    exec(&mut e, "events.track", json!({ "name": "x", "email": "a@x.io", "timestamp": "1970-01-21T00:00:00Z" }));
}

#[test]
fn segments_say_whether_they_were_ever_computed() {
    let mut e = Engine::new();
    let s = exec(&mut e, "segments.create", json!({ "name": "S", "rules": [{ "field": "email", "op": "exists" }] }));
    assert_eq!(s["status"], "new");
    e.execute(&entry("segments.compute", json!({ "id": s["id"] }), NOW)).unwrap();
    assert_eq!(query(&mut e, "segments.get", json!({ "id": s["id"] }), NOW)["status"], "ready");
}

#[test]
fn preview_with_limit_zero_is_the_count_alone() {
    let mut e = Engine::new();
    contact(&mut e, "a@x.io", json!({}));
    let p = query(&mut e, "segments.preview", json!({ "rules": [{ "field": "email", "op": "exists" }], "limit": 0 }), NOW);
    assert_eq!(p, json!({ "count": 1, "sample": [] }));
    assert_eq!(e.query(&entry("contacts.list", json!({ "limit": 0 }), NOW)).unwrap_err().details[0].path, "limit");
}

#[test]
fn import_errors_list_every_bad_record_up_to_100() {
    let mut e = Engine::new();
    let err = fail(&mut e, "contacts.import", json!([{ "email": "a@x.io" }, { "email": 1 }, { "email": "c@x.io" }, { "email": "nope" }]));
    let paths: Vec<&str> = err.details.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(paths, ["[1].email", "[3].email"]);
    assert!(err.message.starts_with("2 records are invalid"), "{}", err.message);
    let many: Vec<Value> = (0..250).map(|_| json!({ "name": "", "email": "a@x.io" })).collect();
    let err = fail(&mut e, "events.import", Value::Array(many));
    assert_eq!(err.details.len(), 100);
    assert_eq!(err.details[99].path, "[99].name");
    assert_eq!(query(&mut e, "stats", json!({}), NOW)["contacts"], 0);
}

#[test]
fn contacts_are_found_by_email_case_insensitively() {
    let mut e = Engine::new();
    let a = contact(&mut e, "Ann@X.io", json!({}));
    assert_eq!(query(&mut e, "contacts.getByEmail", json!({ "email": "ann@x.IO" }), NOW)["id"], a);
    let err = e.query(&entry("contacts.getByEmail", json!({ "email": "bob@x.io" }), NOW)).unwrap_err();
    assert_eq!(err.code, Code::NotFound);
    let err = e.query(&entry("contacts.getByEmail", json!({ "email": 3 }), NOW)).unwrap_err();
    assert_eq!(detail(&err).0, "email");
}

#[test]
fn the_entry_may_name_the_target_apart_from_the_input() {
    let mut e = Engine::new();
    let a = contact(&mut e, "a@x.io", json!({ "p": 1 }));
    let text = json!({ "cmd": "contacts.update", "now": NOW, "id": a, "input": { "properties": { "p": 2 } } }).to_string();
    assert_eq!(serde_json::from_str::<Value>(&e.execute(&text).unwrap()).unwrap()["properties"]["p"], 2);
    // With the id outside, an `id` inside the patch is a caller's key, not the target.
    let text = json!({ "cmd": "contacts.update", "now": NOW, "id": a, "input": { "id": "cnt_x" } }).to_string();
    assert_eq!(detail(&e.execute(&text).unwrap_err()).0, "id");
    let text = json!({ "cmd": "contacts.get", "now": NOW, "id": a }).to_string();
    assert_eq!(serde_json::from_str::<Value>(&e.query(&text).unwrap()).unwrap()["id"], a);
}

#[test]
fn any_depth_is_a_validation_error_with_the_limit_and_a_path() {
    let mut e = Engine::new();
    for groups in [40, 100, 1000, 2000] {
        let deep = format!("{}{}", "{\"operator\":\"and\",\"conditions\":[".repeat(groups), "]}".repeat(groups));
        let text = format!("{{\"cmd\":\"segments.preview\",\"now\":{NOW},\"input\":{{\"rules\":{deep}}}}}");
        let err = e.query(&text).unwrap_err();
        assert_eq!(err.code, Code::ValidationError);
        assert!(err.details[0].path.starts_with("rules.conditions[0]"), "{groups}: {}", err.details[0].path);
        assert!(err.message.contains("32"), "{groups}: {}", err.message);
    }
    let arrays = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    for (cmd, input) in [
        ("contacts.create", format!("{{\"email\":\"a@x.io\",\"properties\":{{\"deep\":{arrays}}}}}")),
        ("contacts.import", format!("[{{\"email\":\"a@x.io\",\"properties\":{{\"deep\":{arrays}}}}}]")),
        ("segments.create", format!("{{\"name\":\"n\",\"rules\":[{{\"field\":\"properties.a\",\"op\":\"eq\",\"value\":{arrays}}}]}}")),
    ] {
        let text = format!("{{\"cmd\":\"{cmd}\",\"now\":{NOW},\"input\":{input}}}");
        let err = e.plan(&text).unwrap_err();
        assert_eq!(err.code, Code::ValidationError, "{cmd}");
        assert!(err.message.contains("levels"), "{cmd}: {}", err.message);
        assert_ne!(err.details[0].path, "", "{cmd}");
    }
    // Below the whole-input limit, a property value still nests at most 32 levels.
    let v = format!("{}1{}", "[".repeat(40), "]".repeat(40));
    let text = format!("{{\"cmd\":\"contacts.create\",\"now\":{NOW},\"input\":{{\"email\":\"a@x.io\",\"properties\":{{\"v\":{v}}}}}}}");
    let err = e.plan(&text).unwrap_err();
    assert!(err.details[0].path.starts_with("properties.v[0]"), "{}", err.details[0].path);
    assert!(err.message.contains("32 levels"), "{}", err.message);
    let ok = format!("{}1{}", "[".repeat(32), "]".repeat(32));
    e.execute(&format!("{{\"cmd\":\"contacts.create\",\"now\":{NOW},\"input\":{{\"email\":\"a@x.io\",\"properties\":{{\"v\":{ok}}}}}}}")).unwrap();
}

#[test]
fn lone_surrogates_are_reported_at_their_path() {
    let mut e = Engine::new();
    let cases = [
        ("contacts.create", r#"{"email":"a@x.io","properties":{"name":"\ud800"}}"#, "properties.name"),
        ("contacts.import", r#"[{"email":"a@x.io"},{"email":"b@x.io","properties":{"t":["ok","\udc00"]}}]"#, "[1].properties.t[1]"),
        ("segments.create", r#"{"name":"n","rules":[{"field":"email","op":"eq","value":"\ud800"}]}"#, "rules[0].value"),
        ("events.track", r#"{"name":"\ud83d","email":"a@x.io"}"#, "name"),
    ];
    for (cmd, input, path) in cases {
        let err = e.plan(&format!("{{\"cmd\":\"{cmd}\",\"now\":{NOW},\"input\":{input}}}")).unwrap_err();
        assert_eq!(detail(&err).0, path, "{cmd}");
        assert!(detail(&err).1.contains("surrogate"), "{cmd}: {}", detail(&err).1);
    }
}

#[test]
fn event_names_and_properties_have_limits() {
    let mut e = Engine::new();
    let long = "n".repeat(201);
    assert_eq!(detail(&fail(&mut e, "events.track", json!({ "name": long, "email": "a@x.io" }))).0, "name");
    let props: serde_json::Map<String, Value> = (0..101).map(|i| (format!("k{i}"), json!(i))).collect();
    let err = fail(&mut e, "events.track", json!({ "name": "x", "email": "a@x.io", "properties": props }));
    assert_eq!(detail(&err).0, "properties");
    let err = fail(&mut e, "events.track", json!({ "name": "x", "email": "a@x.io", "properties": { "": 1 } }));
    assert_eq!(detail(&err).0, "properties");
    assert!(detail(&err).1.contains("1 to 200"));
}

mod snapshots {
    use super::*;
    use crate::engine::snapshot::wrap_body;

    fn state() -> Engine {
        let mut e = Engine::new();
        let a = contact(&mut e, "a@x.io", json!({ "plan": "pro", "tags": ["x"] }));
        contact(&mut e, "b@x.io", json!({ "plan": "free" }));
        track(&mut e, &a, "login", NOW - DAY);
        let s = exec(&mut e, "segments.create", json!({ "name": "S", "rules": [{ "field": "properties.plan", "op": "exists" }] }));
        e.execute(&entry("segments.compute", json!({ "id": s["id"] }), NOW)).unwrap();
        e
    }

    fn storage_error(bytes: &[u8]) -> String {
        match Engine::restore(bytes) {
            Ok(_) => panic!("restored corrupt bytes"),
            Err(err) => {
                assert_eq!(err.code, Code::StorageError);
                err.message
            }
        }
    }

    #[test]
    fn every_flipped_bit_and_every_cut_is_a_storage_error() {
        let bytes = state().snapshot();
        assert!(Engine::restore(&bytes).is_ok());
        for i in (0..bytes.len()).step_by(7) {
            for bit in [0, 3, 7] {
                let mut b = bytes.clone();
                b[i] ^= 1 << bit;
                storage_error(&b);
            }
        }
        for cut in [0, 3, 4, 10, bytes.len() / 2, bytes.len() - 1] {
            storage_error(&bytes[..cut]);
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(storage_error(&longer).contains("length"));
        let mut b = bytes.clone();
        b[20] ^= 1;
        assert!(storage_error(&b).contains("checksum"));
    }

    /// Decodable bodies that break an invariant the engine indexes by are
    /// named, behind a valid checksum (each module tests its own checks;
    /// these go through the whole restore).
    #[test]
    fn broken_invariants_behind_a_valid_checksum_are_named() {
        use crate::engine::snapshot::Store;
        let broken = |f: &dyn Fn(&mut Store)| {
            let mut e = state();
            let bytes = e.snapshot();
            let mut s: Store = postcard::from_bytes(&bytes[4..bytes.len() - 16]).unwrap();
            f(&mut s);
            storage_error(&wrap_body(&postcard::to_allocvec(&s).unwrap()))
        };
        let members = |slots: &[u32]| crate::engine::members::Members::from_sorted(slots, &vec![0; slots.len()]).unwrap();
        assert!(broken(&|s| s.segments.get_mut(0).members = members(&[7])).contains("live contact"));
        // Unordered members or a join time too few do not decode
        // (engine/members.rs tests the decoder).
        assert!(broken(&|s| s.segments.get_mut(0).rules_json = "{\"x\":1}".into()).contains("unreadable"));
        assert!(broken(&|s| s.last_id = 0).contains("last id"));
        assert!(storage_error(&wrap_body(&[1, 2, 3])).contains("decode"));
    }

    /// The snapshot release 0.1.0 wrote (`KSG3`, no trailer, no event
    /// properties), kept in tests/fixtures/v0.1.0.
    #[test]
    fn the_previous_format_still_restores() {
        let v3 = include_bytes!("../../../tests/fixtures/v0.1.0/file-storage/snapshot-1.bin");
        assert_eq!(&v3[..4], b"KSG3");
        let mut r = Engine::restore(v3).unwrap();
        let contacts = query(&mut r, "contacts.list", json!({ "limit": 100 }), NOW);
        assert_eq!(contacts["data"].as_array().unwrap().len(), 5);
        assert_eq!(query(&mut r, "stats", json!({}), NOW)["events"], 4);
        let seg = &query(&mut r, "segments.list", json!({}), NOW)["data"][0];
        assert_eq!((seg["name"].as_str(), seg["status"].as_str()), (Some("Pro users"), Some("ready")));
        // It writes back in the current format, events and all.
        let again = r.snapshot();
        assert_eq!(&again[..4], b"KSG6");
        assert_eq!(query(&mut Engine::restore(&again).unwrap(), "stats", json!({}), NOW)["events"], 4);
    }
}

#[test]
fn errors_list_at_most_100_places_and_count_the_rest() {
    let mut e = Engine::new();
    let ids: Vec<String> = (0..500).map(|i| format!("seg_{:026}", i)).collect();
    let err = fail(&mut e, "segments.create", json!({ "name": "n", "rules": [{ "field": "segment", "op": "in", "value": ids }] }));
    assert_eq!(err.details.len(), 100);
    assert!(err.message.ends_with("(and 499 more)"), "{}", err.message);
}
