// Where does a slow shape spend its time in our engine? Loads the benchmark
// dataset into kraiter (through the SDK, as `npm run bench` does), then
// times `preview` for every group and condition of one shape on its own
// (median of --runs) and one compute (bench/condition-times.mjs, the same
// function the bench runs for every shape that misses a target), so a
// regression or a slow operator shows up by name. Usage:
//   node bench/breakdown.mjs --shape nested --contacts 100000 --events 1000000

import { parseArgs } from "node:util";
import { Kraiter } from "kraiter-segments";
import { breakdown, breakdownLines } from "./condition-times.mjs";
import { NOW, generateContacts, generateEvents } from "./dataset.mjs";
import { importAll } from "./engines/kraiter.mjs";
import { resolveRefs } from "./segment-refs.mjs";
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

const dataset = { contacts: generateContacts(seed, n), events: generateEvents(seed, n, m), now: NOW };
const { k } = await importAll(dataset, { contactBatch: 25_000, eventBatch: 50_000 }, Kraiter);
const b = await breakdown(k, await resolveRefs(k, shape), { runs });
console.log(breakdownLines(`${shape.id} at ${n} contacts, ${m} events: median of ${runs}`, b).join("\n"));
await k.close();
