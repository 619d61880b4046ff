// Keeps `npm run bench:browser` from rotting: runs the in-browser benchmark
// (real Chromium, DuckDB-wasm, the wasm engine in a worker) at a tiny size in
// a child process, with a tiny reopen, and checks that every engine agreed
// and that the table and the JSON results came out. Timings are not checked.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildShapes } from "../../bench/shapes.mjs";
import { hasChromium } from "./chromium.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));

test("the browser bench runs at a tiny size and every engine agrees", { skip: !hasChromium(), timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "kraiter-bench-browser-"));
  const out = join(dir, "results.json");
  try {
    const args = ["bench/browser.mjs", "--contacts", "2000", "--events", "10000", "--runs", "2",
      "--reopen-contacts", "2000", "--reopen-events", "10000", "--reopen-runs", "2", "--timeout", "2", "--out", out];
    const { code, stdout, stderr } = await new Promise((done) => {
      execFile(process.execPath, args, { cwd: root, maxBuffer: 16 << 20 }, (err, stdout, stderr) => done({ code: err ? (err.code ?? 1) : 0, stdout, stderr }));
    });
    assert.equal(code, 0, `bench failed:\n${stdout}\n${stderr}`);
    const results = JSON.parse(readFileSync(out, "utf8"));
    assert.deepEqual(results.agreement, { ok: true, problems: [] });
    assert.deepEqual(results.failures, []);
    const engines = ["kraiter", "duckdb-wasm", "js-predicate"];
    assert.deepEqual(Object.keys(results.results), engines);
    const ids = buildShapes({ seed: 42, contacts: 2000 }).map((s) => s.id);
    const rows = ids.length * 2;
    for (const shape of ids) {
      const counts = engines.map((e) => results.results[e].shapes[shape]?.count);
      assert.ok(counts.every((c) => Number.isInteger(c) && c === counts[0]), `${shape}: ${counts}`);
      for (const e of engines) assert.equal(results.results[e].shapes[shape].preview.runs.length, 2);
    }
    assert.equal(results.goal.length, rows, "a goal row per shape and op against duckdb-wasm");
    assert.ok(results.results.kraiter.memory.wasmBytes > 0 && results.results["duckdb-wasm"].memory.duckdbMemoryBytes > 0);
    assert.equal(results.reopen.agrees, true);
    assert.equal(results.reopen.opens.length, 2);
    assert.match(stdout, /^property +preview +[\d.]+ +[\d.]+ \([\d.]+x\)/m, "the table");
    assert.match(stdout, new RegExp(`goal: >= 5x duckdb-wasm on every shape: \\d+ of ${rows} met`));
    assert.match(stdout, /reopen from IndexedDB \(2000 contacts, 10000 events/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
