// The import preview's pure parts: type inference of CSV cells, contacts vs
// events detection from the columns, the column mapping (defaults, user
// overrides, ignore) and what a mapping lacks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { columnType, inferCell, typeOf } from "../../www/lib/infer-types.js";
import { detectKind, mappingProblems, namesOf, previewColumns } from "../../www/lib/import-preview.js";
import { mappingFor, recordFromObject, recordFromRow, textColumns } from "../../www/lib/records.js";
import { readHead } from "../../www/lib/import-file.js";

test("inferCell: booleans in any case, numbers, empty is absent, the rest text", () => {
  for (const t of ["TRUE", "true", "True", " true "]) assert.equal(inferCell(t), true, t);
  for (const t of ["FALSE", "False", "false"]) assert.equal(inferCell(t), false, t);
  assert.equal(inferCell("42"), 42);
  assert.equal(inferCell("-3.5"), -3.5);
  assert.equal(inferCell("1e3"), 1000);
  assert.equal(inferCell(""), undefined);
  assert.equal(inferCell("   "), undefined);
  assert.equal(inferCell("007"), "007", "a leading zero is kept as text");
  assert.equal(inferCell("12345678901234567"), "12345678901234567", "17 digits would lose precision");
  assert.equal(inferCell("yes"), "yes");
  assert.equal(inferCell("2025-01-31"), "2025-01-31", "dates stay ISO strings");
});

test("typeOf and columnType: dates are ISO strings; mixed and empty columns say so", () => {
  assert.equal(typeOf("2025-01-31"), "date");
  assert.equal(typeOf("2025-01-31T10:00:00Z"), "date");
  assert.equal(typeOf("2025-13-45"), "string");
  assert.equal(typeOf("pro"), "string");
  assert.equal(typeOf(3), "number");
  assert.equal(typeOf(null), "null");
  assert.equal(typeOf(["a"]), "array");
  assert.equal(columnType([1, undefined, 2]), "number");
  assert.equal(columnType([true, false]), "boolean");
  assert.equal(columnType(["2025-01-01", "2024-12-31T00:00:00.000Z"]), "date");
  assert.equal(columnType([1, "x"]), "mixed (number, string)");
  assert.equal(columnType([undefined, undefined]), "empty");
});

