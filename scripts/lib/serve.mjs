// Runs the Kraiter Worker locally in workerd (miniflare) for `npm start` and
// `npm run worker`: builds the wasm first when it is missing, keeps Durable
// Object data on disk across runs; workerd stops with the process on Ctrl-C.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { stageAssets, writeAppConfig } from "./assets.mjs";
import { ROOT, workerOptions } from "./miniflare-options.mjs";

/** Where local Durable Object data lives: wrangler dev's own folder, so both see the same data. */
export const DEFAULT_STATE_DIR = join(ROOT, ".wrangler", "state", "v3", "do");

/** Runs `npm run build` when js/wasm has no build yet (a fresh clone). */
export function ensureBuilt() {
  const wasm = join(ROOT, "js", "wasm", "kraiter_segments_bg.wasm");
  if (existsSync(wasm) && existsSync(join(ROOT, "js", "wasm", "kraiter_segments.js"))) return;
  console.log("js/wasm is missing: running npm run build …");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0 || !existsSync(wasm)) {
    console.error("npm run build failed; see its output above.");
    process.exit(1);
  }
}

/** The port from PORT (default 8787), refusing anything that is not a port number. */
export function portFromEnv() {
  const raw = process.env.PORT ?? "8787";
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number, got ${JSON.stringify(raw)}`);
    process.exit(1);
  }
  return port;
}

/**
 * Starts workerd serving the API (and the www app as static assets) on host:port.
 * `defaultKey`: the key the app opens without asking (npm start's demo tenant).
 * Resolves to { url, stop } once it accepts requests.
 */
export async function serve({ keys, port, defaultKey, host = process.env.HOST ?? "127.0.0.1", stateDir = process.env.KRAITER_STATE_DIR ?? DEFAULT_STATE_DIR }) {
  mkdirSync(stateDir, { recursive: true });
  // www/ at /, js/ at /js/ (restart to pick up edits); KRAITER_ASSETS_DIR moves the copy.
  const assets = stageAssets(process.env.KRAITER_ASSETS_DIR || undefined);
  if (defaultKey) writeAppConfig(assets, { defaultKey });
  const mf = new Miniflare(workerOptions({ keys, port, host, persistDir: stateDir, assets }));
  let url;
  try {
    url = await mf.ready;
  } catch (error) {
    await mf.dispose().catch(() => {});
    if (/EADDRINUSE|address already in use/i.test(String(error?.stack ?? error))) {
      console.error(`Port ${port} on ${host} is in use: stop what is running there, or set PORT.`);
      process.exit(1);
    }
    throw error;
  }
  // Ctrl-C / SIGTERM: miniflare's own exit hook stops workerd, then exits 130 / 143.
  let stopping = null;
  const stop = () => (stopping ??= mf.dispose());
  return { url: new URL(url).origin, stop, mf };
}
