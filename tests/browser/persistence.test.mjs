// End to end in Chromium: generate demo data, save and compute a segment,
// reload the page and find the data, the segment, its members and the draft
// rule still there (IndexedDB through the worker). Saves screenshots of the
// app, wide and narrow, to artifacts/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { openChromium, hasChromium } from "./chromium.mjs";
import { openApp, expectCount, key } from "./app.mjs";

const artifacts = new URL("../../artifacts/", import.meta.url);
let chrome;
before(async () => { chrome = await openChromium({ viewport: { width: 1280, height: 1000 } }); });
after(() => chrome?.close());

test("data, segments and the draft rule survive a reload", { skip: !hasChromium(), timeout: 90_000 }, async () => {
  const db = `persist-${Date.now()}`;
  const page = await openApp(chrome, db);
  await page.selectOption("#demo-size", "10000");
  await page.click("#demo-generate");
  await page.waitForSelector("#job-result.ok", { timeout: 60_000 });
  assert.match(await page.textContent("#stats"), /^10,000 contacts · [\d,]+ events · 0 segments/);
  // The data job ends with a snapshot: a reload reads a few values, replays no imports.
  assert.deepEqual(await storedValues(page, db), { log: 0, chunks: 1 });

  await page.fill(key("rules.conditions[0]:value"), "enterprise");
  const draftCount = Number((await waitForNumber(page)).replace(/,/g, ""));
  assert.ok(draftCount > 0);
  await page.fill("#segment-name", "Enterprise, active or big");
  await page.click("#save-new");
  const row = page.locator("#segment-list tbody tr", { hasText: "Enterprise, active or big" });
  await row.locator("td.status", { hasText: /\d{4}/ }).waitFor({ timeout: 30_000 }); // computed
  const members = await row.locator('[data-role="member-count"]').textContent();
  assert.equal(Number(members.replace(/,/g, "")), draftCount, "a computed segment has the previewed count");
  const stats = await page.textContent("#stats");

  await page.reload();
  await page.waitForSelector("body[data-state=ready]", { timeout: 30_000 });
  assert.equal(await page.textContent("#stats"), stats);
  const again = page.locator("#segment-list tbody tr", { hasText: "Enterprise, active or big" });
  assert.equal(await again.locator('[data-role="member-count"]').textContent(), members);
  assert.equal(await page.inputValue(key("rules.conditions[0]:value")), "enterprise", "the draft rule is restored");
  await expectCount(page, draftCount);

  await again.locator("button.link").click();
  await page.waitForSelector("#members:not([hidden]) #member-table tbody tr td", { timeout: 10_000 });
  assert.equal(await page.locator("#member-table tbody tr").count(), Math.min(20, draftCount));
  assert.match(await page.textContent("#members-page"), new RegExp(`Page 1 of ${Math.ceil(draftCount / 20)}`));
  if (draftCount > 20) {
    const first = await page.textContent("#member-table tbody tr td");
    await page.click("#members-next");
    await page.waitForFunction((f) => document.querySelector("#member-table tbody tr td")?.textContent !== f, first);
    assert.match(await page.textContent("#members-page"), /Page 2 of/);
  }

  await mkdir(artifacts, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: new URL("www.png", artifacts).pathname, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: new URL("www-narrow.png", artifacts).pathname });
  assert.deepEqual(chrome.pageErrors, []);
});

async function waitForNumber(page) {
  await page.waitForFunction(() => /\d/.test(document.getElementById("preview-count").textContent)
    && document.getElementById("preview").getAttribute("aria-busy") === "false");
  await page.waitForTimeout(400);
  await page.waitForFunction(() => document.getElementById("preview").getAttribute("aria-busy") === "false");
  return page.textContent("#preview-count");
}

/** How many log entries and snapshot chunks the app's IndexedDB database holds. */
function storedValues(page, db) {
  return page.evaluate((name) => new Promise((resolve, reject) => {
    const req = indexedDB.open(name);
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const conn = req.result;
      const tx = conn.transaction(["log", "snapshot"]);
      const log = tx.objectStore("log").count();
      const chunks = tx.objectStore("snapshot").count();
      tx.oncomplete = () => { conn.close(); resolve({ log: log.result, chunks: chunks.result }); };
    };
  }), db);
}
