// Shared by tests/worker/*.test.mjs: starts the Kraiter Worker in real workerd
// (miniflare, the options npm start uses) and calls its REST API.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { createHash } from "node:crypto";
import { ROOT, workerOptions } from "../../scripts/lib/miniflare-options.mjs";

/** A temp dir removed by the returned cleanup. */
export function tempDir(label) {
  const dir = mkdtempSync(join(tmpdir(), `kraiter-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Options for the real Worker whose tenant class is TenantObjectHarness
 * (fixtures/tenant-harness.js): the same code plus hooks to look inside.
 */
export function harnessOptions(options) {
  const o = workerOptions({ outbound: "none", ...options, scriptPath: join(ROOT, "tests/worker/fixtures/tenant-harness.js") });
  o.durableObjects = { TENANTS: { className: "TenantObjectHarness", useSQLite: true } };
  return o;
}

/** The tenant object of an API key, reached as the Worker reaches it (name = sha256 of the key). */
export async function tenantStub(mf, key) {
  const ns = await mf.getDurableObjectNamespace("TENANTS");
  return ns.get(ns.idFromName(`tenant:${createHash("sha256").update(key).digest("hex")}`));
}

/** Rejects when workerd has not started within ms (a broken build must fail, not hang). */
export function ready(mf, ms = 45_000) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`workerd did not start within ${ms} ms`)), ms);
  });
  return Promise.race([mf.ready, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Starts the Worker; `restart()` disposes workerd and starts it again on the
 * same storage. `harness: true` runs it with the hooks of harnessOptions.
 * Its own fetches (webhook deliveries) reach nothing unless `outbound:
 * "loopback"` lets them reach 127.0.0.0/8: tests never send beyond the machine.
 */
export async function startWorker({ harness = false, outbound = "none", miniflare = {}, ...options }) {
  options.outbound = outbound;
  // `miniflare`: more Miniflare options as they are (handleRuntimeStdio to read the Worker's console).
  const build = () => ({ ...(harness ? harnessOptions(options) : workerOptions(options)), ...miniflare });
  let mf = new Miniflare(build());
  let disposing = null;
  await ready(mf);
  const worker = {
    get mf() { return mf; },
    async restart() {
      await mf.dispose();
      disposing = null;
      mf = new Miniflare(build());
      await ready(mf);
    },
    /** Idempotent: an after() hook may dispose what a failed test already disposed. */
    dispose() {
      disposing ??= mf.dispose();
      return disposing;
    },
    /**
     * Calls the API: `key` becomes a Bearer header (null for none); `body` is
     * sent as JSON unless `raw` gives the exact bytes/string/stream to send.
     */
    async call(method, path, { key, body, raw, headers = {} } = {}) {
      const init = { method, headers: { ...headers } };
      if (key !== null && key !== undefined) init.headers.authorization = `Bearer ${key}`;
      if (raw !== undefined) {
        init.body = raw;
        if (raw instanceof ReadableStream) init.duplex = "half";
      } else if (body !== undefined && method !== "GET" && method !== "HEAD") {
        init.body = JSON.stringify(body);
        init.headers["content-type"] = "application/json";
      }
      const response = await mf.dispatchFetch(`http://localhost${path}`, init);
      const text = await response.text();
      let json;
      try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
      return { status: response.status, headers: response.headers, text, json };
    },
  };
  return worker;
}

/** Polls until check() returns a truthy value, or fails after timeoutMs. */
export async function eventually(check, { timeoutMs = 10_000, intervalMs = 25, what = "condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * `wrangler deploy --dry-run --outdir <outdir>` in `cwd`: bundles the Worker as
 * Cloudflare would receive it. Runs wrangler's CLI file directly, because its
 * launcher refuses Node < 22.12 while the bundler itself works on Node 20.
 */
export async function wranglerBundle(cwd, outdir) {
  const { execFile } = await import("node:child_process");
  const { createRequire } = await import("node:module");
  const { dirname } = await import("node:path");
  const require = createRequire(import.meta.url);
  const cli = join(dirname(require.resolve("wrangler/package.json")), "wrangler-dist", "cli.js");
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--no-warnings", cli, "deploy", "--dry-run", "--outdir", outdir], {
      cwd,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" },
      timeout: 60_000,
    }, (error, stdout, stderr) => {
      if (error) reject(new Error(`wrangler failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}
