//! The wasm boundary, run in Node by wasm-bindgen-test: errors cross as
//! plain objects that keep code, status and paths; bad input never traps the
//! instance; snapshots survive the round trip through JS bytes.
#![cfg(target_arch = "wasm32")]

use js_sys::Reflect;
use kraiter_segments::wasm_api::Engine;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap()
}

fn entry(cmd: &str, input: &str) -> String {
    format!("{{\"cmd\":\"{cmd}\",\"now\":1757930400000,\"seed\":[1,2,3,4],\"input\":{input}}}")
}

fn exec(e: &mut Engine, cmd: &str, input: &str) -> String {
    e.plan(&entry(cmd, input)).unwrap();
    e.commit().unwrap()
}

#[wasm_bindgen_test]
fn validation_errors_keep_code_status_and_path() {
    let mut e = Engine::new();
    let err = e
        .plan(&entry("segments.create", r#"{"name":"x","rules":{"operator":"and","conditions":[{"field":"email","op":"exists"},{"field":"properties.a","op":"nope"}]}}"#))
        .unwrap_err();
    assert_eq!(get(&err, "code"), "VALIDATION_ERROR");
    assert_eq!(get(&err, "status"), 400);
    let details = js_sys::Array::from(&get(&err, "details"));
    assert_eq!(get(&details.get(0), "path"), "rules.conditions[1].op");
}

#[wasm_bindgen_test]
fn not_found_and_conflict_codes_cross_the_boundary() {
    let mut e = Engine::new();
    let err = e.query(&entry("segments.get", r#"{"id":"seg_01K5AAAAAAAAAAAAAAAAAAAAAA"}"#)).unwrap_err();
    assert_eq!(get(&err, "code"), "NOT_FOUND");
    assert_eq!(get(&err, "status"), 404);
    exec(&mut e, "contacts.create", r#"{"email":"a@x.io"}"#);
    let err = e.plan(&entry("contacts.create", r#"{"email":"A@X.IO"}"#)).unwrap_err();
    assert_eq!(get(&err, "code"), "CONFLICT");
}

#[wasm_bindgen_test]
fn the_instance_keeps_working_after_hostile_input() {
    let mut e = Engine::new();
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    assert!(e.plan(&deep).is_err());
    let nested = format!(
        "{{\"rules\":{}{{\"field\":\"email\",\"op\":\"exists\"}}{}}}",
        "{\"operator\":\"or\",\"conditions\":[".repeat(10_000),
        "]}".repeat(10_000)
    );
    assert_eq!(get(&e.query(&entry("segments.preview", &nested)).unwrap_err(), "code"), "VALIDATION_ERROR");
    assert!(e.plan("\u{0}\u{ffff}").is_err());
    assert!(e.query(&entry("contacts.list", r#"{"limit":1e308}"#)).is_err());
    exec(&mut e, "contacts.create", r#"{"email":"ok@x.io","properties":{"__proto__":{"polluted":true},"big":1e308}}"#);
    let list = e.query(&entry("contacts.list", "{}")).unwrap();
    assert!(list.contains("ok@x.io"));
}

#[wasm_bindgen_test]
fn snapshots_round_trip_through_js_bytes() {
    let mut e = Engine::new();
    exec(&mut e, "contacts.create", r#"{"email":"a@x.io","properties":{"plan":"pro"}}"#);
    let bytes = e.snapshot().to_vec();
    let mut r = Engine::restore(&bytes).unwrap();
    let preview = r.query(&entry("segments.preview", r#"{"rules":[{"field":"properties.plan","op":"eq","value":"pro"}]}"#)).unwrap();
    assert!(preview.starts_with("{\"count\":1"));
    assert_eq!(get(&Engine::restore(&[1, 2, 3]).err().unwrap(), "code"), "STORAGE_ERROR");
}
