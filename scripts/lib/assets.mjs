// Stages the static assets the Worker serves: the www/ app at the root and the
// browser side of the package under /js/, because the app imports it as
// `../js/…` (relative to www/). Serving www/ alone would break those imports;
// serving the repository root would publish everything. Used by npm start,
// npm run worker and, through wrangler.toml's [build] command, by deploys.
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { ROOT } from "./miniflare-options.mjs";

/** Where the staged assets go; wrangler.toml's [assets] directory names the same folder. */
export const ASSETS_DIR = join(ROOT, "dist", "www");

/** Server-only or build-only parts of js/ that a browser never loads. */
const SERVER_ONLY = [join(ROOT, "js", "worker")];

/** Copies www/ to dir and js/ (without the Worker) to dir/js; returns dir. */
export function stageAssets(dir = ASSETS_DIR) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const www = join(ROOT, "www");
  if (existsSync(www)) cpSync(www, dir, { recursive: true });
  writeAppConfig(dir); // served by the Worker: the app has the API at /api
  cpSync(join(ROOT, "js"), join(dir, "js"), {
    recursive: true,
    filter: (source) => !SERVER_ONLY.some((skip) => source === skip || source.startsWith(skip + sep)) && !source.endsWith(".d.ts"),
  });
  return dir;
}

/**
 * Writes dir/app-config.json, which the app reads at start (www/lib/data-source.js):
 * `api: true` says the Worker serving it has the REST API (www/app-config.json,
 * what a plain static server serves, says false: this browser's data only), and
 * `defaultKey` opens it on that tenant without asking for a key. Only `npm start`
 * gives a default key (its demo tenant's); a deploy has none, so the app asks.
 */
export function writeAppConfig(dir, { defaultKey } = {}) {
  writeFileSync(join(dir, "app-config.json"), `${JSON.stringify({ api: true, ...(defaultKey && { defaultKey }) })}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = stageAssets();
  console.log(`staged www/ and js/ into ${relative(ROOT, dir)}/`);
}
