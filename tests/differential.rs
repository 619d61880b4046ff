//! Differential property tests: the engine against the reference model in
//! tests/reference (a plain reading of the README rule language), on
//! random worlds and rules. Generated worlds aim at the edges: events exactly
//! at now − D, now and now + 1; absent vs null; 1 vs "1", booleans, arrays
//! and objects; Unicode case (Σ/σ, ß/SS, İ); dates in several shapes and
//! offsets; nested and/or groups; system fields; long op spellings; invalid
//! rules (which both sides must reject). Case counts are fixed per CI run
//! (see CASES_*); set PROPTEST_CASES to run more locally.
#![cfg(not(target_arch = "wasm32"))]

#[path = "reference/mod.rs"]
mod reference;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::select;
use reference::harness::Harness;
use reference::world::{Op, Target, Ts};
use reference::{dates, rules};
use serde_json::{json, Map, Value};

const NOW: i64 = 1_757_930_400_000; // 2025-09-15T10:00:00.000Z
const MIN: i64 = 60_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 86_400_000;
/// The clock starts here and ticks forward, so createdAt/updatedAt differ.
const START: i64 = NOW - 3 * DAY;

const CASES_WORLDS: u32 = 1200;
const CASES_WINDOWS: u32 = 1500;
const CASES_RULES: u32 = 3000;
const CASES_DATES: u32 = 3000;
const CASES_RECOMPUTE: u32 = 400;
/// Invalid-choice weights (see `field`): worlds want mostly valid rules, the validation test many invalid ones.
const NOISE_WORLDS: u32 = 12;
const NOISE_RULES: u32 = 2;

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(cases);
    ProptestConfig { cases, failure_persistence: None, max_shrink_iters: 4000, ..ProptestConfig::default() }
}

const WINDOWS: [(&str, i64); 6] = [("30m", 30 * MIN), ("2h", 2 * HOUR), ("1d", DAY), ("7d", 7 * DAY), ("1w", 7 * DAY), ("90d", 90 * DAY)];

/// Instants around NOW that sit on or next to a window edge.
fn instant() -> impl Strategy<Value = i64> {
    let mut edges = vec![0, -1, 1, DAY * 400, -DAY * 5000, -3 * DAY, -3 * DAY + 1, -DAY / 2];
    for (_, w) in WINDOWS {
        edges.extend([-w - 1, -w, -w + 1]);
    }
    prop_oneof![4 => select(edges), 1 => -10 * DAY..10 * DAY].prop_map(|o| NOW + o)
}

// ---- values ---------------------------------------------------------------

/// Values come mostly from small pools shared by properties and operands,
/// so conditions often match some contacts and not others.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(vec!["pro", "Pro", "PRO", "1", "ÖREBRO", "örebro län", "Σ", "σ", "ß", "SS", "vip", "a@x.io", "x"]).prop_map(String::from),
        2 => select(vec![
            "pro", "Pro", "PRO", "free", "enterprise", "1", "10", "9", "true", "", "ÖREBRO", "örebro län",
            "Σίσυφος", "ΣΊΣΥΦΟΣ", "ς", "σ", "ß", "SS", "straße", "STRASSE", "İstanbul", "i̇stanbul", "a\u{0}b",
            "😀 ok", "VIP", "vip", "beta", "@x.io", "a@x.io", "2025", "June", "null",
        ])
        .prop_map(String::from),
        1 => "[abAB1öÖσΣ]{1,4}",
    ]
}

