// The rule builder's op names and long spellings (www/lib/rule-model.js,
// which reads them from js/rule-ops.js) are the engine's: read from the
// engine's source (src/rules/op.rs) in both directions, and through the
// package, where every spelling is accepted and stored in its canonical form.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Kraiter } from "kraiter-segments";
import { EVENT_OP_NAMES, LONG_OPS, PROPERTY_OP_NAMES } from "../../js/rule-ops.js";
import * as model from "../../www/lib/rule-model.js";

/** `"spelling" | "spelling" => Op::X` arms of Op::from_name and `Op::X => "name"` arms of Op::name. */
function engineOps() {
  const file = readFileSync(new URL("../../src/rules/op.rs", import.meta.url), "utf8");
  const source = file.slice(file.indexOf("impl Op {")); // op.rs also holds `Agg`
  const fromName = source.slice(source.indexOf("pub fn from_name"), source.indexOf("pub fn name"));
  const name = source.slice(source.indexOf("pub fn name"), source.indexOf("pub fn is_event_op"));
  const canonical = Object.fromEntries([...name.matchAll(/Op::(\w+) => "(\w+)"/g)].map((m) => [m[1], m[2]]));
  const spellings = {};
  for (const [, names, variant] of fromName.matchAll(/((?:"\w+"\s*\|?\s*)+)=> Op::(\w+)/g)) {
    for (const [, spelling] of names.matchAll(/"(\w+)"/g)) spellings[spelling] = canonical[variant];
  }
  const events = [...source.matchAll(/matches!\(self, ([^)]*)\)/g)][0][1].split("|").map((v) => canonical[v.trim().replace("Op::", "")]);
  return { canonical: Object.values(canonical), spellings, events };
}

test("the shared list is the engine's: canonical names, long spellings, event ops", () => {
  const engine = engineOps();
  assert.ok(engine.canonical.length >= 18, "op.rs was read");
  assert.deepEqual([...PROPERTY_OP_NAMES, ...EVENT_OP_NAMES].sort(), [...engine.canonical].sort());
  assert.deepEqual([...EVENT_OP_NAMES].sort(), [...engine.events].sort());
  const long = Object.fromEntries(Object.entries(engine.spellings).filter(([spelling, canon]) => spelling !== canon));
  assert.deepEqual({ ...LONG_OPS }, long);
});

test("the rule builder uses the shared list", () => {
  assert.equal(model.LONG_OPS, LONG_OPS);
  assert.deepEqual(model.PROPERTY_OPS.map(([op]) => op), PROPERTY_OP_NAMES);
  assert.deepEqual(model.EVENT_OPS.map(([op]) => op), EVENT_OP_NAMES);
  assert.deepEqual(model.normaliseRules([{ field: "properties.a", op: "greaterThanOrEquals", value: 1 }]).conditions[0].op, "gte");
});

test("the engine accepts every spelling and stores the canonical name the list gives", async () => {
  const kraiter = await Kraiter.open({ now: () => Date.parse("2025-09-15T10:00:00Z") });
  const value = (op) => {
    if (["in", "not_in"].includes(op)) return { value: ["x"] };
    if (["gt", "gte", "lt", "lte"].includes(op)) return { value: 1 };
    if (["before", "after"].includes(op)) return { value: "2025-01-01" };
    if (["exists", "not_exists", ...EVENT_OP_NAMES].includes(op)) return {};
    return { value: "x" };
  };
  const spellings = [...PROPERTY_OP_NAMES.map((op) => [op, op]), ...Object.entries(LONG_OPS)];
  for (const [spelling, canonical] of spellings) {
    const s = await kraiter.segments.create({ name: spelling, rules: [{ field: "properties.a", op: spelling, ...value(canonical) }] });
    assert.equal(s.rules.conditions[0].op, canonical, spelling);
  }
  for (const op of EVENT_OP_NAMES) {
    const s = await kraiter.segments.create({ name: op, rules: [{ field: "events.login", op, within: "7d" }] });
    assert.equal(s.rules.conditions[0].op, op);
  }
  await assert.rejects(kraiter.segments.create({ name: "x", rules: [{ field: "properties.a", op: "EQ", value: 1 }] }), { code: "VALIDATION_ERROR" });
  await kraiter.close();
});
