// REST details of the hardening issue against the Worker in real workerd:
// deeply nested input is a 400 (never a 500), contacts by email, HEAD, CORS
// for listed origins only, unknown and repeated query parameters, preview
// with limit 0, a segment's status, a body id that contradicts the path, and
// validation details passing through the envelope.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { startWorker, eventually } from "./helpers.mjs";

const KEY = "test-key-rest";
const ORIGIN = "https://app.example.com";
let worker;
const call = (method, path, options = {}) => worker.call(method, path, { key: KEY, ...options });

before(async () => {
  worker = await startWorker({ keys: [KEY], corsOrigins: [ORIGIN, "http://localhost:5173"] });
});
after(() => worker?.dispose());

const PRO = [{ field: "properties.plan", op: "eq", value: "pro" }];

function assertError(response, status, code) {
  const text = response.text.length > 400 ? `${response.text.slice(0, 400)}…` : response.text;
  assert.equal(response.status, status, `expected ${status}, got ${response.status}: ${text}`);
  assert.equal(response.json?.error?.code, code, text);
  return response.json.error;
}

const nestedGroups = (depth) => {
  let node = PRO[0];
  for (let i = 0; i < depth; i++) node = { operator: "and", conditions: [node] };
  return node;
};
/** JSON text of `depth` nested arrays: built as text, because JSON.stringify itself overflows the stack on it. */
const nestedArrays = (depth) => `${"[".repeat(depth)}"x"${"]".repeat(depth)}`;
/** A body as JSON text with `deep` (JSON text) spliced in for the string "DEEP". */
const splice = (body, deep) => JSON.stringify(body).replace('"DEEP"', deep);

describe("deeply nested input is a 400 VALIDATION_ERROR, never a stack overflow", () => {
  test("2,000 nested groups in rules (create, update, preview)", async () => {
    const rules = nestedGroups(2000);
    assertError(await call("POST", "/api/segments", { body: { name: "deep", rules } }), 400, "VALIDATION_ERROR");
    assertError(await call("POST", "/api/segments/preview", { body: { rules } }), 400, "VALIDATION_ERROR");
    const s = (await call("POST", "/api/segments", { body: { name: "shallow", rules: PRO } })).json;
    assertError(await call("PATCH", `/api/segments/${s.id}`, { body: { rules } }), 400, "VALIDATION_ERROR");
  });

  test("5,000 nested arrays in a rule value, contact properties, event properties and imports", async () => {
    const deep = nestedArrays(5000);
    const raw = (body) => ({ raw: splice(body, deep) });
    assertError(await call("POST", "/api/segments/preview", raw({ rules: [{ field: "properties.a", op: "in", value: "DEEP" }] })), 400, "VALIDATION_ERROR");
    assertError(await call("POST", "/api/contacts", raw({ email: "deep@x.io", properties: { a: "DEEP" } })), 400, "VALIDATION_ERROR");
    const c = (await call("POST", "/api/contacts", { body: { email: "shallow@x.io" } })).json;
    assertError(await call("PATCH", `/api/contacts/${c.id}`, raw({ properties: { a: "DEEP" } })), 400, "VALIDATION_ERROR");
    assertError(await call("POST", "/api/events", raw({ name: "e", contactId: c.id, properties: { a: "DEEP" } })), 400, "VALIDATION_ERROR");
    assertError(await call("POST", "/api/contacts/import", raw([{ email: "i@x.io", properties: { a: "DEEP" } }])), 400, "VALIDATION_ERROR");
    assertError(await call("POST", "/api/events/import", raw([{ name: "e", contactId: c.id, properties: { a: "DEEP" } }])), 400, "VALIDATION_ERROR");
    // 5,000 nested objects too.
    const objects = `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`;
    assertError(await call("POST", "/api/contacts", { raw: splice({ email: "deep2@x.io", properties: "DEEP" }, objects) }), 400, "VALIDATION_ERROR");
    // The tenant still works, and nothing of the rejected calls was kept.
    const list = (await call("GET", "/api/contacts?limit=100")).json;
    assert.deepEqual(list.data.map((x) => x.email).filter((e) => e.startsWith("deep") || e === "i@x.io"), []);
  });

  test("the engine says where: a path and a message about nesting", async () => {
    const error = assertError(await call("POST", "/api/contacts", { raw: splice({ email: "where@x.io", properties: { a: "DEEP" } }, nestedArrays(5000)) }), 400, "VALIDATION_ERROR");
    assert.ok(error.details?.length >= 1, JSON.stringify(error));
    assert.match(error.details[0].message, /nest/);
    assert.match(error.details[0].path, /^properties\.a/);
  });
});

