//! Validation paths and canonical form, one behaviour per test.

use super::*;
use crate::rules::Operand;
use serde_json::json;

fn ok(v: Value) -> Rules {
    parse_rules(&v, "rules").unwrap_or_else(|e| panic!("{e:?}"))
}

fn paths(v: Value) -> Vec<String> {
    match parse_rules(&v, "rules") {
        Ok(_) => panic!("accepted {v}"),
        Err(e) => {
            assert_eq!(e.code, crate::error::Code::ValidationError);
            e.details.into_iter().map(|d| d.path).collect()
        }
    }
}

fn cond(field: &str, op: &str, value: Value) -> Value {
    json!({ "operator": "and", "conditions": [{ "field": field, "op": op, "value": value }] })
}

#[test]
fn the_spec_example_is_valid_and_canonical() {
    let v = json!({ "operator": "and", "conditions": [
        { "field": "properties.plan", "op": "in", "value": ["pro", "enterprise"] },
        { "operator": "or", "conditions": [
            { "field": "events.login", "op": "occurred", "within": "7d" },
            { "field": "properties.seats", "op": "gte", "value": 10 } ] } ] });
    let r = ok(v.clone());
    assert_eq!(r.canonical, v);
}

#[test]
fn long_spellings_are_stored_short() {
    let r = ok(json!([{ "field": "properties.a", "op": "greaterThanOrEquals", "value": 3 }]));
    assert_eq!(
        r.canonical,
        json!({ "operator": "and", "conditions": [{ "field": "properties.a", "op": "gte", "value": 3 }] })
    );
}

#[test]
fn unknown_keys_are_errors_at_their_path_never_dropped() {
    // A typo'd window must not widen the segment to everyone who ever purchased.
    let e = parse_rules(&json!({ "operator": "and", "conditions": [
        { "field": "events.purchase", "op": "occurred", "wihtin": "7d" } ] }), "rules").unwrap_err();
    assert_eq!(e.details[0].path, "rules.conditions[0].wihtin");
    assert!(e.details[0].message.contains("field, op, value, within"), "{}", e.details[0].message);
    assert_eq!(paths(json!([{ "field": "properties.a", "op": "eq", "value": 3, "note": "x" }])), ["rules[0].note"]);
    assert_eq!(
        paths(json!({ "operator": "or", "conditions": [{ "field": "email", "op": "exists" }], "negate": true })),
        ["rules.negate"]
    );
    assert_eq!(
        paths(json!([{ "field": "events.buy", "op": "occurred", "whre": [{ "field": "properties.x", "op": "exists" }] }])),
        ["rules[0].whre"]
    );
    assert_eq!(paths(json!([{ "operator": "and", "conditions": [{ "field": "email", "op": "exists", "x": 1, "y": 2 }] }])).len(), 2);
}

#[test]
fn a_lone_condition_root_is_stored_as_an_and_group() {
    let r = ok(json!({ "field": "events.login", "op": "occurred" }));
    assert_eq!(r.canonical, json!({ "operator": "and", "conditions": [{ "field": "events.login", "op": "occurred" }] }));
    assert!(matches!(r.root, Node::Group { any: false, ref children } if children.len() == 1));
    assert_eq!(paths(json!({ "field": "events.login", "op": "eq" })), ["rules.op"]);
}

#[test]
fn within_is_stored_canonical() {
    let r = ok(json!([{ "field": "events.x", "op": "occurred", "within": "07d" }]));
    assert_eq!(r.canonical["conditions"][0]["within"], "7d");
    let r = ok(json!([{ "field": "events.x", "op": "occurred", "within": "0002w" }]));
    assert_eq!(r.canonical["conditions"][0]["within"], "2w");
}

#[test]
fn event_names_in_rules_have_the_track_limit() {
    let long = format!("events.{}", "n".repeat(201));
    assert_eq!(paths(json!([{ "field": long, "op": "occurred" }])), ["rules[0].field"]);
    ok(json!([{ "field": format!("events.{}", "é".repeat(200)), "op": "occurred" }]));
}

#[test]
fn a_bare_array_root_is_an_and_group() {
    let r = ok(json!([{ "field": "email", "op": "exists" }]));
    assert!(matches!(r.root, Node::Group { any: false, .. }));
}

#[test]
fn unknown_operator_op_and_field_prefix_point_at_the_key() {
    assert_eq!(paths(json!({ "operator": "xor", "conditions": [{ "field": "email", "op": "exists" }] })), ["rules.operator"]);
    assert_eq!(paths(cond("properties.a", "between", json!(1))), ["rules.conditions[0].op"]);
    assert_eq!(paths(cond("attrs.a", "eq", json!(1))), ["rules.conditions[0].field"]);
    assert_eq!(paths(cond("properties.", "eq", json!(1))), ["rules.conditions[0].field"]);
    assert_eq!(paths(cond("events.", "occurred", Value::Null)).len(), 1);
}

#[test]
fn event_ops_and_property_ops_do_not_mix() {
    assert_eq!(
        paths(json!([{ "field": "properties.plan", "op": "occurred" }])),
        ["rules[0].op"]
    );
    assert_eq!(paths(json!([{ "field": "events.login", "op": "eq", "value": 1 }])), ["rules[0].op"]);
    assert_eq!(
        paths(json!([{ "field": "properties.plan", "op": "eq", "value": "x", "within": "7d" }])),
        ["rules[0].within"]
    );
}

