// kraiter.contacts and kraiter.events through the real package.
import { test } from "node:test";
import assert from "node:assert/strict";
import { open, rejects, T0, DAY } from "./helpers.mjs";

test("contacts: create, get, update (merge, null removes), delete", async () => {
  const { kraiter, clock } = await open();
  const c = await kraiter.contacts.create({ email: "Ann@Example.com", properties: { plan: "pro", seats: 3, tags: ["a", "b"], meta: { x: 1 } } });
  assert.match(c.id, /^cnt_[0-9A-HJKMNP-TV-Z]{26}$/);
  assert.deepEqual(c, {
    id: c.id, email: "Ann@Example.com", properties: { plan: "pro", seats: 3, tags: ["a", "b"], meta: { x: 1 } },
    suppressed: false, createdAt: "2025-09-15T10:00:00.000Z", updatedAt: "2025-09-15T10:00:00.000Z",
  });
  assert.deepEqual(await kraiter.contacts.get(c.id), c);
  clock.now += 5;
  const u = await kraiter.contacts.update(c.id, { properties: { plan: null, seats: 4, new: true } });
  assert.deepEqual(u.properties, { seats: 4, tags: ["a", "b"], meta: { x: 1 }, new: true });
  assert.equal(u.updatedAt, "2025-09-15T10:00:00.005Z");
  const e = await kraiter.contacts.update(c.id, { email: "ann@example.com" });
  assert.equal(e.email, "ann@example.com");
  assert.equal(await kraiter.contacts.delete(c.id), undefined);
  await rejects(assert, kraiter.contacts.get(c.id), "NOT_FOUND");
  await rejects(assert, kraiter.contacts.delete(c.id), "NOT_FOUND");
  await rejects(assert, kraiter.contacts.update(c.id, {}), "NOT_FOUND");
  // The email is free again once its contact is gone.
  await kraiter.contacts.create({ email: "ann@example.com" });
});

test("contacts: CONFLICT on an email that exists in any case; VALIDATION_ERROR on bad input", async () => {
  const { kraiter } = await open();
  const a = await kraiter.contacts.create({ email: "a@x.io" });
  const b = await kraiter.contacts.create({ email: "b@x.io" });
  let e = await rejects(assert, kraiter.contacts.create({ email: "A@X.IO" }), "CONFLICT");
  assert.equal(e.status, 409);
  await rejects(assert, kraiter.contacts.update(b.id, { email: "a@X.io" }), "CONFLICT");
  for (const [input, path] of [
    [{}, "email"], [{ email: 5 }, "email"], [{ email: "no-at-sign" }, "email"], [{ email: "a b@x.io" }, "email"],
    [{ email: "c@x.io", properties: [1] }, "properties"], [{ email: "c@x.io", properties: "x" }, "properties"],
  ]) {
    e = await rejects(assert, kraiter.contacts.create(input), "VALIDATION_ERROR");
    assert.equal(e.details[0].path, path);
  }
  e = await rejects(assert, kraiter.contacts.update(a.id, { properties: 7 }), "VALIDATION_ERROR");
  assert.equal(e.details[0].path, "properties");
  assert.equal((await kraiter.contacts.list()).data.length, 2);
});

test("contacts.list pages in creation order without repeats or skips while contacts are added", async () => {
  const { kraiter, clock } = await open();
  const created = [];
  for (let i = 0; i < 50; i++) created.push((await kraiter.contacts.create({ email: `u${i}@x.io` })).id);
  const seen = [];
  let cursor;
  let added = 0;
  do {
    const page = await kraiter.contacts.list({ cursor, limit: 7 });
    seen.push(...page.data.map((c) => c.id));
    cursor = page.nextCursor;
    clock.now += 1;
    created.push((await kraiter.contacts.create({ email: `late${added++}@x.io` })).id);
  } while (cursor);
  assert.equal(new Set(seen).size, seen.length, "no repeats");
  assert.deepEqual(seen.slice(0, 50), created.slice(0, 50), "every contact that existed throughout, in order");
  assert.deepEqual(seen, created.slice(0, seen.length), "and the late ones in creation order");
});

test("contacts.import upserts by email in one all-or-nothing batch", async () => {
  const { kraiter } = await open();
  await kraiter.contacts.create({ email: "a@x.io", properties: { plan: "free", keep: 1 } });
  const r = await kraiter.contacts.import([
    { email: "A@x.io", properties: { plan: "pro" } },
    { email: "b@x.io", properties: { plan: "pro" } },
    { email: "c@x.io" },
  ]);
  assert.deepEqual(r, { created: 2, updated: 1 });
  const all = (await kraiter.contacts.list()).data;
  assert.deepEqual(all.map((c) => [c.email, c.properties]), [
    ["a@x.io", { plan: "pro", keep: 1 }],
    ["b@x.io", { plan: "pro" }],
    ["c@x.io", {}],
  ]);
  const e = await rejects(assert, kraiter.contacts.import([{ email: "d@x.io" }, { email: "e@x.io" }, { email: null }]), "VALIDATION_ERROR");
  assert.equal(e.details[0].path, "[2].email");
  assert.match(e.message, /\[2\]/);
  assert.equal((await kraiter.contacts.list()).data.length, 3, "nothing of the failed batch was kept");
  await rejects(assert, kraiter.contacts.import({ email: "x@x.io" }), "VALIDATION_ERROR");
});