/// A date written in one of the README's shapes (or a near miss that is not a date).
fn date_text() -> impl Strategy<Value = String> {
    let written = (instant(), 0u8..8).prop_map(|(t, form)| {
        let z = dates::format(t); // 2025-09-15T10:00:00.000Z
        match form {
            0 => z[..10].to_string(),                          // date only: midnight UTC
            1 => format!("{}Z", &z[..16]),                     // HH:MM
            2 => format!("{}Z", &z[..19]),                     // HH:MM:SS
            3 => z,                                            // .mmm
            4 => dates::format_with_offset(t, 120, true),      // +02:00
            5 => dates::format_with_offset(t, -270, false),    // -0430
            6 => z[..19].to_string(),                          // no zone: UTC
            _ => format!("{}123456Z", &z[..20]),               // 6 fraction digits
        }
    });
    let odd = select(vec![
        "2025-13-01", "2025-02-29", "2024-02-29", "2025-9-15", "2025", "20250915", "2025-09-15T24:00",
        "2025-09-15T10", "0000-01-01", "9999-12-31T23:59:59.999Z", "0000-01-01T00:00+01:00", "2025-09-15T10:00:00.Z",
        "2025-09-15T10:00:60Z", "2025-09-15T10:00+24:00",
    ])
    .prop_map(String::from);
    let common = select(vec![
        "2025-09-15", "2025-09-15T10:00:00Z", "2025-09-15T12:00:00+02:00", "2025-09-15T10:00:00.001Z",
        "2025-09-14T23:59:59.999Z", "2025-09-12T10:00:00.000Z", "2025-09-12T10:00:00.001Z", "2025-09-12",
    ])
    .prop_map(String::from);
    prop_oneof![3 => common, 3 => written, 1 => odd]
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => select(vec![json!(1), json!(1.0), json!(0), json!(-0.0), json!(10), json!(9)]),
        2 => (-3i64..12).prop_map(Value::from),
        2 => select(vec![json!(1.0), json!(-0.0), json!(1.5), json!(1e300), json!(-1e-300), json!(9007199254740993u64), json!(u64::MAX), json!(0.1)]),
        1 => (prop::num::f64::NORMAL | prop::num::f64::ZERO).prop_map(Value::from),
        1 => (NOW - DAY..NOW + DAY).prop_map(Value::from), // epoch ms: a number, never a date
    ]
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![3 => text().prop_map(Value::from), 2 => date_text().prop_map(Value::from), 2 => number(), 1 => any::<bool>().prop_map(Value::from)]
}

/// Anything a property may hold.
fn prop_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => scalar(),
        1 => Just(Value::Null),
        1 => vec(scalar(), 0..4).prop_map(Value::from),
        1 => scalar().prop_map(|v| json!({ "a": v })),
    ]
}

const KEYS: [&str; 9] = ["plan", "seats", "d", "tags", "a.b", "Plan", "__proto__", "constructor", "n"];

fn key() -> impl Strategy<Value = &'static str> {
    prop_oneof![4 => select(KEYS[..4].to_vec()), 1 => select(KEYS.to_vec())]
}

/// Most keys hold one kind of value, as in real data (with exceptions):
/// plan text, seats numbers, d dates, tags arrays.
fn typed(field: &str) -> BoxedStrategy<Value> {
    match field {
        "properties.plan" | "properties.tags" => text().prop_map(Value::from).boxed(),
        "properties.seats" => number().boxed(),
        "properties.d" | "createdAt" | "updatedAt" => date_text().prop_map(Value::from).boxed(),
        "email" => email().prop_map(Value::from).boxed(),
        _ => scalar().boxed(),
    }
}

fn value_for(key: &'static str) -> BoxedStrategy<Value> {
    let field = format!("properties.{key}");
    let usual = if key == "tags" { vec(text(), 0..4).prop_map(Value::from).boxed() } else { typed(&field) };
    prop_oneof![6 => usual, 1 => Just(Value::Null), 2 => prop_value()].boxed()
}

fn props() -> impl Strategy<Value = Map<String, Value>> {
    let o = |k| prop::option::of(value_for(k));
    ((o("plan"), o("seats"), o("d"), o("tags")), vec((select(KEYS[4..].to_vec()), prop_value()), 0..2)).prop_map(|(usual, rare)| {
        let (a, b, c, d) = usual;
        let mut m = Map::new();
        for (k, v) in [("plan", a), ("seats", b), ("d", c), ("tags", d)] {
            if let Some(v) = v {
                m.insert(k.into(), v);
            }
        }
        for (k, v) in rare {
            m.insert(k.into(), v);
        }
        m
    })
}

