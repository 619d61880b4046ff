// The segment builder as a product (issue 14), in Chromium at desktop
// (1366x900) and phone (375x812) widths: new conditions are not red before
// an edit; Save refuses, in words, while the JSON view does not parse; the
// layout keeps controls uncovered and in the screen, and the count in
// sight on phones; demo data replaces the data and keeps saved segments;
// file import previews, maps, dry-runs and imports in one call; the builder
// completes and warns from the schema. Every screen is screenshotted into
// artifacts/screenshots/ and passes axe (no serious or critical violations),
// with no console or page errors.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openChromium, hasChromium } from "./chromium.mjs";
import { openApp, importThroughUI, importChecked, expectCount, key, checkScreen, saveThroughJSON } from "./app.mjs";

const WIDTHS = [["desktop", { width: 1366, height: 900 }], ["phone", { width: 375, height: 812 }]];

let chrome;
before(async () => { chrome = await openChromium(); });
after(() => chrome?.close());

/** A page at `viewport` on a fresh database, collecting console errors and page errors. */
async function appAt(viewport, db) {
  const page = await chrome.context.newPage();
  await page.setViewportSize(viewport);
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error" && !/favicon/.test(m.location().url ?? "")) problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page: ${e.message}`));
  await openApp(chrome, `${db}-${viewport.width}-${Date.now()}`, page);
  return { page, problems };
}


