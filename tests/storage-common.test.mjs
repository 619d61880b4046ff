// js/storage/common.js, the parts every adapter shares: the call queue
// (call order, one failure rejecting only its call, calls after close()
// refused, one close for many close() calls), option checks, and chunking
// bytes and joining them back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { KraiterError } from "../js/errors.js";
import { asBytes, callQueue, checkOptions, chunkBytes, joinBytes, storageError } from "../js/storage/common.js";

const queue = () => callQueue({ closedMessage: "test storage is closed", describe: (what, err) => storageError(`could not ${what}: ${err.message}`, err) });

test("callQueue runs calls one at a time in call order; a failure rejects its own call only, as STORAGE_ERROR", async () => {
  const q = queue();
  const seen = [];
  const slow = (label, ms) => q.run(label, async () => {
    seen.push(`start ${label}`);
    await new Promise((r) => setTimeout(r, ms));
    seen.push(`end ${label}`);
    return label;
  });
  const a = slow("a", 30);
  const b = q.run("b", async () => { throw new Error("disk on fire"); });
  const c = slow("c", 1);
  assert.equal(await a, "a");
  await assert.rejects(b, (err) => err instanceof KraiterError && err.code === "STORAGE_ERROR" && err.message === "could not b: disk on fire" && err.cause.message === "disk on fire");
  assert.equal(await c, "c");
  assert.deepEqual(seen, ["start a", "end a", "start c", "end c"]);
  const own = new KraiterError("STORAGE_ERROR", "already a KraiterError");
  await assert.rejects(q.run("d", async () => { throw own; }), (err) => err === own);
});

test("callQueue: calls made before close() run, calls after it reject, close() runs its release once", async () => {
  const q = queue();
  let releases = 0;
  const before = q.run("before", async () => "ran");
  const c1 = q.close(async () => { releases++; });
  const c2 = q.close(async () => { releases++; });
  assert.equal(c1, c2);
  assert.equal(q.closed, true);
  await assert.rejects(q.run("after", async () => "ran"), /test storage is closed/);
  assert.equal(await before, "ran");
  await c1;
  assert.equal(releases, 1);
});

test("checkOptions accepts known keys and refuses others, naming the key", () => {
  assert.deepEqual(checkOptions(undefined, ["a"], "f"), {});
  assert.deepEqual(checkOptions({ a: 1 }, ["a", "b"], "f"), { a: 1 });
  assert.throws(() => checkOptions({ c: 1 }, ["a", "b"], "f"), (err) => err.code === "VALIDATION_ERROR" && err.details[0].path === "c" && /the options are a, b/.test(err.message));
  assert.throws(() => checkOptions(5, ["a"], "f"), (err) => err.code === "VALIDATION_ERROR");
});

test("chunkBytes and joinBytes round-trip any length, copying only the view", () => {
  const backing = new Uint8Array(100).map((_, i) => i);
  const view = backing.subarray(10, 35);
  for (const size of [1, 7, 25, 26, 1000]) {
    const parts = chunkBytes(view, size);
    assert.ok(parts.every((p) => p.byteLength <= size && p.buffer !== backing.buffer));
    assert.deepEqual([...joinBytes(parts)], [...view]);
  }
  assert.equal(chunkBytes(new Uint8Array(0), 8).length, 1, "an empty value is one empty chunk");
  assert.deepEqual([...joinBytes([new Uint8Array([1, 2]).buffer, new DataView(new Uint8Array([3]).buffer)])], [1, 2, 3]);
  assert.ok(asBytes(new ArrayBuffer(3)) instanceof Uint8Array);
});
