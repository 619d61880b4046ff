//! The behavioural rule language (README, "Behavioural rules"), one edge
//! per test, through the same command interface the SDK uses.

use super::*;

fn ev(e: &mut Engine, email: &str, name: &str, ts: i64, props: Value) {
    exec(e, "events.track", json!({ "name": name, "email": email, "timestamp": crate::time::format_iso(ts), "properties": props }));
}

fn members(e: &mut Engine, rules: Value) -> Vec<String> {
    members_at(e, rules, NOW)
}

fn members_at(e: &mut Engine, rules: Value, now: i64) -> Vec<String> {
    let p = query(e, "segments.preview", json!({ "rules": rules, "limit": 100 }), now);
    p["sample"].as_array().unwrap().iter().map(|m| m["email"].as_str().unwrap().to_string()).collect()
}

fn rejected(e: &mut Engine, rules: Value) -> Vec<String> {
    let err = e.query(&entry("segments.preview", json!({ "rules": rules }), NOW)).unwrap_err();
    assert_eq!(err.code, Code::ValidationError);
    err.details.into_iter().map(|d| d.path).collect()
}

/// a: 3 shoe purchases (one a year ago); b: 1 hat; c: 2 shoes, one with a
/// string amount; d: nothing.
fn shop() -> Engine {
    let mut e = Engine::new();
    for who in ["a@x.io", "b@x.io", "c@x.io", "d@x.io"] {
        contact(&mut e, who, json!({}));
    }
    ev(&mut e, "a@x.io", "purchase", NOW - DAY, json!({ "category": "shoes", "amount": 300 }));
    ev(&mut e, "a@x.io", "purchase", NOW - 2 * DAY, json!({ "category": "shoes", "amount": 250.5, "sku": "S1" }));
    ev(&mut e, "a@x.io", "purchase", NOW - 365 * DAY, json!({ "category": "shoes", "amount": 1000, "sku": "S1" }));
    ev(&mut e, "b@x.io", "purchase", NOW - DAY, json!({ "category": "hats", "amount": 20, "sku": 1 }));
    ev(&mut e, "c@x.io", "purchase", NOW - 3 * DAY, json!({ "category": "Shoes", "amount": "99", "sku": "1" }));
    ev(&mut e, "c@x.io", "purchase", NOW - 4 * DAY, json!({ "category": "shoes", "amount": null, "sku": 1 }));
    e
}

#[test]
fn where_filters_events_by_their_own_properties() {
    let mut e = shop();
    let w = |w: Value| json!([{ "field": "events.purchase", "op": "occurred", "within": "30d", "where": w }]);
    assert_eq!(members(&mut e, w(json!([{ "field": "properties.category", "op": "eq", "value": "shoes" }]))), ["a@x.io", "c@x.io"]);
    assert_eq!(members(&mut e, w(json!([{ "field": "properties.amount", "op": "gte", "value": 100 }]))), ["a@x.io"]);
    assert_eq!(members(&mut e, w(json!({ "field": "properties.category", "op": "contains", "value": "SHOE" }))), ["a@x.io", "c@x.io"]);
    assert_eq!(members(&mut e, w(json!([{ "field": "properties.sku", "op": "not_exists" }]))), ["a@x.io"]);
    assert_eq!(members(&mut e, w(json!([{ "field": "properties.sku", "op": "eq", "value": 1 }]))), ["b@x.io", "c@x.io"]);
    assert_eq!(members(&mut e, w(json!([{ "field": "properties.category", "op": "matches", "value": "^S" }]))), ["c@x.io"]);
    let or = json!({ "operator": "or", "conditions": [
        { "field": "properties.category", "op": "eq", "value": "hats" },
        { "operator": "not", "conditions": [{ "field": "properties.amount", "op": "exists" }] } ] });
    assert_eq!(members(&mut e, w(or)), ["b@x.io", "c@x.io"]);
    // The same where on the other op is its exact negation.
    let n = json!([{ "field": "events.purchase", "op": "not_occurred", "within": "30d",
        "where": [{ "field": "properties.category", "op": "eq", "value": "shoes" }] }]);
    assert_eq!(members(&mut e, n), ["b@x.io", "d@x.io"]);
}

