// A failed call changes nothing: storage that rejects a write, hostile
// input, and reopening after failures. Also the error contract itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Kraiter, KraiterError, memoryStorage } from "kraiter-segments";
import { open, rejects, T0 } from "./helpers.mjs";

/** memoryStorage whose next append fails while `failing` is set. */
function flaky() {
  const inner = memoryStorage();
  const s = { failing: false, ...inner };
  s.append = async (entry) => {
    if (s.failing) throw new Error("disk full");
    return inner.append(entry);
  };
  return s;
}

test("a storage failure rejects with STORAGE_ERROR and leaves no trace", async () => {
  const storage = flaky();
  const { kraiter } = await open({ storage });
  const a = await kraiter.contacts.create({ email: "a@x.io", properties: { plan: "pro" } });
  const s = await kraiter.segments.create({ name: "Pro", rules: [{ field: "properties.plan", op: "eq", value: "pro" }] });
  storage.failing = true;
  const e = await rejects(assert, kraiter.contacts.create({ email: "b@x.io" }), "STORAGE_ERROR");
  assert.equal(e.status, 500);
  await rejects(assert, kraiter.contacts.update(a.id, { properties: { plan: "free" } }), "STORAGE_ERROR");
  await rejects(assert, kraiter.segments.delete(s.id), "STORAGE_ERROR");
  await rejects(assert, kraiter.events.import([{ name: "x", email: "c@x.io" }]), "STORAGE_ERROR");
  await kraiter.segments.compute(s.id);
  await rejects(assert, kraiter.segments.waitForCompute(s.id), "STORAGE_ERROR");
  storage.failing = false;
  assert.equal((await kraiter.segments.get(s.id)).computedAt, null, "the failed computation left the previous membership");
  assert.deepEqual((await kraiter.contacts.get(a.id)).properties, { plan: "pro" });
  assert.equal((await kraiter.contacts.list()).data.length, 1);
  // b@x.io was never created, so it can be now.
  await kraiter.contacts.create({ email: "b@x.io" });
  await kraiter.close();
  const reopened = await Kraiter.open({ storage, now: () => T0 });
  assert.deepEqual((await reopened.contacts.list()).data.map((c) => c.email), ["a@x.io", "b@x.io"]);
  assert.equal((await reopened.segments.list()).data.length, 1);
});

test("reopening memory storage gives back segments, contacts, events and members", async () => {
  const storage = memoryStorage();
  const { kraiter } = await open({ storage });
  const c = await kraiter.contacts.create({ email: "a@x.io" });
  await kraiter.events.track({ name: "login", contactId: c.id });
  const s = await kraiter.segments.create({ name: "L", rules: [{ field: "events.login", op: "occurred", within: "1d" }] });
  await kraiter.segments.compute(s.id);
  const computed = await kraiter.segments.waitForCompute(s.id);
  const members = await kraiter.segments.listMembers(s.id);
  await kraiter.close();
  await rejects(assert, kraiter.contacts.list(), "STORAGE_ERROR");
  const again = await Kraiter.open({ storage, now: () => T0 });
  assert.deepEqual(await again.segments.get(s.id), computed);
  assert.deepEqual(await again.segments.listMembers(s.id), members);
  assert.equal((await again.segments.preview([{ field: "events.login", op: "occurred" }])).count, 1);
});

test("large logs compact into a snapshot that reopens to the same state", async () => {
  const storage = memoryStorage();
  const { kraiter } = await open({ storage });
  const pad = "x".repeat(60);
  const batch = (k) => Array.from({ length: 20_000 }, (_, i) => ({ email: `u${k}-${i}@example.com`, properties: { k, i, tag: `t${i % 97}`, pad } }));
  for (let k = 0; k < 12; k++) await kraiter.contacts.import(batch(k));
  const stored = await storage.load();
  assert.ok(stored.snapshot instanceof Uint8Array && stored.snapshot.length > 0, "a snapshot was written once the log passed 16 MB");
  assert.ok(stored.log.length < 12, "and the log was cut");
  const p = await kraiter.segments.preview([{ field: "properties.tag", op: "eq", value: "t5" }]);
  await kraiter.close();
  assert.equal((await storage.load()).log.length, 0, "close compacts what is left");
  const again = await Kraiter.open({ storage, now: () => T0 });
  assert.deepEqual(await again.segments.preview([{ field: "properties.tag", op: "eq", value: "t5" }]), p);
  assert.equal((await again.contacts.list({ limit: 1 })).data[0].email, "u0-0@example.com");
});

