// The in-browser benchmark's page side (bench/browser.mjs drives it through
// Playwright): generates the seeded dataset, loads the three engines
// (kraiter in a worker, DuckDB-wasm in its worker, the hand-written
// predicate on this page), times one preview or compute per call, and
// keeps what the agreement check (bench/agree.mjs) needs, so only counts,
// samples and times travel back to Node.
import { checkAgreement } from "../agree.mjs";
import { NOW, generateContacts, generateEvents } from "../dataset.mjs";
import { createEngine as jsPredicate } from "../engines/js-predicate.mjs";
import { buildShapes } from "../shapes.mjs";
import { createEngine as duckdbWasm } from "./duckdb-wasm.js";
import { createEngine as kraiter } from "./kraiter.js";

const FACTORIES = { kraiter, "duckdb-wasm": duckdbWasm, "js-predicate": jsPredicate };

let state = null;

const bench = {
  engineNames: Object.keys(FACTORIES),

  /** Generates the dataset and shapes; returns the shape ids and the time it took. */
  setup({ seed, contacts, events, limit, contactBatch, eventBatch }) {
    const t = performance.now();
    const dataset = { contacts: generateContacts(seed, contacts), events: [...generateEvents(seed, contacts, events)], now: NOW, seed };
    const shapes = buildShapes({ seed, contacts });
    state = { dataset, shapes, limit, opts: { contactBatch, eventBatch, importRuns: 1 }, engines: {}, handles: {}, observed: {}, reference: {}, members: {} };
    return { ms: performance.now() - t, shapes: shapes.map((s) => s.id) };
  },

  async load(name) {
    const engine = await FACTORIES[name]({ dataset: state.dataset, opts: state.opts });
    const load = await engine.load();
    state.engines[name] = engine;
    state.observed[name] = {};
    return load;
  },

  async memory(name) {
    return state.engines[name].memory?.() ?? null;
  },

  /** Prepares a shape and warms it up once; true, or why the engine cannot express it. */
  async prepare(name, shapeId) {
    const engine = state.engines[name];
    const shape = state.shapes.find((s) => s.id === shapeId);
    const support = engine.supports?.(shape) ?? true;
    if (support !== true) return support;
    const handle = await engine.prepare(shape);
    (state.handles[name] ??= {})[shapeId] = handle;
    await engine.preview(handle, state.limit);
    state.observed[name][shapeId] = { previewCounts: [], computeCounts: [], samples: [] };
    return true;
  },

  /** One timed preview or compute; { ms, count }. */
  async time(name, shapeId, op) {
    const engine = state.engines[name];
    const handle = state.handles[name][shapeId];
    const t = performance.now();
    const out = op === "preview" ? await engine.preview(handle, state.limit) : await engine.compute(handle);
    const ms = performance.now() - t;
    const seen = state.observed[name][shapeId];
    if (op === "preview") {
      seen.previewCounts.push(out.count);
      seen.samples.push(out.sample);
    } else {
      seen.computeCounts.push(out.count);
      if (name === "js-predicate") {
        const member = new Uint8Array(state.dataset.contacts.length);
        for (const i of out.members) member[i] = 1;
        state.reference[shapeId] = member;
      }
    }
    return { ms, count: out.count };
  },

  /** Untimed, after the computes of a shape checked id by id: every engine's member list. */
  async collectMembers(shapeId) {
    const shape = state.shapes.find((s) => s.id === shapeId);
    if (!shape.checkMembers) return null;
    state.members[shapeId] = {};
    for (const [name, engine] of Object.entries(state.engines)) {
      const handle = state.handles[name]?.[shapeId];
      if (!handle) continue;
      state.members[shapeId][name] = engine.members ? await engine.members(handle) : (await engine.compute(handle)).members;
    }
    return state.engines["js-predicate"]?.boundaryHinges?.(shape) ?? null;
  },

  /** bench/agree.mjs over everything observed: problem strings (empty = all engines agree). */
  agreement() {
    return checkAgreement(state.observed, state.shapes, { limit: state.limit, reference: state.reference, members: state.members });
  },

  async close() {
    for (const engine of Object.values(state?.engines ?? {})) await engine.close().catch(() => {});
    state = null;
  },
};

window.bench = bench;
window.benchReady = true;
