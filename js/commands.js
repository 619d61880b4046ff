// The one command table: every SDK operation declared once, with its engine
// command, whether it is a mutation or a query, its REST route and its success
// status. The SDK resource classes (segments.js, contacts.js, events.js), the
// Web Worker proxy (browser-client.js, browser-worker-host.js), and the
// Worker's routes, operations and OpenAPI document (js/worker/) are all derived
// from it, so an operation cannot exist in one of them and be missing in
// another (tests/sdk/commands.test.mjs checks each). See ARCHITECTURE.md.

import { invalid } from "./errors.js";
import { isTextInput } from "./text-input.js";

/**
 * Each entry:
 * - `name`: `resource.method` of the SDK (and of the Worker proxy's messages).
 * - `cmd`: the engine command, or null for an operation the SDK does itself.
 * - `kind`: "mutation" (queued, logged), "query" (read), "sdk" (SDK logic
 *   around the engine: compute's queue, waitForCompute), or "worker" (an
 *   operation of the Worker's tenant object itself, such as webhooks: no
 *   engine command, no SDK method, so always `sdk: false`).
 * - `args`: the SDK method's parameters, which say how they become engine input:
 *   `input` / `records` (the argument itself), `id` (`{ id }`), `patch` (merged
 *   with the id; a non-object patch becomes `{ [patchKey]: patch }`), `params`
 *   (list `{ cursor, limit }`), `rules` + `options` (`{ rules, limit }`), `email`,
 *   `importOptions` (`{ dryRun }`: a dry run plans the import as a query,
 *   answering its counts and storing nothing).
 * - A `name` without a dot is a method of the Kraiter itself (`schema`).
 * - `paged`: answers a page; the SDK's page is `for await`-iterable.
 * - `local: true`: an SDK method that the Web Worker proxy implements on the
 *   page's side (subscribe: callbacks cannot be posted).
 * - `sdk: false`: a REST route only (a second route of an SDK method, such as
 *   explain by saved segment id, or a "worker" operation); no SDK or proxy
 *   method of its own.
 * - `rest`: the REST route. `body`: "object" or "array" (the body is the engine
 *   input), absent for none. `query`: the query parameters it takes, in
 *   QUERY_PARAMS. `when`: the query parameter that selects this operation on a
 *   path and method it shares. `answer: "page"`: a single result answered as a
 *   page of one (or of none, for NOT_FOUND). `status`: the success status.
 */
