// The kraiter engine of the benchmark as far as it only needs the SDK
// surface (open, import, segments): shared by the Node bench
// (bench/engines/kraiter.mjs, which adds the snapshot measurements) and the
// browser bench (bench/browser/, where `Kraiter.open` is openInWorker). No
// Node imports, so it loads in a page as is.

import { EVENT_NAMES, indexFromEmail } from "../dataset.mjs";
import { eventProperties } from "../event-properties.mjs";
import { median } from "../measure.mjs";
import { resolveRefs } from "../segment-refs.mjs";

export const memoryBytes = (k) => (typeof k._debugMemoryBytes === "function" ? k._debugMemoryBytes() : null);

/** Imports the dataset in batches through the SDK; `clock` is the instance's clock (default: the dataset's now). */
export async function importAll(dataset, opts, K, clock = () => dataset.now) {
  const { contacts, events } = dataset;
  const k = await K.open({ now: clock });
  const mem0 = await memoryBytes(k);
  let contactsMs = 0;
  for (let s = 0; s < contacts.length; s += opts.contactBatch) {
    const batch = contacts.slice(s, s + opts.contactBatch);
    const t = performance.now();
    const r = await k.contacts.import(batch);
    contactsMs += performance.now() - t;
    if (r.created !== batch.length) throw new Error(`kraiter: contacts.import created ${r.created} of ${batch.length}`);
  }
  const mem1 = await memoryBytes(k);
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
  const mem2 = await memoryBytes(k);
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
 * The engine object the bench loops drive. `build.Kraiter` is anything with
 * an `open({ now })` giving the SDK surface; `extra(k)` optional further
 * measurements after the load.
 */
export function sdkEngine({ dataset, opts }, build) {
  const { contacts } = dataset;
  const eventCount = dataset.events.reduce((a, b) => a + b.contact.length, 0);
  const engine = {
    name: build.name,
    k: null,
    async load() {
      const loads = [];
      for (let r = 0; r < opts.importRuns; r++) {
        if (engine.k) await engine.k.close();
        engine.k = null;
        opts.gc?.();
        const res = await importAll(dataset, opts, build.Kraiter);
        engine.k = res.k;
        delete res.k;
        loads.push(res);
      }
      // Linear memory never shrinks and later imports reuse what earlier ones
      // freed, so only the first import in the process shows real growth.
      const mem = loads[0].memory;
      // The same data as CSV text (bench/text-import.mjs), into an instance of its own.
      const text = opts.textImport && build.name === "kraiter" ? await opts.textImport(dataset, build.Kraiter) : null; // (an older build may have no text import)
      return {
        text,
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
      const rules = await resolveRefs(engine.k, shape); // creates the referenced segments, once
      const seg = await engine.k.segments.create({ name: `bench ${shape.id}`, rules });
      return { id: seg.id, rules };
    },
    async preview(h, limit) {
      const r = await engine.k.segments.preview(h.rules, { limit });
      return { count: r.count, sample: r.sample.map((m) => m.email) };
    },
    async compute(h) {
      await engine.k.segments.compute(h.id);
      const seg = await engine.k.segments.waitForCompute(h.id);
      return { count: seg.memberCount };
    },
    /** The contact indices of the computed members, ascending (untimed, for the id-by-id check). */
    async members(h) {
      const out = [];
      for await (const m of await engine.k.segments.listMembers(h.id, { limit: 100 })) out.push(indexFromEmail(m.email));
      return Int32Array.from(out).sort();
    },
    async close() {
      await engine.k?.close();
      engine.k = null;
    },
  };
  return engine;
}