test("hostile input is rejected with VALIDATION_ERROR and the instance keeps working", async () => {
  const { kraiter } = await open();
  let deep = { field: "email", op: "exists" };
  for (let i = 0; i < 10_000; i++) deep = { operator: "and", conditions: [deep] };
  await rejects(assert, kraiter.segments.preview(deep), "VALIDATION_ERROR");
  await rejects(assert, kraiter.segments.preview([{ field: "properties.a", op: "in", value: Array.from({ length: 1_000_000 }, (_, i) => i) }]), "VALIDATION_ERROR");
  const cyclic = {};
  cyclic.self = cyclic;
  await rejects(assert, kraiter.contacts.create({ email: "a@x.io", properties: cyclic }), "VALIDATION_ERROR");
  await rejects(assert, kraiter.segments.create({ name: "x", rules: [{ field: "properties.a", op: "eq", value: NaN }] }), "VALIDATION_ERROR");
  await rejects(assert, kraiter.segments.create({ name: "x", rules: [{ field: "properties.a", op: "gt", value: Infinity }] }), "VALIDATION_ERROR");
  const c = await kraiter.contacts.create({ email: "ok@x.io", properties: JSON.parse('{"__proto__": {"polluted": 1}, "constructor": "c", "nul": "a\\u0000b", "big": 1e308}') });
  assert.equal({}.polluted, undefined);
  assert.equal(Object.getPrototypeOf(c.properties), Object.prototype);
  assert.equal(c.properties.constructor, "c");
  assert.equal(c.properties.nul, "a\u0000b");
  assert.equal((await kraiter.segments.preview([{ field: "properties.big", op: "gt", value: 1e307 }])).count, 1);
  assert.equal((await kraiter.segments.preview([{ field: "properties.constructor", op: "eq", value: "c" }])).count, 1);
});

test("KraiterError carries code, status, message and details, and serialises to the envelope", async () => {
  const { kraiter } = await open();
  const e = await rejects(assert, kraiter.segments.create({ name: "x", rules: [{ field: "nope", op: "eq", value: 1 }] }), "VALIDATION_ERROR");
  assert.ok(e instanceof KraiterError && e instanceof Error);
  assert.equal(e.status, 400);
  assert.ok(e.message.includes("rules[0].field"));
  assert.deepEqual(JSON.parse(JSON.stringify(e)), { error: { code: "VALIDATION_ERROR", message: e.message, details: e.details } });
  const nf = await rejects(assert, kraiter.contacts.get("cnt_nope"), "NOT_FOUND");
  assert.equal(nf.details, undefined);
  await assert.rejects(Kraiter.open({ now: 5 }), (x) => x.code === "VALIDATION_ERROR");
  await assert.rejects(Kraiter.open({ storage: {} }), (x) => x.code === "VALIDATION_ERROR");
  const bad = await Kraiter.open({ now: () => NaN });
  await rejects(assert, bad.contacts.create({ email: "a@x.io" }), "VALIDATION_ERROR");
});

test("compact() and an idle instance both leave one snapshot and an empty log", async () => {
  const storage = memoryStorage();
  const { kraiter } = await open({ storage });
  await kraiter.contacts.import(Array.from({ length: 12_000 }, (_, i) => ({ email: `u${i}@example.com`, properties: { pad: "y".repeat(80) } })));
  assert.ok((await storage.load()).log.length > 0);
  await kraiter.compact();
  let stored = await storage.load();
  assert.equal(stored.log.length, 0);
  assert.ok(stored.snapshot.length > 0);
  await kraiter.contacts.import(Array.from({ length: 12_000 }, (_, i) => ({ email: `v${i}@example.com`, properties: { pad: "z".repeat(80) } })));
  assert.equal((await storage.load()).log.length, 1, "over 1 MB of log, but not yet idle");
  await new Promise((r) => setTimeout(r, 1500));
  stored = await storage.load();
  assert.equal(stored.log.length, 0, "compacted once idle");
  const again = await Kraiter.open({ storage, now: () => T0 });
  assert.equal((await again.segments.preview([{ field: "email", op: "starts_with", value: "v" }])).count, 12_000);
});
