// Webhooks on the Worker in real workerd, delivering to a real HTTP receiver
// (node:http on 127.0.0.1, a random port; the Worker's fetches can reach
// 127.0.0.0/8 and nothing else). Changes are made through REST: a live
// segment whose rule matches the contacts a test creates or updates.
//
// The receiver checks every request's Kraiter-Signature with the secret
// (node:crypto), that a batch holds 1 to 100 changes of one segment, and,
// dropping duplicates by change id as a receiver should, that each segment's
// changes arrive in feed order and that none is missing (against
// GET /api/segments/:id/changes). Its endpoints can succeed, answer 500 for
// the first tries, hang past the 10 s timeout once, or be down (the server
// closed) and come back. The retry schedule runs on a 100 ms base and gives
// up after 6 s (KRAITER_WEBHOOK_RETRY_BASE_MS, KRAITER_WEBHOOK_GIVE_UP_MS), so
// retries are real alarms that the tests wait for. Each test is a tenant of
// its own (its own API key, so its own Durable Object).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { createHmac } from "node:crypto";
import { eventually, startWorker, tempDir, tenantStub } from "./helpers.mjs";

const BASE_MS = 100;
const GIVE_UP_MS = 6000; // longer than a restart of workerd takes, so the restart test never gives up
const ZERO = "chg_00000000000000000000000000";
const KEYS = ["crud", "deliver", "filter", "flaky", "hang", "down", "giveup", "restart", "clock"].map((k) => `hooks-${k}`);
const PRO = { field: "properties.plan", op: "eq", value: "pro" };
const FREE = { field: "properties.plan", op: "eq", value: "free" };

const storage = tempDir("webhooks");
let worker;
let output = ""; // the Worker's console, for the give-up message
const receiver = makeReceiver();

before(async () => {
  await receiver.start();
  worker = await startWorker({
    harness: true,
    keys: KEYS,
    persistDir: storage.dir,
    outbound: "loopback",
    bindings: { KRAITER_WEBHOOK_RETRY_BASE_MS: String(BASE_MS), KRAITER_WEBHOOK_GIVE_UP_MS: String(GIVE_UP_MS) },
    miniflare: {
      handleRuntimeStdio(stdout, stderr) {
        for (const stream of [stdout, stderr]) stream.on("data", (chunk) => { output += chunk; });
      },
    },
  });
});
after(async () => {
  await worker?.dispose();
  await receiver.stop();
  storage.remove();
});

/** REST calls as one tenant. */
const tenant = (key) => (method, path, body) => worker.call(method, path, { key, body });

function assertError(response, status, code, path) {
  assert.equal(response.status, status, response.text);
  assert.equal(response.json.error.code, code, response.text);
  if (path !== undefined) assert.ok(response.json.error.details.some((d) => d.path === path), `${path} in ${response.text}`);
  return response.json.error;
}

async function liveSegment(call, name, rule) {
  const response = await call("POST", "/api/segments", { name, rules: [rule], live: true });
  assert.equal(response.status, 201, response.text);
  return response.json;
}

async function createHook(call, body) {
  const response = await call("POST", "/api/webhooks", body);
  assert.equal(response.status, 201, response.text);
  return response.json;
}

/** Every change of a segment's feed after `cursor`, through the REST route. */
async function feed(call, segmentId, cursor = ZERO) {
  const changes = [];
  for (;;) {
    const page = await call("GET", `/api/segments/${segmentId}/changes?limit=100&cursor=${cursor}`);
    assert.equal(page.status, 200, page.text);
    if (page.json.data.length === 0) return changes;
    changes.push(...page.json.data);
    cursor = page.json.nextCursor;
  }
}

/** The id of a segment's newest change so far (ZERO if none). */
const lastChange = async (call, segmentId) => (await feed(call, segmentId)).at(-1)?.id ?? ZERO;

const contacts = (call, records) => call("POST", "/api/contacts/import", records);

/**
 * What an endpoint received, checked as a receiver would: each request signed
 * with `secret`, a batch of 1..100 changes of one segment; duplicates (by
 * change id) dropped; per segment, changes in increasing id order both in
 * arrival order of all requests and of the acknowledged ones. Answers the
 * acknowledged changes per segment id.
 */