describe("contacts by email", () => {
  test("GET /api/contacts?email= answers a page of the contact (any case) or an empty page", async () => {
    const c = (await call("POST", "/api/contacts", { body: { email: "Finder@Example.com", properties: { plan: "pro" } } })).json;
    const found = await call("GET", `/api/contacts?email=${encodeURIComponent("finder@EXAMPLE.com")}`);
    assert.equal(found.status, 200, found.text);
    assert.deepEqual(found.json, { data: [c], nextCursor: null });
    assert.deepEqual((await call("GET", "/api/contacts?email=nobody%40example.com")).json, { data: [], nextCursor: null });
    assert.deepEqual((await call("GET", "/api/contacts?email=finder%40example.com&limit=5")).json, { data: [c], nextCursor: null });
    const error = assertError(await call("GET", `/api/contacts?email=a%40b.c&cursor=${c.id}`), 400, "VALIDATION_ERROR");
    assert.deepEqual(error.details.map((d) => d.path), ["query.cursor"]);
  });
});

describe("HEAD", () => {
  test("answers wherever GET does, with GET's status and headers and no body", async () => {
    const s = (await call("POST", "/api/segments", { body: { name: "head", rules: PRO } })).json;
    for (const path of ["/api/segments", `/api/segments/${s.id}`, `/api/segments/${s.id}/members`, "/api/contacts", "/api/contacts?email=x%40y.z", "/api/openapi.json", "/api/segments/seg_01K00000000000000000000000", "/api/segments?limit=0"]) {
      const get = await call("GET", path);
      const head = await call("HEAD", path);
      assert.equal(head.status, get.status, path);
      assert.equal(head.text, "", path);
      assert.equal(head.headers.get("content-type"), get.headers.get("content-type"), path);
    }
    assertError(await call("HEAD", "/api/segments", { key: null }).then((r) => ({ ...r, json: { error: { code: "UNAUTHORISED" } } })), 401, "UNAUTHORISED");
  });

  test("405 where GET is not allowed, and Allow lists HEAD next to GET", async () => {
    const response = await call("HEAD", "/api/events");
    assert.equal(response.status, 405);
    assert.equal(response.headers.get("allow"), "POST, OPTIONS");
    assert.equal((await call("PUT", "/api/segments")).headers.get("allow"), "GET, HEAD, POST, OPTIONS");
  });
});

