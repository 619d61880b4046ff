// The rule builder's round trip, without a browser: every value the form
// shows reads back as the same value (property-based, fast-check); for a
// table of rules covering every construct, the builder holds exactly the
// engine's canonical form, and typing what each control shows rebuilds the
// same rule.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Kraiter } from "kraiter-segments";
import {
  showValue, parseValue, valueTypes, fitsOp, normaliseRules, locateDetail, fieldKind, fieldFrom, showWithin,
  PROPERTY_OPS, EVENT_OPS, isGroup, newGroup, newCondition, takesValue, isEventOp, windowMode, showHavingValue,
} from "../../www/lib/rule-model.js";
import {
  setKind, setOp, setValue, setWindowMode, setBound, setTimeZone, addHaving, setHavingFn, setHavingProperty,
  setHavingOp, setHavingValue, addWhere, setOperator, toggleSegment,
} from "../../www/lib/rule-edits.js";
import { orderKeys } from "../../www/lib/rule-canon.js";
import { CANONICAL, SPELLINGS, ref } from "./rule-table.mjs";

const ops = [...PROPERTY_OPS, ...EVENT_OPS].map(([op]) => op);
const json = fc.jsonValue({ maxDepth: 3 });
const scalars = fc.oneof(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean());
const values = fc.oneof(json, scalars, fc.array(scalars, { minLength: 1 }), fc.array(fc.string(), { minLength: 1 }));

test("what the form shows for a value reads back as that value, for every op", () => {
  fc.assert(fc.property(fc.constantFrom(...ops), values, (op, value) => {
    const shown = showValue(op, value);
    assert.ok(valueTypes(op).includes(shown.type), `${shown.type} is offered for ${op}`);
    assert.deepEqual(parseValue(op, shown.type, shown.text), JSON.parse(JSON.stringify(value)));
  }), { numRuns: 3000 });
});

test("a type the user picked is kept whenever it shows the value exactly", () => {
  fc.assert(fc.property(fc.constantFrom(...ops), values, fc.constantFrom("text", "number", "boolean", "date", "json"), (op, value, preferred) => {
    const shown = showValue(op, value, preferred);
    assert.deepEqual(parseValue(op, shown.type, shown.text), JSON.parse(JSON.stringify(value)));
  }), { numRuns: 3000 });
  assert.deepEqual(showValue("eq", undefined, "number"), { type: "number", text: "" });
  assert.deepEqual(showValue("eq", "10", "text"), { type: "text", text: "10" });
});

test("plain values get the plain editor, not the JSON escape hatch", () => {
  assert.deepEqual(showValue("eq", "pro"), { type: "text", text: "pro" });
  assert.deepEqual(showValue("eq", 10), { type: "number", text: "10" });
  assert.deepEqual(showValue("neq", false), { type: "boolean", text: "false" });
  assert.deepEqual(showValue("in", ["pro", "enterprise"]), { type: "text", text: "pro, enterprise" });
  assert.deepEqual(showValue("in", [1, 2]), { type: "number", text: "1, 2" });
  assert.deepEqual(showValue("gte", "2025-01-01"), { type: "date", text: "2025-01-01" });
  assert.deepEqual(showValue("in", ["a,b"]).type, "json");
  assert.deepEqual(showValue("eq", "").type, "json");
});

test("an empty input means no value, so the validator can say it is missing", () => {
  assert.equal(parseValue("eq", "text", ""), undefined);
  assert.equal(parseValue("in", "number", "  "), undefined);
  assert.equal(parseValue("eq", "json", ""), undefined);
});

test("canonical rules are unchanged by the builder's normal form; long ops and bare arrays are normalised", () => {
  const canonical = {
    operator: "and",
    conditions: [
      { field: "properties.plan", op: "in", value: ["pro", "enterprise"] },
      { operator: "or", conditions: [
        { field: "events.login", op: "occurred", within: "7d" },
        { field: "properties.seats", op: "gte", value: 10 },
      ] },
    ],
  };
  assert.deepEqual(normaliseRules(structuredClone(canonical)), canonical);
  assert.deepEqual(normaliseRules([{ field: "email", op: "endsWith", value: "@x.com" }]),
    { operator: "and", conditions: [{ field: "email", op: "ends_with", value: "@x.com" }] });
});

