// The storage contract against indexedDBStorage() on fake-indexeddb in Node,
// plus the IndexedDB-only duties: few large values after compaction, and
// another tab upgrading or deleting the database. Quota failures are
// injected the way Chromium reports them at commit: the transaction aborts
// with QuotaExceededError and every request sees an AbortError.
import "fake-indexeddb/auto";
import { test } from "node:test";
import assert from "node:assert/strict";
import { openDB, deleteDB } from "idb";
import { indexedDBStorage, SCHEMA_VERSION } from "../js/storage/indexeddb.js";
import { storageContract, bytes } from "./storage-contract.mjs";

const CHUNK = 1 << 20;
const real = { put: IDBObjectStore.prototype.put, add: IDBObjectStore.prototype.add };

function quotaAtCommit(method) {
  return function (...args) {
    const request = method.apply(this, args);
    this.transaction._abort("QuotaExceededError"); // fake-indexeddb's internal abort-with-error
    return request;
  };
}

storageContract("indexeddb (fake-indexeddb)", {
  open: async (name) => indexedDBStorage(name, { chunkBytes: CHUNK }),
  faults: {
    message: /quota exceeded/i,
    async arm() {
      IDBObjectStore.prototype.put = quotaAtCommit(real.put);
      IDBObjectStore.prototype.add = quotaAtCommit(real.add);
    },
    async disarm() {
      Object.assign(IDBObjectStore.prototype, real);
    },
  },
});

test("indexeddb: a compacted database holds a few large values, not one per record", async () => {
  const name = "few-values";
  const s = indexedDBStorage(name, { chunkBytes: CHUNK });
  for (let i = 0; i < 50; i++) await s.append(`entry ${i}`);
  await s.compact(bytes(3 * CHUNK + 5, 1));
  await s.close();
  const db = await openDB(name);
  assert.equal(await db.count("log"), 0);
  assert.equal(await db.count("snapshot"), 4);
  assert.deepEqual(await db.get("meta", "snapshot").then(({ chunks, byteLength }) => ({ chunks, byteLength })),
    { chunks: 4, byteLength: 3 * CHUNK + 5 });
  db.close();
});

test("indexeddb: another tab upgrading the database is not blocked by this one", async () => {
  const name = "upgraded-elsewhere";
  const s = indexedDBStorage(name);
  await s.append("mine");
  let blocked = false;
  const other = await openDB(name, SCHEMA_VERSION + 1, {
    blocked: () => { blocked = true; },
    upgrade: (db) => db.createObjectStore("added-by-a-newer-app"),
  });
  assert.equal(blocked, false, "the adapter should close on versionchange");
  other.close();
  // This (older) code must not use a database it does not understand.
  await assert.rejects(s.append("late"), (err) => err.code === "STORAGE_ERROR" && /newer version/.test(err.message));
  await s.close();
});

test("indexeddb: another tab deleting the database is not blocked; the adapter reopens lazily", async () => {
  const name = "deleted-elsewhere";
  const s = indexedDBStorage(name);
  await s.append("gone soon");
  let blocked = false;
  await deleteDB(name, { blocked: () => { blocked = true; } });
  assert.equal(blocked, false);
  assert.deepEqual(await s.load(), { snapshot: null, log: [] });
  await s.append("fresh");
  assert.deepEqual((await s.load()).log, ["fresh"]);
  await s.close();
});

test("indexeddb: without navigator.locks (Node, fake-indexeddb) there is no lock: a second storage on the database opens at once", async () => {
  assert.equal(globalThis.navigator?.locks, undefined, "this runtime has Web Locks; the no-lock case is not tested here");
  const name = "no-web-locks";
  let waited = false;
  const a = indexedDBStorage(name, { onWaiting: () => { waited = true; } });
  const b = indexedDBStorage(name, { onWaiting: () => { waited = true; } });
  await a.append("from a");
  assert.deepEqual((await b.load()).log, ["from a"]);
  assert.equal(waited, false);
  await a.close();
  await b.close();
});

test("indexeddb: options are checked: unknown keys and bad values are VALIDATION_ERROR", () => {
  const validation = (path) => (err) => err.code === "VALIDATION_ERROR" && err.details[0].path === path;
  assert.throws(() => indexedDBStorage("x", { chunkbytes: 10 }), validation("chunkbytes"));
  assert.throws(() => indexedDBStorage("x", { chunkBytes: 0 }), validation("chunkBytes"));
  assert.throws(() => indexedDBStorage("x", { durability: "always" }), validation("durability"));
  assert.throws(() => indexedDBStorage("x", { onWaiting: "show a banner" }), validation("onWaiting"));
  assert.throws(() => indexedDBStorage("x", { blockedTimeoutMs: -1 }), validation("blockedTimeoutMs"));
});