#[test]
fn value_types_follow_the_op() {
    let bad = [
        ("eq", json!(null)),
        ("eq", json!([1])),
        ("eq", json!({})),
        ("gt", json!("soon")),
        ("gt", json!(true)),
        ("in", json!([])),
        ("in", json!("pro")),
        ("contains", json!("")),
        ("contains", json!(5)),
        ("before", json!(5)),
        ("before", json!("yesterday")),
        ("starts_with", json!(null)),
    ];
    for (op, v) in bad {
        assert_eq!(paths(cond("properties.a", op, v.clone())), ["rules.conditions[0].value"], "{op} {v}");
    }
    assert_eq!(paths(cond("properties.a", "in", json!(["a", {}]))), ["rules.conditions[0].value[1]"]);
    assert_eq!(paths(cond("properties.a", "exists", json!(1))), ["rules.conditions[0].value"]);
    assert_eq!(paths(json!([{ "field": "properties.a", "op": "eq" }])), ["rules[0].value"]);
    assert_eq!(paths(json!([{ "field": "events.a", "op": "occurred", "value": 1 }])), ["rules[0].value"]);
    for (op, v) in [("gt", json!("2025-01-01")), ("lte", json!(1.5)), ("after", json!("2025-01-01T00:00:00Z"))] {
        ok(cond("properties.a", op, v));
    }
}

#[test]
fn within_units_and_bounds() {
    for w in ["30m", "2h", "7d", "1w", "3650d", "521w", "87600h", "5256000m"] {
        let r = ok(json!([{ "field": "events.x", "op": "occurred", "within": w }]));
        let Node::Group { children, .. } = r.root else { panic!() };
        let Node::Cond(c) = &children[0] else { panic!() };
        assert!(matches!(c.window, Window::Within { ms, .. } if ms > 0));
    }
    for w in [json!("0d"), json!("3651d"), json!("522w"), json!("7"), json!("d"), json!("-1d"), json!("1.5d"), json!("7D"), json!(7), json!("1y"), json!(" 7d")] {
        assert_eq!(paths(json!([{ "field": "events.x", "op": "occurred", "within": w }])), ["rules[0].within"], "{w}");
    }
}

#[test]
fn empty_groups_and_bad_shapes() {
    assert_eq!(paths(json!({ "operator": "and", "conditions": [] })), ["rules.conditions"]);
    assert_eq!(paths(json!([])), ["rules"]);
    assert_eq!(paths(json!("pro")), ["rules"]);
    assert_eq!(paths(json!({ "operator": "and" })), ["rules.conditions"]);
    assert_eq!(paths(json!({ "conditions": [{ "field": "email", "op": "exists" }] })), ["rules.operator"]);
    assert_eq!(paths(json!([5])), ["rules[0]"]);
}

#[test]
fn every_problem_is_reported() {
    let p = paths(json!([
        { "field": "properties.a", "op": "nope" },
        { "field": "email", "op": "exists" },
        { "operator": "or", "conditions": [{ "field": "bad", "op": "eq", "value": 1 }] }
    ]));
    assert_eq!(p, ["rules[0].op", "rules[2].conditions[0].field"]);
}

fn nested(depth: usize) -> Value {
    let mut v = json!({ "field": "email", "op": "exists" });
    for _ in 0..depth {
        v = json!({ "operator": "and", "conditions": [v] });
    }
    v
}

#[test]
fn nesting_limit_is_32_groups() {
    ok(nested(32));
    let p = paths(nested(33));
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("rules.conditions[0]"));
}

#[test]
fn condition_limit_is_1000() {
    let c = json!({ "field": "email", "op": "exists" });
    ok(Value::Array(vec![c.clone(); 1000]));
    assert_eq!(paths(Value::Array(vec![c; 1001])), ["rules"]);
}

#[test]
fn list_limit_is_10000_values() {
    ok(cond("properties.a", "in", Value::Array((0..10_000).map(|i| json!(i)).collect())));
    assert_eq!(
        paths(cond("properties.a", "not_in", Value::Array((0..10_001).map(|i| json!(i)).collect()))),
        ["rules.conditions[0].value"]
    );
}

#[test]
fn system_fields_are_property_like() {
    for f in ["email", "createdAt", "updatedAt", "suppressed"] {
        ok(json!([{ "field": f, "op": "exists" }]));
        assert_eq!(paths(json!([{ "field": f, "op": "occurred" }])), ["rules[0].op"]);
    }
}

#[test]
fn keys_after_the_first_dot_are_kept_whole() {
    let r = ok(json!([{ "field": "properties.a.b", "op": "exists" }, { "field": "events.Sign Up.v2", "op": "occurred" }]));
    let Node::Group { children, .. } = r.root else { panic!() };
    assert_eq!(children[0], Node::Cond(Condition { field: Field::Property("a.b".into()), op: Op::Exists, operand: Operand::None, window: Window::All, filter: None, having: None, zone: None }));
    assert!(matches!(&children[1], Node::Cond(Condition { field: Field::Event(n), .. }) if n == "Sign Up.v2"));
}