#[test]
fn where_allows_only_event_property_conditions() {
    let mut e = shop();
    let w = |w: Value| json!([{ "field": "events.purchase", "op": "occurred", "where": w }]);
    assert_eq!(rejected(&mut e, w(json!([{ "field": "email", "op": "exists" }]))), ["rules[0].where[0].field"]);
    assert_eq!(rejected(&mut e, w(json!([{ "field": "events.x", "op": "occurred" }]))), ["rules[0].where[0].field"]);
    assert_eq!(rejected(&mut e, w(json!([{ "field": "segment", "op": "in", "value": ["seg_x"] }]))), ["rules[0].where[0].field"]);
    assert_eq!(rejected(&mut e, w(json!([]))), ["rules[0].where"]);
    assert_eq!(
        rejected(&mut e, json!([{ "field": "properties.a", "op": "exists", "where": [{ "field": "properties.b", "op": "exists" }] }])),
        ["rules[0].where"]
    );
    // Conditions inside a where count toward the limits.
    let mut deep = json!({ "field": "properties.a", "op": "exists" });
    for _ in 0..32 {
        deep = json!({ "operator": "and", "conditions": [deep] });
    }
    assert_eq!(rejected(&mut e, w(deep)).len(), 1);
    let many = Value::Array(vec![json!({ "field": "properties.a", "op": "exists" }); 1000]);
    assert_eq!(rejected(&mut e, w(many)), ["rules"]);
}

#[test]
fn having_aggregates_follow_the_zero_and_none_rules() {
    let mut e = shop();
    let h = |having: Value| json!([{ "field": "events.purchase", "op": "occurred", "within": "30d", "having": having }]);
    assert_eq!(members(&mut e, h(json!({ "fn": "count", "op": "gte", "value": 2 }))), ["a@x.io", "c@x.io"]);
    // count lt 3 matches 0, 1 or 2 matching events: d (none) too.
    assert_eq!(members(&mut e, h(json!({ "fn": "count", "op": "lt", "value": 2 }))), ["b@x.io", "d@x.io"]);
    // sum skips what is not a number; over nothing it is 0.
    assert_eq!(members(&mut e, h(json!({ "fn": "sum", "property": "amount", "op": "gte", "value": 500 }))), ["a@x.io"]);
    assert_eq!(members(&mut e, h(json!({ "fn": "sum", "property": "amount", "op": "eq", "value": 0 }))), ["c@x.io", "d@x.io"]);
    // avg, min and max over no numbers: the test is false, whatever it is.
    assert_eq!(members(&mut e, h(json!({ "fn": "avg", "property": "amount", "op": "lt", "value": 1000 }))), ["a@x.io", "b@x.io"]);
    assert_eq!(members(&mut e, h(json!({ "fn": "min", "property": "amount", "op": "eq", "value": 250.5 }))), ["a@x.io"]);
    assert_eq!(members(&mut e, h(json!({ "fn": "max", "property": "amount", "op": "neq", "value": 1 }))), ["a@x.io", "b@x.io"]);
    // distinct is type-strict (1 and "1" differ) and skips absent values.
    assert_eq!(members(&mut e, h(json!({ "fn": "distinct", "property": "sku", "op": "eq", "value": 2 }))), ["c@x.io"]);
    assert_eq!(members(&mut e, h(json!({ "fn": "distinct", "property": "sku", "op": "eq", "value": 0 }))), ["d@x.io"]);
    assert_eq!(members(&mut e, h(json!({ "fn": "distinct", "property": "category", "op": "eq", "value": 1 }))), ["a@x.io", "b@x.io"]);
    // not_occurred is exactly the negation, having included.
    let n = json!([{ "field": "events.purchase", "op": "not_occurred", "within": "30d", "having": { "fn": "count", "op": "lt", "value": 2 } }]);
    assert_eq!(members(&mut e, n), ["a@x.io", "c@x.io"]);
    // A name no event has: every aggregate is over nothing.
    let none = |having: Value| json!([{ "field": "events.never", "op": "occurred", "having": having }]);
    assert_eq!(members(&mut e, none(json!({ "fn": "count", "op": "eq", "value": 0 }))).len(), 4);
    assert_eq!(members(&mut e, none(json!({ "fn": "max", "property": "x", "op": "lt", "value": 5 }))).len(), 0);
}

