// The pure parts of webhooks, in Node: the Kraiter-Signature header (checked
// against node:crypto's HMAC, an implementation of its own), the retry
// schedule and when it gives up, the env override of the schedule, the
// webhook url rule, and the monotonic ids. The Worker suite
// (webhooks.test.mjs) runs them for real in workerd.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { newSecret, signatureHeader } from "../../js/worker/signature.js";
import { afterFailure, GIVE_UP_MS, MAX_DELAY_MS, RETRY_BASE_MS, retryConfig, retryDelay } from "../../js/worker/backoff.js";
import { urlProblem } from "../../js/worker/webhooks.js";
import { idGenerator, isId } from "../../js/worker/ids.js";

test("the signature is t=<seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\"> keyed with the secret", async () => {
  const secret = newSecret();
  assert.match(secret, /^[0-9a-f]{64}$/);
  assert.notEqual(newSecret(), secret);
  const body = JSON.stringify({ data: [{ id: "chg_01K00000000000000000000000", email: "zoë@example.com" }] });
  const header = await signatureHeader(secret, body, 1764590400);
  const expected = createHmac("sha256", secret).update(`1764590400.${body}`).digest("hex");
  assert.equal(header, `t=1764590400,v1=${expected}`);
  // A known vector, so the format can be checked by hand in any language.
  assert.equal(await signatureHeader("key", "{}", 1), "t=1,v1=1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224"); // openssl dgst -sha256 -hmac key
  const now = Math.floor(Date.now() / 1000);
  const [t] = (await signatureHeader(secret, body)).match(/^t=(\d+),v1=[0-9a-f]{64}$/).slice(1).map(Number);
  assert.ok(Math.abs(t - now) <= 1, "t defaults to now in seconds");
});

test("retries: 30 s, then doubling to at most an hour apart", () => {
  assert.equal(RETRY_BASE_MS, 30_000);
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 50].map((n) => retryDelay(n)), [30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000, MAX_DELAY_MS]);
  assert.equal(MAX_DELAY_MS, 3_600_000);
  assert.deepEqual([1, 2, 3].map((n) => retryDelay(n, 100)), [100, 200, 400]);
});

test("a failing batch is retried for at least 24 h, then given up at its next failure", () => {
  assert.equal(GIVE_UP_MS, 86_400_000);
  let state = afterFailure(null, 0);
  assert.deepEqual(state, { giveUp: false, failures: 1, firstFailedAt: 0, nextAt: 30_000 }, "the first retry comes within 60 s");
  const tries = [0];
  while (!state.giveUp) {
    tries.push(state.nextAt);
    state = afterFailure(state, state.nextAt);
  }
  const last = tries[tries.length - 1];
  assert.ok(last >= GIVE_UP_MS, "the last try is 24 h or more after the first failure");
  assert.ok(tries[tries.length - 2] < GIVE_UP_MS, "and the one before it was within the 24 h");
  for (let i = 1; i < tries.length; i++) assert.ok(tries[i] - tries[i - 1] <= MAX_DELAY_MS);
  assert.equal(state.failures, tries.length);
  assert.equal(state.firstFailedAt, 0);
  assert.deepEqual(afterFailure({ failures: 2, firstFailedAt: 1000 }, 1500, { baseMs: 100, giveUpMs: 400 }), { giveUp: true, failures: 3, firstFailedAt: 1000 });
  assert.deepEqual(afterFailure({ failures: 2, firstFailedAt: 1000 }, 1300, { baseMs: 100, giveUpMs: 400 }), { giveUp: false, failures: 3, firstFailedAt: 1000, nextAt: 1700 });
});

test("the schedule's env overrides take positive integers only", () => {
  assert.deepEqual(retryConfig({}), { baseMs: 30_000, giveUpMs: 86_400_000 });
  assert.deepEqual(retryConfig({ KRAITER_WEBHOOK_RETRY_BASE_MS: "50", KRAITER_WEBHOOK_GIVE_UP_MS: "2000" }), { baseMs: 50, giveUpMs: 2000 });
  for (const bad of ["0", "-5", "1.5", "abc", "", "1e3"]) {
    assert.deepEqual(retryConfig({ KRAITER_WEBHOOK_RETRY_BASE_MS: bad }), { baseMs: 30_000, giveUpMs: 86_400_000 }, bad);
  }
});

test("a webhook url is https:, or http: to a loopback address, without credentials", () => {
  for (const ok of ["https://hooks.example.com/k", "https://10.0.0.1:8443/x?y=1", "http://localhost:8080/h", "http://LOCALHOST/h", "http://127.0.0.1:9/",
    "http://127.255.3.4/", "http://127.1/", "http://[::1]:3000/h"]) {
    assert.equal(urlProblem(ok), null, ok);
  }
  const cases = {
    "ftp://example.com/": /scheme ftp:/,
    "javascript:alert(1)": /scheme javascript:/,
    "file:///etc/passwd": /scheme file:/,
    "ws://localhost/": /scheme ws:/,
    "http://example.com/": /loopback/,
    "http://10.0.0.1/": /loopback/,
    "http://128.0.0.1/": /loopback/,
    "http://[::2]/": /loopback/,
    "http://localhost.example.com/": /loopback/,
    "http://127.0.0.1.nip.io/": /loopback/,
    "not a url": /not a URL/,
    "": /not a URL/,
    "/relative/path": /not a URL/,
    "https://user:pw@example.com/": /credentials/,
    "https://user@example.com/": /credentials/,
    "http://:pw@localhost/": /credentials/,
  };
  for (const [url, problem] of Object.entries(cases)) assert.match(urlProblem(url) ?? "", problem, url);
  assert.match(urlProblem(42), /string/);
  assert.match(urlProblem(`https://example.com/${"a".repeat(2100)}`), /at most 2048/);
});

test("ids are whk_ ULIDs, increasing within a millisecond and after a stored one", () => {
  const next = idGenerator("whk");
  const ids = Array.from({ length: 50 }, () => next(1764590400000));
  for (const id of ids) assert.ok(isId("whk", id), id);
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
  const later = idGenerator("whk", ids[49]);
  assert.ok(later(0) > ids[49], "a clock behind the stored ids still counts on");
  assert.ok(!isId("whk", "whk_123") && !isId("whk", "seg_01K00000000000000000000000") && !isId("whk", 7));
});
