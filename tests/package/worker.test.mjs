// The npm package as a Cloudflare Workers user consumes it: the tarball
// installed into a Worker project, bundled by wrangler (dry run, the
// "workerd" exports condition, the wasm as a compiled module), and run in
// real workerd with Durable Object storage. Measures the cold start.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { MODULE_RULES, OFFLINE } from "../../scripts/lib/miniflare-options.mjs";
import { wranglerBundle } from "../worker/helpers.mjs";
import { installFixture, packTarball, workspace } from "./helpers.mjs";

const space = workspace("worker");
const app = join(space.dir, "app");
const out = join(space.dir, "dist");
const COMPATIBILITY_DATE = "2025-09-01";

const WORKER = `
import { DurableObject } from "cloudflare:workers";
import { Kraiter, KraiterError, durableObjectStorage } from "kraiter-segments";

export class Store extends DurableObject {
  #kraiter = null;
  async fetch(request) {
    this.#kraiter ??= await Kraiter.open({ storage: durableObjectStorage(this.ctx.storage) });
    const k = this.#kraiter;
    const url = new URL(request.url);
    if (url.pathname === "/seed") {
      await k.contacts.import([
        { email: "ann@example.com", properties: { plan: "pro" } },
        { email: "bob@example.com", properties: { plan: "free" } },
      ]);
      const segment = await k.segments.create({ name: "pro", rules: [{ field: "properties.plan", op: "eq", value: "pro" }] });
      await k.segments.compute(segment.id);
      const computed = await k.segments.waitForCompute(segment.id);
      return Response.json({ id: segment.id, memberCount: computed.memberCount });
    }
    if (url.pathname === "/read") {
      const { data } = await k.segments.list({ limit: 10 });
      const members = await k.segments.listMembers(data[0].id, { limit: 10 });
      return Response.json({ memberCount: data[0].memberCount, emails: members.data.map((m) => m.email) });
    }
    try {
      await k.segments.get("seg_01K00000000000000000000000");
      return Response.json({ thrown: false });
    } catch (error) {
      return Response.json({ thrown: error instanceof KraiterError, code: error.code });
    }
  }
}

export default {
  fetch(request, env) {
    return env.STORE.get(env.STORE.idFromName("one")).fetch(request);
  },
};
`;

const WRANGLER_TOML = `
name = "kraiter-fixture"
main = "src/index.js"
compatibility_date = "${COMPATIBILITY_DATE}"

[[durable_objects.bindings]]
name = "STORE"
class_name = "Store"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["Store"]
`;

const persist = join(space.dir, "do-state");
const start = () => new Miniflare({
  ...OFFLINE,
  modules: true,
  modulesRoot: out,
  scriptPath: join(out, "index.js"),
  modulesRules: MODULE_RULES,
  compatibilityDate: COMPATIBILITY_DATE,
  durableObjects: { STORE: { className: "Store", useSQLite: true } },
  durableObjectsPersist: persist,
});
let mf;

before(async () => {
  const { tarball } = await packTarball(space.dir);
  await installFixture(app, tarball, { "src/index.js": WORKER, "wrangler.toml": WRANGLER_TOML });
  await wranglerBundle(app, out);
});
after(async () => {
  await mf?.dispose();
  space.remove();
});

test("wrangler bundles the package with its workerd entry and the wasm as a module", () => {
  const files = readdirSync(out);
  assert.equal(files.filter((f) => f.endsWith(".wasm")).length, 1, files.join(", "));
});

test("the bundled Worker runs the SDK on Durable Object storage in workerd; cold start measured", async (t) => {
  const t0 = performance.now();
  mf = start();
  await mf.ready;
  const t1 = performance.now();
  const seeded = await mf.dispatchFetch("http://fixture/seed");
  const t2 = performance.now();
  assert.equal(seeded.status, 200, await seeded.clone().text());
  assert.equal((await seeded.json()).memberCount, 1);
  const warmStart = performance.now();
  const errorResponse = await (await mf.dispatchFetch("http://fixture/error")).json();
  const warm = performance.now() - warmStart;
  assert.deepEqual(errorResponse, { thrown: true, code: "NOT_FOUND" });

  // Cold start proper: a new workerd on the stored data; first request opens the wasm and replays storage.
  await mf.dispose();
  mf = undefined; // disposed: after() must not dispose it twice
  const c0 = performance.now();
  mf = start();
  await mf.ready;
  const c1 = performance.now();
  const read = await mf.dispatchFetch("http://fixture/read");
  const c2 = performance.now();
  assert.deepEqual(await read.json(), { memberCount: 1, emails: ["ann@example.com"] });

  t.diagnostic(`workerd start (process + script load): ${(t1 - t0).toFixed(0)} ms, then ${(c1 - c0).toFixed(0)} ms on restart`);
  t.diagnostic(`cold first request (isolate, wasm instantiate, Kraiter.open, seed + compute): ${(t2 - t1).toFixed(0)} ms`);
  t.diagnostic(`cold first request after restart (wasm instantiate, open + replay, read): ${(c2 - c1).toFixed(0)} ms`);
  t.diagnostic(`warm request: ${warm.toFixed(1)} ms`);
  assert.ok(c2 - c1 < 1000, "a cold request is served within Workers' 1 s start-up budget");
});
