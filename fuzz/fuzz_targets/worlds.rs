//! Fuzz target `worlds`: the differential test of tests/differential.rs
//! driven by libFuzzer's coverage instead of proptest's randomness. The
//! input bytes choose a world (creates, updates, deletes, imports, tracks,
//! ticks of the clock; events with properties), saved segments, and rule
//! trees from small pools of edge values, behavioural ones included (where,
//! having, from/to, timeZone, not, segment references, patterns, relative
//! dates); the engine must agree with the reference model on every call,
//! every contact, every member list and every explanation, also after a
//! snapshot restore; live segments made at the start stay exact after every
//! op (members, joinedAt, nextChangeAt, the feed replayed).
#![no_main]

#[path = "../../tests/reference/mod.rs"]
mod reference;

use arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use reference::dates;
use reference::harness::Harness;
use reference::world::{Ev, Op, Target, Ts};
use reference::zones;
use serde_json::{json, Map, Value};

const NOW: i64 = 1_757_930_400_000;
const DAY: i64 = 86_400_000;
const WINDOWS: [(&str, i64); 6] = [("30m", 1_800_000), ("2h", 7_200_000), ("1d", DAY), ("7d", 7 * DAY), ("1w", 7 * DAY), ("90d", 90 * DAY)];
const KEYS: [&str; 8] = ["plan", "seats", "d", "tags", "a.b", "__proto__", "constructor", "Plan"];
const TEXT: [&str; 20] = [
    "pro", "Pro", "PRO", "1", "", "ÖREBRO", "örebro län", "Σ", "σ", "ς", "ß", "SS", "İ", "i̇", "vip", "VIP", "a\u{0}b", "😀", "a@x.io", "2025",
];
const EMAILS: [&str; 12] = ["a@x.io", "A@X.IO", "b@x.io", "zoë@ex.com", "ZOË@EX.COM", "ß@x.io", "ss@x.io", "SS@x.io", "c@y.org", "σ@x.io", "nope", "a b@x.io"];
const OPS: [&str; 20] = [
    "eq", "neq", "gt", "gte", "lt", "lte", "in", "not_in", "contains", "not_contains", "starts_with", "ends_with", "exists", "not_exists", "before", "after", "equals", "notContains",
    "matches", "not_matches",
];
/// Patterns in the subset the reference's matcher reads, and invalid ones.
const PATTERNS: [&str; 10] = ["^pro$", "(?i)pro", "ö", "\\d", "^(a|b)", "[^a]+$", "(?i)^ö", "x*", "(", "\\p{L}"];
const RELATIVE: [&str; 6] = ["now", "-7d", "+3d", "-1h", "-030d", "+0d"];
const CATEGORIES: [&str; 5] = ["shoes", "Shoes", "books", "bücher", ""];
const FNS: [&str; 7] = ["count", "sum", "avg", "min", "max", "distinct", "median"];

fn instant(u: &mut Unstructured) -> Result<i64> {
    Ok(NOW
        + match u.int_in_range(0..=3u8)? {
            0 => *u.choose(&[0, -1, 1, 400 * DAY, -5000 * DAY, -3 * DAY])?,
            1 | 2 => {
                let w = u.choose(&WINDOWS)?.1;
                -w + u.int_in_range(-1..=1)?
            }
            _ => u.int_in_range(-10 * DAY..=10 * DAY)?,
        })
}

fn date_text(u: &mut Unstructured) -> Result<String> {
    let t = instant(u)?;
    let z = dates::format(t);
    Ok(match u.int_in_range(0..=8u8)? {
        0 => z[..10].to_string(),
        1 => format!("{}Z", &z[..16]),
        2 => format!("{}Z", &z[..19]),
        3 => z,
        4 => dates::format_with_offset(t, 120, true),
        5 => dates::format_with_offset(t, -270, false),
        6 => z[..19].to_string(),
        7 => format!("{}123456Z", &z[..20]),
        _ => u.choose(&["2025-13-01", "2025-02-29", "2024-02-29", "2025-9-15", "0000-01-01", "9999-12-31T23:59:59.999Z", "2025-09-15T24:00"])?.to_string(),
    })
}

fn number(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0..=3u8)? {
        0 => json!(u.int_in_range(-3i64..=12)?),
        1 => u.choose(&[json!(1.0), json!(-0.0), json!(1.5), json!(1e300), json!(u64::MAX), json!(0.1)])?.clone(),
        2 => serde_json::Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number),
        _ => json!(NOW + u.int_in_range(-DAY..=DAY)?),
    })
}

