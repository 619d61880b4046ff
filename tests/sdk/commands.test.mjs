// The command table (js/commands.js) is the one list of SDK operations: the
// SDK resources, the Web Worker proxy (client methods and the host's allowed
// METHODS, over a real MessagePort), and the Worker's routes all have exactly
// its operations, and every command runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Kraiter } from "kraiter-segments";
import { COMMANDS, RESOURCES, SDK_METHODS } from "../../js/commands.js";
import { ROUTES } from "../../js/worker/routes.js";

const methodsOf = (object) => {
  const names = new Set(Object.keys(object));
  for (let p = Object.getPrototypeOf(object); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) if (name !== "constructor" && typeof object[name] === "function") names.add(name);
  }
  return [...names].sort();
};
const tableMethods = (resource) => COMMANDS.filter((c) => c.resource === resource && c.sdk !== false).map((c) => c.method).sort();

test("every SDK resource has exactly the table's methods", async () => {
  const kraiter = await Kraiter.open();
  assert.deepEqual(RESOURCES, ["segments", "contacts", "events"]);
  for (const resource of RESOURCES) assert.deepEqual(methodsOf(kraiter[resource]), tableMethods(resource), resource);
  // The table's top-level methods are the Kraiter's own.
  for (const method of tableMethods(null)) assert.equal(typeof kraiter[method], "function", method);
  assert.deepEqual(tableMethods(null), ["schema"]);
  await kraiter.close();
});

test("every table entry is well formed, and names one engine command or SDK logic", () => {
  const names = new Set();
  for (const c of COMMANDS) {
    assert.ok(!names.has(c.name), `${c.name} twice`);
    names.add(c.name);
    assert.ok(["mutation", "query", "sdk", "worker"].includes(c.kind), c.name);
    if (c.kind === "mutation" || c.kind === "query") assert.equal(typeof c.cmd, "string", c.name);
    if (c.kind === "worker") {
      // The tenant object's own operations (webhooks): a route, no engine command, no SDK method.
      assert.ok(c.rest && c.cmd === null && c.sdk === false, `${c.name}: a worker operation is a route only`);
      assert.ok(!RESOURCES.includes(c.resource), `${c.name}: its resource is not an SDK resource`);
    }
    if (c.rest) {
      assert.match(c.rest.path, /^\/api\//);
      assert.ok([200, 201, 202, 204].includes(c.rest.status), c.name);
      assert.equal(c.rest.status === 201, /\.(create|track)$/.test(c.name), `${c.name}: 201 exactly for creates`);
      assert.equal(c.rest.status === 204, c.name.endsWith(".delete"), `${c.name}: 204 exactly for deletes`);
    }
  }
  assert.deepEqual(SDK_METHODS, COMMANDS.filter((c) => c.sdk !== false && !c.local).map((c) => c.name));
  for (const c of COMMANDS.filter((c) => c.sdk === false && c.kind !== "worker")) {
    assert.ok(c.rest, `${c.name}: a REST-only entry has a route`);
    assert.ok(COMMANDS.some((o) => o !== c && o.cmd === c.cmd && o.sdk !== false), `${c.name}: its engine command has an SDK method`);
  }
});

test("the Worker's routes are the table's REST entries, one method and path each (or selected by a query parameter)", () => {
  const fromRoutes = ROUTES.flatMap((r) => Object.entries(r.methods).flatMap(([method, cs]) => cs.map((c) => `${method} ${r.path} ${c.name}`))).sort();
  const fromTable = COMMANDS.filter((c) => c.rest).map((c) => `${c.rest.method} ${c.rest.path} ${c.name}`).sort();
  assert.deepEqual(fromRoutes, fromTable);
  for (const route of ROUTES) {
    for (const [method, cs] of Object.entries(route.methods)) {
      assert.equal(cs.filter((c) => !c.rest.when).length, 1, `${method} ${route.path} has one default command`);
    }
  }
});

test("the Web Worker proxy: the client has every table method, the host allows exactly them, and each one runs", async () => {
  // The real client (js/browser-client.js) and host (js/browser-worker-host.js)
  // over a real MessagePort (structured clone both ways). The wasm is already
  // initialised in this realm by the Node entry, which the browser entry's
  // loader then finds ready.
  const warm = await Kraiter.open();
  await warm.close();
  const { METHODS, serveKraiter } = await import("../../js/browser-worker-host.js");
  const { openInWorker } = await import("../../js/browser-client.js");
  assert.deepEqual([...METHODS].sort(), [...SDK_METHODS].sort());
  const { port1, port2 } = new MessageChannel();
  serveKraiter({}, port1);
  port1.start();
  // openInWorker takes a Worker instance as is; here the port stands in as the worker's end.
  const hadWorker = "Worker" in globalThis;
  globalThis.Worker ??= MessagePort;
  port2.terminate = () => { port1.close(); port2.close(); };
  const client = await openInWorker({ worker: port2, storageName: null, now: Date.parse("2025-09-15T10:00:00Z") });
  if (!hadWorker) delete globalThis.Worker;
  for (const resource of RESOURCES) {
    assert.deepEqual(Object.keys(client[resource]).sort(), tableMethods(resource), resource);
  }
  for (const method of tableMethods(null)) assert.equal(typeof client[method], "function", method);
  const c = await client.contacts.create({ email: "a@x.io", properties: { plan: "pro" } });
  assert.equal((await client.contacts.get(c.id)).email, "a@x.io");
  assert.equal((await client.contacts.update(c.id, { properties: { seats: 2 } })).properties.seats, 2);
  assert.equal((await client.contacts.list()).data.length, 1);
  assert.deepEqual(await client.contacts.import([{ email: "b@x.io" }]), { created: 1, updated: 0 });
  assert.equal((await client.events.track({ name: "login", contactId: c.id })).contactId, c.id);
  assert.deepEqual(await client.events.import([{ name: "login", email: "b@x.io" }]), { imported: 1, contactsCreated: 0 });
  assert.deepEqual(await client.contacts.import([{ email: "new@x.io" }], { dryRun: true }), { created: 1, updated: 0 });
  assert.equal((await client.schema()).contacts.count, 2);
  assert.equal((await client.contacts.events(c.id, { limit: 1 })).data[0].name, "login");
  const s = await client.segments.create({ name: "pro", rules: [{ field: "properties.plan", op: "eq", value: "pro" }] });
  assert.equal((await client.segments.get(s.id)).name, "pro");
  assert.equal((await client.segments.update(s.id, { name: "pro 2" })).name, "pro 2");
  assert.equal((await client.segments.list()).data.length, 1);
  assert.equal((await client.segments.preview(s.rules)).count, 1);
  assert.equal((await client.segments.compute(s.id)).status, "computing");
  assert.equal((await client.segments.waitForCompute(s.id)).memberCount, 1);
  const members = [];
  for await (const m of await client.segments.listMembers(s.id, { limit: 1 })) members.push(m.id);
  assert.deepEqual(members, [c.id]);
  assert.equal((await client.segments.explain(s.id, c.id)).member, true);
  assert.deepEqual((await client.contacts.segments(c.id)).data.map((m) => m.id), [s.id]);
  assert.equal((await client.segments.explain([{ field: "email", op: "eq", value: "x" }], c.id)).member, false);
  await client.segments.delete(s.id);
  await client.contacts.delete(c.id);
  assert.equal((await client.contacts.getByEmail("B@x.io")).email, "b@x.io");
  await client.close();
});
