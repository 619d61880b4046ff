//! Live segments against the reference: after every step each live
//! segment's members equal the reference's at the clock's value, with the
//! `joinedAt` a model of "the step it last entered" predicts; its
//! `nextChangeAt` is exact (no change one millisecond before, a change at
//! it, and none at a few later instants when it is null); and its change
//! feed, replayed from empty, gives back exactly its members.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::dates;
use super::harness::{with_segment_ids, Harness};
use super::rules;

/// One live segment as the test knows it.
pub struct Live {
    pub id: String,
    pub rules: Value,
    /// Contact id → joinedAt (epoch ms) the model expects.
    pub joined: BTreeMap<String, i64>,
}

impl Harness {
    pub fn run(&mut self, cmd: &str, input: Value, now: i64) -> Result<Value, kraiter_segments::error::Error> {
        let e = self.entry(cmd, input, now);
        self.engine.execute(&e).map(|t| serde_json::from_str(&t).unwrap())
    }

    pub fn read(&mut self, cmd: &str, input: Value) -> Result<Value, String> {
        let e = self.entry(cmd, input, self.now);
        self.engine.query(&e).map(|t| serde_json::from_str(&t).unwrap()).map_err(|e| format!("{cmd}: {e:?}"))
    }

    /// Creates a live segment of `rules` (written with `$seg<n>`), if both
    /// sides agree it is valid; it joins the world's saved segments.
    pub fn create_live(&mut self, rules: &Value) -> Result<Option<Live>, String> {
        let rules = with_segment_ids(rules, &self.world);
        let now = self.now;
        let got = self.run("segments.create", json!({ "name": "live", "rules": rules, "live": true }), now);
        match (rules::valid(&rules, &self.world), got) {
            (true, Ok(seg)) => {
                let id = seg["id"].as_str().unwrap().to_string();
                self.world.segments.push((id.clone(), rules.clone()));
                let joined = self.expected_members(&rules, now).into_iter().map(|c| (c, now)).collect();
                Ok(Some(Live { id, rules, joined }))
            }
            (false, Err(_)) => Ok(None),
            (valid, got) => Err(format!("creating live {rules}: reference valid={valid}, engine {got:?}")),
        }
    }

    /// Moves the clock and applies what is due (as the SDK does before a read).
    pub fn tick(&mut self, ms: i64) -> Result<(), String> {
        self.now += ms;
        let now = self.now;
        self.run("segments.tick", Value::Null, now).map(drop).map_err(|e| format!("tick: {e:?}"))
    }

    /// The earliest nextChangeAt of the live segments, as epoch ms.
    pub fn next_change(&mut self, live: &[Live]) -> Result<Option<i64>, String> {
        let mut best: Option<i64> = None;
        for l in live {
            let seg = self.read("segments.get", json!({ "id": l.id }))?;
            if let Some(t) = seg["nextChangeAt"].as_str() {
                let t = dates::parse(t).ok_or("bad nextChangeAt")?;
                best = Some(best.map_or(t, |b: i64| b.min(t)));
            }
        }
        Ok(best)
    }

    /// Updates the model of `l` to the reference's members now: newcomers
    /// join now, continuing members keep their joinedAt.
    pub fn advance_model(&self, l: &mut Live) {
        let now = self.now;
        let want = self.expected_members(&l.rules, now);
        l.joined = want.into_iter().map(|c| (c.clone(), l.joined.get(&c).copied().unwrap_or(now))).collect();
    }

    /// Checks one live segment against the model and the reference.
    pub fn check_live(&mut self, l: &Live) -> Result<(), String> {
        let now = self.now;
        let got = self.members(&l.id)?;
        let want: Vec<(String, String)> = l.joined.iter().map(|(c, &t)| (c.clone(), dates::format(t))).collect();
        if got != want {
            return Err(format!("live {} at {}:\n engine    {got:?}\n reference {want:?}", l.rules, dates::format(now)));
        }
        let seg = self.read("segments.get", json!({ "id": l.id }))?;
        if seg["memberCount"].as_u64() != Some(want.len() as u64) {
            return Err(format!("memberCount {} but {} members", seg["memberCount"], want.len()));
        }
        // nextChangeAt is exact.
        let current = self.expected_members(&l.rules, now);
        match seg["nextChangeAt"].as_str() {
            Some(t) => {
                let t = dates::parse(t).ok_or("bad nextChangeAt")?;
                if t <= now {
                    return Err(format!("nextChangeAt {} is not after now {}", dates::format(t), dates::format(now)));
                }
                if self.expected_members(&l.rules, t - 1) != current {
                    return Err(format!("{}: members change before nextChangeAt {}", l.rules, dates::format(t)));
                }
                if self.expected_members(&l.rules, t) == current {
                    return Err(format!("{}: nothing changes at nextChangeAt {} (now {})", l.rules, dates::format(t), dates::format(now)));
                }
            }
            None => {
                for later in [1, 3_600_000, 86_400_000, 40 * 86_400_000, 4000 * 86_400_000] {
                    if self.expected_members(&l.rules, now + later) != current {
                        return Err(format!("{}: nextChangeAt is null but members change by {}", l.rules, dates::format(now + later)));
                    }
                }
            }
        }
        // The feed replayed from empty gives the members, and each one's last entry is its joinedAt.
        let mut replay: BTreeMap<String, String> = BTreeMap::new();
        let mut cursor = Value::Null;
        loop {
            let page = self.read("segments.changes", json!({ "id": l.id, "limit": 100, "cursor": cursor }))?;
            let data = page["data"].as_array().unwrap();
            for c in data {
                let who = c["contactId"].as_str().unwrap().to_string();
                match c["type"].as_str() {
                    Some("entered") => {
                        if replay.insert(who.clone(), c["at"].as_str().unwrap().into()).is_some() {
                            return Err(format!("{who} entered twice in a row"));
                        }
                    }
                    _ => {
                        if replay.remove(&who).is_none() {
                            return Err(format!("{who} left without having entered"));
                        }
                    }
                }
            }
            if data.is_empty() {
                break;
            }
            cursor = page["nextCursor"].clone();
        }
        let replayed: Vec<(String, String)> = replay.into_iter().collect();
        if replayed != want {
            return Err(format!("feed replay of {}:\n feed    {replayed:?}\n members {want:?}", l.rules));
        }
        Ok(())
    }
}
