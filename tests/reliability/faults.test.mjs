// Storage fault injection. A scripted workload (contact creates, updates,
// deletes and imports, event tracks and imports, segment creates, updates,
// deletes and computes, and close/reopen, which compacts) runs once per N
// with the Nth storage write (append or compact) failing. The failed call
// must reject with STORAGE_ERROR; the open instance and a reopened one must
// both show exactly the state after the last acknowledged call (full dumps:
// contacts, segments, members, events); a compute that failed leaves the
// previous membership. Run on memoryStorage and on fileStorage, and again
// with a live workload (live segments, time moving them, change feeds).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kraiter, fileStorage, memoryStorage } from "kraiter-segments";
import { dump, faulty, T0 } from "./helpers.mjs";

const DAY = 86_400_000;
const pro = [{ field: "properties.plan", op: "eq", value: "pro" }];
const active = { operator: "or", conditions: [{ field: "events.login", op: "occurred", within: "7d" }, { field: "properties.seats", op: "gte", value: 10 }] };

/**
 * The workload: a list of steps, each one SDK call (or a close and reopen).
 * `ctx` carries the instance, ids learnt so far and the clock.
 */
const steps = [
  ["create a", (c) => c.k.contacts.create({ email: "a@x.io", properties: { plan: "pro", seats: 3 } }).then((r) => (c.a = r.id))],
  ["create b", (c) => c.k.contacts.create({ email: "b@x.io", properties: { plan: "free" } }).then((r) => (c.b = r.id))],
  ["create segment Pro", (c) => c.k.segments.create({ name: "Pro", rules: pro }).then((r) => (c.s1 = r.id))],
  ["compute Pro", (c) => compute(c, c.s1)],
  ["import contacts", (c) => c.k.contacts.import([{ email: "c@x.io", properties: { plan: "pro", seats: 12 } }, { email: "B@x.io", properties: { plan: "pro" } }])],
  ["track login", (c) => c.k.events.track({ name: "login", contactId: c.a, timestamp: new Date(T0 - DAY).toISOString() })],
  ["import events", (c) => c.k.events.import([{ name: "buy", email: "c@x.io" }, { name: "login", email: "new@x.io", timestamp: T0 - 30 * DAY }])],
  ["compute Pro again", (c) => compute(c, c.s1)],
  ["update a", (c) => c.k.contacts.update(c.a, { properties: { plan: "free", seats: null } })],
  ["create segment Active", (c) => c.k.segments.create({ name: "Active", rules: active }).then((r) => (c.s2 = r.id))],
  ["compute Active", (c) => compute(c, c.s2)],
  ["reopen (compacts on close)", (c) => c.reopen()],
  ["update segment Pro", (c) => c.k.segments.update(c.s1, { name: "Pro users", rules: [...pro, { field: "email", op: "ends_with", value: "@X.IO" }] })],
  ["compute Pro after update", (c) => compute(c, c.s1)],
  ["delete b", (c) => c.k.contacts.delete(c.b)],
  ["track buy", (c) => c.k.events.track({ name: "buy", email: "a@x.io" })],
  ["compute Active again", (c) => compute(c, c.s2)],
  ["delete segment Pro", (c) => c.k.segments.delete(c.s1)],
  ["reopen again", (c) => c.reopen()],
  ["create d", (c) => c.k.contacts.create({ email: "d@x.io", properties: { seats: 50 } })],
  ["compute Active last", (c) => compute(c, c.s2)],
];

/**
 * A live workload: live segments follow every call, time moves them (an
 * explicit applyDue after the clock jumps), rules change, a segment stops
 * being live, a live compute changes nothing; the change feeds are in the dump.
 */
const MIN = 60_000;
/** The clock jumps and what is due is applied; if that write fails, the clock goes back (the call never happened). */
async function passes(c, ms) {
  c.clock.now += ms;
  try {
    await c.k.applyDue();
  } catch (e) {
    c.clock.now -= ms;
    throw e;
  }
}
const liveSteps = [
  ["create live Recent", (c) => c.k.segments.create({ name: "Recent", rules: [{ field: "events.login", op: "occurred", within: "30m" }], live: true }).then((r) => (c.s1 = r.id))],
  ["create live Pro", (c) => c.k.segments.create({ name: "Pro", rules: pro, live: true }).then((r) => (c.s2 = r.id))],
  ["create a", (c) => c.k.contacts.create({ email: "a@x.io", properties: { plan: "pro" } }).then((r) => (c.a = r.id))],
  ["track login a", (c) => c.k.events.track({ name: "login", contactId: c.a })],
  ["import events", (c) => c.k.events.import([{ name: "login", email: "b@x.io" }, { name: "login", email: "c@x.io", timestamp: c.clock.now - 20 * MIN }])],
  ["import contacts", (c) => c.k.contacts.import([{ email: "b@x.io", properties: { plan: "pro" } }, { email: "e@x.io", properties: { plan: "pro" } }])],
  ["update a", (c) => c.k.contacts.update(c.a, { properties: { plan: "free" } })],
  ["15 minutes pass", (c) => passes(c, 15 * MIN)],
  ["reopen (compacts on close)", (c) => c.reopen()],
  ["45 minutes pass", (c) => passes(c, 45 * MIN)],
  ["track login e", (c) => c.k.events.track({ name: "login", email: "e@x.io" })],
  ["Recent within 2h", (c) => c.k.segments.update(c.s1, { rules: [{ field: "events.login", op: "occurred", within: "2h" }] })],
  ["Pro not live", (c) => c.k.segments.update(c.s2, { live: false })],
  ["delete b", (c) => c.k.contacts.list().then((p) => c.k.contacts.delete(p.data.find((x) => x.email === "b@x.io").id))],
  ["compute Recent (changes nothing)", (c) => compute(c, c.s1)],
  ["Pro live again", (c) => c.k.segments.update(c.s2, { live: true })],
  ["3 hours pass", (c) => passes(c, 180 * MIN)],
  ["reopen again", (c) => c.reopen()],
];

