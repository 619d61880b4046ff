// Hostile input through the SDK, beyond tests/sdk/failures.test.mjs (which
// covers a 10,000-deep rule tree and a 1M-element `in` list in preview,
// NaN/Infinity as rule values, a cyclic object, and __proto__/constructor on
// contacts.create). Here: 10 MB rule documents (one valid, one not), the
// 1M-element list on the stored paths, 10,000-deep nesting everywhere input
// is taken, __proto__/constructor in every returned shape, lone surrogates
// and NUL, extreme and non-finite numbers. Every call either succeeds with
// the right answer or rejects with VALIDATION_ERROR (short message, paths),
// never a trap, and the instance keeps working after each.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Kraiter } from "kraiter-segments";
import { T0 } from "./helpers.mjs";

async function fresh() {
  const kraiter = await Kraiter.open({ now: () => T0 });
  const a = await kraiter.contacts.create({ email: "a@x.io", properties: { s: "needle", n: 1 } });
  return { kraiter, a };
}

/** Rejects with VALIDATION_ERROR, a bounded message and details with paths. */
async function invalid(promise, pathStart = null) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.name, "KraiterError", e.stack);
    assert.equal(e.code, "VALIDATION_ERROR", e.message);
    assert.ok(e.message.length < 1000, `message of ${e.message.length} chars`);
    assert.ok(Array.isArray(e.details) && e.details.length <= 100);
    if (pathStart !== null) assert.ok(e.details.some((d) => d.path.startsWith(pathStart)), JSON.stringify(e.details));
    return e;
  }
  assert.fail("expected VALIDATION_ERROR");
}

/** The instance still answers and writes. */
async function usable(kraiter) {
  const c = await kraiter.contacts.create({ email: "still-usable@x.io" });
  assert.equal((await kraiter.contacts.get(c.id)).email, "still-usable@x.io");
  assert.equal((await kraiter.segments.preview([{ field: "email", op: "eq", value: "still-usable@x.io" }])).count, 1);
}

test("a 10 MB rule document: valid ones are stored and evaluated, oversized ones rejected", async () => {
  const { kraiter, a } = await fresh();
  // 10,000 values of 1,000 characters (the list limit) and the one that matches: about 10 MB.
  const values = Array.from({ length: 9_999 }, (_, i) => `${i}-${"x".repeat(1000)}`).concat(["needle"]);
  const rules = [{ field: "properties.s", op: "in", value: values }];
  assert.ok(JSON.stringify(rules).length > 10_000_000);
  const s = await kraiter.segments.create({ name: "big", rules });
  assert.equal(s.rules.conditions[0].value.length, 10_000);
  await kraiter.segments.compute(s.id);
  assert.equal((await kraiter.segments.waitForCompute(s.id)).memberCount, 1);
  assert.equal((await kraiter.segments.listMembers(s.id)).data[0].id, a.id);
  // 10 MB spread over too many conditions: rejected, quickly and briefly.
  const many = Array.from({ length: 5_000 }, () => ({ field: "properties.s", op: "eq", value: "y".repeat(2000) }));
  const started = Date.now();
  await invalid(kraiter.segments.create({ name: "too many", rules: many }), "rules");
  await invalid(kraiter.segments.update(s.id, { rules: many }), "rules");
  assert.ok(Date.now() - started < 10_000);
  assert.equal((await kraiter.segments.get(s.id)).rules.conditions[0].value.length, 10_000, "a failed update changed nothing");
  await usable(kraiter);
  await kraiter.close();
});

test("a 1M-element list is rejected on create, update, and inside a nested group", async () => {
  const { kraiter } = await fresh();
  const million = Array.from({ length: 1_000_000 }, (_, i) => i);
  const s = await kraiter.segments.create({ name: "ok", rules: [{ field: "properties.n", op: "in", value: [1] }] });
  const e = await invalid(kraiter.segments.create({ name: "m", rules: [{ field: "properties.n", op: "not_in", value: million }] }), "rules[0].value");
  assert.match(e.message, /10000/);
  await invalid(kraiter.segments.update(s.id, { rules: { operator: "or", conditions: [{ operator: "and", conditions: [{ field: "properties.n", op: "in", value: million }] }] } }), "rules.conditions[0].conditions[0].value");
  assert.deepEqual((await kraiter.segments.get(s.id)).rules.conditions[0].value, [1]);
  await usable(kraiter);
  await kraiter.close();
});

