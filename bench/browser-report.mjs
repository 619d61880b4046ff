// Prints the in-browser benchmark (bench/browser.mjs): the shape × engine
// table of medians with ratios (peer ms / kraiter ms, from bench/report.mjs),
// the ≥ 5x DuckDB-wasm goal per shape, load times, memory and the reopen.
// Returns the goal rows for the JSON results.

import { skipLines, table } from "./report.mjs";

export const GOAL = { peer: "duckdb-wasm", factor: 5 };
export const REOPEN_TARGET_MS = 1000;

const mib = (b) => (b == null ? "-" : `${(b / (1 << 20)).toFixed(1)} MiB`);
const s = (ms) => (ms == null ? "-" : `${(ms / 1000).toFixed(2)} s`);
const ms = (x) => (x == null ? "-" : `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms`);

/** { shape, op, ratio, met } for every shape and op DuckDB-wasm answered. */
export function goalRows(rat, shapes) {
  const rows = [];
  for (const { id } of shapes) {
    for (const op of ["preview", "compute"]) {
      const ratio = rat[id]?.[op]?.[GOAL.peer];
      if (ratio != null) rows.push({ shape: id, op, ratio, met: ratio >= GOAL.factor });
    }
  }
  return rows;
}

export function printReport({ results, shapes, rat, meta, reopen, problems, failures, boundaries }) {
  const la = (l) => l.map((x) => x.toFixed(1)).join(" ");
  console.log(`\nin the browser (Chromium ${meta.chromium}): ${meta.contacts} contacts, ${meta.events} events; median ms over up to ${meta.runs} runs; (Nx) = that engine's time / kraiter's`);
  console.log(`build ${meta.build.commit}, wasm ${meta.build.wasmSha256}; load average ${la(meta.loadAverage.start)} at start, ${la(meta.loadAverage.end)} at end, ${meta.cpus} cpus\n`);
  if (shapes.length) console.log(table(results, shapes, rat));
  for (const line of skipLines(results)) console.log(line);

  const goal = goalRows(rat, shapes);
  if (goal.length) {
    const met = goal.filter((g) => g.met).length;
    console.log(`\ngoal: >= ${GOAL.factor}x ${GOAL.peer} on every shape: ${met} of ${goal.length} met`);
    for (const g of goal) console.log(`  ${g.met ? "met   " : "MISSED"}  ${g.shape} ${g.op}: ${g.ratio.toFixed(1)}x`);
  }

  const k = results.kraiter?.load;
  const d = results["duckdb-wasm"]?.load;
  const p = results["js-predicate"]?.load;
  console.log("\nload (records to queryable):");
  if (k) console.log(`  kraiter: ${s(k.ms)} import through the worker (contacts ${s(k.importRuns?.[0]?.contactsMs)}, events ${s(k.importRuns?.[0]?.eventsMs)}); openInWorker ${ms(k.openMs)}`);
  if (d) console.log(`  duckdb-wasm: ${s(d.ms)} to Arrow and insertArrowTable (contacts ${s(d.contactsMs)}, events ${s(d.eventsMs)}; ${s(d.insertMs)} of it inside insertArrowTable); instantiate ${ms(d.openMs)}, ${d.bundle}, ${d.threads} thread(s)`);
  if (p) console.log(`  js-predicate: ${s(p.ms)} (${p.note})`);

  console.log("\nmemory:");
  const km = results.kraiter?.memory;
  const dm = results["duckdb-wasm"]?.memory;
  const pm = results["js-predicate"]?.memory;
  if (km) console.log(`  kraiter: wasm linear memory ${mib(km.wasmBytes)} (engine estimate ${mib(km.engineHeapBytes)})`);
  if (dm) console.log(`  duckdb-wasm: duckdb_memory() ${mib(dm.duckdbMemoryBytes)}; pragma_database_size: memory_usage ${dm.databaseMemoryUsage}, memory_limit ${dm.memoryLimit}`);
  if (pm) console.log(`  js-predicate: page heap and array buffers +${mib(pm.pageHeapDeltaBytes)} over its load`);
  if (meta.heap) console.log(`  page JS heap and array buffers: ${mib(meta.heap.start)} empty, ${mib(meta.heap.afterDataset)} with the dataset (records), ${mib(meta.heap.afterClose)} after closing the engines`);

  for (const [id, b] of Object.entries(boundaries)) console.log(`${id}: ${b.atFrom} members hinge on an event exactly at the window's start and ${b.atNow} on one exactly at now`);

  if (reopen) {
    const b = reopen.breakdown;
    console.log(`\nreopen from IndexedDB (${reopen.contacts} contacts, ${reopen.events} events, ${mib(reopen.snapshotBytes)} snapshot; median of ${reopen.runs}, fresh page each):`);
    console.log(`  openInWorker until the first preview answers: ${ms(reopen.totalMs)} (open ${ms(reopen.openedMs)}) — target <= ${REOPEN_TARGET_MS} ms: ${reopen.totalMs <= REOPEN_TARGET_MS ? "met" : "MISSED"}`);
    if (b) console.log(`  step by step in a worker: worker start ${ms(b.workerStartMs)}, wasm start-up ${ms(b.wasmMs)}, IndexedDB read ${ms(b.readMs)}, zone-name scan ${ms(b.zoneScanMs)}, restore ${ms(b.restoreMs)} (of it handing ${mib(reopen.snapshotBytes)} to fresh wasm memory ${ms(b.handoverMs)}, the rest decode, checks and indexes in one wasm call), first preview ${ms(b.previewMs)}; wasm memory after ${mib(b.memoryBytes)}`);
  }
  if (problems.length) console.log(`\nDISAGREEMENT:\n${problems.join("\n")}`);
  else if (shapes.length) console.log("\nagreement: every engine agreed on every count and sample" + (Object.keys(boundaries).length ? ", and on every member of the shapes checked id by id" : ""));
  if (failures.length) console.log(`\nFAILED:\n${failures.join("\n")}`);
  return goal;
}
