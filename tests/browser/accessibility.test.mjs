// Accessibility basics of the app, checked in Chromium: every control has a
// name a screen reader can read (the behavioural editors and the explain
// panel included), the builder is usable from the keyboard with focus kept
// where the user is, the tabs follow the arrow-key pattern, explain's marks
// say true or false in words and not by colour alone, and nothing overflows
// sideways on a phone-width screen; the live-segment controls and the
// membership chart (with its text alternative) pass axe-core.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openChromium, hasChromium } from "./chromium.mjs";
import { openApp, importThroughUI, key, axe } from "./app.mjs";
import { CANONICAL, ref } from "../www/rule-table.mjs";

let chrome;
before(async () => { chrome = await openChromium(); });
after(() => chrome?.close());

const unnamedControls = () => [...document.querySelectorAll("input, select, textarea, button")]
  .filter((el) => el.offsetParent !== null || el.type === "file")
  .filter((el) => !(el.labels?.length || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby")
    || (el.tagName === "BUTTON" && el.textContent.trim())))
  .map((el) => el.outerHTML.slice(0, 120));

test("every control has an accessible name; the builder works from the keyboard", { skip: !hasChromium(), timeout: 60_000 }, async () => {
  const page = await openApp(chrome, `a11y-${Date.now()}`);
  assert.deepEqual(await page.evaluate(unnamedControls), []);

  // Add a condition with the keyboard: focus lands on its first control.
  await page.focus(key("rules:add-condition"));
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.key), "rules.conditions[2]:kind");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.key), "rules.conditions[2]:key");
  // Changing the op re-renders the row; focus stays on the op select.
  await page.focus(key("rules.conditions[2]:op"));
  await page.selectOption(key("rules.conditions[2]:op"), "exists");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.key), "rules.conditions[2]:op");
  // Removing it returns focus to its group's "+ Condition".
  await page.focus(key("rules.conditions[2]:remove"));
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.key), "rules:add-condition");
  assert.equal(await page.locator('[data-path="rules.conditions[2]"]').count(), 0);
  assert.deepEqual(await page.evaluate(unnamedControls), []);

  // Tabs: arrow keys move between Builder and JSON.
  await page.focus("#tab-form");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.getAttribute("#tab-json", "aria-selected"), "true");
  assert.equal(await page.isVisible("#rule-json"), true);
  assert.equal(await page.evaluate(() => document.activeElement.id), "tab-json");
  await page.keyboard.press("ArrowLeft");
  assert.equal(await page.isVisible("#panel-form"), true);
});

test("nothing overflows sideways at phone width", { skip: !hasChromium(), timeout: 60_000 }, async () => {
  const page = await chrome.context.newPage();
  await page.setViewportSize({ width: 360, height: 740 });
  await openApp(chrome, `narrow-${Date.now()}`, page);
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth }));
  assert.ok(scrollWidth <= innerWidth, `page is ${scrollWidth}px wide in a ${innerWidth}px window`);
  await page.close();
});

test("the behavioural editors and the explain panel: named controls, marks in words", { skip: !hasChromium(), timeout: 60_000 }, async () => {
  const page = await openApp(chrome, `a11y-explain-${Date.now()}`);
  await importThroughUI(page, "contacts", "c.csv", "email,plan,country\nada@example.test,pro,GB\nbob@example.test,free,US");
  await importThroughUI(page, "events", "e.ndjson", JSON.stringify({ name: "purchase", email: "ada@example.test", properties: { category: "shoes", amount: 150 } }));
  await page.click("#tab-json");
  await page.fill("#rule-json", JSON.stringify({ operator: "and", conditions: [{ field: "properties.country", op: "eq", value: "GB" }] }));
  await page.fill("#segment-name", "GB");
  await page.click("#save-new");
  const segId = await page.locator("#segment-list tr", { hasText: "GB" }).getAttribute("data-segment");
  await page.click("#stop-editing");
  await page.click("#tab-json");
  const everything = ref(CANONICAL.find(([name]) => name === "everything at once")[1], segId);
  everything.conditions[0].to = "now";
  await page.fill("#rule-json", JSON.stringify(everything));
  await page.click("#tab-form");
  assert.deepEqual(await page.evaluate(unnamedControls), []);

  // The explain panel, from the keyboard: type an email, press Enter, focus lands on the answer.
  await page.focus("#explain-email");
  await page.keyboard.type("bob@example.test");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#explain-verdict");
  assert.equal(await page.evaluate(() => document.activeElement.id), "explain-verdict");
  assert.match(await page.textContent("#explain-verdict"), /false/);
  const marks = await page.$$eval("#explain-result .mark", (ms) => ms.map((m) => m.textContent.replace(/[✓✗]/g, "").trim()));
  assert.ok(marks.length >= 6, `a mark for every node (${marks.length})`);
  assert.deepEqual([...new Set(marks)].sort(), ["false", "true"], "each mark says true or false in words");
  // The segment reference unfolds from the keyboard.
  await page.focus('#explain-result details[data-segment] summary');
  await page.keyboard.press("Enter");
  assert.equal(await page.locator("#explain-result details[data-segment] .xtree").isVisible(), true);
  assert.deepEqual(await page.evaluate(unnamedControls), []);
});

test("live segments, simulated activity and the membership chart pass axe and are named", { skip: !hasChromium(), timeout: 60_000 }, async () => {
  const page = await openApp(chrome, `a11y-live-${Date.now()}`);
  await importThroughUI(page, "contacts", "c.csv", "email\nada@example.test\nbob@example.test\ncy@example.test");
  await page.click("#tab-json");
  await page.fill("#rule-json", JSON.stringify({ operator: "and", conditions: [{ field: "events.login", op: "occurred", within: "1h" }] }));
  await page.fill("#segment-name", "Active");
  await page.getByRole("switch", { name: "Live" }).check(); // the editor's switch, by its label
  await page.click("#save-new");
  await page.getByRole("button", { name: "Show members of Active" }).click();
  await page.getByRole("button", { name: "Simulate activity" }).click();
  await page.waitForSelector('#segment-list [data-role="next-change"]', { timeout: 20_000 });
  await page.waitForSelector("#membership-plot canvas");
  assert.equal(await page.getAttribute("#simulate-toggle", "aria-pressed"), "true", "the toggle says it is on");
  assert.equal(await page.getByRole("switch", { name: "Live: Active" }).isChecked(), true);
  assert.equal(await page.getAttribute("#membership-plot", "aria-hidden"), "true", "the canvas is not read out…");
  assert.ok((await page.getByRole("table", { name: /Entered and left per hour/ }).locator("tbody tr").count()) >= 1,
    "…its table is, by its caption, even while it is hidden on screen");
  assert.match(await page.textContent("#membership-summary"), /contacts? entered and \d+ contacts? left over/);
  assert.deepEqual(await page.evaluate(unnamedControls), []);
  const include = ["header.top", "#save-form", "#segment-list", "#membership", ".simulate"];
  assert.deepEqual(await axe(page, include), [], "while simulating");
  await page.check("#membership-show-table");
  await page.getByRole("button", { name: "Stop simulating" }).click();
  await page.waitForFunction(() => document.getElementById("simulate-toggle").getAttribute("aria-pressed") === "false");
  assert.deepEqual(await axe(page, include), [], "stopped, with the table shown");
});