/// `distinct` keeps a bit per value while a column has at most 63 values and
/// sorts (contact, value) pairs past that: both ways count alike.
#[test]
fn distinct_counts_alike_over_few_and_many_values() {
    let mut e = shop();
    let d = |op: &str, n: u32| {
        json!([{ "field": "events.purchase", "op": "occurred", "within": "30d", "having": { "fn": "distinct", "property": "sku", "op": op, "value": n } }])
    };
    let before = members(&mut e, d("eq", 2));
    assert_eq!(before, ["c@x.io"]);
    // Push the sku column past 63 values: b buys 70 distinct skus, a one more.
    for i in 0..70 {
        ev(&mut e, "b@x.io", "purchase", NOW - 5 * DAY, json!({ "sku": format!("K{i}") }));
    }
    ev(&mut e, "a@x.io", "purchase", NOW - 5 * DAY, json!({ "sku": "K3" }));
    assert_eq!(members(&mut e, d("eq", 2)), ["a@x.io", "c@x.io"]);
    assert_eq!(members(&mut e, d("eq", 71)), ["b@x.io"]);
    assert_eq!(members(&mut e, d("lt", 1)), ["d@x.io"]);
}

/// A group narrows to the contacts still in the running once they are few:
/// the answer is the same as testing every contact.
#[test]
fn narrowed_groups_answer_like_whole_columns() {
    let mut e = Engine::new();
    for i in 0..200 {
        contact(&mut e, &format!("c{i}@x.io"), json!({ "tier": if i % 10 == 0 { "gold" } else { "basic" }, "n": i, "day": format!("2025-01-{:02}", 1 + i % 28) }));
    }
    let gold_even = members(&mut e, json!([
        { "field": "properties.tier", "op": "eq", "value": "gold" },
        { "field": "properties.n", "op": "gte", "value": 100 },
        { "field": "properties.day", "op": "before", "value": "2025-01-15" },
        { "field": "properties.missing", "op": "not_exists" }
    ]));
    let want: Vec<String> = (100..200).filter(|i| i % 10 == 0 && 1 + i % 28 < 15).map(|i| format!("c{i}@x.io")).collect();
    assert_eq!(gold_even, want);
    // An absent column narrows to nothing, or keeps everyone for not_exists.
    assert!(members(&mut e, json!([{ "field": "properties.tier", "op": "eq", "value": "gold" }, { "field": "properties.missing", "op": "exists" }])).is_empty());
}

#[test]
fn having_is_validated_at_its_paths() {
    let mut e = shop();
    let h = |having: Value| json!([{ "field": "events.purchase", "op": "occurred", "having": having }]);
    assert_eq!(rejected(&mut e, h(json!({ "fn": "count", "property": "amount", "op": "gt", "value": 1 }))), ["rules[0].having.property"]);
    assert_eq!(rejected(&mut e, h(json!({ "fn": "sum", "op": "gt", "value": 1 }))), ["rules[0].having.property"]);
    assert_eq!(rejected(&mut e, h(json!({ "fn": "median", "property": "a", "op": "gt", "value": 1 }))), ["rules[0].having.fn"]);
    assert_eq!(rejected(&mut e, h(json!({ "fn": "count", "op": "in", "value": 1 }))), ["rules[0].having.op"]);
    assert_eq!(rejected(&mut e, h(json!({ "fn": "count", "op": "gt", "value": "1" }))), ["rules[0].having.value"]);
    assert_eq!(rejected(&mut e, h(json!({ "fn": "count", "op": "gt", "value": 1, "by": "day" }))), ["rules[0].having.by"]);
    assert_eq!(rejected(&mut e, json!([{ "field": "email", "op": "exists", "having": { "fn": "count", "op": "gt", "value": 1 } }])), ["rules[0].having"]);
    let r = query(&mut e, "segments.preview", json!({ "rules": h(json!({ "fn": "count", "op": "greaterThanOrEquals", "value": 1 })), "limit": 0 }), NOW);
    assert_eq!(r["count"], 3);
}