test("detectKind: name + email/contactId is events, email alone contacts, people's names stay contacts", () => {
  assert.equal(detectKind(["name", "email", "timestamp"], ["login"]).kind, "events");
  assert.equal(detectKind(["name", "contactId"], ["login"]).kind, "events");
  assert.equal(detectKind(["email", "name"], ["login", "page_view"]).kind, "events");
  assert.equal(detectKind(["email", "plan"]).kind, "contacts");
  const people = detectKind(["email", "name", "score"], ["Smith, 0", "Ada Lovelace"]);
  assert.equal(people.kind, "contacts");
  assert.match(people.reason, /people's names/);
  assert.equal(detectKind(["email", "name", "timestamp"], ["Ada Lovelace"]).kind, "events", "a timestamp makes it events");
  assert.match(detectKind(["id", "plan"]).reason, /map a column to the email/);
});

test("mapping: defaults by column name, overrides, ignore; CSV properties typed, fields trimmed text", () => {
  const header = ["email", "plan", "beta", "seats", "properties.note", "secret"];
  const mapping = mappingFor("contacts", header, new Map([["secret", "ignore"], ["beta", "property"], ["nonsense", "email"]]));
  assert.deepEqual([...mapping], [["email", "email"], ["plan", "property"], ["beta", "property"], ["seats", "property"], ["properties.note", "property"], ["secret", "ignore"]]);
  assert.deepEqual(recordFromRow("contacts", header, [" a@x.test ", "pro", "TRUE", "", "hello", "pw"], mapping),
    { email: "a@x.test", properties: { plan: "pro", beta: true, note: "hello" } });
  // An override to a field the kind lacks falls back to the default.
  assert.equal(mappingFor("contacts", ["timestamp"], new Map([["timestamp", "timestamp"]])).get("timestamp"), "property");
  // Events: a column re-mapped to the event name.
  const ev = mappingFor("events", ["event", "email", "when"], new Map([["event", "name"], ["when", "timestamp"]]));
  assert.deepEqual(recordFromRow("events", ["event", "email", "when"], ["login", "a@x.test", "2025-01-01T00:00:00Z"], ev),
    { name: "login", email: "a@x.test", timestamp: "2025-01-01T00:00:00Z" });
  assert.deepEqual(mappingProblems("events", ev), []);
  assert.equal(mappingProblems("events", mappingFor("events", ["email"])).length, 1);
  assert.deepEqual(mappingProblems("contacts", mappingFor("contacts", ["plan"])), ["Map a column to Email: every contact needs one."]);
});

test("NDJSON objects: keys and properties.<key> as columns, values as written", () => {
  const obj = { name: "purchase", email: "a@x.test", amount: 30, properties: { via: "sso", ok: "TRUE" } };
  assert.deepEqual(recordFromObject("events", obj), { name: "purchase", email: "a@x.test", properties: { amount: 30, via: "sso", ok: "TRUE" } });
  assert.deepEqual(recordFromObject("events", obj, new Map([["properties.via", "ignore"]])),
    { name: "purchase", email: "a@x.test", properties: { amount: 30, ok: "TRUE" } });
  assert.deepEqual(recordFromObject("contacts", { email: "a@x.test", properties: "oops" }), { email: "a@x.test", properties: "oops" }, "left for the engine to refuse");
  assert.equal(recordFromObject("contacts", 5), 5);
});

test("previewColumns over a file's head: first rows, targets, inferred types", async () => {
  const csv = ["email,plan,active,signup,score,blank", ...Array.from({ length: 8 }, (_, i) => `u${i}@x.test,pro,${i % 2 ? "True" : "FALSE"},2025-01-0${i + 1},${i},`)].join("\n");
  const head = await readHead(new File([csv], "people.csv"), 5);
  assert.equal(head.rows.length, 5);
  assert.equal(head.rows[0].line, 2);
  assert.deepEqual(detectKind(head.columns, namesOf(head)).kind, "contacts");
  const cols = previewColumns(head, "contacts", new Map([["score", "ignore"]]));
  assert.deepEqual(cols.map((c) => [c.column, c.target, c.type]), [
    ["email", "email", "field"], ["plan", "property", "string"], ["active", "property", "boolean"],
    ["signup", "property", "date"], ["score", "ignore", "ignored"], ["blank", "property", "empty"]]);
  assert.deepEqual(cols[2].samples, ["FALSE", "True", "FALSE", "True", "FALSE"]);
  assert.deepEqual(cols[0].choices.map(([v]) => v), ["email", "property", "ignore"]);

  const nd = [{ name: "login", email: "a@x.test", properties: { via: "sso" } }, { name: "login", contactId: "c1", n: 2 }].map((o) => JSON.stringify(o)).join("\n");
  const h2 = await readHead(new File([nd], "e.ndjson"));
  assert.deepEqual(h2.columns, ["name", "email", "properties.via", "contactId", "n"]);
  assert.equal(detectKind(h2.columns, namesOf(h2)).kind, "events");
  assert.deepEqual(previewColumns(h2, "events").map((c) => c.samples), [["login", "login"], ["a@x.test", ""], ["sso", ""], ["", "c1"], ["", "2"]]);
});

test("textColumns: the engine's CSV import stores what recordFromRow and an array import store", async () => {
  const { Kraiter } = await import("kraiter-segments");
  const header = ["Email", "plan", "score", "flag", "note", "secret", ""];
  const rows = [
    [" a@x.test ", "pro", "007", "TRUE", " padded ", "pw", "x"],
    ["b@x.test", "", "-1.5e3", "false", "say \"hi\", then go", "", ""],
    ["c@x.test", "12345678901234567", "42", "yes", "", "", ""],
  ];
  const mapping = mappingFor("contacts", header, new Map([["Email", "email"], ["secret", "ignore"]]));
  assert.deepEqual(textColumns("contacts", header, mapping), ["email", "properties.plan", "properties.score", "properties.flag", "properties.note", null, null]);
  const quote = (c) => (/[",]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
  const csv = [header, ...rows].map((r) => r.map(quote).join(",")).join("\r\n");
  const viaText = await Kraiter.open();
  await viaText.contacts.import(csv, { format: "csv", columns: textColumns("contacts", header, mapping) });
  const viaRecords = await Kraiter.open();
  await viaRecords.contacts.import(rows.map((r) => recordFromRow("contacts", header, r, mapping)));
  const dump = async (k) => (await k.contacts.list()).data.map(({ email, properties }) => ({ email, properties }));
  assert.deepEqual(await dump(viaText), await dump(viaRecords));
  assert.deepEqual((await dump(viaText))[0].properties, { plan: "pro", score: "007", flag: true, note: " padded " });
});
