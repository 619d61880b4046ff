// Concurrency: random interleavings of SDK calls that are issued without
// awaiting each other (segments create/update/delete/compute/waitForCompute,
// events track/import, contacts create/import/delete), over a storage whose
// appends take a random number of turns. fast-check generates the scripts
// (fixed seed; FC_SEED=n to explore others). After every issued call, one
// consistent read of everything checks: memberCount equals the members
// listed; every member is a live contact; a deleted segment stays deleted
// (no computation result appears for it). At the end every waitForCompute
// has settled, and a final compute of each segment equals its preview.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Kraiter, memoryStorage } from "kraiter-segments";
import { T0 } from "./helpers.mjs";

const DAY = 86_400_000;
const RULES = [
  [{ field: "properties.plan", op: "eq", value: "pro" }],
  [{ field: "events.login", op: "occurred", within: "7d" }],
  { operator: "or", conditions: [{ field: "events.buy", op: "occurred" }, { field: "properties.plan", op: "neq", value: "pro" }] },
  [{ field: "email", op: "contains", value: "1" }],
];
const email = (i) => `u${i}@x.io`;

const command = fc.oneof(
  { weight: 2, arbitrary: fc.record({ t: fc.constant("segCreate"), rules: fc.nat(RULES.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("segUpdate"), seg: fc.nat(), rules: fc.nat(RULES.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("segDelete"), seg: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant("segCompute"), seg: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("wait"), seg: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("track"), who: fc.nat(15), name: fc.constantFrom("login", "buy"), ago: fc.constantFrom(0, DAY, 10 * DAY) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("eventsImport"), who: fc.array(fc.nat(15), { minLength: 1, maxLength: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("contactsImport"), who: fc.array(fc.nat(15), { minLength: 1, maxLength: 4 }), plan: fc.constantFrom("pro", "free", null) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("contactCreate"), who: fc.nat(15) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("contactDelete"), who: fc.nat() }) },
);
const step = fc.record({ cmd: command, turns: fc.nat(3) });

/** memoryStorage whose appends resolve after a scripted number of turns. */
function slowStorage(delays) {
  const inner = memoryStorage();
  let i = 0;
  const turns = async () => {
    for (let n = delays.length ? delays[i++ % delays.length] : 0; n > 0; n--) await new Promise((r) => setTimeout(r, 0));
  };
  return { ...inner, append: async (e) => (await turns(), inner.append(e)), compact: async (s) => (await turns(), inner.compact(s)) };
}

const settle = (p) => p.then((value) => ({ value }), (error) => ({ error }));
const turn = () => new Promise((r) => setTimeout(r, 0));

/**
 * One consistent read: every read is issued in the same synchronous turn, so
 * all see the same committed state. `gone` collects segments seen deleted
 * (a delete may commit before its promise is handled); once gone, a segment
 * must stay gone, and every acknowledged delete must be gone.
 */
async function checkInvariants(k, segIdsNow, deleted, gone) {
  const segIds = [...segIdsNow];
  const contactsP = k.contacts.list({ limit: 100 });
  const segsP = k.segments.list({ limit: 100 });
  const membersP = segIds.map((id) => settle(k.segments.listMembers(id, { limit: 100 })));
  const getsP = segIds.map((id) => settle(k.segments.get(id)));
  const [contacts, segs, members, gets] = await Promise.all([contactsP, segsP, Promise.all(membersP), Promise.all(getsP)]);
  assert.equal(contacts.nextCursor, null);
  assert.equal(segs.nextCursor, null);
  const live = new Map(contacts.data.map((c) => [c.id, c]));
  const listed = new Set(segs.data.map((s) => s.id));
  segIds.forEach((id, i) => {
    if (gets[i].error?.code === "NOT_FOUND" || deleted.has(id) || gone.has(id)) {
      assert.equal(gets[i].error?.code, "NOT_FOUND", `deleted ${id} came back`);
      assert.equal(members[i].error?.code, "NOT_FOUND", `members of deleted ${id} came back`);
      assert.ok(!listed.has(id), `deleted ${id} is listed`);
      gone.add(id);
      return;
    }
    const seg = gets[i].value;
    const page = members[i].value;
    assert.ok(seg && page, `segment ${id}: ${gets[i].error ?? members[i].error}`);
    assert.equal(page.nextCursor, null);
    assert.equal(seg.memberCount, page.data.length, `memberCount of ${id}`);
    for (const m of page.data) {
      assert.ok(live.has(m.id), `member ${m.id} of ${id} is not a live contact`);
      assert.equal(m.email, live.get(m.id).email);
    }
    assert.ok(listed.has(id));
  });
}

async function runScript(script, delays) {
  const clock = { now: T0 };
  const k = await Kraiter.open({ storage: slowStorage(delays), now: () => clock.now });
  const segIds = [];
  const contactIds = [];
  const deleted = new Set();
  const gone = new Set();
  const pending = [];
  const issue = (label, p, onValue) => {
    pending.push(
      p.then(onValue, (e) => {
        // Calls may lose races (an id deleted meanwhile, an email taken): only those errors are expected.
        assert.ok(e?.name === "KraiterError" && ["NOT_FOUND", "CONFLICT"].includes(e.code), `${label}: ${e?.stack ?? e}`);
      }),
    );
  };
  const pick = (list, n) => (list.length ? list[n % list.length] : "seg_00000000000000000000000000");

  for (const { cmd, turns } of script) {
    clock.now += 1000;
    switch (cmd.t) {
      case "segCreate":
        issue(cmd.t, k.segments.create({ name: `s${segIds.length}`, rules: RULES[cmd.rules] }), (s) => segIds.push(s.id));
        break;
      case "segUpdate":
        issue(cmd.t, k.segments.update(pick(segIds, cmd.seg), { rules: RULES[cmd.rules] }));
        break;
      case "segDelete": {
        const id = pick(segIds, cmd.seg);
        issue(cmd.t, k.segments.delete(id), () => deleted.add(id));
        break;
      }
      case "segCompute":
        issue(cmd.t, k.segments.compute(pick(segIds, cmd.seg)), (r) => assert.equal(r.status, "computing"));
        break;
      case "wait":
        issue(cmd.t, k.segments.waitForCompute(pick(segIds, cmd.seg)));
        break;
      case "track":
        issue(cmd.t, k.events.track({ name: cmd.name, email: email(cmd.who), timestamp: clock.now - cmd.ago }));
        break;
      case "eventsImport":
        issue(cmd.t, k.events.import(cmd.who.map((w) => ({ name: "login", email: email(w) }))));
        break;
      case "contactsImport":
        issue(cmd.t, k.contacts.import(cmd.who.map((w) => ({ email: email(w), properties: { plan: cmd.plan } }))));
        break;
      case "contactCreate":
        issue(cmd.t, k.contacts.create({ email: email(cmd.who) }), (c) => contactIds.push(c.id));
        break;
      case "contactDelete": {
        const all = (await k.contacts.list({ limit: 100 })).data.map((c) => c.id);
        issue(cmd.t, k.contacts.delete(all.length ? all[cmd.who % all.length] : "cnt_00000000000000000000000000"));
        break;
      }
    }
    for (let i = 0; i < turns; i++) await turn();
    await checkInvariants(k, segIds, deleted, gone);
  }

  // Everything settles: every call, and waitForCompute of every segment.
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error("calls did not settle in 10 s")), 10_000).unref());
  await Promise.race([Promise.all(pending), timeout]);
  const waits = await Promise.race([Promise.all(segIds.map((id) => settle(k.segments.waitForCompute(id)))), timeout]);
  segIds.forEach((id, i) => assert.ok(deleted.has(id) ? waits[i].error?.code === "NOT_FOUND" : waits[i].value?.id === id, `waitForCompute(${id})`));
  await checkInvariants(k, segIds, deleted, gone);

  // With the clock still, a last compute of each live segment equals its preview.
  for (const id of segIds.filter((s) => !deleted.has(s))) {
    await k.segments.compute(id);
    const seg = await k.segments.waitForCompute(id);
    const members = (await k.segments.listMembers(id, { limit: 100 })).data.map((m) => m.id);
    const preview = await k.segments.preview(seg.rules, { limit: 100 });
    assert.deepEqual(members, preview.sample.map((m) => m.id), `members of ${id} after the last compute`);
    assert.equal(seg.memberCount, preview.count);
  }
  await k.close();
}

test("random interleavings keep memberCount, members and deletions consistent", async () => {
  const seed = Number(process.env.FC_SEED ?? 20251115);
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 45 }), fc.array(fc.nat(3), { maxLength: 8 }), runScript),
    { seed, numRuns: Number(process.env.FC_RUNS ?? 250), includeErrorInReport: true },
  );
});
