// Several tabs on one database, in Chromium: a second tab of the app waits
// (and says so) while the first holds the database, then takes over when it
// closes; another tab upgrading the database is not blocked by an open
// adapter, which then refuses the newer schema instead of hanging or
// writing into it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openChromium, hasChromium } from "./chromium.mjs";
import { openApp } from "./app.mjs";

let chrome;
before(async () => { chrome = await openChromium(); });
after(() => chrome?.close());

test("a second tab of the app waits for the first to close, then opens the same data", { skip: !hasChromium(), timeout: 60_000 }, async () => {
  const db = `tabs-${Date.now()}`;
  const first = await openApp(chrome, db, await chrome.context.newPage());
  await first.fill("#segment-name", "Made in tab one");
  await first.click("#save-new");
  await first.locator("#segment-list tbody tr", { hasText: "Made in tab one" }).waitFor();

  const second = await chrome.context.newPage();
  second.on("dialog", (d) => d.accept());
  await second.goto(`${chrome.url}/www/?db=${db}`);
  await second.waitForSelector("#banner:not([hidden])");
  assert.match(await second.textContent("#banner"), /open in another tab/);
  assert.equal(await second.evaluate(() => document.body.dataset.state ?? null), null);

  await first.close();
  await second.waitForSelector("body[data-state=ready]", { timeout: 20_000 });
  assert.equal(await second.isHidden("#banner"), true);
  assert.equal(await second.locator("#segment-list tbody tr", { hasText: "Made in tab one" }).count(), 1);
  await second.close();
});

test("another tab upgrading the database is not blocked; the older adapter then refuses it", { skip: !hasChromium(), timeout: 60_000 }, async () => {
  const name = `upgrade-${Date.now()}`;
  const older = chrome.page;
  await older.evaluate(async (name) => {
    const { indexedDBStorage } = await import("/js/storage/indexeddb.js");
    window.storage = indexedDBStorage(name);
    await window.storage.append("before the upgrade");
  }, name);
  const other = await chrome.context.newPage();
  await other.goto(`${chrome.url}/tests/browser/fixtures/blank.html`);
  const upgrade = await other.evaluate((name) => new Promise((resolve, reject) => {
    let blocked = false;
    const req = indexedDB.open(name, 2);
    req.onblocked = () => { blocked = true; };
    req.onupgradeneeded = () => req.result.createObjectStore("from-a-newer-app");
    req.onsuccess = () => { req.result.close(); resolve({ blocked }); };
    req.onerror = () => reject(req.error);
    setTimeout(() => resolve({ blocked, hung: true }), 5000);
  }), name);
  assert.deepEqual(upgrade, { blocked: false });
  const after = await older.evaluate(() => window.storage.append("after").then(() => "written", (e) => `${e.code}: ${e.message}`));
  assert.match(after, /^STORAGE_ERROR: .*newer version/);
  await other.close();
});
