// End to end in Chromium: import contacts (CSV) and events (NDJSON) through
// the data panel, build a nested rule through the builder's controls, and
// see the count the test works out itself from the same data; the JSON view
// shows the same rule and edits there drive the builder; an invalid value is
// marked at its condition from the error's details.path.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openChromium, hasChromium } from "./chromium.mjs";
import { openApp, importThroughUI, expectCount, key } from "./app.mjs";

const DAY = 86_400_000;
const countries = ["GB", "DE", "FR", "US"];
const contacts = Array.from({ length: 300 }, (_, i) => ({
  email: `person${i}@example.test`,
  country: countries[(i * 7) % 4],
  seats: (i * 13) % 25,
  plan: i % 5 === 0 ? "pro" : "free",
}));
// Logins: recent for every third contact, old (30 days) for every fourth.
const now = Date.now();
const events = contacts.flatMap((c, i) => [
  ...(i % 3 === 0 ? [{ name: "login", email: c.email, timestamp: new Date(now - 2 * DAY).toISOString() }] : []),
  ...(i % 4 === 0 ? [{ name: "login", email: c.email, timestamp: new Date(now - 30 * DAY).toISOString() }] : []),
]);
const recentLogin = new Set(events.filter((e) => now - Date.parse(e.timestamp) <= 7 * DAY).map((e) => e.email));
const expected = (inCountries) => contacts.filter((c) => inCountries.includes(c.country) && (recentLogin.has(c.email) || c.seats >= 10)).length;

let chrome;
before(async () => { chrome = await openChromium(); });
after(() => chrome?.close());

test("a rule built in the UI shows the count of the contacts it matches", { skip: !hasChromium(), timeout: 90_000 }, async () => {
  const page = await openApp(chrome, `builder-${Date.now()}`);
  const csv = ["email,country,seats,plan", ...contacts.map((c) => `${c.email},${c.country},${c.seats},${c.plan}`)].join("\n");
  assert.match(await importThroughUI(page, "contacts", "contacts.csv", csv), /Imported 300 contacts from contacts\.csv: 300 new/);
  assert.match(await importThroughUI(page, "events", "events.ndjson", events.map((e) => JSON.stringify(e)).join("\n")),
    new RegExp(`Imported ${events.length} events`));

  // Start from the example rule: drop its nested group, rewrite its first condition.
  await page.click(key("rules.conditions[1]:remove"));
  await page.selectOption(key("rules.conditions[0]:kind"), "property");
  await page.fill(key("rules.conditions[0]:key"), "country");
  await page.selectOption(key("rules.conditions[0]:op"), "in");
  await page.fill(key("rules.conditions[0]:value"), "GB, DE");
  // A nested "any" group: login within 7 days, or at least 10 seats.
  await page.click(key("rules:add-group"));
  await page.selectOption(key("rules.conditions[1]:operator"), "or");
  await page.selectOption(key("rules.conditions[1].conditions[0]:kind"), "event");
  await page.fill(key("rules.conditions[1].conditions[0]:key"), "login");
  await page.selectOption(key("rules.conditions[1].conditions[0]:window"), "within");
  await page.fill(key("rules.conditions[1].conditions[0]:within-amount"), "7");
  await page.selectOption(key("rules.conditions[1].conditions[0]:within-unit"), "d");
  await page.click(key("rules.conditions[1]:add-condition"));
  await page.fill(key("rules.conditions[1].conditions[1]:key"), "seats");
  await page.selectOption(key("rules.conditions[1].conditions[1]:op"), "gte");
  await page.selectOption(key("rules.conditions[1].conditions[1]:type"), "number");
  await page.fill(key("rules.conditions[1].conditions[1]:value"), "10");
  await expectCount(page, expected(["GB", "DE"]));

  // The JSON view holds exactly the rule built above.
  await page.click("#tab-json");
  const shown = JSON.parse(await page.inputValue("#rule-json"));
  assert.deepEqual(shown, {
    operator: "and",
    conditions: [
      { field: "properties.country", op: "in", value: ["GB", "DE"] },
      { operator: "or", conditions: [
        { field: "events.login", op: "occurred", within: "7d" },
        { field: "properties.seats", op: "gte", value: 10 },
      ] },
    ],
  });
  // Editing the JSON drives the builder and the count.
  shown.conditions[0].value = ["FR"];
  await page.fill("#rule-json", JSON.stringify(shown, null, 2));
  await expectCount(page, expected(["FR"]));
  await page.click("#tab-form");
  assert.equal(await page.inputValue(key("rules.conditions[0]:value")), "FR");

  // A value of the wrong type: the error is shown at that condition, on that control.
  await page.selectOption(key("rules.conditions[1].conditions[1]:type"), "date");
  await page.fill(key("rules.conditions[1].conditions[1]:value"), "soon");
  const cond = page.locator('[data-path="rules.conditions[1].conditions[1]"]');
  await cond.locator(".errors li").first().waitFor({ timeout: 10_000 });
  assert.match(await cond.locator(".errors").textContent(), /date|number/i);
  assert.equal(await page.getAttribute(key("rules.conditions[1].conditions[1]:value"), "aria-invalid"), "true");
  assert.equal(await page.locator('[data-path="rules.conditions[0]"] .errors li').count(), 0, "other conditions are not marked");
  assert.equal((await page.textContent("#preview-count")).trim(), "–");

  // Fixing it clears the marks and the count comes back.
  await page.selectOption(key("rules.conditions[1].conditions[1]:type"), "number");
  await page.fill(key("rules.conditions[1].conditions[1]:value"), "10");
  await expectCount(page, expected(["FR"]));
  assert.equal(await cond.locator(".errors li").count(), 0);
  assert.deepEqual(chrome.pageErrors, []);
});
