// js/http-client.js against the real Worker in workerd: every SDK method of
// the command table exists and round-trips over REST, errors keep their
// code, details and status, pages iterate with `for await`, waitForCompute
// waits, and subscribe() hears a live segment's changes by polling.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { COMMANDS } from "../../js/commands.js";
import { KraiterError } from "../../js/errors.js";
import { connect } from "../../js/http-client.js";
import { eventually, startWorker } from "./helpers.mjs";

let worker;
let origin;
let kraiter;

before(async () => {
  worker = await startWorker({ keys: ["http-client-key"], port: 0 });
  origin = new URL(await worker.mf.ready).origin;
  kraiter = connect({ baseUrl: origin, apiKey: "http-client-key", pollMs: 100 });
});
after(async () => {
  await kraiter?.close();
  await worker?.dispose();
});

test("the client has one method per SDK method of the table", () => {
  for (const c of COMMANDS.filter((c) => c.sdk !== false)) {
    const fn = c.resource ? kraiter[c.resource]?.[c.method] : kraiter[c.method];
    if (!c.rest && !c.local && c.name !== "segments.waitForCompute") continue; // no route: not over REST (changesHead)
    assert.equal(typeof fn, "function", c.name);
  }
  assert.equal(typeof kraiter.segments.subscribe, "function");
});

test("contacts and events round-trip", async () => {
  const ada = await kraiter.contacts.create({ email: "ada@example.test", properties: { plan: "pro", seats: 12 } });
  assert.match(ada.id, /^cnt_/);
  assert.deepEqual((await kraiter.contacts.get(ada.id)).properties, { plan: "pro", seats: 12 });
  assert.equal((await kraiter.contacts.getByEmail("ADA@example.test")).id, ada.id);
  assert.equal((await kraiter.contacts.update(ada.id, { properties: { plan: "enterprise" } })).properties.plan, "enterprise");
  assert.deepEqual(await kraiter.contacts.import([{ email: "bob@example.test", properties: { plan: "free" } }, { email: "ada@example.test" }]), { created: 1, updated: 1 });
  const event = await kraiter.events.track({ name: "login", email: "ada@example.test" });
  assert.equal(event.name, "login");
  assert.deepEqual(await kraiter.events.import([{ name: "login", email: "cy@example.test" }]), { imported: 1, contactsCreated: 1 });
  const cy = await kraiter.contacts.getByEmail("cy@example.test");
  assert.equal(await kraiter.contacts.delete(cy.id), undefined);
  await assert.rejects(kraiter.contacts.get(cy.id), (e) => e instanceof KraiterError && e.code === "NOT_FOUND" && e.status === 404);
  await assert.rejects(kraiter.contacts.getByEmail("nobody@example.test"), { code: "NOT_FOUND" });
});

test("pages carry nextCursor and iterate every item with for await", async () => {
  await kraiter.contacts.import(Array.from({ length: 25 }, (_, i) => ({ email: `p${i}@example.test` })));
  const first = await kraiter.contacts.list({ limit: 10 });
  assert.equal(first.data.length, 10);
  assert.ok(first.nextCursor);
  assert.deepEqual(Object.keys(first), ["data", "nextCursor"], "the page is the plain object");
  const emails = [];
  for await (const c of first) emails.push(c.email);
  assert.equal(new Set(emails).size, emails.length);
  assert.ok(emails.length >= 27, `${emails.length} contacts`);
  const second = await kraiter.contacts.list({ limit: 10, cursor: first.nextCursor });
  assert.notEqual(second.data[0].id, first.data[0].id);
});

test("segments: create, list, get, update, preview, explain, compute, members, changes, delete", async () => {
  const rules = { operator: "and", conditions: [{ field: "properties.plan", op: "eq", value: "enterprise" }] };
  const { count, sample } = await kraiter.segments.preview(rules, { limit: 5 });
  assert.equal(count, 1);
  assert.equal(sample[0].email, "ada@example.test");
  const seg = await kraiter.segments.create({ name: "Enterprise", rules });
  assert.equal(seg.status, "new");
  assert.ok((await kraiter.segments.list()).data.some((s) => s.id === seg.id));
  assert.equal((await kraiter.segments.get(seg.id)).name, "Enterprise");
  assert.equal((await kraiter.segments.update(seg.id, "Big accounts")).name, "Big accounts", "a string patch is the name");
  const receipt = await kraiter.segments.compute(seg.id);
  assert.deepEqual([receipt.segmentId, receipt.status], [seg.id, "computing"]);
  const done = await kraiter.segments.waitForCompute(seg.id);
  assert.equal(done.status, "ready");
  assert.equal(done.memberCount, 1);
  const members = await kraiter.segments.listMembers(seg.id, { limit: 10 });
  assert.equal(members.data[0].email, "ada@example.test");
  const ada = await kraiter.contacts.getByEmail("ada@example.test");
  assert.equal((await kraiter.segments.explain(seg.id, ada.id)).member, true);
  assert.equal((await kraiter.segments.explain(rules, ada.id)).member, true);
  const changes = [];
  for await (const c of await kraiter.segments.changes(seg.id, { limit: 1 })) changes.push(c);
  assert.deepEqual(changes.map((c) => [c.type, c.email]), [["entered", "ada@example.test"]]);
  assert.equal(await kraiter.segments.delete(seg.id), undefined);
  await assert.rejects(kraiter.segments.get(seg.id), { code: "NOT_FOUND", status: 404 });
});

