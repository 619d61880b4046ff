// The SDK additions of the hardening issue, through the real package: a
// segment's `status` ("new" until first computed, "computing" while a compute
// is queued or running, "ready" after), contacts.getByEmail, and unknown keys
// in inputs rejected with their path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { open, rejects } from "./helpers.mjs";

const PRO = [{ field: "properties.plan", op: "eq", value: "pro" }];

test("status: new until computed, computing while queued or running, ready after", async () => {
  const { kraiter } = await open();
  await kraiter.contacts.create({ email: "a@x.io", properties: { plan: "pro" } });
  const s = await kraiter.segments.create({ name: "pro", rules: PRO });
  assert.equal(s.status, "new");
  assert.equal((await kraiter.segments.get(s.id)).status, "new");
  await kraiter.segments.compute(s.id);
  // Queued (it starts on a later task): every read says so.
  assert.equal((await kraiter.segments.get(s.id)).status, "computing");
  assert.equal((await kraiter.segments.list()).data.find((x) => x.id === s.id).status, "computing");
  assert.equal((await kraiter.segments.update(s.id, { name: "pro users" })).status, "computing");
  const done = await kraiter.segments.waitForCompute(s.id);
  assert.equal(done.status, "ready");
  assert.equal(done.memberCount, 1);
  assert.equal((await kraiter.segments.get(s.id)).status, "ready");
  // A segment that was never computed stays "new" beside one that was.
  const other = await kraiter.segments.create({ name: "other", rules: PRO });
  const statuses = Object.fromEntries((await kraiter.segments.list()).data.map((x) => [x.id, x.status]));
  assert.deepEqual(statuses, { [s.id]: "ready", [other.id]: "new" });
  // Nothing waits for the next compute: it still stops reading "computing" once it ran.
  await kraiter.segments.compute(other.id);
  assert.equal((await kraiter.segments.get(other.id)).status, "computing");
  await kraiter.close(); // waits for queued work
});

test("status: every page of a list is overlaid, not only the first", async () => {
  const { kraiter } = await open();
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push((await kraiter.segments.create({ name: `s${i}`, rules: PRO })).id);
  await kraiter.segments.compute(ids[4]);
  const seen = {};
  for await (const s of await kraiter.segments.list({ limit: 2 })) seen[s.id] = s.status;
  assert.equal(seen[ids[4]], "computing");
  assert.equal(seen[ids[0]], "new");
  await kraiter.segments.waitForCompute(ids[4]);
});

test("contacts.getByEmail finds a contact case-insensitively, NOT_FOUND otherwise", async () => {
  const { kraiter } = await open();
  const c = await kraiter.contacts.create({ email: "Ann@Example.com", properties: { plan: "pro" } });
  assert.deepEqual(await kraiter.contacts.getByEmail("ann@example.COM"), c);
  const e = await rejects(assert, kraiter.contacts.getByEmail("nobody@example.com"), "NOT_FOUND");
  assert.equal(e.status, 404);
  const v = await rejects(assert, kraiter.contacts.getByEmail(5), "VALIDATION_ERROR");
  assert.equal(v.details[0].path, "email");
  await kraiter.contacts.delete(c.id);
  await rejects(assert, kraiter.contacts.getByEmail("ann@example.com"), "NOT_FOUND");
});

test("unknown keys in rules and in contact, event and segment inputs are rejected at their path", async () => {
  const { kraiter } = await open();
  const c = await kraiter.contacts.create({ email: "a@x.io" });
  for (const [call, path] of [
    [() => kraiter.segments.create({ name: "x", rules: PRO, colour: "red" }), "colour"],
    [() => kraiter.segments.create({ name: "x", rules: [{ ...PRO[0], note: "n" }] }), "rules[0].note"],
    [() => kraiter.segments.create({ name: "x", rules: { operator: "and", conditions: PRO, extra: 1 } }), "rules.extra"],
    [() => kraiter.contacts.create({ email: "b@x.io", plan: "pro" }), "plan"],
    [() => kraiter.contacts.update(c.id, { propertys: {} }), "propertys"],
    [() => kraiter.events.track({ name: "login", email: "a@x.io", when: 1 }), "when"],
    [() => kraiter.contacts.import([{ email: "c@x.io" }, { email: "d@x.io", x: 1 }]), "[1].x"],
  ]) {
    const e = await rejects(assert, call(), "VALIDATION_ERROR");
    assert.ok(e.details.some((d) => d.path === path), `${path} in ${JSON.stringify(e.details)}`);
  }
  assert.equal((await kraiter.segments.list()).data.length, 0);
  assert.equal((await kraiter.contacts.list()).data.length, 1);
});

test("an option that is not one (limt) is refused at its key, not dropped", async () => {
  const { kraiter } = await open();
  for (const call of [
    () => kraiter.contacts.list({ limt: 5 }),
    () => kraiter.segments.list({ limt: 5 }),
    () => kraiter.segments.preview(PRO, { limt: 0 }),
  ]) {
    const e = await rejects(assert, call(), "VALIDATION_ERROR");
    assert.equal(e.details[0].path, "limt");
  }
  assert.equal((await rejects(assert, kraiter.contacts.list(5), "VALIDATION_ERROR")).details[0].path, "options");
});

test("input of any depth is a VALIDATION_ERROR naming the limit and the path, from the SDK too", async () => {
  const { kraiter } = await open();
  let deep = 1;
  for (let i = 0; i < 5000; i++) deep = [deep];
  const e = await rejects(assert, kraiter.contacts.create({ email: "d@x.io", properties: { deep } }), "VALIDATION_ERROR");
  assert.match(e.details[0].path, /^properties\.deep(\[0\])+$/);
  assert.match(e.message, /100 levels/);
  let group = { field: "email", op: "exists" };
  for (let i = 0; i < 2000; i++) group = { operator: "and", conditions: [group] };
  const g = await rejects(assert, kraiter.segments.preview(group), "VALIDATION_ERROR");
  assert.match(g.details[0].path, /^rules\.conditions\[0\]/);
  assert.ok(g.message.length < 300, "a long path is cut in the message");
  assert.equal((await kraiter.contacts.list()).data.length, 0, "nothing was created");
});

test("suppressed is set, read back and matched", async () => {
  const { kraiter } = await open();
  const a = await kraiter.contacts.create({ email: "a@x.io", suppressed: true });
  assert.equal(a.suppressed, true);
  await kraiter.contacts.import([{ email: "b@x.io", suppressed: true }, { email: "c@x.io" }]);
  assert.equal((await kraiter.contacts.update(a.id, { suppressed: false })).suppressed, false);
  const { count } = await kraiter.segments.preview([{ field: "suppressed", op: "eq", value: true }], { limit: 0 });
  assert.equal(count, 1);
});
