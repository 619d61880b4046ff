// The page's main thread during a 1M-contact compute, in headless Chromium:
// the longest task (PerformanceObserver "longtask", anything over 50 ms) and
// the longest gap between animation frames, while a segment is computed and
// previewed with the Kraiter in a module worker (openInWorker). For contrast
// it then runs the same compute with the Kraiter on the main thread.
//   node bench/main-thread.mjs [contacts=1000000] [--no-contrast]
import { openChromium } from "../tests/browser/chromium.mjs";

const contacts = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const contrast = !process.argv.includes("--no-contrast");
const chrome = await openChromium();
const { page } = chrome;
page.setDefaultTimeout(0);

const RULES = {
  operator: "and",
  conditions: [
    { field: "properties.plan", op: "in", value: ["pro", "enterprise"] },
    { operator: "or", conditions: [
      { field: "events.login", op: "occurred", within: "7d" },
      { field: "properties.seats", op: "gte", value: 10 },
      { field: "email", op: "ends_with", value: "@example.com" },
    ] },
  ],
};

// Runs in the page: observes the main thread while `work` runs.
const WATCH = `
window.watchMainThread = async (work) => {
  const tasks = [];
  const t0 = performance.now();
  let t1 = Infinity;
  // Only tasks that start inside the window count (entries of earlier tasks can arrive late).
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.startTime >= t0 && e.startTime <= t1) tasks.push(e.duration);
  });
  observer.observe({ type: "longtask", buffered: true });
  let maxGap = 0, last = performance.now(), frames = 0, running = true;
  const tick = (t) => { maxGap = Math.max(maxGap, t - last); last = t; frames++; if (running) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  const result = await work();
  t1 = performance.now();
  const ms = t1 - t0;
  running = false;
  await new Promise((r) => setTimeout(r, 100)); // let the observer deliver
  observer.disconnect();
  return { result, ms, longTasks: tasks.length, longestTask: Math.max(0, ...tasks), maxFrameGap: maxGap, frames };
};`;

try {
  await page.addScriptTag({ content: WATCH });
  console.log(`generating ${contacts.toLocaleString("en")} contacts in a worker…`);
  const worker = await page.evaluate(async ({ contacts, RULES }) => {
    const { openInWorker } = await import("/js/browser-client.js");
    const k = await openInWorker({ storageName: null, worker: new URL("/www/worker.js", location.href) });
    window.k = k;
    const gen = await window.watchMainThread(() => k.task("generateDemo", { contacts, eventsPerContact: 3, seed: 42 }));
    const seg = await k.segments.create({ name: "bench", rules: RULES });
    const compute = await window.watchMainThread(async () => {
      await k.segments.compute(seg.id);
      return (await k.segments.waitForCompute(seg.id)).memberCount;
    });
    const preview = await window.watchMainThread(async () => {
      let n = 0;
      for (let i = 0; i < 5; i++) n = (await k.segments.preview(RULES, { limit: 10 })).count;
      return n;
    });
    await k.close();
    return { gen, compute, preview };
  }, { contacts, RULES });
  const line = (label, w) => console.log(`${label}: ${(w.ms / 1000).toFixed(2)} s, longest main-thread task ${w.longestTask.toFixed(0)} ms ` +
    `(${w.longTasks} over 50 ms), longest frame gap ${w.maxFrameGap.toFixed(0)} ms`);
  line("worker: generate + import", worker.gen);
  line(`worker: compute (${worker.compute.result.toLocaleString("en")} members)`, worker.compute);
  line("worker: 5 previews", worker.preview);

  if (contrast) {
    console.log("\nsame compute with the Kraiter on the main thread, for contrast…");
    const main = await page.evaluate(async ({ contacts, RULES }) => {
      const { Kraiter } = await import("/js/browser.js");
      const { generateDemo } = await import("/www/lib/demo-data.js");
      const k = await Kraiter.open();
      await generateDemo(k, { contacts, eventsPerContact: 3, seed: 42 });
      const seg = await k.segments.create({ name: "bench", rules: RULES });
      const compute = await window.watchMainThread(async () => {
        await k.segments.compute(seg.id);
        return (await k.segments.waitForCompute(seg.id)).memberCount;
      });
      await k.close();
      return compute;
    }, { contacts, RULES });
    line(`main thread: compute (${main.result.toLocaleString("en")} members)`, main);
  }
  const w = Math.max(worker.compute.longestTask, worker.preview.longestTask);
  console.log(`\nlongest main-thread task during the worker compute and previews: ${w.toFixed(0)} ms — target ≤ 50 ms: ${w <= 50 ? "met" : "NOT met"}`);
} finally {
  await chrome.close();
}
