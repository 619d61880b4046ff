// Peer under test in the browser: kraiter in a module Web Worker through
// openInWorker, driven by the same SDK-only engine as the Node bench
// (bench/engines/kraiter-sdk.mjs). Records cross to the worker by
// postMessage, as in an app; the load is the import calls' time.
import { openInWorker } from "../../js/browser-client.js";
import { sdkEngine } from "../engines/kraiter-sdk.mjs";

export function createEngine({ dataset, opts }) {
  const open = {};
  const Kraiter = {
    async open() {
      const t = performance.now();
      const k = await openInWorker({ storageName: null, now: dataset.now, worker: new URL("./kraiter-worker.js", import.meta.url) });
      open.ms = performance.now() - t;
      k._debugMemoryBytes = () => k.task("memoryBytes");
      return k;
    },
  };
  const engine = sdkEngine({ dataset, opts: { ...opts, importRuns: 1 } }, { Kraiter, name: "kraiter" });
  return {
    ...engine,
    async load() {
      const load = await engine.load();
      return { ...load, openMs: open.ms, note: "openInWorker (worker start, wasm) not included; see openMs" };
    },
    async memory() {
      const stats = await engine.k.stats();
      return { wasmBytes: await engine.k._debugMemoryBytes(), engineHeapBytes: stats.heapBytes ?? null };
    },
  };
}
