// What the app reads at scale (README "The API", "The app"; part of
// `npm run bench`): `schema()` (one pass over every property column), a
// contact's profile (`contacts.events` first page, `contacts.segments`) and a
// dry-run import of 10,000 contacts, on the bench dataset (1M contacts / 10M
// events by default). Medians; prints a table and writes
// bench/app-reads-results.json.
//   node --expose-gc bench/app-reads.mjs [--contacts N] [--events N]

import { writeFileSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { Kraiter } from "kraiter-segments";
import { NOW, generateContacts, generateEvents } from "./dataset.mjs";
import { importAll } from "./engines/kraiter.mjs";
import { gc, median } from "./measure.mjs";
import { resolveRefs } from "./segment-refs.mjs";
import { buildShapes } from "./shapes.mjs";

const { values: args } = parseArgs({
  options: {
    contacts: { type: "string", default: "1000000" },
    events: { type: "string", default: "10000000" },
    seed: { type: "string", default: "42" },
    runs: { type: "string", default: "9" },
    out: { type: "string", default: "bench/app-reads-results.json" },
  },
});
const num = (s) => Number(String(s).replaceAll("_", ""));
const opts = { contacts: num(args.contacts), events: num(args.events), seed: num(args.seed), runs: num(args.runs), contactBatch: 25_000, eventBatch: 50_000 };
const log = (...a) => console.error(...a);

const contacts = generateContacts(opts.seed, opts.contacts);
const dataset = { contacts, events: [...generateEvents(opts.seed, opts.contacts, opts.events)], now: NOW, seed: opts.seed };
const { k } = await importAll(dataset, opts, Kraiter, () => NOW);
dataset.events = null;
gc();
// Ten saved, computed segments, so a profile lists memberships.
for (const shape of buildShapes({ seed: opts.seed, contacts: opts.contacts }).slice(0, 10)) {
  const s = await k.segments.create({ name: shape.id, rules: await resolveRefs(k, shape) });
  await k.segments.compute(s.id);
  await k.segments.waitForCompute(s.id);
}

async function timed(fn) {
  const ms = [];
  for (let i = 0; i < opts.runs; i++) {
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
  }
  return median(ms);
}

const someone = (i) => contacts[(i * 7919) % contacts.length].email;
const ids = [];
for (let i = 0; i < opts.runs; i++) ids.push((await k.contacts.getByEmail(someone(i))).id);
const records = Array.from({ length: 10_000 }, (_, i) => ({ email: i % 2 ? contacts[i % contacts.length].email : `new-${i}@example.org`, properties: { plan: "pro" } }));
const result = {
  machine: { cpus: os.cpus().length, load: os.loadavg() },
  dataset: { contacts: opts.contacts, events: opts.events },
  schemaMs: await timed(() => k.schema()),
  profileEventsMs: await timed((i) => k.contacts.events(ids[i], { limit: 20 })),
  profileSegmentsMs: await timed((i) => k.contacts.segments(ids[i])),
  dryRunImport10kMs: await timed(() => k.contacts.import(records, { dryRun: true })),
};
const schema = await k.schema();
result.schemaKeys = schema.contacts.properties.length + schema.events.names.reduce((n, e) => n + e.properties.length, 0);
console.log(`app reads at ${opts.contacts} contacts / ${opts.events} events (medians of ${opts.runs})
  schema()                       ${result.schemaMs.toFixed(1)} ms  (${result.schemaKeys} keys)
  contacts.events (first page)   ${result.profileEventsMs.toFixed(1)} ms
  contacts.segments              ${result.profileSegmentsMs.toFixed(2)} ms
  dry-run import, 10k contacts   ${result.dryRunImport10kMs.toFixed(1)} ms`);
writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
await k.close();
