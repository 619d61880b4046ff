// Live segments through the SDK: members current after each call and as the
// injected clock moves, the change feed (paging, for await, cursors),
// subscribe (order, after durability, unsubscribe), a real unref'd timer in
// Node, and overdue changes applied when storage is reopened.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kraiter, fileStorage, memoryStorage } from "kraiter-segments";
import { DAY, T0, open, rejects } from "./helpers.mjs";

const iso = (ms) => new Date(ms).toISOString();
const active = [{ field: "events.login", op: "occurred", within: "7d" }];

async function emails(kraiter, id) {
  const out = [];
  for await (const m of await kraiter.segments.listMembers(id, { limit: 100 })) out.push(m.email);
  return out;
}

async function feed(kraiter, id) {
  const out = [];
  for await (const c of await kraiter.segments.changes(id, { limit: 2 })) out.push(`${c.email} ${c.type} ${c.cause}`);
  return out;
}

test("a live segment is current after every call, and time moves it with the clock", async () => {
  const { kraiter, clock } = await open();
  const seen = [];
  const s = await kraiter.segments.create({ name: "Active", rules: active, live: true });
  assert.equal(s.live, true);
  assert.equal(s.status, "ready");
  const off = kraiter.segments.subscribe(s.id, (c) => seen.push(`${c.email} ${c.type} ${c.cause} ${c.at}`));
  await kraiter.events.track({ name: "login", email: "a@x.io", timestamp: T0 - DAY });
  await kraiter.events.track({ name: "login", email: "b@x.io", timestamp: T0 - 3 * DAY });
  assert.deepEqual(await emails(kraiter, s.id), ["a@x.io", "b@x.io"]);
  assert.equal((await kraiter.segments.get(s.id)).nextChangeAt, iso(T0 + 4 * DAY + 1));
  clock.now = T0 + 4 * DAY + 1; // b's login leaves the window; the next read applies it
  assert.deepEqual(await emails(kraiter, s.id), ["a@x.io"]);
  const got = await kraiter.segments.get(s.id);
  assert.equal(got.memberCount, 1);
  assert.equal(got.nextChangeAt, iso(T0 + 6 * DAY + 1));
  assert.equal(got.computedAt, iso(T0 + 4 * DAY + 1));
  assert.deepEqual(seen, [
    `a@x.io entered event ${iso(T0)}`,
    `b@x.io entered event ${iso(T0)}`,
    `b@x.io left time ${iso(T0 + 4 * DAY + 1)}`,
  ]);
  off();
  clock.now = T0 + 30 * DAY;
  assert.deepEqual(await emails(kraiter, s.id), []);
  assert.equal(seen.length, 3, "unsubscribed");
  assert.deepEqual(await feed(kraiter, s.id), ["a@x.io entered event", "b@x.io entered event", "b@x.io left time", "a@x.io left time"]);
  // compute on a live segment recomputes from scratch and changes nothing.
  await kraiter.segments.compute(s.id);
  const after = await kraiter.segments.waitForCompute(s.id);
  assert.equal(after.memberCount, 0);
  assert.equal((await feed(kraiter, s.id)).length, 4);
  await kraiter.close();
});

test("changes page oldest first; the last page's cursor polls for later ones; bad cursors are errors", async () => {
  const { kraiter } = await open();
  const s = await kraiter.segments.create({ name: "All", rules: [{ field: "email", op: "exists" }], live: true });
  await kraiter.contacts.import([{ email: "a@x.io" }, { email: "b@x.io" }, { email: "c@x.io" }]);
  const p1 = await kraiter.segments.changes(s.id, { limit: 2 });
  assert.deepEqual(p1.data.map((c) => c.email), ["a@x.io", "b@x.io"]);
  assert.match(p1.data[0].id, /^chg_[0-9A-HJKMNP-TV-Z]{26}$/);
  assert.deepEqual(Object.keys(p1.data[0]), ["id", "segmentId", "contactId", "email", "type", "at", "cause"]);
  const p2 = await kraiter.segments.changes(s.id, { limit: 2, cursor: p1.nextCursor });
  assert.deepEqual(p2.data.map((c) => c.email), ["c@x.io"]);
  assert.equal(typeof p2.nextCursor, "string");
  const empty = await kraiter.segments.changes(s.id, { cursor: p2.nextCursor });
  assert.deepEqual(empty.data, []);
  assert.equal(empty.nextCursor, p2.nextCursor);
  const c = await kraiter.contacts.getByEmail("c@x.io");
  await kraiter.contacts.delete(c.id);
  const later = await kraiter.segments.changes(s.id, { cursor: empty.nextCursor });
  assert.deepEqual(later.data.map((x) => `${x.email} ${x.type} ${x.cause}`), ["c@x.io left contact"]);
  const bad = await rejects(assert, kraiter.segments.changes(s.id, { cursor: "cnt_nope" }), "VALIDATION_ERROR");
  assert.equal(bad.details[0].path, "cursor");
  await rejects(assert, kraiter.segments.changes("seg_01K5AAAAAAAAAAAAAAAAAAAAAA"), "NOT_FOUND");
  await rejects(assert, kraiter.segments.changes(s.id, { limt: 3 }), "VALIDATION_ERROR");
  await rejects(assert, kraiter.segments.create({ name: "x", rules: active, live: "yes" }), "VALIDATION_ERROR");
  assert.throws(() => kraiter.segments.subscribe(s.id, "nope"), { code: "VALIDATION_ERROR" });
  await kraiter.close();
});

