// `npm run bench`: generates the dataset, runs every engine over the same
// rule shapes in this one process, checks that they all agree, prints the
// table of medians and ratios, the targets met and missed and, for every
// shape that misses one, where kraiter's time goes; writes the JSON results,
// the ratio chart and the generated section of performance.md (docs/ for a
// full-size run of everything, else artifacts/bench/; --docs DIR). Exits
// non-zero when an engine fails or any two engines disagree.
// `--quick`: 100k contacts, 1M events, 3 runs, one import, no live/app-reads.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import os from "node:os";
import { parseArgs } from "node:util";
import { checkAgreement } from "./agree.mjs";
import { NOW, generateContacts, generateEvents } from "./dataset.mjs";
import { BASELINE, ENGINES } from "./engines/index.mjs";
import { gc, median } from "./measure.mjs";
import { ratioChart } from "./chart.mjs";
import { breakdownLines } from "./condition-times.mjs";
import { writeDocs } from "./docs-section.mjs";
import { kraiterLines, missedShapes, ratios, skipLines, table, targetLines, targets } from "./report.mjs";
import { buildShapes } from "./shapes.mjs";
import { importText } from "./text-import.mjs";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    contacts: { type: "string" },
    events: { type: "string" },
    runs: { type: "string" },
    docs: { type: "string" },
    out: { type: "string", default: "bench/results.json" },
    only: { type: "string" },
    shapes: { type: "string" },
    seed: { type: "string", default: "42" },
    limit: { type: "string", default: "10" },
    "import-runs": { type: "string" },
    "contact-batch": { type: "string", default: "25000" },
    "event-batch": { type: "string", default: "50000" },
    budget: { type: "string" },
    "min-runs": { type: "string" },
    "skip-live": { type: "boolean", default: false }, // also skips bench/app-reads.mjs
    "skip-browser": { type: "boolean", default: false }, // skips bench/browser.mjs
    "skip-text-import": { type: "boolean", default: false }, // skips the CSV import run (bench/text-import.mjs)
  },
});
// Full size by default; --quick is the smoke size. Explicit flags win over both.
// Quick: a slow peer (json-logic-js takes seconds per run there) stops after
// one run once it has spent 3 s on a measurement, so the smoke stays short.
const FULL = { contacts: "1000000", events: "10000000", runs: "7", "import-runs": "3", budget: "30", "min-runs": "3" };
const QUICK = { contacts: "100000", events: "1000000", runs: "3", "import-runs": "1", budget: "3", "min-runs": "1" };
const fullSize = ["contacts", "events", "runs", "import-runs"].every((k) => args[k] === undefined || args[k] === FULL[k]) && !args.quick;
for (const [k, v] of Object.entries(args.quick ? QUICK : FULL)) args[k] ??= v;
if (args.quick) args["skip-live"] = args["skip-browser"] = true; // the browser bench has its own smoke
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
  minRuns: Math.max(1, int("min-runs")),
  gc,
  textImport: args["skip-text-import"] ? null : importText,
};
const engineNames = args.only ? args.only.split(",").map((s) => s.trim()) : Object.keys(ENGINES).filter((n) => n !== "kraiter-other"); // that one only by name
for (const e of engineNames) if (!ENGINES[e]) throw new Error(`unknown engine ${e}; known: ${Object.keys(ENGINES).join(", ")}`);
const log = (...a) => console.error(...a);

// Only a full-size run of every engine and shape rewrites docs/performance.md.
const docsDir = resolve(args.docs ?? (fullSize && !args.only && !args.shapes ? "docs" : "artifacts/bench"));
const loadStart = os.loadavg();
const buildAtStart = build(); // before the engines load: a rebuild during the run must not relabel it
let t = performance.now();
const contacts = generateContacts(opts.seed, opts.contacts);
const events = [...generateEvents(opts.seed, opts.contacts, opts.events)];
const dataset = { contacts, events, now: NOW, seed: opts.seed };
log(`dataset: ${opts.contacts} contacts, ${opts.events} events, seed ${opts.seed}, generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);
const allShapes = buildShapes({ seed: opts.seed, contacts: opts.contacts });
const shapeIds = args.shapes ? args.shapes.split(",").map((s) => s.trim()) : allShapes.map((s) => s.id);
for (const id of shapeIds) if (!allShapes.some((s) => s.id === id)) throw new Error(`unknown shape ${id}; known: ${allShapes.map((s) => s.id).join(", ")}`);
const shapes = allShapes.filter((s) => shapeIds.includes(s.id));

const results = {};
const observed = {};
const reference = {};
const memberIds = {}; // [shape][engine] = ascending contact indices, for shapes with checkMembers
const boundaries = {}; // [shape] = { atFrom, atNow } members hinging on an event exactly on a window bound
const failures = [];
const live = {};
const fail = async (name, err) => {
  failures.push(`${name}: ${err?.stack ?? err}`);
  results[name].error = String(err?.message ?? err);
  log(`${name}: FAILED ${err?.stack ?? err}`);
  const engine = live[name];
  delete live[name];
  await engine?.close().catch(() => {});
};

// Load every engine first (kraiter first: its import is timed while nothing
// else is resident), then time the shapes round-robin: run r of every engine
// before run r+1 of any, so load from other work on the machine hits all
// engines alike instead of whichever happened to be running.
for (const name of engineNames) {
  gc();
  results[name] = { shapes: {} };
  observed[name] = {};
  try {
    const { createEngine } = await ENGINES[name]();
    const engine = await createEngine({ dataset, opts });
    live[name] = engine;
    t = performance.now();
    results[name].load = await engine.load();
    log(`${name}: loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    if (engine.extra) results[name].extra = await engine.extra({ shapes, runs: opts.runs, budgetMs: opts.budgetMs });
  } catch (err) {
    await fail(name, err);
  }
}

