// The npm package as a browser user consumes it: `npm pack`, the tarball
// installed into fixture projects, and a page in real headless Chromium that
// imports "kraiter-segments" by name, runs the SDK on IndexedDB (contacts,
// segment create + compute, members), then reloads and finds the data still
// there. Twice: a static page with an import map (no bundler), and the same
// code through `vite build` (the "browser" exports condition, the wasm found
// via new URL(…, import.meta.url)). Served over http on 127.0.0.1, because
// IndexedDB needs an http origin.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM, hasChromium } from "../browser/chromium.mjs";
import { serveStatic } from "../../scripts/serve.mjs";
import { ROOT } from "../../scripts/lib/miniflare-options.mjs";
import { installFixture, packTarball, run, wasmFileIn, workspace } from "./helpers.mjs";

const skip = !hasChromium() ? `no Chromium at ${CHROMIUM}`
  : !existsSync(join(ROOT, "js/wasm/kraiter_segments_bg.wasm")) ? "js/wasm is not built (npm run build)" : false;

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

// The SDK run, shared by both fixtures. First load (empty database): seed and
// compute. Any later load: only read. Both report what the page sees.
const APP = `
import { Kraiter, KraiterError, indexedDBStorage } from "kraiter-segments";
const rules = { operator: "and", conditions: [
  { field: "properties.plan", op: "eq", value: "pro" },
  { operator: "or", conditions: [
    { field: "properties.seats", op: "gte", value: 10 },
    { field: "events.login", op: "occurred", within: "7d" },
  ] },
] };
window.result = (async () => {
  const kraiter = await Kraiter.open({ storage: indexedDBStorage("pkg-test") });
  try {
    let phase = "read";
    if ((await kraiter.segments.list({ limit: 10 })).data.length === 0) {
      phase = "seed";
      await kraiter.contacts.import([
        { email: "ann@example.com", properties: { plan: "pro", seats: 12 } },
        { email: "bob@example.com", properties: { plan: "free", seats: 1 } },
      ]);
      await kraiter.contacts.create({ email: "cy@example.com", properties: { plan: "pro", seats: 3 } });
      await kraiter.contacts.create({ email: "dee@example.com", properties: { plan: "pro", seats: 2 } });
      await kraiter.events.track({ name: "login", email: "cy@example.com" });
      const segment = await kraiter.segments.create({ name: "Active pro", rules });
      const queued = await kraiter.segments.compute(segment.id);
      if (queued.status !== "computing") throw new Error("compute returned " + JSON.stringify(queued));
      await kraiter.segments.waitForCompute(segment.id);
    }
    const segments = (await kraiter.segments.list({ limit: 10 })).data;
    const members = (await kraiter.segments.listMembers(segments[0].id, { limit: 10 })).data;
    const contacts = (await kraiter.contacts.list({ limit: 100 })).data;
    let notFound;
    try { await kraiter.segments.get("seg_01K00000000000000000000000"); } catch (e) { notFound = e; }
    return {
      phase,
      segments: segments.map((s) => ({ name: s.name, memberCount: s.memberCount, computed: s.computedAt !== null })),
      members: members.map((m) => ({ email: m.email, joinedAt: m.joinedAt })).sort((a, b) => a.email.localeCompare(b.email)),
      contacts: contacts.map((c) => c.email).sort(),
      preview: (await kraiter.segments.preview(rules)).count,
      error: { isKraiterError: notFound instanceof KraiterError, code: notFound?.code },
    };
  } finally {
    await kraiter.close();
  }
})().catch((e) => ({ failed: String(e?.stack ?? e), code: e?.code }));
`;

const STATIC_HTML = `<!doctype html>
<meta charset="utf-8">
<title>kraiter-segments, no bundler</title>
<script type="importmap">{"imports": {"kraiter-segments": "/node_modules/kraiter-segments/js/browser.js"}}</script>
<script type="module">${APP}</script>
`;

const VITE_HTML = `<!doctype html>
<meta charset="utf-8">
<title>kraiter-segments, vite</title>
<script type="module" src="/main.js"></script>
`;

const space = workspace("browser");
const staticApp = join(space.dir, "static");
const viteApp = join(space.dir, "vite");
let packedWasm;
let browser;

