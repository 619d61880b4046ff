//! The per-value semantics of the README rule language, one rule per test.

use super::*;

fn m(op: &str, operand: Operand, v: View<'_>) -> bool {
    Prepared::new(Op::from_name(op).unwrap(), &operand).matches(v)
}
fn s(x: &str) -> Operand {
    Operand::Scalar(Scalar::Str(x.into()))
}
fn n(x: f64) -> Operand {
    Operand::Scalar(Scalar::Num(x))
}
fn text(x: &str) -> Operand {
    Operand::Text(x.into())
}
fn date(x: &str) -> Operand {
    Operand::Date(parse_iso(x).unwrap())
}

#[test]
fn absent_and_null_match_only_the_negative_ops() {
    for v in [View::Absent, View::Null] {
        assert!(m("neq", s("a"), v));
        assert!(m("not_in", Operand::List(vec![Scalar::Str("a".into())]), v));
        assert!(m("not_contains", text("a"), v));
        assert!(m("not_exists", Operand::None, v));
        assert!(!m("eq", s("a"), v));
        assert!(!m("exists", Operand::None, v));
        assert!(!m("lt", Operand::Number(5.0), v));
        assert!(!m("contains", text("a"), v));
        assert!(!m("before", date("2030-01-01"), v));
        assert!(!m("in", Operand::List(vec![Scalar::Str("a".into())]), v));
    }
}

#[test]
fn equality_is_type_strict() {
    assert!(!m("eq", n(1.0), View::Str("1")));
    assert!(!m("eq", s("1"), View::Num(1.0)));
    assert!(m("eq", n(1.0), View::Num(1.0)));
    assert!(m("eq", Operand::Scalar(Scalar::Bool(true)), View::Bool(true)));
    assert!(!m("eq", Operand::Scalar(Scalar::Bool(true)), View::Str("true")));
    assert!(!m("eq", s("Pro"), View::Str("pro")), "eq is case-sensitive");
    assert!(m("neq", n(1.0), View::Str("1")));
    assert!(m("neq", s("a"), View::Json("[\"a\"]")));
    let l = Operand::List(vec![Scalar::Num(1.0), Scalar::Str("x".into())]);
    assert!(m("in", l.clone(), View::Num(1.0)));
    assert!(!m("in", l.clone(), View::Str("1")));
    assert!(m("not_in", l, View::Str("1")));
}

#[test]
fn numeric_comparisons_never_go_lexicographic() {
    assert!(m("gt", Operand::Number(9.0), View::Num(10.0)));
    assert!(!m("gt", Operand::Number(9.0), View::Str("10")));
    assert!(m("gte", Operand::Number(10.0), View::Num(10.0)));
    assert!(!m("lt", Operand::Number(10.0), View::Num(10.0)));
    assert!(m("lte", Operand::Number(10.0), View::Num(10.0)));
    assert!(!m("gt", Operand::Number(0.0), View::Bool(true)));
}

#[test]
fn date_comparisons_compare_instants() {
    let d = date("2025-01-01T00:00:00Z");
    assert!(m("gt", d.clone(), View::Str("2025-01-01T01:00:00+00:30")));
    assert!(m("lt", d.clone(), View::Str("2024-12-31")));
    assert!(!m("gt", d.clone(), View::Str("not a date")));
    assert!(!m("gt", d.clone(), View::Num(1e15)));
    assert!(m("gte", d.clone(), View::Date(parse_iso("2025-01-01").unwrap())));
    assert!(m("before", d.clone(), View::Str("2024-12-31T23:59:59.999Z")));
    assert!(!m("before", d.clone(), View::Str("2025-01-01T00:00:00.000Z")), "strict");
    assert!(!m("after", d.clone(), View::Str("2025-01-01")), "strict");
    assert!(m("after", d, View::Str("2025-01-01T00:00:00.001Z")));
}

#[test]
fn string_ops_are_unicode_case_insensitive() {
    assert!(m("contains", text("ÜBER"), View::Str("Ein über-Test")));
    assert!(m("starts_with", text("straße"), View::Str("STRASSE".to_lowercase().replace("ss", "ß").as_str())));
    assert!(m("starts_with", text("ΣΟΦ"), View::Str("σοφία")));
    assert!(m("ends_with", text("@EXAMPLE.com"), View::Str("a@example.COM")));
    assert!(!m("contains", text("1"), View::Num(10.0)));
    assert!(m("not_contains", text("1"), View::Num(10.0)), "other types match not_contains");
    assert!(!m("starts_with", text("a"), View::Json("[\"abc\"]")));
}

#[test]
fn contains_on_arrays_means_an_element_equals() {
    let arr = View::Json("[\"Admin\", \"beta\", 3]");
    assert!(m("contains", text("admin"), arr));
    assert!(!m("contains", text("adm"), arr));
    assert!(!m("contains", text("3"), arr));
    assert!(m("not_contains", text("adm"), arr));
    assert!(!m("not_contains", text("BETA"), arr));
    assert!(!m("contains", text("a"), View::Json("{\"a\":1}")));
}

#[test]
fn system_timestamps_behave_as_iso_strings() {
    let t = View::Date(parse_iso("2025-09-15T10:00:00.000Z").unwrap());
    assert!(m("eq", s("2025-09-15T10:00:00.000Z"), t));
    assert!(m("starts_with", text("2025-09"), t));
    assert!(m("after", date("2025-09-15"), t));
    assert!(m("exists", Operand::None, t));
}

#[test]
fn short_and_long_substring_searches_agree() {
    let long = format!("{}ström labs", "x".repeat(100));
    for (hay, needle, want) in [
        ("ström labs", "ström", true),
        ("ström labs", "labs", true),
        ("ström labs", "labsx", false),
        ("st", "ström", false),
        ("aab", "ab", true),
        (long.as_str(), "ström", true),
        (long.as_str(), "strom", false),
    ] {
        assert_eq!(m("contains", text(needle), View::Str(hay)), want, "{hay} / {needle}");
    }
}
