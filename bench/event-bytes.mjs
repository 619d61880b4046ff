// Bytes per event held in the engine with 0, 2 and 5 properties per event
// (README "Performance"; target ≤ 12 B + ≤ 4 B per property present). Each
// case imports the same events into a fresh instance and reads the engine's
// own heap estimate, so the figure is the resident index, not JS objects.
//   node bench/event-bytes.mjs [--events 1000000]
import { Kraiter } from "../js/node.js";
import { rng } from "./prng.mjs";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const EVENTS = arg("events", 1_000_000);
const CONTACTS = Math.max(1, Math.floor(EVENTS / 10));
const NOW = Date.parse("2025-09-15T10:00:00Z");
const CATEGORIES = ["shoes", "hats", "coats", "bags", "socks", "belts"];

/** The properties of event i: none, two (category, amount) or five. */
function props(count, r) {
  if (count === 0) return undefined;
  const p = { category: CATEGORIES[Math.floor(r() * CATEGORIES.length)], amount: Math.round(r() * 50_000) / 100 };
  if (count === 5) Object.assign(p, { currency: r() < 0.8 ? "EUR" : "USD", quantity: 1 + Math.floor(r() * 5), coupon: r() < 0.1 });
  return p;
}

export async function eventBytes(count, events = EVENTS) {
  const kraiter = await Kraiter.open({ now: () => NOW });
  const r = rng(42);
  await kraiter.contacts.import(Array.from({ length: CONTACTS }, (_, i) => ({ email: `c${i}@x.io` })));
  const before = kraiter._debugStats().heapBytes;
  const BATCH = 50_000;
  for (let start = 0; start < events; start += BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(events, start + BATCH); i++) {
      batch.push({ name: "purchase", email: `c${i % CONTACTS}@x.io`, timestamp: NOW - Math.floor(r() * 730 * 86_400_000), properties: props(count, r) });
    }
    await kraiter.events.import(batch);
  }
  await kraiter.segments.preview([{ field: "events.purchase", op: "occurred" }], { limit: 0 }); // merges the tails
  const bytes = (kraiter._debugStats().heapBytes - before) / events;
  await kraiter.close();
  return bytes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const count of [0, 2, 5]) {
    const bytes = await eventBytes(count);
    const target = 12 + 4 * count;
    console.log(`${count} properties: ${bytes.toFixed(2)} B/event (target ≤ ${target}) over ${EVENTS} events`);
  }
}
