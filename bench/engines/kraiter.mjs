// Our engine, driven only through the public SDK (kraiter-segments): bulk
// import throughput, preview and compute latency, plus the debug hooks for
// wasm linear memory and snapshot size / restore time.

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Kraiter } from "kraiter-segments";
import { breakdown } from "../condition-times.mjs";
import { median, repeat } from "../measure.mjs";
import { resolveRefs } from "../segment-refs.mjs";
import { usesEventFilters } from "../shapes.mjs";
import { importAll, sdkEngine } from "./kraiter-sdk.mjs";

export { importAll };

/** Restores in fresh processes (fresh wasm memory, as a reopened tab): [{ importMs, openMs, memoryBytes }]. */
function coldRestores(snapshot, now, runs) {
  const dir = mkdtempSync(join(tmpdir(), "kraiter-snapshot-"));
  try {
    const file = join(dir, "snapshot.bin");
    writeFileSync(file, snapshot);
    const child = fileURLToPath(new URL("../restore-child.mjs", import.meta.url));
    const out = [];
    for (let r = 0; r < runs; r++) {
      const line = execFileSync(process.execPath, ["--max-old-space-size=8192", child, file, String(now)], { encoding: "utf8" });
      out.push(JSON.parse(line.trim().split("\n").pop()));
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A storage adapter whose load() hands back one snapshot and an empty log. */
function snapshotStorage(snapshot) {
  return {
    load: async () => ({ snapshot, log: [] }),
    append: async () => {},
    compact: async () => {},
    close: async () => {},
  };
}

/**
 * `build` is this package by default; `engines/index.mjs` passes another
 * build's `Kraiter` as `kraiter-other`, to time two builds round-robin in
 * one process (the only A/B this machine's noise does not swamp).
 */
export async function createEngine({ dataset, opts }, build = { Kraiter, name: "kraiter" }) {
  const { contacts, now } = dataset;
  const engine = sdkEngine({ dataset, opts }, build);
  const eventCount = dataset.events.reduce((a, b) => a + b.contact.length, 0);
  return {
    ...engine,
    /** Where the time of one shape goes (bench/condition-times.mjs), on this loaded instance. */
    async breakdown(shape, { runs, limit }) {
      return breakdown(engine.k, await resolveRefs(engine.k, shape), { runs, limit });
    },
    /** Snapshot size and restore time; the restored engine must answer like the original. */
    async extra({ shapes, runs, budgetMs }) {
      const k = engine.k;
      if (typeof k._debugSnapshot !== "function") return { snapshot: null, note: "k._debugSnapshot() missing" };
      if (build.Kraiter !== Kraiter) return { snapshot: null, note: "snapshots are measured for this package's build only" };
      const t = performance.now();
      const snapshot = await k._debugSnapshot();
      const snapshotMs = performance.now() - t;
      // The nested shape, and every shape reading event properties (they must survive too).
      // (Inlined: the restored instance has no saved segments to reference.)
      const probes = [...new Set([shapes.find((s) => s.id === "nested") ?? shapes[shapes.length - 1], ...shapes.filter((s) => usesEventFilters(s.rules))])];
      const expected = [];
      for (const probe of probes) expected.push((await k.segments.preview(probe.peerRules, { limit: 1 })).count);
      const restore = await repeat(
        async () => {
          const t0 = performance.now();
          const k2 = await Kraiter.open({ storage: snapshotStorage(snapshot), now: () => now });
          const ms = performance.now() - t0;
          for (const [i, probe] of probes.entries()) {
            const got = (await k2.segments.preview(probe.peerRules, { limit: 1 })).count;
            if (got !== expected[i]) throw new Error(`kraiter: restored snapshot counts ${got} for ${probe.id}, original ${expected[i]}`);
          }
          await k2.close();
          return ms;
        },
        { runs, budgetMs },
      );
      const cold = coldRestores(snapshot, now, Math.min(runs, 3));
      return {
        snapshot: {
          bytes: snapshot.byteLength,
          bytesPerContact: snapshot.byteLength / contacts.length,
          bytesPerEvent: eventCount ? snapshot.byteLength / eventCount : null,
          snapshotMs,
          restoreMs: median(restore.results),
          restoreRuns: restore.results,
          coldRestoreMs: median(cold.map((c) => c.openMs)),
          coldRestoreRuns: cold,
          coldRestoreWasmBytes: cold[0]?.memoryBytes ?? null,
        },
        stats: typeof k._debugStats === "function" ? k._debugStats() : null,
      };
    },
  };
}
