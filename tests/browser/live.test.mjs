// Live segments in the app, in Chromium against the real worker and
// IndexedDB: a live segment saved through the editor's switch, the
// simulator tracking events while the row's count moves without a reload,
// the membership chart drawn (a canvas) with a text alternative whose
// buckets add up to the change feed read through the page, the list's own
// switch turning live off and on. Screenshots at desktop and phone width.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openChromium, hasChromium } from "./chromium.mjs";
import { openApp, importThroughUI, SHOTS } from "./app.mjs";

const NAME = "Logged in recently";
const RULES = { operator: "and", conditions: [{ field: "events.login", op: "occurred", within: "10m" }] };

let chrome;
before(async () => {
  chrome = await openChromium({ viewport: { width: 1366, height: 900 } });
});
after(() => chrome?.close());

const rowCount = (page) => page.evaluate((name) => {
  const row = [...document.querySelectorAll("#segment-list tbody tr")].find((r) => r.textContent.includes(name));
  return Number(row.querySelector("[data-role=member-count]").textContent.replace(/,/g, ""));
}, NAME);

/** The whole feed of a segment, read through the app's client in the page. */
const feed = (page, id) => page.evaluate(async (segId) => {
  const out = [];
  for await (const c of await window.kraiter.segments.changes(segId, { limit: 100 })) out.push({ at: c.at, type: c.type });
  return out;
}, id);

/** Local hour starts → [entered, left], worked out here (node and Chromium share the zone). */
function perHour(changes) {
  const m = new Map();
  for (const c of changes) {
    const d = new Date(c.at);
    d.setMinutes(0, 0, 0);
    const k = d.toISOString();
    const b = m.get(k) ?? [0, 0];
    b[c.type === "entered" ? 0 : 1] += 1;
    m.set(k, b);
  }
  return [...m].sort(([a], [b]) => a.localeCompare(b));
}

