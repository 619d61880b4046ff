// Bytes flipped in stored data, then the storage reopened, on memory, file
// and IndexedDB (fake-indexeddb) storage: a dataset of contacts, events and a
// computed segment is compacted into a snapshot with four more calls left in
// the log (corruption-workload.mjs); then one flip lands in the snapshot or
// in a log entry. Reopening must reject with KraiterError STORAGE_ERROR
// saying what is wrong (for a log entry: which one, "Log entry 2 of 4"),
// never a wasm trap and never a silently smaller state; a snapshot flip that
// still decodes (it landed in a string) must leave a usable instance of the
// same size. With onCorruptEntry: "skip" the damaged entry is left out and
// reported. Durable Object storage: corrupt-durable-object.test.mjs; real
// Chromium IndexedDB: tests/storage-indexeddb-lock-chromium.test.mjs.
import "fake-indexeddb/auto";
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDB } from "idb";
import { Kraiter, KraiterError, fileStorage, memoryStorage } from "kraiter-segments";
import { indexedDBStorage } from "../../js/storage/indexeddb.js";
import { LOG_ENTRIES, T0, keepLog, summary, writeDataset } from "./corruption-workload.mjs";

const root = await mkdtemp(join(tmpdir(), "kraiter-corrupt-"));
after(() => rm(root, { recursive: true, force: true }));
let n = 0;

const utf8 = new TextEncoder();
const text = new TextDecoder();
const flipChar = (entry, at, mask) => {
  const bytes = utf8.encode(entry);
  bytes[at] ^= mask;
  return text.decode(bytes);
};

/** Each backend: `open()` a new adapter on the dataset; flip a snapshot byte or a byte of log entry `pos` (1-based). */
const backends = {
  memory() {
    let storage = memoryStorage();
    const rewrite = async (fn) => {
      const state = await storage.load();
      fn(state);
      storage = memoryStorage();
      if (state.snapshot) await storage.compact(state.snapshot);
      for (const e of state.log) await storage.append(e);
    };
    return {
      open: () => storage,
      snapshotBytes: async () => (await storage.load()).snapshot.length,
      entry: async (pos) => (await storage.load()).log[pos - 1],
      flipSnapshot: (at, mask) => rewrite((s) => { s.snapshot[at] ^= mask; }),
      flipEntry: (pos, at, mask) => rewrite((s) => { s.log[pos - 1] = flipChar(s.log[pos - 1], at, mask); }),
    };
  },

  file() {
    const dir = join(root, `file-${n++}`);
    const generation = async () => JSON.parse(await readFile(join(dir, "MANIFEST"), "utf8")).generation;
    const logFile = async () => join(dir, `log-${await generation()}.bin`);
    /** Byte offsets of frame `pos`: its header start, body start, and terminator. */
    const frame = async (pos) => {
      const buf = await readFile(await logFile());
      let at = 0;
      for (let i = 1; ; i++) {
        const nl = buf.indexOf(10, at);
        const len = Number(buf.toString("latin1", at, nl));
        if (i === pos) return { buf, header: at, body: nl + 1, end: nl + 1 + len };
        at = nl + 1 + len + 1;
      }
    };
    const flipFileByte = async (path, at, mask) => {
      const buf = await readFile(path);
      buf[at] ^= mask;
      await writeFile(path, buf);
    };
    return {
      open: () => fileStorage(dir),
      snapshotBytes: async () => (await readFile(join(dir, `snapshot-${await generation()}.bin`))).length,
      entry: async (pos) => {
        const { buf, body, end } = await frame(pos);
        return buf.toString("utf8", body, end);
      },
      flipSnapshot: async (at, mask) => flipFileByte(join(dir, `snapshot-${await generation()}.bin`), at, mask),
      flipEntry: async (pos, at, mask) => flipFileByte(await logFile(), (await frame(pos)).body + at, mask),
      /** File only: a byte of the frame around entry `pos` (its length digits, or its final newline). */
      flipFrame: async (pos, part) => {
        const f = await frame(pos);
        await flipFileByte(await logFile(), part === "length" ? f.header : f.end, 0x01);
      },
    };
  },

  indexeddb() {
    const name = `corrupt-${n++}`;
    const raw = async (fn) => {
      const db = await openDB(name);
      try {
        return await fn(db);
      } finally {
        db.close();
      }
    };
    const logKeys = () => raw((db) => db.getAllKeys("log"));
    return {
      open: () => indexedDBStorage(name, { chunkBytes: 4096 }), // several chunks, so a flip can land in any
      snapshotBytes: () => raw(async (db) => (await db.get("meta", "snapshot")).byteLength),
      entry: async (pos) => raw(async (db) => db.get("log", (await db.getAllKeys("log"))[pos - 1])),
      flipSnapshot: (at, mask) => raw(async (db) => {
        const keys = await db.getAllKeys("snapshot");
        let offset = 0;
        for (const key of keys) {
          const chunk = new Uint8Array(await db.get("snapshot", key));
          if (at < offset + chunk.length) {
            chunk[at - offset] ^= mask;
            await db.put("snapshot", chunk, key);
            return;
          }
          offset += chunk.length;
        }
        throw new Error(`no snapshot byte ${at}`);
      }),
      flipEntry: async (pos, at, mask) => {
        const key = (await logKeys())[pos - 1];
        await raw(async (db) => db.put("log", flipChar(await db.get("log", key), at, mask), key));
      },
    };
  },
};