fn email() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (0..40u8).prop_map(|n| format!("u{n}@x.io")),
        8 => select(vec![
            "a@x.io", "A@X.IO", "b@x.io", "zoë@ex.com", "ZOË@EX.COM", "ß@x.io", "SS@x.io", "ss@x.io", "c@y.org",
            "d@y.org", "e@y.org", "f@z.net", "g@z.net", "σ@x.io", "Σ@X.io",
        ]).prop_map(String::from),
        1 => select(vec!["nope", "a b@x.io", "@x.io", "x@"]).prop_map(String::from),
    ]
}

// ---- worlds ---------------------------------------------------------------

fn event_name() -> impl Strategy<Value = String> {
    prop_oneof![9 => select(vec!["login", "Login", "buy", "sign up", "ünï"]).prop_map(String::from), 1 => Just(String::new())]
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![6 => any::<usize>().prop_map(Target::Live), 3 => email().prop_map(Target::Email), 1 => Just(Target::Missing)]
}

fn ts() -> impl Strategy<Value = Ts> {
    prop_oneof![
        8 => (instant(), 0u8..4).prop_map(|(t, form)| Ts { at: Some(t), form }),
        1 => Just(Ts { at: None, form: 1 }),
        1 => Just(Ts { at: None, form: 4 }),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (email(), props()).prop_map(|(email, props)| Op::Create { email, props }),
        2 => (any::<usize>(), prop::option::weighted(0.2, email()), props()).prop_map(|(who, email, props)| Op::Update { who, email, props }),
        1 => any::<usize>().prop_map(|who| Op::Delete { who }),
        2 => vec((email(), props()), 1..5).prop_map(|records| Op::Import { records }),
        4 => (target(), event_name(), ts()).prop_map(|(who, name, ts)| Op::Track { who, name, ts }),
        2 => vec((target(), event_name(), ts()), 1..5).prop_map(|records| Op::ImportEvents { records }),
        1 => select(vec![1, 1000, HOUR, DAY]).prop_map(|ms| Op::Tick { ms }),
    ]
}

// ---- rules ----------------------------------------------------------------

const PROPERTY_OPS: [&str; 27] = [
    "eq", "neq", "gt", "gte", "lt", "lte", "in", "not_in", "contains", "not_contains", "starts_with", "ends_with",
    "exists", "not_exists", "before", "after", "equals", "not_equals", "notEquals", "greaterThan",
    "greaterThanOrEquals", "lessThan", "lessThanOrEquals", "notContains", "startsWith", "endsWith", "notExists",
];

/// Rule generators take `noise`: valid choices weigh `noise` times more
/// than invalid ones (a few invalid ones make a whole tree invalid).
fn field(noise: u32) -> impl Strategy<Value = String> {
    prop_oneof![
        6 * noise => key().prop_map(|k| format!("properties.{k}")),
        3 * noise => select(vec!["email", "createdAt", "updatedAt", "suppressed"]).prop_map(String::from),
        3 * noise => select(vec!["events.login", "events.Login", "events.buy", "events.sign up", "events.ünï", "events.never"]).prop_map(String::from),
        1 => select(vec!["properties.", "events.", "Email", "props.plan", "properties", "", "events.a.b"]).prop_map(String::from),
    ]
}

/// The operand a (canonical) op takes, or usually so.
fn operand(op: &'static str, noise: u32, field: &str) -> BoxedStrategy<Option<Value>> {
    let like = prop_oneof![3 => typed(field), 1 => scalar()];
    let ordered = match field {
        "properties.seats" => prop_oneof![3 => number(), 1 => date_text().prop_map(Value::from)].boxed(),
        "properties.d" | "createdAt" | "updatedAt" => prop_oneof![1 => number(), 3 => date_text().prop_map(Value::from)].boxed(),
        _ => prop_oneof![number(), date_text().prop_map(Value::from)].boxed(),
    };
    let fitting: BoxedStrategy<Option<Value>> = match op {
        "eq" | "neq" => like.prop_map(Some).boxed(),
        "gt" | "gte" | "lt" | "lte" => ordered.prop_map(Some).boxed(),
        "before" | "after" => date_text().prop_map(|s| Some(Value::from(s))).boxed(),
        "contains" | "not_contains" | "starts_with" | "ends_with" => text().prop_map(|s| Some(Value::from(s))).boxed(),
        "in" | "not_in" => vec(like, 1..5).prop_map(|v| Some(Value::from(v))).boxed(),
        _ => Just(None).boxed(),
    };
    let wrong = prop_oneof![Just(None), prop_value().prop_map(Some), Just(Some(json!([]))), Just(Some(json!([null]))), Just(Some(json!("")))];
    prop_oneof![3 * noise => fitting, 1 => wrong].boxed()
}

