// schemathesis (PyPI, pinned in scripts/setup.sh, installed in .venv/)
// against the Worker in real workerd on 127.0.0.1: it reads the served
// OpenAPI document (GET /api/openapi.json, public) and sends generated valid
// and invalid requests to every operation, then stateful sequences along the
// document's links (create → get / update / delete / compute / members). Every
// response must conform to the documented schema and status codes, and none
// may be a 5xx. Bounded by examples per operation and by time (about two
// minutes on 2 cores); the seed is fixed so a failure reproduces
// (SCHEMATHESIS_SEED picks another, SCHEMATHESIS_MAX_EXAMPLES another bound).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../scripts/lib/miniflare-options.mjs";
import { startWorker, tempDir } from "./helpers.mjs";

const SCHEMATHESIS = join(ROOT, ".venv", "bin", "schemathesis");
const KEY = "schemathesis-key";
const reports = tempDir("schemathesis");
let worker;
let origin;

before(async () => {
  worker = await startWorker({ keys: [KEY], port: 0, host: "127.0.0.1" });
  origin = new URL(await worker.mf.ready).origin;
});
after(async () => {
  await worker?.dispose();
  reports.remove();
});

function run(args, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(SCHEMATHESIS, args, {
      cwd: reports.dir,
      env: { ...process.env, NO_COLOR: "1", SCHEMATHESIS_TELEMETRY: "false", PYTHONUNBUFFERED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => { output += d; });
    child.stderr.on("data", (d) => { output += d; });
    const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error(`schemathesis ran over ${timeoutMs} ms:\n${output.slice(-4000)}`)); }, timeoutMs);
    child.on("error", (e) => { clearTimeout(timer); reject(e); });
    child.on("close", (code) => { clearTimeout(timer); resolve({ code, output }); });
  });
}

test("schemathesis finds no failures: schema and status conformance, no server errors, stateful links", { timeout: 300_000 }, async (t) => {
  assert.ok(existsSync(SCHEMATHESIS), `${SCHEMATHESIS} is missing: run bash scripts/setup.sh`);
  const seed = process.env.SCHEMATHESIS_SEED ?? "20251201";
  const maxExamples = process.env.SCHEMATHESIS_MAX_EXAMPLES ?? "40";
  const report = join(reports.dir, "report.json");
  const { code, output } = await run([
    "run", `${origin}/api/openapi.json`,
    "--url", origin,
    "--header", `Authorization: Bearer ${KEY}`,
    "--checks", "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance",
    "--phases", "examples,coverage,fuzzing,stateful",
    "--max-examples", maxExamples,
    "--max-time", "110",
    "--seed", seed,
    "--workers", "1",
    "--request-timeout", "20",
    "--suppress-health-check", "all",
    "--report", "json", "--report-json-path", report,
  ], 240_000);
  const summary = output.split("\n").filter((line) => /passed|failed|error|Test cases|Operations|Seed|phase|skipped/i.test(line)).slice(-25).join("\n");
  t.diagnostic(`schemathesis (seed ${seed}, max ${maxExamples} examples):\n${summary}`);
  if (existsSync(report)) t.diagnostic(`report: ${readFileSync(report, "utf8").slice(0, 2000)}`);
  assert.equal(code, 0, output.slice(-12000));
  assert.match(output, /Stateful/i, "the stateful phase ran");
});