#[test]
fn from_and_to_are_half_open_and_validated() {
    let mut e = Engine::new();
    for who in ["a@x.io", "b@x.io", "c@x.io"] {
        contact(&mut e, who, json!({}));
    }
    ev(&mut e, "a@x.io", "visit", NOW - 30 * DAY, json!({})); // exactly at to = -30d: outside
    ev(&mut e, "b@x.io", "visit", NOW - 90 * DAY, json!({})); // exactly at from = -90d: inside
    ev(&mut e, "c@x.io", "visit", NOW - 30 * DAY - 1, json!({}));
    let r = |from: Value, to: Value| {
        let mut c = json!({ "field": "events.visit", "op": "occurred" });
        if !from.is_null() { c["from"] = from; }
        if !to.is_null() { c["to"] = to; }
        json!([c])
    };
    assert_eq!(members(&mut e, r(json!("-90d"), json!("-30d"))), ["b@x.io", "c@x.io"]);
    assert_eq!(members(&mut e, r(Value::Null, json!("-30d"))), ["b@x.io", "c@x.io"], "no from: unbounded");
    assert_eq!(members(&mut e, r(json!("-30d"), Value::Null)), ["a@x.io"], "no to: up to now");
    let abs = |t: i64| json!(crate::time::format_iso(t));
    assert_eq!(members(&mut e, r(abs(NOW - 90 * DAY), abs(NOW - 30 * DAY))), ["b@x.io", "c@x.io"]);
    // A mixed pair that is empty when evaluated matches no event.
    assert_eq!(members(&mut e, r(abs(NOW - DAY), json!("-30d"))), Vec::<String>::new());
    assert_eq!(rejected(&mut e, r(json!("-30d"), json!("-90d"))), ["rules[0].to"]);
    assert_eq!(rejected(&mut e, r(json!("now"), json!("now"))), ["rules[0].to"]);
    assert_eq!(rejected(&mut e, r(abs(NOW), abs(NOW))), ["rules[0].to"]);
    assert_eq!(rejected(&mut e, json!([{ "field": "events.visit", "op": "occurred", "within": "7d", "from": "-3d" }])), ["rules[0].from"]);
    assert_eq!(rejected(&mut e, json!([{ "field": "events.visit", "op": "occurred", "within": "7d", "to": "-3d" }])), ["rules[0].to"]);
    assert_eq!(rejected(&mut e, r(json!("-0d"), Value::Null)), ["rules[0].from"]);
    assert_eq!(rejected(&mut e, r(json!("-3651d"), Value::Null)), ["rules[0].from"]);
    assert_eq!(rejected(&mut e, json!([{ "field": "properties.a", "op": "exists", "from": "-3d" }])), ["rules[0].from"]);
    let s = exec(&mut e, "segments.create", json!({ "name": "n", "rules": r(json!("-090d"), json!("now")) }));
    assert_eq!(s["rules"]["conditions"][0]["from"], "-90d");
}

