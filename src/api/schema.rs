//! `schema`: what the data holds, for editors that complete and check rules.
//! Contact property keys and, per event name, its count, last time and
//! property keys, each key with its value types, distinct values and most
//! common values. One pass over each column's codes; only live contacts
//! and their events count.

use serde::Serialize;

use super::output::{json, Val};
use crate::engine::bitset::Bitset;
use crate::engine::events::NameIndex;
use crate::engine::snapshot::Store;
use crate::engine::value::{Dict, PValue};
use crate::time::format_iso;

/// The most common values listed per key.
const TOP: usize = 10;
const TYPES: [&str; 7] = ["string", "date", "number", "boolean", "null", "array", "object"];

#[derive(Serialize)]
struct Schema<'a> {
    contacts: Contacts<'a>,
    events: Events<'a>,
    #[serde(rename = "dataChangedAt")]
    data_changed_at: Option<String>,
}

#[derive(Serialize)]
struct Contacts<'a> {
    count: usize,
    properties: Vec<Key<'a>>,
}

#[derive(Serialize)]
struct Events<'a> {
    count: u64,
    names: Vec<Name<'a>>,
}

#[derive(Serialize)]
struct Name<'a> {
    name: &'a str,
    count: u64,
    #[serde(rename = "lastAt")]
    last_at: Option<String>,
    properties: Vec<Key<'a>>,
}

#[derive(Serialize)]
struct Key<'a> {
    key: &'a str,
    count: u64,
    types: Vec<TypeCount>,
    distinct: usize,
    top: Vec<Top<'a>>,
}

#[derive(Serialize)]
struct TypeCount {
    #[serde(rename = "type")]
    ty: &'static str,
    count: u64,
}

#[derive(Serialize)]
struct Top<'a> {
    value: Val<'a>,
    count: u64,
}

/// One key from its dictionary and how many times each code occurs
/// (`counts[code]`, code 0 = absent); `None` when nothing has the key.
fn key<'a>(name: &'a str, dict: &'a Dict, counts: &[u64]) -> Option<Key<'a>> {
    let dates = dict.dates();
    let mut types = [0u64; 7];
    let mut present: Vec<(u32, u64)> = Vec::new(); // (code, count)
    for (i, v) in dict.values().iter().enumerate() {
        let n = counts.get(i + 1).copied().unwrap_or(0);
        if n == 0 {
            continue;
        }
        let is_date = dates.as_ref().and_then(|d| d.get(i).copied().flatten()).is_some();
        let t = match v {
            PValue::Str(_) if is_date => 1,
            PValue::Str(_) => 0,
            PValue::Num(_) => 2,
            PValue::Bool(_) => 3,
            PValue::Null => 4,
            PValue::Json(j) if j.starts_with('[') => 5,
            PValue::Json(_) => 6,
        };
        types[t] += n;
        present.push((i as u32 + 1, n));
    }
    if present.is_empty() {
        return None;
    }
    // Most common first, ties in a fixed order; sorted as (-count, index)
    // pairs, one sort routine for every list here (each closure would be
    // another copy of it in the wasm).
    let mut order: Vec<(i64, u64)> =
        types.iter().enumerate().filter(|(_, &n)| n > 0).map(|(t, &n)| (-(n as i64), t as u64)).collect();
    order.sort_unstable();
    let types: Vec<TypeCount> = order.iter().map(|&(n, t)| TypeCount { ty: TYPES[t as usize], count: (-n) as u64 }).collect();
    let distinct = present.len();
    let count = present.iter().map(|&(_, n)| n).sum();
    // The values seen first win a tie.
    let mut order: Vec<(i64, u64)> = present
        .iter()
        .filter(|&&(c, _)| !matches!(dict.get(c), Some(PValue::Json(_))))
        .map(|&(c, n)| (-(n as i64), c as u64))
        .collect();
    order.sort_unstable();
    let top = order
        .iter()
        .take(TOP)
        .filter_map(|&(n, c)| dict.get(c as u32).map(|v| Top { value: Val(v), count: (-n) as u64 }))
        .collect();
    Some(Key { key: name, count, types, distinct, top })
}

/// The events of one name whose contact is live: their count, the last
/// time, and the code counts of each property column.
fn name<'a>(name: &'a str, list: &'a NameIndex, alive: &Bitset) -> Option<Name<'a>> {
    let mut counts: Vec<Vec<u64>> = list.columns.iter().map(|c| vec![0; c.dict.values().len() + 1]).collect();
    let (mut count, mut last) = (0u64, None::<i64>);
    list.each_event(|ev, slot, ts| {
        if !alive.get(slot as usize) {
            return;
        }
        count += 1;
        last = Some(last.map_or(ts, |l| l.max(ts)));
        for (col, counts) in list.columns.iter().zip(counts.iter_mut()) {
            if let Some(n) = counts.get_mut(col.code(ev) as usize) {
                *n += 1;
            }
        }
    });
    if count == 0 {
        return None;
    }
    let properties = list.columns.iter().zip(&counts).filter_map(|(c, counts)| key(&c.key, &c.dict, counts)).collect();
    Some(Name { name, count, last_at: last.map(format_iso), properties })
}

pub fn schema(store: &Store) -> String {
    let c = &store.contacts;
    let alive = c.alive();
    let properties: Vec<Key> = c
        .columns()
        .iter()
        .filter_map(|col| {
            let mut counts = vec![0u64; col.dict.values().len() + 1];
            for slot in alive.iter() {
                if let Some(n) = col.codes.get(slot).and_then(|&code| counts.get_mut(code as usize)) {
                    *n += 1;
                }
            }
            key(&col.key, &col.dict, &counts)
        })
        .collect();
    let ev = &store.events;
    let names: Vec<Name> = ev.names().iter().zip(ev.lists()).filter_map(|(n, list)| name(n, list, alive)).collect();
    let schema = Schema {
        contacts: Contacts { count: c.live_count(), properties },
        events: Events { count: names.iter().map(|n| n.count).sum(), names },
        data_changed_at: (store.data_at != 0).then(|| format_iso(store.data_at)),
    };
    json(&schema)
}
