// Turns the measurements into the printed table (peer time / kraiter time per
// shape and operation), the kraiter lines (imports, memory, snapshot) and the
// target lines (performance round two), each also saved in the JSON results.

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
    ...(l.text ? [`kraiter import from CSV text: contacts ${fmtRate(l.text.contactsPerSec)}, events ${fmtRate(l.text.eventsPerSec)} (one full import)`] : []),
  ];
  const m = l.wasmMemory;
  if (m) lines.push(`kraiter wasm memory: ${m.bytesPerContact.toFixed(1)} B/contact, ${m.bytesPerEvent?.toFixed(1)} B/event (linear memory growth over the first import; ${fmtBytes(m.afterEvents)} in all)`);
  else lines.push("kraiter wasm memory: k._debugMemoryBytes() not available");
  const s = k.extra?.snapshot;
  if (s) lines.push(`kraiter snapshot: ${fmtBytes(s.bytes)} (${s.bytesPerEvent?.toFixed(1) ?? "-"} B/event, ${s.bytesPerContact.toFixed(1)} B/contact), take ${fmtMs(s.snapshotMs)} ms, restore ${fmtMs(s.restoreMs)} ms in this process, ${fmtMs(s.coldRestoreMs)} ms cold (fresh process: wasm memory grows to ${fmtBytes(s.coldRestoreWasmBytes)})`);
  return lines;
}

/** This targets (performance round two). */
export const TARGETS = { vsPredicate: 10, vsDuckdb: 3, computeOverPreview: 2, contactsPerSec: 500e3, eventsPerSec: 1e6, textEventsPerSec: 2e6 };
const DUCKDBS = ["duckdb", "duckdb-indexed"];
const x = (r) => `${r >= 10 ? r.toFixed(0) : r.toFixed(1)}x`;

/**
 * Every target as { target, shape?, op?, figure, actual, pass, factor }:
 * per shape and op, kraiter against the hand-written predicate and against
 * the faster DuckDB form (both ratios measured in this run); per shape,
 * kraiter's compute over its own preview; the two import rates. `figure` is
 * the number compared, `factor` > 1 how far it is from the target.
 */
export function targets(results, shapes, meta) {
  const k = results[BASELINE];
  if (!k) return [];
  const out = [];
  const add = (t) => out.push(t);
  const ms = (engine, id, op) => results[engine]?.shapes[id]?.[op]?.ms;
  for (const s of shapes) {
    for (const op of ["preview", "compute"]) {
      const base = ms(BASELINE, s.id, op);
      if (!base) continue;
      const js = ms("js-predicate", s.id, op);
      if (js != null) {
        const r = js / base;
        add({ target: `${s.id} ${op} >= ${TARGETS.vsPredicate}x js-predicate`, shape: s.id, op, figure: r, actual: x(r), pass: r >= TARGETS.vsPredicate, factor: TARGETS.vsPredicate / r });
      }
      const ducks = DUCKDBS.map((d) => [d, ms(d, s.id, op)]).filter(([, m]) => m != null);
      if (ducks.length) {
        const [fastest, m] = ducks.reduce((a, b) => (b[1] < a[1] ? b : a));
        const r = m / base;
        add({ target: `${s.id} ${op} >= ${TARGETS.vsDuckdb}x duckdb (faster form: ${fastest})`, shape: s.id, op, figure: r, actual: x(r), pass: r >= TARGETS.vsDuckdb, factor: TARGETS.vsDuckdb / r });
      }
    }
    const [p, c] = [ms(BASELINE, s.id, "preview"), ms(BASELINE, s.id, "compute")];
    if (p && c != null) {
      const r = c / p;
      add({ target: `${s.id} compute <= ${TARGETS.computeOverPreview}x its preview`, shape: s.id, op: "compute", figure: r, actual: `${r.toFixed(2)}x (${fmtMs(c)} / ${fmtMs(p)} ms)`, pass: r <= TARGETS.computeOverPreview, factor: r / TARGETS.computeOverPreview });
    }
  }
  const l = k.load ?? {};
  const size = `at ${meta.contacts} contacts / ${meta.events} events; the target is stated at 1M / 10M`;
  if (l.contactsPerSec) add({ target: `contacts.import >= 500k contacts/s (${size})`, figure: l.contactsPerSec, actual: fmtRate(l.contactsPerSec), pass: l.contactsPerSec >= TARGETS.contactsPerSec, factor: TARGETS.contactsPerSec / l.contactsPerSec });
  if (l.eventsPerSec) add({ target: `events.import >= 1M events/s (${size})`, figure: l.eventsPerSec, actual: fmtRate(l.eventsPerSec), pass: l.eventsPerSec >= TARGETS.eventsPerSec, factor: TARGETS.eventsPerSec / l.eventsPerSec });
  const te = l.text?.eventsPerSec;
  if (te) add({ target: `events.import from CSV text >= 2M events/s (${size})`, figure: te, actual: fmtRate(te), pass: te >= TARGETS.textEventsPerSec, factor: TARGETS.textEventsPerSec / te });
  return out;
}

/** One line per target, met or missed, after a count. */
export function targetLines(ts) {
  const met = ts.filter((t) => t.pass).length;
  return [
    `${met} of ${ts.length} met`,
    ...ts.map((t) => (t.pass ? `met     ${t.target}: ${t.actual}` : `MISSED  ${t.target}: ${t.actual} (short by ${t.factor.toFixed(1)}x)`)),
  ];
}

/** The shapes with at least one missed target, in shape order. */
export const missedShapes = (ts) => [...new Set(ts.filter((t) => !t.pass && t.shape).map((t) => t.shape))];
