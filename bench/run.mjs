// `npm run bench`: generates the dataset, runs every engine over the same
// rule shapes in this one process, checks that they all agree, prints the
// table of medians and ratios, and writes the JSON results. Exits non-zero
// when an engine fails or any two engines disagree.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import os from "node:os";
import { parseArgs } from "node:util";
import { checkAgreement } from "./agree.mjs";
import { NOW, generateContacts, generateEvents } from "./dataset.mjs";
import { BASELINE, ENGINES } from "./engines/index.mjs";
import { gc, repeat } from "./measure.mjs";
import { kraiterLines, ratios, table, targetLines, targets } from "./report.mjs";
import { buildShapes } from "./shapes.mjs";

const { values: args } = parseArgs({
  options: {
    contacts: { type: "string", default: "1000000" },
    events: { type: "string", default: "10000000" },
    runs: { type: "string", default: "7" },
    out: { type: "string", default: "bench/results.json" },
    only: { type: "string" },
    seed: { type: "string", default: "42" },
    limit: { type: "string", default: "10" },
    "import-runs": { type: "string", default: "3" },
    "contact-batch": { type: "string", default: "25000" },
    "event-batch": { type: "string", default: "50000" },
    budget: { type: "string", default: "30" },
  },
});
const int = (name) => {
  const n = Number(String(args[name]).replaceAll("_", ""));
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${args[name]}`);
  return n;
};
const opts = {
  contacts: int("contacts"),
  events: int("events"),
  runs: Math.max(1, int("runs")),
  seed: int("seed"),
  limit: int("limit"),
  importRuns: Math.max(1, int("import-runs")),
  contactBatch: int("contact-batch"),
  eventBatch: int("event-batch"),
  budgetMs: int("budget") * 1000,
  gc,
};
const engineNames = args.only ? args.only.split(",").map((s) => s.trim()) : Object.keys(ENGINES);
for (const e of engineNames) if (!ENGINES[e]) throw new Error(`unknown engine ${e}; known: ${Object.keys(ENGINES).join(", ")}`);
const log = (...a) => console.error(...a);

const loadStart = os.loadavg();
const buildAtStart = build(); // before the engines load: a rebuild during the run must not relabel it
let t = performance.now();
const contacts = generateContacts(opts.seed, opts.contacts);
const events = [...generateEvents(opts.seed, opts.contacts, opts.events)];
const dataset = { contacts, events, now: NOW, seed: opts.seed };
log(`dataset: ${opts.contacts} contacts, ${opts.events} events, seed ${opts.seed}, generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);
const shapes = buildShapes({ seed: opts.seed, contacts: opts.contacts });

const results = {};
const observed = {};
const reference = {};
const failures = [];
for (const name of engineNames) {
  gc();
  const r = (results[name] = { shapes: {} });
  observed[name] = {};
  let engine;
  try {
    const { createEngine } = await ENGINES[name]();
    engine = await createEngine({ dataset, opts });
    t = performance.now();
    r.load = await engine.load();
    log(`${name}: loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    if (engine.extra) r.extra = await engine.extra({ shapes, runs: opts.runs, budgetMs: opts.budgetMs });
    for (const shape of shapes) {
      gc();
      const h = await engine.prepare(shape);
      await engine.preview(h, opts.limit); // warm-up
      const preview = await repeat(() => engine.preview(h, opts.limit), opts);
      const compute = await repeat(() => engine.compute(h), opts);
      if (name === "js-predicate") {
        const member = new Uint8Array(contacts.length);
        for (const i of compute.results[0].members) member[i] = 1;
        reference[shape.id] = member;
      }
      observed[name][shape.id] = {
        previewCounts: preview.results.map((x) => x.count),
        computeCounts: compute.results.map((x) => x.count),
        samples: preview.results.map((x) => x.sample),
      };
      r.shapes[shape.id] = {
        count: compute.results[0].count,
        preview: { ms: preview.ms, runs: preview.runs },
        compute: { ms: compute.ms, runs: compute.runs },
      };
      log(`${name}: ${shape.id} preview ${preview.ms.toFixed(2)} ms, compute ${compute.ms.toFixed(2)} ms, ${compute.results[0].count} members`);
    }
  } catch (err) {
    failures.push(`${name}: ${err.stack ?? err}`);
    r.error = String(err?.message ?? err);
    log(`${name}: FAILED ${err.stack ?? err}`);
  } finally {
    await engine?.close().catch((e) => failures.push(`${name} close: ${e}`));
  }
}

const problems = checkAgreement(observed, shapes, { limit: opts.limit, reference });
const ok = Object.fromEntries(Object.entries(results).filter(([, r]) => !r.error));
const rat = ratios(ok, shapes);
/** Which code was measured: commit, uncommitted engine/SDK files, wasm digest. */
function build() {
  const git = (...a) => {
    try {
      return execFileSync("git", a, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return null;
    }
  };
  let wasm = null;
  try {
    wasm = createHash("sha256").update(readFileSync(new URL("../js/wasm/kraiter_segments_bg.wasm", import.meta.url))).digest("hex").slice(0, 16);
  } catch {}
  return { commit: git("rev-parse", "--short", "HEAD"), dirty: git("status", "--porcelain", "--", "src", "js", "Cargo.toml")?.split("\n").filter(Boolean) ?? null, wasmSha256: wasm };
}

const meta = {
  date: new Date().toISOString(),
  build: buildAtStart,
  loadAverage: { start: loadStart, end: os.loadavg() },
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  contacts: opts.contacts,
  events: opts.events,
  runs: opts.runs,
  importRuns: opts.importRuns,
  seed: opts.seed,
  limit: opts.limit,
  now: new Date(NOW).toISOString(),
  baseline: BASELINE,
};
const targetList = targets(ok, shapes, rat, meta);

console.log(`\n${opts.contacts} contacts, ${opts.events} events; median ms over up to ${opts.runs} runs; (Nx) = that engine's time / ${BASELINE}'s`);
console.log(`build ${meta.build.commit}${meta.build.dirty?.length ? " (uncommitted changes)" : ""}, wasm ${meta.build.wasmSha256}; load average ${loadStart.map((x) => x.toFixed(1)).join(" ")} at start, ${os.loadavg().map((x) => x.toFixed(1)).join(" ")} at end, ${os.cpus().length} cpus\n`);
console.log(table(ok, shapes, rat));
for (const line of kraiterLines(ok[BASELINE])) console.log(line);
if (targetList.length) console.log(`\nissue-5 targets:\n${targetLines(targetList).join("\n")}`);
if (problems.length) console.log(`\nDISAGREEMENT:\n${problems.join("\n")}`);
if (failures.length) console.log(`\nFAILED:\n${failures.join("\n")}`);

const out = resolve(args.out);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ meta, shapes: shapes.map((s) => ({ id: s.id, title: s.title, rules: s.rules })), results, ratios: rat, targets: targetList, agreement: { ok: problems.length === 0, problems }, failures }, null, 1));
console.log(`\nresults: ${out}`);
process.exit(problems.length || failures.length ? 1 : 0);
