// Turns the measurements into the printed table (peer time / kraiter time per
// shape and operation), the issue-5 target checks, and the JSON results file.

import { BASELINE } from "./engines/index.mjs";

const fmtMs = (ms) => (ms == null || Number.isNaN(ms) ? "-" : ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));
const fmtRate = (x) => (x == null ? "-" : x >= 1e6 ? `${(x / 1e6).toFixed(2)}M/s` : `${(x / 1e3).toFixed(0)}k/s`);
const fmtBytes = (b) => (b == null ? "-" : b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(1)} MiB` : `${(b / 1024).toFixed(1)} KiB`);

/** ratios[shape][op][peer] = peer median / baseline median. */
export function ratios(results, shapes) {
  const out = {};
  const base = results[BASELINE];
  for (const s of shapes) {
    out[s.id] = {};
    for (const op of ["preview", "compute"]) {
      out[s.id][op] = {};
      const b = base?.shapes[s.id]?.[op]?.ms;
      for (const [engine, r] of Object.entries(results)) {
        if (engine === BASELINE || !b) continue;
        const m = r.shapes[s.id]?.[op]?.ms;
        if (m != null) out[s.id][op][engine] = m / b;
      }
    }
  }
  return out;
}

function pad(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r) => r.map((x, c) => (c < 2 ? String(x).padEnd(widths[c]) : String(x).padStart(widths[c]))).join("  ")).join("\n");
}

/** The one table: median ms per shape and op, "(Nx)" = peer / kraiter. */
export function table(results, shapes, rat) {
  const engines = Object.keys(results);
  const rows = [["shape", "op", ...engines.map((e) => `${e} ms`), "members"]];
  for (const s of shapes) {
    for (const op of ["preview", "compute"]) {
      const cells = engines.map((e) => {
        if (results[e].skipped?.[s.id]) return "n/a";
        const ms = results[e].shapes[s.id]?.[op]?.ms;
        const r = rat[s.id][op][e];
        return r == null ? fmtMs(ms) : `${fmtMs(ms)} (${r >= 10 ? r.toFixed(0) : r.toFixed(1)}x)`;
      });
      const count = engines.map((e) => results[e].shapes[s.id]?.count).find((c) => c != null);
      rows.push([s.id, op, ...cells, count ?? "-"]);
    }
  }
  const loadRow = ["load", "import/index", ...engines.map((e) => fmtMs(results[e].load?.ms)), ""];
  rows.push(loadRow);
  return pad(rows);
}

/** One line per engine and reason for the shapes it skipped ("n/a" in the table). */
export function skipLines(results) {
  const lines = [];
  for (const [engine, r] of Object.entries(results)) {
    const byReason = {};
    for (const [shape, reason] of Object.entries(r.skipped ?? {})) (byReason[reason] ??= []).push(shape);
    for (const [reason, ids] of Object.entries(byReason)) lines.push(`skipped: ${engine} on ${ids.join(", ")}: ${reason}`);
  }
  return lines;
}

export function kraiterLines(k) {
  if (!k) return [];
  const l = k.load ?? {};
  const lines = [
    `kraiter import: contacts ${fmtRate(l.contactsPerSec)}, events ${fmtRate(l.eventsPerSec)} (median of ${l.importRuns?.length ?? 0} full imports)`,
  ];
  const m = l.wasmMemory;
  if (m) lines.push(`kraiter wasm memory: ${m.bytesPerContact.toFixed(1)} B/contact, ${m.bytesPerEvent?.toFixed(1)} B/event (linear memory growth over the first import; ${fmtBytes(m.afterEvents)} in all)`);
  else lines.push("kraiter wasm memory: k._debugMemoryBytes() not available");
  const s = k.extra?.snapshot;
  if (s) lines.push(`kraiter snapshot: ${fmtBytes(s.bytes)} (${s.bytesPerEvent?.toFixed(1) ?? "-"} B/event, ${s.bytesPerContact.toFixed(1)} B/contact), take ${fmtMs(s.snapshotMs)} ms, restore ${fmtMs(s.restoreMs)} ms in this process, ${fmtMs(s.coldRestoreMs)} ms cold (fresh process: wasm memory grows to ${fmtBytes(s.coldRestoreWasmBytes)})`);
  return lines;
}

/** The issue-5 targets, each { target, actual, pass, factor } (factor >1 = missed by that much). */
export function targets(results, shapes, rat, meta) {
  const k = results[BASELINE];
  if (!k) return [];
  const out = [];
  const add = (target, actual, pass, factor) => out.push({ target, actual, pass, factor });
  for (const s of shapes) {
    for (const op of ["preview", "compute"]) {
      const r = rat[s.id][op];
      if (r["js-predicate"] != null) add(`${s.id} ${op} >= 10x js-predicate`, `${r["js-predicate"].toFixed(1)}x`, r["js-predicate"] >= 10, 10 / r["js-predicate"]);
      for (const d of ["duckdb", "duckdb-indexed"]) {
        if (r[d] != null) add(`${s.id} ${op} faster than ${d}`, `${r[d].toFixed(2)}x`, r[d] > 1, 1 / r[d]);
      }
      if (r["json-logic-js"] != null) add(`${s.id} ${op} >= 300x json-logic-js`, `${r["json-logic-js"].toFixed(0)}x`, r["json-logic-js"] >= 300, 300 / r["json-logic-js"]);
    }
  }
  const p = k.shapes.property?.preview?.ms;
  if (p != null) add(`property preview <= 10 ms (at ${meta.contacts} contacts)`, `${p.toFixed(2)} ms`, p <= 10, p / 10);
  const l = k.load ?? {};
  if (l.eventsPerSec) add("events import >= 1M/s", fmtRate(l.eventsPerSec), l.eventsPerSec >= 1e6, 1e6 / l.eventsPerSec);
  if (l.contactsPerSec) add("contacts import >= 300k/s", fmtRate(l.contactsPerSec), l.contactsPerSec >= 3e5, 3e5 / l.contactsPerSec);
  const bpe = l.wasmMemory?.bytesPerEvent;
  if (bpe != null) add("wasm memory <= 16 B/event", `${bpe.toFixed(1)} B`, bpe <= 16, bpe / 16);
  return out;
}

export function targetLines(ts) {
  const missed = ts.filter((t) => !t.pass);
  return [
    `${ts.length - missed.length} of ${ts.length} met`,
    ...missed.map((t) => `MISS  ${t.target}: ${t.actual} (short by ${t.factor.toFixed(1)}x)`),
  ];
}
