// contacts.import / events.import given NDJSON or CSV text (README, "Imports
// from text") through the real package: every form of text, dry runs, the
// errors, and a reopen that replays the text from the log.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Kraiter } from "kraiter-segments";
import { open, rejects, T0 } from "./helpers.mjs";

const CONTACTS_CSV = "\uFEFFemail,properties.plan,properties.seats,properties.vip,suppressed\r\na@x.io,pro,12,true,\r\nb@x.io,\"free, for now\",007,FALSE,true\r\n";
const EVENTS_NDJSON = [
  { name: "login", email: "a@x.io", timestamp: new Date(T0 - 1000).toISOString() },
  { name: "purchase", email: "c@x.io", timestamp: T0 - 2000, properties: { amount: 20 } },
].map((r) => JSON.stringify(r)).join("\n");

test("text imports: CSV and NDJSON from a string, bytes, a Blob, a stream and an async iterable", async () => {
  const { kraiter } = await open();
  assert.deepEqual(await kraiter.contacts.import(CONTACTS_CSV), { created: 2, updated: 0 });
  const b = await kraiter.contacts.getByEmail("b@x.io");
  // Property cells are typed like the app types them: 007 stays text.
  assert.deepEqual([b.properties, b.suppressed], [{ plan: "free, for now", seats: "007", vip: false }, true]);
  assert.deepEqual((await kraiter.contacts.getByEmail("a@x.io")).properties, { plan: "pro", seats: 12, vip: true });
  assert.deepEqual(await kraiter.events.import(EVENTS_NDJSON), { imported: 2, contactsCreated: 1 });
  const bytes = new TextEncoder().encode("name,email\nopen,a@x.io\n");
  assert.deepEqual(await kraiter.events.import(bytes), { imported: 1, contactsCreated: 0 });
  assert.deepEqual(await kraiter.events.import(new Blob(["name,email\nopen,", "b@x.io\n"])), { imported: 1, contactsCreated: 0 });
  const stream = new ReadableStream({
    start(c) {
      for (const chunk of ["name,em", "ail\nopen,a@x", ".io\n"]) c.enqueue(new TextEncoder().encode(chunk));
      c.close();
    },
  });
  assert.deepEqual(await kraiter.events.import(stream, { format: "csv" }), { imported: 1, contactsCreated: 0 });
  async function* lines() {
    yield '{"name":"open",';
    yield '"email":"c@x.io"}\n';
  }
  assert.deepEqual(await kraiter.events.import(lines()), { imported: 1, contactsCreated: 0 });
  const count = async (rules) => (await kraiter.segments.preview(rules, { limit: 0 })).count;
  assert.equal(await count([{ field: "events.open", op: "occurred", having: { fn: "count", op: "gte", value: 2 } }]), 1);
  assert.equal(await count([{ field: "events.purchase", op: "occurred", having: { fn: "sum", property: "amount", op: "eq", value: 20 } }]), 1);
});

test("text imports: dry runs count and store nothing; bad text is a VALIDATION_ERROR with paths", async () => {
  const { kraiter } = await open();
  assert.deepEqual(await kraiter.contacts.import(CONTACTS_CSV, { dryRun: true }), { created: 2, updated: 0 });
  assert.equal((await kraiter.contacts.list()).data.length, 0);
  const e = await rejects(assert, kraiter.events.import("name,email,timestamp\nlogin,a@x.io,\nlogin,nope,\nlogin,a@x.io,soon\n"), "VALIDATION_ERROR");
  assert.deepEqual(e.details.map((d) => d.path), ["[1].email", "[2].timestamp"]);
  assert.equal((await kraiter.contacts.list()).data.length, 0);
  const col = await rejects(assert, kraiter.contacts.import("email,plann\na@x.io,pro\n"), "VALIDATION_ERROR");
  assert.deepEqual(col.details.map((d) => d.path), ["columns[1]"]);
  await rejects(assert, kraiter.contacts.import("a,b\n1,2\n", { columns: ["email"] }), "VALIDATION_ERROR");
  await rejects(assert, kraiter.contacts.import("x", { format: "xml" }), "VALIDATION_ERROR");
  await rejects(assert, kraiter.contacts.import("x", { colums: [] }), "VALIDATION_ERROR");
  await rejects(assert, kraiter.contacts.import([{ email: "a@x.io" }], { format: "csv" }), "VALIDATION_ERROR");
  await rejects(assert, kraiter.contacts.import("email\n\ud800@x.io\n"), "VALIDATION_ERROR");
  await rejects(assert, kraiter.contacts.import(new Uint8Array([0x65, 0xff, 0x0a])), "VALIDATION_ERROR");
  const skip = await kraiter.contacts.import("Mail,Ignored\nz@x.io,1\n", { columns: ["email", null] });
  assert.deepEqual(skip, { created: 1, updated: 0 });
});

test("text imports: the log keeps the text, and a reopen replays it", async () => {
  // A storage that keeps what it was given, so a reopen replays the log
  // (close() would compact it into a snapshot).
  const log = [];
  const recording = { load: async () => ({ snapshot: null, log: [...log] }), append: async (e) => void log.push(e), compact: async () => {}, close: async () => {} };
  const k = await Kraiter.open({ storage: recording, now: () => T0 });
  await k.contacts.import(CONTACTS_CSV);
  await k.events.import(EVENTS_NDJSON);
  assert.ok(log.some((e) => e.startsWith('{"cmd":"contacts.import"') && e.endsWith(CONTACTS_CSV.slice(1))), "the entry is the command, then the text");
  const before = await k.contacts.list({ limit: 10 });
  const again = await Kraiter.open({ storage: { ...recording, append: async () => {} }, now: () => T0 });
  assert.deepEqual(await again.contacts.list({ limit: 10 }), before);
  assert.equal((await again.segments.preview([{ field: "events.login", op: "occurred" }], { limit: 0 })).count, 1);
  await again.close();
  await k.close();
});
