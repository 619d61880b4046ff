// Saved segments and contacts as the app shows a server tenant, in Chromium
// against the real Worker (desktop and phone widths): each row's one-line
// rule summary and status (ready, stale, live without a Compute button), a
// contact's profile (properties, segments, events newest first paged with
// "Show more", Escape closes and focus returns, explain reachable), members
// exported to CSV (every row, quoting), and after a rename or a delete the
// members heading, page label and header counts are current.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createCsvReader } from "../../www/lib/csv.js";
import { VIEWPORTS, checkScreen, hasChromium, load, openPage, seedTenant, startServerApp } from "./server-app.mjs";

let app;
let seeded;
before(async () => {
  if (!hasChromium()) return;
  app = await startServerApp();
  seeded = await seedTenant(app.api);
});
after(() => app?.close());

const row = (page, id) => page.locator(`#segment-list tr[data-segment="${id}"]`);

function parseCsv(text) {
  const rows = [];
  const reader = createCsvReader((fields) => rows.push(fields));
  reader.push(text);
  reader.end();
  return rows;
}

for (const [width, viewport] of Object.entries(VIEWPORTS)) {
  test(`the segments list reads: summary, status, stale, live rows without Compute (${width})`, { skip: !hasChromium(), timeout: 90_000 }, async () => {
    const { context, page, errors } = await openPage(app, viewport);
    try {
      await load(page, `${app.origin}/?db=list-${width}`);
      const { pro, everyone, active } = seeded;
      assert.equal(await row(page, pro.id).getAttribute("data-status"), "stale", "computed before the last write");
      assert.equal(await row(page, pro.id).locator("[data-role=status]").textContent(), "Stale");
      assert.match(await row(page, pro.id).locator("td.status").textContent(), /the data changed since/);
      assert.equal(await row(page, everyone.id).getAttribute("data-status"), "ready");
      assert.equal(await row(page, active.id).getAttribute("data-status"), "ready");
      assert.equal(await row(page, pro.id).locator("[data-role=summary]").textContent(), "plan equals “pro”");
      assert.equal(await row(page, active.id).locator("[data-role=summary]").textContent(), "login occurred in the last 30d");
      assert.equal(await row(page, active.id).getByRole("button", { name: "Compute Active" }).count(), 0, "a live segment is current");
      assert.equal(await row(page, pro.id).getByRole("button", { name: "Compute Pro" }).count(), 1);
      await row(page, pro.id).locator("[data-role=summary]").scrollIntoViewIfNeeded();
      await checkScreen(page, "segments-list", width);
      // Computing it over REST makes it ready.
      await row(page, pro.id).getByRole("button", { name: "Compute Pro" }).click();
      await page.waitForSelector(`#segment-list tr[data-segment="${pro.id}"][data-status=ready]`, { timeout: 20_000 });
      assert.equal(await row(page, pro.id).locator("[data-role=member-count]").textContent(), "17");
      // For the next width: Pro stale again, Everyone computed after the change.
      await app.api.contacts.import([{ email: "late@example.test", properties: { plan: "pro", note: width } }]);
      await new Promise((r) => setTimeout(r, 5));
      await app.api.segments.compute(everyone.id);
      await app.api.segments.waitForCompute(everyone.id);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test(`a contact's profile: properties, segments, events paged; Escape closes, focus returns; explain from it (${width})`, { skip: !hasChromium(), timeout: 90_000 }, async () => {
    const { context, page, errors } = await openPage(app, viewport);
    try {
      await load(page, `${app.origin}/?db=profile-${width}`);
      await page.click(`#segment-list tr[data-segment="${seeded.everyone.id}"] button.link`);
      const ada = page.locator("#member-table").getByRole("button", { name: "Open the contact ada@example.test" });
      await ada.click();
      await page.waitForSelector("#profile[open] #profile-events li[data-event]");
      assert.equal(await page.evaluate(() => document.activeElement.id), "profile-heading", "focus moves into the dialog");
      assert.equal(await page.textContent("#profile-heading"), "ada@example.test");
      const props = await page.$$eval("#profile-properties tr", (rs) => rs.map((r) => [...r.children].map((c) => c.textContent)));
      assert.deepEqual(props, [["plan", "pro"], ["seats", "12"], ["country", "GB"]]);
      const segs = await page.$$eval("#profile-segments li[data-segment]", (ls) => ls.map((l) => l.dataset.segment));
      assert.ok(segs.includes(seeded.everyone.id) && segs.includes(seeded.active.id), `segments ${segs}`);
      const times = () => page.$$eval("#profile-events li[data-event]", (ls) => ls.length);
      assert.equal(await times(), 20);
      assert.equal(await page.textContent("#profile-events li[data-event] strong"), "purchase", "newest first: the purchase 6 hours ago");
      await checkScreen(page, "profile", width);
      await page.click("#profile-more");
      await page.waitForFunction(() => document.querySelectorAll("#profile-events li[data-event]").length === 40);
      await page.click("#profile-more");
      await page.waitForFunction(() => document.querySelectorAll("#profile-events li[data-event]").length === 45);
      assert.equal(await page.isVisible("#profile-more"), false, "no more pages");
      await page.keyboard.press("Escape");
      assert.equal(await page.isVisible("#profile"), false);
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), "Open the contact ada@example.test", "focus goes back to the row");
      // Explain stays reachable: from the profile, for the segment it was opened from.
      await ada.click();
      await page.click("#profile-explain");
      await page.waitForFunction(() => document.getElementById("explain-verdict")?.textContent.includes("ada@example.test matches the saved segment “Everyone”"));
      assert.equal(await page.evaluate(() => document.activeElement.id), "explain-verdict");
      // And from the preview's sample, against the rule being edited.
      await page.locator("#preview-sample tbody button").first().click();
      await page.waitForSelector("#profile[open]");
      assert.match(await page.textContent("#profile-explain"), /rule being edited/);
      await page.click("#profile-close");
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test(`members export to CSV: every member, quoted properly, with progress (${width})`, { skip: !hasChromium(), timeout: 90_000 }, async () => {
    const { context, page, errors } = await openPage(app, viewport);
    try {
      await load(page, `${app.origin}/?db=export-${width}`);
      await page.click(`#segment-list tr[data-segment="${seeded.everyone.id}"] button.link`);
      await page.waitForSelector("#member-table tbody tr td");
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#members-export")]);
      assert.equal(download.suggestedFilename(), "everyone-members.csv");
      const rows = parseCsv(await readFile(await download.path(), "utf8"));
      assert.deepEqual(rows[0], ["email", "contactId", "joinedAt", "properties"]);
      const members = [];
      for await (const m of await app.api.segments.listMembers(seeded.everyone.id, { limit: 100 })) members.push(m);
      assert.equal(rows.length - 1, members.length);
      assert.deepEqual(rows.slice(1).map((r) => r[0]), members.map((m) => m.email));
      const user4 = rows.find((r) => r[0] === "user04@example.test");
      assert.deepEqual(JSON.parse(user4[3]), { plan: "free", seats: 4, company: 'Acme, "the" best' }, "a comma and quotes survive");
      assert.match(user4[1], /^cnt_/);
      await page.waitForSelector("#export-status.ok");
      assert.match(await page.textContent("#export-status"), new RegExp(`Exported ${members.length} members of Everyone as a download`));
      await page.locator("#members").scrollIntoViewIfNeeded();
      await checkScreen(page, "members-export", width);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test(`after a rename the members heading and page label follow; after a delete the header does (${width})`, { skip: !hasChromium(), timeout: 90_000 }, async () => {
    const { context, page, errors } = await openPage(app, viewport);
    try {
      await load(page, `${app.origin}/?db=rename-${width}`);
      const segmentsIn = async () => Number(/(\d+) segments?$/.exec(await page.textContent("#stats"))[1]);
      const before = await segmentsIn();
      const name = `All of them ${width}`;
      await page.click("#tab-json");
      await page.fill("#rule-json", JSON.stringify({ operator: "and", conditions: [{ field: "email", op: "contains", value: "@" }] }));
      await page.fill("#segment-name", name);
      await page.click("#save-new");
      const saved = page.locator("#segment-list tr", { hasText: name });
      await saved.waitFor();
      await page.waitForFunction((n) => document.getElementById("stats").textContent.endsWith(`${n} segments`), before + 1);
      await page.waitForSelector(`#segment-list tr[data-status=ready] >> text=${name}`, { timeout: 20_000 });
      await saved.getByRole("button", { name: `Show members of ${name}` }).click();
      await page.waitForSelector("#member-table tbody tr td button");
      await page.click("#members-next");
      await page.waitForFunction(() => document.getElementById("members-page").textContent === "Page 2 of 3");
      // Rename it in the editor (it is being edited since the save).
      await page.fill("#segment-name", `${name} renamed`);
      await page.click("#save-changes");
      await page.waitForFunction((n) => document.getElementById("members-heading").textContent === `Members of ${n}`, `${name} renamed`);
      assert.equal(await page.textContent("#members-page"), "Page 2 of 3", "the page kept, its label current");
      await page.locator("#members").scrollIntoViewIfNeeded();
      await checkScreen(page, "segments-renamed", width);
      await page.getByRole("button", { name: `Delete ${name} renamed` }).click();
      await page.waitForFunction((n) => document.getElementById("stats").textContent.endsWith(`${n} segment${n === 1 ? "" : "s"}`), before);
      assert.equal(await page.isVisible("#members"), false, "the deleted segment's members are gone");
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}
