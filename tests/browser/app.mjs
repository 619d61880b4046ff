// Helpers for driving the www/ app in Chromium: open it on a fresh
// database, import a file through the data panel, read the live count.
import assert from "node:assert/strict";

/** Opens the app on database `db` and waits until it has loaded. */
export async function openApp(chrome, db, page = chrome.page) {
  page.on("dialog", (d) => d.accept());
  await page.goto(`${chrome.url}/www/?db=${encodeURIComponent(db)}`);
  await page.waitForSelector("body[data-state=ready]", { timeout: 30_000 });
  return page;
}

/** Imports `content` as a file named `name` through the data panel; returns the result line. */
export async function importThroughUI(page, kind, name, content) {
  await page.check(`#import-form input[name=kind][value=${kind}]`);
  await page.setInputFiles("#import-file", { name, mimeType: name.endsWith(".csv") ? "text/csv" : "application/x-ndjson", buffer: Buffer.from(content) });
  await page.click("#import-start");
  await page.waitForSelector("#job-result.ok, #job-result.error", { timeout: 60_000 });
  return page.textContent("#job-result");
}

/** The live count once the preview has settled on a number (or "–"). */
export async function settledCount(page) {
  await page.waitForFunction(() => document.getElementById("preview").getAttribute("aria-busy") === "false");
  await page.waitForTimeout(300); // the debounce window, then the answer
  await page.waitForFunction(() => document.getElementById("preview").getAttribute("aria-busy") === "false");
  const text = (await page.textContent("#preview-count")).trim();
  return text === "–" ? null : Number(text.replace(/,/g, ""));
}

/** Waits until the live count equals `expected`. */
export async function expectCount(page, expected) {
  await page.waitForFunction((n) => {
    const busy = document.getElementById("preview").getAttribute("aria-busy") === "true";
    return !busy && document.getElementById("preview-count").textContent.replace(/,/g, "") === String(n);
  }, expected, { timeout: 15_000 }).catch(async () => {
    assert.fail(`live count is ${await page.textContent("#preview-count")}, expected ${expected}`);
  });
}

export const key = (k) => `[data-key="${k}"]`;

/** Saves `rules` as a new segment named `name` through the JSON view; answers its id. */
export async function saveThroughJSON(page, name, rules) {
  await page.click("#tab-json");
  await page.fill("#rule-json", JSON.stringify(rules));
  await page.fill("#segment-name", name);
  await page.click("#save-new");
  const row = page.locator("#segment-list tr", { hasText: name });
  await row.waitFor();
  const id = await row.getAttribute("data-segment");
  await page.click("#stop-editing");
  return id;
}
