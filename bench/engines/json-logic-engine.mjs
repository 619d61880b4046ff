// Peer: json-logic-engine with its compiler (LogicEngine.build), the fast
// JSON Logic implementation, on the same translated rules and data objects.

import { LogicEngine } from "json-logic-engine";
import { buildLastEventIndex } from "../event-index.mjs";
import { supportsBy } from "../inexpressible.mjs";
import { customOps, jsonLogicContexts, toJsonLogic } from "../translate-jsonlogic.mjs";
import { scanPreview, scanCompute } from "./scan.mjs";

export async function createEngine({ dataset }) {
  const { contacts, now } = dataset;
  const engine = new LogicEngine();
  for (const [name, fn] of Object.entries(customOps)) {
    engine.addMethod(name, (args) => fn(...args), { deterministic: true });
  }
  let contexts;
  return {
    name: "json-logic-engine",
    async load() {
      const t = performance.now();
      contexts = jsonLogicContexts(contacts, buildLastEventIndex(dataset.events, contacts.length, now));
      return { ms: performance.now() - t, note: "builds the last-event index and per-contact data objects" };
    },
    supports: supportsBy((shape) => toJsonLogic(shape.peerRules, now)),
    async prepare(shape) {
      return engine.build(toJsonLogic(shape.peerRules, now));
    },
    preview: (fn, limit) => scanPreview(fn, contexts, limit),
    compute: (fn) => scanCompute(fn, contexts),
    async close() {
      contexts = null;
    },
  };
}
