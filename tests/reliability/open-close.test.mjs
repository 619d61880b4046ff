// Opening and closing, at the edges: Kraiter.open checks every option (an
// unknown or misspelt key, a bad onCorruptEntry, is VALIDATION_ERROR, never
// ignored); a log entry that cannot be replayed is STORAGE_ERROR naming it,
// or, with onCorruptEntry: "skip", reported in openReport; a failed open
// closes the storage it was given (its lock is released); close() called
// twice at once frees the engine once and closes the storage once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kraiter, KraiterError, fileStorage, memoryStorage } from "kraiter-segments";
import { T0 } from "./helpers.mjs";

const validation = (path) => (err) => {
  assert.ok(err instanceof KraiterError, String(err));
  assert.equal(err.code, "VALIDATION_ERROR");
  assert.equal(err.details[0].path, path);
  return true;
};

/** memoryStorage that counts close() calls. */
function counted(inner = memoryStorage()) {
  const s = { ...inner, closes: 0 };
  s.close = async () => {
    s.closes++;
    await inner.close();
  };
  return s;
}

test("Kraiter.open refuses unknown options and bad onCorruptEntry values", async () => {
  await assert.rejects(Kraiter.open({ storgae: memoryStorage() }), validation("storgae"));
  await assert.rejects(Kraiter.open({ now: () => T0, onCorrupt: "skip" }), validation("onCorrupt"));
  for (const bad of ["ignore", "SKIP", true, 1, null]) {
    await assert.rejects(Kraiter.open({ onCorruptEntry: bad }), validation("onCorruptEntry"));
  }
  await assert.rejects(Kraiter.open("memory"), validation(""));
  await assert.rejects(Kraiter.open([]), validation(""));
  for (const ok of ["fail", "skip", undefined]) await (await Kraiter.open({ onCorruptEntry: ok })).close();
  await (await Kraiter.open(null)).close();
});

test("a log entry that cannot be replayed is STORAGE_ERROR naming its position, and the storage is closed", async () => {
  const storage = counted();
  const k = await Kraiter.open({ storage, now: () => T0 });
  for (let i = 0; i < 5; i++) await k.contacts.create({ email: `u${i}@x.io` });
  await k.close();
  // A hand-edited log: entry 2 is a conflict now (a second u0), entry 4 is not JSON.
  const { snapshot, log } = await storage.load();
  assert.equal(log.length, 0, "close compacted");
  const damaged = counted();
  await damaged.compact(snapshot);
  const entry = (email) => JSON.stringify({ cmd: "contacts.create", now: T0, seed: [1, 2, 3, 4], input: { email } });
  for (const e of [entry("a@x.io"), entry("u0@x.io"), entry("b@x.io"), "{not json", entry("c@x.io")]) await damaged.append(e);
  await assert.rejects(Kraiter.open({ storage: damaged, now: () => T0 }), (err) => {
    assert.equal(err.code, "STORAGE_ERROR");
    assert.match(err.message, /^Log entry 2 of 5 cannot be replayed: .*u0@x\.io/);
    return true;
  });
  assert.equal(damaged.closes, 1, "a failed open closes the storage it was given");

  const warn = console.warn;
  const warned = [];
  console.warn = (m) => warned.push(m);
  let skipping;
  try {
    skipping = await Kraiter.open({ storage: damaged, now: () => T0, onCorruptEntry: "skip" });
  } finally {
    console.warn = warn;
  }
  const report = skipping.openReport;
  assert.deepEqual(report.skipped.map(({ position }) => position), [2, 4]);
  assert.deepEqual(report.skipped.map(({ entry }) => entry), [entry("u0@x.io"), "{not json"]);
  assert.match(report.skipped[1].message, /\S/);
  assert.equal(report.logEntries, 5);
  assert.ok(Object.isFrozen(report) && Object.isFrozen(report.skipped));
  assert.equal(warned.length, 1);
  assert.match(warned[0], /without 2 stored log entries that cannot be replayed \(onCorruptEntry: "skip"\): entry 2: .*; entry 4: /);
  const emails = (await skipping.contacts.list({ limit: 100 })).data.map((c) => c.email);
  assert.deepEqual(emails, ["u0@x.io", "u1@x.io", "u2@x.io", "u3@x.io", "u4@x.io", "a@x.io", "b@x.io", "c@x.io"]);
  await skipping.close();
});

test("a snapshot that cannot be restored is STORAGE_ERROR saying so", async () => {
  const storage = counted();
  await storage.compact(new TextEncoder().encode("not a snapshot at all"));
  await assert.rejects(Kraiter.open({ storage }), (err) => {
    assert.equal(err.code, "STORAGE_ERROR");
    assert.match(err.message, /^The stored snapshot \(21 bytes\) cannot be restored: /);
    return true;
  });
  assert.equal(storage.closes, 1);
});

test("a failed open releases a file storage's lock, so the directory can be opened again", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kraiter-open-fail-"));
  try {
    const s = fileStorage(dir);
    await s.append("{not json");
    await s.close();
    await assert.rejects(Kraiter.open({ storage: fileStorage(dir) }), /Log entry 1 of 1/);
    const warn = console.warn;
    console.warn = () => {};
    try {
      const k = await Kraiter.open({ storage: fileStorage(dir), onCorruptEntry: "skip" });
      assert.equal(k.openReport.skipped.length, 1);
      await k.close();
    } finally {
      console.warn = warn;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("close() twice at once: one promise, the engine freed once, the storage closed once", async () => {
  const storage = counted();
  const k = await Kraiter.open({ storage, now: () => T0 });
  await k.contacts.create({ email: "a@x.io" });
  const first = k.close();
  const second = k.close();
  await Promise.all([first, second]);
  assert.equal(storage.closes, 1);
  await k.close(); // and later calls too
  assert.equal(storage.closes, 1);
  await assert.rejects(k.contacts.list(), (err) => err.code === "STORAGE_ERROR");
  const again = await Kraiter.open({ storage, now: () => T0 });
  assert.equal((await again.contacts.list()).data.length, 1);
  await again.close();
});

test("close() waits for calls made before it; calls made after it reject with STORAGE_ERROR", async () => {
  const storage = counted();
  const k = await Kraiter.open({ storage, now: () => T0 });
  const before = k.contacts.create({ email: "before@x.io" });
  const closing = k.close();
  const afterClose = k.contacts.create({ email: "after@x.io" });
  await before;
  await assert.rejects(afterClose, (err) => err.code === "STORAGE_ERROR" && /closed/.test(err.message));
  await closing;
  const again = await Kraiter.open({ storage, now: () => T0 });
  assert.deepEqual((await again.contacts.list()).data.map((c) => c.email), ["before@x.io"]);
  await again.close();
});
