// Reopening a stored database in the page (bench/browser.mjs drives it):
// put a snapshot built in Node into IndexedDB through the SDK's adapter,
// then, on a fresh page each time, time openInWorker on it until the first
// preview answers (what an app does on load), or the same steps one by one
// in reopen-worker.js for the breakdown.
import { openInWorker } from "../../js/browser-client.js";
import { indexedDBStorage } from "../../js/storage/indexeddb.js";

const wallClock = () => performance.timeOrigin + performance.now();

/** Writes the snapshot at `url` (served by the bench's own server) as database `name`'s only content. */
export async function fill(name, url) {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const storage = indexedDBStorage(name);
  const t = performance.now();
  await storage.compact(bytes);
  const ms = performance.now() - t;
  const check = await storage.load();
  await storage.close();
  if (check.snapshot?.byteLength !== bytes.byteLength || check.log.length) throw new Error(`IndexedDB "${name}" holds ${check.snapshot?.byteLength} bytes and ${check.log.length} log entries after the write`);
  return { bytes: bytes.byteLength, writeMs: ms };
}

/** openInWorker on database `name` until a first preview of `rules` answers; closes the worker. */
export async function timeOpen(name, rules, now) {
  const t0 = performance.now();
  const k = await openInWorker({ storageName: name, now });
  const openedMs = performance.now() - t0;
  const { count } = await k.segments.preview(rules, { limit: 10 });
  const totalMs = performance.now() - t0;
  const stats = await k.stats();
  await k.close();
  return { openedMs, totalMs, count, contacts: stats.contacts, events: stats.events };
}

/** A message to a fresh reopen-worker.js and its answer, with the worker's start-up measured from here. */
function inWorker(message) {
  const started = wallClock();
  const worker = new Worker(new URL("./reopen-worker.js", import.meta.url), { type: "module" });
  return new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => {
      worker.terminate();
      if (data.error) reject(new Error(data.error));
      else resolve({ ...data, workerStartMs: data.workerStartedAt - started, totalMs: wallClock() - started });
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(e.message || "reopen-worker failed to load"));
    };
    worker.postMessage(message);
  });
}

/** The breakdown: reopen-worker.js's steps, then the hand-over of as many bytes to wasm in another fresh worker. */
export async function breakdown(name, rules, now) {
  const steps = await inWorker({ name, rules, now });
  const { handoverMs } = await inWorker({ now, handoverBytes: steps.snapshotBytes });
  return { ...steps, handoverMs };
}