fn scalar(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0..=3u8)? {
        0 => json!(u.choose(&TEXT)?),
        1 => json!(date_text(u)?),
        2 => number(u)?,
        _ => json!(u.arbitrary::<bool>()?),
    })
}

fn value(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0..=9u8)? {
        0 => Value::Null,
        1 => Value::Array((0..u.int_in_range(0..=3)?).map(|_| scalar(u)).collect::<Result<_>>()?),
        2 => json!({ "a": scalar(u)? }),
        _ => scalar(u)?,
    })
}

fn props(u: &mut Unstructured) -> Result<Map<String, Value>> {
    let mut m = Map::new();
    for _ in 0..u.int_in_range(0..=4)? {
        m.insert(u.choose(&KEYS)?.to_string(), value(u)?);
    }
    Ok(m)
}

fn email(u: &mut Unstructured) -> Result<String> {
    Ok(if u.ratio(1, 2)? { format!("u{}@x.io", u.int_in_range(0..=30)?) } else { u.choose(&EMAILS)?.to_string() })
}

fn target(u: &mut Unstructured) -> Result<Target> {
    Ok(match u.int_in_range(0..=9u8)? {
        0 => Target::Missing,
        1..=3 => Target::Email(email(u)?),
        _ => Target::Live(u.arbitrary()?),
    })
}

fn event(u: &mut Unstructured) -> Result<Ev> {
    let name = u.choose(&["login", "Login", "buy", "buy", "ünï", ""])?.to_string();
    let ts = if u.ratio(1, 10)? { Ts { at: None, form: u.choose(&[1, 4])?.to_owned() } } else { Ts { at: Some(instant(u)?), form: u.int_in_range(0..=3)? } };
    let mut props = Map::new();
    if u.ratio(2, 3)? {
        props.insert("category".into(), json!(u.choose(&CATEGORIES)?));
    }
    if u.ratio(2, 3)? {
        props.insert("amount".into(), if u.ratio(1, 8)? { value(u)? } else { json!(u.int_in_range(-3i64..=40)?) });
    }
    Ok(Ev { who: target(u)?, name, ts, props })
}

fn op(u: &mut Unstructured) -> Result<Op> {
    Ok(match u.int_in_range(0..=9u8)? {
        0 | 1 => Op::Create { email: email(u)?, props: props(u)? },
        2 => Op::Update { who: u.arbitrary()?, email: if u.ratio(1, 5)? { Some(email(u)?) } else { None }, props: props(u)? },
        3 => Op::Delete { who: u.arbitrary()? },
        4 => Op::Import { records: (0..u.int_in_range(1..=4)?).map(|_| Ok((email(u)?, props(u)?))).collect::<Result<_>>()? },
        5 | 6 => Op::Track { ev: event(u)? },
        7 => Op::ImportEvents { records: (0..u.int_in_range(1..=4)?).map(|_| event(u)).collect::<Result<_>>()? },
        _ => Op::Tick { ms: *u.choose(&[1, 1000, 3_600_000, DAY])? },
    })
}

fn bound(u: &mut Unstructured) -> Result<Value> {
    Ok(if u.arbitrary()? { json!(u.choose(&RELATIVE)?) } else { json!(date_text(u)?) })
}

fn event_condition(u: &mut Unstructured, m: &mut Map<String, Value>) -> Result<()> {
    m.insert("field".into(), json!(format!("events.{}", u.choose(&["login", "Login", "buy", "buy", "ünï", "never"])?)));
    m.insert("op".into(), json!(u.choose(&["occurred", "not_occurred"])?));
    match u.int_in_range(0..=5u8)? {
        0 | 1 => {
            m.insert("within".into(), json!(u.choose(&WINDOWS)?.0));
        }
        2 => {
            m.insert("from".into(), bound(u)?);
        }
        3 => {
            m.insert("from".into(), bound(u)?);
            m.insert("to".into(), bound(u)?);
        }
        4 => {
            m.insert("to".into(), bound(u)?);
        }
        _ => {}
    }
    if u.ratio(1, 4)? {
        m.insert("timeZone".into(), json!(u.choose(&zones::VALID)?));
    }
    if u.ratio(1, 3)? {
        let w = if u.arbitrary()? {
            json!({ "field": "properties.category", "op": u.choose(&["eq", "neq", "contains", "matches"])?, "value": u.choose(&CATEGORIES[..4])? })
        } else {
            json!({ "field": "properties.amount", "op": u.choose(&["gte", "lt", "exists"])?, "value": u.int_in_range(0..=20)? })
        };
        m.insert("where".into(), if u.arbitrary()? { w } else { json!({ "operator": "not", "conditions": [w] }) });
    }
    if u.ratio(1, 3)? {
        let f = *u.choose(&FNS)?;
        let mut h = json!({ "fn": f, "op": u.choose(&["eq", "neq", "gt", "gte", "lt", "lte"])?, "value": u.int_in_range(0..=40)? });
        if f != "count" {
            h["property"] = json!(u.choose(&["amount", "amount", "category"])?);
        }
        m.insert("having".into(), h);
    }
    Ok(())
}

