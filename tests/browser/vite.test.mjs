// The package through Vite, as an app would use it: installed (copied) into
// an app's node_modules, imported by name, built with `vite build` and run
// in Chromium. The browser entry finds its wasm, and the worker client its
// worker, through import.meta.url; Vite must emit both and the page must
// compute with them, directly and through openInWorker; with `vite build`
// and with the dev server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM, hasChromium } from "./chromium.mjs";
import { serveStatic } from "../../scripts/serve.mjs";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const browserEntry = readFileSync(join(repo, "js/browser.js"), "utf8");
const exported = /indexedDBStorage/.test(browserEntry) && /openInWorker/.test(browserEntry);
const skip = !hasChromium() ? "no Chromium"
  : !existsSync(join(repo, "js/wasm/kraiter_segments_bg.wasm")) ? "run npm run build first"
  : !exported ? "js/browser.js does not export indexedDBStorage and openInWorker yet" : false;

const MAIN = `
import { Kraiter, indexedDBStorage, openInWorker } from "kraiter-segments";
const rules = [{ field: "properties.plan", op: "eq", value: "pro" }];
window.result = (async () => {
  const k = await Kraiter.open({ storage: indexedDBStorage("vite-app") });
  await k.contacts.import([{ email: "a@x.test", properties: { plan: "pro" } }, { email: "b@x.test", properties: { plan: "free" } }]);
  const direct = (await k.segments.preview(rules)).count;
  await k.close();
  const w = await openInWorker({ storageName: "vite-app" });
  const inWorker = (await w.segments.preview(rules)).count;
  const { contacts } = await w.stats();
  await w.close();
  return { direct, inWorker, contacts };
})();
`;

let dir;
let browser;
before(async () => {
  if (skip) return;
  dir = await mkdtemp(join(tmpdir(), "kraiter-vite-"));
  const pkg = join(dir, "node_modules", "kraiter-segments");
  await mkdir(pkg, { recursive: true });
  await cp(join(repo, "package.json"), join(pkg, "package.json"));
  await cp(join(repo, "js"), join(pkg, "js"), { recursive: true, filter: (src) => !src.includes(join("js", "worker")) });
  await writeFile(join(dir, "index.html"), '<!doctype html><meta charset="utf-8"><title>vite app</title><script type="module" src="/main.js"></script>');
  await writeFile(join(dir, "main.js"), MAIN);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
});
after(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Opens the app at `url` in a fresh context and returns what main.js computed. */
async function runApp(url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url);
    const result = await page.evaluate(() => window.result);
    assert.deepEqual(errors, []);
    return result;
  } finally {
    await context.close();
  }
}

test("vite build: the app imports the package by name and computes, on the page and in a worker", { skip, timeout: 90_000 }, async () => {
  const { build } = await import("vite");
  await build({ root: dir, logLevel: "warn", configFile: false, build: { outDir: join(dir, "dist") } });
  const server = await serveStatic(join(dir, "dist"));
  try {
    assert.deepEqual(await runApp(`${server.url}/`), { direct: 1, inWorker: 1, contacts: 2 });
  } finally {
    await server.close();
  }
});

test("vite dev server: the same app, with Vite's default dependency pre-bundling", { skip, timeout: 90_000 }, async () => {
  const { createServer } = await import("vite");
  const server = await createServer({ root: dir, logLevel: "warn", configFile: false, server: { host: "127.0.0.1", port: 0 } });
  await server.listen();
  try {
    assert.deepEqual(await runApp(server.resolvedUrls.local[0]), { direct: 1, inWorker: 1, contacts: 2 });
  } finally {
    await server.close();
  }
});
