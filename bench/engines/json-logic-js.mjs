// Peer: json-logic-js (the reference JSON Logic interpreter) evaluating the
// translated rules (bench/translate-jsonlogic.mjs) once per contact.

import jsonLogic from "json-logic-js";
import { buildLastEventIndex } from "../event-index.mjs";
import { supportsBy } from "../inexpressible.mjs";
import { customOps, jsonLogicContexts, toJsonLogic } from "../translate-jsonlogic.mjs";
import { scanPreview, scanCompute } from "./scan.mjs";

export async function createEngine({ dataset }) {
  const { contacts, now } = dataset;
  for (const [name, fn] of Object.entries(customOps)) jsonLogic.add_operation(name, fn);
  let contexts;
  return {
    name: "json-logic-js",
    async load() {
      const t = performance.now();
      contexts = jsonLogicContexts(contacts, buildLastEventIndex(dataset.events, contacts.length, now));
      return { ms: performance.now() - t, note: "builds the last-event index and per-contact data objects" };
    },
    supports: supportsBy((shape) => toJsonLogic(shape.peerRules, now)),
    async prepare(shape) {
      const logic = toJsonLogic(shape.peerRules, now);
      return (ctx) => jsonLogic.apply(logic, ctx);
    },
    preview: (fn, limit) => scanPreview(fn, contexts, limit),
    compute: (fn) => scanCompute(fn, contexts),
    async close() {
      contexts = null;
    },
  };
}
