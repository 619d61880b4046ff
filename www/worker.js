// The app's module worker: the Kraiter (on IndexedDB) plus the app's own
// heavy tasks, demo data generation, file import and simulated activity, so
// none of them runs on the page's main thread.
import { serveKraiter } from "../js/browser-worker-host.js";
import { simulateActivity, stopActivity } from "./lib/activity-simulator.js";
import { generateDemo } from "./lib/demo-data.js";
import { importFile } from "./lib/import-file.js";

/** Property keys seen on the first contacts: suggestions for the rule builder. */
async function propertyKeys(kraiter) {
  const keys = new Set();
  const page = await kraiter.contacts.list({ limit: 100 });
  for (const c of page.data) for (const k of Object.keys(c.properties ?? {})) keys.add(k);
  return [...keys].sort();
}

serveKraiter({ tasks: { generateDemo, importFile, propertyKeys, simulateActivity, stopActivity } });