#[test]
fn time_zones_count_calendar_days_and_read_local_dates() {
    let mut e = Engine::new();
    // NOW is 2025-09-15T10:00Z = 12:00 in Berlin (CEST).
    for who in ["a@x.io", "b@x.io"] {
        contact(&mut e, who, json!({}));
    }
    ev(&mut e, "a@x.io", "open", crate::time::parse_iso("2025-09-08T22:30:00Z").unwrap(), json!({})); // 09-09 00:30 Berlin
    ev(&mut e, "b@x.io", "open", crate::time::parse_iso("2025-09-08T21:30:00Z").unwrap(), json!({})); // 09-08 23:30 Berlin
    let within = |tz: Option<&str>| {
        let mut c = json!({ "field": "events.open", "op": "occurred", "within": "7d" });
        if let Some(z) = tz { c["timeZone"] = json!(z); }
        json!([c])
    };
    // Rolling: 7 × 24 h back from now reaches 09-08T10:00Z, both inside.
    assert_eq!(members(&mut e, within(None)), ["a@x.io", "b@x.io"]);
    // Calendar: from Berlin midnight of 09-09 (six days before 09-15).
    assert_eq!(members(&mut e, within(Some("Europe/Berlin"))), ["a@x.io"]);
    // A local date bound in the zone; DST gap shifted forward.
    let local = |from: &str, tz: &str| json!([{ "field": "events.open", "op": "occurred", "from": from, "to": "now", "timeZone": tz }]);
    assert_eq!(members(&mut e, local("2025-09-09", "Europe/Berlin")), ["a@x.io"]);
    assert_eq!(members(&mut e, local("2025-09-09", "UTC")), Vec::<String>::new());
    assert_eq!(members(&mut e, local("2025-09-08T23:30", "Europe/Berlin")), ["a@x.io", "b@x.io"]);
    assert_eq!(rejected(&mut e, local("2025-09-09", "Mars/Base")), ["rules[0].timeZone"]);
    assert_eq!(rejected(&mut e, json!([{ "field": "events.open", "op": "occurred", "timeZone": "UTC" }])), ["rules[0].timeZone"]);
    assert_eq!(rejected(&mut e, json!([{ "field": "properties.x", "op": "eq", "value": "a", "timeZone": "UTC" }])), ["rules[0].timeZone"]);
    let s = exec(&mut e, "segments.create", json!({ "name": "n", "rules": within(Some("Europe/Berlin")) }));
    assert_eq!(s["rules"]["conditions"][0]["timeZone"], "Europe/Berlin");
}

#[test]
fn relative_dates_work_in_property_conditions() {
    let mut e = Engine::new();
    let iso = crate::time::format_iso;
    contact(&mut e, "soon@x.io", json!({ "trialEndsAt": iso(NOW + 2 * DAY) }));
    contact(&mut e, "later@x.io", json!({ "trialEndsAt": iso(NOW + 5 * DAY) }));
    contact(&mut e, "past@x.io", json!({ "trialEndsAt": iso(NOW - DAY) }));
    let before = |v: &str| json!([{ "field": "properties.trialEndsAt", "op": "before", "value": v }]);
    assert_eq!(members(&mut e, before("+3d")), ["soon@x.io", "past@x.io"]);
    assert_eq!(members(&mut e, before("now")), ["past@x.io"]);
    assert_eq!(members_at(&mut e, before("+3d"), NOW + 3 * DAY), ["soon@x.io", "later@x.io", "past@x.io"], "moves with now");
    assert_eq!(members(&mut e, json!([{ "field": "properties.trialEndsAt", "op": "gte", "value": "-2d" }])).len(), 3);
    assert_eq!(members(&mut e, json!([{ "field": "createdAt", "op": "after", "value": "-1h" }])).len(), 3);
    // A local time in a zone: 08:00 on 2025-09-17 in New York is 12:00Z,
    // after soon's 10:00Z; read as UTC it is before.
    let at = |tz: Option<&str>| {
        let mut c = json!({ "field": "properties.trialEndsAt", "op": "before", "value": "2025-09-17T08:00" });
        if let Some(z) = tz { c["timeZone"] = json!(z); }
        json!([c])
    };
    assert_eq!(members(&mut e, at(Some("America/New_York"))), ["soon@x.io", "past@x.io"]);
    assert_eq!(members(&mut e, at(None)), ["past@x.io"]);
    assert_eq!(rejected(&mut e, before("+0d")), ["rules[0].value"]);
    assert_eq!(rejected(&mut e, before("soon")), ["rules[0].value"]);
}