test("10,000-deep nesting is rejected wherever input is taken, without a stack overflow", async () => {
  const { kraiter, a } = await fresh();
  let deepArr = [];
  let deepObj = {};
  for (let i = 0; i < 10_000; i++) {
    deepArr = [deepArr];
    deepObj = { k: deepObj };
  }
  let deepRules = { field: "email", op: "exists" };
  for (let i = 0; i < 10_000; i++) deepRules = { operator: "or", conditions: [deepRules] };
  const s = await kraiter.segments.create({ name: "ok", rules: [{ field: "email", op: "exists" }] });
  const calls = [
    () => kraiter.segments.create({ name: "deep", rules: deepRules }),
    () => kraiter.segments.update(s.id, { rules: deepRules }),
    () => kraiter.segments.create({ name: "deep", rules: [{ field: "properties.x", op: "in", value: deepArr }] }),
    () => kraiter.contacts.create({ email: "d@x.io", properties: { x: deepArr } }),
    () => kraiter.contacts.update(a.id, { properties: { x: deepObj } }),
    () => kraiter.contacts.import([{ email: "d@x.io", properties: deepObj }]),
    () => kraiter.events.track({ name: "e", contactId: a.id, properties: { x: deepArr } }),
    () => kraiter.events.import([{ name: "e", contactId: a.id, properties: deepObj }]),
  ];
  for (const call of calls) await invalid(call());
  // 30 levels (under JSON's usual limits, over the 32-group rule limit when nested as groups) are fine as data.
  let ok = "leaf";
  for (let i = 0; i < 30; i++) ok = [ok];
  const c = await kraiter.contacts.create({ email: "nested@x.io", properties: { x: ok } });
  assert.deepEqual(c.properties.x, ok);
  assert.equal((await kraiter.contacts.list()).data.length, 2, "no failed call left a contact behind");
  await usable(kraiter);
  await kraiter.close();
});

test("__proto__ and constructor keys never pollute a prototype, in any returned shape", async () => {
  const { kraiter } = await fresh();
  const props = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}, "prototype": 3}');
  const created = await kraiter.contacts.create({ email: "p@x.io", properties: props });
  await kraiter.contacts.import(JSON.parse('[{"email": "q@x.io", "properties": {"__proto__": {"polluted": 4}}}]'));
  const updated = await kraiter.contacts.update(created.id, JSON.parse('{"properties": {"__proto__": {"polluted": 5, "more": true}}}'));
  const event = await kraiter.events.track(JSON.parse(`{"name": "__proto__", "contactId": "${created.id}", "properties": {"__proto__": {"polluted": 6}}}`));
  // Unknown keys in a condition, even these, are refused at their path.
  const extra = JSON.parse('[{"field": "properties.__proto__", "op": "exists", "__proto__": {"polluted": 7}}, {"field": "events.__proto__", "op": "occurred", "constructor": 1}]');
  await assert.rejects(kraiter.segments.create({ name: "__proto__", rules: extra }), (e) =>
    e.code === "VALIDATION_ERROR" && e.details.map((d) => d.path).join() === "rules[0].__proto__,rules[1].constructor");
  const rules = JSON.parse('[{"field": "properties.__proto__", "op": "exists"}, {"field": "events.__proto__", "op": "occurred"}]');
  const seg = await kraiter.segments.create({ name: "__proto__", rules });
  await kraiter.segments.compute(seg.id);
  const computed = await kraiter.segments.waitForCompute(seg.id);
  const members = (await kraiter.segments.listMembers(seg.id)).data;
  const preview = await kraiter.segments.preview(rules);
  const listed = (await kraiter.contacts.list()).data;

  assert.equal({}.polluted, undefined);
  assert.equal(Object.prototype.polluted, undefined);
  assert.equal(Object.prototype.more, undefined);
  const plainObjects = [created, updated, event, seg, computed, preview, ...members, ...listed, created.properties, updated.properties, event.properties, seg.rules, ...seg.rules.conditions];
  for (const o of plainObjects) {
    assert.equal(Object.getPrototypeOf(o), Object.prototype);
    assert.equal(o.polluted, undefined);
  }
  // The keys are plain own data.
  assert.deepEqual(Object.getOwnPropertyDescriptor(updated.properties, "__proto__").value, { polluted: 5, more: true });
  assert.deepEqual(updated.properties.constructor, { prototype: { polluted: 2 } });
  assert.deepEqual(Object.getOwnPropertyDescriptor(event.properties, "__proto__").value, { polluted: 6 });
  assert.deepEqual(Object.keys(seg.rules.conditions[0]), ["field", "op"]);
  assert.equal(computed.memberCount, 1);
  assert.deepEqual(members.map((m) => m.id), [created.id]);
  assert.equal(preview.count, 1);
  await usable(kraiter);
  await kraiter.close();
});

