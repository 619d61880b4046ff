// The app's data import and demo generator, run in Node against a real
// Kraiter: CSV edge cases (quotes, commas and newlines in quotes, CRLF, BOM),
// typed cells, NDJSON, the whole file as one import call, and bad records
// reported by file line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Kraiter } from "../../js/node.js";
import { createCsvReader } from "../../www/lib/csv.js";
import { detailsAtLines, readRecords } from "../../www/lib/import-file.js";
import { generateDemo } from "../../www/lib/demo-data.js";

const readCsv = (text, chunk = 3) => {
  const rows = [];
  const r = createCsvReader((cells, line) => rows.push([line, cells]));
  for (let i = 0; i < text.length; i += chunk) r.push(text.slice(i, i + chunk));
  r.end();
  return rows;
};

test("csv: quotes, doubled quotes, separators inside quotes, CRLF, blank lines, any chunking", () => {
  const text = 'a,b,c\r\n"x, y","say ""hi""","two\nlines"\r\n\r\nplain,,end\nlast,row,"no newline"';
  for (const chunk of [1, 2, 5, 1000]) {
    assert.deepEqual(readCsv(text, chunk), [
      [1, ["a", "b", "c"]],
      [2, ["x, y", 'say "hi"', "two\nlines"]],
      [5, ["plain", "", "end"]],
      [6, ["last", "row", "no newline"]],
    ]);
  }
  assert.throws(() => readCsv('a\n"open'), /not closed/);
});

test("contacts CSV: columns become typed properties, read in one pass, imported in one call upserting by email", async () => {
  const k = await Kraiter.open();
  const rows = ["\uFEFFemail,plan,seats,beta,properties.note"];
  for (let i = 0; i < 25; i++) rows.push(`u${i}@x.test,${i % 2 ? "pro" : "free"},${i},${i % 3 === 0 ? "TRUE" : "false"},"hello, ${i}"`);
  rows.push("U0@X.test,enterprise,,,"); // same contact as u0, different case
  const seen = [];
  const file = new File([rows.join("\r\n")], "people.csv");
  const { format, records, lines } = await readRecords(file, { kind: "contacts", mapping: new Map() }, { onProgress: (p) => seen.push(p) });
  assert.equal(format, "csv");
  assert.equal(records.length, 26);
  assert.equal(lines[0], 2);
  assert.ok(seen.length >= 1 && seen.at(-1).done === seen.at(-1).total);
  // U0@X.test is u0, created in the same call: one contact, counted once as created.
  assert.deepEqual(await k.contacts.import(records), { created: 25, updated: 0 });
  const pro = await k.segments.preview({ operator: "and", conditions: [{ field: "properties.plan", op: "eq", value: "pro" }] });
  assert.equal(pro.count, 12);
  const big = await k.segments.preview([{ field: "properties.seats", op: "gte", value: 20 }]);
  assert.equal(big.count, 5); // 20..24 are numbers, not strings
  const beta = await k.segments.preview([{ field: "properties.beta", op: "eq", value: true }]);
  assert.equal(beta.count, 9); // 0, 3, …, 24 ("TRUE"): an empty cell leaves u0's beta as it was (upsert merges)
  const note = await k.segments.preview([{ field: "properties.note", op: "eq", value: "hello, 7" }], { limit: 1 });
  assert.equal(note.sample[0].email, "u7@x.test");
  await k.close();
});

test("events NDJSON: records as written, extra keys as properties; errors point at file lines", async () => {
  const k = await Kraiter.open();
  const lines = [
    JSON.stringify({ name: "login", email: "a@x.test", timestamp: "2025-01-01T00:00:00.000Z" }),
    "",
    JSON.stringify({ name: "purchase", email: "b@x.test", amount: 30 }),
    JSON.stringify({ name: "login", email: "b@x.test", properties: { via: "sso" } }),
  ];
  const r = await readRecords(new File([lines.join("\n")], "events.ndjson"), { kind: "events", mapping: new Map() });
  assert.equal(r.format, "ndjson");
  assert.deepEqual(r.lines, [1, 3, 4]);
  assert.deepEqual(await k.events.import(r.records), { imported: 3, contactsCreated: 2 });
  const spent = await k.segments.preview([{ field: "events.purchase", op: "occurred" }]);
  assert.equal(spent.count, 1);

  const bad = [JSON.stringify({ name: "x", email: "c@x.test" }), "", JSON.stringify({ name: "y", email: "d@x.test", timestamp: "not a date" })];
  const b = await readRecords(new File([bad.join("\n")], "bad.ndjson"), { kind: "events", mapping: new Map() });
  await assert.rejects(k.events.import(b.records), (err) => {
    const [d] = detailsAtLines(err.details, b.lines);
    return err.code === "VALIDATION_ERROR" && d.path === "line 3 timestamp";
  });
  assert.equal((await k._debugStats()).contacts, 2, "one call: nothing of the failed import is kept");
  await assert.rejects(readRecords(new File(["{oops\n"], "x.ndjson"), { kind: "events", mapping: new Map() }), /line 1: not valid JSON/);
  await assert.rejects(readRecords(new File([""], "x.csv"), { kind: "contacts", mapping: new Map() }), /CSV file is empty/);
  await k.close();
});

test("demo data: the requested number of contacts and about three events each, the same for the same seed", async () => {
  const run = async () => {
    const k = await Kraiter.open();
    const r = await generateDemo(k, { contacts: 2000, seed: 7, now: Date.parse("2025-06-01T00:00:00Z") });
    const pro = (await k.segments.preview([{ field: "properties.plan", op: "eq", value: "pro" }])).count;
    await k.close();
    return { ...r, pro };
  };
  const a = await run();
  assert.equal(a.contacts, 2000);
  assert.equal(a.created, 2000);
  assert.ok(a.events > 4000 && a.events < 8000, `events: ${a.events}`);
  assert.ok(a.pro > 200 && a.pro < 520, `pro: ${a.pro}`);
  assert.deepEqual(await run(), a);
});