test("events.track: by id or email, defaults, and errors", async () => {
  const { kraiter } = await open();
  const c = await kraiter.contacts.create({ email: "a@x.io" });
  const ev = await kraiter.events.track({ name: "login", contactId: c.id, properties: { ip: "1.2.3.4" } });
  assert.match(ev.id, /^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
  assert.deepEqual(ev, {
    id: ev.id, name: "login", contactId: c.id, properties: { ip: "1.2.3.4" },
    timestamp: "2025-09-15T10:00:00.000Z", createdAt: "2025-09-15T10:00:00.000Z",
  });
  const byEmail = await kraiter.events.track({ name: "login", email: "A@X.io", timestamp: "2025-09-01T00:00:00Z" });
  assert.equal(byEmail.contactId, c.id);
  assert.equal(byEmail.timestamp, "2025-09-01T00:00:00.000Z");
  assert.deepEqual(byEmail.properties, {});
  const fresh = await kraiter.events.track({ name: "signup", email: "new@x.io" });
  assert.equal((await kraiter.contacts.get(fresh.contactId)).email, "new@x.io");
  await rejects(assert, kraiter.events.track({ name: "x", contactId: "cnt_01K56D2A80NENP6KJV31GMPG97" }), "NOT_FOUND");
  for (const [input, path] of [
    [{ contactId: c.id }, "name"], [{ name: "x" }, "contactId"], [{ name: "x", contactId: c.id, email: "a@x.io" }, "contactId"],
    [{ name: "x", contactId: c.id, timestamp: "yesterday" }, "timestamp"], [{ name: "x", email: "bad" }, "email"],
    [{ name: "x", contactId: c.id, properties: [] }, "properties"],
  ]) {
    const e = await rejects(assert, kraiter.events.track(input), "VALIDATION_ERROR");
    assert.equal(e.details[0].path, path, JSON.stringify(input));
  }
});

test("events.import: one batch, contacts created for unknown emails, bad record named by index", async () => {
  const { kraiter } = await open();
  const c = await kraiter.contacts.create({ email: "a@x.io" });
  const r = await kraiter.events.import([
    { name: "login", contactId: c.id, timestamp: new Date(T0 - DAY).toISOString() },
    { name: "login", email: "b@x.io" },
    { name: "buy", email: "B@x.io", timestamp: T0 - 2 * DAY },
  ]);
  assert.deepEqual(r, { imported: 3, contactsCreated: 1 });
  const p = await kraiter.segments.preview([{ field: "events.login", op: "occurred", within: "2d" }]);
  assert.equal(p.count, 2);
  const e = await rejects(assert, kraiter.events.import([{ name: "x", email: "z@x.io" }, { name: "x", contactId: "cnt_01K56D2A80NENP6KJV31GMPG97" }]), "VALIDATION_ERROR");
  assert.equal(e.details[0].path, "[1].contactId");
  assert.equal((await kraiter.contacts.list()).data.length, 2, "z@x.io was not created");
});

test("imports take { dryRun }: counts and errors of the real import, nothing stored; options are checked", async () => {
  const { kraiter } = await open();
  await kraiter.contacts.create({ email: "a@x.io" });
  assert.deepEqual(await kraiter.contacts.import([{ email: "A@x.io" }, { email: "b@x.io" }], { dryRun: true }), { created: 1, updated: 1 });
  assert.deepEqual(await kraiter.events.import([{ name: "login", email: "c@x.io" }], { dryRun: true }), { imported: 1, contactsCreated: 1 });
  assert.equal((await kraiter.schema()).contacts.count, 1);
  assert.equal((await kraiter.schema()).events.count, 0);
  await assert.rejects(kraiter.contacts.import([{ email: "x" }], { dryRun: true }), (e) => e.code === "VALIDATION_ERROR" && e.details[0].path === "[0].email");
  await assert.rejects(kraiter.contacts.import([], { dryRun: "yes" }), (e) => e.code === "VALIDATION_ERROR" && e.details[0].path === "dryRun");
  await assert.rejects(kraiter.events.import([], { dryrun: true }), (e) => e.code === "VALIDATION_ERROR" && e.details[0].path === "dryrun");
  assert.deepEqual(await kraiter.contacts.import([{ email: "b@x.io" }], { dryRun: false }), { created: 1, updated: 0 });
  await kraiter.close();
});
