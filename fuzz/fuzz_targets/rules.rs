//! Fuzz target `rules`: arbitrary text as a rule document, through
//! `rules::parse_rules` and through the command entries that carry rules
//! (`segments.preview`, `segments.create`), and as a whole entry. Never a
//! panic; the engine accepts exactly what the reference validator accepts;
//! an accepted document's canonical form is the reference's and parses back
//! to itself; every error path points into `rules`. The reference reads
//! the whole language, but only the time zones of `reference::zones::VALID`
//! and the pattern subset of `reference::regex`: a document naming another
//! zone or using a pattern is checked for no panic, canonical fixed points
//! and error paths, not against it.
#![no_main]

#[path = "../../tests/reference/mod.rs"]
mod reference;

use kraiter_segments::api::Engine;
use kraiter_segments::rules::parse_rules;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut engine = Engine::new();
    // The text as a whole entry, and spliced in where rules go.
    let _ = engine.query(text);
    let _ = engine.plan(text);
    engine.discard();
    let preview = format!("{{\"cmd\":\"segments.preview\",\"now\":1757930400000,\"input\":{{\"limit\":5,\"rules\":{text}}}}}");
    let create = format!("{{\"cmd\":\"segments.create\",\"now\":1757930400000,\"seed\":[1,2,3,4],\"input\":{{\"name\":\"f\",\"rules\":{text}}}}}");
    let previewed = engine.query(&preview);
    let created = engine.execute(&create);

    let Ok(doc) = serde_json::from_str::<Value>(text) else { return };
    let parsed = parse_rules(&doc, "rules");
    let known = !outside_reference(&doc);
    let valid = if known { reference::rules::valid(&doc, &Default::default()) } else { parsed.is_ok() };
    assert_eq!(parsed.is_ok(), valid, "engine and reference disagree on validity of {text}");
    // Entries nest the document two levels deeper, past serde_json's
    // recursion limit for documents that are already almost 128 deep.
    if json_depth(&doc) < 90 {
        assert_eq!(previewed.is_ok(), valid, "preview: {previewed:?}");
        assert_eq!(created.is_ok(), valid, "create: {created:?}");
    }
    match parsed {
        Ok(rules) => {
            if known {
                assert_eq!(rules.canonical, reference::rules::canonical(&doc));
            }
            let again = parse_rules(&rules.canonical, "rules").expect("canonical form parses");
            assert_eq!(again, rules, "canonical form is a fixed point");
        }
        Err(e) => {
            assert!(!e.details.is_empty());
            assert!(e.details.iter().all(|d| d.path.starts_with("rules")), "{:?}", e.details);
        }
    }
});

/// Does the document name a zone the reference does not know, or use a pattern?
fn outside_reference(v: &Value) -> bool {
    match v {
        Value::String(s) => matches!(s.as_str(), "matches" | "not_matches"),
        Value::Array(a) => a.iter().any(outside_reference),
        Value::Object(o) => o.iter().any(|(k, x)| {
            (k == "timeZone" && !x.as_str().is_some_and(|z| reference::zones::VALID.contains(&z))) || outside_reference(x)
        }),
        _ => false,
    }
}

fn json_depth(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(json_depth).max().unwrap_or(0),
        Value::Object(o) => 1 + o.values().map(json_depth).max().unwrap_or(0),
        _ => 0,
    }
}
