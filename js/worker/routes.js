// The REST route table (SPEC.md section 4, plus the documented extensions
// preview and bulk import) and the matcher that turns a method and path into an
// operation name and path parameters, or a 404 / 405.
import { HttpError } from "./http.js";

// Each route: a path pattern and, per method, the operation it runs and what its
// request body must be ("object", "array", or absent for no body).
// Literal paths come before `:id` paths, so /api/segments/preview is never an id.
export const ROUTES = [
  { path: "/api/segments", methods: { GET: { op: "segments.list" }, POST: { op: "segments.create", body: "object" } } },
  { path: "/api/segments/preview", methods: { POST: { op: "segments.preview", body: "object" } } },
  { path: "/api/segments/:id", methods: { GET: { op: "segments.get" }, PATCH: { op: "segments.update", body: "object" }, DELETE: { op: "segments.delete" } } },
  { path: "/api/segments/:id/members", methods: { GET: { op: "segments.listMembers" } } },
  { path: "/api/segments/:id/compute", methods: { POST: { op: "segments.compute" } } },
  { path: "/api/contacts", methods: { GET: { op: "contacts.list" }, POST: { op: "contacts.create", body: "object" } } },
  { path: "/api/contacts/import", methods: { POST: { op: "contacts.import", body: "array" } } },
  { path: "/api/contacts/:id", methods: { GET: { op: "contacts.get" }, PATCH: { op: "contacts.update", body: "object" }, DELETE: { op: "contacts.delete" } } },
  { path: "/api/events", methods: { POST: { op: "events.track", body: "object" } } },
  { path: "/api/events/import", methods: { POST: { op: "events.import", body: "array" } } },
];

const compiled = ROUTES.map((route) => ({
  ...route,
  segments: route.path.split("/").slice(1),
}));

function matchPath(segments, pattern) {
  if (segments.length !== pattern.length) return null;
  const params = {};
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(":")) {
      if (segments[i] === "") return null;
      params[pattern[i].slice(1)] = segments[i];
    } else if (pattern[i] !== segments[i]) {
      return null;
    }
  }
  return params;
}

/**
 * Finds the route for a request: `{ op, body, params }`, or throws 404 NOT_FOUND
 * (no such path) or 405 METHOD_NOT_ALLOWED (path exists, method does not; the
 * error carries the Allow header value).
 */
export function matchRoute(method, pathname) {
  let segments;
  try {
    segments = pathname.split("/").slice(1).map(decodeURIComponent);
  } catch {
    throw new HttpError(404, "NOT_FOUND", `No route for ${pathname}`);
  }
  for (const route of compiled) {
    const params = matchPath(segments, route.segments);
    if (!params) continue;
    const handler = route.methods[method];
    if (!handler) {
      const error = new HttpError(405, "METHOD_NOT_ALLOWED", `${method} is not allowed on ${route.path}; use ${Object.keys(route.methods).join(", ")}`);
      error.allow = Object.keys(route.methods).join(", ");
      throw error;
    }
    return { op: handler.op, body: handler.body, params };
  }
  throw new HttpError(404, "NOT_FOUND", `No route for ${pathname}`);
}
