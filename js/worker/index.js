// The Worker entry: serves the Kraiter REST API (SPEC.md section 4) and the www
// app. It authenticates the bearer key, matches the route (404/405), reads the
// JSON body (413/400), and hands the operation to the key's Durable Object.
import { authenticate } from "./auth.js";
import { errorResponse, HttpError, jsonText, parseJson, readBody } from "./http.js";
import { matchRoute } from "./routes.js";

export { TenantObject } from "./tenant.js";

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname !== "/api" && !url.pathname.startsWith("/api/")) {
      // Static assets (www/) are answered before the Worker runs: a path that
      // reaches it here is neither an asset nor an API route.
      return errorResponse(404, "NOT_FOUND", `No route for ${url.pathname}`);
    }
    try {
      return await serveApi(request, url, env);
    } catch (error) {
      if (error instanceof HttpError) {
        return errorResponse(error.status, error.code, error.message, error.details, error.allow ? { allow: error.allow } : {});
      }
      console.error("unexpected error in the Worker", error);
      return errorResponse(500, "INTERNAL_ERROR", "Internal error");
    }
  },
};

async function serveApi(request, url, env) {
  const tenant = await authenticate(request, env);
  const route = matchRoute(request.method, url.pathname);
  const bytes = await readBody(request); // every route: a body over 1 MB is 413 even where none is used
  let body;
  if (route.body) {
    body = parseJson(bytes);
    checkShape(body, route.body);
  }
  const query = Object.fromEntries(url.searchParams);
  const stub = env.TENANTS.get(env.TENANTS.idFromName(tenant));
  const { status, text } = await stub.handle(route.op, { params: route.params, query, body });
  return jsonText(status, text);
}

function checkShape(body, shape) {
  const ok = shape === "array" ? Array.isArray(body) : body !== null && typeof body === "object" && !Array.isArray(body);
  if (!ok) {
    const expected = shape === "array" ? "a JSON array" : "a JSON object";
    throw new HttpError(400, "VALIDATION_ERROR", `The request body must be ${expected}`, [{ path: "body", message: `must be ${expected}` }]);
  }
}
