// Helpers for driving the www/ app in Chromium: open it on a fresh
// database, import a file through the data panel (preview, dry run,
// import), read the live count.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";

/** Where the browser tests leave their screenshots (not committed). */
export const SHOTS = new URL("../../artifacts/screenshots/", import.meta.url).pathname;
mkdirSync(SHOTS, { recursive: true });

/** Opens the app on database `db` and waits until it has loaded. */
export async function openApp(chrome, db, page = chrome.page) {
  page.on("dialog", (d) => d.accept());
  await page.goto(`${chrome.url}/www/?db=${encodeURIComponent(db)}`);
  await page.waitForSelector("body[data-state=ready]", { timeout: 30_000 });
  return page;
}

/** The import form once its check has settled: "ready" (counts shown), "invalid" (problems listed). */
export async function importChecked(page) {
  await page.waitForFunction(() => ["ready", "invalid"].includes(document.getElementById("import-form").dataset.state), null, { timeout: 60_000 });
  return page.evaluate(() => document.getElementById("import-form").dataset.state);
}

/**
 * Imports `content` as a file named `name` through the data panel, as
 * `kind` (overriding the detection if need be): preview, dry run, import.
 * Answers the result line, or the plan and problems when the check refuses it.
 */
export async function importThroughUI(page, kind, name, content) {
  await page.setInputFiles("#import-file", { name, mimeType: name.endsWith(".csv") ? "text/csv" : "application/x-ndjson", buffer: Buffer.from(content) });
  await importChecked(page);
  if (!(await page.isChecked(`#import-form input[name=kind][value=${kind}]`))) {
    await page.check(`#import-form input[name=kind][value=${kind}]`);
    await page.waitForFunction(() => document.getElementById("import-form").dataset.state === "checking").catch(() => {});
    await importChecked(page);
  }
  if ((await importChecked(page)) === "invalid") {
    return `${await page.textContent("#import-plan")} ${await page.textContent("#import-problems")}`;
  }
  await page.click("#import-start");
  await page.waitForSelector("#import-result.ok, #import-result.error", { timeout: 60_000 });
  return page.textContent("#import-result");
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

/** A screenshot of the window as it is (`<name>-<width>.png`), then axe over the whole page: no serious or critical violations. */
export async function checkScreen(page, name, width) {
  await page.screenshot({ path: `${SHOTS}${name}-${width}.png` });
  assert.deepEqual(await axe(page, ["body"], { impacts: ["serious", "critical"] }), [], `axe on ${name} (${width})`);
}

/** axe-core (pinned devDependency) run in the page over `include`; answers its violations, briefly. */
export async function axe(page, include, { impacts = null } = {}) {
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve("axe-core/axe.min.js") });
  return page.evaluate(async ({ selectors, impacts }) => {
    const { violations } = await window.axe.run({ include: selectors.map((s) => [s]) }, { resultTypes: ["violations"] });
    return violations.filter((v) => !impacts || impacts.includes(v.impact))
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }, { selectors: include, impacts });
}
