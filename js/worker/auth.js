// API-key authentication for the Worker: reads the configured keys
// (KRAITER_API_KEYS, comma separated, a secret in production) and turns a
// valid `Authorization: Bearer <key>` into the tenant's Durable Object name.
// The name is a SHA-256 of the key, so the key itself is never stored or logged.
import { HttpError } from "./http.js";

const encoder = new TextEncoder();

async function sha256Hex(text) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The configured keys: comma separated, whitespace trimmed, empty items dropped. */
export function parseKeys(value) {
  return String(value ?? "").split(",").map((key) => key.trim()).filter(Boolean);
}

const hashCache = new Map(); // KRAITER_API_KEYS value → Promise<Set<sha256 of each key>>

function configuredHashes(value) {
  let hashes = hashCache.get(value);
  if (!hashes) {
    hashes = Promise.all(parseKeys(value).map(sha256Hex)).then((list) => new Set(list));
    hashCache.clear();
    hashCache.set(value, hashes);
  }
  return hashes;
}

/**
 * Returns the tenant name (`tenant:<sha256 of the key>`) for the request's
 * bearer key, or throws 401 UNAUTHORISED. Keys are compared by hash, so the
 * comparison time says nothing about how much of a key matched.
 */
export async function authenticate(request, env) {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!match) {
    throw new HttpError(401, "UNAUTHORISED", "Send an API key as `Authorization: Bearer <key>`");
  }
  const hash = await sha256Hex(match[1]);
  const known = await configuredHashes(env.KRAITER_API_KEYS);
  if (!known.has(hash)) throw new HttpError(401, "UNAUTHORISED", "Unknown API key");
  return `tenant:${hash}`;
}
