// kraiter.segments through the real package: every method, its errors, and
// the compute semantics in the README.
import { test } from "node:test";
import assert from "node:assert/strict";
import { KraiterError } from "kraiter-segments";
import { open, rejects, T0, DAY } from "./helpers.mjs";

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const pro = { operator: "and", conditions: [{ field: "properties.plan", op: "eq", value: "pro" }] };

test("create returns the seed's Segment shape with a ULID id", async () => {
  const { kraiter } = await open();
  const s = await kraiter.segments.create({ name: "Active Pro Users", rules: pro });
  assert.match(s.id, /^seg_[0-9A-HJKMNP-TV-Z]{26}$/);
  assert.deepEqual(s, {
    id: s.id, name: "Active Pro Users", rules: pro, status: "new", live: false, nextChangeAt: null, memberCount: 0, computedAt: null,
    createdAt: "2025-09-15T10:00:00.000Z", updatedAt: "2025-09-15T10:00:00.000Z",
  });
  assert.deepEqual(await kraiter.segments.get(s.id), s);
});

test("rules are stored in canonical form", async () => {
  const { kraiter } = await open();
  const s = await kraiter.segments.create({
    name: "x",
    rules: [{ field: "properties.seats", op: "greaterThanOrEquals", value: 10 }, { field: "properties.a", op: "notEquals", value: "b" }],
  });
  assert.deepEqual(s.rules, {
    operator: "and",
    conditions: [{ field: "properties.seats", op: "gte", value: 10 }, { field: "properties.a", op: "neq", value: "b" }],
  });
});

test("create validates name and rules with paths", async () => {
  const { kraiter } = await open();
  let e = await rejects(assert, kraiter.segments.create({ rules: pro }), "VALIDATION_ERROR");
  assert.equal(e.status, 400);
  assert.equal(e.details[0].path, "name");
  e = await rejects(assert, kraiter.segments.create({ name: "x".repeat(201), rules: pro }), "VALIDATION_ERROR");
  assert.equal(e.details[0].path, "name");
  await kraiter.segments.create({ name: "é".repeat(200), rules: pro });
  e = await rejects(
    assert,
    kraiter.segments.create({ name: "x", rules: { operator: "and", conditions: [pro.conditions[0], { field: "events.login", op: "occurred", within: "0d" }] } }),
    "VALIDATION_ERROR",
  );
  assert.deepEqual(e.details.map((d) => d.path), ["rules.conditions[1].within"]);
  e = await rejects(assert, kraiter.segments.create({ name: "x" }), "VALIDATION_ERROR");
  assert.equal(e.details[0].path, "rules");
  await rejects(assert, kraiter.segments.create(null), "VALIDATION_ERROR");
  assert.ok(e instanceof KraiterError && e instanceof Error);
  assert.equal((await kraiter.segments.list()).data.length, 1, "failed creates stored nothing");
});

test("get, update and delete report NOT_FOUND for unknown ids", async () => {
  const { kraiter } = await open();
  for (const id of ["seg_01K56D2A80NENP6KJV31GMPG97", "nope", "cnt_01K56D2A80NENP6KJV31GMPG97"]) {
    const e = await rejects(assert, kraiter.segments.get(id), "NOT_FOUND");
    assert.equal(e.status, 404);
    await rejects(assert, kraiter.segments.update(id, { name: "y" }), "NOT_FOUND");
    await rejects(assert, kraiter.segments.delete(id), "NOT_FOUND");
    await rejects(assert, kraiter.segments.listMembers(id), "NOT_FOUND");
    await rejects(assert, kraiter.segments.compute(id), "NOT_FOUND");
    await rejects(assert, kraiter.segments.waitForCompute(id), "NOT_FOUND");
  }
});

test("update changes name or rules, bumps updatedAt, and does not recompute", async () => {
  const { kraiter, clock } = await open();
  await kraiter.contacts.create({ email: "a@x.io", properties: { plan: "pro" } });
  await kraiter.contacts.create({ email: "b@x.io", properties: { plan: "free" } });
  const s = await kraiter.segments.create({ name: "Pro", rules: pro });
  await kraiter.segments.compute(s.id);
  const computed = await kraiter.segments.waitForCompute(s.id);
  assert.equal(computed.memberCount, 1);
  clock.now += 1000;
  const u = await kraiter.segments.update(s.id, { rules: [{ field: "properties.plan", op: "exists" }] });
  assert.equal(u.name, "Pro");
  assert.equal(u.memberCount, 1, "update does not recompute");
  assert.equal(u.computedAt, computed.computedAt);
  assert.equal(u.updatedAt, new Date(T0 + 1000).toISOString());
  assert.equal(u.createdAt, s.createdAt);
  const e = await rejects(assert, kraiter.segments.update(s.id, { name: "", rules: { operator: "nand", conditions: [] } }), "VALIDATION_ERROR");
  assert.deepEqual(e.details.map((d) => d.path).sort(), ["name", "rules.operator", "rules.conditions"].sort());
  assert.equal((await kraiter.segments.get(s.id)).name, "Pro", "a failed update changes nothing");
  await kraiter.segments.compute(s.id);
  assert.equal((await kraiter.segments.waitForCompute(s.id)).memberCount, 2);
});

