// Miniflare options for running the Kraiter Worker in local workerd: the same
// module rules, Durable Object binding and assets as wrangler.toml, so
// `npm start`, `npm run worker` and tests/worker/ all run one configuration.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Keep in step with compatibility_date in wrangler.toml (tests/worker/wrangler-config.test.mjs checks). */
export const COMPATIBILITY_DATE = "2025-09-01";

/**
 * Options every local workerd run shares. `cf: false`: use miniflare's built-in
 * placeholder for `request.cf` instead of downloading it, so runs are offline.
 */
export const OFFLINE = { cf: false };

/** Module rules: our .js files are ES modules; .wasm is imported as a compiled WebAssembly.Module. */
export const MODULE_RULES = [
  { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
  { type: "CompiledWasm", include: ["**/*.wasm"] },
];

/**
 * Where the Worker's own fetches (webhook deliveries) may go, for tests:
 * "loopback" reaches 127.0.0.0/8 only, "none" nothing (so generated webhook
 * urls never leave the machine). Unset: workerd's network, as deployed.
 */
const OUTBOUND = {
  loopback: { network: { allow: ["127.0.0.0/8"], deny: [] } },
  none: { network: { allow: [], deny: [] } },
};

/**
 * @param {{ keys: string[], port?: number, host?: string, persistDir?: string,
 *           assets?: boolean, scriptPath?: string, corsOrigins?: string[],
 *           bindings?: Record<string, string>, outbound?: "loopback" | "none" }} options
 *   persistDir: keep Durable Object data there across restarts (otherwise in memory)
 *   assets: serve the staged app (true: dist/www, see scripts/lib/assets.mjs) or the
 *           given directory as static assets in front of the Worker
 *   corsOrigins: the origins that get CORS headers (the Worker's KRAITER_CORS_ORIGINS);
 *           default: this process's KRAITER_CORS_ORIGINS, so `npm start` and `npm run worker` pass it on
 *   bindings: more env vars (tests: KRAITER_WEBHOOK_RETRY_BASE_MS, KRAITER_WEBHOOK_GIVE_UP_MS)
 *   outbound: see OUTBOUND
 */
export function workerOptions({ keys, port, host = "127.0.0.1", persistDir, assets = false, scriptPath, corsOrigins, bindings = {}, outbound }) {
  corsOrigins ??= String(process.env.KRAITER_CORS_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean);
  const options = {
    ...OFFLINE,
    name: "kraiter-segments",
    modules: true,
    modulesRoot: ROOT,
    scriptPath: scriptPath ?? join(ROOT, "js/worker/index.js"),
    modulesRules: MODULE_RULES,
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: { KRAITER_API_KEYS: keys.join(","), ...(corsOrigins.length && { KRAITER_CORS_ORIGINS: corsOrigins.join(",") }), ...bindings },
    durableObjects: { TENANTS: { className: "TenantObject", useSQLite: true } },
    durableObjectsPersist: persistDir ?? false,
    ...(outbound && { outboundService: OUTBOUND[outbound] }),
  };
  if (port !== undefined) {
    options.host = host;
    options.port = port;
  }
  const directory = typeof assets === "string" ? assets : join(ROOT, "dist", "www");
  if (assets && existsSync(directory)) {
    options.assets = {
      directory,
      binding: "ASSETS",
      routerConfig: { has_user_worker: true, static_routing: { user_worker: ["/api/*", "/api"] } },
    };
  }
  return options;
}
