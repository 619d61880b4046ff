//! Drives the real engine (`api::Engine`, the JSON commands the SDK sends)
//! and the reference world in lockstep, and reports the first disagreement:
//! a different outcome for a call, a different contact list, or different
//! members for a rule.

use kraiter_segments::api::Engine;
use serde_json::{json, Value};

use super::dates;
use super::rules;
use super::world::{same_json, Ev, Op, Outcome, Target, World};

/// A well-formed contact id that is never handed out.
pub const MISSING_ID: &str = "cnt_00000000000000000000000000";
/// A well-formed segment id that is never handed out.
pub const MISSING_SEGMENT: &str = "seg_00000000000000000000000000";

/// Rules name saved segments as `"$seg<n>"` (the n-th one saved); this
/// writes their real ids in (a missing one becomes a well-formed unknown id).
pub fn with_segment_ids(rules: &Value, world: &World) -> Value {
    match rules {
        Value::String(s) => match s.strip_prefix("$seg").and_then(|n| n.parse::<usize>().ok()) {
            Some(n) => json!(world.segments.get(n).map_or(MISSING_SEGMENT, |(id, _)| id.as_str())),
            None => rules.clone(),
        },
        Value::Array(a) => Value::Array(a.iter().map(|v| with_segment_ids(v, world)).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), with_segment_ids(v, world))).collect()),
        _ => rules.clone(),
    }
}

pub struct Harness {
    pub engine: Engine,
    pub world: World,
    pub now: i64,
    seed: u32,
}

fn outcome(r: &Result<String, kraiter_segments::error::Error>) -> Outcome {
    match r {
        Ok(_) => Outcome::Ok,
        Err(e) => match serde_json::to_value(e.code).unwrap().as_str().unwrap() {
            "VALIDATION_ERROR" => Outcome::Err("VALIDATION_ERROR"),
            "CONFLICT" => Outcome::Err("CONFLICT"),
            "NOT_FOUND" => Outcome::Err("NOT_FOUND"),
            other => panic!("unexpected error code {other}"),
        },
    }
}

impl Harness {
    pub fn new(now: i64) -> Self {
        Harness { engine: Engine::new(), world: World::default(), now, seed: 0 }
    }

    pub fn entry(&mut self, cmd: &str, input: Value, now: i64) -> String {
        self.seed += 1;
        json!({ "cmd": cmd, "now": now, "seed": [self.seed, 7, 11, 13], "input": input }).to_string()
    }

    fn id_of(&self, who: &Target) -> (Option<String>, Option<String>) {
        match who {
            Target::Live(n) => match self.world.pick(*n) {
                Some(i) => (Some(self.world.contacts[i].id.clone()), None),
                None => (Some(MISSING_ID.into()), None),
            },
            Target::Email(e) => (None, Some(e.clone())),
            Target::Missing => (Some(MISSING_ID.into()), None),
        }
    }

    fn event_json(&self, ev: &Ev) -> Value {
        let Ev { who, name, ts, props } = ev;
        let (id, email) = self.id_of(who);
        let mut m = serde_json::Map::new();
        m.insert("name".into(), json!(name));
        if !props.is_empty() {
            m.insert("properties".into(), Value::Object(props.clone()));
        }
        if let Some(id) = id {
            m.insert("contactId".into(), json!(id));
        }
        if let Some(e) = email {
            m.insert("email".into(), json!(e));
        }
        if let Some(t) = ts.json() {
            m.insert("timestamp".into(), t);
        }
        Value::Object(m)
    }