test("a live segment follows simulated activity; the chart and its table match the feed", { skip: !hasChromium(), timeout: 60_000 }, async () => {
  const page = await openApp(chrome, `live-${Date.now()}`);
  const csv = ["email,plan", ...Array.from({ length: 40 }, (_, i) => `user${i}@example.test,${i % 3 ? "pro" : "free"}`)].join("\n");
  assert.match(await importThroughUI(page, "contacts", "contacts.csv", csv), /Imported 40 contacts/);

  // Save through the editor with the Live switch on.
  await page.click("#tab-json");
  await page.fill("#rule-json", JSON.stringify(RULES));
  await page.fill("#segment-name", NAME);
  const liveSwitch = page.getByRole("switch", { name: "Live" });
  assert.equal(await liveSwitch.getAttribute("id"), "segment-live", "the editor's switch is found by its label");
  await liveSwitch.check();
  await page.click("#save-new");
  const row = page.locator("#segment-list tbody tr", { hasText: NAME });
  await row.waitFor();
  const id = await row.getAttribute("data-segment");
  assert.equal(await row.getAttribute("data-live"), "true");
  assert.equal(await row.locator(".badge.live").textContent(), "Live");
  assert.equal(await page.getByRole("switch", { name: `Live: ${NAME}` }).isChecked(), true);
  assert.equal(await rowCount(page), 0, "nobody has logged in yet");

  // Show its members: the chart section appears (no changes yet).
  await row.getByRole("button", { name: `Show members of ${NAME}` }).click();
  await page.waitForSelector("#membership:not([hidden])");

  // Simulate activity: the count moves without a reload.
  await page.click("#simulate-toggle");
  assert.equal(await page.getAttribute("#simulate-toggle", "aria-pressed"), "true");
  assert.equal(await page.isVisible("#activity-indicator"), true, "the header says it is running");
  await page.waitForFunction((name) => {
    const r = [...document.querySelectorAll("#segment-list tbody tr")].find((x) => x.textContent.includes(name));
    return Number(r.querySelector("[data-role=member-count]").textContent) >= 3;
  }, NAME, { timeout: 20_000 });
  const first = await rowCount(page);
  await page.waitForFunction(([name, n]) => {
    const r = [...document.querySelectorAll("#segment-list tbody tr")].find((x) => x.textContent.includes(name));
    return Number(r.querySelector("[data-role=member-count]").textContent) > n;
  }, [NAME, first], { timeout: 20_000 });
  await page.waitForSelector('#segment-list [data-role="next-change"]');
  assert.match(await page.textContent('#segment-list [data-role="next-change"]'), /^next change in \d+ (minutes|seconds)$/);
  assert.match(await page.textContent("#simulate-status"), /Simulating: \d+ events tracked, 5 a second/);

  // The chart is drawn, per hour (a few seconds of feed).
  await page.waitForSelector("#membership-plot canvas");
  assert.equal(await page.getAttribute("#membership", "data-unit"), "hour");
  await page.screenshot({ path: `${SHOTS}live-segment-desktop.png`, fullPage: true });

  // Stop: the simulation ends and says so.
  await page.click("#simulate-toggle");
  await page.waitForFunction(() => document.getElementById("simulate-toggle").getAttribute("aria-pressed") === "false");
  assert.equal(await page.isVisible("#activity-indicator"), false);
  assert.match(await page.textContent("#simulate-status"), /Stopped after \d+ simulated events/);

  // Once quiet, the row, the chart's table and the feed agree.
  await page.waitForTimeout(1200); // the last changes drawn, the last re-read done
  const changes = await feed(page, id);
  const entered = changes.filter((c) => c.type === "entered").length;
  const left = changes.length - entered;
  assert.ok(entered >= 4, `some contacts entered (${entered})`);
  const segment = await page.evaluate((segId) => window.kraiter.segments.get(segId), id);
  assert.equal(segment.memberCount, entered - left, "the feed accounts for every member");
  assert.equal(await rowCount(page), segment.memberCount, "the row shows the count, without a reload");
  const table = await page.$$eval("#membership-table tbody tr", (rows) => rows.map((r) => [r.dataset.start,
    [Number(r.querySelector("[data-role=entered]").textContent), Number(r.querySelector("[data-role=left]").textContent)]]));
  assert.deepEqual(table, perHour(changes), "one row per hour with changes, with the feed's counts");
  assert.match(await page.textContent("#membership-summary"), new RegExp(`^${entered} contacts entered and ${left} contacts? left over \\d+ hours?, per hour\\.$`));

  // Per day on request; the table follows.
  await page.check("#membership input[value=day]");
  await page.waitForFunction(() => document.getElementById("membership").dataset.unit === "day");
  const dayRows = await page.$$eval("#membership-table tbody tr", (rows) => rows.map((r) => Number(r.querySelector("[data-role=entered]").textContent)));
  assert.equal(dayRows.reduce((a, b) => a + b, 0), entered);
  await page.check("#membership input[value=auto]");

  // The list's switch turns live off (the badge goes) and on again.
  await page.getByRole("switch", { name: `Live: ${NAME}` }).uncheck();
  await page.waitForSelector(`#segment-list tr[data-segment="${id}"][data-live="false"]`);
  assert.equal(await page.locator(`#segment-list tr[data-segment="${id}"] .badge.live`).count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), `Live: ${NAME}`, "focus stays on the switch");
  await page.getByRole("switch", { name: `Live: ${NAME}` }).check();
  await page.waitForSelector(`#segment-list tr[data-segment="${id}"][data-live="true"]`);

  // Phone width: nothing sideways, the chart fits.
  await page.setViewportSize({ width: 375, height: 812 });
  await page.waitForTimeout(300);
  const { scrollWidth, innerWidth, chartWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth,
    chartWidth: document.querySelector("#membership-plot canvas").getBoundingClientRect().width }));
  assert.ok(scrollWidth <= innerWidth, `page is ${scrollWidth}px wide in a ${innerWidth}px window`);
  assert.ok(chartWidth <= innerWidth, `chart is ${chartWidth}px wide`);
  await page.screenshot({ path: `${SHOTS}live-segment-phone.png`, fullPage: true });

  assert.deepEqual(chrome.pageErrors, []);
});
