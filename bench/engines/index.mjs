// The engines the benchmark knows, loaded lazily so one missing (say, the SDK
// before it is built) does not stop the others when named out with --only.

export const ENGINES = {
  kraiter: () => import("./kraiter.mjs"),
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