before(async () => {
  if (skip) return;
  const { tarball } = await packTarball(space.dir);
  const [staticPkg] = await Promise.all([
    installFixture(staticApp, tarball, { "index.html": STATIC_HTML }),
    installFixture(viteApp, tarball, { "index.html": VITE_HTML, "main.js": APP }),
  ]);
  packedWasm = readFileSync(wasmFileIn(staticPkg));
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
});
after(async () => {
  await browser?.close().catch(() => {});
  space.remove();
});

/**
 * Serves `root`, opens it in a fresh context (a new, empty IndexedDB), waits for
 * the page's result, reloads and waits again. Returns both results and the
 * wasm responses seen.
 */
async function loadTwice(root) {
  const server = await serveStatic(root);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors = [];
    const wasm = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("response", (r) => {
      const { pathname } = new URL(r.url());
      if (pathname.endsWith(".wasm")) wasm.push({ path: pathname, status: r.status(), type: r.headers()["content-type"] });
      if (r.status() >= 400 && pathname !== "/favicon.ico") errors.push(`${r.status()} ${pathname}`);
    });
    const result = async () => {
      await page.waitForFunction(() => window.result !== undefined, null, { timeout: 30_000 });
      return page.evaluate(() => window.result);
    };
    await page.goto(`${server.url}/`);
    const first = await result();
    await page.reload();
    const second = await result();
    assert.deepEqual(errors, [], "no page errors");
    return { first, second, wasm };
  } finally {
    await context.close().catch(() => {});
    await server.close();
  }
}

/** What the page must report on first load, and (same data, same joinedAt) after reload. */
function assertRuns({ first, second }) {
  assert.equal(first.failed, undefined, `first load failed: ${first.failed}`);
  assert.equal(second.failed, undefined, `reload failed: ${second.failed}`);
  const expected = {
    segments: [{ name: "Active pro", memberCount: 2, computed: true }],
    contacts: ["ann@example.com", "bob@example.com", "cy@example.com", "dee@example.com"],
    preview: 2,
    error: { isKraiterError: true, code: "NOT_FOUND" },
  };
  const { members: firstMembers, ...firstRest } = first;
  assert.deepEqual(firstRest, { phase: "seed", ...expected });
  assert.deepEqual(firstMembers.map((m) => m.email), ["ann@example.com", "cy@example.com"]);
  for (const m of firstMembers) assert.match(m.joinedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  // After reload the database was not empty: nothing was seeded again, and the
  // stored members (with their joinedAt) came back from IndexedDB.
  assert.deepEqual(second, { phase: "read", members: firstMembers, ...expected });
}

test("no bundler: a static page with an import map imports the package by name, persists in IndexedDB across a reload", { skip, timeout: 60_000 }, async () => {
  const loaded = await loadTwice(staticApp);
  assertRuns(loaded);
  assert.ok(loaded.wasm.length >= 1, "the wasm was fetched");
  for (const w of loaded.wasm) {
    assert.deepEqual(w, { path: "/node_modules/kraiter-segments/js/wasm/kraiter_segments_bg.wasm", status: 200, type: "application/wasm" });
  }
});

test("vite build: the browser condition resolves js/browser.js and the packed wasm is emitted and loaded", { skip, timeout: 60_000 }, async () => {
  await run(process.execPath, [join(ROOT, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn"], { cwd: viteApp, timeout: 45_000 });
  const assets = readdirSync(join(viteApp, "dist", "assets"));
  const wasmAssets = assets.filter((f) => f.endsWith(".wasm"));
  assert.equal(wasmAssets.length, 1, `one wasm asset in dist/assets: ${assets.join(", ")}`);
  assert.ok(readFileSync(join(viteApp, "dist", "assets", wasmAssets[0])).equals(packedWasm), "the emitted wasm is the packed one");
  const loaded = await loadTwice(join(viteApp, "dist"));
  assertRuns(loaded);
  assert.ok(loaded.wasm.length >= 1, "the wasm was fetched");
  for (const w of loaded.wasm) assert.deepEqual(w, { path: `/assets/${wasmAssets[0]}`, status: 200, type: "application/wasm" });
});
