// Keeps `npm run bench` from rotting: runs the whole benchmark at a tiny size
// (every engine, one run) in a child process and fails if it errors or any
// two engines disagree on a member count; then the behavioural shapes alone at
// a size where some members hinge on events exactly on the window bounds.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Runs bench/run.mjs with `flags` (one run each) and answers its JSON results. */
async function bench(flags) {
  const dir = mkdtempSync(join(tmpdir(), "kraiter-bench-"));
  const out = join(dir, "results.json");
  try {
    const args = ["--expose-gc", "bench/run.mjs", ...flags, "--runs", "1", "--import-runs", "1", "--skip-live", "--skip-browser", "--out", out];
    const { code, stdout, stderr } = await new Promise((done) => {
      execFile(process.execPath, args, { cwd: root, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
        done({ code: err ? (err.code ?? 1) : 0, stdout, stderr }),
      );
    });
    assert.equal(code, 0, `bench failed:\n${stdout}\n${stderr}`);
    const results = JSON.parse(readFileSync(out, "utf8"));
    assert.deepEqual(results.agreement, { ok: true, problems: [] });
    assert.deepEqual(results.failures, []);
    return { results, stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const BEHAVIOURAL = ["count-where", "sum-amount"];

test("bench runs at a small size and every engine agrees", { timeout: 60_000 }, async () => {
  const { results, stdout } = await bench(["--contacts", "2000", "--events", "10000"]);
  const engines = Object.keys(results.results);
  assert.deepEqual(engines.sort(), ["duckdb", "duckdb-indexed", "js-predicate", "json-logic-engine", "json-logic-js", "kraiter"]);
  assert.ok(results.shapes.length >= 8);
  assert.deepEqual(BEHAVIOURAL.filter((id) => !results.shapes.some((s) => s.id === id)), []);
  for (const shape of results.shapes) {
    const ran = engines.filter((e) => !results.results[e].skipped?.[shape.id]);
    const counts = ran.map((e) => results.results[e].shapes[shape.id].count);
    assert.equal(new Set(counts).size, 1, `${shape.id}: ${counts}`);
    assert.ok(counts[0] > 0, `${shape.id} matches nobody: the smoke test would prove little`);
    // The engines that cannot express a shape say why; kraiter and its two strongest peers run everything.
    for (const e of ["kraiter", "js-predicate", "duckdb"]) assert.ok(ran.includes(e), `${e} skipped ${shape.id}`);
    for (const e of engines.filter((x) => !ran.includes(x))) {
      assert.ok(BEHAVIOURAL.includes(shape.id), `${e} skipped ${shape.id}`);
      assert.match(stdout, new RegExp(`skipped: ${e} on .*${shape.id}`));
    }
  }
});

test("the behavioural shapes agree id by id, also on events exactly on window bounds", { timeout: 60_000 }, async () => {
  const flags = ["--contacts", "20000", "--events", "200000", "--shapes", BEHAVIOURAL.join(","), "--only", "kraiter,js-predicate,duckdb"];
  const { results } = await bench(flags);
  assert.deepEqual(results.shapes.map((s) => s.id), BEHAVIOURAL);
  for (const id of BEHAVIOURAL) {
    const count = results.results.kraiter.shapes[id].count;
    assert.ok(count > 20 && count < 2000, `${id}: ${count} of 20,000 members, selectivity out of range`);
    // Members whose membership flips when the window leaves out now − D, or now:
    // the id-by-id agreement above covered them.
    const b = results.boundaries[id];
    assert.ok(b.atFrom >= 1 && b.atNow >= 1, `${id}: no member hinges on a bound (${JSON.stringify(b)}), so bounds went untested`);
  }
});

test("the agreement guard names a disagreement", async () => {
  const { checkAgreement } = await import("../bench/agree.mjs");
  const shapes = [{ id: "s" }];
  const same = { previewCounts: [3], computeCounts: [3], samples: [["a1@x", "a2@x", "a3@x"]] };
  assert.deepEqual(checkAgreement({ a: { s: same }, b: { s: same } }, shapes, { limit: 10 }), []);
  const off = { previewCounts: [4], computeCounts: [4], samples: [["a1@x", "a2@x", "a3@x", "a4@x"]] };
  const problems = checkAgreement({ a: { s: same }, b: { s: off } }, shapes, { limit: 10 });
  assert.match(problems.join("\n"), /s: member counts disagree: a=3 b=4/);
  const reference = { s: Uint8Array.from([0, 1, 1, 1]) };
  const stray = { previewCounts: [3], computeCounts: [3], samples: [["a0@x", "a2@x", "a3@x"]] };
  assert.match(checkAgreement({ a: { s: stray } }, shapes, { limit: 10, reference }).join("\n"), /non-members a0@x/);
  const other = { previewCounts: [3], computeCounts: [3], samples: [["a1@x", "a2@x", "a4@x"]] };
  assert.match(checkAgreement({ a: { s: same }, b: { s: other } }, shapes, { limit: 10 }).join("\n"), /s: samples differ/);
  const members = { s: { a: Int32Array.from([1, 2, 3]), b: Int32Array.from([0, 1, 2]) } };
  const byId = checkAgreement({ a: { s: same }, b: { s: same } }, shapes, { limit: 10, reference, members }).join("\n");
  assert.match(byId, /s: b members differ from the reference: 1 missing \(3\), 1 extra \(0\)/);
  assert.doesNotMatch(byId, /s: a members/);
});

test("the live-segment bench runs at a small size and reports every figure", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "kraiter-bench-live-"));
  const out = join(dir, "live.json");
  try {
    const args = ["--expose-gc", "bench/live.mjs", "--contacts", "2000", "--events", "10000", "--tracks", "21", "--counts", "1,5", "--out", out];
    const { code, stdout, stderr } = await new Promise((done) => {
      execFile(process.execPath, args, { cwd: root, maxBuffer: 16 << 20 }, (err, stdout, stderr) => done({ code: err ? (err.code ?? 1) : 0, stdout, stderr }));
    });
    assert.equal(code, 0, `live bench failed:\n${stdout}\n${stderr}`);
    const r = JSON.parse(readFileSync(out, "utf8"));
    for (const k of ["none", "1", "5"]) assert.ok(r.track[k] > 0, `track ${k}`);
    assert.ok(r.live.length >= 5 && r.live.every((l) => l.makeLiveMs > 0));
    assert.ok(Object.keys(r.nextChange).length >= 5);
    assert.ok(r.feed.retainedChanges > 0);
    assert.match(stdout, /events\.track, +5 live segments/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the app-reads bench runs at a small size and reports every figure", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "kraiter-bench-app-"));
  const out = join(dir, "app.json");
  try {
    const args = ["--expose-gc", "bench/app-reads.mjs", "--contacts", "2000", "--events", "10000", "--runs", "3", "--out", out];
    const { code, stdout, stderr } = await new Promise((done) => {
      execFile(process.execPath, args, { cwd: root, maxBuffer: 16 << 20 }, (err, stdout, stderr) => done({ code: err ? (err.code ?? 1) : 0, stdout, stderr }));
    });
    assert.equal(code, 0, `app-reads bench failed:\n${stdout}\n${stderr}`);
    const r = JSON.parse(readFileSync(out, "utf8"));
    for (const k of ["schemaMs", "profileEventsMs", "profileSegmentsMs", "dryRunImport10kMs"]) assert.ok(r[k] > 0, k);
    assert.ok(r.schemaKeys > 3, "the bench data has property keys");
    assert.match(stdout, /schema\(\) +[\d.]+ ms/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
