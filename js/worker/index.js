// The Worker entry: serves the Kraiter REST API (README.md "The REST API") and
// the www app. It answers CORS preflights and the OpenAPI document itself,
// authenticates the bearer key, matches the route (404/405) and query string
// (400), reads and checks the JSON body (413/400), and hands the command to
// the key's Durable Object with the body as text. HEAD runs GET without the body.
import { authenticate } from "./auth.js";
import { corsHeaders, preflight } from "./cors.js";
import { errorResponse, HttpError, jsonText, readBody, readJson } from "./http.js";
import { OPENAPI_TEXT } from "./openapi.js";
import { allowedMethods, findRoute, matchRoute, OPENAPI_PATH } from "./routes.js";

export { TenantObject } from "./tenant.js";

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname !== "/api" && !url.pathname.startsWith("/api/")) {
      // Static assets (www/) are answered before the Worker runs: a path that
      // reaches it here is neither an asset nor an API route.
      return errorResponse(404, "NOT_FOUND", `No route for ${url.pathname}`);
    }
    const cors = corsHeaders(request, env);
    let response;
    try {
      response = await serveApi(request, url, env, cors);
    } catch (error) {
      if (error instanceof HttpError) {
        response = errorResponse(error.status, error.code, error.message, error.details, error.allow ? { allow: error.allow } : {});
      } else {
        console.error("unexpected error in the Worker", error);
        response = errorResponse(500, "INTERNAL_ERROR", "Internal error");
      }
    }
    for (const [name, value] of Object.entries(cors)) response.headers.set(name, value);
    // HEAD: the status and headers GET would give, no body.
    return request.method === "HEAD" ? new Response(null, { status: response.status, headers: response.headers }) : response;
  },
};

async function serveApi(request, url, env, cors) {
  if (request.method === "OPTIONS") return options(request, url.pathname, cors);
  if (url.pathname === OPENAPI_PATH) return openapi(request);
  const tenant = await authenticate(request, env);
  const { command, params, query } = matchRoute(request.method, url.pathname, url.searchParams);
  const bytes = await readBody(request); // every route: a body over 1 MB is 413 even where none is used
  let bodyText;
  if (command.rest.body) {
    const { text, value } = readJson(bytes);
    checkShape(value, command);
    bodyText = text;
  }
  const stub = env.TENANTS.get(env.TENANTS.idFromName(tenant));
  const { status, text } = await stub.handle(command.name, { params, query, bodyText });
  return jsonText(status, text);
}

/** OPTIONS needs no key (browsers send none in a preflight): 204 with Allow, and CORS for listed origins. */
function options(request, pathname, cors) {
  const allow = pathname === OPENAPI_PATH ? "GET, HEAD, OPTIONS" : allowedMethods(findRoute(pathname).route).join(", ");
  const headers = { allow };
  if (request.headers.has("access-control-request-method")) Object.assign(headers, preflight(cors, allow));
  return new Response(null, { status: 204, headers });
}

/** The OpenAPI document is public: it describes the API, not a tenant's data. */
function openapi(request) {
  if (request.method !== "GET" && request.method !== "HEAD") {
    const error = new HttpError(405, "METHOD_NOT_ALLOWED", `${request.method} is not allowed on ${OPENAPI_PATH}; use GET, HEAD, OPTIONS`);
    error.allow = "GET, HEAD, OPTIONS";
    throw error;
  }
  return jsonText(200, OPENAPI_TEXT);
}

const expected = { object: "a JSON object", array: "a JSON array" };

/** The body's top-level shape; a body for a path id must not name another id. */
function checkShape(body, command) {
  const shape = command.rest.body;
  const ok = shape === "array" ? Array.isArray(body) : body !== null && typeof body === "object" && !Array.isArray(body);
  if (!ok) {
    throw new HttpError(400, "VALIDATION_ERROR", `The request body must be ${expected[shape]}`, [{ path: "body", message: `must be ${expected[shape]}` }]);
  }
  if (command.rest.path.includes(":id") && Object.hasOwn(body, "id")) {
    throw new HttpError(400, "VALIDATION_ERROR", "id: unknown key; the id is the one in the path", [{ path: "id", message: "unknown key; the id is the one in the path" }]);
  }
}
