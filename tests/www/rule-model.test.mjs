// The rule builder's round trip, without a browser: every value the form
// shows reads back as the same value (property-based, fast-check), and the
// builder's normal form keeps canonical rules unchanged.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  showValue, parseValue, valueTypes, fitsOp, normaliseRules, locateDetail, fieldKind, fieldFrom, showWithin,
  PROPERTY_OPS, EVENT_OPS,
} from "../../www/lib/rule-model.js";

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