function received(endpoint, secret) {
  const acked = new Map();
  const seenAll = new Map();
  const seen = new Set();
  for (const request of endpoint.requests) {
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(request.headers["kraiter-signature"] ?? "");
    assert.ok(match, `a Kraiter-Signature header: ${request.headers["kraiter-signature"]}`);
    assert.equal(match[2], createHmac("sha256", secret).update(`${match[1]}.${request.body}`).digest("hex"), "the signature verifies with the secret");
    assert.ok(Math.abs(Number(match[1]) - request.at / 1000) < 60, "t is the time of sending");
    assert.match(request.headers["content-type"], /^application\/json/);
    const { data, ...rest } = JSON.parse(request.body);
    assert.deepEqual(rest, {}, "the body is { data }");
    assert.ok(data.length >= 1 && data.length <= 100, `a batch of ${data.length}`);
    assert.equal(new Set(data.map((c) => c.segmentId)).size, 1, "a batch holds one segment's changes");
    for (const change of data) {
      const all = seenAll.get(change.segmentId) ?? [];
      if (!all.includes(change.id)) {
        assert.ok(all.length === 0 || all.at(-1) < change.id, `${change.id} arrived after ${all.at(-1)}: out of order`);
        all.push(change.id);
        seenAll.set(change.segmentId, all);
      }
      if (request.status !== 200 || seen.has(change.id)) continue; // not acknowledged, or a duplicate
      seen.add(change.id);
      const list = acked.get(change.segmentId) ?? [];
      assert.ok(list.length === 0 || list.at(-1).id < change.id, "acknowledged in feed order");
      list.push(change);
      acked.set(change.segmentId, list);
    }
  }
  return acked;
}

const count = (endpoint, secret) => [...received(endpoint, secret).values()].reduce((n, list) => n + list.length, 0);

/** Waits until the endpoint has acknowledged `n` distinct changes. */
const receivedCount = (endpoint, secret, n, timeoutMs = 15_000) =>
  eventually(() => count(endpoint, secret) >= n, { timeoutMs, what: `${n} changes at ${endpoint.path} (have ${count(endpoint, secret)})` });

const ids = (changes) => changes.map((c) => c.id);

