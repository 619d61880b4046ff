// The REST API (README.md "The REST API") against the Worker in real workerd: every
// route with its status codes and the error envelope, auth, limits on list
// pages and bodies, 404/405, and compute answering 202 with members appearing.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { startWorker, eventually } from "./helpers.mjs";

const KEY = "test-key-api";
let worker;
const call = (method, path, options = {}) => worker.call(method, path, { key: KEY, ...options });

before(async () => { worker = await startWorker({ keys: [KEY, "other-key"] }); });
after(() => worker?.dispose());

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const RULES = { operator: "and", conditions: [{ field: "properties.plan", op: "eq", value: "pro" }] };

/** Asserts the error envelope: exact status, code, a message, and only the allowed keys. */
function assertError(response, status, code) {
  assert.equal(response.status, status, `expected ${status}, got ${response.status}: ${response.text}`);
  assert.match(response.headers.get("content-type") ?? "", /application\/json/);
  assert.deepEqual(Object.keys(response.json), ["error"]);
  const { error } = response.json;
  assert.equal(error.code, code);
  assert.equal(typeof error.message, "string");
  assert.ok(error.message.length > 0);
  for (const key of Object.keys(error)) assert.ok(["code", "message", "details"].includes(key), `unexpected key ${key}`);
  return error;
}

function assertOk(response, status) {
  assert.equal(response.status, status, `expected ${status}, got ${response.status}: ${response.text}`);
  if (status !== 204) assert.match(response.headers.get("content-type") ?? "", /application\/json/);
  return response.json;
}

describe("auth", () => {
  test("no Authorization header is 401 UNAUTHORISED", async () => {
    assertError(await worker.call("GET", "/api/segments", { key: null }), 401, "UNAUTHORISED");
  });
  test("an unknown key is 401", async () => {
    assertError(await worker.call("GET", "/api/segments", { key: "not-a-key" }), 401, "UNAUTHORISED");
  });
  test("a key that is a prefix or extension of a real key is 401", async () => {
    assertError(await worker.call("GET", "/api/segments", { key: KEY.slice(0, -1) }), 401, "UNAUTHORISED");
    assertError(await worker.call("GET", "/api/segments", { key: KEY + "x" }), 401, "UNAUTHORISED");
  });
  test("a non-Bearer scheme is 401", async () => {
    const response = await worker.call("GET", "/api/segments", { key: null, headers: { authorization: `Basic ${KEY}` } });
    assertError(response, 401, "UNAUTHORISED");
  });
  test("every API route, and unknown API paths, need the key", async () => {
    for (const [method, path] of [["POST", "/api/segments"], ["GET", "/api/contacts/cnt_x"], ["POST", "/api/events"], ["GET", "/api/unknown"]]) {
      assertError(await worker.call(method, path, { key: null, body: {} }), 401, "UNAUTHORISED");
    }
  });
  test("the scheme is case-insensitive", async () => {
    const response = await worker.call("GET", "/api/segments", { key: null, headers: { authorization: `bearer ${KEY}` } });
    assertOk(response, 200);
  });
});