fn condition(u: &mut Unstructured) -> Result<Value> {
    let mut m = Map::new();
    if u.ratio(1, 12)? {
        let ids = (0..u.int_in_range(1..=2)?).map(|_| Ok(json!(u.choose(&["$seg0", "$seg1", "$seg5"])?))).collect::<Result<Vec<_>>>()?;
        return Ok(json!({ "field": "segment", "op": u.choose(&["in", "not_in"])?, "value": ids }));
    }
    if u.ratio(1, 3)? {
        event_condition(u, &mut m)?;
    } else {
        let field = match u.int_in_range(0..=5u8)? {
            0 => u.choose(&["email", "createdAt", "updatedAt", "suppressed"])?.to_string(),
            _ => format!("properties.{}", u.choose(&KEYS)?),
        };
        m.insert("field".into(), json!(field));
        let op = *u.choose(&OPS)?;
        m.insert("op".into(), json!(op));
        let v = match reference::rules::op_name(op).unwrap() {
            "exists" | "not_exists" => None,
            "in" | "not_in" => Some(Value::Array((0..u.int_in_range(1..=4)?).map(|_| scalar(u)).collect::<Result<_>>()?)),
            "gt" | "gte" | "lt" | "lte" => Some(if u.arbitrary()? { number(u)? } else { json!(date_text(u)?) }),
            "before" | "after" => Some(json!(if u.ratio(1, 3)? { u.choose(&RELATIVE)?.to_string() } else { date_text(u)? })),
            "matches" | "not_matches" => Some(json!(u.choose(&PATTERNS)?)),
            "contains" | "not_contains" | "starts_with" | "ends_with" => Some(json!(u.choose(&TEXT)?)),
            _ => Some(scalar(u)?),
        };
        if let Some(v) = v {
            m.insert("value".into(), v);
        }
    }
    Ok(Value::Object(m))
}

fn node(u: &mut Unstructured, depth: u32) -> Result<Value> {
    if depth >= 3 || u.ratio(3, 5)? {
        return condition(u);
    }
    if u.ratio(1, 5)? {
        return Ok(json!({ "operator": "not", "conditions": [node(u, depth + 1)?] }));
    }
    let conditions = (0..u.int_in_range(1..=3)?).map(|_| node(u, depth + 1)).collect::<Result<Vec<_>>>()?;
    Ok(json!({ "operator": if u.arbitrary()? { "or" } else { "and" }, "conditions": conditions }))
}

fn run(u: &mut Unstructured) -> Result<()> {
    let mut h = Harness::new(NOW - 3 * DAY);
    // Live segments from the start: after every op (and a tick), exact.
    let mut live = Vec::new();
    for _ in 0..u.int_in_range(0..=2)? {
        let rules = node(u, 0)?;
        if let Some(l) = h.create_live(&rules).unwrap_or_else(|e| panic!("{e}")) {
            live.push(l);
        }
    }
    let n = u.int_in_range(0..=40)?;
    for _ in 0..n {
        let op = op(u)?;
        if let Err(e) = h.apply(&op) {
            panic!("{e}");
        }
        if !live.is_empty() {
            h.tick(0).unwrap_or_else(|e| panic!("{e}"));
            for l in &mut live {
                h.advance_model(l);
                h.check_live(l).unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }
    for _ in 0..u.int_in_range(0..=2)? {
        let saved = node(u, 1)?;
        h.save_segment(&saved).unwrap_or_else(|e| panic!("{e}"));
    }
    if u.arbitrary()? {
        h.restore().unwrap_or_else(|e| panic!("{e}"));
    }
    for _ in 0..u.int_in_range(1..=4)? {
        let rules = if u.arbitrary()? { node(u, 0)? } else { Value::Array(vec![node(u, 1)?]) };
        let now = NOW + *u.choose(&[0, -1, 1, 7 * DAY])?;
        h.check_preview(&rules, now).unwrap_or_else(|e| panic!("{e}"));
        if u.ratio(1, 4)? {
            h.check_explain(&rules, now).unwrap_or_else(|e| panic!("{e}"));
        }
        if u.ratio(1, 4)? {
            h.check_segment(&rules, now).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
