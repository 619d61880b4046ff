// Tests js/storage/durable-object.js on real Durable Object storage in workerd
// (miniflare): round trips, chunking of multi-MB values under the 128 KiB limit,
// compaction, atomicity of a failed append, and persistence across a restart.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const persistDir = mkdtempSync(join(tmpdir(), "kraiter-do-storage-"));
const LIMIT = 128 * 1024;

function start() {
  return new Miniflare({
    modules: true,
    modulesRoot: root,
    scriptPath: join(root, "tests/worker/fixtures/storage-harness.js"),
    modulesRules: [{ type: "ESModule", include: ["**/*.js"] }],
    compatibilityDate: "2025-09-01",
    durableObjects: { HARNESS: { className: "StorageHarness", useSQLite: true } },
    durableObjectsPersist: persistDir,
  });
}

let mf = start();
after(async () => {
  await mf.dispose();
  rmSync(persistDir, { recursive: true, force: true });
});

async function call(path, { tenant, body, method = "POST" } = {}) {
  const response = await mf.dispatchFetch(`http://harness${path}?do=${tenant}`, { method, body });
  const text = await response.text();
  assert.ok(response.status < 300, `${path} → ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A string of `bytes` UTF-8 bytes with multi-byte characters that chunk cuts will split. */
function bigEntry(bytes, seed) {
  const unit = `{"cmd":"events.import","seed":${seed},"input":"héllo wörld ✓ 🚀 `;
  return (unit + "x".repeat(Math.max(0, bytes - unit.length))).slice(0, bytes);
}

test("an empty store loads as no snapshot and an empty log", async () => {
  assert.deepEqual(await call("/load", { tenant: "empty", method: "GET" }), { snapshot: null, log: [] });
});

test("entries come back in order, small and multi-MB alike, every value under 128 KiB", async () => {
  const entries = ["a", bigEntry(5 * 1024 * 1024 + 17, 1), "", '{"cmd":"x"}', bigEntry(300_000, 2)];
  for (const entry of entries) await call("/append", { tenant: "chunks", body: entry });
  const loaded = await call("/load", { tenant: "chunks", method: "GET" });
  assert.equal(loaded.log.length, entries.length);
  entries.forEach((entry, i) => assert.equal(loaded.log[i], entry, `entry ${i}`));
  const sizes = await call("/raw", { tenant: "chunks", method: "GET" });
  const chunkKeys = Object.keys(sizes).filter((key) => key.startsWith("kraiter/l/"));
  assert.ok(chunkKeys.length >= 5 * 8, `a 5 MB entry spreads over many chunks (got ${chunkKeys.length} keys)`);
  for (const [key, size] of Object.entries(sizes)) assert.ok(size < LIMIT, `${key} is ${size} bytes`);
});

test("the same multi-MB value written unchunked is refused by Durable Object storage", async () => {
  const response = await mf.dispatchFetch("http://harness/raw-put?do=raw", { method: "POST", body: new Uint8Array(5 * 1024 * 1024) });
  assert.equal(response.status, 500, "workerd rejects a 5 MB value, which is why the adapter chunks");
});

test("compact sets the snapshot, empties the log, and removes the old chunks", async () => {
  const tenant = "compact";
  await call("/append", { tenant, body: bigEntry(400_000, 3) });
  const snapshot = new Uint8Array(3 * 1024 * 1024 + 5).map((_, i) => (i * 31) & 0xff);
  await call("/compact", { tenant, body: snapshot });
  let loaded = await call("/load", { tenant, method: "GET" });
  assert.deepEqual(loaded.log, []);
  assert.deepEqual(new Uint8Array(Buffer.from(loaded.snapshot, "base64")), snapshot);

  await call("/append", { tenant, body: "after-1" });
  const second = new Uint8Array(200_000).fill(7);
  await call("/compact", { tenant, body: second });
  await call("/append", { tenant, body: "after-2" });
  loaded = await call("/load", { tenant, method: "GET" });
  assert.deepEqual(loaded.log, ["after-2"]);
  assert.deepEqual(new Uint8Array(Buffer.from(loaded.snapshot, "base64")), second);

  const sizes = await call("/raw", { tenant, method: "GET" });
  const snapshotBytes = Object.entries(sizes).filter(([key]) => key.startsWith("kraiter/s/")).reduce((sum, [, size]) => sum + size, 0);
  assert.equal(snapshotBytes, second.byteLength, "only the latest snapshot's chunks remain");
  assert.equal(Object.keys(sizes).filter((key) => key.startsWith("kraiter/l/")).length, 1, "only the last entry's chunk remains");
});

test("an append whose transaction fails leaves nothing behind", async () => {
  const tenant = "abort";
  await call("/append", { tenant, body: "kept" });
  const before = await call("/raw", { tenant, method: "GET" });
  const response = await mf.dispatchFetch(`http://harness/abort-append?do=${tenant}`, { method: "POST", body: bigEntry(1024 * 1024, 4) });
  assert.equal(response.status, 500, await response.text());
  assert.deepEqual(await call("/raw", { tenant, method: "GET" }), before);
  assert.deepEqual((await call("/load", { tenant, method: "GET" })).log, ["kept"]);
});

test("everything survives a restart of workerd with persisted storage", async () => {
  const tenant = "restart";
  const entry = bigEntry(2 * 1024 * 1024, 5);
  await call("/compact", { tenant, body: new Uint8Array([1, 2, 3]) });
  await call("/append", { tenant, body: entry });
  await mf.dispose();
  mf = start();
  const loaded = await call("/load", { tenant, method: "GET" });
  assert.deepEqual([...Buffer.from(loaded.snapshot, "base64")], [1, 2, 3]);
  assert.deepEqual(loaded.log, [entry]);
});
