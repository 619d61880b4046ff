// End to end in Chromium: a CSV import through the data panel, with quoted
// fields and typed columns, updates the counts and the preview; a file with
// a bad row is refused by the dry run at that row's line, storing nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openChromium, hasChromium } from "./chromium.mjs";
import { openApp, importThroughUI, expectCount, key } from "./app.mjs";

let chrome;
before(async () => { chrome = await openChromium(); });
after(() => chrome?.close());

test("importing a CSV adds its contacts with typed properties", { skip: !hasChromium(), timeout: 90_000 }, async () => {
  const page = await openApp(chrome, `import-${Date.now()}`);
  const rows = Array.from({ length: 1234 }, (_, i) => `c${i}@x.test,"Smith, ${i}",${i % 50},${i % 2 === 0}`);
  const text = ["email,name,score,active", ...rows].join("\r\n");
  assert.match(await importThroughUI(page, "contacts", "people.csv", text), /Imported 1,234 contacts from people\.csv: 1,234 new, 0 updated/);
  assert.match(await page.textContent("#stats"), /^1,234 contacts · 0 events/);

  await page.click(key("rules.conditions[1]:remove"));
  await page.fill(key("rules.conditions[0]:key"), "score");
  await page.selectOption(key("rules.conditions[0]:op"), "gte");
  await page.fill(key("rules.conditions[0]:value"), "40");
  const expected = Array.from({ length: 1234 }, (_, i) => i % 50).filter((s) => s >= 40).length;
  await expectCount(page, expected); // numbers compare as numbers: the CSV cells were typed

  // A file with a bad email on line 4 is refused by the dry run, at that line; nothing of it is stored.
  const bad = ["email,name", "new1@x.test,A", "new2@x.test,B", ",no email here"].join("\n");
  const message = await importThroughUI(page, "contacts", "bad.csv", bad);
  assert.match(message, /Nothing was imported/);
  assert.match(message, /line 4/);
  assert.match(await page.textContent("#stats"), /^1,234 contacts/);
  assert.deepEqual(chrome.pageErrors, []);
});
