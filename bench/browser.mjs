// `npm run bench:browser`: the in-browser benchmark. In headless Chromium
// (Debian's, through playwright-core; only 127.0.0.1 traffic), kraiter in a
// Web Worker (openInWorker) against DuckDB-wasm (its own worker, served
// from node_modules) and the hand-written predicate, on the same seeded
// dataset and shapes as the Node bench: preview and compute medians,
// round-robin, load times and memory, the agreement check; then the reopen
// of a large stored database from IndexedDB (bench/browser-reopen.mjs).
// Prints the table (bench/browser-report.mjs), writes JSON, exits non-zero
// on a failure or any disagreement.

import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { openChromium } from "../tests/browser/chromium.mjs";
import { execFileSync } from "node:child_process";
import { measureReopen, wasmDigest } from "./browser-reopen.mjs";
import { printReport } from "./browser-report.mjs";
import { median } from "./measure.mjs";
import { ratios } from "./report.mjs";

const { values: args } = parseArgs({
  options: {
    contacts: { type: "string", default: "1000000" },
    events: { type: "string", default: "3000000" },
    runs: { type: "string", default: "7" },
    shapes: { type: "string" },
    seed: { type: "string", default: "42" },
    limit: { type: "string", default: "10" },
    budget: { type: "string", default: "60" },
    "contact-batch": { type: "string", default: "25000" },
    "event-batch": { type: "string", default: "50000" },
    "reopen-contacts": { type: "string", default: "1000000" },
    "reopen-events": { type: "string", default: "10000000" },
    "reopen-runs": { type: "string", default: "7" },
    "skip-reopen": { type: "boolean", default: false },
    timeout: { type: "string", default: "90" }, // minutes for the whole run; then Chromium is closed and the run fails
    out: { type: "string", default: "bench/results-browser.json" },
  },
});
const int = (name) => {
  const n = Number(String(args[name]).replaceAll("_", ""));
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${args[name]}`);
  return n;
};
const opts = {
  seed: int("seed"), contacts: int("contacts"), events: int("events"), runs: Math.max(1, int("runs")), limit: int("limit"),
  contactBatch: int("contact-batch"), eventBatch: int("event-batch"), budgetMs: int("budget") * 1000,
};
const log = (...a) => console.error(...a);
const loadStart = os.loadavg();
const build = { commit: execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim(), wasmSha256: wasmDigest() };

const chrome = await openChromium();
const chromium = chrome.browser.version();
const watchdog = setTimeout(async () => {
  log(`browser bench: over --timeout ${args.timeout} min, closing Chromium`);
  await Promise.race([chrome.close(), new Promise((r) => setTimeout(r, 10_000))]);
  process.exit(2);
}, int("timeout") * 60_000);
for (const sig of ["SIGINT", "SIGTERM"]) process.once(sig, () => chrome.close().finally(() => process.exit(130)));

const results = {};
const failures = [];
const boundaries = {};
let problems = [];
let reopen = null;
let meta;
try {
  const { page, context } = chrome;
  page.setDefaultTimeout(0);
  page.on("pageerror", (e) => log(`page error: ${e.stack ?? e}`));
  page.on("console", (m) => m.type() === "error" && log(`page console: ${m.text()}`));
  await page.goto(`${chrome.url}/bench/browser/index.html`);
  await page.waitForFunction(() => window.benchReady === true);
  const cdp = await context.newCDPSession(page);
  /**
   * The page's JS heap after a full collection, with the array buffers'
   * backing stores (typed arrays live there); main thread only, workers
   * have their own.
   */
  const heap = async () => {
    await cdp.send("HeapProfiler.collectGarbage");
    const { usedSize, backingStorageSize = 0 } = await cdp.send("Runtime.getHeapUsage");
    return usedSize + backingStorageSize;
  };
  const call = (fn, ...a) => page.evaluate(({ fn, a }) => window.bench[fn](...a), { fn, a });

  const heap0 = await heap();
  const setup = await call("setup", opts);
  const shapeIds = args.shapes ? args.shapes.split(",").map((s) => s.trim()) : setup.shapes;
  for (const id of shapeIds) if (!setup.shapes.includes(id)) throw new Error(`unknown shape ${id}; known: ${setup.shapes.join(", ")}`);
  const heapDataset = await heap();
  log(`dataset: ${opts.contacts} contacts, ${opts.events} events, seed ${opts.seed}, generated in the page in ${(setup.ms / 1000).toFixed(1)} s`);

  const engineNames = await page.evaluate(() => window.bench.engineNames);
  const live = [];
  for (const name of engineNames) {
    results[name] = { shapes: {} };
    try {
      const before = await heap();
      results[name].load = await call("load", name);
      results[name].memory = { ...(await call("memory", name)), pageHeapDeltaBytes: (await heap()) - before };
      live.push(name);
      log(`${name}: loaded in ${(results[name].load.ms / 1000).toFixed(1)} s`);
    } catch (err) {
      failures.push(`${name} load: ${err.message}`);
      results[name].error = err.message;
    }
  }

  // Round-robin as in bench/run.mjs: run r of every engine before run r+1 of any.
  for (const id of shapeIds) {
    const names = [];
    for (const name of live) {
      try {
        const support = await call("prepare", name, id);
        if (support === true) names.push(name);
        else (results[name].skipped ??= {})[id] = support;
      } catch (err) {
        failures.push(`${name} ${id} prepare: ${err.message}`);
      }
    }
    for (const op of ["preview", "compute"]) {
      const times = Object.fromEntries(names.map((n) => [n, []]));
      const spent = Object.fromEntries(names.map((n) => [n, 0]));
      let count = {};
      for (let r = 0; r < opts.runs; r++) {
        for (let j = 0; j < names.length; j++) {
          const name = names[(j + r) % names.length];
          if (r >= Math.min(opts.runs, 3) && spent[name] > opts.budgetMs) continue;
          try {
            const out = await call("time", name, id, op);
            times[name].push(out.ms);
            spent[name] += out.ms;
            count[name] = out.count;
          } catch (err) {
            failures.push(`${name} ${id} ${op}: ${err.message}`);
          }
        }
      }
      for (const name of names) {
        if (!times[name].length) continue;
        const s = (results[name].shapes[id] ??= { count: count[name] });
        s[op] = { ms: median(times[name]), runs: times[name] };
      }
    }
    const hinges = await call("collectMembers", id).catch((err) => failures.push(`${id} members: ${err.message}`));
    if (hinges && typeof hinges === "object") boundaries[id] = hinges;
    log(`${id}: ${names.map((n) => `${n} ${results[n].shapes[id]?.preview?.ms?.toFixed(2)} / ${results[n].shapes[id]?.compute?.ms?.toFixed(2)} ms`).join(", ")}`);
  }
  problems = await call("agreement");
  await call("close");
  const heapEnd = await heap();
  await page.close();
  meta = { heap: { start: heap0, afterDataset: heapDataset, afterClose: heapEnd } };

  if (!args["skip-reopen"]) {
    reopen = await measureReopen({
      origin: chrome.url, seed: opts.seed, contacts: int("reopen-contacts"), events: int("reopen-events"), runs: Math.max(1, int("reopen-runs")), log,
    });
    if (!reopen.agrees) failures.push(`reopen: the reopened database counts ${reopen.counts.join(",")} for the probe, Node counted ${reopen.expected}`);
  }
} catch (err) {
  failures.push(`browser bench: ${err.stack ?? err}`);
} finally {
  clearTimeout(watchdog);
  await chrome.close();
}

const shapes = Object.keys(Object.values(results).find((r) => Object.keys(r.shapes).length)?.shapes ?? {}).map((id) => ({ id }));
const ok = Object.fromEntries(Object.entries(results).filter(([, r]) => !r.error));
const rat = ratios(ok, shapes);
meta = {
  ...meta,
  date: new Date().toISOString(),
  build,
  loadAverage: { start: loadStart, end: os.loadavg() },
  cpus: os.cpus().length,
  chromium,
  ...opts,
};
const goal = printReport({ results: ok, shapes, rat, meta, reopen, problems, failures, boundaries });
const out = resolve(args.out);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ meta, results, ratios: rat, goal, reopen, agreement: { ok: problems.length === 0, problems }, boundaries, failures }, null, 1));
console.log(`\nresults: ${out}`);
process.exit(problems.length || failures.length ? 1 : 0);