#[test]
fn not_groups_take_exactly_one_node() {
    let mut e = shop();
    let not = json!({ "operator": "not", "conditions": [{ "field": "events.purchase", "op": "occurred", "within": "30d" }] });
    assert_eq!(members(&mut e, not), ["d@x.io"]);
    assert_eq!(rejected(&mut e, json!({ "operator": "not", "conditions": [] })), ["rules.conditions"]);
    let two = json!({ "operator": "not", "conditions": [{ "field": "email", "op": "exists" }, { "field": "email", "op": "exists" }] });
    assert_eq!(rejected(&mut e, two), ["rules.conditions"]);
}

#[test]
fn matches_uses_a_linear_time_pattern() {
    let mut e = Engine::new();
    contact(&mut e, "Ann@Gmail.com", json!({ "code": "AB-12" }));
    contact(&mut e, "bob@x.io", json!({ "code": 12 }));
    contact(&mut e, "cy@x.io", json!({}));
    let m = |field: &str, op: &str, v: &str| json!([{ "field": field, "op": op, "value": v }]);
    assert_eq!(members(&mut e, m("email", "matches", "@gmail\\.com$")), Vec::<String>::new(), "case-sensitive");
    assert_eq!(members(&mut e, m("email", "matches", "(?i)@gmail\\.com$")), ["Ann@Gmail.com"]);
    assert_eq!(members(&mut e, m("properties.code", "matches", "^[A-Z]+-\\d+$")), ["Ann@Gmail.com"]);
    assert_eq!(members(&mut e, m("properties.code", "not_matches", "^[A-Z]")), ["bob@x.io", "cy@x.io"], "non-strings and absent");
    assert_eq!(rejected(&mut e, m("properties.code", "matches", "(a")), ["rules[0].value"]);
    assert_eq!(rejected(&mut e, m("properties.code", "matches", "(a)\\1")), ["rules[0].value"], "no backreferences");
    assert_eq!(rejected(&mut e, m("properties.code", "matches", "")), ["rules[0].value"]);
    assert_eq!(rejected(&mut e, m("properties.code", "matches", &"a".repeat(1001))), ["rules[0].value"]);
    assert_eq!(rejected(&mut e, m("createdAt", "matches", "2025")), ["rules[0].op"]);
    // Linear time: a pattern that makes backtracking engines explode.
    contact(&mut e, "evil@x.io", json!({ "s": format!("{}!", "a".repeat(5000)) }));
    assert_eq!(members(&mut e, m("properties.s", "matches", "^(a+)+$")), Vec::<String>::new());
}

