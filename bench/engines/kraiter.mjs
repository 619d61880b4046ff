// Our engine, driven only through the public SDK (kraiter-segments): bulk
// import throughput, preview and compute latency, plus the debug hooks for
// wasm linear memory and snapshot size / restore time.

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Kraiter } from "kraiter-segments";
import { breakdown } from "../condition-times.mjs";
import { EVENT_NAMES, indexFromEmail } from "../dataset.mjs";
import { eventProperties } from "../event-properties.mjs";
import { median, repeat } from "../measure.mjs";
import { resolveRefs } from "../segment-refs.mjs";
import { usesEventFilters } from "../shapes.mjs";

const memoryBytes = (k) => (typeof k._debugMemoryBytes === "function" ? k._debugMemoryBytes() : null);

/** Restores in fresh processes (fresh wasm memory, as a reopened tab): [{ importMs, openMs, memoryBytes }]. */
function coldRestores(snapshot, now, runs) {
  const dir = mkdtempSync(join(tmpdir(), "kraiter-snapshot-"));
  try {
    const file = join(dir, "snapshot.bin");
    writeFileSync(file, snapshot);
    const child = fileURLToPath(new URL("../restore-child.mjs", import.meta.url));
    const out = [];
    for (let r = 0; r < runs; r++) {
      const line = execFileSync(process.execPath, ["--max-old-space-size=8192", child, file, String(now)], { encoding: "utf8" });
      out.push(JSON.parse(line.trim().split("\n").pop()));
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A storage adapter whose load() hands back one snapshot and an empty log. */
function snapshotStorage(snapshot) {
  return {
    load: async () => ({ snapshot, log: [] }),
    append: async () => {},
    compact: async () => {},
    close: async () => {},
  };
}

/** Imports the dataset in batches through the SDK; `clock` is the instance's clock (default: the dataset's now). */
export async function importAll(dataset, opts, K, clock = () => dataset.now) {
  const { contacts, events } = dataset;
  const k = await K.open({ now: clock });
  const mem0 = memoryBytes(k);
  let contactsMs = 0;
  for (let s = 0; s < contacts.length; s += opts.contactBatch) {
    const batch = contacts.slice(s, s + opts.contactBatch);
    const t = performance.now();
    const r = await k.contacts.import(batch);
    contactsMs += performance.now() - t;
    if (r.created !== batch.length) throw new Error(`kraiter: contacts.import created ${r.created} of ${batch.length}`);
  }
  const mem1 = memoryBytes(k);
  let eventsMs = 0;
  let eventCount = 0;
  const emails = contacts.map((c) => c.email);
  const flushEvents = async (records) => {
    const t = performance.now();
    const r = await k.events.import(records);
    eventsMs += performance.now() - t;
    if (r.imported !== records.length) throw new Error(`kraiter: events.import imported ${r.imported} of ${records.length}`);
    if (r.contactsCreated) throw new Error(`kraiter: events.import created ${r.contactsCreated} contacts for known emails`);
    eventCount += records.length;
  };
  let records = [];
  for (const batch of events) {
    const { contact, name, ts } = batch;
    for (let j = 0; j < contact.length; j++) {
      const record = { name: EVENT_NAMES[name[j]], email: emails[contact[j]], timestamp: new Date(ts[j]).toISOString() };
      const properties = eventProperties(batch, j);
      if (properties) record.properties = properties;
      records.push(record);
      if (records.length === opts.eventBatch) {
        await flushEvents(records);
        records = [];
      }
    }
  }
  if (records.length) await flushEvents(records);
  const mem2 = memoryBytes(k);
  return {
    k,
    contactsPerSec: contacts.length / (contactsMs / 1000),
    eventsPerSec: eventCount / (eventsMs / 1000),
    contactsMs,
    eventsMs,
    memory: mem0 === null ? null : { start: mem0, afterContacts: mem1, afterEvents: mem2 },
  };
}

/**
 * `build` is this package by default; `engines/index.mjs` passes another
 * build's `Kraiter` as `kraiter-other`, to time two builds round-robin in
 * one process (the only A/B this machine's noise does not swamp).
 */
export async function createEngine({ dataset, opts }, build = { Kraiter, name: "kraiter" }) {
  const { contacts, now } = dataset;
  let k;
  const eventCount = dataset.events.reduce((a, b) => a + b.contact.length, 0);
  return {
    name: build.name,
    async load() {
      const loads = [];
      for (let r = 0; r < opts.importRuns; r++) {
        if (k) await k.close();
        k = null;
        opts.gc?.();
        const res = await importAll(dataset, opts, build.Kraiter);
        k = res.k;
        delete res.k;
        loads.push(res);
      }
      // Linear memory never shrinks and later imports reuse what earlier ones
      // freed, so only the first import in the process shows real growth.
      const mem = loads[0].memory;
      return {
        ms: median(loads.map((l) => l.contactsMs + l.eventsMs)),
        contactsPerSec: median(loads.map((l) => l.contactsPerSec)),
        eventsPerSec: median(loads.map((l) => l.eventsPerSec)),
        importRuns: loads,
        wasmMemory: mem && {
          ...mem,
          bytesPerContact: (mem.afterContacts - mem.start) / contacts.length,
          bytesPerEvent: eventCount ? (mem.afterEvents - mem.afterContacts) / eventCount : null,
        },
      };
    },
    async prepare(shape) {
      const rules = await resolveRefs(k, shape); // creates the referenced segments, once
      const seg = await k.segments.create({ name: `bench ${shape.id}`, rules });
      return { id: seg.id, rules };
    },
    async preview(h, limit) {
      const r = await k.segments.preview(h.rules, { limit });
      return { count: r.count, sample: r.sample.map((m) => m.email) };
    },
    async compute(h) {
      await k.segments.compute(h.id);
      const seg = await k.segments.waitForCompute(h.id);
      return { count: seg.memberCount };
    },
    /** The contact indices of the computed members, ascending (untimed, for the id-by-id check). */
    async members(h) {
      const out = [];
      for await (const m of await k.segments.listMembers(h.id, { limit: 100 })) out.push(indexFromEmail(m.email));
      return Int32Array.from(out).sort();
    },
    /** Where the time of one shape goes (bench/condition-times.mjs), on this loaded instance. */
    async breakdown(shape, { runs, limit }) {
      return breakdown(k, await resolveRefs(k, shape), { runs, limit });
    },
    /** Snapshot size and restore time; the restored engine must answer like the original. */
    async extra({ shapes, runs, budgetMs }) {
      if (typeof k._debugSnapshot !== "function") return { snapshot: null, note: "k._debugSnapshot() missing" };
      if (build.Kraiter !== Kraiter) return { snapshot: null, note: "snapshots are measured for this package's build only" };
      const t = performance.now();
      const snapshot = await k._debugSnapshot();
      const snapshotMs = performance.now() - t;
      // The nested shape, and every shape reading event properties (they must survive too).
      // (Inlined: the restored instance has no saved segments to reference.)
      const probes = [...new Set([shapes.find((s) => s.id === "nested") ?? shapes[shapes.length - 1], ...shapes.filter((s) => usesEventFilters(s.rules))])];
      const expected = [];
      for (const probe of probes) expected.push((await k.segments.preview(probe.peerRules, { limit: 1 })).count);
      const restore = await repeat(
        async () => {
          const t0 = performance.now();
          const k2 = await Kraiter.open({ storage: snapshotStorage(snapshot), now: () => now });
          const ms = performance.now() - t0;
          for (const [i, probe] of probes.entries()) {
            const got = (await k2.segments.preview(probe.peerRules, { limit: 1 })).count;
            if (got !== expected[i]) throw new Error(`kraiter: restored snapshot counts ${got} for ${probe.id}, original ${expected[i]}`);
          }
          await k2.close();
          return ms;
        },
        { runs, budgetMs },
      );
      const cold = coldRestores(snapshot, now, Math.min(runs, 3));
      return {
        snapshot: {
          bytes: snapshot.byteLength,
          bytesPerContact: snapshot.byteLength / contacts.length,
          bytesPerEvent: eventCount ? snapshot.byteLength / eventCount : null,
          snapshotMs,
          restoreMs: median(restore.results),
          restoreRuns: restore.results,
          coldRestoreMs: median(cold.map((c) => c.openMs)),
          coldRestoreRuns: cold,
          coldRestoreWasmBytes: cold[0]?.memoryBytes ?? null,
        },
        stats: typeof k._debugStats === "function" ? k._debugStats() : null,
      };
    },
    async close() {
      await k?.close();
      k = null;
    },
  };
}
