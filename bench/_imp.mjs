import { Kraiter } from "kraiter-segments";
import { EVENT_NAMES, NOW, generateContacts, generateEvents } from "/work/main/bench/dataset.mjs";
import { eventProperties } from "/work/main/bench/event-properties.mjs";
const n = +process.argv[2] || 100000, m = +process.argv[3] || 1000000;
const contacts = generateContacts(42, n);
const k = await Kraiter.open({ now: () => NOW });
let t = performance.now(), str = 0;
for (let s = 0; s < n; s += 25000) { const b = contacts.slice(s, s + 25000); const t1 = performance.now(); JSON.stringify({cmd:"x", input:{contacts:b}}); str += performance.now() - t1; await k.contacts.import(b); }
const ct = performance.now() - t - str;
console.log(`contacts: ${(n / ct * 1000 / 1000).toFixed(0)}k/s total ${ct.toFixed(0)} ms, stringify ${str.toFixed(0)} ms`);
let et = 0, es = 0, cnt = 0;
for (const b of generateEvents(42, n, m)) {
  let recs = [];
  for (let j = 0; j < b.contact.length; j++) {
    const rec = { name: EVENT_NAMES[b.name[j]], email: contacts[b.contact[j]].email, timestamp: new Date(b.ts[j]).toISOString() };
    const p = eventProperties(b, j); if (p) rec.properties = p; recs.push(rec);
  }
  for (let s = 0; s < recs.length; s += 50000) {
    const r = recs.slice(s, s + 50000);
    const t1 = performance.now(); JSON.stringify({cmd:"x", input:{events:r}}); es += performance.now() - t1;
    const t2 = performance.now(); await k.events.import(r); et += performance.now() - t2; cnt += r.length;
  }
}
console.log(`events: ${(cnt / et).toFixed(0)}k/s total ${et.toFixed(0)} ms, stringify ${es.toFixed(0)} ms`);
const shape = { operator: "and", conditions: [{ field: "events.login", op: "not_occurred", within: "14d" }] };
const seg = await k.segments.create({ name: "x", rules: shape });
const pv = [], cp = [];
for (let r = 0; r < 7; r++) { let t = performance.now(); await k.segments.preview(shape, { limit: 10 }); pv.push(performance.now() - t);
  t = performance.now(); await k.segments.compute(seg.id); await k.segments.waitForCompute(seg.id); cp.push(performance.now() - t); }
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
console.log(`not-occurred preview ${med(pv).toFixed(2)} compute ${med(cp).toFixed(2)}`, cp.map(x=>x.toFixed(1)).join(" "));
