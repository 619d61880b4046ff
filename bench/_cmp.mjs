import { Kraiter } from "kraiter-segments";
import { generateContacts, generateEvents, EVENT_NAMES, NOW } from "/work/main/bench/dataset.mjs";
const n = +process.argv[2] || 200000, m = +process.argv[3] || 1000000;
const contacts = generateContacts(42, n);
const k = await Kraiter.open({ now: () => NOW });
for (let s = 0; s < n; s += 25000) await k.contacts.import(contacts.slice(s, s + 25000));
for (const b of generateEvents(42, n, m)) {
  const recs = [];
  for (let j = 0; j < b.contact.length; j++) recs.push({ name: EVENT_NAMES[b.name[j]], email: contacts[b.contact[j]].email, timestamp: new Date(b.ts[j]).toISOString() });
  await k.events.import(recs);
}
await k.compact();
const shape = { operator: "and", conditions: [{ field: "events.login", op: "not_occurred", within: "14d" }] };
const seg = await k.segments.create({ name: "x", rules: shape });
await k.segments.compute(seg.id); await k.segments.waitForCompute(seg.id);
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
const pv = [], cp = [];
for (let r = 0; r < 200; r++) { let t = performance.now(); await k.segments.preview(shape, { limit: 10 }); pv.push(performance.now() - t);
  t = performance.now(); await k.segments.compute(seg.id); await k.segments.waitForCompute(seg.id); cp.push(performance.now() - t); }
console.log(`not-occurred preview ${med(pv).toFixed(2)} compute ${med(cp).toFixed(2)}`);