test("schema, a contact's events and segments, and dry-run imports", async () => {
  const ada = await kraiter.contacts.getByEmail("ada@example.test");
  const schema = await kraiter.schema();
  assert.equal(schema.contacts.count, (await (async () => { let n = 0; for await (const _ of await kraiter.contacts.list({ limit: 100 })) n++; return n; })()));
  assert.ok(schema.contacts.properties.some((p) => p.key === "plan"));
  assert.ok(schema.events.names.some((e) => e.name === "login"));
  assert.ok(Date.parse(schema.dataChangedAt) > 0);
  await kraiter.events.track({ name: "purchase", contactId: ada.id, properties: { amount: 5 }, timestamp: "2020-01-01T00:00:00Z" });
  const events = [];
  for await (const e of await kraiter.contacts.events(ada.id, { limit: 1 })) events.push(e);
  assert.deepEqual(events.map((e) => e.name), ["login", "purchase"], "newest first, one page at a time");
  assert.equal(events[1].contactId, ada.id);
  const seg = await kraiter.segments.create({ name: "Has a plan", rules: { operator: "and", conditions: [{ field: "properties.plan", op: "exists" }] } });
  await kraiter.segments.compute(seg.id);
  await kraiter.segments.waitForCompute(seg.id);
  const memberships = await kraiter.contacts.segments(ada.id);
  assert.ok(memberships.data.some((s) => s.id === seg.id && s.name === "Has a plan" && s.joinedAt));
  await assert.rejects(kraiter.contacts.events("cnt_01M8SBW185XD6XRTAQPWCJZ8X0"), { code: "NOT_FOUND", status: 404 });
  const before = (await kraiter.schema()).contacts.count;
  assert.deepEqual(await kraiter.contacts.import([{ email: "dry@example.test" }], { dryRun: true }), { created: 1, updated: 0 });
  assert.deepEqual(await kraiter.events.import([{ name: "login", email: "dry2@example.test" }], { dryRun: true }), { imported: 1, contactsCreated: 1 });
  assert.equal((await kraiter.schema()).contacts.count, before, "a dry run stores nothing");
  await assert.rejects(kraiter.contacts.import([{ email: "nope" }], { dryRun: true }), (e) => e.code === "VALIDATION_ERROR" && e.details[0].path.startsWith("[0]"));
  await kraiter.segments.delete(seg.id);
});

test("errors keep their code, message, details and status", async () => {
  await assert.rejects(kraiter.segments.create({ name: "Broken", rules: [{ field: "properties.plan", op: "occurred" }] }), (e) => {
    assert.ok(e instanceof KraiterError);
    assert.equal(e.code, "VALIDATION_ERROR");
    assert.equal(e.status, 400);
    assert.ok(e.details.some((d) => d.path === "rules[0].op"), JSON.stringify(e.details));
    return true;
  });
  await assert.rejects(kraiter.contacts.list({ limit: 1000 }), (e) => e.code === "VALIDATION_ERROR" && e.details[0].path === "query.limit");
  await assert.rejects(kraiter.contacts.list({ limt: 5 }), (e) => e.code === "VALIDATION_ERROR" && e.details[0].path === "limt", "options are checked before any request");
  const stranger = connect({ baseUrl: origin, apiKey: "wrong-key" });
  await assert.rejects(stranger.segments.list(), (e) => e.code === "UNAUTHORISED" && e.status === 401 && /Unknown API key/.test(e.message));
  const nowhere = connect({ baseUrl: "http://127.0.0.1:9", apiKey: "k" });
  await assert.rejects(nowhere.segments.list(), (e) => e.code === "NETWORK_ERROR" && e.status === 0);
  assert.throws(() => connect({ baseUrl: origin, apiKey: " " }), { code: "VALIDATION_ERROR" });
});

test("subscribe polls the change feeds: a live segment's changes arrive, once, and stop after unsubscribe", async () => {
  const seg = await kraiter.segments.create({ name: "Logged in", live: true, rules: { operator: "and", conditions: [{ field: "events.login", op: "occurred", within: "1h" }] } });
  const all = [];
  const mine = [];
  const offAll = kraiter.segments.subscribe("*", (c) => all.push(c));
  const offMine = kraiter.segments.subscribe(seg.id, (c) => mine.push(c));
  await new Promise((r) => setTimeout(r, 300)); // the first poll notes where each feed ends
  await kraiter.events.track({ name: "login", email: "p1@example.test" });
  await eventually(() => all.some((c) => c.email === "p1@example.test") && mine.length > 0, { what: "the polled change" });
  assert.equal(all.filter((c) => c.email === "p1@example.test").length, 1);
  assert.equal(mine[0].type, "entered");
  assert.ok(!all.some((c) => c.email === "ada@example.test"), "changes from before subscribing are not replayed");
  offAll();
  offMine();
  await kraiter.events.track({ name: "login", email: "p2@example.test" });
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(!all.some((c) => c.email === "p2@example.test"), "no delivery after unsubscribe");
  assert.throws(() => kraiter.segments.subscribe("*", null), { code: "VALIDATION_ERROR" });
});