#[test]
fn segment_references_evaluate_current_rules_and_guard_the_graph() {
    let mut e = shop();
    let seg = |e: &mut Engine, name: &str, rules: Value| exec(e, "segments.create", json!({ "name": name, "rules": rules }))["id"].as_str().unwrap().to_string();
    let buyers = seg(&mut e, "Buyers", json!([{ "field": "events.purchase", "op": "occurred" }]));
    let refs = |op: &str, ids: &[&str]| json!([{ "field": "segment", "op": op, "value": ids }]);
    assert_eq!(members(&mut e, refs("in", &[&buyers])), ["a@x.io", "b@x.io", "c@x.io"]);
    assert_eq!(members(&mut e, refs("not_in", &[&buyers])), ["d@x.io"]);
    // From the referenced segment's current rules, not its (never) computed members.
    exec(&mut e, "segments.update", json!({ "id": buyers, "rules": [{ "field": "email", "op": "starts_with", "value": "b" }] }));
    assert_eq!(members(&mut e, refs("in", &[&buyers])), ["b@x.io"]);
    assert_eq!(rejected(&mut e, refs("in", &[&buyers, "seg_01JZZZZZZZZZZZZZZZZZZZZZZZ"])), ["rules[0].value[1]"]);
    assert_eq!(rejected(&mut e, refs("in", &["nope"])), ["rules[0].value[0]"]);
    assert_eq!(rejected(&mut e, refs("has", &[&buyers])), ["rules[0].op"]);
    // A cycle through another segment, closed by an update.
    let outer = seg(&mut e, "Outer", refs("in", &[&buyers]));
    let err = fail(&mut e, "segments.update", json!({ "id": buyers, "rules": refs("in", &[&outer]) }));
    assert_eq!(err.details[0].path, "rules[0].value[0]");
    assert!(err.details[0].message.contains(&format!("{buyers} → {outer} → {buyers}")), "{}", err.details[0].message);
    let err = fail(&mut e, "segments.update", json!({ "id": buyers, "rules": refs("in", &[&buyers]) }));
    assert!(err.details[0].message.contains("cycle"));
    // Deleting a referenced segment is a conflict naming who references it.
    let err = fail(&mut e, "segments.delete", json!({ "id": buyers }));
    assert_eq!(err.code, Code::Conflict);
    assert!(err.message.contains("Outer"), "{}", err.message);
    // Chains are at most 8 references deep: L7 → … → L0 → Buyers is 8.
    let mut last = buyers.clone();
    for i in 0..8 {
        last = seg(&mut e, &format!("L{i}"), refs("in", &[&last]));
    }
    let err = fail(&mut e, "segments.create", json!({ "name": "too deep", "rules": refs("in", &[&last]) }));
    assert_eq!(err.details[0].path, "rules[0].value[0]");
    assert!(err.details[0].message.contains("at most 8"), "{}", err.details[0].message);
    // An update that deepens a chain from below is refused too.
    let leaf = seg(&mut e, "Leaf", json!([{ "field": "email", "op": "exists" }]));
    let err = fail(&mut e, "segments.update", json!({ "id": buyers, "rules": refs("in", &[&leaf]) }));
    assert!(err.details[0].message.contains("at most 8"), "{}", err.details[0].message);
    // Compute of a referring segment uses the referenced rules at that moment.
    e.execute(&entry("segments.compute", json!({ "id": outer }), NOW)).unwrap();
    assert_eq!(query(&mut e, "segments.get", json!({ "id": outer }), NOW)["memberCount"], 1);
}

