// The REST routes, derived from the command table (js/commands.js), and the
// matcher that turns a method, path and query string into the command to run
// with its path and query parameters, or a 404 / 405 / 400. README.md lists
// the routes; js/worker/openapi.js describes them from the same table.
import { COMMANDS, QUERY_PARAMS } from "../commands.js";
import { HttpError } from "./http.js";

/** The document route, answered by the Worker itself (no tenant, no key). */
export const OPENAPI_PATH = "/api/openapi.json";

/**
 * Each route: a path pattern and, per method, the commands it may run (more
 * than one when a query parameter selects among them: `GET /api/contacts`
 * lists, `GET /api/contacts?email=` looks one up).
 */
export const ROUTES = (() => {
  const byPath = new Map();
  for (const command of COMMANDS) {
    if (!command.rest) continue;
    const { path, method } = command.rest;
    if (!byPath.has(path)) byPath.set(path, { path, segments: path.split("/").slice(1), methods: {} });
    (byPath.get(path).methods[method] ??= []).push(command);
  }
  return [...byPath.values()];
})();

/** The methods a route answers, as the Allow header lists them: HEAD wherever GET is, OPTIONS everywhere. */
export function allowedMethods(route) {
  const has = (m) => m === "OPTIONS" || Object.hasOwn(route.methods, m === "HEAD" ? "GET" : m);
  return METHOD_ORDER.filter(has);
}

const METHOD_ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function matchPath(segments, pattern) {
  if (segments.length !== pattern.length) return null;
  const params = {};
  let literal = 0;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(":")) {
      if (segments[i] === "") return null;
      params[pattern[i].slice(1)] = segments[i];
    } else if (pattern[i] === segments[i]) {
      literal++;
    } else {
      return null;
    }
  }
  return { params, literal };
}

/**
 * The route of a path: `{ route, params }`, or throws 404 NOT_FOUND. Literal
 * segments win over `:id`, so /api/segments/preview is never an id.
 */
export function findRoute(pathname) {
  let segments;
  try {
    segments = pathname.split("/").slice(1).map(decodeURIComponent);
  } catch {
    throw new HttpError(404, "NOT_FOUND", `No route for ${pathname}`);
  }
  let best = null;
  for (const route of ROUTES) {
    const match = matchPath(segments, route.segments);
    if (match && (!best || match.literal > best.literal)) best = { route, params: match.params, literal: match.literal };
  }
  if (!best) throw new HttpError(404, "NOT_FOUND", `No route for ${pathname}`);
  return { route: best.route, params: best.params };
}

/** 405 METHOD_NOT_ALLOWED for a route, carrying the Allow header. */
export function methodNotAllowed(route, method) {
  const allow = allowedMethods(route).join(", ");
  const error = new HttpError(405, "METHOD_NOT_ALLOWED", `${method} is not allowed on ${route.path}; use ${allow}`);
  error.allow = allow;
  return error;
}

/**
 * Finds the command for a request: `{ command, params, query }`, or throws
 * 404 (no such path), 405 (path exists, method does not; HEAD runs GET) or
 * 400 VALIDATION_ERROR for the query string (a parameter the route does not
 * take, one given twice, or a bad value; `details[].path` is `query.<name>`).
 */
export function matchRoute(method, pathname, searchParams = new URLSearchParams()) {
  const { route, params } = findRoute(pathname);
  const candidates = route.methods[method === "HEAD" ? "GET" : method];
  if (!candidates) throw methodNotAllowed(route, method);
  const command = candidates.find((c) => c.rest.when && searchParams.has(c.rest.when))
    ?? candidates.find((c) => !c.rest.when);
  return { command, params, query: readQuery(command, candidates, searchParams) };
}

/** The query string as the command takes it: `limit` a number, an empty `cursor` left out. */
function readQuery(command, candidates, searchParams) {
  const allowed = command.rest.query ?? [];
  const routeTakes = [...new Set(candidates.flatMap((c) => c.rest.query ?? []))];
  const selector = candidates.find((c) => c.rest.when && searchParams.has(c.rest.when))?.rest.when;
  const details = [];
  const query = {};
  const seen = new Set();
  for (const [name, value] of searchParams) {
    const path = `query.${name}`;
    if (seen.has(name)) {
      if (!details.some((d) => d.path === path)) details.push({ path, message: `${name} is given more than once` });
      continue;
    }
    seen.add(name);
    if (!allowed.includes(name)) {
      const where = `${command.rest.method} ${command.rest.path}`;
      const message = routeTakes.includes(name) && selector
        ? `${name} cannot be combined with ${selector}`
        : `unknown query parameter; ${where} ${routeTakes.length ? `takes ${routeTakes.join(", ")}` : "takes none"}`;
      details.push({ path, message });
      continue;
    }
    const spec = QUERY_PARAMS[name];
    if (spec.type === "integer") {
      const n = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
      if (!(n >= spec.minimum && n <= spec.maximum)) {
        details.push({ path, message: `${name} must be an integer from ${spec.minimum} to ${spec.maximum}` });
        continue;
      }
      query[name] = n;
    } else if (spec.enum && !spec.enum.includes(value)) {
      details.push({ path, message: `${name} must be ${spec.enum.join(" or ")}` });
    } else if (value !== "" || name !== "cursor") {
      query[name] = value;
    }
  }
  if (details.length) {
    const message = details.length === 1 ? `${details[0].path}: ${details[0].message}` : `${details.length} query parameters are invalid`;
    throw new HttpError(400, "VALIDATION_ERROR", message, details);
  }
  return query;
}
