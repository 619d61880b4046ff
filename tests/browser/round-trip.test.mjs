// The JSON round trip in Chromium, for a table of rules covering every
// construct (tests/www/rule-table.mjs): pasted into the JSON view, each is
// drawn by the builder node for node with plain editors (no "unknown"
// options, no JSON escape hatch), survives the user re-entering what every
// control shows, comes back out of the JSON view in the canonical form, and
// is valid (the preview counts it).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openChromium, hasChromium } from "./chromium.mjs";
import { openApp, settledCount, saveThroughJSON } from "./app.mjs";
import { CANONICAL, SPELLINGS, ref } from "../www/rule-table.mjs";
import { normaliseRules } from "../../www/lib/rule-canon.js";

let chrome;
before(async () => { chrome = await openChromium(); });
after(() => chrome?.close());

/** Groups and conditions, those inside `where` included: each is one [data-path] in the builder. */
function nodes(n) {
  if (Array.isArray(n.conditions)) return 1 + n.conditions.reduce((s, c) => s + nodes(c), 0);
  return 1 + (n.where ? nodes(n.where) : 0);
}

/** Every scalar of a rule as some control must show it (a field by its key, `within` as amount and unit). */
function leaves(n) {
  if (Array.isArray(n.conditions)) return [n.operator, ...n.conditions.flatMap(leaves)];
  const field = n.field.startsWith("properties.") || n.field.startsWith("events.") ? n.field.slice(n.field.indexOf(".") + 1) : n.field;
  const within = n.within ? [n.within.slice(0, -1), n.within.slice(-1)] : [];
  return [field, n.op, ...[n.value ?? []].flat().map(String), ...within, n.from, n.to, n.timeZone,
    ...Object.values(n.having ?? {}).map(String), ...(n.where ? leaves(n.where) : [])].filter((v) => v !== undefined);
}

/** What the builder's controls show: input and select values, and the ids of picked segments. */
const shownValues = () => [...document.querySelectorAll("#panel-form input[data-key], #panel-form select[data-key]")]
  .map((el) => (el.type === "checkbox" ? (el.checked ? el.dataset.key : "") : el.value));

/** Sends every input and select of the builder the event its handler reads, with the value it shows. */
const retypeAll = () => {
  const form = document.getElementById("panel-form");
  const keys = [...form.querySelectorAll("input[data-key], select[data-key]")].map((el) => el.dataset.key);
  for (const k of keys) {
    const el = form.querySelector(`[data-key="${CSS.escape(k)}"]`);
    if (!el) throw new Error(`control ${k} went away`);
    el.dispatchEvent(new Event(el.tagName === "SELECT" || el.type === "checkbox" ? "change" : "input", { bubbles: true }));
  }
  return keys.length;
};

test("every construct pasted as JSON is shown by the builder and comes back identical", { skip: !hasChromium(), timeout: 120_000 }, async () => {
  const page = await openApp(chrome, `round-trip-${Date.now()}`);
  const segId = await saveThroughJSON(page, "Base", { operator: "and", conditions: [{ field: "properties.plan", op: "eq", value: "pro" }] });

  for (const [name, table] of [...CANONICAL, ...SPELLINGS]) {
    const rule = ref(table, segId);
    const canonical = normaliseRules(structuredClone(rule));
    await page.click("#tab-json");
    await page.fill("#rule-json", JSON.stringify(rule, null, 1));
    await page.click("#tab-form");
    assert.equal(await page.locator("#panel-form [data-path]").count(), nodes(canonical), `${name}: every node is drawn`);
    assert.deepEqual(await page.$$eval("#panel-form select", (ss) => ss.map((s) => s.selectedOptions[0]?.textContent ?? "")
      .filter((t) => /unknown|choose/.test(t))), [], `${name}: every select shows a known choice`);
    assert.deepEqual(await page.$$eval('#panel-form select[data-key$=":type"]', (ss) => ss.filter((s) => s.value === "json").map((s) => s.dataset.key)),
      [], `${name}: no value needs the JSON editor`);
    const shown = (await page.evaluate(shownValues)).join("\u0001");
    for (const leaf of leaves(canonical)) assert.ok(shown.includes(leaf), `${name}: ${leaf} is shown in a control`);
    if (JSON.stringify(rule).includes(segId)) {
      assert.ok(await page.locator("#panel-form label.chip", { hasText: "Base" }).count() > 0, `${name}: the reference shows the segment's name`);
    }
    assert.ok(await page.evaluate(retypeAll) > 0);
    await page.click("#tab-json");
    assert.equal(await page.inputValue("#rule-json"), JSON.stringify(canonical, null, 2), `${name}: comes back out canonical`);
    assert.notEqual(await settledCount(page), null, `${name}: the engine accepts it`);
    assert.equal(await page.locator("#rule-errors li").count(), 0, name);
  }
  assert.deepEqual(chrome.pageErrors, []);
});
