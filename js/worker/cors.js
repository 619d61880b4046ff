// CORS for the REST API, so a browser app on another origin can call it:
// only the origins listed in KRAITER_CORS_ORIGINS (comma separated; default
// none) get CORS headers, on every response (errors included) and on
// preflights. Any other origin gets none, and the browser keeps the answer
// from the page. See README.md "CORS".

const MAX_AGE_SECONDS = 86_400;

/** The configured origins: comma separated, trimmed, without a trailing slash, lower-cased. */
export function parseOrigins(value) {
  return String(value ?? "").split(",").map((o) => o.trim().replace(/\/+$/, "").toLowerCase()).filter(Boolean);
}

const cache = { value: undefined, origins: [] };

/** Headers every response to this request carries: Allow-Origin and Vary for a listed origin, else none. */
export function corsHeaders(request, env) {
  const origin = request.headers.get("origin");
  if (!origin) return {};
  if (cache.value !== env.KRAITER_CORS_ORIGINS) {
    cache.value = env.KRAITER_CORS_ORIGINS;
    cache.origins = parseOrigins(env.KRAITER_CORS_ORIGINS);
  }
  if (!cache.origins.includes(origin.toLowerCase())) return {};
  return { "access-control-allow-origin": origin, vary: "Origin" };
}

/** A preflight's extra headers, given the request's CORS headers (none: not a listed origin). */
export function preflight(cors, allow) {
  if (!cors["access-control-allow-origin"]) return {};
  return {
    "access-control-allow-methods": allow,
    "access-control-allow-headers": "authorization, content-type",
    "access-control-max-age": String(MAX_AGE_SECONDS),
  };
}
