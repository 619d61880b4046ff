// Keeps `npm run bench` from rotting: runs the whole benchmark at a tiny size
// (every engine, one run) in a child process and fails if it errors or any
// two engines disagree on a member count.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

test("bench runs at a small size and every engine agrees", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "kraiter-bench-"));
  const out = join(dir, "results.json");
  try {
    const args = ["--expose-gc", "bench/run.mjs", "--contacts", "2000", "--events", "10000", "--runs", "1", "--import-runs", "1", "--out", out];
    const { code, stdout, stderr } = await new Promise((done) => {
      execFile(process.execPath, args, { cwd: root, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
        done({ code: err ? (err.code ?? 1) : 0, stdout, stderr }),
      );
    });
    assert.equal(code, 0, `bench failed:\n${stdout}\n${stderr}`);
    const results = JSON.parse(readFileSync(out, "utf8"));
    assert.deepEqual(results.agreement, { ok: true, problems: [] });
    assert.deepEqual(results.failures, []);
    const engines = Object.keys(results.results);
    assert.deepEqual(engines.sort(), ["duckdb", "duckdb-indexed", "js-predicate", "json-logic-engine", "json-logic-js", "kraiter"]);
    assert.ok(results.shapes.length >= 6);
    for (const shape of results.shapes) {
      const counts = engines.map((e) => results.results[e].shapes[shape.id].count);
      assert.equal(new Set(counts).size, 1, `${shape.id}: ${counts}`);
      assert.ok(counts[0] > 0, `${shape.id} matches nobody: the smoke test would prove little`);
    }
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
});
