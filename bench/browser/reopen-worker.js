// The reopen breakdown, in a module worker like the app's: the steps of
// Kraiter.open({ storage: indexedDBStorage(name) }) one after another
// instead of overlapped, each timed: wasm start-up (an empty open), the
// IndexedDB read, the scan for zone names, a plain copy of the snapshot's
// size (what handing it to wasm costs at least), restore (decode, checks,
// indexes: one wasm call, the rest of the open), and the first preview.
import { Kraiter } from "../../js/browser.js";
import { indexedDBStorage } from "../../js/storage/indexeddb.js";
import { mentionsZone } from "../../js/zones.js";

const workerStartedAt = performance.timeOrigin + performance.now();

self.onmessage = async ({ data: { name, rules, now } }) => {
  try {
    const clock = () => now;
    let t = performance.now();
    await (await Kraiter.open({ now: clock })).close();
    const wasmMs = performance.now() - t;

    const inner = indexedDBStorage(name);
    const read = {};
    const storage = {
      ...inner,
      async load() {
        const t0 = performance.now();
        const loaded = await inner.load();
        Object.assign(read, { ms: performance.now() - t0, snapshot: loaded.snapshot, logEntries: loaded.log.length });
        return loaded;
      },
    };
    t = performance.now();
    const k = await Kraiter.open({ storage, now: clock });
    const openMs = performance.now() - t;

    t = performance.now();
    const zones = mentionsZone(read.snapshot);
    const zoneScanMs = performance.now() - t;
    t = performance.now();
    new Uint8Array(read.snapshot.byteLength).set(read.snapshot);
    const copyMs = performance.now() - t;

    t = performance.now();
    const { count } = await k.segments.preview(rules, { limit: 10 });
    const previewMs = performance.now() - t;
    const memoryBytes = k._debugMemoryBytes();
    await k.close();
    self.postMessage({
      workerStartedAt, wasmMs, readMs: read.ms, snapshotBytes: read.snapshot?.byteLength ?? 0, logEntries: read.logEntries,
      zoneScanMs, zones, copyMs, restoreMs: openMs - read.ms - zoneScanMs, openMs, previewMs, count, memoryBytes,
    });
  } catch (err) {
    self.postMessage({ error: String(err?.stack ?? err) });
  }
};
