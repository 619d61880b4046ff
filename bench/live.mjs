// Live segments at scale (README "Live segments"; part of `npm run bench`):
// what one `events.track` costs above the same call with no live segments,
// with 1, 20 and 100 live segments (rules cycled from the bench shapes), on
// the bench dataset (1M contacts / 10M events by default); how long making a
// segment live takes (a whole evaluation, its first feed, and nextChangeAt);
// one nextChangeAt scan per shape; one wake (a time step applied to every
// live segment); and the feed's size per change. Medians; prints a table and
// writes bench/live-results.json.
//   node --expose-gc bench/live.mjs [--contacts N] [--events N] [--tracks N]

import { writeFileSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { Kraiter } from "kraiter-segments";
import { EVENT_NAMES, NOW, generateContacts, generateEvents } from "./dataset.mjs";
import { importAll } from "./engines/kraiter.mjs";
import { gc, median } from "./measure.mjs";
import { rng } from "./prng.mjs";
import { buildShapes } from "./shapes.mjs";

const { values: args } = parseArgs({
  options: {
    contacts: { type: "string", default: "1000000" },
    events: { type: "string", default: "10000000" },
    tracks: { type: "string", default: "301" },
    seed: { type: "string", default: "42" },
    counts: { type: "string", default: "1,20,100" },
    out: { type: "string", default: "bench/live-results.json" },
  },
});
const num = (s) => Number(String(s).replaceAll("_", ""));
const opts = { contacts: num(args.contacts), events: num(args.events), tracks: num(args.tracks), seed: num(args.seed), contactBatch: 25_000, eventBatch: 50_000 };
const counts = args.counts.split(",").map(num);
const log = (...a) => console.error(...a);

const contacts = generateContacts(opts.seed, opts.contacts);
const dataset = { contacts, events: [...generateEvents(opts.seed, opts.contacts, opts.events)], now: NOW, seed: opts.seed };
const clock = { now: NOW };
const t0 = performance.now();
const { k } = await importAll(dataset, opts, Kraiter, () => clock.now);
log(`imported ${opts.contacts} contacts / ${opts.events} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
dataset.events = null;
gc();

const rand = rng(opts.seed + 7);
/** One track of a random existing contact, now, like a live site's next event. */
async function trackOne() {
  const c = contacts[Math.floor(rand() * contacts.length)];
  const name = EVENT_NAMES[Math.floor(rand() * EVENT_NAMES.length)];
  const record = { name, email: c.email };
  if (name === "purchase") record.properties = { category: "shoes", amount: 20 + Math.floor(rand() * 40) };
  const t = performance.now();
  await k.events.track(record);
  return performance.now() - t;
}
/** Median (and p99, max: a merge of a name's tail, and the per-contact order rebuilt after it, land on one call). */
const tails = {};
async function trackMedian(key) {
  for (let i = 0; i < 20; i++) await trackOne(); // warm-up: per-contact indexes are built on first use
  const ms = [];
  for (let i = 0; i < opts.tracks; i++) ms.push(await trackOne());
  const sorted = [...ms].sort((a, b) => a - b);
  tails[key] = { p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))], max: sorted.at(-1) };
  return median(ms);
}

// The nine shapes its figures have always been measured with (property … sum-amount),
// so "+N ms with 20 live segments" stays comparable across runs.
const shapes = buildShapes({ seed: opts.seed, contacts: opts.contacts }).slice(0, 9);
const result = { machine: { cpus: os.cpus().length, load: os.loadavg() }, dataset: { contacts: opts.contacts, events: opts.events }, track: {}, live: [], nextChange: {}, wake: null, feed: null };
result.track.none = await trackMedian("none");
log(`track, no live segments: ${result.track.none.toFixed(3)} ms median`);

const live = [];
for (const n of counts) {
  while (live.length < n) {
    const shape = shapes[live.length % shapes.length];
    const t = performance.now();
    const s = await k.segments.create({ name: `live ${live.length} ${shape.id}`, rules: shape.rules, live: true });
    const ms = performance.now() - t;
    live.push({ id: s.id, shape: shape.id });
    if (live.length <= shapes.length) result.live.push({ shape: shape.id, makeLiveMs: ms, members: s.memberCount, nextChangeAt: s.nextChangeAt });
  }
  gc();
  const ms = await trackMedian(n);
  result.track[n] = ms;
  log(`track, ${n} live segments: ${ms.toFixed(3)} ms median (+${(ms - result.track.none).toFixed(3)} ms)`);
}

for (const { id, shape } of live.slice(0, shapes.length)) {
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    k._debugQuery("debug.nextChange", { id });
    runs.push(performance.now() - t);
  }
  result.nextChange[shape] = median(runs);
}
log(`nextChangeAt scan per shape (ms): ${JSON.stringify(result.nextChange)}`);

const wakeAt = k.nextWakeAt();
if (wakeAt !== null) {
  clock.now = wakeAt;
  const before = k._debugStats().changes;
  const t = performance.now();
  await k.applyDue();
  result.wake = { ms: performance.now() - t, at: new Date(wakeAt).toISOString(), changes: k._debugStats().changes - before, liveSegments: live.length };
  log(`one wake at ${result.wake.at}: ${result.wake.ms.toFixed(2)} ms for ${live.length} live segments, ${result.wake.changes} changes`);
}
result.trackTails = tails;
const stats = k._debugStats();
result.feed = { retainedChanges: stats.changes, residentBytesPerChange: 32, storedBytesPerChange: "≈29 (src/engine/feed.rs test)" };
await k.close();

const extra = (n) => result.track[n] - result.track.none;
console.log("\nLive segments (medians)");
const tail = (k) => `p99 ${tails[k].p99.toFixed(2)} ms, max ${tails[k].max.toFixed(1)} ms`;
console.log(`  events.track, no live segments     ${result.track.none.toFixed(3)} ms  (${tail("none")})`);
for (const n of counts) console.log(`  events.track, ${String(n).padStart(3)} live segments      ${result.track[n].toFixed(3)} ms  (+${extra(n).toFixed(3)} ms; target for 20: ≤ 1 ms; ${tail(n)})`);
console.log("  making a segment live (whole evaluation, first feed, nextChangeAt):");
for (const l of result.live) console.log(`    ${l.shape.padEnd(16)} ${l.makeLiveMs.toFixed(1).padStart(8)} ms  ${String(l.members).padStart(8)} members  next ${l.nextChangeAt ?? "never"}`);
console.log("  one nextChangeAt scan:");
for (const [shape, ms] of Object.entries(result.nextChange)) console.log(`    ${shape.padEnd(16)} ${ms.toFixed(2).padStart(8)} ms`);
if (result.wake) console.log(`  one wake (${result.wake.liveSegments} live segments, ${result.wake.changes} changes): ${result.wake.ms.toFixed(2)} ms`);
console.log(`  feed: ${result.feed.retainedChanges} changes retained, 32 B each resident, ≈29 B stored`);
writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
