// The app's two data sources, in Chromium against the real Worker in workerd
// (desktop and phone widths): it opens on npm start's demo tenant over REST
// and says so in the header; without a default key it asks for one, a bad
// key gets a clear 401 message, a good one is remembered; the switcher moves
// to this browser; a tenant copied into the browser previews offline. Served
// by a plain static server there is no switcher: this browser only. A file
// imports into the server tenant through the same preview and dry run.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { expectCount, importThroughUI } from "./app.mjs";
import { openChromium } from "./chromium.mjs";
import { OTHER_KEY, VIEWPORTS, checkScreen, hasChromium, load, openPage, seedTenant, startServerApp } from "./server-app.mjs";

let app;
let seeded;
before(async () => {
  if (!hasChromium()) return;
  app = await startServerApp();
  seeded = await seedTenant(app.api);
});
after(() => app?.close());

const header = async (page) => `${await page.textContent("#source-label")} · ${await page.textContent("#stats")}`;
const PRO = { operator: "and", conditions: [{ field: "properties.plan", op: "eq", value: "pro" }] };

async function setRule(page, rules) {
  await page.click("#tab-json");
  await page.fill("#rule-json", JSON.stringify(rules));
  await page.click("#tab-form");
}

for (const [width, viewport] of Object.entries(VIEWPORTS)) {
  test(`server mode opens on the demo tenant, previews over REST (${width})`, { skip: !hasChromium(), timeout: 90_000 }, async () => {
    const { context, page, errors } = await openPage(app, viewport);
    try {
      await load(page, `${app.origin}/?db=server-${width}`);
      assert.equal(await page.getAttribute("body", "data-source"), "server");
      assert.match(await header(page), /^Server tenant “demo” · 46 contacts · 55 events · \d+ segments?$/);
      assert.equal(await page.inputValue("#source-select"), "server");
      assert.equal(await page.isVisible("#demo-form"), false, "demo data is this browser's only");
      assert.equal(await page.isVisible("#simulate-toggle"), false, "so is the simulator");
      assert.equal(await page.isVisible("#copy-start"), true);
      await setRule(page, PRO);
      await expectCount(page, 17);
      assert.match(await page.textContent("#preview-meta"), /on the server/);
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth }));
      assert.ok(scrollWidth <= innerWidth, `page is ${scrollWidth}px wide in a ${innerWidth}px window`);
      await checkScreen(page, "sources-server", width);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test(`keys: asked for without a default, a bad key is refused with its 401, a good one remembered (${width})`, { skip: !hasChromium(), timeout: 90_000 }, async () => {
    const { context, page, errors } = await openPage(app, viewport, { allowStatus: [401] });
    try {
      await context.route("**/app-config.json", (route) => route.fulfill({ status: 200, contentType: "application/json", body: '{"api":true}' })); // as deployed: no default key
      await page.goto(`${app.origin}/?db=keys-${width}`);
      await page.waitForSelector("#key-dialog[open]");
      assert.equal(await page.evaluate(() => document.activeElement.id), "key-input", "focus is in the dialog");
      await page.fill("#key-input", "not-a-key");
      await page.click("#key-open");
      await page.waitForFunction(() => document.getElementById("key-error").textContent.length > 0);
      assert.match(await page.textContent("#key-error"), /refused this API key \(401 UNAUTHORISED: Unknown API key\)/);
      assert.equal(await page.getAttribute("#key-input", "aria-invalid"), "true");
      await checkScreen(page, "sources-key-refused", width);
      await page.fill("#key-input", OTHER_KEY);
      await page.click("#key-open");
      await page.waitForSelector("body[data-state=ready]");
      assert.match(await header(page), /^Server tenant …-key · 0 contacts · 0 events · 0 segments$/);
      await page.reload();
      await page.waitForSelector("body[data-state=ready]");
      assert.match(await header(page), /^Server tenant …-key · 0 contacts/, "the key is remembered for this origin");
      assert.equal(await page.evaluate(() => localStorage.getItem("kraiter-segments:api-key")), OTHER_KEY);
      // The header's button asks again; Escape keeps the tenant that is open.
      await page.click("#source-key");
      await page.waitForSelector("#key-dialog[open]");
      await page.keyboard.press("Escape");
      assert.equal(await page.isVisible("#key-dialog"), false);
      assert.equal(await page.evaluate(() => document.activeElement.id), "source-key", "focus returns to the button");
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test(`copy the tenant into this browser, then preview offline; switch back (${width})`, { skip: !hasChromium(), timeout: 120_000 }, async () => {
    const { context, page, errors } = await openPage(app, viewport);
    try {
      const db = `copy-${width}-${Date.now()}`;
      await load(page, `${app.origin}/?db=${db}`);
      const serverCounts = await page.textContent("#stats");
      await page.click("#copy-start");
      await page.waitForSelector("#copy-result.ok, #copy-result.error", { timeout: 60_000 });
      assert.match(await page.textContent("#copy-result"), /^Copied 46 contacts, 55 events and \d+ segments into this browser/);
      await page.locator("#copy-result").scrollIntoViewIfNeeded();
      await checkScreen(page, "sources-copied", width);
      await page.click("#copy-open");
      await page.waitForSelector("body[data-state=ready][data-source=browser]");
      assert.equal(await page.textContent("#source-label"), "This browser");
      assert.equal(await page.textContent("#stats"), serverCounts, "the same counts as the server tenant");
      assert.equal(await page.inputValue("#source-select"), "browser");
      assert.equal(await page.locator("#segment-list tr[data-segment]").count(), Number(/(\d+) segment/.exec(serverCounts)[1]));
      await context.setOffline(true);
      await setRule(page, PRO);
      await expectCount(page, 17);
      await setRule(page, { operator: "and", conditions: [{ field: "events.purchase", op: "occurred", having: { fn: "count", op: "gte", value: 20 } }] });
      await expectCount(page, 1);
      assert.match(await page.textContent("#preview-meta"), /in a worker/);
      await checkScreen(page, "sources-browser-offline", width);
      await context.setOffline(false);
      await page.selectOption("#source-select", "server");
      await page.waitForSelector("body[data-state=ready][data-source=server]");
      assert.match(await page.textContent("#source-label"), /^Server tenant/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}

test("served by a static server: this browser only, no switcher", { skip: !hasChromium(), timeout: 60_000 }, async () => {
  const chrome = await openChromium({ viewport: VIEWPORTS.desktop });
  try {
    await chrome.page.goto(`${chrome.url}/www/?db=static-${Date.now()}`);
    await chrome.page.waitForSelector("body[data-state=ready]");
    assert.equal(await chrome.page.getAttribute("body", "data-source"), "browser");
    assert.equal(await chrome.page.isVisible("#source"), false);
    assert.match(await header(chrome.page), /^This browser · 0 contacts · 0 events · 0 segments$/);
    assert.equal(await chrome.page.isVisible("#demo-form"), true);
    assert.deepEqual(chrome.pageErrors, []);
  } finally {
    await chrome.close();
  }
});

// Last: it adds contacts to the demo tenant the tests above count.
for (const [width, viewport] of Object.entries(VIEWPORTS)) {
  test(`a file imports into the server tenant over REST, counted first (${width})`, { skip: !hasChromium(), timeout: 90_000 }, async () => {
    const { context, page, errors } = await openPage(app, viewport);
    try {
      await load(page, `${app.origin}/?db=server-import-${width}`);
      const contactsNow = async () => Number((await page.textContent("#stats")).match(/^([\d,]+) contacts/)[1].replace(/,/g, ""));
      const before = await contactsNow();
      const csv = `email,plan,vip\nnew-a-${width}@example.com,pro,TRUE\nnew-b-${width}@example.com,free,false\n`;
      const result = await importThroughUI(page, "contacts", "people.csv", csv);
      assert.match(result, /Imported 2 contacts from people\.csv: 2 new, 0 updated/);
      await page.waitForFunction((n) => document.getElementById("stats").textContent.startsWith(`${n} contacts`), before + 2);
      const stored = await app.api.contacts.getByEmail(`new-a-${width}@example.com`);
      assert.deepEqual(stored.properties, { plan: "pro", vip: true }, "types inferred: TRUE is a boolean");
      await checkScreen(page, "sources-import", width);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}
