// Keeps `npm run bench` from rotting: runs its quick mode (100k contacts, 1M
// events, 3 runs, every engine and shape) in a child process and fails if it
// errors, any two engines disagree (counts, samples, and member by member for
// the behavioural shapes, also on events exactly on window bounds), or the
// report is not produced: the table, a line per target, the breakdown of every
// shape that misses one, the chart and the performance.md section. It never
// checks a timing.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { END, START } from "../bench/docs-section.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

// The shapes only kraiter, js-predicate and duckdb can express, and why the others skip them.
const AGGREGATES = ["count-where", "sum-amount", "avg-amount", "distinct-categories"];
const INEXPRESSIBLE = { "from-to": /from` \/ `to/, ...Object.fromEntries(AGGREGATES.map((id) => [id, /event properties/])) };
const NEW_SHAPES = ["or-mix", "avg-amount", "distinct-categories", "from-to", "segment-ref", "regex-email"];

test("bench --quick: every engine agrees on every shape and the report is written", { timeout: 400_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "kraiter-bench-"));
  try {
    const out = join(dir, "results.json");
    const args = ["--expose-gc", "bench/run.mjs", "--quick", "--skip-browser", "--out", out, "--docs", dir];
    const { code, stdout, stderr } = await new Promise((done) => {
      execFile(process.execPath, args, { cwd: root, maxBuffer: 64 << 20 }, (err, stdout, stderr) => done({ code: err ? (err.code ?? 1) : 0, stdout, stderr }));
    });
    assert.equal(code, 0, `bench failed:\n${stdout}\n${stderr.slice(-4000)}`);
    const r = JSON.parse(readFileSync(out, "utf8"));
    assert.deepEqual(r.agreement, { ok: true, problems: [] });
    assert.deepEqual(r.failures, []);
    assert.deepEqual([r.meta.contacts, r.meta.events, r.meta.runs, r.meta.importRuns], [100_000, 1_000_000, 3, 1]);

    const engines = Object.keys(r.results);
    assert.deepEqual(engines.sort(), ["duckdb", "duckdb-indexed", "js-predicate", "json-logic-engine", "json-logic-js", "kraiter"]);
    const ids = r.shapes.map((s) => s.id);
    assert.deepEqual(NEW_SHAPES.filter((id) => !ids.includes(id)), []);
    for (const shape of r.shapes) {
      const ran = engines.filter((e) => !r.results[e].skipped?.[shape.id]);
      const counts = ran.map((e) => r.results[e].shapes[shape.id].count);
      assert.equal(new Set(counts).size, 1, `${shape.id}: ${counts}`);
      assert.ok(counts[0] > 0 && counts[0] < r.meta.contacts, `${shape.id} matches ${counts[0]}: the smoke test would prove little`);
      // kraiter and its two strongest peers run everything; the others say why they cannot.
      for (const e of ["kraiter", "js-predicate", "duckdb"]) assert.ok(ran.includes(e), `${e} skipped ${shape.id}`);
      for (const e of engines.filter((x) => !ran.includes(x))) {
        assert.match(r.results[e].skipped[shape.id], INEXPRESSIBLE[shape.id] ?? /^$/, `${e} skipped ${shape.id}`);
        assert.match(stdout, new RegExp(`skipped: ${e} on .*${shape.id}`));
      }
      if (!r.boundaries[shape.id]) continue;
      // A windowed pass: some members flip when the window leaves out its first or its
      // last millisecond, and the member-by-member agreement covered them.
      const b = r.boundaries[shape.id];
      assert.ok(b.atFrom >= 1 && b.atTo >= 1, `${shape.id}: no member hinges on a bound (${JSON.stringify(b)}), so bounds went untested`);
      assert.ok(counts[0] > 100 && counts[0] < 25_000, `${shape.id}: ${counts[0]} of 100,000 members, selectivity out of range`);
    }
    assert.deepEqual(Object.keys(r.boundaries).sort(), [...AGGREGATES, "from-to"].sort());

    // The report: the table, one line per target (also in the JSON), a breakdown per shape that misses one.
    assert.match(stdout, /^shape +op +kraiter ms +js-predicate ms/m);
    const perShape = r.shapes.length * (2 * 2 + 1); // {preview, compute} x {js-predicate, duckdb}, and compute / preview
    assert.equal(r.targets.length, perShape + 3); // and three imports: arrays of contacts and events, CSV text of events
    for (const t of r.targets) {
      assert.equal(typeof t.pass, "boolean");
      assert.ok(Number.isFinite(t.figure), t.target);
      assert.ok(stdout.includes(`${t.pass ? "met    " : "MISSED "} ${t.target}: ${t.actual}`), `no line for ${t.target}`);
    }
    const missed = [...new Set(r.targets.filter((t) => !t.pass && t.shape).map((t) => t.shape))];
    assert.deepEqual(Object.keys(r.breakdowns).sort(), missed.sort());
    for (const [id, b] of Object.entries(r.breakdowns)) {
      assert.equal(b.parts[0].count, r.results.kraiter.shapes[id].count, `${id}: the breakdown's whole rule`);
      assert.equal(b.compute.members, r.results.kraiter.shapes[id].count);
      assert.ok(stdout.includes(`${id}: ${r.shapes.find((s) => s.id === id).title}`));
    }

    // The chart and the performance.md section, in --docs (never docs/ for a quick run).
    const svg = readFileSync(join(dir, "bench-ratios.svg"), "utf8");
    assert.match(svg, /^<svg/);
    for (const id of ids) assert.ok(svg.includes(id), `the chart lacks ${id}`);
    assert.match(svg, /target: 10x js-predicate/);
    const md = readFileSync(join(dir, "performance.md"), "utf8");
    assert.ok(md.includes(START) && md.includes(END));
    assert.ok(md.includes("](bench-ratios.svg)"));
    for (const part of ["shape ", "### Targets", "### Reproduce", "npm run bench -- --quick", r.meta.cpuModel, r.meta.build.commit]) assert.ok(md.includes(part), `performance.md lacks ${part}`);
    assert.deepEqual(r.docs, { markdown: join(dir, "performance.md"), chart: join(dir, "bench-ratios.svg") });
  } finally {
    rmSync(dir, { recursive: true, force: true });
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