    /// Runs one mutation on both sides; Err describes a disagreement.
    pub fn apply(&mut self, op: &Op) -> Result<(), String> {
        let now = self.now;
        let (cmd, input) = match op {
            Op::Tick { ms } => {
                self.now += ms;
                return Ok(());
            }
            Op::Create { email, props } => ("contacts.create", json!({ "email": email, "properties": props })),
            Op::Update { who, email, props } => {
                let Some(i) = self.world.pick(*who) else { return Ok(()) };
                let mut m = json!({ "id": self.world.contacts[i].id, "properties": props });
                if let Some(e) = email {
                    m["email"] = json!(e);
                }
                ("contacts.update", m)
            }
            Op::Delete { who } => {
                let Some(i) = self.world.pick(*who) else { return Ok(()) };
                ("contacts.delete", json!({ "id": self.world.contacts[i].id }))
            }
            Op::Import { records } => (
                "contacts.import",
                Value::Array(records.iter().map(|(e, p)| json!({ "email": e, "properties": p })).collect()),
            ),
            Op::Track { ev } => ("events.track", self.event_json(ev)),
            Op::ImportEvents { records } => ("events.import", Value::Array(records.iter().map(|ev| self.event_json(ev)).collect())),
        };
        let entry = self.entry(cmd, input.clone(), now);
        let got = self.engine.execute(&entry);
        let want = self.world.apply(op, now);
        if outcome(&got) != want {
            return Err(format!("{cmd} {input}: engine {got:?}, reference {want:?}"));
        }
        self.sync()
    }

    /// Every page of contacts.list against the reference's live contacts; learns new ids.
    pub fn sync(&mut self) -> Result<(), String> {
        let mut listed = Vec::new();
        let mut cursor = Value::Null;
        loop {
            let e = self.entry("contacts.list", json!({ "limit": 7, "cursor": cursor }), self.now);
            let page: Value = serde_json::from_str(&self.engine.query(&e).map_err(|e| format!("list: {e:?}"))?).unwrap();
            listed.extend(page["data"].as_array().unwrap().iter().cloned());
            cursor = page["nextCursor"].clone();
            if cursor.is_null() {
                break;
            }
        }
        let live = self.world.live();
        if listed.len() != live.len() {
            return Err(format!("engine lists {} contacts, reference has {}", listed.len(), live.len()));
        }
        for (got, &i) in listed.iter().zip(&live) {
            let want = &mut self.world.contacts[i];
            if want.id.is_empty() {
                want.id = got["id"].as_str().unwrap().to_string();
            }
            let expected = json!({
                "id": want.id, "email": want.email, "properties": want.props, "suppressed": false,
                "createdAt": dates::format(want.created), "updatedAt": dates::format(want.updated),
            });
            if !same_json(got, &expected) {
                return Err(format!("contact differs:\n engine    {got}\n reference {expected}"));
            }
        }
        Ok(())
    }

    /// Ids of the live contacts the reference says match `rules` at `now`.
    pub fn expected_members(&self, rules: &Value, now: i64) -> Vec<String> {
        let rules = &with_segment_ids(rules, &self.world);
        self.world
            .live()
            .into_iter()
            .filter(|&i| rules::matches(rules, &self.world, i, now))
            .map(|i| self.world.contacts[i].id.clone())
            .collect()
    }

    /// segments.explain of `rules` for each live contact at `now`: the
    /// verdict is the reference's, and so is every node's result and what
    /// decided each condition (the value read, the events counted, the
    /// aggregate, first and last times, the window).
    pub fn check_explain(&mut self, rules: &Value, now: i64) -> Result<(), String> {
        let rules = &with_segment_ids(rules, &self.world);
        if !rules::valid(rules, &self.world) {
            return Ok(());
        }
        let canonical = rules::canonical(rules);
        for c in self.world.live() {
            let id = self.world.contacts[c].id.clone();
            let e = self.entry("segments.explain", json!({ "rules": rules, "contactId": id }), now);
            let got: Value = serde_json::from_str(&self.engine.query(&e).map_err(|e| format!("explain: {e:?}"))?).unwrap();
            let member = rules::matches(rules, &self.world, c, now);
            if got["member"] != json!(member) || got["contactId"] != json!(id) {
                return Err(format!("explain {rules} for {id}: member {}, reference {member}", got["member"]));
            }
            self.explained(&got["tree"], &canonical, c, now).map_err(|m| format!("explain {rules} at {}: {m}\n tree {}", dates::format(now), got["tree"]))?;
        }
        Ok(())
    }