test("fields split into kind and key and join back", () => {
  for (const field of ["properties.plan", "properties.a.b", "events.Login", "email", "createdAt", "updatedAt", "suppressed", "nonsense.x"]) {
    const { kind, key } = fieldKind(field);
    assert.equal(fieldFrom(kind, key), field);
  }
  assert.equal(fieldKind("properties.a.b").key, "a.b");
});

test("validation paths find the deepest condition they point into", () => {
  const nodes = ["rules", "rules.conditions[0]", "rules.conditions[1]", "rules.conditions[1].conditions[0]", "rules.conditions[10]"];
  assert.deepEqual(locateDetail("rules.conditions[1].conditions[0].op", nodes), { node: "rules.conditions[1].conditions[0]", rest: ".op" });
  assert.deepEqual(locateDetail("rules.conditions[10].value[2]", nodes), { node: "rules.conditions[10]", rest: ".value[2]" });
  assert.deepEqual(locateDetail("rules.conditions", nodes), { node: "rules", rest: ".conditions" });
  assert.deepEqual(locateDetail("name", nodes), { node: null, rest: "name" });
});

test("within reads as amount and unit only in the form's own shape", () => {
  assert.deepEqual(showWithin("30m"), { amount: "30", unit: "m" });
  assert.equal(showWithin("07d"), null);
  assert.equal(showWithin("9y"), null);
  assert.equal(showWithin(7), null);
});

test("a value fits an op when it is the kind of value the op takes", () => {
  assert.equal(fitsOp("gte", 10), true);
  assert.equal(fitsOp("gte", "2025-01-01"), true);
  assert.equal(fitsOp("gte", "pro"), false);
  assert.equal(fitsOp("in", ["a", 1]), true);
  assert.equal(fitsOp("in", "a"), false);
  assert.equal(fitsOp("contains", "a"), true);
  assert.equal(fitsOp("exists", "a"), false);
  assert.equal(fitsOp("eq", true), true);
});

// ---- every construct of the language, against the engine ------------------

/**
 * Rebuilds a rule the way a user would through the builder's controls, typing
 * into each control exactly what it shows for `rule` (rule-model.js shows,
 * rule-edits.js applies): the result must be the same rule.
 */
function retype(node) {
  if (isGroup(node)) {
    const group = newGroup();
    group.conditions = node.conditions.map(retype);
    setOperator(group, node.operator);
    return group;
  }
  const { kind, key } = fieldKind(node.field);
  const cond = newCondition("property");
  setKind(cond, "property", kind, key);
  setOp(cond, node.op);
  if (kind === "segment") {
    for (const id of node.value) toggleSegment(cond, id, true);
  } else if (takesValue(node.op)) {
    const shown = showValue(node.op, node.value);
    assert.notEqual(shown.type, "json", `${JSON.stringify(node.value)} for ${node.op} gets a plain editor`);
    setValue(cond, parseValue(node.op, shown.type, shown.text));
  }
  if (isEventOp(node.op)) {
    setWindowMode(cond, windowMode(node));
    if (node.within !== undefined) {
      const w = showWithin(node.within);
      assert.ok(w, `within ${node.within} gets amount and unit`);
      cond.within = `${w.amount}${w.unit}`;
    }
    for (const k of ["from", "to"]) setBound(cond, k, node[k] ?? "");
    if (node.having) {
      addHaving(cond);
      setHavingFn(cond.having, node.having.fn);
      if (node.having.property !== undefined) setHavingProperty(cond.having, node.having.property);
      setHavingOp(cond.having, node.having.op);
      setHavingValue(cond.having, showHavingValue(node.having.value));
    }
    if (node.where) {
      addWhere(cond);
      cond.where = retype(node.where);
    }
  }
  setTimeZone(cond, node.timeZone ?? "");
  return cond;
}

async function withKraiter(fn) {
  const kraiter = await Kraiter.open({ now: () => Date.parse("2025-12-01T10:00:00Z") });
  try {
    const base = await kraiter.segments.create({ name: "base", rules: [{ field: "properties.plan", op: "eq", value: "pro" }] });
    await fn(kraiter, base.id);
  } finally {
    await kraiter.close();
  }
}

