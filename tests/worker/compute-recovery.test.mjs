// Background computes in the tenant Durable Object: compute answers 202 and
// finishes through ctx.waitUntil, clearing its pending marker; a marker left by
// a compute lost with an evicted object is recovered by the alarm, after a restart.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import { eventually, harnessOptions, tempDir, tenantStub } from "./helpers.mjs";

const KEY = "recovery-key";
const storage = tempDir("recovery");
const options = () => harnessOptions({ keys: [KEY], persistDir: storage.dir });
let mf;

before(async () => { mf = new Miniflare(options()); await mf.ready; });
after(async () => {
  await mf?.dispose();
  storage.remove();
});

async function api(method, path, body) {
  const response = await mf.dispatchFetch(`http://localhost${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

const pending = async (stub) => JSON.parse(await stub.pendingComputes());
const tenantObject = () => tenantStub(mf, KEY);

let segment;

test("a finished background compute clears its marker and arms one recovery alarm", async () => {
  await api("POST", "/api/contacts/import", [{ email: "a@x.example", properties: { plan: "pro" } }, { email: "b@x.example", properties: { plan: "free" } }]);
  segment = (await api("POST", "/api/segments", { name: "pro", rules: [{ field: "properties.plan", op: "eq", value: "pro" }] })).json;
  const queued = await api("POST", `/api/segments/${segment.id}/compute`);
  assert.equal(queued.status, 202);
  const stub = await tenantObject();
  assert.ok((await stub.alarmTime()) > Date.now(), "an alarm is armed for recovery");
  await eventually(async () => (await api("GET", `/api/segments/${segment.id}`)).json.computedAt, { what: "compute" });
  await eventually(async () => Object.keys(await pending(stub)).length === 0, { what: "the marker to clear" });
});

test("a compute lost with its object is recomputed by the alarm after a restart", async () => {
  // Change the data, then leave a marker as if a compute had been acknowledged and lost.
  await api("POST", "/api/contacts", { email: "c@x.example", properties: { plan: "pro" } });
  const before = (await api("GET", `/api/segments/${segment.id}`)).json;
  assert.equal(before.memberCount, 1);
  const queuedAt = new Date(Date.parse(before.computedAt) + 1).toISOString();
  await (await tenantObject()).fakeLostCompute(segment.id, queuedAt);

  await mf.dispose();
  mf = undefined; // disposed: after() must not dispose it twice
  mf = new Miniflare(options());
  await mf.ready;
  const stub = await tenantObject();
  assert.deepEqual(await pending(stub), { [segment.id]: queuedAt });
  await stub.runAlarm();
  const after = (await api("GET", `/api/segments/${segment.id}`)).json;
  assert.equal(after.memberCount, 2);
  assert.ok(Date.parse(after.computedAt) >= Date.parse(queuedAt));
  assert.deepEqual(await pending(stub), {});
});

test("the alarm drops markers of deleted segments and leaves computed ones alone", async () => {
  const stub = await tenantObject();
  const current = (await api("GET", `/api/segments/${segment.id}`)).json;
  await stub.fakeLostCompute(segment.id, current.computedAt); // already computed at that time
  await stub.fakeLostCompute("seg_01K00000000000000000000000", current.computedAt);
  await stub.runAlarm();
  assert.deepEqual(await pending(stub), {});
  assert.deepEqual((await api("GET", `/api/segments/${segment.id}`)).json, current, "no needless recompute");
});
