// Tenant isolation and persistence against the Worker in real workerd: two API
// keys never see each other's data, and everything (compute results included)
// survives a restart of workerd on persisted Durable Object storage.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, eventually, tempDir, tenantStub } from "./helpers.mjs";

const A = "tenant-a-key";
const B = "tenant-b-key";
const storage = tempDir("tenants");
let worker;

before(async () => { worker = await startWorker({ harness: true, keys: [A, B], persistDir: storage.dir }); });
after(async () => {
  await worker?.dispose();
  storage.remove();
});

async function ok(response, status) {
  assert.equal(response.status, status, response.text);
  return response.json;
}

const PRO = [{ field: "properties.plan", op: "eq", value: "pro" }];
const state = {};

test("tenant A's data, computed", async () => {
  const contacts = Array.from({ length: 3000 }, (_, i) => ({
    email: `user${i}@a.example`,
    properties: { plan: i % 3 === 0 ? "pro" : "free", seats: i % 50 },
  }));
  for (let i = 0; i < contacts.length; i += 1000) {
    await ok(await worker.call("POST", "/api/contacts/import", { key: A, body: contacts.slice(i, i + 1000) }), 200);
  }
  // Then ~1 MB imports (notes on 300 of them) until the core compacts its log
  // into a snapshot, so what the restart reads back is a multi-MB chunked
  // snapshot plus a log, not a log alone. Capped, so a core that never
  // compacted would fail here.
  const stub = await tenantStub(worker.mf, A);
  let stored;
  for (let round = 0; round < 64; round++) {
    const notes = contacts.slice(0, 300).map((c, i) => ({ email: c.email, properties: { note: `${round}:${i} `.padEnd(3000, "lorem ipsum ") } }));
    await ok(await worker.call("POST", "/api/contacts/import", { key: A, body: notes }), 200);
    stored = JSON.parse(await stub.storageSummary());
    if (stored.snapshotChunks > 0) break;
  }
  assert.ok(stored.snapshotChunks > 8, `a multi-MB snapshot was written: ${JSON.stringify(stored)}`);
  state.shared = await ok(await worker.call("POST", "/api/contacts", { key: A, body: { email: "shared@example.com", properties: { plan: "pro" } } }), 201);
  state.segment = await ok(await worker.call("POST", "/api/segments", { key: A, body: { name: "A pro", rules: PRO } }), 201);
  await ok(await worker.call("POST", `/api/segments/${state.segment.id}/compute`, { key: A }), 202);
  state.computed = await eventually(async () => {
    const s = await ok(await worker.call("GET", `/api/segments/${state.segment.id}`, { key: A }), 200);
    return s.computedAt && s;
  }, { what: "compute" });
  assert.equal(state.computed.memberCount, 1001);
  state.firstMembers = await ok(await worker.call("GET", `/api/segments/${state.segment.id}/members?limit=100`, { key: A }), 200);
});

test("tenant B sees none of it and can reuse the same emails", async () => {
  assert.deepEqual(await ok(await worker.call("GET", "/api/segments", { key: B }), 200), { data: [], nextCursor: null });
  assert.deepEqual(await ok(await worker.call("GET", "/api/contacts", { key: B }), 200), { data: [], nextCursor: null });
  const id = state.segment.id;
  for (const [method, path, body] of [
    ["GET", `/api/segments/${id}`],
    ["PATCH", `/api/segments/${id}`, { name: "stolen" }],
    ["GET", `/api/segments/${id}/members`],
    ["POST", `/api/segments/${id}/compute`],
    ["DELETE", `/api/segments/${id}`],
    ["GET", `/api/contacts/${state.shared.id}`],
    ["PATCH", `/api/contacts/${state.shared.id}`, { properties: { plan: "free" } }],
    ["DELETE", `/api/contacts/${state.shared.id}`],
    ["POST", "/api/events", { name: "login", contactId: state.shared.id }],
  ]) {
    const response = await worker.call(method, path, { key: B, body });
    assert.equal(response.status, 404, `${method} ${path} as B: ${response.text}`);
    assert.equal(response.json.error.code, "NOT_FOUND");
  }
  state.bContact = await ok(await worker.call("POST", "/api/contacts", { key: B, body: { email: "shared@example.com", properties: { plan: "free" } } }), 201);
  assert.notEqual(state.bContact.id, state.shared.id);
  const preview = await ok(await worker.call("POST", "/api/segments/preview", { key: B, body: { rules: PRO } }), 200);
  assert.equal(preview.count, 0, "B's preview runs on B's contacts only");
  // A is untouched by all of B's attempts.
  assert.deepEqual(await ok(await worker.call("GET", `/api/segments/${state.segment.id}`, { key: A }), 200), state.computed);
});

test("after a restart of workerd everything acknowledged is still there", async () => {
  await worker.restart();
  assert.deepEqual(await ok(await worker.call("GET", `/api/segments/${state.segment.id}`, { key: A }), 200), state.computed);
  assert.deepEqual(await ok(await worker.call("GET", `/api/segments/${state.segment.id}/members?limit=100`, { key: A }), 200), state.firstMembers);
  assert.deepEqual(await ok(await worker.call("GET", `/api/contacts/${state.shared.id}`, { key: A }), 200), state.shared);
  assert.deepEqual(await ok(await worker.call("GET", `/api/contacts/${state.bContact.id}`, { key: B }), 200), state.bContact);
  let count = 0;
  let cursor = null;
  do {
    const page = await ok(await worker.call("GET", `/api/contacts?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { key: A }), 200);
    count += page.data.length;
    cursor = page.nextCursor;
  } while (cursor);
  assert.equal(count, 3001);
});

test("after the restart, writes and computes go on and persist again", async () => {
  await ok(await worker.call("PATCH", `/api/contacts/${state.shared.id}`, { key: A, body: { properties: { plan: "free" } } }), 200);
  await ok(await worker.call("POST", `/api/segments/${state.segment.id}/compute`, { key: A }), 202);
  const recomputed = await eventually(async () => {
    const s = await ok(await worker.call("GET", `/api/segments/${state.segment.id}`, { key: A }), 200);
    return s.computedAt !== state.computed.computedAt && s;
  }, { what: "recompute" });
  assert.equal(recomputed.memberCount, 1000);
  await worker.restart();
  assert.deepEqual(await ok(await worker.call("GET", `/api/segments/${state.segment.id}`, { key: A }), 200), recomputed);
});

test("a key removed from KRAITER_API_KEYS is refused; its data stays for when it returns", async () => {
  await worker.dispose();
  worker = await startWorker({ harness: true, keys: [B], persistDir: storage.dir });
  assert.equal((await worker.call("GET", "/api/segments", { key: A })).status, 401);
  assert.equal((await worker.call("GET", "/api/contacts", { key: B })).status, 200);
  await worker.dispose();
  worker = await startWorker({ harness: true, keys: [A, B], persistDir: storage.dir });
  assert.equal((await ok(await worker.call("GET", `/api/segments/${state.segment.id}`, { key: A }), 200)).id, state.segment.id);
});
