// The reopen part of the in-browser benchmark (bench/browser.mjs): a
// database of `contacts` / `events` built once in Node through the SDK
// (cached in bench/.cache, keyed by size, seed and wasm build), written into
// IndexedDB in Chromium with a persistent profile (storage on disk) through
// js/storage/indexeddb.js, then reopened `runs` times, each on a fresh page:
// openInWorker until the first preview answers (the headline), and the same
// steps one by one in a worker (bench/browser/reopen-worker.js).

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Kraiter } from "kraiter-segments";
import { openChromium } from "../tests/browser/chromium.mjs";
import { NOW, generateContacts, generateEvents } from "./dataset.mjs";
import { importAll } from "./engines/kraiter-sdk.mjs";
import { median } from "./measure.mjs";
import { buildShapes } from "./shapes.mjs";

const CACHE = fileURLToPath(new URL("./.cache/", import.meta.url));

export const wasmDigest = () => createHash("sha256").update(readFileSync(new URL("../js/wasm/kraiter_segments_bg.wasm", import.meta.url))).digest("hex").slice(0, 16);

/** The snapshot file (under bench/.cache) and what Node's instance answered for the probe rules. */
async function snapshotFor({ seed, contacts, events, rules, log }) {
  const base = `reopen-${contacts}-${events}-s${seed}-${wasmDigest()}`;
  const file = join(CACHE, `${base}.bin`);
  const metaFile = join(CACHE, `${base}.json`);
  if (existsSync(file) && existsSync(metaFile)) return { file: `${base}.bin`, ...JSON.parse(readFileSync(metaFile, "utf8")) };
  log(`reopen: building ${contacts} contacts / ${events} events in Node through the SDK (cached for later runs)…`);
  const t = performance.now();
  const dataset = { contacts: generateContacts(seed, contacts), events: [...generateEvents(seed, contacts, events)], now: NOW, seed };
  const { k } = await importAll(dataset, { contactBatch: 25_000, eventBatch: 50_000 }, Kraiter);
  const expected = (await k.segments.preview(rules, { limit: 10 })).count;
  const snapshot = await k._debugSnapshot();
  const stats = k._debugStats();
  await k.close();
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(`${file}.tmp`, snapshot);
  renameSync(`${file}.tmp`, file);
  const meta = { expected, stats, bytes: snapshot.byteLength, buildMs: performance.now() - t };
  writeFileSync(metaFile, JSON.stringify(meta));
  log(`reopen: built in ${(meta.buildMs / 1000).toFixed(0)} s, snapshot ${(snapshot.byteLength / 1e6).toFixed(1)} MB`);
  return { file: `${base}.bin`, ...meta };
}

export async function measureReopen({ seed, contacts, events, runs, log }) {
  const rules = buildShapes({ seed, contacts }).find((s) => s.id === "property").rules;
  const snap = await snapshotFor({ seed, contacts, events, rules, log });
  const profile = mkdtempSync(join(tmpdir(), "kraiter-reopen-profile-"));
  const chrome = await openChromium({ userDataDir: profile });
  const name = `bench-reopen-${Date.now()}`;
  const fresh = async () => {
    const page = await chrome.context.newPage();
    page.on("pageerror", (e) => log(`reopen page error: ${e.stack ?? e}`));
    await page.goto(`${chrome.url}/bench/browser/reopen.html`);
    await page.waitForFunction(() => window.benchReady === true);
    return page;
  };
  try {
    let page = await fresh();
    const filled = await page.evaluate(({ name, url }) => window.reopen.fill(name, url), { name, url: `/bench/.cache/${snap.file}` });
    await page.close();
    log(`reopen: IndexedDB "${name}" holds the ${(filled.bytes / 1e6).toFixed(1)} MB snapshot (written in ${(filled.writeMs / 1000).toFixed(1)} s)`);
    const opens = [];
    const steps = [];
    for (let r = 0; r < runs; r++) {
      page = await fresh();
      opens.push(await page.evaluate(({ name, rules, now }) => window.reopen.timeOpen(name, rules, now), { name, rules, now: NOW }));
      await page.close();
      page = await fresh();
      steps.push(await page.evaluate(({ name, rules, now }) => window.reopen.breakdown(name, rules, now), { name, rules, now: NOW }));
      await page.close();
      log(`reopen run ${r + 1}: ${opens[r].totalMs.toFixed(0)} ms to the first preview (${opens[r].count} members); step by step: read ${steps[r].readMs.toFixed(0)} ms, restore ${steps[r].restoreMs.toFixed(0)} ms`);
    }
    page = await fresh();
    await page.evaluate((name) => new Promise((done) => { const r = indexedDB.deleteDatabase(name); r.onsuccess = r.onerror = done; }), name);
    await page.close();
    const med = (xs, key) => median(xs.map((x) => x[key]));
    const counts = [...opens, ...steps].map((o) => o.count);
    return {
      contacts, events, runs, snapshotBytes: snap.bytes, writeMs: filled.writeMs, expected: snap.expected, counts,
      agrees: counts.every((c) => c === snap.expected),
      totalMs: med(opens, "totalMs"),
      openedMs: med(opens, "openedMs"),
      breakdown: Object.fromEntries(["workerStartMs", "wasmMs", "readMs", "zoneScanMs", "handoverMs", "restoreMs", "previewMs", "totalMs", "memoryBytes"].map((k) => [k, med(steps, k)])),
      opens,
      steps,
    };
  } finally {
    await chrome.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
