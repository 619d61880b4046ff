// Tests js/storage/durable-object.js on real Durable Object storage in workerd
// (miniflare): the shared storage contract, chunking of multi-MB values under
// the 128 KiB limit, compaction cleanup, ordering of concurrent appends, and
// persistence across a restart of workerd.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { storageContract } from "../storage-contract.mjs";
import { COMPATIBILITY_DATE, MODULE_RULES, OFFLINE, ROOT } from "../../scripts/lib/miniflare-options.mjs";

const persistDir = mkdtempSync(join(tmpdir(), "kraiter-do-storage-"));
const LIMIT = 128 * 1024;

function start() {
  return new Miniflare({
    ...OFFLINE,
    modules: true,
    modulesRoot: ROOT,
    scriptPath: join(ROOT, "tests/worker/fixtures/storage-harness.js"),
    modulesRules: MODULE_RULES,
    compatibilityDate: COMPATIBILITY_DATE,
    durableObjects: { HARNESS: { className: "StorageHarness", useSQLite: true } },
    durableObjectsPersist: persistDir,
  });
}

let mf = start();
after(async () => {
  await mf?.dispose();
  rmSync(persistDir, { recursive: true, force: true });
});

/** Calls a harness route on the object named `tenant`; rethrows the adapter's error as it was. */
async function call(path, { tenant, body, method = "POST" } = {}) {
  const response = await mf.dispatchFetch(`http://harness${path}${path.includes("?") ? "&" : "?"}do=${encodeURIComponent(tenant)}`, { method, body });
  const text = await response.text();
  if (response.status >= 300) {
    let parsed;
    try { parsed = JSON.parse(text).error; } catch { throw new Error(`${path} → ${response.status}: ${text}`); }
    throw Object.assign(new Error(parsed.message), parsed);
  }
  return text ? JSON.parse(text) : null;
}

const load = async (tenant) => {
  const { snapshot, snapshotIsBytes, log } = await call("/load", { tenant, method: "GET" });
  assert.ok(snapshotIsBytes, "load() gives the snapshot as a Uint8Array");
  return { snapshot: snapshot === null ? null : new Uint8Array(Buffer.from(snapshot, "base64")), log };
};

/** A Node-side stand-in for the adapter living in the Durable Object named `name`. */
function remoteAdapter(name) {
  let queue = Promise.resolve(); // keeps the HTTP calls in call order, as a local caller's would be
  const serial = (job) => (queue = queue.then(job, job));
  return {
    load: () => serial(() => load(name)),
    append: (entry) => serial(async () => { await call("/append", { tenant: name, body: entry }); }),
    compact: (snapshot) => {
      const copy = snapshot.slice(); // at call time, as the adapter itself does
      return serial(async () => { await call("/compact", { tenant: name, body: copy }); });
    },
    close: () => serial(async () => { await call("/close", { tenant: name }); }),
  };
}

storageContract("durable-object (workerd)", {
  async open(name) {
    await call("/open", { tenant: name });
    return remoteAdapter(name);
  },
  faults: {
    arm: () => call("/faults?armed=1", { tenant: "faults" }),
    disarm: () => call("/faults?armed=0", { tenant: "faults" }),
    message: /Durable Object storage could not (append a log entry|write a snapshot): injected storage failure \(disk full\)/,
  },
});

/** A string of `bytes` UTF-8 bytes with multi-byte characters that chunk cuts will split. */
function bigEntry(bytes, seed) {
  const unit = `{"cmd":"events.import","seed":${seed},"input":"héllo wörld ✓ 🚀 `;
  return (unit + "x".repeat(Math.max(0, bytes - unit.length))).slice(0, bytes);
}

test("multi-MB entries are stored as chunks, every value under 128 KiB", async () => {
  const tenant = "chunks";
  const entries = ["a", bigEntry(5 * 1024 * 1024 + 17, 1), "", bigEntry(300_000, 2)];
  for (const entry of entries) await call("/append", { tenant, body: entry });
  assert.deepEqual((await load(tenant)).log, entries);
  const sizes = await call("/raw", { tenant, method: "GET" });
  const chunkKeys = Object.keys(sizes).filter((key) => key.startsWith("kraiter/l/"));
  assert.ok(chunkKeys.length >= 40, `a 5 MB entry spreads over many chunks (got ${chunkKeys.length} keys)`);
  for (const [key, size] of Object.entries(sizes)) assert.ok(size < LIMIT, `${key} is ${size} bytes`);
});

test("the same multi-MB value written unchunked is refused by Durable Object storage", async () => {
  await assert.rejects(call("/raw-put", { tenant: "raw", body: new Uint8Array(5 * 1024 * 1024) }));
});

test("appends issued together inside the object keep call order", async () => {
  const tenant = "together";
  const entries = Array.from({ length: 30 }, (_, i) => `entry ${i} ${"z".repeat((i * 7919) % 200_000)}`);
  await call("/append-together", { tenant, body: JSON.stringify(entries) });
  assert.deepEqual((await load(tenant)).log, entries);
});

test("compact removes the chunks of the old snapshot and of the log", async () => {
  const tenant = "compact";
  await call("/append", { tenant, body: bigEntry(400_000, 3) });
  await call("/compact", { tenant, body: new Uint8Array(3 * 1024 * 1024 + 5).fill(1) });
  await call("/append", { tenant, body: "after-1" });
  const second = new Uint8Array(200_000).fill(7);
  await call("/compact", { tenant, body: second });
  await call("/append", { tenant, body: "after-2" });
  const loaded = await load(tenant);
  assert.deepEqual(loaded.log, ["after-2"]);
  assert.deepEqual(loaded.snapshot, second);
  const sizes = await call("/raw", { tenant, method: "GET" });
  const snapshotBytes = Object.entries(sizes).filter(([key]) => key.startsWith("kraiter/s/")).reduce((sum, [, size]) => sum + size, 0);
  assert.equal(snapshotBytes, second.byteLength, "only the latest snapshot's chunks remain");
  assert.equal(Object.keys(sizes).filter((key) => key.startsWith("kraiter/l/")).length, 1, "only the last entry's chunk remains");
});

test("everything survives a restart of workerd with persisted storage", async () => {
  const tenant = "restart";
  const entry = bigEntry(2 * 1024 * 1024, 5);
  await call("/compact", { tenant, body: new Uint8Array([1, 2, 3]) });
  await call("/append", { tenant, body: entry });
  await mf.dispose();
  mf = undefined; // disposed: after() must not dispose it twice
  mf = start();
  const loaded = await load(tenant);
  assert.deepEqual([...loaded.snapshot], [1, 2, 3]);
  assert.deepEqual(loaded.log, [entry]);
});
