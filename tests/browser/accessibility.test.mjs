// Accessibility basics of the app, checked in Chromium: every control has a
// name a screen reader can read, the builder is usable from the keyboard
// with focus kept where the user is, the tabs follow the arrow-key pattern,
// and nothing overflows sideways on a phone-width screen.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openChromium, hasChromium } from "./chromium.mjs";
import { openApp, key } from "./app.mjs";

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
