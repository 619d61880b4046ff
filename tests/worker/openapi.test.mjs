// The OpenAPI document (js/worker/openapi.js) as the Worker serves it: public
// at GET /api/openapi.json, and true to the routes: every route and method of
// the command table with its parameters, success status and the error
// statuses, every $ref resolving, every documented error status really
// produced by the Worker for that operation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { COMMANDS } from "../../js/commands.js";
import { OPENAPI } from "../../js/worker/openapi.js";
import { allowedMethods, ROUTES } from "../../js/worker/routes.js";
import { startWorker } from "./helpers.mjs";

const KEY = "openapi-key";
let worker;
before(async () => { worker = await startWorker({ keys: [KEY] }); });
after(() => worker?.dispose());

const oasPath = (path) => path.replace(/:(\w+)/g, "{$1}");

test("served without a key, as JSON, equal to the module's document", async () => {
  const response = await worker.call("GET", "/api/openapi.json", { key: null });
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type"), /application\/json/);
  assert.deepEqual(response.json, OPENAPI);
  assert.equal(response.json.openapi, "3.1.0");
  const wrong = await worker.call("POST", "/api/openapi.json", { key: null });
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.get("allow"), "GET, HEAD, OPTIONS");
});

test("every route and method is documented with its parameters and statuses, and nothing else", () => {
  const documented = Object.entries(OPENAPI.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
  const served = ROUTES.flatMap((r) => allowedMethods(r).filter((m) => m !== "OPTIONS").map((m) => `${m} ${oasPath(r.path)}`))
    .concat(["GET /api/openapi.json", "HEAD /api/openapi.json"]).sort();
  assert.deepEqual(documented, served);
  for (const command of COMMANDS.filter((c) => c.rest)) {
    const op = OPENAPI.paths[oasPath(command.rest.path)][command.rest.method.toLowerCase()];
    assert.ok(op.responses[command.rest.status], `${command.name} documents ${command.rest.status}`);
    for (const status of ["400", "401", "405", "413", "500"]) assert.ok(op.responses[status], `${command.name} documents ${status}`);
    if (command.rest.path.includes(":id")) assert.ok(op.responses["404"], `${command.name} documents 404`);
    const params = (op.parameters ?? []).map((p) => `${p.in}:${p.name}`).sort();
    const siblings = COMMANDS.filter((c) => c.rest?.path === command.rest.path && c.rest.method === command.rest.method);
    const expected = [...(command.rest.path.includes(":id") ? ["path:id"] : []), ...new Set(siblings.flatMap((c) => c.rest.query ?? []).map((q) => `query:${q}`))].sort();
    assert.deepEqual(params, expected, command.name);
    assert.equal(Boolean(op.requestBody), Boolean(command.rest.body), `${command.name} request body`);
  }
});

test("every $ref resolves, and bodies and answers reject unknown keys", () => {
  const refs = JSON.stringify(OPENAPI).match(/"\$ref":"[^"]+"/g).map((r) => r.slice(8, -1));
  for (const ref of new Set(refs)) {
    const name = ref.replace("#/components/schemas/", "");
    assert.ok(OPENAPI.components.schemas[name], `${ref} resolves`);
  }
  for (const name of ["SegmentCreate", "SegmentUpdate", "PreviewRequest", "ContactCreate", "ContactUpdate", "EventInput", "Group", "Condition.equality", "Segment", "Contact", "Event", "Member", "Error", "WebhookCreate", "Webhook", "WebhookCreated", "WebhookPage", "Change", "WebhookBatch"]) {
    assert.equal(OPENAPI.components.schemas[name].additionalProperties, false, name);
  }
});

test("each documented error status is one the Worker gives for that operation", async () => {
  // One request per status, for an operation that documents it.
  const cases = [
    [400, "GET", "/api/segments?limit=0"],
    [401, "GET", "/api/segments", { key: null }],
    [404, "GET", "/api/segments/seg_01K00000000000000000000000"],
    [405, "PUT", "/api/segments"],
    [409, "POST", "/api/contacts", { body: { email: "twice@x.io" } }],
    [413, "POST", "/api/contacts", { raw: "x".repeat(1024 * 1024 + 1) }],
  ];
  await worker.call("POST", "/api/contacts", { key: KEY, body: { email: "twice@x.io" } });
  for (const [status, method, path, options = {}] of cases) {
    const response = await worker.call(method, path, { key: KEY, ...options });
    assert.equal(response.status, status, `${method} ${path}: ${response.text.slice(0, 200)}`);
    assert.ok(Object.keys(response.json).length === 1 && response.json.error.code, "the envelope");
  }
});
