// The app's module worker: the Kraiter (on IndexedDB) plus the app's own
// heavy tasks, demo data generation and simulated activity, so neither
// runs on the page's main thread. (File import reads the file in the page
// and imports it with one SDK call, www/lib/import-panel.js; property keys
// for the builder come from schema(), in both data sources.)
import { serveKraiter } from "../js/browser-worker-host.js";
import { simulateActivity, stopActivity } from "./lib/activity-simulator.js";
import { generateDemo } from "./lib/demo-data.js";

serveKraiter({ tasks: { generateDemo, simulateActivity, stopActivity } });