test("subscribe('*') hears every segment in feed order, only after the write is durable", async () => {
  let appended = 0;
  const base = memoryStorage();
  const storage = { ...base, load: () => base.load(), append: async (e) => { await base.append(e); appended++; }, compact: (s) => base.compact(s), close: () => base.close() };
  const kraiter = await Kraiter.open({ storage, now: () => T0 });
  const heard = [];
  kraiter.segments.subscribe("*", (c) => heard.push({ seg: c.segmentId, email: c.email, appended }));
  const a = await kraiter.segments.create({ name: "A", rules: [{ field: "properties.plan", op: "eq", value: "pro" }], live: true });
  const b = await kraiter.segments.create({ name: "B", rules: [{ field: "properties.plan", op: "exists" }], live: true });
  const before = appended;
  await kraiter.contacts.create({ email: "p@x.io", properties: { plan: "pro" } });
  assert.deepEqual(heard.map((h) => [h.seg, h.email]), [[a.id, "p@x.io"], [b.id, "p@x.io"]]);
  assert.ok(heard.every((h) => h.appended === before + 1), "called after the append resolved");
  await kraiter.close();
});

test("a real timer applies a time-driven change while the instance is open (Node, unref'd)", async () => {
  const kraiter = await Kraiter.open();
  const s = await kraiter.segments.create({ name: "Recent", rules: [{ field: "events.ping", op: "occurred", within: "1m" }], live: true });
  const left = new Promise((resolve) => kraiter.segments.subscribe(s.id, (c) => c.type === "left" && resolve(c)));
  const t = Date.now() - 60_000 + 400; // leaves the 1-minute window in about 400 ms
  await kraiter.events.track({ name: "ping", email: "t@x.io", timestamp: t });
  assert.equal((await kraiter.segments.get(s.id)).nextChangeAt, iso(t + 60_001));
  const c = await Promise.race([left, new Promise((_, reject) => setTimeout(() => reject(new Error("no timer")), 5000))]);
  assert.equal(c.cause, "time");
  assert.ok(Date.parse(c.at) - (t + 60_001) < 1000, `applied ${Date.parse(c.at) - (t + 60_001)} ms late`);
  await kraiter.close();
});

test("changes that fell due while closed are applied on open, and the feed survives reopening (file storage)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kraiter-live-"));
  try {
    const clock = { now: T0 };
    let kraiter = await Kraiter.open({ storage: fileStorage(dir), now: () => clock.now });
    const s = await kraiter.segments.create({ name: "Active", rules: active, live: true });
    await kraiter.events.track({ name: "login", email: "a@x.io", timestamp: T0 });
    const before = await feed(kraiter, s.id);
    await kraiter.close();
    clock.now = T0 + 8 * DAY;
    kraiter = await Kraiter.open({ storage: fileStorage(dir), now: () => clock.now });
    assert.equal(kraiter.nextWakeAt(), null);
    assert.deepEqual(await feed(kraiter, s.id), [...before, "a@x.io left time"]);
    const changes = (await kraiter.segments.changes(s.id)).data;
    assert.equal(changes.at(-1).at, iso(T0 + 8 * DAY), "stamped when applied: on open");
    await kraiter.close();
    kraiter = await Kraiter.open({ storage: fileStorage(dir), now: () => clock.now });
    assert.deepEqual((await kraiter.segments.changes(s.id)).data, changes);
    await kraiter.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