test("compute answers at once, runs after, and keeps joinedAt for continuing members", async () => {
  const { kraiter, clock } = await open();
  const a = await kraiter.contacts.create({ email: "a@x.io", properties: { plan: "pro" } });
  const b = await kraiter.contacts.create({ email: "b@x.io", properties: { plan: "free" } });
  const s = await kraiter.segments.create({ name: "Pro", rules: pro });
  const receipt = await kraiter.segments.compute(s.id);
  assert.deepEqual(receipt, { segmentId: s.id, status: "computing", queuedAt: "2025-09-15T10:00:00.000Z" });
  assert.equal((await kraiter.segments.get(s.id)).computedAt, null, "not computed yet when compute returns");
  const done = await kraiter.segments.waitForCompute(s.id);
  assert.equal(done.memberCount, 1);
  assert.equal(done.computedAt, "2025-09-15T10:00:00.000Z");

  clock.now = T0 + DAY;
  await kraiter.contacts.update(b.id, { properties: { plan: "pro" } });
  await kraiter.segments.compute(s.id);
  const again = await kraiter.segments.waitForCompute(s.id);
  assert.equal(again.memberCount, 2);
  assert.equal(again.computedAt, new Date(T0 + DAY).toISOString());
  const members = await kraiter.segments.listMembers(s.id);
  assert.deepEqual(members.data.map((m) => [m.id, m.joinedAt]), [
    [a.id, "2025-09-15T10:00:00.000Z"],
    [b.id, new Date(T0 + DAY).toISOString()],
  ]);
  assert.deepEqual(members.data[0], { id: a.id, email: "a@x.io", properties: { plan: "pro" }, joinedAt: "2025-09-15T10:00:00.000Z" });
  assert.equal(members.nextCursor, null);

  // A member who leaves and comes back joins anew.
  clock.now = T0 + 2 * DAY;
  await kraiter.contacts.update(a.id, { properties: { plan: "free" } });
  await kraiter.segments.compute(s.id);
  await kraiter.segments.waitForCompute(s.id);
  clock.now = T0 + 3 * DAY;
  await kraiter.contacts.update(a.id, { properties: { plan: "pro" } });
  await kraiter.segments.compute(s.id);
  await kraiter.segments.waitForCompute(s.id);
  const back = (await kraiter.segments.listMembers(s.id)).data.find((m) => m.id === a.id);
  assert.equal(back.joinedAt, new Date(T0 + 3 * DAY).toISOString());
});

test("compute calls made while one is queued coalesce", async () => {
  const { kraiter, storage } = await open();
  await kraiter.contacts.create({ email: "a@x.io", properties: { plan: "pro" } });
  const s = await kraiter.segments.create({ name: "Pro", rules: pro });
  const before = (await storage.load()).log.length;
  const r1 = await kraiter.segments.compute(s.id);
  const r2 = await kraiter.segments.compute(s.id);
  const r3 = await kraiter.segments.compute(s.id);
  assert.deepEqual(r2, r1);
  assert.deepEqual(r3, r1);
  await kraiter.segments.waitForCompute(s.id);
  const computes = (await storage.load()).log.slice(before).filter((e) => JSON.parse(e).cmd === "segments.compute");
  assert.equal(computes.length, 1, "three calls, one computation");
});

test("compute evaluates the rules stored at that moment at one now", async () => {
  const { kraiter, clock } = await open();
  const a = await kraiter.contacts.create({ email: "a@x.io" });
  await kraiter.events.track({ name: "login", contactId: a.id, timestamp: new Date(T0 - 2 * DAY).toISOString() });
  const s = await kraiter.segments.create({ name: "recent", rules: [{ field: "events.login", op: "occurred", within: "3d" }] });
  await kraiter.segments.compute(s.id);
  assert.equal((await kraiter.segments.waitForCompute(s.id)).memberCount, 1);
  clock.now = T0 + 2 * DAY;
  await kraiter.segments.compute(s.id);
  assert.equal((await kraiter.segments.waitForCompute(s.id)).memberCount, 0, "the window rolls with the clock");
});

