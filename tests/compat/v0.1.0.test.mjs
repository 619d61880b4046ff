// State written by release 0.1.0 opens unchanged: tests/fixtures/v0.1.0
// holds a fileStorage directory that the 0.1.0 engine wrote (a snapshot in
// the previous format, KSG3, and a log of later commands in the entry
// shape of that release) and what that release answered afterwards
// (expected.json). Reopening it with this build must answer the same.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kraiter, fileStorage } from "kraiter-segments";

const fixture = new URL("../fixtures/v0.1.0/", import.meta.url);
const expected = JSON.parse(readFileSync(new URL("expected.json", fixture), "utf8"));

/** Fields added since 0.1.0 are checked separately. */
const without = (obj, ...keys) => Object.fromEntries(Object.entries(obj).filter(([k]) => !keys.includes(k)));

test("a 0.1.0 snapshot and log reopen with every segment, contact, member and preview", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "kraiter-compat-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(new URL("file-storage", fixture), dir, { recursive: true });
  const k = await Kraiter.open({ storage: fileStorage(dir), now: () => expected.now });
  const segments = (await k.segments.list({ limit: 100 })).data;
  assert.deepEqual(segments.map((s) => without(s, "status", "live", "nextChangeAt")), expected.segments);
  assert.ok(segments.every((s) => s.live === false && s.nextChangeAt === null), "0.1.0 segments are not live");
  // 0.1.0 kept no feed: a segment's feed holds only what replaying the log recorded (its computes, its contact deletes).
  for (const s of segments) {
    const ids = [];
    for await (const c of await k.segments.changes(s.id, { limit: 100 })) {
      assert.ok(["compute", "contact"].includes(c.cause), `${s.name}: ${c.cause}`);
      ids.push(c.id);
    }
    assert.deepEqual(ids, [...ids].sort(), `${s.name}: the feed is in id order`);
  }
  assert.deepEqual(segments.map((s) => s.status), expected.segments.map((s) => (s.computedAt ? "ready" : "new")));
  for (const [id, members] of Object.entries(expected.members)) {
    assert.deepEqual((await k.segments.listMembers(id, { limit: 100 })).data, members);
  }
  assert.deepEqual((await k.contacts.list({ limit: 100 })).data, expected.contacts);
  // A preview's joinedAt is its own now, which moved on while the fixture was written.
  const plain = (p) => ({ count: p.count, sample: p.sample.map((m) => without(m, "joinedAt")) });
  const lapsed = segments.find((s) => s.name === "Never bought");
  assert.deepEqual(plain(await k.segments.preview(lapsed.rules, { limit: 100 })), plain(expected.previews.lapsed));
  const login = await k.segments.preview([{ field: "events.login", op: "occurred", within: "7d" }], { limit: 100 });
  assert.deepEqual(plain(login), plain(expected.previews.login7d));
  // Writing goes on in the current format, and the state reopens again.
  await k.contacts.create({ email: "new-after-upgrade@example.com" });
  await k.close();
  const again = await Kraiter.open({ storage: fileStorage(dir), now: () => expected.now });
  assert.equal((await again.contacts.list({ limit: 100 })).data.length, expected.contacts.length + 1);
  await again.close();
});
