//! Imports from text (README, "Imports from text"): NDJSON and CSV read into
//! the same records as an array, with errors at the same paths.

use super::*;

fn text(e: &mut Engine, cmd: &str, options: Value, body: &str) -> std::result::Result<Value, Error> {
    let entry = format!("{}{}{body}", entry(cmd, options, NOW), crate::api::BODY_SEPARATOR);
    e.execute(&entry).map(|out| serde_json::from_str(&out).unwrap())
}

fn paths(err: Error) -> Vec<String> {
    err.details.into_iter().map(|d| d.path).collect()
}

#[test]
fn csv_and_ndjson_import_what_an_array_would() {
    let (mut a, mut b, mut c) = (Engine::new(), Engine::new(), Engine::new());
    let records = json!([
        { "email": "a@x.io", "properties": { "plan": "pro", "seats": 5, "vip": true, "note": "say \"hi\", then go" } },
        { "email": "b@x.io", "suppressed": true, "properties": { "plan": "free" } }
    ]);
    exec(&mut a, "contacts.import", records);
    let csv = "email,suppressed,properties.plan,properties.seats,properties.vip,properties.note\r\n\
               a@x.io,,pro,5,TRUE,\"say \"\"hi\"\", then go\"\r\n\
               \r\n\
               b@x.io,true,free,,,\r\n";
    assert_eq!(text(&mut b, "contacts.import", json!({ "format": "csv" }), csv).unwrap(), json!({ "created": 2, "updated": 0 }));
    let nd = "{\"email\":\"a@x.io\",\"properties\":{\"plan\":\"pro\",\"seats\":5,\"vip\":true,\"note\":\"say \\\"hi\\\", then go\"}}\n\n\
              {\"email\":\"b@x.io\",\"suppressed\":true,\"properties\":{\"plan\":\"free\"}}";
    assert_eq!(text(&mut c, "contacts.import", json!({ "format": "ndjson" }), nd).unwrap(), json!({ "created": 2, "updated": 0 }));
    let dump = |e: &mut Engine| {
        let page = query(e, "contacts.list", json!({ "limit": 10 }), NOW);
        page["data"].as_array().unwrap().iter().map(|c| (c["email"].clone(), c["properties"].clone(), c["suppressed"].clone())).collect::<Vec<_>>()
    };
    assert_eq!(dump(&mut a), dump(&mut b));
    assert_eq!(dump(&mut a), dump(&mut c));
    // Events: the columns option names targets (and skips one) over any header.
    let ev = "Event,Who,When,Junk,Amount\nlogin,a@x.io,2025-09-01T00:00:00Z,zz,\npurchase,B@X.IO,1756684800000,zz,12.5\n";
    let opts = json!({ "format": "csv", "columns": ["name", "email", "timestamp", null, "properties.amount"] });
    assert_eq!(text(&mut b, "events.import", opts, ev).unwrap(), json!({ "imported": 2, "contactsCreated": 0 }));
    let sum = json!([{ "field": "events.purchase", "op": "occurred", "having": { "fn": "sum", "property": "amount", "op": "eq", "value": 12.5 } }]);
    assert_eq!(count(&mut b, sum), 1);
    assert_eq!(count(&mut b, json!([{ "field": "events.login", "op": "occurred", "within": "30d" }])), 1);
}

#[test]
fn bad_text_is_an_error_at_its_record_and_changes_nothing() {
    let mut e = Engine::new();
    let csv = "name,email,timestamp\nlogin,a@x.io,\nlogin,not-an-email,\nlogin,a@x.io,yesterday\nlogin,a@x.io\n";
    let err = text(&mut e, "events.import", json!({ "format": "csv" }), csv).unwrap_err();
    assert_eq!(paths(err), ["[1].email", "[2].timestamp", "[3]"]);
    assert_eq!(count(&mut e, json!([{ "field": "email", "op": "exists" }])), 0);
    let head = |csv: &str| paths(text(&mut Engine::new(), "contacts.import", json!({ "format": "csv" }), csv).unwrap_err());
    assert_eq!(head("email,plan\na@x.io,pro\n"), ["columns[1]"]);
    assert_eq!(head("email,email\na@x.io,b@x.io\n"), ["columns[1]"]);
    assert_eq!(head("properties.plan\npro\n"), ["columns"]);
    assert_eq!(head(""), [""]);
    let ev = |opts: Value, body: &str| paths(text(&mut Engine::new(), "events.import", opts, body).unwrap_err());
    assert_eq!(ev(json!({ "format": "csv" }), "name\nlogin\n"), ["columns"]);
    assert_eq!(ev(json!({ "format": "csv", "columns": ["name"] }), "a,b\n1,2\n"), ["columns"]);
    assert_eq!(ev(json!({ "format": "xml" }), "x"), ["format"]);
    assert_eq!(ev(json!({ "format": "ndjson", "columns": [] }), "{}"), ["columns"]);
    assert_eq!(ev(json!({ "format": "ndjson" }), "{\"name\":\"x\",\"email\":\"a@x.io\",\"nmae\":1}\n[1]\n"), ["[0].nmae", "[1]"]);
    // Only the two imports take text after the command; a raw newline in an
    // entry is JSON whitespace (the Worker splices request bodies as sent).
    assert!(text(&mut Engine::new(), "contacts.create", json!({ "email": "a@x.io" }), "x").is_err());
    let pretty = "{\"cmd\": \"contacts.import\",\n \"now\": 1757930400000,\n \"input\": [\n {\"email\": \"a@x.io\"}\n]}";
    assert_eq!(Engine::new().execute(pretty).unwrap(), "{\"created\":1,\"updated\":0}");
}