describe("CORS", () => {
  test("a preflight from a listed origin: 204 with the CORS headers, no key needed", async () => {
    const response = await worker.call("OPTIONS", "/api/segments", {
      key: null,
      headers: { origin: ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get("access-control-allow-origin"), ORIGIN);
    assert.equal(response.headers.get("access-control-allow-methods"), "GET, HEAD, POST, OPTIONS");
    assert.equal(response.headers.get("access-control-allow-headers"), "authorization, content-type");
    assert.ok(Number(response.headers.get("access-control-max-age")) > 0);
    assert.match(response.headers.get("vary") ?? "", /Origin/);
  });

  test("responses to a listed origin carry Allow-Origin and Vary, errors included", async () => {
    for (const [method, path, key] of [["GET", "/api/segments", KEY], ["GET", "/api/segments", null], ["GET", "/api/nope", KEY], ["POST", "/api/segments", KEY], ["PUT", "/api/segments", KEY]]) {
      const response = await worker.call(method, path, { key, headers: { origin: "http://localhost:5173" }, body: {} });
      assert.equal(response.headers.get("access-control-allow-origin"), "http://localhost:5173", `${method} ${path} → ${response.status}`);
      assert.match(response.headers.get("vary") ?? "", /Origin/);
    }
  });

  test("an unlisted origin gets no CORS headers, on a preflight or a response", async () => {
    const preflight = await worker.call("OPTIONS", "/api/segments", { key: null, headers: { origin: "https://evil.example", "access-control-request-method": "GET" } });
    assert.equal(preflight.status, 204);
    const response = await call("GET", "/api/segments", { headers: { origin: "https://evil.example" } });
    assert.equal(response.status, 200);
    for (const r of [preflight, response]) {
      for (const [name] of r.headers) assert.ok(!name.startsWith("access-control-"), `${name} sent to an unlisted origin`);
    }
    // A listed origin's prefix or another scheme is not listed.
    const http = await call("GET", "/api/segments", { headers: { origin: "http://app.example.com" } });
    assert.equal(http.headers.get("access-control-allow-origin"), null);
  });

  test("with KRAITER_CORS_ORIGINS unset, no origin gets CORS headers", async () => {
    const plain = await startWorker({ keys: [KEY], corsOrigins: [] });
    try {
      const response = await plain.call("GET", "/api/segments", { key: KEY, headers: { origin: ORIGIN } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("access-control-allow-origin"), null);
    } finally {
      await plain.dispose();
    }
  });
});

describe("query parameters", () => {
  test("an unknown parameter is a 400 at query.<name>, on every route", async () => {
    for (const [method, path, body] of [
      ["GET", "/api/segments?limt=5"], ["GET", "/api/segments/seg_x?expand=1"], ["POST", "/api/segments?dryRun=1", { name: "x", rules: PRO }],
      ["GET", "/api/contacts?emial=a"], ["POST", "/api/events?x=", { name: "e", email: "q@x.io" }],
    ]) {
      const error = assertError(await call(method, path, { body }), 400, "VALIDATION_ERROR");
      const name = new URL(path, "http://x").searchParams.keys().next().value;
      assert.deepEqual(error.details.map((d) => d.path), [`query.${name}`], path);
    }
    assert.equal((await call("GET", "/api/segments")).json.data.some((s) => s.name === "x"), false, "the POST with a bad query stored nothing");
  });

  test("a repeated parameter is a 400 at query.<name>", async () => {
    const error = assertError(await call("GET", "/api/segments?limit=5&limit=6"), 400, "VALIDATION_ERROR");
    assert.deepEqual(error.details.map((d) => d.path), ["query.limit"]);
    const cursor = assertError(await call("GET", "/api/contacts?cursor=&cursor="), 400, "VALIDATION_ERROR");
    assert.deepEqual(cursor.details.map((d) => d.path), ["query.cursor"]);
  });

  test("bad limit and cursor values point at query.limit and query.cursor", async () => {
    for (const limit of ["0", "101", "abc", "1.5", "-1", "", "1e1"]) {
      const error = assertError(await call("GET", `/api/segments?limit=${limit}`), 400, "VALIDATION_ERROR");
      assert.deepEqual(error.details.map((d) => d.path), ["query.limit"], limit);
    }
    const error = assertError(await call("GET", "/api/contacts?cursor=not-a-cursor"), 400, "VALIDATION_ERROR");
    assert.deepEqual(error.details.map((d) => d.path), ["query.cursor"]);
    assert.equal((await call("GET", "/api/segments?limit=100")).status, 200);
  });
});

describe("bodies and answers", () => {
  test("preview with limit 0 answers the count alone", async () => {
    await call("POST", "/api/contacts/import", { body: [{ email: "p1@x.io", properties: { plan: "pro" } }, { email: "p2@x.io", properties: { plan: "pro" } }] });
    const response = await call("POST", "/api/segments/preview", { body: { rules: [{ field: "email", op: "starts_with", value: "p" }, ...PRO], limit: 0 } });
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.json, { count: 2, sample: [] });
  });

  test("a segment reads new, then computing while queued, then ready", async () => {
    const s = (await call("POST", "/api/segments", { body: { name: "status", rules: PRO } })).json;
    assert.equal(s.status, "new");
    assert.equal((await call("GET", `/api/segments/${s.id}`)).json.status, "new");
    assert.equal((await call("POST", `/api/segments/${s.id}/compute`)).status, 202);
    const done = await eventually(async () => {
      const got = (await call("GET", `/api/segments/${s.id}`)).json;
      assert.ok(["computing", "ready"].includes(got.status), got.status);
      return got.status === "ready" && got;
    }, { what: "status ready" });
    assert.ok(done.computedAt);
  });

  test("a PATCH body naming an id is a 400; the path's id is the one updated", async () => {
    const a = (await call("POST", "/api/segments", { body: { name: "a", rules: PRO } })).json;
    const b = (await call("POST", "/api/segments", { body: { name: "b", rules: PRO } })).json;
    const error = assertError(await call("PATCH", `/api/segments/${a.id}`, { body: { id: b.id, name: "hijack" } }), 400, "VALIDATION_ERROR");
    assert.deepEqual(error.details.map((d) => d.path), ["id"]);
    assert.equal((await call("GET", `/api/segments/${b.id}`)).json.name, "b");
    const updated = await call("PATCH", `/api/segments/${a.id}`, { body: { name: "a2" } });
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.json.id, a.id);
    assert.equal(updated.json.name, "a2");
  });

  test("the engine's validation details pass through the envelope, every bad record of an import", async () => {
    const records = Array.from({ length: 150 }, (_, i) => (i % 2 ? { email: `ok${i}@x.io` } : { email: `bad ${i}` }));
    const error = assertError(await call("POST", "/api/contacts/import", { body: records }), 400, "VALIDATION_ERROR");
    assert.equal(error.details.length, 75, `${error.details.length} details`);
    assert.deepEqual(error.details.slice(0, 2).map((d) => d.path), ["[0].email", "[2].email"]);
  });

  test("the body text reaches the engine as sent: whitespace, unicode escapes and big numbers", async () => {
    const raw = '  {\n  "email" : "\\u0061scii@x.io",\t"properties": { "n": 12345678901234567890, "s": "\\ud83d\\ude00" } }  ';
    const response = await call("POST", "/api/contacts", { raw });
    assert.equal(response.status, 201, response.text);
    assert.equal(response.json.email, "ascii@x.io");
    assert.equal(response.json.properties.s, "😀");
    assert.equal(response.json.properties.n, 12345678901234567890);
  });

  test("malformed JSON and the wrong top-level shape are refused before the engine", async () => {
    assertError(await call("POST", "/api/contacts", { raw: '{"email": "a@b.c"} trailing' }), 400, "VALIDATION_ERROR");
    assertError(await call("POST", "/api/contacts", { raw: '{"email": "a@b.c"}, {"email": "d@e.f"}' }), 400, "VALIDATION_ERROR");
    assertError(await call("POST", "/api/contacts/import", { raw: '{"email": "a@b.c"}' }), 400, "VALIDATION_ERROR");
    assertError(await call("POST", "/api/contacts", { raw: "[]" }), 400, "VALIDATION_ERROR");
  });
});

describe("live segments over REST", () => {
  test("a live segment follows contacts; GET /api/segments/:id/changes pages its feed and polls from the last cursor", async () => {
    const TIER = [{ field: "properties.tier", op: "eq", value: "live-test" }]; // no other test's contacts have it
    const s = await call("POST", "/api/segments", { body: { name: "Tier live", rules: TIER, live: true } });
    assert.equal(s.status, 201);
    assert.equal(s.json.live, true);
    assert.equal(s.json.nextChangeAt, null);
    const a = (await call("POST", "/api/contacts", { body: { email: "live-a@x.io", properties: { tier: "live-test" } } })).json;
    await call("POST", "/api/contacts", { body: { email: "live-b@x.io", properties: { tier: "live-test" } } });
    await call("PATCH", `/api/contacts/${a.id}`, { body: { properties: { tier: null } } });
    assert.equal((await call("GET", `/api/segments/${s.json.id}`)).json.memberCount, 1);
    const p1 = await call("GET", `/api/segments/${s.json.id}/changes?limit=2`);
    assert.equal(p1.status, 200);
    assert.deepEqual(p1.json.data.map((c) => `${c.email} ${c.type} ${c.cause}`), ["live-a@x.io entered contact", "live-b@x.io entered contact"]);
    const p2 = await call("GET", `/api/segments/${s.json.id}/changes?cursor=${p1.json.nextCursor}`);
    assert.deepEqual(p2.json.data.map((c) => `${c.email} ${c.type}`), ["live-a@x.io left"]);
    const p3 = await call("GET", `/api/segments/${s.json.id}/changes?cursor=${p2.json.nextCursor}`);
    assert.deepEqual(p3.json, { data: [], nextCursor: p2.json.nextCursor });
    const bad = assertError(await call("GET", `/api/segments/${s.json.id}/changes?cursor=nope`), 400, "VALIDATION_ERROR");
    assert.equal(bad.details[0].path, "query.cursor");
    assertError(await call("GET", "/api/segments/seg_00000000000000000000000000/changes"), 404, "NOT_FOUND");
    const off = await call("PATCH", `/api/segments/${s.json.id}`, { body: { live: false } });
    assert.equal(off.json.live, false);
    assertError(await call("PATCH", `/api/segments/${s.json.id}`, { body: { live: "yes" } }), 400, "VALIDATION_ERROR");
  });
});

describe("what the app reads: schema, a contact's events and segments, dry-run imports", () => {
  test("GET /api/schema, /api/contacts/:id/events (paged, newest first) and /api/contacts/:id/segments", async () => {
    const c = (await call("POST", "/api/contacts", { body: { email: "schema@x.io", properties: { plan: "pro", tier: 3 } } })).json;
    for (let i = 0; i < 5; i++) {
      const r = await call("POST", "/api/events", { body: { name: "purchase", contactId: c.id, properties: { amount: i }, timestamp: `2025-09-0${i + 1}T00:00:00Z` } });
      assert.equal(r.status, 201, r.text);
    }
    const schema = await call("GET", "/api/schema");
    assert.equal(schema.status, 200, schema.text);
    const plan = schema.json.contacts.properties.find((k) => k.key === "plan");
    assert.deepEqual(plan.types[0].type, "string");
    assert.ok(plan.top.some((t) => t.value === "pro"));
    const purchase = schema.json.events.names.find((n) => n.name === "purchase");
    assert.equal(purchase.lastAt, "2025-09-05T00:00:00.000Z");
    assert.deepEqual(purchase.properties.map((p) => p.key), ["amount"]);
    assert.equal(typeof schema.json.dataChangedAt, "string");

    const first = await call("GET", `/api/contacts/${c.id}/events?limit=2`);
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(first.json.data.map((e) => e.properties.amount), [4, 3]);
    const second = await call("GET", `/api/contacts/${c.id}/events?limit=10&cursor=${encodeURIComponent(first.json.nextCursor)}`);
    assert.deepEqual(second.json.data.map((e) => e.properties.amount), [2, 1, 0]);
    assert.equal(second.json.nextCursor, null);
    assertError(await call("GET", "/api/contacts/cnt_01J00000000000000000000000/events"), 404, "NOT_FOUND");
    assertError(await call("GET", `/api/contacts/${c.id}/events?cursor=bad`), 400, "VALIDATION_ERROR");

    const s = (await call("POST", "/api/segments", { body: { name: "pro here", rules: PRO, live: true } })).json;
    const memberships = await call("GET", `/api/contacts/${c.id}/segments`);
    assert.equal(memberships.status, 200, memberships.text);
    assert.ok(memberships.json.data.some((m) => m.id === s.id && m.live === true), memberships.text);
  });

  test("POST /api/contacts/import?dryRun=true counts and stores nothing; a bad dryRun is a 400", async () => {
    const body = [{ email: "dry-1@x.io" }, { email: "schema@x.io" }];
    const dry = await call("POST", "/api/contacts/import?dryRun=true", { body });
    assert.equal(dry.status, 200, dry.text);
    assert.deepEqual(dry.json, { created: 1, updated: 1 });
    assert.deepEqual((await call("GET", "/api/contacts?email=dry-1@x.io")).json.data, []);
    const events = await call("POST", "/api/events/import?dryRun=true", { body: [{ name: "login", email: "dry-2@x.io" }] });
    assert.deepEqual(events.json, { imported: 1, contactsCreated: 1 });
    const err = assertError(await call("POST", "/api/contacts/import?dryRun=yes", { body }), 400, "VALIDATION_ERROR");
    assert.equal(err.details[0].path, "query.dryRun");
    const bad = assertError(await call("POST", "/api/contacts/import?dryRun=true", { body: [{ email: "nope" }] }), 400, "VALIDATION_ERROR");
    assert.equal(bad.details[0].path, "[0].email");
  });
});
