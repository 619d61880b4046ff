// The engines the benchmark knows, loaded lazily so one missing (say, the SDK
// before it is built) does not stop the others when named out with --only.

import { pathToFileURL } from "node:url";

export const ENGINES = {
  kraiter: () => import("./kraiter.mjs"),
  // Another build, timed round-robin against this one in the same process:
  // KRAITER_OTHER=<other checkout>/js/node.js npm run bench -- --only kraiter,kraiter-other
  "kraiter-other": async () => {
    const path = process.env.KRAITER_OTHER;
    if (!path) throw new Error("kraiter-other needs KRAITER_OTHER=<another build's js/node.js>");
    const [m, { Kraiter }] = await Promise.all([import("./kraiter.mjs"), import(pathToFileURL(path).href)]);
    return { createEngine: (ctx) => m.createEngine(ctx, { Kraiter, name: "kraiter-other" }) };
  },
  "js-predicate": () => import("./js-predicate.mjs"),
  "json-logic-js": () => import("./json-logic-js.mjs"),
  "json-logic-engine": () => import("./json-logic-engine.mjs"),
  duckdb: () => import("./duckdb.mjs"),
  "duckdb-indexed": async () => {
    const m = await import("./duckdb.mjs");
    return { createEngine: (ctx) => m.createEngine(ctx, { indexed: true }) };
  },
};

/** The engine whose time every ratio divides by. */
export const BASELINE = "kraiter";