fn within(noise: u32) -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        4 * noise => Just(None),
        5 * noise => select(WINDOWS.iter().map(|(s, _)| *s).collect::<Vec<_>>()).prop_map(|s| Some(json!(s))),
        1 => select(vec!["3650d", "3651d", "521w", "522w", "87600h", "87601h", "0d", "7", "7D", "", "007d", "0000000007d", "1.5d", "-1d"]).prop_map(|s| Some(json!(s))),
        1 => Just(Some(json!(7))),
    ]
}

fn condition(noise: u32) -> impl Strategy<Value = Value> {
    let fit = 1.0 - 0.3 / f64::from(noise);
    (field(noise), any::<prop::sample::Index>(), prop::bool::weighted(fit), within(noise), prop::bool::weighted(0.1))
        .prop_flat_map(move |(field, pick, fits, within, extra)| {
            let is_event = field.starts_with("events.");
            // Mostly the op that fits the field; sometimes the other kind (invalid).
            let op: &'static str = if fits {
                if is_event { ["occurred", "not_occurred"][pick.index(2)] } else { PROPERTY_OPS[pick.index(PROPERTY_OPS.len())] }
            } else if is_event {
                PROPERTY_OPS[pick.index(PROPERTY_OPS.len())]
            } else {
                ["occurred", "not_occurred", "happened"][pick.index(3)]
            };
            let canonical = rules::op_name(op).unwrap_or("eq");
            // Property conditions carry `within` only rarely (invalid).
            let within = if is_event || pick.index(10 * noise as usize) == 0 { within } else { None };
            operand(canonical, noise, &field).prop_map(move |value| {
                let mut m = Map::new();
                m.insert("field".into(), json!(field));
                m.insert("op".into(), json!(op));
                if let Some(v) = value {
                    m.insert("value".into(), v);
                }
                if let Some(w) = &within {
                    m.insert("within".into(), w.clone());
                }
                if extra {
                    // An unknown key: the whole rule is invalid, never widened.
                    m.insert("label".into(), json!("unknown"));
                }
                Value::Object(m)
            })
        })
}

fn rule(noise: u32) -> impl Strategy<Value = Value> {
    let tree = condition(noise).prop_recursive(3, 16, 3, move |inner| {
        prop_oneof![
            12 * noise => (prop::bool::ANY, vec(inner.clone(), 1..4)).prop_map(|(or, c)| json!({ "operator": if or { "or" } else { "and" }, "conditions": c })),
            1 => Just(json!({ "operator": "and", "conditions": [] })),
            1 => vec(inner, 1..3).prop_map(|c| json!({ "operator": "AND", "conditions": c })),
        ]
    });
    prop_oneof![3 => tree.clone(), 2 => vec(tree, 1..3).prop_map(Value::from)]
}

fn query_now() -> impl Strategy<Value = i64> {
    select(vec![0, -1, 1, 7 * DAY, -3 * DAY]).prop_map(|o| NOW + o)
}

// ---- properties -----------------------------------------------------------

proptest! {
    #![proptest_config(config(CASES_WORLDS))]

    /// Random worlds (creates, updates, deletes, imports, tracks) and random
    /// rules: every call has the outcome the reference predicts, the contact
    /// list equals the reference's, and preview and compute pick exactly the
    /// reference's members, also after a snapshot restore.
    #[test]
    fn engine_agrees_with_reference_on_random_worlds(
        ops in vec(op(), 0..40),
        rules in vec(rule(NOISE_WORLDS), 1..6),
        nows in vec(query_now(), 1..3),
        restore in any::<bool>(),
    ) {
        let mut h = Harness::new(START);
        for op in &ops {
            h.apply(op).map_err(TestCaseError::fail)?;
        }
        if restore {
            h.restore().map_err(TestCaseError::fail)?;
        }
        for r in &rules {
            for &now in &nows {
                h.check_preview(r, now).map_err(TestCaseError::fail)?;
            }
        }
        h.check_segment(&rules[0], nows[0]).map_err(TestCaseError::fail)?;
    }
}

