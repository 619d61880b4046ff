// The reopen breakdown, in a module worker like the app's: the steps of
// Kraiter.open({ storage: indexedDBStorage(name) }) one after another
// instead of overlapped, each timed: wasm start-up (an empty open), the
// IndexedDB read, the scan for zone names, restore (copy into wasm, decode,
// checks, indexes: one wasm call, the rest of the open), and the first
// preview. With `handover` instead, in a fresh worker: only what handing
// that many bytes to wasm costs (malloc, growing linear memory, the copy),
// the part of restore the glue does before the wasm call.
import { Kraiter } from "../../js/browser.js";
import init from "../../js/wasm/kraiter_segments.js";
import { indexedDBStorage } from "../../js/storage/indexeddb.js";
import { mentionsZone } from "../../js/zones.js";

const workerStartedAt = performance.timeOrigin + performance.now();

/** Milliseconds to pass `bytes` bytes into fresh wasm memory as Engine.restore's glue does. */
async function handover(bytes, now) {
  await (await Kraiter.open({ now: () => now })).close();
  const wasm = await init(); // the instance the open started
  const src = new Uint8Array(bytes).fill(7);
  const t = performance.now();
  const ptr = wasm.__wbindgen_malloc(bytes, 1) >>> 0;
  new Uint8Array(wasm.memory.buffer, ptr, bytes).set(src);
  const ms = performance.now() - t;
  wasm.__wbindgen_free(ptr, bytes, 1);
  return ms;
}

self.onmessage = async ({ data: { name, rules, now, handoverBytes } }) => {
  try {
    if (handoverBytes) {
      self.postMessage({ handoverMs: await handover(handoverBytes, now) });
      return;
    }
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
    const { count } = await k.segments.preview(rules, { limit: 10 });
    const previewMs = performance.now() - t;
    const memoryBytes = k._debugMemoryBytes();
    await k.close();
    self.postMessage({
      workerStartedAt, wasmMs, readMs: read.ms, snapshotBytes: read.snapshot?.byteLength ?? 0, logEntries: read.logEntries,
      zoneScanMs, zones, restoreMs: openMs - read.ms - zoneScanMs, openMs, previewMs, count, memoryBytes,
    });
  } catch (err) {
    self.postMessage({ error: String(err?.stack ?? err) });
  }
};
