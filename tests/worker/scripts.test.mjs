// `npm start` and `npm run worker` as a user runs them: real processes on a
// random free port, talking HTTP to workerd. start seeds and computes a demo
// tenant and prints its key, and keeps the data for the next run; worker
// accepts exactly the keys in KRAITER_API_KEYS. Both stop cleanly on SIGTERM.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { ROOT } from "../../scripts/lib/miniflare-options.mjs";
import { tempDir } from "./helpers.mjs";

const state = tempDir("scripts-state");
const assets = tempDir("scripts-assets");
const running = new Set();
after(async () => {
  for (const child of running) await stopProcess(child);
  state.remove();
  assets.remove();
});

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Runs `node scripts/<script>` until its output matches `ready`; resolves to
 * { child, output }. `offline`: inside a new network namespace with only loopback.
 */
function launch(script, env, ready, { offline = false } = {}) {
  const node = [process.execPath, join(ROOT, "scripts", script)];
  const [command, ...args] = offline
    ? ["unshare", "--net", "--", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", ...node]
    : node;
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, KRAITER_STATE_DIR: state.dir, KRAITER_ASSETS_DIR: assets.dir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} not ready in 45 s:\n${output}`)), 45_000);
    const check = (data) => {
      output += data;
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout.on("data", check);
    child.stderr.on("data", check);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${output}`));
    });
  });
}

function stopProcess(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      running.delete(child);
      return resolve(child.exitCode);
    }
    child.removeAllListeners("exit");
    child.once("exit", (code) => {
      running.delete(child);
      resolve(code);
    });
    child.kill("SIGTERM");
  });
}

/** Stops the script as Ctrl-C / a service manager would; workerd must stop with it. */
async function stopAndCheck(child, base) {
  const code = await stopProcess(child);
  assert.equal(code, 143, "exits with 128 + SIGTERM after shutting workerd down");
  await assert.rejects(fetch(`${base}/api/segments`), "nothing listens on the port any more");
}

async function get(url, key) {
  const response = await fetch(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: response.status, json: await response.json().catch(() => undefined) };
}

test("npm start seeds a demo tenant, prints its key, and keeps the data across runs", async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const first = await launch("start.mjs", { PORT: String(port), KRAITER_DEMO_KEY: "" }, /Ctrl-C to stop/);
  const text = first.output();
  assert.match(text, /Seeding the demo tenant/);
  assert.ok(text.includes(`running at ${base}`), text);
  const key = text.match(/Demo key\s+(\S+)/)[1];

  const segments = (await get(`${base}/api/segments?limit=100`, key)).json.data;
  assert.equal(segments.length, 6);
  for (const segment of segments) {
    assert.ok(segment.computedAt, `${segment.name} computed`);
    assert.ok(text.includes(segment.id) && text.includes(segment.name), "the printed table lists each segment");
  }
  assert.ok(segments.every((s) => s.memberCount > 0), JSON.stringify(segments.map((s) => [s.name, s.memberCount])));
  let contacts = 0;
  let cursor = null;
  do {
    const page = (await get(`${base}/api/contacts?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, key)).json;
    contacts += page.data.length;
    cursor = page.nextCursor;
  } while (cursor);
  assert.equal(contacts, 3000);
  const members = (await get(`${base}/api/segments/${segments[0].id}/members?limit=100`, key)).json;
  assert.equal(members.data.length, Math.min(100, segments[0].memberCount));
  assert.equal((await get(`${base}/api/segments`, "wrong-key")).status, 401);
  const home = await fetch(`${base}/`);
  assert.equal(home.status, 200, "the www app is served at /");
  assert.match(home.headers.get("content-type"), /text\/html/);
  assert.deepEqual((await get(`${base}/app-config.json`)).json, { api: true, defaultKey: key }, "the app opens on the demo tenant without asking");
  assert.equal((await fetch(`${base}/js/wasm/kraiter_segments_bg.wasm`)).headers.get("content-type"), "application/wasm");
  await stopAndCheck(first.child, base);

  const second = await launch("start.mjs", { PORT: String(port) }, /Ctrl-C to stop/);
  assert.doesNotMatch(second.output(), /Seeding/);
  const again = (await get(`${base}/api/segments?limit=100`, key)).json.data;
  assert.deepEqual(again.map((s) => s.id), segments.map((s) => s.id));
  await stopAndCheck(second.child, base);
});

test("npm run worker accepts exactly the keys in KRAITER_API_KEYS", async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const { child, output } = await launch("worker.mjs", { PORT: String(port), KRAITER_API_KEYS: "k1, k2" }, /Kraiter API on/);
  assert.match(output(), new RegExp(`${base}/api with 2 API keys`));
  assert.equal((await get(`${base}/api/segments`, "k1")).status, 200);
  assert.equal((await get(`${base}/api/segments`, "k2")).status, 200);
  for (const key of ["k3", "kraiter_demo_key", "k1, k2", null]) {
    const response = await get(`${base}/api/segments`, key);
    assert.equal(response.status, 401, `key ${key}`);
    assert.equal(response.json.error.code, "UNAUTHORISED");
  }
  await stopAndCheck(child, base);
});

test("npm run worker without keys refuses to start", async () => {
  await assert.rejects(launch("worker.mjs", { KRAITER_API_KEYS: " , " }, /Kraiter API on/), /exited with 1[\s\S]*Set KRAITER_API_KEYS/);
});

// Needs root and util-linux unshare (as on CI's machine); skipped elsewhere.
const canIsolate = spawnSync("unshare", ["--net", "--", "sh", "-c", "ip link set lo up"]).status === 0;

test("npm start works with no network at all", { skip: !canIsolate && "needs unshare --net (root)" }, async () => {
  const offlineState = tempDir("scripts-offline");
  try {
    const port = await freePort();
    const { child, output } = await launch("start.mjs", { PORT: String(port), KRAITER_STATE_DIR: offlineState.dir }, /Ctrl-C to stop|Could not/, { offline: true });
    assert.match(output(), /Seeding the demo tenant[\s\S]*Demo key/);
    assert.doesNotMatch(output(), /Could not|Unable to fetch/);
    await stopProcess(child);
  } finally {
    offlineState.remove();
  }
});
