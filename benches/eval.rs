//! Native micro-benchmarks of the evaluator, to guide work on the hot path
//! (the product runs it as wasm; `npm run bench` measures that against the
//! peers). `cargo bench --bench eval`; KRAITER_BENCH_CONTACTS sets the size.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use kraiter_segments::api::Engine;

const NOW: i64 = 1_757_930_400_000;
const DAY: i64 = 86_400_000;

fn entry(cmd: &str, input: &str) -> String {
    format!("{{\"cmd\":\"{cmd}\",\"now\":{NOW},\"seed\":[1,2,3,4],\"input\":{input}}}")
}

/// A deterministic world: contacts with low- and high-cardinality strings,
/// numbers, booleans and dates; five event names over two years.
fn world(n: usize) -> Engine {
    let mut e = Engine::new();
    let plans = ["free", "starter", "pro", "enterprise"];
    let mut x: u64 = 0x9E37_79B9;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for start in (0..n).step_by(50_000) {
        let recs: Vec<String> = (start..(start + 50_000).min(n))
            .map(|i| {
                let r = next();
                format!(
                    r#"{{"email":"user{i}@example.com","properties":{{"plan":"{}","seats":{},"company":"Co{} Ström {}","verified":{},"signup":"{}","campaign":"cmp_{}"}}}}"#,
                    plans[(r % 4) as usize],
                    r % 200,
                    r % 100_000,
                    r % 7,
                    r % 3 == 0,
                    kraiter_segments::time::format_iso(NOW - (r % 700) as i64 * DAY),
                    r % 50_000
                )
            })
            .collect();
        e.execute(&entry("contacts.import", &format!("[{}]", recs.join(",")))).unwrap();
    }
    let ids: Vec<String> = {
        let page = e.query(&entry("contacts.list", r#"{"limit":100}"#)).unwrap();
        let v: serde_json::Value = serde_json::from_str(&page).unwrap();
        v["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect()
    };
    let names = ["page_view", "login", "email_opened", "purchase", "trial_started"];
    let events = n * 10;
    for start in (0..events).step_by(200_000) {
        let recs: Vec<String> = (start..(start + 200_000).min(events))
            .map(|_| {
                let r = next();
                let who = (r % n as u64) as usize;
                let contact = if who < ids.len() { format!(r#""contactId":"{}""#, ids[who]) } else { format!(r#""email":"user{who}@example.com""#) };
                format!(r#"{{"name":"{}",{contact},"timestamp":{}}}"#, names[(r >> 20) as usize % 5], NOW - (r % (730 * DAY as u64)) as i64 + DAY)
            })
            .collect();
        e.execute(&entry("events.import", &format!("[{}]", recs.join(",")))).unwrap();
    }
    e
}

fn shapes() -> Vec<(&'static str, String)> {
    let list: Vec<String> = (0..1000).map(|i| format!("\"cmp_{}\"", i * 37)).collect();
    vec![
        ("property", r#"[{"field":"properties.plan","op":"eq","value":"pro"},{"field":"properties.seats","op":"gte","value":10},{"field":"properties.verified","op":"eq","value":true}]"#.into()),
        ("in-1000", format!(r#"[{{"field":"properties.campaign","op":"in","value":[{}]}}]"#, list.join(","))),
        ("contains", r#"[{"field":"properties.company","op":"contains","value":"STRÖM 3"}]"#.into()),
        ("dates", r#"[{"field":"properties.signup","op":"gte","value":"2024-06-01"},{"field":"properties.signup","op":"before","value":"2025-01-01"}]"#.into()),
        ("occurred-within", r#"[{"field":"events.purchase","op":"occurred","within":"30d"}]"#.into()),
        ("not-occurred", r#"[{"field":"events.login","op":"not_occurred","within":"14d"}]"#.into()),
        ("email-ends-with", r#"[{"field":"email","op":"ends_with","value":"7@example.com"}]"#.into()),
    ]
}

fn bench(c: &mut Criterion) {
    let n = std::env::var("KRAITER_BENCH_CONTACTS").ok().and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let mut e = world(n);
    let mut g = c.benchmark_group(format!("preview/{n}"));
    for (name, rules) in shapes() {
        let q = entry("segments.preview", &format!(r#"{{"rules":{rules},"limit":20}}"#));
        g.bench_function(name, |b| b.iter(|| black_box(e.query(black_box(&q)).unwrap())));
    }
    g.finish();
    c.bench_function(&format!("snapshot/{n}"), |b| b.iter(|| black_box(e.snapshot().len())));
    let bytes = e.snapshot();
    c.bench_function(&format!("restore/{n}"), |b| b.iter(|| black_box(Engine::restore(&bytes).is_ok())));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
