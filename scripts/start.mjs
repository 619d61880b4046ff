// `npm start`, the product's main command: builds the wasm if needed, runs the
// Worker locally in workerd at http://127.0.0.1:8787 (PORT to change), serving
// the www app and the REST API, with a demo tenant seeded with contacts, events
// and computed segments, and prints its API key; the app opens on that tenant
// without asking for a key (app-config.json). Works offline.
//   KRAITER_DEMO_KEY   the demo tenant's key (default below)
//   KRAITER_API_KEYS   more keys to accept, comma separated
//   KRAITER_STATE_DIR  where Durable Object data is kept (default .wrangler/state/v3/do)
import { parseKeys } from "../js/worker/auth.js";
import { ensureBuilt, portFromEnv, serve } from "./lib/serve.mjs";
import { client, computeAll, isEmpty, seedDemo } from "./lib/seed.mjs";

const DEMO_KEY = process.env.KRAITER_DEMO_KEY || "kraiter_demo_key";
const keys = [...new Set([DEMO_KEY, ...parseKeys(process.env.KRAITER_API_KEYS)])];
const port = portFromEnv();
ensureBuilt();
const started = Date.now();
const { url, stop } = await serve({ keys, port, defaultKey: DEMO_KEY }); // the app opens on the demo tenant
const api = client(url, DEMO_KEY);

let segments;
try {
  if (await isEmpty(api)) {
    console.log("Seeding the demo tenant (3000 contacts, their events, 6 segments) …");
    segments = await seedDemo(api);
  } else {
    // Data from an earlier run: recompute, so "within" windows are relative to now.
    const ids = [];
    let cursor = null;
    do {
      const page = await api("GET", `/api/segments?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      ids.push(...page.data.map((s) => s.id));
      cursor = page.nextCursor;
    } while (cursor);
    segments = await computeAll(api, ids);
  }
} catch (error) {
  console.error(`Could not seed the demo tenant: ${error.message}`);
  await stop();
  process.exit(1);
}

const width = Math.max(...segments.map((s) => s.name.length), 7);
console.log(`
Kraiter segments is running at ${url}  (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)

  App        ${url}/
  API        ${url}/api
  Demo key   ${DEMO_KEY}

  ${"Segment".padEnd(width)}  Members
${segments.map((s) => `  ${s.name.padEnd(width)}  ${String(s.memberCount).padStart(7)}  ${s.id}`).join("\n")}

Try:
  curl -H "Authorization: Bearer ${DEMO_KEY}" ${url}/api/segments
  curl -H "Authorization: Bearer ${DEMO_KEY}" "${url}/api/segments/${segments[0]?.id}/members?limit=5"

Ctrl-C to stop. Data is kept between runs (delete .wrangler/state to start over).`);