proptest! {
    #![proptest_config(config(CASES_WINDOWS))]

    /// Event windows: one contact per event timestamp, each on or next to an
    /// edge (now − D − 1, now − D, now − D + 1, now, now + 1, far future),
    /// queried at now and now ± 1 ms, with and without `within`.
    #[test]
    fn occurred_windows_include_both_edges(
        stamps in vec((instant(), 0u8..4, select(vec!["login", "Login"])), 1..12),
        w in 0usize..WINDOWS.len(),
        shift in select(vec![0i64, -1, 1]),
        negate in any::<bool>(),
        windowed in prop::bool::weighted(0.8),
    ) {
        let mut h = Harness::new(START);
        for (i, (t, form, name)) in stamps.iter().enumerate() {
            let who = Target::Email(format!("u{i}@x.io"));
            h.apply(&Op::Track { who, name: name.to_string(), ts: Ts { at: Some(*t), form: *form } }).map_err(TestCaseError::fail)?;
        }
        let mut c = json!({ "field": "events.login", "op": if negate { "not_occurred" } else { "occurred" } });
        if windowed {
            c["within"] = json!(WINDOWS[w].0);
        }
        h.check_preview(&json!([c]), NOW + shift).map_err(TestCaseError::fail)?;
    }
}

proptest! {
    #![proptest_config(config(CASES_RULES))]

    /// Validation and canonical form alone: the engine accepts exactly the
    /// documents the reference calls valid, and stores the reference's
    /// canonical form.
    #[test]
    fn validation_and_canonical_form_agree(r in rule(NOISE_RULES)) {
        let mut h = Harness::new(NOW);
        h.check_preview(&r, NOW).map_err(TestCaseError::fail)?;
        h.check_segment(&r, NOW).map_err(TestCaseError::fail)?;
    }
}

proptest! {
    #![proptest_config(config(CASES_DATES))]

    /// The engine's ISO parser agrees with the chrono-based reference on
    /// README-shaped strings and on noise made of date characters.
    #[test]
    fn iso_dates_parse_like_the_reference(s in prop_oneof![date_text(), "[0-9:.,+TtZz -]{0,26}", "[0-9]{4}-[01][0-9]-[0-3][0-9]([Tt ][0-2][0-9]:[0-5][0-9](:[0-6][0-9]([.,][0-9]{1,4})?)?([Zz]|[+-][0-2][0-9]:?[0-5][0-9])?)?"]) {
        prop_assert_eq!(kraiter_segments::time::parse_iso(&s), dates::parse(&s), "{}", s);
    }
}

proptest! {
    #![proptest_config(config(CASES_RECOMPUTE))]

    /// Recomputation: after more changes, a member that was a member at the
    /// previous computation keeps its joinedAt; a new one joins at this
    /// computation's now; one that left (or was deleted) is gone.
    #[test]
    fn recompute_keeps_joined_at_of_continuing_members(
        before in vec(op(), 0..25),
        between in vec(op(), 0..15),
        r in rule(NOISE_WORLDS).prop_filter("valid rules", rules::valid),
        gap in select(vec![1i64, HOUR, DAY]),
    ) {
        let mut h = Harness::new(START);
        for op in &before {
            h.apply(op).map_err(TestCaseError::fail)?;
        }
        let (t1, t2) = (NOW, NOW + gap);
        let first = h.expected_members(&r, t1);
        let id = h.compute_new_segment(&r, t1).map_err(TestCaseError::fail)?;
        for op in &between {
            h.apply(op).map_err(TestCaseError::fail)?;
        }
        h.recompute(&id, t2).map_err(TestCaseError::fail)?;
        let want: Vec<(String, String)> = h
            .expected_members(&r, t2)
            .into_iter()
            .map(|m| {
                let at = if first.contains(&m) { t1 } else { t2 };
                (m, dates::format(at))
            })
            .collect();
        prop_assert_eq!(h.members(&id).map_err(TestCaseError::fail)?, want);
    }
}

