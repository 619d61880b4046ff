// The npm package as a Node user consumes it: `npm pack`, the tarball
// installed into an ESM project, and a script there that imports
// "kraiter-segments" by name, creates data, computes a segment and reads its
// members. Also checks what the tarball ships and that every `exports` target exists.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { installFixture, packTarball, run, wasmFileIn, workspace } from "./helpers.mjs";

const space = workspace("node");
let packed;
let installed;

const SCRIPT = `
import { Kraiter, KraiterError, memoryStorage } from "kraiter-segments";
const kraiter = await Kraiter.open({ storage: memoryStorage() });
await kraiter.contacts.import([
  { email: "ann@example.com", properties: { plan: "pro", seats: 12 } },
  { email: "bob@example.com", properties: { plan: "free", seats: 1 } },
  { email: "cy@example.com", properties: { plan: "pro", seats: 3 } },
]);
await kraiter.events.track({ name: "login", email: "cy@example.com" });
const segment = await kraiter.segments.create({
  name: "Active pro",
  rules: { operator: "and", conditions: [
    { field: "properties.plan", op: "eq", value: "pro" },
    { operator: "or", conditions: [
      { field: "properties.seats", op: "gte", value: 10 },
      { field: "events.login", op: "occurred", within: "7d" },
    ] },
  ] },
});
const queued = await kraiter.segments.compute(segment.id);
const computed = await kraiter.segments.waitForCompute(segment.id);
const members = await kraiter.segments.listMembers(segment.id, { limit: 10 });
let error;
try { await kraiter.segments.get("seg_01K00000000000000000000000"); } catch (e) { error = e; }
await kraiter.close();
console.log(JSON.stringify({
  status: queued.status,
  memberCount: computed.memberCount,
  emails: members.data.map((m) => m.email).sort(),
  error: { isKraiterError: error instanceof KraiterError, code: error?.code, status: error?.status },
}));
`;

before(async () => {
  packed = await packTarball(space.dir);
  installed = await installFixture(join(space.dir, "app"), packed.tarball, { "main.js": SCRIPT });
});
after(() => space.remove());

test("the tarball ships the entries, the wasm and the adapters, and no sources or tests", () => {
  for (const file of ["package.json", "js/node.js", "js/browser.js", "js/workerd.js", "js/kraiter.js", "js/wasm/kraiter_segments.js", "js/wasm/kraiter_segments_bg.wasm", "js/storage/durable-object.js"]) {
    assert.ok(packed.files.includes(file), `${file} is in the tarball`);
  }
  for (const file of packed.files) assert.doesNotMatch(file, /^(src|tests|scripts|bench|target)\//, `${file} does not belong in the package`);
});

test("every exports condition points at a file of the installed package", () => {
  const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
  const root = pkg.exports["."];
  for (const condition of ["workerd", "browser", "node", "default"]) {
    assert.ok(root[condition], `exports["."].${condition} is set`);
    for (const kind of ["types", "default"]) {
      const file = root[condition][kind];
      assert.ok(file && existsSync(join(installed, file)), `${condition}.${kind} → ${file} exists`);
    }
  }
  assert.ok(existsSync(join(installed, pkg.types)), "types exists");
});

test("a Node ESM project imports it by name, computes a segment and reads members", async () => {
  const { stdout } = await run(process.execPath, ["main.js"], { cwd: join(space.dir, "app"), timeout: 30_000 });
  const result = JSON.parse(stdout.trim().split("\n").pop());
  assert.deepEqual(result, {
    status: "computing",
    memberCount: 2,
    emails: ["ann@example.com", "cy@example.com"],
    error: { isKraiterError: true, code: "NOT_FOUND", status: 404 },
  });
});

test("wasm size (budget: under 332 KiB gzipped; README, \"Size and start-up\")", (t) => {
  const bytes = readFileSync(wasmFileIn(installed));
  const gzip = gzipSync(bytes, { level: 9 }).length;
  t.diagnostic(`wasm: ${bytes.length} bytes raw, ${gzip} bytes gzip -9 (${(gzip / 1024).toFixed(1)} KiB)`);
  assert.ok(gzip < 332 * 1024, `wasm gzip is ${gzip} bytes`);
});
