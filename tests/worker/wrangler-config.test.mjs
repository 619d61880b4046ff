// wrangler.toml as Cloudflare would use it: wrangler bundles the Worker from it
// (dry run, no account needed), the bundle runs in real workerd with the
// Durable Object class and migration it declares, and it stays in step with the
// miniflare options npm start and the tests use.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { COMPATIBILITY_DATE, MODULE_RULES, OFFLINE, ROOT, workerOptions } from "../../scripts/lib/miniflare-options.mjs";
import { tempDir, wranglerBundle } from "./helpers.mjs";

const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
const value = (key) => toml.match(new RegExp(`^${key}\\s*=\\s*"([^"]*)"`, "m"))?.[1];
const out = tempDir("wrangler-out");
let output;
let mf;

before(async () => { output = await wranglerBundle(ROOT, out.dir); });
after(async () => {
  await mf?.dispose();
  out.remove();
});

test("wrangler.toml declares what the local options run", () => {
  assert.equal(value("compatibility_date"), COMPATIBILITY_DATE);
  assert.equal(value("main"), "js/worker/index.js");
  const local = workerOptions({ keys: [] });
  const [[binding, { className }]] = Object.entries(local.durableObjects);
  assert.match(toml, new RegExp(`\\[\\[durable_objects\\.bindings\\]\\]\\s*name = "${binding}"\\s*class_name = "${className}"`));
  assert.match(toml, new RegExp(`new_sqlite_classes = \\["${className}"\\]`));
  assert.match(toml, /type = "CompiledWasm"/);
  assert.match(toml, /command = "node scripts\/lib\/assets.mjs"/);
  assert.match(toml, /directory = "dist\/www"/);
  assert.match(toml, /run_worker_first = \["\/api\/\*"/);
});

test("wrangler stages the assets (the app and the browser side of js/) before bundling", () => {
  assert.match(output, /\[custom build\] staged www\/ and js\/ into dist\/www\//);
  const files = Number(output.match(/Read (\d+) files from the assets directory/)?.[1]);
  assert.ok(files > 10, `assets read: ${files}`);
});

test("wrangler bundles it with the wasm as a separate compiled module, and no eval", () => {
  assert.match(output, /env\.TENANTS \(TenantObject\)\s+Durable Object/);
  const files = readdirSync(out.dir);
  const wasm = files.filter((f) => f.endsWith(".wasm"));
  assert.equal(wasm.length, 1, files.join(", "));
  const bundle = readFileSync(join(out.dir, "index.js"), "utf8");
  assert.ok(bundle.includes(`from "./${wasm[0]}"`), "the bundle imports the .wasm as a module");
  assert.doesNotMatch(bundle, /\beval\s*\(|new Function\s*\(/);
});

test("the bundle serves the API in workerd; its cold start is measured", async (t) => {
  const t0 = performance.now();
  mf = new Miniflare({
    ...OFFLINE,
    modules: true,
    modulesRoot: out.dir,
    scriptPath: join(out.dir, "index.js"),
    modulesRules: MODULE_RULES,
    compatibilityDate: value("compatibility_date"),
    bindings: { KRAITER_API_KEYS: "bundle-key" },
    durableObjects: { TENANTS: { className: "TenantObject", useSQLite: true } },
  });
  const call = async (method, path, body) => {
    const response = await mf.dispatchFetch(`http://localhost${path}`, {
      method, headers: { authorization: "Bearer bundle-key" }, body: body && JSON.stringify(body),
    });
    return { status: response.status, json: await response.json().catch(() => undefined) };
  };
  await mf.ready;
  const t1 = performance.now();
  assert.equal((await call("POST", "/api/contacts", { email: "a@b.example", properties: { plan: "pro" } })).status, 201);
  const t2 = performance.now();
  t.diagnostic(`REST Worker: workerd up in ${(t1 - t0).toFixed(0)} ms; first request (Worker → new Durable Object → wasm instantiate, Kraiter.open, create) ${(t2 - t1).toFixed(0)} ms`);
  const segment = await call("POST", "/api/segments", { name: "pro", rules: [{ field: "properties.plan", op: "eq", value: "pro" }] });
  assert.equal(segment.status, 201);
  const preview = await call("POST", "/api/segments/preview", { rules: segment.json.rules });
  assert.equal(preview.json.count, 1);
  assert.equal((await mf.dispatchFetch("http://localhost/api/segments")).status, 401);
});