async function compute(c, id) {
  await c.k.segments.compute(id);
  await c.k.segments.waitForCompute(id);
}

/** Runs the workload with write `failAt` failing; returns what happened. */
async function run(openStorage, failAt, workload) {
  const f = faulty(openStorage, failAt);
  const clock = { now: T0 };
  const openKraiter = async () => Kraiter.open({ storage: await f.open(), now: () => clock.now });
  const c = { k: await openKraiter(), clock };
  c.reopen = async () => {
    await c.k.close();
    c.k = await openKraiter();
  };
  let acknowledged = await dump(c.k);
  let failure = null;
  for (const [name, step] of workload) {
    clock.now += 60_000;
    try {
      await step(c);
    } catch (e) {
      failure = { name, error: e };
      break;
    }
    acknowledged = await dump(c.k);
  }
  return { f, c, clock, acknowledged, failure, openKraiter };
}

async function faultSweep(label, makeOpen, workload = steps) {
  // A clean run counts the writes the workload makes.
  const clean = await run(await makeOpen(), 0, workload);
  assert.equal(clean.failure, null, `clean run failed: ${clean.failure?.error?.stack}`);
  const writes = clean.f.state.writes;
  assert.ok(clean.f.state.kinds.includes("compact") && writes >= workload.length - 2, `workload writes: ${clean.f.state.kinds}`);
  await clean.c.k.close();

  for (let n = 1; n <= writes; n++) {
    const r = await run(await makeOpen(), n, workload);
    const kind = r.f.state.failed;
    const where = `${label}, write ${n} (${kind}) failing${r.failure ? ` in "${r.failure.name}"` : ""}`;
    assert.ok(kind, `${where}: the workload made fewer than ${n} writes`);
    if (kind === "append") {
      assert.ok(r.failure, `${where}: the call whose append failed did not reject`);
      assert.equal(r.failure.error.code, "STORAGE_ERROR", `${where}: ${r.failure.error.stack}`);
      assert.equal(r.failure.error.status, 500);
    } else {
      // A failed compaction is invisible: the stored snapshot and log still hold everything.
      assert.equal(r.failure, null, `${where}: ${r.failure?.error?.stack}`);
    }
    assert.deepEqual(await dump(r.c.k), r.acknowledged, `${where}: the open instance changed`);
    await r.c.k.close();
    const reopened = await r.openKraiter();
    assert.deepEqual(await dump(reopened), r.acknowledged, `${where}: reopening differs from the last acknowledged state`);
    // The instance is usable after a failure.
    r.clock.now += 60_000;
    await reopened.contacts.create({ email: `after-${n}@x.io` });
    await reopened.close();
  }
  return writes;
}

test("memoryStorage: every failed write leaves exactly the acknowledged state", async () => {
  const writes = await faultSweep("memory", async () => {
    const inner = memoryStorage();
    return async () => inner;
  });
  assert.ok(writes >= 20);
});

const dirs = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

test("fileStorage: every failed write leaves exactly the acknowledged state", async () => {
  await faultSweep("file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kraiter-faults-"));
    dirs.push(dir);
    return async () => fileStorage(dir);
  });
});

test("memoryStorage, live workload: every failed write leaves members and feeds exactly as acknowledged", async () => {
  const writes = await faultSweep("memory, live", async () => {
    const inner = memoryStorage();
    return async () => inner;
  }, liveSteps);
  assert.ok(writes >= 15);
});

test("fileStorage, live workload: every failed write leaves members and feeds exactly as acknowledged", async () => {
  await faultSweep("file, live", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kraiter-faults-live-"));
    dirs.push(dir);
    return async () => fileStorage(dir);
  }, liveSteps);
});

test("a failed compute keeps the previous members, memberCount and computedAt", async () => {
  const inner = memoryStorage();
  let fail = false;
  const storage = { ...inner, append: async (e) => (fail && e.includes('"segments.compute"') ? Promise.reject(new Error("disk full")) : inner.append(e)) };
  const clock = { now: T0 };
  const k = await Kraiter.open({ storage, now: () => clock.now });
  const a = await k.contacts.create({ email: "a@x.io", properties: { plan: "pro" } });
  const s = await k.segments.create({ name: "Pro", rules: pro });
  await k.segments.compute(s.id);
  const before = await k.segments.waitForCompute(s.id);
  const joined = async () => (await k.segments.listMembers(s.id)).data.map((m) => [m.id, m.joinedAt]);
  const members = await joined();
  assert.equal(before.memberCount, 1);
  clock.now += DAY;
  await k.contacts.create({ email: "b@x.io", properties: { plan: "pro" } });
  await k.contacts.update(a.id, { properties: { plan: "free" } });
  fail = true;
  await k.segments.compute(s.id);
  await assert.rejects(k.segments.waitForCompute(s.id), (e) => e.code === "STORAGE_ERROR");
  assert.deepEqual(await k.segments.get(s.id), before);
  assert.deepEqual(await joined(), members, "still a's membership, although a is now on the free plan");
  fail = false;
  await k.segments.compute(s.id);
  const after = await k.segments.waitForCompute(s.id);
  assert.equal(after.memberCount, 1);
  assert.notEqual(after.computedAt, before.computedAt);
  assert.equal((await k.segments.listMembers(s.id)).data[0].email, "b@x.io");
  await k.close();
});