for (const shape of shapes) {
  gc();
  const handles = {};
  for (const [name, engine] of Object.entries(live)) {
    const support = engine.supports?.(shape) ?? true;
    if (support !== true) {
      (results[name].skipped ??= {})[shape.id] = support;
      log(`${name}: ${shape.id} skipped: ${support}`);
      continue;
    }
    try {
      handles[name] = await engine.prepare(shape);
      await engine.preview(handles[name], opts.limit); // warm-up
    } catch (err) {
      await fail(name, err);
    }
  }
  const measured = {};
  for (const op of ["preview", "compute"]) {
    const names = Object.keys(handles).filter((n) => live[n]);
    const times = Object.fromEntries(names.map((n) => [n, []]));
    const outs = Object.fromEntries(names.map((n) => [n, []]));
    const spent = Object.fromEntries(names.map((n) => [n, 0]));
    for (let r = 0; r < opts.runs; r++) {
      for (let j = 0; j < names.length; j++) {
        const name = names[(j + r) % names.length];
        if (!live[name] || (r >= Math.min(opts.runs, opts.minRuns) && spent[name] > opts.budgetMs)) continue;
        const engine = live[name];
        try {
          const t0 = performance.now();
          const out = op === "preview" ? await engine.preview(handles[name], opts.limit) : await engine.compute(handles[name]);
          const ms = performance.now() - t0;
          times[name].push(ms);
          outs[name].push(out);
          spent[name] += ms;
        } catch (err) {
          await fail(name, err);
        }
      }
    }
    for (const name of names) if (live[name]) (measured[name] ??= {})[op] = { ms: median(times[name]), runs: times[name], results: outs[name] };
  }
  for (const [name, m] of Object.entries(measured)) {
    if (!m.compute) continue;
    if (name === "js-predicate") {
      const member = new Uint8Array(contacts.length);
      for (const i of m.compute.results[0].members) member[i] = 1;
      reference[shape.id] = member;
    }
    observed[name][shape.id] = {
      previewCounts: m.preview.results.map((x) => x.count),
      computeCounts: m.compute.results.map((x) => x.count),
      samples: m.preview.results.map((x) => x.sample),
    };
    results[name].shapes[shape.id] = {
      count: m.compute.results[0].count,
      preview: { ms: m.preview.ms, runs: m.preview.runs },
      compute: { ms: m.compute.ms, runs: m.compute.runs },
    };
    log(`${name}: ${shape.id} preview ${m.preview.ms.toFixed(2)} ms, compute ${m.compute.ms.toFixed(2)} ms, ${m.compute.results[0].count} members`);
  }
  // Untimed: every member id (right after the compute runs, so each engine's
  // last compute is this shape's), and how many hinge on window bounds.
  if (shape.checkMembers) {
    memberIds[shape.id] = {};
    for (const [name, m] of Object.entries(measured)) {
      if (!m.compute || !live[name]) continue;
      try {
        memberIds[shape.id][name] = live[name].members ? await live[name].members(handles[name]) : m.compute.results[0].members;
      } catch (err) {
        await fail(name, err);
      }
    }
  }
  const hinges = live["js-predicate"]?.boundaryHinges?.(shape);
  if (hinges) boundaries[shape.id] = hinges;
}
const problems = checkAgreement(observed, shapes, { limit: opts.limit, reference, members: memberIds });
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
  loadAverage: { start: loadStart, end: null }, // end: once the breakdowns are done
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
  memoryBytes: os.totalmem(),
};
const targetList = targets(ok, shapes, meta);

