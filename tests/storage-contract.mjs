// The one contract every storage adapter passes (ARCHITECTURE.md, "The
// storage interface"). Each tests/storage-*.test.mjs calls storageContract
// with a factory for its adapter; the assertions live only here.
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";

/**
 * @param {string} label adapter name for the test titles
 * @param {{
 *   open(name: string): Promise<object>,   // create, or reopen the same dataset
 *   faults?: {                 // for the failure test: make writes fail like a full disk
 *     open?(name: string): Promise<object>, // where the failure test opens (default: open)
 *     arm(): Promise<void>, disarm(): Promise<void>,
 *     message?: RegExp,          // what the error must say (say, that the quota is exceeded)
 *   },
 *   done?(): Promise<void>,
 * }} factory
 */
export function storageContract(label, factory) {
  let n = 0;
  const fresh = () => `contract-${label.replace(/\W+/g, "-")}-${process.pid}-${Date.now()}-${n++}`;

  const reopen = async (storage, name) => {
    await storage.close();
    return factory.open(name);
  };

  describe(`storage contract: ${label}`, () => {
    if (factory.done) after(() => factory.done());

    test("a new storage loads no snapshot and an empty log", async () => {
      const s = await factory.open(fresh());
      const state = await s.load();
      assert.equal(state.snapshot, null);
      assert.deepEqual(state.log, []);
      await s.close();
    });

    test("appended entries load back in order, before and after reopening", async () => {
      const name = fresh();
      let s = await factory.open(name);
      const entries = [
        JSON.stringify({ cmd: "contacts.create", input: { email: "a@example.com" } }),
        "",
        "line one\nline two\r\n\u2028",
        "ünïcødé 🙂 中文",
        "x".repeat(1 << 20),
        "{\"cmd\":\"last\"}",
      ];
      for (const e of entries) {
        assert.equal(await s.append(e), undefined);
      }
      assert.deepEqual((await s.load()).log, entries);
      s = await reopen(s, name);
      const state = await s.load();
      assert.equal(state.snapshot, null);
      assert.deepEqual(state.log, entries);
      await s.close();
    });

    test("appends issued together are kept in call order", async () => {
      const name = fresh();
      let s = await factory.open(name);
      const entries = Array.from({ length: 40 }, (_, i) => `entry ${i} ${"y".repeat((i * 7919) % 3000)}`);
      await Promise.all(entries.map((e) => s.append(e)));
      s = await reopen(s, name);
      assert.deepEqual((await s.load()).log, entries);
      await s.close();
    });

    test("compact sets the snapshot and empties the log; later appends follow it", async () => {
      const name = fresh();
      let s = await factory.open(name);
      await s.append("before-1");
      await s.append("before-2");
      const snap = bytes(1000, 1);
      assert.equal(await s.compact(snap), undefined);
      await s.append("after-1");
      let state = await s.load();
      assert.deepEqual([...state.snapshot], [...snap]);
      assert.deepEqual(state.log, ["after-1"]);
      s = await reopen(s, name);
      state = await s.load();
      assert.ok(state.snapshot instanceof Uint8Array);
      assert.deepEqual([...state.snapshot], [...snap]);
      assert.deepEqual(state.log, ["after-1"]);
      await s.close();
    });

    test("a later, smaller snapshot fully replaces a larger one", async () => {
      const name = fresh();
      let s = await factory.open(name);
      await s.compact(bytes(3_000_000, 2));
      await s.append("between");
      const small = bytes(10, 3);
      await s.compact(small);
      s = await reopen(s, name);
      const state = await s.load();
      assert.equal(state.snapshot.byteLength, 10);
      assert.deepEqual([...state.snapshot], [...small]);
      assert.deepEqual(state.log, []);
      await s.close();
    });

    test("a large snapshot round-trips byte for byte", async () => {
      const name = fresh();
      let s = await factory.open(name);
      const big = bytes(5_000_003, 4);
      await s.compact(big);
      s = await reopen(s, name);
      const { snapshot } = await s.load();
      assert.equal(snapshot.byteLength, big.byteLength);
      assert.ok(equalBytes(snapshot, big), "snapshot bytes differ");
      await s.close();
    });

    test("an empty snapshot is kept as an empty snapshot, not as none", async () => {
      const name = fresh();
      let s = await factory.open(name);
      await s.compact(new Uint8Array(0));
      s = await reopen(s, name);
      const { snapshot } = await s.load();
      assert.ok(snapshot instanceof Uint8Array);
      assert.equal(snapshot.byteLength, 0);
      await s.close();
    });

    // The caller hands the bytes over (the core passes a fresh copy out of
    // wasm memory and never touches it again), so an adapter may keep the
    // array; but a view must store only its own bytes, not its whole buffer.
    test("compact stores exactly the bytes of the view it is given", async () => {
      const name = fresh();
      let s = await factory.open(name);
      await s.append("queued ahead");
      const backing = new Uint8Array(100).fill(9);
      const view = backing.subarray(10, 20).fill(7);
      await s.compact(view);
      s = await reopen(s, name);
      const { snapshot } = await s.load();
      assert.deepEqual([...snapshot], new Array(10).fill(7));
      await s.close();
    });

    test("a live segment's members and change feed come back on reopening", async () => {
      const { Kraiter } = await import("kraiter-segments");
      const name = fresh();
      const clock = { now: Date.parse("2025-09-15T10:00:00.000Z") };
      const open = async () => Kraiter.open({ storage: await factory.open(name), now: () => clock.now });
      const read = async (k, id) => ({
        segment: await k.segments.get(id),
        members: (await k.segments.listMembers(id, { limit: 100 })).data,
        changes: (await k.segments.changes(id, { limit: 100 })).data,
      });
      let k = await open();
      const s = await k.segments.create({ name: "Recent", live: true, rules: [{ field: "events.login", op: "occurred", within: "1h" }] });
      await k.events.track({ name: "login", email: "a@x.io" });
      await k.events.track({ name: "login", email: "b@x.io", timestamp: clock.now - 30 * 60_000 });
      clock.now += 45 * 60_000; // b's login leaves the window
      const want = await read(k, s.id);
      assert.deepEqual(want.changes.map((c) => `${c.email} ${c.type} ${c.cause}`), ["a@x.io entered event", "b@x.io entered event", "b@x.io left time"]);
      await k.close();
      k = await open();
      assert.deepEqual(await read(k, s.id), want);
      await k.close();
    });

    test("storages with different names do not share data", async () => {
      const a = await factory.open(fresh());
      const b = await factory.open(fresh());
      await a.append("only in a");
      await a.compact(bytes(5, 5));
      const state = await b.load();
      assert.equal(state.snapshot, null);
      assert.deepEqual(state.log, []);
      await a.close();
      await b.close();
    });

    const faultTest = factory.faults ? test : test.skip;
    faultTest("a failed write rejects with STORAGE_ERROR and keeps nothing of it", async () => {
      const open = factory.faults.open ?? factory.open;
      const name = fresh();
      let s = await open(name);
      const snap = bytes(2000, 6);
      await s.append("kept-1");
      await s.compact(snap);
      await s.append("kept-2");

      await factory.faults.arm();
      try {
        const says = (err) => isStorageError(err) && (!factory.faults.message || assert.match(err.message, factory.faults.message) || true);
        await assert.rejects(s.append("lost " + "z".repeat(2_000_000)), says);
        await assert.rejects(s.compact(bytes(4_000_000, 7)), says);
      } finally {
        await factory.faults.disarm();
      }

      let state = await s.load();
      assert.deepEqual([...state.snapshot], [...snap]);
      assert.deepEqual(state.log, ["kept-2"]);
      await s.append("kept-3"); // still usable
      await s.close();
      s = await open(name);
      state = await s.load();
      assert.deepEqual([...state.snapshot], [...snap]);
      assert.deepEqual(state.log, ["kept-2", "kept-3"]);
      await s.close();
    });
  });
}

function isStorageError(err) {
  assert.ok(err instanceof Error, `expected an Error, got ${err}`);
  assert.equal(err.name, "KraiterError");
  assert.equal(err.code, "STORAGE_ERROR");
  assert.equal(err.status, 500);
  assert.equal(typeof err.message, "string");
  return true;
}

/** Deterministic pseudo-random bytes (xorshift), so corruption cannot hide in a pattern. */
export function bytes(length, seed) {
  const out = new Uint8Array(length);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

function equalBytes(a, b) {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