export const COMMANDS = [
  {
    name: "segments.create", cmd: "segments.create", kind: "mutation", args: ["input"],
    rest: { method: "POST", path: "/api/segments", body: "object", status: 201 },
  },
  {
    name: "segments.list", cmd: "segments.list", kind: "query", args: ["params"], paged: true,
    rest: { method: "GET", path: "/api/segments", query: ["limit", "cursor"], status: 200 },
  },
  {
    name: "segments.get", cmd: "segments.get", kind: "query", args: ["id"],
    rest: { method: "GET", path: "/api/segments/:id", status: 200 },
  },
  {
    name: "segments.update", cmd: "segments.update", kind: "mutation", args: ["id", "patch"], patchKey: "name",
    rest: { method: "PATCH", path: "/api/segments/:id", body: "object", status: 200 },
  },
  {
    name: "segments.delete", cmd: "segments.delete", kind: "mutation", args: ["id"],
    rest: { method: "DELETE", path: "/api/segments/:id", status: 204 },
  },
  {
    name: "segments.listMembers", cmd: "segments.listMembers", kind: "query", args: ["id", "params"], paged: true,
    rest: { method: "GET", path: "/api/segments/:id/members", query: ["limit", "cursor"], status: 200 },
  },
  {
    name: "segments.compute", cmd: "segments.compute", kind: "sdk", args: ["id"],
    rest: { method: "POST", path: "/api/segments/:id/compute", status: 202 },
  },
  { name: "segments.waitForCompute", cmd: null, kind: "sdk", args: ["id"] },
  {
    name: "segments.preview", cmd: "segments.preview", kind: "query", args: ["rules", "options"],
    rest: { method: "POST", path: "/api/segments/preview", body: "object", status: 200 },
  },
  {
    name: "segments.explain", cmd: "segments.explain", kind: "query", args: ["idOrRules", "contactId"],
    rest: { method: "POST", path: "/api/segments/explain", body: "object", status: 200 },
  },
  {
    name: "segments.explainSaved", cmd: "segments.explain", kind: "query", args: ["id", "contactId"], sdk: false,
    rest: { method: "GET", path: "/api/segments/:id/explain", query: ["contactId"], status: 200 },
  },
  {
    name: "segments.changes", cmd: "segments.changes", kind: "query", args: ["id", "params"], paged: true,
    rest: { method: "GET", path: "/api/segments/:id/changes", query: ["limit", "cursor"], status: 200 },
  },
  { name: "segments.changesHead", cmd: "changes.head", kind: "query", args: [] },
  // A callback cannot cross postMessage: the Web Worker proxy subscribes
  // once to every change and calls its own subscribers (browser-client.js).
  { name: "segments.subscribe", cmd: null, kind: "sdk", args: ["id", "listener"], local: true },
  {
    name: "schema", cmd: "schema", kind: "query", args: [],
    rest: { method: "GET", path: "/api/schema", status: 200 },
  },
  {
    name: "contacts.create", cmd: "contacts.create", kind: "mutation", args: ["input"],
    rest: { method: "POST", path: "/api/contacts", body: "object", status: 201 },
  },
  {
    name: "contacts.get", cmd: "contacts.get", kind: "query", args: ["id"],
    rest: { method: "GET", path: "/api/contacts/:id", status: 200 },
  },
  {
    name: "contacts.getByEmail", cmd: "contacts.getByEmail", kind: "query", args: ["email"],
    rest: { method: "GET", path: "/api/contacts", query: ["email", "limit"], when: "email", answer: "page", status: 200 },
  },
  {
    name: "contacts.update", cmd: "contacts.update", kind: "mutation", args: ["id", "patch"], patchKey: "properties",
    rest: { method: "PATCH", path: "/api/contacts/:id", body: "object", status: 200 },
  },
  {
    name: "contacts.delete", cmd: "contacts.delete", kind: "mutation", args: ["id"],
    rest: { method: "DELETE", path: "/api/contacts/:id", status: 204 },
  },
  {
    name: "contacts.list", cmd: "contacts.list", kind: "query", args: ["params"], paged: true,
    rest: { method: "GET", path: "/api/contacts", query: ["limit", "cursor"], status: 200 },
  },
  {
    name: "contacts.events", cmd: "contacts.events", kind: "query", args: ["id", "params"], paged: true,
    rest: { method: "GET", path: "/api/contacts/:id/events", query: ["limit", "cursor"], status: 200 },
  },
  {
    name: "contacts.segments", cmd: "contacts.segments", kind: "query", args: ["id", "params"], paged: true,
    rest: { method: "GET", path: "/api/contacts/:id/segments", query: ["limit", "cursor"], status: 200 },
  },
  {
    name: "contacts.import", cmd: "contacts.import", kind: "mutation", args: ["records", "importOptions"],
    rest: { method: "POST", path: "/api/contacts/import", body: "array", status: 200 },
  },
  {
    name: "contacts.importDryRun", cmd: "contacts.import", kind: "query", args: ["records"], sdk: false,
    rest: { method: "POST", path: "/api/contacts/import", body: "array", query: ["dryRun"], when: "dryRun", status: 200 },
  },
  {
    name: "events.track", cmd: "events.track", kind: "mutation", args: ["input"],
    rest: { method: "POST", path: "/api/events", body: "object", status: 201 },
  },
  {
    name: "events.import", cmd: "events.import", kind: "mutation", args: ["records", "importOptions"],
    rest: { method: "POST", path: "/api/events/import", body: "array", status: 200 },
  },
  {
    name: "events.importDryRun", cmd: "events.import", kind: "query", args: ["records"], sdk: false,
    rest: { method: "POST", path: "/api/events/import", body: "array", query: ["dryRun"], when: "dryRun", status: 200 },
  },
  // Webhooks live in the tenant object (js/worker/webhooks.js), not in the engine or the SDK.
  {
    name: "webhooks.create", cmd: null, kind: "worker", args: [], sdk: false,
    rest: { method: "POST", path: "/api/webhooks", body: "object", status: 201 },
  },
  {
    name: "webhooks.list", cmd: null, kind: "worker", args: [], sdk: false, paged: true,
    rest: { method: "GET", path: "/api/webhooks", query: ["limit", "cursor"], status: 200 },
  },
  {
    name: "webhooks.get", cmd: null, kind: "worker", args: [], sdk: false,
    rest: { method: "GET", path: "/api/webhooks/:id", status: 200 },
  },
  {
    name: "webhooks.delete", cmd: null, kind: "worker", args: [], sdk: false,
    rest: { method: "DELETE", path: "/api/webhooks/:id", status: 204 },
  },
];

