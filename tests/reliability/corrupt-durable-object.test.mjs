// Bytes flipped in Durable Object storage, in workerd (miniflare): the
// dataset of corruption-workload.mjs is written by a Kraiter inside a
// Durable Object (fixtures/corrupt-harness.js), one byte of the stored
// snapshot or of a stored log entry is flipped, and the object reopens.
// As for the other adapters (corrupt-storage.test.mjs): STORAGE_ERROR saying
// what is wrong, never a trap or a smaller state; onCorruptEntry: "skip"
// opens without the damaged entry and reports it.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { COMPATIBILITY_DATE, MODULE_RULES, OFFLINE, ROOT } from "../../scripts/lib/miniflare-options.mjs";
import { LOG_ENTRIES } from "./corruption-workload.mjs";

const mf = new Miniflare({
  ...OFFLINE,
  modules: true,
  modulesRoot: ROOT,
  scriptPath: join(ROOT, "tests/reliability/fixtures/corrupt-harness.js"),
  modulesRules: MODULE_RULES,
  compatibilityDate: COMPATIBILITY_DATE,
  durableObjects: { HARNESS: { className: "CorruptHarness", useSQLite: true } },
});
after(() => mf.dispose());

let n = 0;
async function call(object, path, params = {}) {
  const query = new URLSearchParams({ ...params, do: object });
  const response = await mf.dispatchFetch(`http://harness${path}?${query}`, { method: "POST" });
  const body = await response.json();
  if (body.harnessError) throw new Error(body.harnessError);
  return body;
}

/** A new object holding the dataset; returns its name and what the writer saw. */
async function dataset() {
  const object = `corrupt-${n++}`;
  const { expected, head } = await call(object, "/seed");
  assert.equal(head.next - head.first, LOG_ENTRIES, "the dataset leaves its entries in the log");
  assert.ok(head.gen > 0, "and a snapshot");
  return { object, expected, snapshotBytes: head.snapBytes };
}

function assertStorageError(error, message) {
  assert.ok(error, "the reopen must fail");
  assert.equal(error.name, "KraiterError");
  assert.equal(error.code, "STORAGE_ERROR");
  assert.equal(error.trap, false, `a wasm trap underneath: ${error.message}`);
  assert.doesNotMatch(error.message, /trapped|unreachable|Storage failed/);
  assert.match(error.message, message);
}

test("untouched, the dataset reopens exactly", async () => {
  const { object, expected } = await dataset();
  const outcome = await call(object, "/open");
  assert.equal(outcome.opened, true, JSON.stringify(outcome));
  assert.deepEqual(outcome.summary, expected);
  assert.deepEqual(outcome.skipped, []);
});

test("a flipped byte in the stored snapshot (its format marker) is STORAGE_ERROR, also with skip", async () => {
  const { object } = await dataset();
  await call(object, "/flip", { what: "snapshot", at: 0, mask: 0xff });
  assertStorageError((await call(object, "/open")).error, /^The stored snapshot \(\d+ bytes\) cannot be restored: snapshot is unreadable/);
  assertStorageError((await call(object, "/open", { skip: 1 })).error, /^The stored snapshot/);
});

for (const [where, at] of [["its first field", 4], ["the middle", "middle"]]) {
  test(`a flipped byte in the stored snapshot (${where}) is STORAGE_ERROR, or decodes to a usable state of the same size`, async () => {
    const { object, expected, snapshotBytes } = await dataset();
    const flipped = await call(object, "/flip", { what: "snapshot", at: at === "middle" ? snapshotBytes >> 1 : at, mask: 0xff });
    assert.ok(flipped.at < snapshotBytes);
    const outcome = await call(object, "/open");
    if (outcome.error) {
      assertStorageError(outcome.error, /^The stored snapshot \(\d+ bytes\) cannot be restored: \S/);
    } else {
      for (const key of ["contacts", "segments", "logins", "buys"]) assert.equal(outcome.summary[key].length, expected[key].length, key);
    }
  });
}

test("a log entry that is no longer JSON is STORAGE_ERROR naming it; skipping opens without it and reports it", async () => {
  const { object, expected } = await dataset();
  await call(object, "/flip", { what: "log", pos: 2, at: 0, mask: 0x01 });
  assertStorageError((await call(object, "/open")).error, new RegExp(`^Log entry 2 of ${LOG_ENTRIES} cannot be replayed: \\S`));
  const skipped = await call(object, "/open", { skip: 1 });
  assert.deepEqual(skipped.skipped, [2]);
  assert.equal(skipped.warned.length, 1);
  assert.deepEqual(skipped.summary.contacts, expected.contacts);
  assert.deepEqual(skipped.summary.logins, expected.logins.filter((e) => e !== "late1@x.io"));
  const after = await call(object, "/open");
  assert.deepEqual(after.skipped, [], "closing the skipping instance compacted the damaged entry away");
  assert.deepEqual(after.summary, skipped.summary);
});

test("a log entry whose command no longer exists is STORAGE_ERROR naming it", async () => {
  const { object, expected } = await dataset();
  await call(object, "/flip", { what: "log", pos: 3, at: "find", text: "create", mask: 0x01 });
  assertStorageError((await call(object, "/open")).error, new RegExp(`^Log entry 3 of ${LOG_ENTRIES} cannot be replayed: \\S`));
  const skipped = await call(object, "/open", { skip: 1 });
  assert.deepEqual(skipped.skipped, [3]);
  assert.deepEqual(skipped.summary.contacts, expected.contacts.filter((e) => e !== "late2@x.io"));
});