describe("segments", () => {
  test("create → 201, get, list, update, delete → 204, then 404", async () => {
    const created = assertOk(await call("POST", "/api/segments", { body: { name: "Pro", rules: RULES } }), 201);
    assert.match(created.id, /^seg_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.equal(created.name, "Pro");
    assert.deepEqual(created.rules, RULES);
    assert.equal(created.memberCount, 0);
    assert.equal(created.computedAt, null);
    assert.match(created.createdAt, ISO);
    assert.match(created.updatedAt, ISO);

    assert.deepEqual(assertOk(await call("GET", `/api/segments/${created.id}`), 200), created);
    const listed = assertOk(await call("GET", "/api/segments?limit=100"), 200);
    assert.ok(listed.data.some((s) => s.id === created.id));
    assert.ok("nextCursor" in listed);

    const updated = assertOk(await call("PATCH", `/api/segments/${created.id}`, { body: { name: "Pro users" } }), 200);
    assert.equal(updated.name, "Pro users");
    assert.deepEqual(updated.rules, RULES);

    const deleted = await call("DELETE", `/api/segments/${created.id}`);
    assertOk(deleted, 204);
    assert.equal(deleted.text, "");
    assertError(await call("GET", `/api/segments/${created.id}`), 404, "NOT_FOUND");
    assertError(await call("DELETE", `/api/segments/${created.id}`), 404, "NOT_FOUND");
    assertError(await call("PATCH", `/api/segments/${created.id}`, { body: { name: "x" } }), 404, "NOT_FOUND");
  });

  test("long op spellings are stored in canonical form", async () => {
    const created = assertOk(await call("POST", "/api/segments", {
      body: { name: "Long", rules: [{ field: "properties.seats", op: "greaterThanOrEquals", value: 10 }] },
    }), 201);
    assert.equal(JSON.stringify(created.rules).includes("greaterThanOrEquals"), false);
    assert.ok(JSON.stringify(created.rules).includes('"gte"'));
  });

  test("invalid rules are 400 VALIDATION_ERROR with a path into the input", async () => {
    const bad = { operator: "and", conditions: [RULES.conditions[0], { field: "properties.plan", op: "bogus", value: 1 }] };
    const error = assertError(await call("POST", "/api/segments", { body: { name: "Bad", rules: bad } }), 400, "VALIDATION_ERROR");
    assert.ok(Array.isArray(error.details) && error.details.length > 0);
    assert.ok(error.details.some((d) => d.path === "rules.conditions[1].op"), JSON.stringify(error.details));
  });

  test("a missing name is 400, and so is an invalid update", async () => {
    assertError(await call("POST", "/api/segments", { body: { rules: RULES } }), 400, "VALIDATION_ERROR");
    const created = assertOk(await call("POST", "/api/segments", { body: { name: "Keep", rules: RULES } }), 201);
    assertError(await call("PATCH", `/api/segments/${created.id}`, { body: { name: "" } }), 400, "VALIDATION_ERROR");
    assert.equal(assertOk(await call("GET", `/api/segments/${created.id}`), 200).name, "Keep");
  });

  test("list pages by cursor without repeats or gaps; bad limit and cursor are 400", async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(assertOk(await call("POST", "/api/segments", { body: { name: `page ${i}`, rules: RULES } }), 201).id);
    const seen = [];
    let cursor = null;
    let pages = 0;
    do {
      const query = `limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page = assertOk(await call("GET", `/api/segments?${query}`), 200);
      assert.ok(page.data.length <= 2);
      seen.push(...page.data.map((s) => s.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    assert.equal(new Set(seen).size, seen.length, "no repeats");
    for (const id of ids) assert.ok(seen.includes(id), `${id} listed`);
    assert.deepEqual(seen.filter((id) => ids.includes(id)), ids, "creation order");

    for (const limit of ["0", "101", "abc", "1.5", "-1", ""]) {
      assertError(await call("GET", `/api/segments?limit=${limit}`), 400, "VALIDATION_ERROR");
    }
    assertError(await call("GET", "/api/segments?cursor=not-a-cursor"), 400, "VALIDATION_ERROR");
  });

  test("preview → 200 { count, sample } and stores nothing", async () => {
    const email = `preview-${Date.now()}@example.com`;
    assertOk(await call("POST", "/api/contacts", { body: { email, properties: { tier: "preview-only" } } }), 201);
    const before = assertOk(await call("GET", "/api/segments?limit=100"), 200).data.length;
    const preview = assertOk(await call("POST", "/api/segments/preview", {
      body: { rules: [{ field: "properties.tier", op: "eq", value: "preview-only" }], limit: 5 },
    }), 200);
    assert.equal(preview.count, 1);
    assert.equal(preview.sample[0].email, email);
    assert.equal(assertOk(await call("GET", "/api/segments?limit=100"), 200).data.length, before);
    assertError(await call("POST", "/api/segments/preview", { body: { rules: { operator: "xor", conditions: [] } } }), 400, "VALIDATION_ERROR");
  });
});

describe("compute", () => {
  test("202 at once, then memberCount, computedAt and members appear", async () => {
    const tag = `c${Date.now()}`;
    const contacts = [];
    for (let i = 0; i < 6; i++) {
      contacts.push(assertOk(await call("POST", "/api/contacts", {
        body: { email: `${tag}-${i}@example.com`, properties: { plan: i % 2 ? "pro" : "free", cohort: tag } },
      }), 201));
    }
    // One free contact logged in recently: the `or` branch lets it in.
    assertOk(await call("POST", "/api/events", { body: { name: "login", contactId: contacts[0].id } }), 201);
    const rules = {
      operator: "and",
      conditions: [
        { field: "properties.cohort", op: "eq", value: tag },
        { operator: "or", conditions: [
          { field: "properties.plan", op: "eq", value: "pro" },
          { field: "events.login", op: "occurred", within: "7d" },
        ] },
      ],
    };
    const segment = assertOk(await call("POST", "/api/segments", { body: { name: "Computed", rules } }), 201);
    const queued = assertOk(await call("POST", `/api/segments/${segment.id}/compute`), 202);
    assert.deepEqual(Object.keys(queued).sort(), ["queuedAt", "segmentId", "status"]);
    assert.equal(queued.segmentId, segment.id);
    assert.equal(queued.status, "computing");
    assert.match(queued.queuedAt, ISO);

    const done = await eventually(async () => {
      const s = assertOk(await call("GET", `/api/segments/${segment.id}`), 200);
      return s.computedAt ? s : null;
    }, { what: "the computation to finish" });
    assert.equal(done.memberCount, 4);
    assert.match(done.computedAt, ISO);

    const members = assertOk(await call("GET", `/api/segments/${segment.id}/members?limit=100`), 200);
    const expected = [contacts[0], contacts[1], contacts[3], contacts[5]].map((c) => c.id).sort();
    assert.deepEqual(members.data.map((m) => m.id), expected, "members in contact id order");
    assert.equal(members.nextCursor, null);
    for (const member of members.data) {
      assert.deepEqual(Object.keys(member).sort(), ["email", "id", "joinedAt", "properties"]);
      assert.match(member.joinedAt, ISO);
    }
    const firstPage = assertOk(await call("GET", `/api/segments/${segment.id}/members?limit=3`), 200);
    assert.equal(firstPage.data.length, 3);
    const secondPage = assertOk(await call("GET", `/api/segments/${segment.id}/members?limit=3&cursor=${encodeURIComponent(firstPage.nextCursor)}`), 200);
    assert.deepEqual([...firstPage.data, ...secondPage.data].map((m) => m.id), expected);
    assertError(await call("GET", `/api/segments/${segment.id}/members?limit=500`), 400, "VALIDATION_ERROR");
  });

  test("compute and members of an unknown segment are 404", async () => {
    assertError(await call("POST", "/api/segments/seg_01K00000000000000000000000/compute"), 404, "NOT_FOUND");
    assertError(await call("GET", "/api/segments/seg_01K00000000000000000000000/members"), 404, "NOT_FOUND");
  });
});

describe("contacts", () => {
  test("create → 201, conflict → 409, get, update merges, list, delete → 204", async () => {
    const email = `Alice-${Date.now()}@Example.com`;
    const created = assertOk(await call("POST", "/api/contacts", { body: { email, properties: { plan: "pro", seats: 3 } } }), 201);
    assert.match(created.id, /^cnt_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.equal(created.suppressed, false);
    assert.deepEqual(created.properties, { plan: "pro", seats: 3 });
    assert.match(created.createdAt, ISO);

    assertError(await call("POST", "/api/contacts", { body: { email: email.toLowerCase() } }), 409, "CONFLICT");
    assert.deepEqual(assertOk(await call("GET", `/api/contacts/${created.id}`), 200), created);

    const updated = assertOk(await call("PATCH", `/api/contacts/${created.id}`, { body: { properties: { seats: null, team: "a" } } }), 200);
    assert.deepEqual(updated.properties, { plan: "pro", team: "a" });

    const listed = assertOk(await call("GET", "/api/contacts?limit=100"), 200);
    assert.ok(listed.data.some((c) => c.id === created.id));
    assertError(await call("GET", "/api/contacts?limit=0"), 400, "VALIDATION_ERROR");

    assertOk(await call("DELETE", `/api/contacts/${created.id}`), 204);
    assertError(await call("GET", `/api/contacts/${created.id}`), 404, "NOT_FOUND");
    assertError(await call("PATCH", `/api/contacts/${created.id}`, { body: { properties: {} } }), 404, "NOT_FOUND");
    assertError(await call("DELETE", `/api/contacts/${created.id}`), 404, "NOT_FOUND");
  });

  test("an invalid contact is 400", async () => {
    assertError(await call("POST", "/api/contacts", { body: { properties: {} } }), 400, "VALIDATION_ERROR");
  });

  test("import upserts by email → 200 { created, updated }; a bad record rejects the batch", async () => {
    const tag = `imp${Date.now()}`;
    const batch = [{ email: `${tag}-1@example.com`, properties: { n: 1 } }, { email: `${tag}-2@example.com` }];
    assert.deepEqual(assertOk(await call("POST", "/api/contacts/import", { body: batch }), 200), { created: 2, updated: 0 });
    const again = [{ email: `${tag}-1@example.com`, properties: { n: 2 } }, { email: `${tag}-3@example.com` }];
    assert.deepEqual(assertOk(await call("POST", "/api/contacts/import", { body: again }), 200), { created: 1, updated: 1 });
    const bad = [{ email: `${tag}-4@example.com` }, { properties: {} }];
    const error = assertError(await call("POST", "/api/contacts/import", { body: bad }), 400, "VALIDATION_ERROR");
    assert.ok(JSON.stringify(error.details).includes("[1]") || JSON.stringify(error.details).includes("1"), JSON.stringify(error.details));
    const all = assertOk(await call("GET", "/api/contacts?limit=100"), 200).data;
    assert.equal(all.some((c) => c.email === `${tag}-4@example.com`), false, "nothing of a rejected batch is kept");
    assertError(await call("POST", "/api/contacts/import", { body: { contacts: batch } }), 400, "VALIDATION_ERROR");
  });
});

describe("events", () => {
  test("track by email creates the contact → 201; unknown contactId → 404; both ids → 400", async () => {
    const email = `events-${Date.now()}@example.com`;
    const event = assertOk(await call("POST", "/api/events", { body: { name: "signup", email, properties: { source: "ad" } } }), 201);
    assert.match(event.id, /^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.match(event.contactId, /^cnt_/);
    assert.equal(event.name, "signup");
    assert.match(event.timestamp, ISO);
    assert.equal(assertOk(await call("GET", `/api/contacts/${event.contactId}`), 200).email, email);

    assertError(await call("POST", "/api/events", { body: { name: "x", contactId: "cnt_01K00000000000000000000000" } }), 404, "NOT_FOUND");
    assertError(await call("POST", "/api/events", { body: { name: "x", email, contactId: event.contactId } }), 400, "VALIDATION_ERROR");
  });

  test("import → 200 { imported, contactsCreated }", async () => {
    const tag = `ev${Date.now()}`;
    const result = assertOk(await call("POST", "/api/events/import", {
      body: [{ name: "page", email: `${tag}@example.com` }, { name: "page", email: `${tag}@example.com`, timestamp: "2025-01-01T00:00:00.000Z" }],
    }), 200);
    assert.deepEqual(result, { imported: 2, contactsCreated: 1 });
  });
});

describe("HTTP errors", () => {
  test("malformed JSON is 400 VALIDATION_ERROR", async () => {
    assertError(await call("POST", "/api/segments", { raw: '{"name": "x", ', headers: { "content-type": "application/json" } }), 400, "VALIDATION_ERROR");
    assertError(await call("POST", "/api/contacts", { raw: "not json" }), 400, "VALIDATION_ERROR");
    assertError(await call("PATCH", "/api/segments/seg_x", { raw: "{" }), 400, "VALIDATION_ERROR");
  });
  test("a body that is JSON but not an object is 400; an empty body too", async () => {
    assertError(await call("POST", "/api/segments", { body: ["name"] }), 400, "VALIDATION_ERROR");
    assertError(await call("POST", "/api/events", { body: "login" }), 400, "VALIDATION_ERROR");
    assertError(await call("POST", "/api/contacts"), 400, "VALIDATION_ERROR");
  });
  test("a body over 1 MB is 413, with or without Content-Length; 1 MB exactly is read", async () => {
    const over = JSON.stringify({ name: "x", rules: RULES, pad: "p".repeat(1024 * 1024) });
    assertError(await call("POST", "/api/segments", { raw: over }), 413, "PAYLOAD_TOO_LARGE");
    assertError(await call("POST", "/api/segments/seg_x/compute", { raw: over }), 413, "PAYLOAD_TOO_LARGE");
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream({
      pull(controller) {
        if (sent >= 20) return controller.close();
        sent++;
        controller.enqueue(chunk);
      },
    });
    assertError(await call("POST", "/api/contacts/import", { raw: stream }), 413, "PAYLOAD_TOO_LARGE");
    // Exactly at the limit: read and parsed (a contact whose property pads it out).
    const email = `big-${Date.now()}@example.com`;
    const base = JSON.stringify({ email, properties: { blob: "" } });
    const exact = JSON.stringify({ email, properties: { blob: "p".repeat(1024 * 1024 - base.length) } });
    assert.equal(Buffer.byteLength(exact), 1024 * 1024);
    assertOk(await call("POST", "/api/contacts", { raw: exact }), 201);
  });
  test("an unknown route is 404 NOT_FOUND in the envelope", async () => {
    assertError(await call("GET", "/api/nope"), 404, "NOT_FOUND");
    assertError(await call("GET", "/api/segments/seg_x/nope"), 404, "NOT_FOUND");
    assertError(await call("GET", "/elsewhere"), 404, "NOT_FOUND");
  });
  test("a wrong method is 405 with an Allow header", async () => {
    for (const [method, path, allow] of [
      ["PUT", "/api/segments", "GET, HEAD, POST, OPTIONS"],
      ["DELETE", "/api/segments", "GET, HEAD, POST, OPTIONS"],
      ["POST", "/api/segments/seg_x", "GET, HEAD, PATCH, DELETE, OPTIONS"],
      ["GET", "/api/segments/seg_x/compute", "POST, OPTIONS"],
      ["GET", "/api/events", "POST, OPTIONS"],
      ["PUT", "/api/contacts/cnt_x", "GET, HEAD, PATCH, DELETE, OPTIONS"],
    ]) {
      const response = await call(method, path, { body: {} });
      assertError(response, 405, "METHOD_NOT_ALLOWED");
      assert.equal(response.headers.get("allow"), allow, `${method} ${path}`);
    }
  });
});