#[test]
fn explain_says_what_decided_each_node_and_agrees_with_preview() {
    let mut e = shop();
    let a = query(&mut e, "contacts.getByEmail", json!({ "email": "a@x.io" }), NOW)["id"].as_str().unwrap().to_string();
    let d = query(&mut e, "contacts.getByEmail", json!({ "email": "d@x.io" }), NOW)["id"].as_str().unwrap().to_string();
    exec(&mut e, "contacts.update", json!({ "id": a, "properties": { "plan": "pro" } }));
    let rules = json!({ "operator": "and", "conditions": [
        { "field": "properties.plan", "op": "eq", "value": "pro" },
        { "field": "events.purchase", "op": "occurred", "within": "30d",
          "where": [{ "field": "properties.category", "op": "eq", "value": "shoes" }],
          "having": { "fn": "sum", "property": "amount", "op": "gte", "value": 500 } } ] });
    let x = query(&mut e, "segments.explain", json!({ "rules": rules, "contactId": a }), NOW);
    assert_eq!(x["member"], true);
    assert_eq!(x["now"], "2025-09-15T10:00:00.000Z");
    let t = &x["tree"];
    assert_eq!((t["path"].as_str(), t["operator"].as_str(), t["result"].as_bool()), (Some("rules"), Some("and"), Some(true)));
    assert_eq!(t["conditions"][0]["actual"], "pro");
    let evc = &t["conditions"][1];
    assert_eq!(evc["path"], "rules.conditions[1]");
    assert_eq!(evc["count"], 2);
    assert_eq!(evc["value"], 550.5);
    assert_eq!(evc["firstAt"], crate::time::format_iso(NOW - 2 * DAY));
    assert_eq!(evc["lastAt"], crate::time::format_iso(NOW - DAY));
    assert_eq!(evc["window"], json!({ "from": crate::time::format_iso(NOW - 30 * DAY), "to": crate::time::format_iso(NOW) }));
    let x = query(&mut e, "segments.explain", json!({ "rules": rules, "contactId": d }), NOW);
    assert_eq!(x["member"], false);
    assert!(x["tree"]["conditions"][0].get("actual").is_none(), "absent: no actual");
    assert_eq!(x["tree"]["conditions"][1]["value"], 0);
    assert_eq!(x["tree"]["conditions"][1]["firstAt"], Value::Null);
    // By id, with a segment reference inside.
    let s = exec(&mut e, "segments.create", json!({ "name": "S", "rules": rules }))["id"].as_str().unwrap().to_string();
    let r = json!({ "operator": "not", "conditions": [{ "field": "segment", "op": "in", "value": [s] }] });
    let x = query(&mut e, "segments.explain", json!({ "rules": r, "contactId": a }), NOW);
    assert_eq!(x["member"], false);
    assert_eq!(x["tree"]["conditions"][0]["segments"][0]["member"], true);
    assert_eq!(x["tree"]["conditions"][0]["segments"][0]["tree"]["conditions"][1]["count"], 2);
    let by_id = query(&mut e, "segments.explain", json!({ "id": s, "contactId": a }), NOW);
    assert_eq!(by_id["member"], true);
    // Every contact: explain's verdict is preview's.
    let all = members(&mut e, rules.clone());
    for email in ["a@x.io", "b@x.io", "c@x.io", "d@x.io"] {
        let id = query(&mut e, "contacts.getByEmail", json!({ "email": email }), NOW)["id"].clone();
        let x = query(&mut e, "segments.explain", json!({ "rules": rules, "contactId": id }), NOW);
        assert_eq!(x["member"], all.contains(&email.to_string()), "{email}");
    }
    let err = e.query(&entry("segments.explain", json!({ "rules": rules, "contactId": "cnt_nope" }), NOW)).unwrap_err();
    assert_eq!(err.code, Code::NotFound);
    let err = e.query(&entry("segments.explain", json!({ "id": "seg_nope", "contactId": a }), NOW)).unwrap_err();
    assert_eq!(err.code, Code::NotFound);
}

#[test]
fn event_properties_survive_merges_and_snapshots() {
    let mut e = Engine::new();
    let iso = crate::time::format_iso;
    // Out of time order, in several batches, keys appearing late.
    exec(&mut e, "events.import", json!([
        { "name": "buy", "email": "a@x.io", "timestamp": iso(NOW - DAY), "properties": { "n": 1 } },
        { "name": "buy", "email": "b@x.io", "timestamp": iso(NOW - 5 * DAY) } ]));
    let q = json!([{ "field": "events.buy", "op": "occurred", "where": [{ "field": "properties.n", "op": "eq", "value": 2 }] }]);
    assert!(members(&mut e, q.clone()).is_empty());
    exec(&mut e, "events.import", json!([
        { "name": "buy", "email": "b@x.io", "timestamp": iso(NOW - 3 * DAY), "properties": { "n": 2, "tag": "x" } },
        { "name": "buy", "email": "c@x.io", "timestamp": iso(NOW - 10 * DAY), "properties": { "tag": "y" } } ]));
    assert_eq!(members(&mut e, q.clone()), ["b@x.io"]);
    let tag = json!([{ "field": "events.buy", "op": "occurred", "where": [{ "field": "properties.tag", "op": "in", "value": ["x", "y"] }] }]);
    assert_eq!(members(&mut e, tag.clone()), ["b@x.io", "c@x.io"]);
    let mut r = Engine::restore(&e.snapshot()).unwrap();
    assert_eq!(members(&mut r, q), ["b@x.io"]);
    assert_eq!(members(&mut r, tag), ["b@x.io", "c@x.io"]);
    let err = fail(&mut e, "events.track", json!({ "name": "x", "email": "a@x.io", "properties": [1] }));
    assert_eq!(err.details[0].path, "properties");
}