// ---- fixed edges (one case each) ------------------------------------------

fn nest(depth: usize) -> Value {
    let mut v = json!({ "field": "email", "op": "exists" });
    for _ in 0..depth {
        v = json!({ "operator": "and", "conditions": [v] });
    }
    v
}

#[test]
fn limits_sit_exactly_where_the_spec_puts_them() {
    let mut h = Harness::new(NOW);
    h.apply(&Op::Create { email: "a@x.io".into(), props: Map::new() }).unwrap();
    let cond = json!({ "field": "properties.n", "op": "not_exists" });
    let list = |n: usize| json!([{ "field": "properties.n", "op": "not_in", "value": (0..n).collect::<Vec<_>>() }]);
    for (r, valid) in [
        (nest(32), true),
        (nest(33), false),
        (Value::from(vec![cond.clone(); 1000]), true),
        (Value::from(vec![cond.clone(); 1001]), false),
        (json!([{ "operator": "or", "conditions": vec![cond.clone(); 999] }, cond.clone()]), true),
        (list(10_000), true),
        (list(10_001), false),
    ] {
        assert_eq!(rules::valid(&r), valid, "reference disagrees with the spec");
        h.check_preview(&r, NOW).unwrap();
    }
    for (w, ok) in [("3650d", true), ("3651d", false), ("521w", true), ("522w", false), ("87600h", true), ("87601h", false), ("5256000m", true), ("5256001m", false), ("0000000007d", true), ("00000000000000000003650d", true), ("99999999999d", false), ("000m", false)] {
        let r = json!([{ "field": "events.x", "op": "occurred", "within": w }]);
        assert_eq!(rules::valid(&r), ok, "{w}");
        h.check_preview(&r, NOW).unwrap();
    }
}

/// Not a test: how often generated rules are valid and match some but not
/// all contacts, overall and per field kind and op, to keep the generators
/// honest. `cargo test --test differential generator_coverage -- --ignored --nocapture`
#[test]
#[ignore]
fn generator_coverage() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut valid, mut total, mut nonempty, mut partial) = (0, 0, 0, 0);
    for _ in 0..300 {
        let ops = vec(op(), 0..40).new_tree(&mut runner).unwrap().current();
        let rs = vec(rule(NOISE_WORLDS), 1..6).new_tree(&mut runner).unwrap().current();
        let mut h = Harness::new(START);
        for o in &ops { h.apply(o).unwrap(); }
        let live = h.world.live().len();
        for r in &rs {
            total += 1;
            if rules::valid(r) {
                valid += 1;
                let m = h.expected_members(r, NOW).len();
                if m > 0 { nonempty += 1; }
                if m > 0 && m < live { partial += 1; }
            }
        }
    }
    println!("rules {total}, valid {valid}, non-empty {nonempty}, partial {partial}");
    let mut by_op: std::collections::BTreeMap<String, (u32, u32, u32)> = Default::default();
    for _ in 0..100 {
        let ops = vec(op(), 0..40).new_tree(&mut runner).unwrap().current();
        let mut h = Harness::new(START);
        for o in &ops { h.apply(o).unwrap(); }
        let live = h.world.live().len();
        for _ in 0..30 {
            let c = condition(NOISE_WORLDS).new_tree(&mut runner).unwrap().current();
            if !rules::valid(&c) { continue; }
            let m = h.expected_members(&c, NOW).len();
            let k = format!("{} {}", c["field"].as_str().unwrap().split('.').next().unwrap(), rules::op_name(c["op"].as_str().unwrap()).unwrap());
            let e = by_op.entry(k).or_default();
            e.0 += 1;
            if m > 0 && m < live { e.1 += 1; }
            if m == live { e.2 += 1; }
        }
    }
    for (k, (n, p, all)) in by_op { println!("{k:30} {n:5} partial {p:5} all {all:5}"); }
}
