// The app's module worker: the Kraiter (on IndexedDB) plus the app's own
// heavy tasks, demo data generation, file import and simulated activity, so
// none of them runs on the page's main thread. (Property keys for the
// builder come from schema(), in both data sources.)
import { serveKraiter } from "../js/browser-worker-host.js";
import { simulateActivity, stopActivity } from "./lib/activity-simulator.js";
import { generateDemo } from "./lib/demo-data.js";
import { importFile } from "./lib/import-file.js";

serveKraiter({ tasks: { generateDemo, importFile, simulateActivity, stopActivity } });
