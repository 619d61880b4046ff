// Which data the app shows: a server tenant through the REST API (when the
// page is served by the Kraiter Worker) or this browser's IndexedDB through a
// module worker. Finds out whether there is a server (app-config.json: www/'s
// own says no, the Worker's staged copy says yes), remembers the chosen
// source and API key per origin, and opens the client for either.
import { connect } from "../../js/http-client.js";
import { openInWorker } from "../../js/browser-client.js";

const SOURCE_KEY = "kraiter-segments:source";
const API_KEY = "kraiter-segments:api-key";

/**
 * Whether this origin answers the Kraiter API (the Worker serves the app), and
 * its default key: app-config.json says (scripts/lib/assets.mjs writes the
 * Worker's; `npm start` adds its demo tenant's key, deploys have none).
 */
export async function findServer() {
  const config = await fetch(new URL("app-config.json", location.href), { cache: "no-store" })
    .then((r) => (r.ok ? r.json() : {}), () => ({}))
    .catch(() => ({}));
  if (config?.api !== true) return null;
  return { baseUrl: location.origin, defaultKey: typeof config.defaultKey === "string" ? config.defaultKey : null };
}

export const savedKey = () => localStorage.getItem(API_KEY);
export const saveKey = (key) => localStorage.setItem(API_KEY, key);
export const forgetKey = () => localStorage.removeItem(API_KEY);

/** "server" or "browser": the last choice, else the server when there is one. */
export function chosenSource(server) {
  const saved = localStorage.getItem(SOURCE_KEY);
  if (!server) return "browser";
  return saved === "browser" ? "browser" : "server";
}
export const chooseSource = (kind) => localStorage.setItem(SOURCE_KEY, kind);

/**
 * Opens the server tenant of `apiKey`; the key is checked with one read, so a
 * wrong key rejects here (UNAUTHORISED, status 401) rather than in a panel.
 */
export async function openServer(server, apiKey) {
  const client = connect({ baseUrl: server.baseUrl, apiKey });
  await client.schema();
  return client;
}

/** This browser's database `db` in a module worker (www/worker.js: + the app's tasks). */
export function openBrowser(db, { onWaiting } = {}) {
  return openInWorker({
    storageName: db,
    worker: new Worker(new URL("../worker.js", import.meta.url), { type: "module" }),
    onWaiting,
  });
}

/** Deletes this browser's database `db` (no client may have it open). */
export function deleteBrowserData(db) {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(db);
    req.onsuccess = resolve;
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error("another tab has this browser's data open; close it and try again"));
  });
}

/** The key's last characters, enough to tell two tenants apart without showing the key. */
export const keyHint = (key) => (key.length > 8 ? `…${key.slice(-4)}` : "");