// Where the time goes, for every shape that misses a target: on the kraiter
// instance the table was measured on, before it closes.
const breakdowns = {};
for (const id of live[BASELINE] ? missedShapes(targetList) : []) {
  try {
    breakdowns[id] = await live[BASELINE].breakdown(shapes.find((s) => s.id === id), { runs: Math.min(opts.runs, 5), limit: opts.limit });
  } catch (err) {
    failures.push(`breakdown of ${id}: ${err?.stack ?? err}`);
  }
}
for (const [name, engine] of Object.entries(live)) await engine.close().catch((e) => failures.push(`${name} close: ${e}`));
meta.loadAverage.end = os.loadavg();
const breakdownText = Object.entries(breakdowns).map(([id, b]) => breakdownLines(`${id}: ${shapes.find((s) => s.id === id).title}`, b));

console.log(`\n${opts.contacts} contacts, ${opts.events} events; median ms over up to ${opts.runs} runs; (Nx) = that engine's time / ${BASELINE}'s`);
console.log(`build ${meta.build.commit}${meta.build.dirty?.length ? " (uncommitted changes)" : ""}, wasm ${meta.build.wasmSha256}; load average ${loadStart.map((x) => x.toFixed(1)).join(" ")} at start, ${meta.loadAverage.end.map((x) => x.toFixed(1)).join(" ")} at end, ${os.cpus().length} cpus\n`);
const tableText = table(ok, shapes, rat);
console.log(tableText);
for (const line of kraiterLines(ok[BASELINE])) console.log(line);
if (targetList.length) console.log(`\ntargets:\n${targetLines(targetList).join("\n")}`);
if (breakdownText.length) console.log(`\nwhere the time goes (kraiter preview per group and condition, median ms, members):\n${breakdownText.map((l) => l.join("\n")).join("\n\n")}\n`);
for (const line of skipLines(results)) console.log(line);
const iso = (ms) => new Date(ms).toISOString();
for (const [id, b] of Object.entries(boundaries)) {
  console.log(`${id}: ${b.atFrom} members hinge on an event exactly at the window's first ms (${iso(b.first)}) and ${b.atTo} on one exactly at its last (${iso(b.last)}); ${problems.some((p) => p.startsWith(`${id}:`)) ? "the engines DISAGREE" : "every engine that ran agreed on them"}`);
}
if (problems.length) console.log(`\nDISAGREEMENT:\n${problems.join("\n")}`);
if (failures.length) console.log(`\nFAILED:\n${failures.join("\n")}`);

const out = resolve(args.out);
mkdirSync(dirname(out), { recursive: true });
let docs = null;
try {
  const reproduce = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
  const svg = await ratioChart(rat, shapes, `kraiter-segments bench, ${opts.contacts} contacts / ${opts.events} events, ${meta.build.commit}: engine time / kraiter time`);
  docs = writeDocs(docsDir, { svg, meta, table: tableText, kraiterLines: kraiterLines(ok[BASELINE]), targetLines: targetLines(targetList), breakdowns: breakdownText, skipLines: skipLines(results), reproduce });
} catch (err) {
  failures.push(`report: ${err?.stack ?? err}`);
  console.log(`\nFAILED: the report (chart, ${docsDir}/performance.md): ${err?.stack ?? err}`);
}
writeFileSync(out, JSON.stringify({ meta, shapes: shapes.map((s) => ({ id: s.id, title: s.title, rules: s.rules, refs: s.refs })), results, ratios: rat, targets: targetList, breakdowns, agreement: { ok: problems.length === 0, problems }, boundaries, docs, failures }, null, 1));
console.log(`\nresults: ${out}${docs ? `\nchart: ${docs.chart}\nreport: ${docs.markdown}` : ""}`);
// Live segments (bench/live.mjs) and the app's reads (bench/app-reads.mjs)
// on the same dataset size, each in its own process.
let liveFailed = false;
if (!args["skip-live"] && engineNames.includes(BASELINE)) {
  for (const script of ["bench/live.mjs", "bench/app-reads.mjs"]) {
    const scriptArgs = ["--expose-gc", "--max-old-space-size=12288", script, "--contacts", String(opts.contacts), "--events", String(opts.events), "--seed", String(opts.seed)];
    try {
      execFileSync(process.execPath, scriptArgs, { stdio: "inherit" });
    } catch {
      liveFailed = true;
    }
  }
}
// The in-browser bench (bench/browser.mjs): the issue's 1M contacts / 3M
// events at the default size (events scaled alike), the reopen at this size.
if (!args["skip-browser"]) {
  const sizes = ["--contacts", opts.contacts, "--events", Math.round(opts.events * 0.3), "--reopen-contacts", opts.contacts, "--reopen-events", opts.events];
  try {
    execFileSync(process.execPath, ["--max-old-space-size=12288", "bench/browser.mjs", ...sizes.map(String), "--runs", String(opts.runs), "--seed", String(opts.seed)], { stdio: "inherit" });
  } catch {
    liveFailed = true;
  }
}
process.exit(problems.length || failures.length || liveFailed ? 1 : 0);