test("delete cancels a queued computation and removes the segment", async () => {
  const { kraiter, storage } = await open();
  await kraiter.contacts.create({ email: "a@x.io", properties: { plan: "pro" } });
  const s = await kraiter.segments.create({ name: "Pro", rules: pro });
  await kraiter.segments.compute(s.id);
  assert.equal(await kraiter.segments.delete(s.id), undefined);
  await new Promise((r) => setTimeout(r, 20));
  const log = (await storage.load()).log.map((e) => JSON.parse(e).cmd);
  assert.ok(!log.includes("segments.compute"), "the queued computation never ran");
  await rejects(assert, kraiter.segments.get(s.id), "NOT_FOUND");
  assert.equal((await kraiter.segments.list()).data.length, 0);
});

test("contact delete updates member counts and lists", async () => {
  const { kraiter } = await open();
  const a = await kraiter.contacts.create({ email: "a@x.io", properties: { plan: "pro" } });
  await kraiter.contacts.create({ email: "b@x.io", properties: { plan: "pro" } });
  const s = await kraiter.segments.create({ name: "Pro", rules: pro });
  await kraiter.segments.compute(s.id);
  assert.equal((await kraiter.segments.waitForCompute(s.id)).memberCount, 2);
  await kraiter.contacts.delete(a.id);
  assert.equal((await kraiter.segments.get(s.id)).memberCount, 1);
  const m = await kraiter.segments.listMembers(s.id);
  assert.deepEqual(m.data.map((x) => x.email), ["b@x.io"]);
});

test("preview counts and samples without storing anything", async () => {
  const { kraiter, storage } = await open();
  for (let i = 0; i < 30; i++) await kraiter.contacts.create({ email: `u${i}@x.io`, properties: { n: i } });
  const before = (await storage.load()).log.length;
  const p = await kraiter.segments.preview({ operator: "or", conditions: [{ field: "properties.n", op: "lt", value: 5 }, { field: "properties.n", op: "gte", value: 25 }] }, { limit: 3 });
  assert.equal(p.count, 10);
  assert.deepEqual(p.sample.map((m) => m.email), ["u0@x.io", "u1@x.io", "u2@x.io"]);
  assert.match(p.sample[0].joinedAt, ISO);
  assert.equal((await kraiter.segments.preview([{ field: "properties.n", op: "exists" }])).sample.length, 20, "default limit 20");
  assert.equal((await storage.load()).log.length, before);
  const e = await rejects(assert, kraiter.segments.preview({ operator: "and", conditions: [{ field: "properties.n", op: "occurred" }] }), "VALIDATION_ERROR");
  assert.equal(e.details[0].path, "rules.conditions[0].op");
  const countOnly = await kraiter.segments.preview([{ field: "properties.n", op: "exists" }], { limit: 0 });
  assert.deepEqual(countOnly.sample, [], "limit 0 is the count alone");
  assert.ok(countOnly.count > 20);
  for (const limit of [-1, 101, 1.5]) {
    await rejects(assert, kraiter.segments.preview([{ field: "email", op: "exists" }], { limit }), "VALIDATION_ERROR");
  }
});

test("list pages segments in creation order and iterates with for await", async () => {
  const { kraiter, clock } = await open();
  const ids = [];
  for (let i = 0; i < 45; i++) {
    clock.now += i % 3; // several in the same millisecond
    ids.push((await kraiter.segments.create({ name: `s${i}`, rules: pro })).id);
  }
  const p1 = await kraiter.segments.list();
  assert.equal(p1.data.length, 20);
  assert.deepEqual(Object.keys(p1), ["data", "nextCursor"]);
  const p2 = await kraiter.segments.list({ cursor: p1.nextCursor, limit: 100 });
  assert.equal(p2.nextCursor, null);
  assert.deepEqual([...p1.data, ...p2.data].map((s) => s.id), ids);
  assert.deepEqual([...ids].sort(), ids, "ids sort in creation order");
  const seen = [];
  for await (const s of await kraiter.segments.list({ limit: 7 })) seen.push(s.id);
  assert.deepEqual(seen, ids);
  for (const bad of [{ limit: 0 }, { limit: 101 }, { limit: 1.5 }, { limit: "x" }, { cursor: "garbage" }]) {
    const e = await rejects(assert, kraiter.segments.list(bad), "VALIDATION_ERROR");
    assert.ok(["limit", "cursor"].includes(e.details[0].path));
  }
});