test("create, get, list and delete; the secret only in the create's answer; validation at its paths", async () => {
  const call = tenant("hooks-crud");
  const segment = await liveSegment(call, "pro", PRO);
  const url = receiver.url("/crud");

  assertError(await call("POST", "/api/webhooks", {}), 400, "VALIDATION_ERROR", "url");
  for (const bad of ["ftp://example.com/h", "javascript:alert(1)", "http://example.com/h", "http://10.0.0.1/h", "http://[::2]/h",
    "not a url", "https://user:secret@example.com/h", "http://user@127.0.0.1/h", 42, null]) {
    assertError(await call("POST", "/api/webhooks", { url: bad }), 400, "VALIDATION_ERROR", "url");
  }
  const unknownSegment = "seg_01K00000000000000000000000";
  const error = assertError(await call("POST", "/api/webhooks", { url, segmentIds: [segment.id, unknownSegment] }), 400, "VALIDATION_ERROR");
  assert.deepEqual(error.details, [{ path: "segmentIds[1]", message: `no segment ${unknownSegment}` }]);
  assertError(await call("POST", "/api/webhooks", { url, segmentIds: [segment.id, segment.id] }), 400, "VALIDATION_ERROR", "segmentIds[1]");
  assertError(await call("POST", "/api/webhooks", { url, segmentIds: [] }), 400, "VALIDATION_ERROR", "segmentIds");
  assertError(await call("POST", "/api/webhooks", { url, segmentIds: segment.id }), 400, "VALIDATION_ERROR", "segmentIds");
  assertError(await call("POST", "/api/webhooks", { url, segmentIds: [7] }), 400, "VALIDATION_ERROR", "segmentIds[0]");
  for (const key of ["secret", "segmentIDs", "id", "events"]) {
    assertError(await call("POST", "/api/webhooks", { url, [key]: "x" }), 400, "VALIDATION_ERROR", key);
  }
  assertError(await call("POST", "/api/webhooks", [{ url }]), 400, "VALIDATION_ERROR", "body");
  assert.deepEqual((await call("GET", "/api/webhooks")).json, { data: [], nextCursor: null }, "nothing was created by the refused calls");

  const created = await createHook(call, { url, segmentIds: [segment.id] });
  assert.deepEqual(Object.keys(created), ["id", "url", "segmentIds", "secret", "createdAt"]);
  assert.match(created.id, /^whk_[0-9A-HJKMNP-TV-Z]{26}$/);
  assert.match(created.secret, /^[0-9a-f]{64}$/, "at least 32 random hex characters");
  assert.equal(created.url, url);
  assert.deepEqual(created.segmentIds, [segment.id]);
  assert.ok(Math.abs(Date.parse(created.createdAt) - Date.now()) < 60_000);
  const { secret, ...shown } = created;
  const got = await call("GET", `/api/webhooks/${created.id}`);
  assert.equal(got.status, 200);
  assert.deepEqual(got.json, shown);
  assert.ok(!got.text.includes(secret));
  assert.equal((await call("HEAD", `/api/webhooks/${created.id}`)).status, 200);

  // Every segment (null), and the other loopback forms.
  const all = [created];
  for (const other of ["http://localhost:1/h", "http://127.8.9.10/h", "http://[::1]:1/h", "https://hooks.example.com/kraiter"]) {
    const hook = await createHook(call, { url: other });
    assert.equal(hook.segmentIds, null);
    assert.notEqual(hook.secret, secret);
    all.push(hook);
  }
  // Pages of two in creation order, no secret anywhere.
  const pages = [];
  let cursor = "";
  do {
    const page = await call("GET", `/api/webhooks?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
    assert.equal(page.status, 200, page.text);
    for (const hook of all) assert.ok(!page.text.includes(hook.secret), "no secret in a list");
    pages.push(page.json.data);
    cursor = page.json.nextCursor;
  } while (cursor);
  assert.deepEqual(pages.map((p) => p.length), [2, 2, 1]);
  assert.deepEqual(pages.flat(), all.map(({ secret: _, ...rest }) => rest));
  assert.equal((await call("GET", "/api/webhooks")).json.data.length, 5, "limit defaults to 20");

  assertError(await call("GET", "/api/webhooks?cursor=nonsense"), 400, "VALIDATION_ERROR", "query.cursor");
  assertError(await call("GET", `/api/webhooks?cursor=${segment.id}`), 400, "VALIDATION_ERROR", "query.cursor");
  assertError(await call("GET", "/api/webhooks?limit=0"), 400, "VALIDATION_ERROR", "query.limit");
  assertError(await call("GET", "/api/webhooks?limit=101"), 400, "VALIDATION_ERROR", "query.limit");
  assertError(await call("GET", "/api/webhooks?secret=1"), 400, "VALIDATION_ERROR", "query.secret");
  assertError(await call("GET", "/api/webhooks/whk_01K00000000000000000000000"), 404, "NOT_FOUND");
  assertError(await call("GET", "/api/webhooks/anything"), 404, "NOT_FOUND");
  assertError(await call("PATCH", `/api/webhooks/${created.id}`, {}), 405, "METHOD_NOT_ALLOWED");

  const deleted = await call("DELETE", `/api/webhooks/${created.id}`);
  assert.equal(deleted.status, 204);
  assert.equal(deleted.text, "");
  assertError(await call("GET", `/api/webhooks/${created.id}`), 404, "NOT_FOUND");
  assertError(await call("DELETE", `/api/webhooks/${created.id}`), 404, "NOT_FOUND");
  assert.deepEqual((await call("GET", "/api/webhooks")).json.data.map((h) => h.id), all.slice(1).map((h) => h.id));

  // Another tenant sees none of them.
  assert.deepEqual((await tenant("hooks-deliver")("GET", "/api/webhooks")).json, { data: [], nextCursor: null });
  assertError(await tenant("hooks-deliver")("GET", `/api/webhooks/${all[1].id}`), 404, "NOT_FOUND");

  // At most 100 per tenant.
  for (let i = all.length - 1; i < 100; i++) await createHook(call, { url: "https://hooks.example.com/many" });
  assertError(await call("POST", "/api/webhooks", { url }), 409, "CONFLICT");
});

test("changes after creation arrive signed, in batches of at most 100, in feed order, none lost", async () => {
  const call = tenant("hooks-deliver");
  const pro = await liveSegment(call, "pro", PRO);
  await contacts(call, [{ email: "early1@x.io", properties: { plan: "pro" } }, { email: "early2@x.io", properties: { plan: "pro" } }]);
  const before = await lastChange(call, pro.id);
  assert.notEqual(before, ZERO, "the early contacts entered the live segment");
  const endpoint = receiver.endpoint("/deliver");
  const hook = await createHook(call, { url: receiver.url("/deliver") });

  const imported = await contacts(call, Array.from({ length: 250 }, (_, i) => ({ email: `bulk${i}@x.io`, properties: { plan: "pro" } })));
  assert.deepEqual(imported.json, { created: 250, updated: 0 });
  const single = (await call("POST", "/api/contacts", { email: "single@x.io", properties: { plan: "pro" } })).json;
  await call("PATCH", `/api/contacts/${single.id}`, { properties: { plan: "free" } }); // leaves
  // A segment created after the webhook is one of "every segment" too.
  const free = await liveSegment(call, "free", FREE);
  await call("POST", "/api/contacts", { email: "free@x.io", properties: { plan: "free" } });

  const expectedPro = await feed(call, pro.id, before);
  const expectedFree = await feed(call, free.id);
  assert.equal(expectedPro.length, 252, "250 imported and one created entered, one left");
  assert.ok(expectedFree.length >= 1);
  await receivedCount(endpoint, hook.secret, expectedPro.length + expectedFree.length);
  const got = received(endpoint, hook.secret);
  assert.deepEqual(ids(got.get(pro.id)), ids(expectedPro), "every change of the feed after creation, in order, and nothing before");
  assert.deepEqual(ids(got.get(free.id)), ids(expectedFree));
  assert.deepEqual(got.get(pro.id), expectedPro, "the changes as the feed has them");
  const left = got.get(pro.id).find((c) => c.contactId === single.id && c.type === "left");
  assert.equal(left?.cause, "contact");
  for (const change of got.get(pro.id)) {
    assert.deepEqual(Object.keys(change).sort(), ["at", "cause", "contactId", "email", "id", "segmentId", "type"]);
  }
  const sizes = endpoint.requests.map((r) => JSON.parse(r.body).data.length);
  assert.ok(sizes.includes(100), `the import went out in full batches: ${sizes}`);
  assert.ok(endpoint.requests.every((r) => r.headers["kraiter-webhook-id"] === hook.id));
});

test("segmentIds: only those segments' changes; after DELETE nothing more arrives", async () => {
  const call = tenant("hooks-filter");
  const pro = await liveSegment(call, "pro", PRO);
  const free = await liveSegment(call, "free", FREE);
  const onlyPro = receiver.endpoint("/filter-pro");
  const everything = receiver.endpoint("/filter-all");
  const proHook = await createHook(call, { url: receiver.url("/filter-pro"), segmentIds: [pro.id] });
  const allHook = await createHook(call, { url: receiver.url("/filter-all") });

  await contacts(call, [
    { email: "p1@x.io", properties: { plan: "pro" } }, { email: "f1@x.io", properties: { plan: "free" } },
    { email: "p2@x.io", properties: { plan: "pro" } }, { email: "f2@x.io", properties: { plan: "free" } },
  ]);
  await receivedCount(everything, allHook.secret, 4);
  await receivedCount(onlyPro, proHook.secret, 2);
  assert.deepEqual([...received(onlyPro, proHook.secret).keys()], [pro.id]);
  assert.deepEqual(ids(received(onlyPro, proHook.secret).get(pro.id)), ids(await feed(call, pro.id)));
  assert.deepEqual(ids(received(everything, allHook.secret).get(free.id)), ids(await feed(call, free.id)));

  const requestsBefore = onlyPro.requests.length;
  assert.equal((await call("DELETE", `/api/webhooks/${proHook.id}`)).status, 204);
  const deletedAt = Date.now();
  await contacts(call, [{ email: "p3@x.io", properties: { plan: "pro" } }, { email: "p4@x.io", properties: { plan: "pro" } }]);
  await receivedCount(everything, allHook.secret, 6); // delivery ran for the webhook that is left
  await new Promise((resolve) => setTimeout(resolve, 10 * BASE_MS));
  assert.equal(onlyPro.requests.length, requestsBefore, "nothing after DELETE");
  assert.ok(onlyPro.requests.every((r) => r.at < deletedAt));
  const stored = JSON.parse(await (await tenantStub(worker.mf, "hooks-filter")).webhookStorage());
  assert.deepEqual(Object.keys(stored).filter((k) => k.includes(proHook.id)), [], "its record and cursors are gone");
});

test("500 for the first tries: retried on the back-off schedule until a 2xx, same batch first", async () => {
  const call = tenant("hooks-flaky");
  const pro = await liveSegment(call, "pro", PRO);
  const endpoint = receiver.endpoint("/flaky", (i) => (i < 3 ? "fail" : "ok"));
  const hook = await createHook(call, { url: receiver.url("/flaky") });
  await contacts(call, Array.from({ length: 5 }, (_, i) => ({ email: `flaky${i}@x.io`, properties: { plan: "pro" } })));
  await receivedCount(endpoint, hook.secret, 5);
  assert.deepEqual(ids(received(endpoint, hook.secret).get(pro.id)), ids(await feed(call, pro.id)));
  const [first, ...retries] = endpoint.requests.slice(0, 4);
  assert.deepEqual(endpoint.requests.slice(0, 4).map((r) => r.status), [500, 500, 500, 200]);
  for (const retry of retries) assert.equal(JSON.parse(retry.body).data[0].id, JSON.parse(first.body).data[0].id, "the failed batch is tried again");
  const gaps = endpoint.requests.slice(1, 4).map((r, i) => r.at - endpoint.requests[i].at);
  gaps.forEach((gap, i) => assert.ok(gap >= BASE_MS * 2 ** i, `try ${i + 2} came ${gap} ms after the one before, not after ${BASE_MS * 2 ** i}: ${gaps}`));
  const stored = JSON.parse(await (await tenantStub(worker.mf, "hooks-flaky")).webhookStorage());
  assert.equal(stored[`worker/webhook-retry/${hook.id}`], undefined, "no retry is left once it succeeded");
  assert.equal(stored[`worker/webhook-cursor/${hook.id}/${pro.id}`], (await feed(call, pro.id)).at(-1).id, "the cursor is at the last change");
});

test("a receiver that hangs past 10 s is retried, and holds up no other webhook", { timeout: 60_000 }, async () => {
  const call = tenant("hooks-hang");
  const pro = await liveSegment(call, "pro", PRO);
  const slow = receiver.endpoint("/hang", (i) => (i === 0 ? "hang" : "ok"));
  const fast = receiver.endpoint("/hang-fast");
  const slowHook = await createHook(call, { url: receiver.url("/hang") });
  const fastHook = await createHook(call, { url: receiver.url("/hang-fast") });
  const started = Date.now();
  await contacts(call, [{ email: "h1@x.io", properties: { plan: "pro" } }, { email: "h2@x.io", properties: { plan: "pro" } }]);
  await receivedCount(fast, fastHook.secret, 2, 5000);
  assert.ok(Date.now() - started < 5000, "the other webhook got its changes while the first one hung");
  await eventually(() => slow.requests.length === 1, { what: "the hanging request" });
  // More changes while it hangs go out after it, in order.
  await call("POST", "/api/contacts", { email: "h3@x.io", properties: { plan: "pro" } });
  await receivedCount(fast, fastHook.secret, 3, 5000);
  await receivedCount(slow, slowHook.secret, 3, 20_000);
  const [hung, retry] = slow.requests;
  assert.equal(hung.status, null, "the first request was never answered");
  assert.ok(retry.at - hung.at >= 10_000, `the retry came ${retry.at - hung.at} ms later: after the 10 s timeout`);
  assert.ok(retry.at - hung.at < 10_000 + 5000, "and soon after it");
  assert.equal(JSON.parse(retry.body).data[0].id, JSON.parse(hung.body).data[0].id);
  assert.deepEqual(ids(received(slow, slowHook.secret).get(pro.id)), ids(await feed(call, pro.id)));
});

test("a receiver that is down, then comes back, gets everything in order", async () => {
  const call = tenant("hooks-down");
  const pro = await liveSegment(call, "pro", PRO);
  const other = makeReceiver();
  await other.start();
  const endpoint = other.endpoint("/down");
  const hook = await createHook(call, { url: other.url("/down") });
  await contacts(call, [{ email: "d0@x.io", properties: { plan: "pro" } }]);
  await receivedCount(endpoint, hook.secret, 1);
  await other.stop();
  await contacts(call, Array.from({ length: 120 }, (_, i) => ({ email: `d${i + 1}@x.io`, properties: { plan: "pro" } })));
  await call("POST", "/api/contacts", { email: "d-last@x.io", properties: { plan: "pro" } });
  const stub = await tenantStub(worker.mf, "hooks-down");
  const retryKey = `worker/webhook-retry/${hook.id}`;
  await eventually(async () => JSON.parse(await stub.webhookStorage())[retryKey]?.failures >= 3, { what: "three failed tries while down" });
  const retry = JSON.parse(await stub.webhookStorage())[retryKey];
  assert.equal(retry.segmentId, pro.id);
  assert.ok(retry.nextAt > Date.now() - 5000 && retry.error.length > 0, JSON.stringify(retry));
  assert.ok((await stub.alarmTime()) !== null, "an alarm is armed for the retry");
  await other.start(); // the same port
  await receivedCount(endpoint, hook.secret, 122);
  assert.deepEqual(ids(received(endpoint, hook.secret).get(pro.id)), ids(await feed(call, pro.id)));
  await other.stop();
});

test("a batch failing for longer than the give-up time is dropped with console.error; later changes still come", async () => {
  const call = tenant("hooks-giveup");
  const pro = await liveSegment(call, "pro", PRO);
  let failing = true;
  const endpoint = receiver.endpoint("/giveup", () => (failing ? "fail" : "ok"));
  const hook = await createHook(call, { url: receiver.url("/giveup") });
  await contacts(call, [{ email: "g1@x.io", properties: { plan: "pro" } }, { email: "g2@x.io", properties: { plan: "pro" } }]);
  const dropped = await feed(call, pro.id);
  await eventually(() => output.includes(`webhook ${hook.id}`) && output.includes("gave up on a batch of 2 changes"), { timeoutMs: GIVE_UP_MS + 10_000, what: "the give-up message" });
  const tries = endpoint.requests.length;
  assert.ok(tries >= 3, `${tries} tries before giving up`);
  assert.ok(endpoint.requests.at(-1).at - endpoint.requests[0].at >= GIVE_UP_MS, "tried for the whole give-up time");
  failing = false;
  const later = (await call("POST", "/api/contacts", { email: "g3@x.io", properties: { plan: "pro" } })).json;
  await receivedCount(endpoint, hook.secret, 1);
  const got = received(endpoint, hook.secret).get(pro.id);
  assert.deepEqual(got.map((c) => c.contactId), [later.id], "the dropped batch is not sent again");
  assert.ok(got[0].id > dropped.at(-1).id);
});

test("webhooks, cursors and retries survive a restart: delivery resumes from the alarm", { timeout: 60_000 }, async () => {
  const call = tenant("hooks-restart");
  const pro = await liveSegment(call, "pro", PRO);
  let up = true;
  const endpoint = receiver.endpoint("/restart", () => (up ? "ok" : "fail"));
  const hook = await createHook(call, { url: receiver.url("/restart") });
  await contacts(call, [{ email: "r1@x.io", properties: { plan: "pro" } }]);
  await receivedCount(endpoint, hook.secret, 1);
  up = false;
  await contacts(call, [{ email: "r2@x.io", properties: { plan: "pro" } }, { email: "r3@x.io", properties: { plan: "pro" } }]);
  await eventually(() => endpoint.requests.length >= 2, { what: "a failed try" });
  await worker.restart();
  const restartedAt = Date.now();
  up = true;
  // No request reaches the tenant now: only its alarm can deliver.
  await receivedCount(endpoint, hook.secret, 3);
  assert.ok(endpoint.requests.filter((r) => r.status === 500).length >= 1);
  assert.ok(endpoint.requests.filter((r) => r.status === 200).at(-1).at >= restartedAt, "delivered by the restarted object");
  assert.deepEqual(ids(received(endpoint, hook.secret).get(pro.id)), ids(await feed(call, pro.id)));
  const delivered = endpoint.requests.filter((r) => r.status === 200).flatMap((r) => ids(JSON.parse(r.body).data));
  assert.equal(new Set(delivered).size, delivered.length, "nothing acknowledged was sent again");
  assert.equal((await call("GET", `/api/webhooks/${hook.id}`)).status, 200);
});

test("live segments wake by the alarm: a time-driven change is made and delivered with no request", { timeout: 60_000 }, async () => {
  const call = tenant("hooks-clock");
  const trial = await liveSegment(call, "in trial", { field: "properties.trialEndsAt", op: "after", value: "now" });
  const endpoint = receiver.endpoint("/clock");
  const hook = await createHook(call, { url: receiver.url("/clock") });
  const endsAt = Date.now() + 3000;
  const contact = (await call("POST", "/api/contacts", { email: "trial@x.io", properties: { trialEndsAt: new Date(endsAt).toISOString() } })).json;
  await receivedCount(endpoint, hook.secret, 1);
  const { nextChangeAt } = (await call("GET", `/api/segments/${trial.id}`)).json;
  assert.ok(nextChangeAt !== null && Math.abs(Date.parse(nextChangeAt) - endsAt) <= 1, `nextChangeAt ${nextChangeAt}`);
  const stub = await tenantStub(worker.mf, "hooks-clock");
  await eventually(async () => (await stub.alarmTime()) === Date.parse(nextChangeAt), { what: "the alarm armed at nextChangeAt" });
  // A new object, and no request after it: only the alarm can apply the clock.
  await worker.restart();
  await receivedCount(endpoint, hook.secret, 2, 15_000);
  const changes = received(endpoint, hook.secret).get(trial.id);
  assert.deepEqual(changes.map((c) => [c.contactId, c.type, c.cause]), [[contact.id, "entered", "contact"], [contact.id, "left", "time"]]);
  assert.ok(Date.parse(changes[1].at) >= endsAt);
  assert.deepEqual(ids(changes), ids(await feed(call, trial.id)));
});

// ---------------------------------------------------------------------------

/**
 * An HTTP receiver on 127.0.0.1. `endpoint(path, mode)` records every request
 * to `path` as { at, headers, body, status } (status null: never answered);
 * `mode(i)` says how to answer the i-th (0-based): "ok" (200), "fail" (500)
 * or "hang" (no answer until the client gives up). `stop()` closes the
 * server and its connections; `start()` again listens on the same port.
 */
function makeReceiver() {
  const endpoints = new Map();
  let server = null;
  let port = 0;
  const handle = async (request, response) => {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    const endpoint = endpoints.get(new URL(request.url, "http://x").pathname);
    if (!endpoint || request.method !== "POST") {
      response.writeHead(404).end();
      return;
    }
    const entry = { at: Date.now(), headers: request.headers, body: Buffer.concat(chunks).toString("utf8"), status: null };
    const mode = endpoint.mode(endpoint.requests.length);
    endpoint.requests.push(entry);
    if (mode === "hang") return; // answered by nobody; the Worker's timeout ends it
    entry.status = mode === "fail" ? 500 : 200;
    response.writeHead(entry.status, { "content-type": "text/plain" }).end(mode);
  };
  return {
    async start() {
      server = http.createServer(handle);
      await new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", resolve);
      });
      port = server.address().port;
    },
    async stop() {
      if (!server) return;
      const closing = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closing;
      server = null;
    },
    url: (path) => `http://127.0.0.1:${port}${path}`,
    endpoint(path, mode = () => "ok") {
      const endpoint = { path, mode, requests: [] };
      endpoints.set(path, endpoint);
      return endpoint;
    },
  };
}