for (const c of COMMANDS) {
  [c.resource, c.method] = c.name.includes(".") ? c.name.split(".") : [null, c.name];
  Object.freeze(c);
}
Object.freeze(COMMANDS);

/** name → command. */
export const COMMAND = Object.freeze(Object.fromEntries(COMMANDS.map((c) => [c.name, c])));

/** The SDK methods, as "resource.method": what the Web Worker proxy may call. */
export const SDK_METHODS = Object.freeze(COMMANDS.filter((c) => c.sdk !== false && !c.local).map((c) => c.name));

/** The three SDK resources, in order (webhooks are the Worker's own, not the SDK's). */
export const RESOURCES = Object.freeze([...new Set(COMMANDS.filter((c) => c.sdk !== false && c.resource).map((c) => c.resource))]);

/**
 * Query parameters of the REST routes, with what the Worker accepts: `limit`
 * is an integer in [minimum, maximum]; the others are strings (`cursor` is
 * the `nextCursor` of the previous page; empty means none).
 */
export const QUERY_PARAMS = Object.freeze({
  limit: Object.freeze({ type: "integer", minimum: 1, maximum: 100, default: 20 }),
  cursor: Object.freeze({ type: "string" }),
  email: Object.freeze({ type: "string" }),
  contactId: Object.freeze({ type: "string", required: true }),
  dryRun: Object.freeze({ type: "string", enum: Object.freeze(["true"]) }),
});

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * An options argument (`{ cursor, limit }`, `{ limit }`): absent, or an
 * object with only the allowed keys. A typo such as `limt` would otherwise
 * be dropped and change the answer, so it is a VALIDATION_ERROR at its key.
 */
export function options(value, allowed) {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw invalid("options", `must be an object with ${allowed.join(", ")}`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw invalid(key, `unknown option; allowed options are ${allowed.join(", ")}`);
  }
  return value;
}

/**
 * An import's options, checked: `{ dryRun?: boolean }`, and for a text
 * import (`text`) also `format` ("ndjson" | "csv") and CSV `columns`
 * (one target per column, null to skip it).
 */
export function importOptions(value, text = false) {
  const given = options(value, ["dryRun", "format", "columns"]);
  const { dryRun = false, format, columns } = given;
  if (typeof dryRun !== "boolean") throw invalid("dryRun", "dryRun must be true or false");
  if (!text) {
    for (const key of ["format", "columns"]) {
      if (given[key] !== undefined) throw invalid(key, `${key} applies to text imports (NDJSON or CSV), not to an array of records`);
    }
    return { dryRun };
  }
  if (format !== undefined && format !== "ndjson" && format !== "csv") throw invalid("format", 'format must be "ndjson" or "csv"');
  if (columns !== undefined) {
    if (!Array.isArray(columns)) throw invalid("columns", "columns must be an array of column targets (strings, or null to skip a column)");
    columns.forEach((c, i) => {
      if (c !== null && typeof c !== "string") throw invalid(`columns[${i}]`, "a column target is a string, or null to skip the column");
    });
    if (format === "ndjson") throw invalid("columns", "columns apply to CSV only");
  }
  return { dryRun, format, columns };
}

/** The SDK method's arguments → the engine command's input. */
export function engineInput(command, args) {
  const [a, b] = args;
  switch (command.args.join(",")) {
    case "input":
    case "records":
      return a;
    case "records,importOptions":
      // The SDK reads text itself (js/text-input.js); what reaches here goes as JSON.
      if (isTextInput(a)) throw invalid("records", "text imports (NDJSON or CSV) are read by the SDK (Kraiter, openInWorker); over REST send an array of records");
      importOptions(b);
      return a;
    case "id":
      return { id: a };
    case "id,patch": {
      const patch = b === undefined ? {} : b;
      return isObject(patch) ? { ...patch, id: a } : { id: a, [command.patchKey]: patch };
    }
    case "params": {
      const p = options(a, ["cursor", "limit"]);
      return { cursor: p.cursor, limit: p.limit };
    }
    case "id,params": {
      const p = options(b, ["cursor", "limit"]);
      return { id: a, cursor: p.cursor, limit: p.limit };
    }
    case "rules,options":
      return { rules: a, limit: options(b, ["limit"]).limit };
    case "email":
      return { email: a };
    case "idOrRules,contactId":
      return typeof a === "string" ? { id: a, contactId: b } : { rules: a, contactId: b };
    case "id,contactId":
      return { id: a, contactId: b };
    case "":
      return {};
    default:
      throw new Error(`no input shape for ${command.name}`);
  }
}