/** A new backend holding the dataset; `expected` is what the writer saw before closing. */
async function dataset(kind) {
  const b = backends[kind]();
  const storage = keepLog(b.open());
  const k = await Kraiter.open({ storage, now: () => T0 });
  await writeDataset(k);
  const expected = await summary(k);
  storage.freeze();
  await k.close();
  return { b, expected };
}

/** Asserts `err` is a STORAGE_ERROR KraiterError matching `message`, and no trap in disguise. */
function assertStorageError(err, message) {
  assert.ok(err instanceof KraiterError, `expected a KraiterError, got ${err?.name}: ${err?.message}`);
  assert.equal(err.code, "STORAGE_ERROR", err.message);
  assert.doesNotMatch(err.message, /trapped|unreachable|RuntimeError|Storage failed/i, "a wasm trap is not a diagnosis");
  assert.ok(!(err.cause instanceof WebAssembly.RuntimeError), `a wasm trap underneath: ${err.message}`);
  assert.match(err.message, message);
}

/**
 * Reopens after a snapshot flip: STORAGE_ERROR naming the snapshot, or (a
 * flip inside a string that still decodes) an instance that works and holds
 * as many contacts, segments and events as before. Returns which, or throws.
 */
async function reopenAfterSnapshotFlip(b, expected) {
  let k;
  try {
    k = await Kraiter.open({ storage: b.open(), now: () => T0 });
  } catch (err) {
    assertStorageError(err, /stored snapshot \(\d+ bytes\) cannot be restored: \S/);
    return "refused";
  }
  try {
    const got = await summary(k);
    for (const key of ["contacts", "segments", "logins", "buys"]) {
      assert.equal(got[key].length, expected[key].length, `the reopened state has another number of ${key}`);
    }
    await k.contacts.create({ email: "after-the-flip@x.io" });
  } finally {
    await k.close().catch(() => {});
  }
  return "decoded";
}

/** Opens with onCorruptEntry: "skip", capturing console.warn; returns the instance and what was warned. */
async function openSkipping(storage) {
  const warned = [];
  const warn = console.warn;
  console.warn = (...args) => warned.push(args.join(" "));
  try {
    const k = await Kraiter.open({ storage, now: () => T0, onCorruptEntry: "skip" });
    return { k, warned };
  } finally {
    console.warn = warn;
  }
}

/**
 * Entry `pos` was damaged: opening fails naming it; skipping opens without
 * it (`expected` minus `lost`), reports it, and close() leaves storage that
 * reopens cleanly to the same state.
 */
async function checkDamagedEntry(b, expected, pos, lost) {
  await assert.rejects(Kraiter.open({ storage: b.open(), now: () => T0 }), (err) => {
    assertStorageError(err, new RegExp(`^Log entry ${pos} of ${LOG_ENTRIES} cannot be replayed: \\S`));
    return true;
  });
  const { k, warned } = await openSkipping(b.open());
  assert.deepEqual(k.openReport.skipped.map((s) => s.position), [pos]);
  assert.equal(typeof k.openReport.skipped[0].message, "string");
  assert.equal(typeof k.openReport.skipped[0].entry, "string");
  assert.equal(k.openReport.logEntries, LOG_ENTRIES);
  assert.equal(warned.length, 1);
  assert.match(warned[0], new RegExp(`without 1 stored log entry .*entry ${pos}: `));
  const got = await summary(k);
  const want = structuredClone(expected);
  for (const [key, email] of Object.entries(lost)) want[key] = want[key].filter((e) => e !== email);
  assert.deepEqual({ contacts: got.contacts, logins: got.logins }, { contacts: want.contacts, logins: want.logins });
  await k.close();
  const again = await Kraiter.open({ storage: b.open(), now: () => T0 });
  assert.deepEqual(again.openReport.skipped, []);
  assert.deepEqual(await summary(again), got, "after close the skipped entry is gone from storage, and nothing else");
  await again.close();
}

const createAt = (entry) => entry.indexOf("create"); // the "c" of "contacts.create"

