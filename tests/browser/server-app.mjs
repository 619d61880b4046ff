// Shared by the browser tests of the app as the Worker serves it: the real
// Worker in workerd with the staged app (and npm start's app-config.json),
// a small tenant seeded over REST with js/http-client.js, Debian's Chromium
// at desktop and phone widths, axe-core, screenshots, and a log of console
// and page errors each test checks is empty.
import { chromium } from "playwright-core";
import { stageAssets, writeAppConfig } from "../../scripts/lib/assets.mjs";
import { connect } from "../../js/http-client.js";
import { startWorker, tempDir } from "../worker/helpers.mjs";
import { CHROMIUM, hasChromium } from "./chromium.mjs";

export { hasChromium };
export { checkScreen, SHOTS } from "./app.mjs";
export const VIEWPORTS = { desktop: { width: 1366, height: 900 }, phone: { width: 375, height: 812 } };
export const DEMO_KEY = "demo-key";
export const OTHER_KEY = "other-key";
const DAY = 86_400_000;

/** Workerd serving the app and the API (keys DEMO_KEY, OTHER_KEY), Chromium, and `api`, a client of the demo tenant. */
export async function startServerApp() {
  const staged = tempDir("server-app");
  stageAssets(staged.dir);
  writeAppConfig(staged.dir, { defaultKey: DEMO_KEY });
  const worker = await startWorker({ keys: [DEMO_KEY, OTHER_KEY], assets: staged.dir, port: 0 });
  const origin = new URL(await worker.mf.ready).origin;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"] });
  const api = connect({ baseUrl: origin, apiKey: DEMO_KEY });
  return {
    origin, api, browser,
    async close() {
      await api.close();
      await browser.close().catch(() => {});
      await worker.dispose();
      staged.remove();
    },
  };
}

/**
 * The seeded tenant: 45 contacts (pro, free, enterprise; one with a comma and
 * quotes in a property), logins and purchases (ada has 45 events, for paging),
 * and segments "Pro" (computed, then the data changed: stale), "Everyone"
 * (computed after: ready, 3 pages of members) and "Active" (live).
 */
export async function seedTenant(api) {
  const now = Date.now();
  const contacts = Array.from({ length: 44 }, (_, i) => ({
    email: `user${String(i).padStart(2, "0")}@example.test`,
    properties: { plan: ["pro", "free", "enterprise"][i % 3], seats: i, ...(i === 4 && { company: 'Acme, "the" best' }) },
  }));
  await api.contacts.import([{ email: "ada@example.test", properties: { plan: "pro", seats: 12, country: "GB" } }, ...contacts]);
  const events = Array.from({ length: 45 }, (_, i) => ({ name: i % 2 ? "login" : "purchase", email: "ada@example.test",
    properties: i % 2 ? {} : { amount: i }, timestamp: new Date(now - (i + 1) * DAY / 4).toISOString() }));
  events.push(...contacts.slice(0, 10).map((c, i) => ({ name: "login", email: c.email, timestamp: new Date(now - i * DAY).toISOString() })));
  await api.events.import(events);
  const pro = await api.segments.create({ name: "Pro", rules: { operator: "and", conditions: [{ field: "properties.plan", op: "eq", value: "pro" }] } });
  await api.segments.compute(pro.id);
  await api.segments.waitForCompute(pro.id);
  await new Promise((r) => setTimeout(r, 5));
  await api.contacts.import([{ email: "late@example.test", properties: { plan: "pro" } }]); // Pro is stale now
  await new Promise((r) => setTimeout(r, 5));
  const everyone = await api.segments.create({ name: "Everyone", rules: { operator: "and", conditions: [{ field: "email", op: "ends_with", value: "@example.test" }] } });
  await api.segments.compute(everyone.id);
  await api.segments.waitForCompute(everyone.id);
  const active = await api.segments.create({ name: "Active", live: true,
    rules: { operator: "and", conditions: [{ field: "events.login", op: "occurred", within: "30d" }] } });
  return { pro, everyone, active, contacts: 46 };
}

/**
 * A page in a fresh context at `viewport`; `errors` collects console errors
 * and page errors, except resource loads answered with a status in `allowStatus`.
 */
export async function openPage(app, viewport, { allowStatus = [] } = {}) {
  const context = await app.browser.newContext({ viewport, acceptDownloads: true });
  await context.addInitScript(() => { delete window.showSaveFilePicker; }); // the Blob download path, which Playwright sees
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const status = /status of (\d{3})/.exec(m.text())?.[1];
    if (status && allowStatus.includes(Number(status))) return;
    errors.push(`console: ${m.text()}`);
  });
  page.on("dialog", (d) => d.accept());
  return { context, page, errors };
}

/** Opens the app at `path` and waits until it is ready. */
export async function load(page, url) {
  await page.goto(url);
  await page.waitForSelector("body[data-state=ready]", { timeout: 30_000 });
}

