// `KRAITER_API_KEYS=k1,k2 PORT=8787 npm run worker`: serves the Kraiter REST API
// (and www/) locally in workerd with exactly the API keys given, data kept in
// .wrangler/state (KRAITER_STATE_DIR to move it). No demo data: see npm start.
import { parseKeys } from "../js/worker/auth.js";
import { ensureBuilt, portFromEnv, serve } from "./lib/serve.mjs";

const keys = parseKeys(process.env.KRAITER_API_KEYS);
if (keys.length === 0) {
  console.error("Set KRAITER_API_KEYS to the API keys to accept, comma separated, e.g.\n  KRAITER_API_KEYS=k1,k2 PORT=8787 npm run worker");
  process.exit(1);
}
const port = portFromEnv();
ensureBuilt();
const { url } = await serve({ keys, port });
console.log(`Kraiter API on ${url}/api with ${keys.length} API key${keys.length === 1 ? "" : "s"} (Ctrl-C to stop)`);