    fn explained(&self, tree: &Value, node: &Value, c: usize, now: i64) -> Result<(), String> {
        let want = rules::matches(node, &self.world, c, now);
        if tree["result"] != json!(want) {
            return Err(format!("{} is {}, reference {want}", tree["path"], tree["result"]));
        }
        let Value::Object(o) = node else { unreachable!() };
        if let Some(Value::Array(kids)) = o.get("conditions") {
            let got = tree["conditions"].as_array().ok_or("a group without conditions")?;
            if got.len() != kids.len() {
                return Err(format!("{} has {} children, reference {}", tree["path"], got.len(), kids.len()));
            }
            return kids.iter().zip(got).try_for_each(|(k, t)| self.explained(t, k, c, now));
        }
        let field = o["field"].as_str().unwrap();
        if field == "segment" {
            for s in tree["segments"].as_array().ok_or("no segments")? {
                let (_, r) = self.world.segments.iter().find(|(id, _)| s["id"] == json!(id)).ok_or("an unknown segment")?;
                if s["member"] != json!(rules::matches(r, &self.world, c, now)) {
                    return Err(format!("{}: segment {} member {}", tree["path"], s["id"], s["member"]));
                }
                self.explained(&s["tree"], &rules::canonical(r), c, now)?;
            }
            return Ok(());
        }
        if !field.starts_with("events.") {
            let want = rules::field_value(&self.world.contacts[c], field).filter(|v| !v.is_null());
            return match (tree.get("actual"), &want) {
                (None | Some(Value::Null), None) => Ok(()),
                (Some(a), Some(w)) if same_json(a, w) => Ok(()),
                (a, w) => Err(format!("{}: actual {a:?}, reference {w:?}", tree["path"])),
            };
        }
        let (_, found) = rules::event_test(o, &self.world, c, now);
        let iso = |t: Option<&i64>| t.map_or(Value::Null, |&t| json!(dates::format(t)));
        let window = found.window.map_or(Value::Null, |(from, to)| json!({ "from": iso(from.as_ref()), "to": dates::format(to) }));
        let close = |a: &Value, b: Option<f64>| match (a.as_f64(), b) {
            (None, None) => a.is_null(),
            (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * y.abs().max(1.0),
            _ => false,
        };
        let value_ok = if o.contains_key("having") { close(&tree["value"], found.value) } else { tree["value"].is_null() };
        if tree["count"] != json!(found.times.len())
            || !value_ok
            || tree["firstAt"] != iso(found.times.first())
            || tree["lastAt"] != iso(found.times.last())
            || tree["window"] != window
        {
            return Err(format!(
                "{}: count {} value {} first {} last {} window {}; reference {} {:?} {:?} {:?} {window}",
                tree["path"], tree["count"], tree["value"], tree["firstAt"], tree["lastAt"], tree["window"],
                found.times.len(), found.value, found.times.first().map(|&t| dates::format(t)), found.times.last().map(|&t| dates::format(t)),
            ));
        }
        Ok(())
    }

    /// Saves `rules` (with `$seg<n>` references) as a segment both sides
    /// know, when valid; an invalid one must be refused.
    pub fn save_segment(&mut self, rules: &Value) -> Result<(), String> {
        let rules = &with_segment_ids(rules, &self.world);
        let e = self.entry("segments.create", json!({ "name": "saved", "rules": rules }), self.now);
        let got = self.engine.execute(&e);
        match (rules::valid(rules, &self.world), got) {
            (true, Ok(text)) => {
                let seg: Value = serde_json::from_str(&text).unwrap();
                self.world.segments.push((seg["id"].as_str().unwrap().to_string(), rules.clone()));
                Ok(())
            }
            (false, Err(err)) if outcome(&Err(err.clone())) == Outcome::Err("VALIDATION_ERROR") => Ok(()),
            (valid, got) => Err(format!("saving {rules}: reference says valid={valid}, engine {got:?}")),
        }
    }

    /// segments.preview of `rules` at `now` against the reference.
    pub fn check_preview(&mut self, rules: &Value, now: i64) -> Result<(), String> {
        let rules = &with_segment_ids(rules, &self.world);
        let e = self.entry("segments.preview", json!({ "rules": rules, "limit": 100 }), now);
        let got = self.engine.query(&e);
        if !rules::valid(rules, &self.world) {
            return match got {
                Err(err) if outcome(&Err(err.clone())) == Outcome::Err("VALIDATION_ERROR") => Ok(()),
                other => Err(format!("invalid rules {rules} were accepted: {other:?}")),
            };
        }
        let got: Value = match got {
            Ok(text) => serde_json::from_str(&text).unwrap(),
            Err(err) => return Err(format!("valid rules {rules} were rejected: {err:?}")),
        };
        let want = self.expected_members(rules, now);
        let ids: Vec<&str> = got["sample"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
        if got["count"].as_u64() != Some(want.len() as u64) || ids != want {
            return Err(format!("rules {rules} at {}:\n engine    {} {ids:?}\n reference {} {want:?}", dates::format(now), got["count"], want.len()));
        }
        Ok(())
    }

    /// Saves `rules` as a segment, computes it at `now` and reads every member page.
    pub fn check_segment(&mut self, rules: &Value, now: i64) -> Result<(), String> {
        let rules = &with_segment_ids(rules, &self.world);
        if !rules::valid(rules, &self.world) {
            return Ok(());
        }
        let e = self.entry("segments.create", json!({ "name": "s", "rules": rules }), self.now);
        let seg: Value = serde_json::from_str(&self.engine.execute(&e).map_err(|e| format!("create: {e:?}"))?).unwrap();
        if seg["rules"] != rules::canonical(rules) {
            return Err(format!("canonical form of {rules}:\n engine    {}\n reference {}", seg["rules"], rules::canonical(rules)));
        }
        let e = self.entry("segments.compute", json!({ "id": seg["id"] }), now);
        let after: Value = serde_json::from_str(&self.engine.execute(&e).map_err(|e| format!("compute: {e:?}"))?).unwrap();
        let mut ids = Vec::new();
        let mut cursor = Value::Null;
        loop {
            let e = self.entry("segments.listMembers", json!({ "id": seg["id"], "limit": 3, "cursor": cursor }), now);
            let page: Value = serde_json::from_str(&self.engine.query(&e).map_err(|e| format!("members: {e:?}"))?).unwrap();
            for m in page["data"].as_array().unwrap() {
                if m["joinedAt"] != json!(dates::format(now)) {
                    return Err(format!("joinedAt {} on a first computation at {}", m["joinedAt"], dates::format(now)));
                }
                ids.push(m["id"].as_str().unwrap().to_string());
            }
            cursor = page["nextCursor"].clone();
            if cursor.is_null() {
                break;
            }
        }
        let want = self.expected_members(rules, now);
        if ids != want || after["memberCount"].as_u64() != Some(want.len() as u64) {
            return Err(format!("segment {rules}: engine {} {ids:?}, reference {want:?}", after["memberCount"]));
        }
        let e = self.entry("segments.delete", json!({ "id": seg["id"] }), self.now);
        self.engine.execute(&e).map_err(|e| format!("delete: {e:?}"))?;
        Ok(())
    }

    /// Creates a segment and computes it at `now` (the rules must be valid); returns its id.
    pub fn compute_new_segment(&mut self, rules: &Value, now: i64) -> Result<String, String> {
        let rules = &with_segment_ids(rules, &self.world);
        let e = self.entry("segments.create", json!({ "name": "s", "rules": rules }), self.now);
        let seg: Value = serde_json::from_str(&self.engine.execute(&e).map_err(|e| format!("create: {e:?}"))?).unwrap();
        let id = seg["id"].as_str().unwrap().to_string();
        self.recompute(&id, now)?;
        Ok(id)
    }

    pub fn recompute(&mut self, id: &str, now: i64) -> Result<(), String> {
        let e = self.entry("segments.compute", json!({ "id": id }), now);
        self.engine.execute(&e).map(drop).map_err(|e| format!("compute: {e:?}"))
    }

    /// Every member of segment `id` as (contact id, joinedAt).
    pub fn members(&mut self, id: &str) -> Result<Vec<(String, String)>, String> {
        let e = self.entry("segments.listMembers", json!({ "id": id, "limit": 100 }), self.now);
        let page: Value = serde_json::from_str(&self.engine.query(&e).map_err(|e| format!("members: {e:?}"))?).unwrap();
        Ok(page["data"].as_array().unwrap().iter().map(|m| (m["id"].as_str().unwrap().into(), m["joinedAt"].as_str().unwrap().into())).collect())
    }

    /// Replaces the engine by one restored from its own snapshot.
    pub fn restore(&mut self) -> Result<(), String> {
        let bytes = self.engine.snapshot();
        self.engine = Engine::restore(&bytes).map_err(|e| format!("restore: {e:?}"))?;
        self.sync()
    }
}