test("every construct: the builder holds a canonical rule exactly as the engine stores it", async () => {
  await withKraiter(async (kraiter, segId) => {
    for (const [name, table] of CANONICAL) {
      const rule = ref(table, segId);
      const stored = (await kraiter.segments.create({ name, rules: rule })).rules;
      assert.equal(JSON.stringify(stored), JSON.stringify(rule), `${name}: the table holds the engine's canonical form`);
      assert.equal(JSON.stringify(normaliseRules(structuredClone(rule))), JSON.stringify(rule), `${name}: unchanged by the builder`);
      assert.equal(JSON.stringify(orderKeys(rule)), JSON.stringify(rule), `${name}: the JSON view's key order is the engine's`);
    }
  });
});

test("every construct: typing what each control shows gives the same rule back", () => {
  for (const [name, rule] of CANONICAL) {
    assert.equal(JSON.stringify(normaliseRules(retype(rule))), JSON.stringify(rule), name);
  }
});

test("accepted spellings are shown in the engine's canonical form", async () => {
  await withKraiter(async (kraiter) => {
    for (const [name, rule] of SPELLINGS) {
      const stored = (await kraiter.segments.create({ name, rules: rule })).rules;
      const held = normaliseRules(structuredClone(rule));
      assert.equal(JSON.stringify(held), JSON.stringify(stored), name);
      assert.notEqual(JSON.stringify(rule), JSON.stringify(stored), `${name} is not canonical to begin with`);
      assert.equal(JSON.stringify(normaliseRules(held)), JSON.stringify(held), `${name}: canonical form is a fixed point`);
    }
  });
});

test("an invalid rule is held as written, so the engine can say what is wrong and where", () => {
  const typo = { operator: "and", conditions: [{ field: "events.login", op: "occurred", wihtin: "7d", having: { fn: "sum", op: "gt", value: "x" } }] };
  assert.deepEqual(normaliseRules(structuredClone(typo)), typo);
  assert.deepEqual(normaliseRules({ operator: "not", conditions: [] }), { operator: "not", conditions: [] });
});

test("window, having and group edits keep the rule's shape", () => {
  const cond = { field: "events.login", op: "occurred", within: "7d", timeZone: "UTC" };
  setWindowMode(cond, "range");
  assert.deepEqual(cond, { field: "events.login", op: "occurred", timeZone: "UTC", from: "-30d" });
  setWindowMode(cond, "none");
  assert.deepEqual(cond, { field: "events.login", op: "occurred" }, "no window, no time zone");
  addHaving(cond);
  setHavingFn(cond.having, "sum");
  assert.deepEqual(cond.having, { fn: "sum", op: "gte", value: 1, property: "" }, "sum asks for a property");
  setHavingFn(cond.having, "count");
  assert.equal("property" in cond.having, false, "count takes none");
  setHavingValue(cond.having, "abc");
  assert.equal(cond.having.value, "abc", "not a number: kept for the validator to name");
  const group = { operator: "and", conditions: [{ field: "email", op: "exists" }, { field: "suppressed", op: "eq", value: true }] };
  setOperator(group, "not");
  assert.deepEqual(group, { operator: "not", conditions: [{ operator: "or", conditions: [{ field: "email", op: "exists" }, { field: "suppressed", op: "eq", value: true }] }] },
    "none of several is not (any of them)");
  const seg = { field: "segment", op: "in" };
  toggleSegment(seg, "seg_b", true);
  toggleSegment(seg, "seg_a", true);
  toggleSegment(seg, "seg_b", true);
  assert.deepEqual(seg.value, ["seg_b", "seg_a"]);
  toggleSegment(seg, "seg_b", false);
  toggleSegment(seg, "seg_a", false);
  assert.equal("value" in seg, false);
  const ev = { field: "events.purchase", op: "occurred", within: "7d", where: { operator: "and", conditions: [] }, having: { fn: "count", op: "gt", value: 1 } };
  setKind(ev, "event", "property", "purchase");
  assert.deepEqual(ev, { field: "properties.purchase", op: "eq" }, "a property condition keeps no event parts");
});

test("relative dates are dates for the ops that compare dates", () => {
  for (const v of ["now", "-7d", "+3d", "+12h", "-30m", "-2w"]) {
    assert.equal(fitsOp("before", v), true, v);
    assert.deepEqual(showValue("gte", v), { type: "date", text: v });
  }
  assert.equal(fitsOp("before", "7d"), false);
  assert.equal(fitsOp("before", "-7y"), false);
});