for (const kind of Object.keys(backends)) {
  describe(`corrupted ${kind} storage`, () => {
    test("untouched, the dataset reopens exactly (the baseline the other cases change)", async () => {
      const { b, expected } = await dataset(kind);
      const k = await Kraiter.open({ storage: b.open(), now: () => T0 });
      assert.deepEqual(await summary(k), expected);
      assert.deepEqual(k.openReport, { snapshotBytes: await b.snapshotBytes(), logEntries: LOG_ENTRIES, skipped: [] });
      await k.close();
    });

    for (const [where, pick] of [["its format marker", () => 0], ["its first field", () => 4], ["the middle", (len) => len >> 1], ["its last byte", (len) => len - 1]]) {
      test(`a byte flipped in the snapshot (${where}) is STORAGE_ERROR, or decodes to a usable state of the same size`, async () => {
        const { b, expected } = await dataset(kind);
        const at = pick(await b.snapshotBytes());
        await b.flipSnapshot(at, 0xff);
        const outcome = await reopenAfterSnapshotFlip(b, expected);
        if (where === "its format marker") assert.equal(outcome, "refused");
      });
    }

    test("a log entry that is no longer JSON is STORAGE_ERROR naming it; skipping opens without it", async () => {
      const { b, expected } = await dataset(kind);
      await b.flipEntry(2, 0, 0x01); // "{" becomes "z"
      await checkDamagedEntry(b, expected, 2, { logins: "late1@x.io" });
    });

    test("a log entry whose command no longer exists is STORAGE_ERROR naming it; skipping opens without it", async () => {
      const { b, expected } = await dataset(kind);
      await b.flipEntry(3, createAt(await b.entry(3)), 0x01); // "contacts.create" becomes "contacts.breate"
      await checkDamagedEntry(b, expected, 3, { contacts: "late2@x.io" });
    });

    if (kind === "file") {
      // Before: a damaged frame in the middle of the log read as a torn
      // tail, so every later (acknowledged) entry was cut off and truncated.
      for (const part of ["length", "final newline"]) {
        test(`a flipped ${part} of a log frame is STORAGE_ERROR naming the entry, not a log cut short`, async () => {
          const { b, expected } = await dataset(kind);
          await b.flipFrame(2, part);
          await checkDamagedEntry(b, expected, 2, { logins: "late1@x.io" });
        });
      }
    }
  });
}

describe("every byte of stored data, one flip at a time (memory storage)", () => {
  test("each log byte flipped: STORAGE_ERROR naming that entry, or a state as large as before", async () => {
    const { b, expected } = await dataset("memory");
    const entries = [];
    for (let pos = 1; pos <= LOG_ENTRIES; pos++) entries.push(utf8.encode(await b.entry(pos)).length);
    const original = await b.open().load();
    let refused = 0;
    for (let pos = 1; pos <= LOG_ENTRIES; pos++) {
      for (let at = 0; at < entries[pos - 1]; at++) {
        const s = memoryStorage();
        await s.compact(original.snapshot.slice());
        for (const [i, e] of original.log.entries()) await s.append(i === pos - 1 ? flipChar(e, at, 0x01) : e);
        let k;
        try {
          k = await Kraiter.open({ storage: s, now: () => T0 });
        } catch (err) {
          assertStorageError(err, new RegExp(`^Log entry ${pos} of ${LOG_ENTRIES} cannot be replayed: `));
          refused++;
          continue;
        }
        const got = await summary(k);
        // A flip that still plans changes data (a track by a changed email creates a contact), never less of it.
        assert.ok(got.contacts.length >= expected.contacts.length, `entry ${pos} byte ${at}: fewer contacts`);
        assert.equal(got.segments.length, expected.segments.length, `entry ${pos} byte ${at}: segments`);
        await k.close();
      }
    }
    assert.ok(refused > 0);
  });

  test("each snapshot byte flipped: STORAGE_ERROR naming the snapshot, or a usable state as large as before", async () => {
    const { b } = await dataset("memory");
    const original = (await b.open().load()).snapshot;
    const onlySnapshot = async (bytes) => {
      const s = memoryStorage();
      await s.compact(bytes);
      return { open: () => s };
    };
    const intact = await Kraiter.open({ storage: (await onlySnapshot(original.slice())).open(), now: () => T0 });
    const expected = await summary(intact); // the state the snapshot holds, before the log
    await intact.close();
    const failures = [];
    let refused = 0;
    for (let at = 0; at < original.length; at++) {
      const bytes = original.slice();
      bytes[at] ^= 0xff;
      try {
        if ((await reopenAfterSnapshotFlip(await onlySnapshot(bytes), expected)) === "refused") refused++;
      } catch (err) {
        failures.push(`byte ${at}: ${err.message.split("\n")[0]}`);
      }
    }
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} of ${original.length} flips trapped or shrank the state`);
    assert.ok(refused > 0);
  });
});