for (const [width, viewport] of WIDTHS) {
  test(`${width}: a new condition is not red before an edit; Save says why it is off`, { skip: !hasChromium(), timeout: 90_000 }, async () => {
    const { page, problems } = await appAt(viewport, "fresh");
    await page.click(key("rules:add-condition"));
    await page.selectOption(key("rules.conditions[2]:kind"), "event"); // picking the kind is not an edit
    await page.waitForTimeout(600);
    assert.equal(await page.locator("#panel-form .invalid").count(), 0, "nothing red before the first edit");
    assert.match(await page.textContent("#preview-meta"), /Finish the new condition/);
    // Save shows the held-back errors instead of saving.
    await page.fill("#segment-name", "Blank");
    await page.click("#save-new");
    await page.waitForSelector('[data-path="rules.conditions[2]"].invalid');
    assert.equal(await page.isDisabled("#save-new"), true);
    assert.match(await page.textContent("#save-reason"), /The rule has problems/);
    assert.match(await page.getAttribute("#save-new", "aria-describedby"), /save-reason/);
    assert.equal(await page.locator("#segment-list tbody tr").count(), 0, "nothing saved");
    await page.click(key("rules.conditions[2]:remove"));
    await page.waitForFunction(() => !document.getElementById("save-new").disabled);

    // Invalid JSON: Save is off, and both the JSON view and the save row say why.
    await page.click("#tab-json");
    await page.fill("#rule-json", '{ "operator": "and", "conditions": [');
    await page.waitForFunction(() => document.getElementById("save-new").disabled);
    assert.match(await page.textContent("#rule-json-status"), /does not parse yet.*Saving is off/);
    assert.match(await page.textContent("#save-reason"), /Not saved: The JSON view does not parse yet/);
    await page.press("#segment-name", "Enter"); // implicit submission does not save either
    await page.waitForTimeout(300);
    assert.equal(await page.locator("#segment-list tbody tr").count(), 0, "the last valid rule was not saved");
    await page.locator("#save-form").scrollIntoViewIfNeeded();
    await checkScreen(page, "save-refused", width);
    await page.fill("#rule-json", JSON.stringify({ operator: "and", conditions: [{ field: "properties.plan", op: "exists" }] }));
    await page.waitForFunction(() => !document.getElementById("save-new").disabled);
    assert.equal(await page.textContent("#save-reason"), "");
    assert.deepEqual(problems, []);
    await page.close();
  });

  test(`${width}: demo data replaces the data and keeps saved segments, recomputed`, { skip: !hasChromium(), timeout: 120_000 }, async () => {
    const { page, problems } = await appAt(viewport, "demo");
    const generate = async () => {
      await page.click("#demo-generate");
      await page.waitForSelector("#job-result.ok", { timeout: 60_000 });
      return page.textContent("#stats");
    };
    const first = await generate();
    assert.match(first, /^10,000 contacts · [\d,]+ events · 0 segments/);
    await saveThroughJSON(page, "Pro", { operator: "and", conditions: [{ field: "properties.plan", op: "eq", value: "pro" }] });
    await page.waitForFunction(() => document.querySelector('#segment-list [data-role="member-count"]')?.textContent !== "…");
    const members = await page.textContent('#segment-list [data-role="member-count"]');
    const second = await generate();
    assert.equal(second.replace(/ · 1 segment.*/, ""), first.replace(/ · 0 segments.*/, ""), "the same data, not twice the events");
    assert.match(second, / · 1 segment$/);
    assert.match(await page.textContent("#job-result"), /Replaced the data with 10,000 demo contacts and [\d,]+ events; 1 saved segment kept and recomputed/);
    await page.waitForFunction((n) => document.querySelector('#segment-list [data-role="member-count"]')?.textContent === n, members);
    await page.locator(".card.data").scrollIntoViewIfNeeded();
    await checkScreen(page, "demo-replaced", width);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test(`${width}: file import: detected kind, editable mapping with types, dry-run counts, one import`, { skip: !hasChromium(), timeout: 120_000 }, async () => {
    const { page, problems } = await appAt(viewport, "import");
    const csv = ["email,plan,beta,signup,seats,secret", ...Array.from({ length: 40 }, (_, i) =>
      `u${i}@x.test,${i % 4 ? "free" : "pro"},${i % 2 ? "TRUE" : "false"},2025-01-${String((i % 28) + 1).padStart(2, "0")},${i},pw${i}`)].join("\n");
    await page.setInputFiles("#import-file", { name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    assert.equal(await importChecked(page), "ready");
    assert.equal(await page.isChecked("#import-form input[name=kind][value=contacts]"), true);
    assert.match(await page.textContent("#import-detected"), /Contacts/);
    const types = await page.$$eval("#import-columns tbody tr", (rows) => rows.map((r) => [r.dataset.column, r.querySelector("select").value, r.querySelector("[data-role=import-type]").textContent]));
    assert.deepEqual(types, [["email", "email", "field"], ["plan", "property", "string"], ["beta", "property", "boolean"],
      ["signup", "property", "date"], ["seats", "property", "number"], ["secret", "property", "string"]]);
    assert.equal(await page.locator("#import-columns tbody tr:first-child ol.samples li").count(), 5, "the first 5 rows");
    assert.match(await page.textContent("#import-plan"), /40 records will create 40 new contacts and update 0/);
    assert.match(await page.textContent("#stats"), /^0 contacts/, "the dry run stored nothing");
    await page.selectOption('#import-columns tr[data-column="secret"] select', "ignore");
    await page.waitForFunction(() => document.querySelector('#import-columns tr[data-column="secret"] [data-role=import-type]').textContent === "ignored");
    assert.equal(await importChecked(page), "ready");
    // The mapping scrolls inside its own box: the page does not get wider than the window, nor the box taller than its cap.
    const fit = await page.evaluate(() => {
      const wrap = document.getElementById("import-columns-wrap");
      return { page: document.documentElement.scrollWidth - innerWidth, wide: wrap.scrollWidth - wrap.clientWidth, tall: wrap.getBoundingClientRect().height <= Math.max(innerHeight * 0.5, 26 * 15) + 2 };
    });
    assert.deepEqual(fit, { page: 0, wide: 0, tall: true }, "the column mapping stays inside the screen");
    await page.locator("#import-form").scrollIntoViewIfNeeded();
    await checkScreen(page, "import-preview", width);
    await page.click("#import-start");
    await page.waitForSelector("#import-result.ok");
    assert.match(await page.textContent("#import-result"), /Imported 40 contacts from people\.csv: 40 new, 0 updated/);
    assert.match(await page.textContent("#stats"), /^40 contacts/);

    // Events: detected from name + email + timestamp; a re-import dry-runs as updates.
    const events = Array.from({ length: 12 }, (_, i) => JSON.stringify({ name: i % 3 ? "login" : "purchase", email: `u${i}@x.test`, timestamp: "2025-02-01T00:00:00Z", properties: { amount: i } })).join("\n");
    await page.setInputFiles("#import-file", { name: "events.ndjson", mimeType: "application/x-ndjson", buffer: Buffer.from(events) });
    assert.equal(await importChecked(page), "ready");
    assert.equal(await page.isChecked("#import-form input[name=kind][value=events]"), true);
    assert.match(await page.textContent("#import-plan"), /12 events will be imported, creating 0 new contacts/);
    await page.click("#import-start");
    await page.waitForSelector("#import-result.ok");
    assert.match(await page.textContent("#stats"), /^40 contacts · 12 events/);

    // A bad file: the engine's errors, at file lines, readably; nothing stored.
    const bad = ["email,plan", "ok@x.test,pro", "not-an-email,pro", ",free"].join("\n");
    assert.match(await importThroughUI(page, "contacts", "bad.csv", bad), /Nothing was imported/);
    const listed = await page.$$eval("#import-problems li", (li) => li.map((l) => l.textContent));
    assert.match(listed[0], /2 records cannot be imported/);
    assert.match(listed[1], /^line 3 email: /);
    assert.match(listed[2], /^line 4 email: /);
    assert.equal(await page.isDisabled("#import-start"), true);
    assert.equal(await page.textContent("#import-start"), "Import", "no count left over from the events file");
    await page.locator("#import-form").scrollIntoViewIfNeeded();
    await checkScreen(page, "import-errors", width);
    assert.match(await page.textContent("#stats"), /^40 contacts/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test(`${width}: the builder completes names and values from the schema and warns about unknown ones`, { skip: !hasChromium(), timeout: 90_000 }, async () => {
    const { page, problems } = await appAt(viewport, "schema");
    await importThroughUI(page, "contacts", "c.csv", "email,plan,country\na@x.test,pro,GB\nb@x.test,free,US\nc@x.test,pro,DE");
    await importThroughUI(page, "events", "e.ndjson", JSON.stringify({ name: "purchase", email: "a@x.test", properties: { amount: 5 } }));
    const listOf = async (k) => page.$eval(key(k), (el) => [...(el.list?.options ?? [])].map((o) => o.value));
    await page.waitForFunction(() => document.querySelector('[data-key="rules.conditions[0]:key"]').list?.options.length >= 2);
    assert.deepEqual(await listOf("rules.conditions[0]:key"), ["country", "plan"]);
    assert.deepEqual((await listOf("rules.conditions[1].conditions[0]:key")), ["purchase"], "event names from the data, not a fixed list");
    await page.fill(key("rules.conditions[0]:key"), "plann");
    assert.equal(await page.textContent('[data-warning-for="rules.conditions[0]"]'), "No contact has the property plann — did you mean plan?");
    assert.match(await page.getAttribute(key("rules.conditions[0]:key"), "aria-describedby"), /warning/);
    assert.equal(await page.locator('[data-path="rules.conditions[0]"].invalid').count(), 0, "a warning, not an error");
    await page.fill(key("rules.conditions[0]:key"), "plan");
    assert.equal(await page.textContent('[data-warning-for="rules.conditions[0]"]'), "");
    await page.selectOption(key("rules.conditions[0]:op"), "eq");
    await page.waitForFunction(() => document.querySelector('[data-key="rules.conditions[0]:value"]').list?.options.length === 2);
    assert.deepEqual(await listOf("rules.conditions[0]:value"), ["pro", "free"], "most common first");
    // A new key, typed: its value completions follow without a redraw.
    await page.fill(key("rules.conditions[0]:key"), "country");
    await page.waitForFunction(() => document.querySelector('[data-key="rules.conditions[0]:value"]').list?.options.length === 3);
    assert.deepEqual(await listOf("rules.conditions[0]:value"), ["GB", "US", "DE"]);
    await page.fill(key("rules.conditions[0]:key"), "plan");
    await page.fill(key("rules.conditions[0]:value"), "pro");

    // Events: the name no data has is warned about; the one it has gets its where keys and values, and its having keys.
    const ev = "rules.conditions[1].conditions[0]";
    await page.fill(key(`${ev}:key`), "purchse");
    assert.match(await page.textContent(`[data-warning-for="${ev}"]`), /No event is named purchse — did you mean purchase\?/);
    await expectCount(page, 0); // no contact did purchse, and none has seats
    await page.click(key(`${ev}:add-where`));
    await page.fill(key(`${ev}.where.conditions[0]:key`), "amount");
    assert.equal(await page.getAttribute(key(`${ev}.where.conditions[0]:key`), "list"), null, "no event is named purchse: no keys to offer");
    await page.fill(key(`${ev}:key`), "purchase");
    assert.equal(await page.textContent(`[data-warning-for="${ev}"]`), "");
    assert.deepEqual(await listOf(`${ev}.where.conditions[0]:key`), ["amount"], "the event's property keys, once its name is one the data has");
    await page.fill(key(`${ev}.where.conditions[0]:key`), "amout");
    assert.equal(await page.textContent(`[data-warning-for="${ev}.where.conditions[0]"]`), "No purchase event has the property amout — did you mean amount?");
    await page.fill(key(`${ev}.where.conditions[0]:key`), "amount");
    assert.equal(await page.textContent(`[data-warning-for="${ev}.where.conditions[0]"]`), "");
    await page.selectOption(key(`${ev}.where.conditions[0]:type`), "number");
    assert.deepEqual(await listOf(`${ev}.where.conditions[0]:value`), ["5"], "the event property's common values");
    await page.fill(key(`${ev}.where.conditions[0]:value`), "5");
    await page.click(key(`${ev}:add-having`));
    await page.selectOption(key(`${ev}:having-fn`), "sum");
    assert.deepEqual(await listOf(`${ev}:having-property`), ["amount"], "having: the event's property keys");
    await page.fill(key(`${ev}:having-property`), "amont");
    assert.equal(await page.textContent(`[data-warning-for="${ev}.having"]`), "No purchase event has the property amont — did you mean amount?");
    await page.fill(key(`${ev}:having-property`), "amount");
    assert.equal(await page.textContent(`[data-warning-for="${ev}.having"]`), "");
    await page.selectOption(key(`${ev}:having-op`), "gte");
    await page.fill(key(`${ev}:having-value`), "5");
    await expectCount(page, 1);

    // The screenshot: a warning at each level (a contact property, an event name's where key).
    await page.fill(key("rules.conditions[0]:key"), "plann");
    await page.fill(key(`${ev}.where.conditions[0]:key`), "amout");
    await expectCount(page, 0);
    await page.$eval(`[data-warning-for="${ev}.where.conditions[0]"]`, (el) => el.scrollIntoView({ block: "center" }));
    await checkScreen(page, "builder-warnings", width);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test("desktop 1366x900: the sticky preview covers no control of the panels below, at any scroll", { skip: !hasChromium(), timeout: 90_000 }, async () => {
  const { page, problems } = await appAt({ width: 1366, height: 900 }, "sticky");
  await page.click("#demo-generate");
  await page.waitForSelector("#job-result.ok", { timeout: 60_000 });
  await page.click("#tab-json"); // the taller editor
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  for (let y = 0; y < height; y += 120) {
    const covered = await page.evaluate((y) => {
      scrollTo(0, y);
      const preview = document.getElementById("preview");
      return [...document.querySelectorAll(".layout.rest button, .layout.rest input, .layout.rest select")].filter((el) => {
        const r = el.getBoundingClientRect();
        if (!r.width || r.bottom < 0 || r.top > innerHeight) return false;
        const at = document.elementFromPoint(r.left + r.width / 2, Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1));
        return at && preview.contains(at);
      }).map((el) => el.id || el.textContent);
    }, y);
    assert.deepEqual(covered, [], `at scroll ${y}`);
  }
  const box = await page.locator("#preview").boundingBox();
  assert.ok(box.height <= 900, "the preview fits the window");
  assert.deepEqual(problems, []);
  await page.close();
});

test("phone 375x812: saved segments' buttons sit inside the screen; the count stays in sight while editing", { skip: !hasChromium(), timeout: 90_000 }, async () => {
  const { page, problems } = await appAt({ width: 375, height: 812 }, "phone");
  await importThroughUI(page, "contacts", "c.csv", "email,plan\na@x.test,pro\nb@x.test,free");
  await page.click("#tab-json");
  await page.fill("#rule-json", JSON.stringify({ operator: "and", conditions: [{ field: "events.login", op: "occurred", within: "1h" }] }));
  await page.fill("#segment-name", "A long segment name for a narrow phone screen");
  await page.check("#segment-live");
  await page.click("#save-new");
  await page.waitForSelector("#segment-list tbody tr");
  const outside = await page.$$eval("#segment-list button, #segment-list input", (els) => els.map((el) => {
    const r = el.getBoundingClientRect();
    const wrap = el.closest(".table-wrap").getBoundingClientRect();
    return { name: el.getAttribute("aria-label") ?? el.textContent, left: r.left, right: r.right, wrapRight: wrap.right };
  }).filter((b) => b.left < 0 || b.right > Math.min(innerWidth, b.wrapRight) + 0.5));
  assert.deepEqual(outside, [], "every control of the list is inside the screen (and not scrolled out of its table)");
  await page.locator(".card.segments").scrollIntoViewIfNeeded();
  await checkScreen(page, "segments", "phone");

  // Editing: the compact count bar is on screen while the builder is.
  await page.click("#tab-form");
  await page.click("#stop-editing");
  await page.locator(key("rules.conditions[1]:add-condition")).scrollIntoViewIfNeeded();
  await page.waitForFunction(() => /contacts? match/.test(document.getElementById("count-bar").textContent));
  const bar = await page.locator("#count-bar").boundingBox();
  assert.ok(bar && bar.y >= 0 && bar.y + bar.height <= 812 + 0.5, `count bar in the window (${JSON.stringify(bar)})`);
  const preview = await page.locator("#preview-count").boundingBox();
  assert.ok(preview.y > 812, "the preview itself is below, out of sight");
  await checkScreen(page, "count-bar", "phone");
  assert.deepEqual(problems, []);
  await page.close();
});
