// The builder's schema warnings, DOM-free: a property key or event name no
// data has is named with the closest one the data has ("did you mean
// plan?"), nothing is warned about when there is no data of that kind, and
// a where's keys are checked against that event's own properties.
import { test } from "node:test";
import assert from "node:assert/strict";
import { closest, keyWarning } from "../../www/lib/schema-hints.js";

const prop = (key) => ({ key, count: 1, types: [{ type: "string", count: 1 }], distinct: 1, top: [] });
const schema = {
  contacts: { count: 3, properties: [prop("country"), prop("plan"), prop("seats")] },
  events: { count: 5, names: [{ name: "login", count: 4, lastAt: null, properties: [] },
    { name: "purchase", count: 1, lastAt: null, properties: [prop("amount"), prop("category")] }] },
  dataChangedAt: "2025-01-01T00:00:00.000Z",
};

test("closest: case first, then a few letters off, else none", () => {
  assert.equal(closest("Plan", ["plan", "plans"]), "plan");
  assert.equal(closest("plann", ["country", "plan", "seats"]), "plan");
  assert.equal(closest("xyz", ["country", "plan"]), null);
});

test("keyWarning: contact properties, event names, where keys of that event", () => {
  assert.equal(keyWarning(schema, { kind: "property", key: "plann" }), "No contact has the property plann — did you mean plan?");
  assert.equal(keyWarning(schema, { kind: "property", key: "plan" }), null);
  assert.equal(keyWarning(schema, { kind: "property", key: "zzzzzz" }), "No contact has the property zzzzzz");
  assert.equal(keyWarning(schema, { kind: "event", key: "logn" }), "No event is named logn — did you mean login?");
  assert.equal(keyWarning(schema, { kind: "event", key: "login" }), null);
  assert.equal(keyWarning(schema, { kind: "property", key: "amout", event: "purchase" }), "No purchase event has the property amout — did you mean amount?");
  assert.equal(keyWarning(schema, { kind: "property", key: "amount", event: "purchase" }), null);
  assert.equal(keyWarning(schema, { kind: "property", key: "x", event: "nope" }), null, "the unknown event is warned about itself");
  assert.equal(keyWarning(schema, { kind: "property", key: "" }), null, "nothing typed, nothing to say");
  assert.equal(keyWarning(null, { kind: "property", key: "plann" }), null, "no schema, no warnings");
  const empty = { contacts: { count: 0, properties: [] }, events: { count: 0, names: [] }, dataChangedAt: null };
  assert.equal(keyWarning(empty, { kind: "property", key: "plan" }), null, "no data yet: every name would be warned");
  assert.equal(keyWarning(empty, { kind: "event", key: "login" }), null);
});
