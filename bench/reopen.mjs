// Reopen time of an IndexedDB database of 1M contacts and ~3M events in
// headless Chromium (target: at most 2 s). Fills a database once through
// the SDK on the page (www/lib/demo-data.js), then reloads the page several
// times and times Kraiter.open(indexedDBStorage(name)) from a cold page:
// wasm start-up, the IndexedDB read, and restore + log replay; then the
// same through openInWorker (worker start-up included), as the app does.
//   node bench/reopen.mjs [contacts=1000000] [runs=3]
import { openChromium } from "../tests/browser/chromium.mjs";

const contacts = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 3);
const name = `bench-reopen-${Date.now()}`;
const chrome = await openChromium();
const { page } = chrome;
page.setDefaultTimeout(0);

try {
  console.log(`filling IndexedDB "${name}" with ${contacts.toLocaleString("en")} contacts…`);
  const filled = await page.evaluate(async ({ name, contacts }) => {
    const { Kraiter, indexedDBStorage } = await import("/js/browser.js").then(async (m) => ({
      ...m, indexedDBStorage: m.indexedDBStorage ?? (await import("/js/storage/indexeddb.js")).indexedDBStorage }));
    const { generateDemo } = await import("/www/lib/demo-data.js");
    const t0 = performance.now();
    const k = await Kraiter.open({ storage: indexedDBStorage(name) });
    const r = await generateDemo(k, { contacts, eventsPerContact: 3, seed: 42 });
    const stats = k._debugStats();
    await k.close();
    return { ...r, stats, ms: performance.now() - t0 };
  }, { name, contacts });
  console.log(`filled in ${(filled.ms / 1000).toFixed(1)} s: ${JSON.stringify(filled.stats)}`);

  const results = [];
  for (let i = 0; i < runs; i++) {
    await page.reload(); // a cold page: no wasm, no JS state
    const r = await page.evaluate(async (name) => {
      const t0 = performance.now();
      const { Kraiter, indexedDBStorage } = await import("/js/browser.js").then(async (m) => ({
        ...m, indexedDBStorage: m.indexedDBStorage ?? (await import("/js/storage/indexeddb.js")).indexedDBStorage }));
      const inner = indexedDBStorage(name);
      const read = {};
      const storage = {
        ...inner,
        async load() {
          const t = performance.now();
          const state = await inner.load();
          Object.assign(read, {
            ms: performance.now() - t,
            snapshotBytes: state.snapshot?.byteLength ?? 0,
            logEntries: state.log.length,
            logBytes: state.log.reduce((n, e) => n + e.length, 0),
          });
          return state;
        },
      };
      const k = await Kraiter.open({ storage });
      const opened = performance.now() - t0;
      const t1 = performance.now();
      const { count } = await k.segments.preview({ operator: "and", conditions: [{ field: "properties.plan", op: "eq", value: "pro" }] }, { limit: 10 });
      const firstQuery = performance.now() - t1;
      const stats = k._debugStats();
      await k.close();
      // The app's path: the same database reopened inside a module worker.
      const { openInWorker } = await import("/js/browser-client.js");
      const t2 = performance.now();
      const w = await openInWorker({ storageName: name });
      const inWorker = performance.now() - t2;
      await w.close();
      return { opened, read, firstQuery, count, stats, inWorker };
    }, name);
    results.push(r);
    console.log(`run ${i + 1}: reopen ${r.opened.toFixed(0)} ms (IndexedDB read ${r.read.ms.toFixed(0)} ms: ` +
      `${(r.read.snapshotBytes / 1e6).toFixed(1)} MB snapshot + ${r.read.logEntries} log entries, ${(r.read.logBytes / 1e6).toFixed(1)} MB), ` +
      `first preview ${r.firstQuery.toFixed(0)} ms, ${r.stats.contacts.toLocaleString("en")} contacts / ${r.stats.events.toLocaleString("en")} events; ` +
      `in a worker (openInWorker) ${r.inWorker.toFixed(0)} ms`);
  }
  const sorted = results.map((r) => r.opened).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`\nreopen (median of ${runs}): ${(median / 1000).toFixed(2)} s — target ≤ 2 s: ${median <= 2000 ? "met" : "NOT met"}`);
} finally {
  await chrome.close();
}