test("lone surrogates are rejected, NUL is kept as data", async () => {
  const { kraiter, a } = await fresh();
  for (const bad of ["\uD800", "\uDC00", "a\uD83Db", "x\uDFFF"]) {
    await invalid(kraiter.contacts.create({ email: "s@x.io", properties: { s: bad } }), "properties.s");
    await invalid(kraiter.contacts.import([{ email: "s@x.io", properties: { s: bad } }]), "[0].properties.s");
    await invalid(kraiter.contacts.update(a.id, { properties: { s: bad } }));
    await invalid(kraiter.contacts.create({ email: `s${bad}@x.io` }));
    await invalid(kraiter.segments.create({ name: `n${bad}`, rules: [{ field: "email", op: "exists" }] }));
    await invalid(kraiter.segments.preview([{ field: "properties.s", op: "eq", value: bad }]));
    await invalid(kraiter.events.track({ name: `e${bad}`, contactId: a.id }));
  }
  assert.equal((await kraiter.contacts.get(a.id)).properties.s, "needle", "nothing changed");
  assert.equal((await kraiter.contacts.list()).data.length, 1);
  // A well-formed pair is one character, kept as is.
  const emoji = await kraiter.contacts.create({ email: "e@x.io", properties: { s: "\uD83D\uDE00" } });
  assert.equal(emoji.properties.s, "😀");
  // NUL is ordinary data in names, keys, values and event names.
  const nul = await kraiter.contacts.create({ email: "z@x.io", properties: { "k\u0000ey": "v\u0000al" } });
  assert.equal(nul.properties["k\u0000ey"], "v\u0000al");
  await kraiter.events.track({ name: "e\u0000v", contactId: nul.id });
  const s = await kraiter.segments.create({ name: "n\u0000ul", rules: [{ field: "properties.k\u0000ey", op: "eq", value: "v\u0000al" }, { field: "events.e\u0000v", op: "occurred" }] });
  assert.equal(s.name, "n\u0000ul");
  await kraiter.segments.compute(s.id);
  await kraiter.segments.waitForCompute(s.id);
  assert.deepEqual((await kraiter.segments.listMembers(s.id)).data.map((m) => m.id), [nul.id]);
  assert.equal((await kraiter.segments.preview([{ field: "properties.k\u0000ey", op: "contains", value: "\u0000" }])).count, 1);
  await invalid(kraiter.contacts.create({ email: "n\u0000l@x.io" }), "email");
  await usable(kraiter);
  await kraiter.close();
});

test("huge numbers compare exactly; NaN and Infinity are rejected wherever they appear", async () => {
  const { kraiter, a } = await fresh();
  const c = await kraiter.contacts.create({
    email: "n@x.io",
    properties: { max: Number.MAX_VALUE, min: -Number.MAX_VALUE, tiny: Number.MIN_VALUE, big: 2 ** 53 + 2, neg0: -0, e300: 1e300 },
  });
  assert.deepEqual(c.properties, { max: Number.MAX_VALUE, min: -Number.MAX_VALUE, tiny: Number.MIN_VALUE, big: 2 ** 53 + 2, neg0: 0, e300: 1e300 });
  const count = async (field, op, value) => (await kraiter.segments.preview([{ field: `properties.${field}`, op, value }])).count;
  assert.equal(await count("max", "gte", Number.MAX_VALUE), 1);
  assert.equal(await count("max", "gt", Number.MAX_VALUE), 0);
  assert.equal(await count("min", "lt", -1e308), 1);
  assert.equal(await count("tiny", "gt", 0), 1);
  assert.equal(await count("tiny", "eq", Number.MIN_VALUE), 1);
  assert.equal(await count("big", "eq", 2 ** 53 + 2), 1);
  assert.equal(await count("big", "eq", 2 ** 53), 0);
  assert.equal(await count("neg0", "eq", 0), 1);
  assert.equal(await count("e300", "in", [1e300, "1e300"]), 1);
  assert.equal(await count("e300", "eq", "1e300"), 0, "type-strict");

  for (const bad of [NaN, Infinity, -Infinity]) {
    await invalid(kraiter.contacts.create({ email: "f@x.io", properties: { x: bad } }), "properties.x");
    await invalid(kraiter.contacts.update(a.id, { properties: { n: bad } }), "properties.n");
    await invalid(kraiter.contacts.import([{ email: "f@x.io" }, { email: "g@x.io", properties: { deep: [1, { x: bad }] } }]), "[1].properties.deep[1].x");
    await invalid(kraiter.events.track({ name: "e", contactId: a.id, timestamp: bad }), "timestamp");
    await invalid(kraiter.events.import([{ name: "e", contactId: a.id, timestamp: bad }]), "[0].timestamp");
    await invalid(kraiter.segments.preview([{ field: "properties.n", op: "in", value: [1, bad] }]), "rules[0].value[1]");
    await invalid(kraiter.segments.preview([{ field: "properties.n", op: "lt", value: bad }]), "rules[0].value");
    await invalid(kraiter.contacts.list({ limit: bad }), "limit");
  }
  // Finite but past year 9999 (or before year 0): out of range.
  for (const far of [253_402_300_800_000, 8.64e15 + 1, -1e20, Number.MAX_VALUE]) {
    await invalid(kraiter.events.track({ name: "e", contactId: a.id, timestamp: far }), "timestamp");
  }
  await invalid(kraiter.contacts.create({ email: "b@x.io", properties: { x: 10n } }));
  assert.deepEqual((await kraiter.contacts.get(a.id)).properties, { s: "needle", n: 1 }, "nothing changed");
  assert.equal((await kraiter.segments.preview([{ field: "events.e", op: "occurred" }])).count, 0, "no event was recorded");
  await usable(kraiter);
  await kraiter.close();
});
