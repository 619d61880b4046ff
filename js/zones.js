// The time zone database, loaded only when a rule first names a zone: it
// is about 200 KB (50 KB compressed), a module of its own beside the wasm
// (js/wasm/tzdb.js, written by scripts/export-tzdb.rs), so a tenant that
// never uses `timeZone` never fetches or holds it. See README.md, "Size".
import { loadZones, zonesLoaded } from "./wasm/kraiter_segments.js";

const NEEDLE = "timeZone";
let loading = null;

/** Whether command text (or snapshot bytes) may mention a time zone. */
export function mentionsZone(data) {
  if (typeof data === "string") return data.includes(NEEDLE);
  if (!(data instanceof Uint8Array)) return false;
  const first = NEEDLE.charCodeAt(0);
  for (let i = data.indexOf(first); i >= 0 && i + NEEDLE.length <= data.length; i = data.indexOf(first, i + 1)) {
    let j = 1;
    while (j < NEEDLE.length && data[i + j] === NEEDLE.charCodeAt(j)) j++;
    if (j === NEEDLE.length) return true;
  }
  return false;
}

function decode(base64) {
  const bin = atob(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Loads the database into the engine, once per realm. */
export function ensureZones() {
  if (zonesLoaded()) return Promise.resolve();
  loading ??= import("./wasm/tzdb.js").then(({ default: data }) => loadZones(decode(data)));
  loading.catch(() => { loading = null; });
  return loading;
}

/** `ensureZones()` when `data` mentions a zone; otherwise nothing to wait for. */
export function zonesFor(data) {
  return mentionsZone(data) ? ensureZones() : null;
}
