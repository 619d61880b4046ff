// The www app as the Worker serves it (staged assets in real workerd): every
// file the app loads by relative URL resolves with the right content type,
// and, where Debian's Chromium is installed, the page starts up to "ready"
// from the Worker's origin (on the server tenant of the key it asks for)
// with no page errors.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { stageAssets } from "../../scripts/lib/assets.mjs";
import { startWorker, tempDir } from "./helpers.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const staged = tempDir("app-assets");
let worker;
let origin;

before(async () => {
  stageAssets(staged.dir);
  worker = await startWorker({ keys: ["app-key"], assets: staged.dir, port: 0 });
  origin = new URL(await worker.mf.ready).origin;
});
after(async () => {
  await worker?.dispose();
  staged.remove();
});

/** Relative URLs a file refers to: src/href in HTML; static and dynamic imports and new URL(…, import.meta.url) in JS. */
function references(text, type) {
  const found = [];
  const patterns = type.includes("html")
    ? [/\b(?:src|href)="(\.{1,2}\/[^"]+|[^":/#?]+\.(?:js|css))"/g]
    : [/\bfrom\s*["'](\.{1,2}\/[^"']+)["']/g, /\bimport\s*\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g, /\bimport\s*["'](\.{1,2}\/[^"']+)["']/g, /new URL\(\s*["'](\.{1,2}\/[^"']+)["']\s*,\s*import\.meta\.url/g];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[1]);
  return found;
}

test("every file the app loads by relative URL is served, with its content type", async () => {
  const seen = new Map(); // url → content type
  const queue = [`${origin}/`];
  while (queue.length > 0) {
    const url = queue.shift();
    if (seen.has(url)) continue;
    const response = await fetch(url);
    assert.equal(response.status, 200, `${url} (from the app's references)`);
    const type = response.headers.get("content-type") ?? "";
    seen.set(url, type);
    if (/html|javascript/.test(type)) {
      for (const ref of references(await response.text(), type)) queue.push(new URL(ref, url).href);
    } else {
      await response.arrayBuffer();
    }
  }
  const paths = [...seen.keys()].map((url) => new URL(url).pathname);
  assert.ok(paths.some((p) => p.startsWith("/js/")), `the app reaches the package under /js/: ${paths.join(" ")}`);
  for (const [url, type] of seen) {
    if (url.endsWith(".js")) assert.match(type, /javascript/, url);
    if (url.endsWith(".wasm")) assert.equal(type, "application/wasm", url);
  }
  const wasm = await fetch(`${origin}/js/wasm/kraiter_segments_bg.wasm`);
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get("content-type"), "application/wasm");
  await wasm.arrayBuffer();
});

test("the Worker's code is not published as an asset", async () => {
  const response = await fetch(`${origin}/js/worker/index.js`);
  assert.equal(response.status, 404);
  await response.arrayBuffer();
});

test("the app starts in Chromium from the Worker's origin", { skip: !existsSync(CHROMIUM) && "no Chromium at " + CHROMIUM }, async () => {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"] });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${origin}/?db=worker-app-${Date.now()}`);
    // Staged without npm start's app-config.json, as deployed: the app asks for a key.
    await page.waitForSelector("#key-dialog[open]", { timeout: 30_000 });
    await page.fill("#key-input", "app-key");
    await page.click("#key-open");
    await page.waitForSelector("body[data-state=ready][data-source=server]", { timeout: 30_000 });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
