// Where does a slow shape spend its time in our engine? Loads the benchmark
// dataset into kraiter, then times `preview` for every group and condition
// of one shape on its own (median of --runs), so a regression or a slow
// operator shows up by name. Usage:
//   node bench/breakdown.mjs --shape nested --contacts 100000 --events 1000000

import { parseArgs } from "node:util";
import { Kraiter } from "kraiter-segments";
import { EVENT_NAMES, NOW, generateContacts, generateEvents } from "./dataset.mjs";
import { eventProperties } from "./event-properties.mjs";
import { median } from "./measure.mjs";
import { buildShapes } from "./shapes.mjs";

const { values: a } = parseArgs({
  options: {
    shape: { type: "string", default: "nested" },
    contacts: { type: "string", default: "100000" },
    events: { type: "string", default: "1000000" },
    runs: { type: "string", default: "5" },
    seed: { type: "string", default: "42" },
  },
});
const [n, m, runs, seed] = [a.contacts, a.events, a.runs, a.seed].map((x) => Number(x.replaceAll("_", "")));
const shape = buildShapes({ seed, contacts: n }).find((s) => s.id === a.shape);
if (!shape) throw new Error(`no shape ${a.shape}`);

const contacts = generateContacts(seed, n);
const k = await Kraiter.open({ now: () => NOW });
for (let s = 0; s < n; s += 25_000) await k.contacts.import(contacts.slice(s, s + 25_000));
for (const b of generateEvents(seed, n, m)) {
  const recs = [];
  for (let j = 0; j < b.contact.length; j++) {
    const rec = { name: EVENT_NAMES[b.name[j]], email: contacts[b.contact[j]].email, timestamp: new Date(b.ts[j]).toISOString() };
    const properties = eventProperties(b, j);
    if (properties) rec.properties = properties;
    recs.push(rec);
  }
  await k.events.import(recs);
}

const label = (c) => {
  if (c.having) return `${c.field} ${c.op} ${c.within ?? ""} ${c.where ? "where … " : ""}having ${c.having.fn}${c.having.property ? `(${c.having.property})` : ""} ${c.having.op} ${c.having.value}`;
  const v = c.within ?? (Array.isArray(c.value) ? `[${c.value.length} values]` : c.value === undefined ? "" : JSON.stringify(c.value));
  return `${c.field} ${c.op} ${v}`;
};
const parts = [];
const walk = (node, depth) => {
  if (Array.isArray(node)) return walk({ operator: "and", conditions: node }, depth);
  if (node.operator) {
    parts.push([`${"  ".repeat(depth)}${node.operator} (${node.conditions.length})`, node]);
    node.conditions.forEach((c) => walk(c, depth + 1));
  } else parts.push([`${"  ".repeat(depth)}${label(node)}`, [node]]);
};
walk(shape.rules, 0);

console.log(`${shape.id} at ${n} contacts, ${m} events: preview median of ${runs}`);
for (const [text, rules] of parts) {
  await k.segments.preview(rules, { limit: 10 });
  const times = [];
  let count;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    count = (await k.segments.preview(rules, { limit: 10 })).count;
    times.push(performance.now() - t);
  }
  console.log(`${median(times).toFixed(2).padStart(9)} ms ${String(count).padStart(9)}  ${text}`);
}
await k.close();
