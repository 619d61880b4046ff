// The OpenAPI 3.1 document of the REST API, served at GET /api/openapi.json
// (public: it describes the API, not a tenant's data) and read by
// schemathesis in tests/worker/schemathesis.test.mjs. Its paths, methods,
// query parameters and success statuses are derived from the command table
// (js/commands.js) and its rule ops from js/rule-ops.js, so the document
// cannot drift from the routes; the schemas below follow README.md.
import { COMMANDS, QUERY_PARAMS } from "../commands.js";
import { ALL_OP_SPELLINGS, EVENT_OP_NAMES, LONG_OPS, PROPERTY_OP_NAMES } from "../rule-ops.js";
import { MAX_BODY_BYTES } from "./http.js";

const ref = (name) => ({ $ref: `#/components/schemas/${name}` });
const ISO = { type: "string", format: "date-time" };
const id = (prefix) => ({ type: "string", pattern: `^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$` });
const page = (item) => ({
  type: "object",
  additionalProperties: false,
  required: ["data", "nextCursor"],
  properties: { data: { type: "array", items: ref(item) }, nextCursor: { type: ["string", "null"] } },
});
const scalar = { type: ["string", "number", "boolean"] };
const properties = { type: "object", description: "Any JSON values.", additionalProperties: true };
const email = { type: "string", minLength: 3, maxLength: 320, pattern: "^[^\\s@]+@[^\\s@]+$", description: "`@` with text on both sides, no spaces; compared case-insensitively." };

/** Every spelling (canonical and long) of the given canonical ops. */
const spellingsOf = (ops) => [...ops, ...Object.keys(LONG_OPS).filter((long) => ops.includes(LONG_OPS[long]))];
const PROPERTY_FIELD = {
  type: "string",
  pattern: "^(properties\\..+|email|createdAt|updatedAt|suppressed)$",
  description: "`properties.<key>` (the key is everything after the first dot) or a system field.",
};
const isoDate = { type: "string", anyOf: [{ format: "date" }, { format: "date-time" }], description: "An ISO 8601 date or date-time (README.md lists the spellings)" };
const relative = { type: "string", pattern: "^(now|[+-]0*[1-9][0-9]{0,6}[mhdw])$", description: "`now`, or an offset from now: `-7d`, `+2h` (units m, h, d, w; at most 3650 days)." };
const dateValue = { oneOf: [isoDate, relative] };
const timeZone = { type: "string", minLength: 1, maxLength: 64, description: "An IANA time zone name (`Europe/Berlin`, `UTC`)." };
/** The property ops by the value they take (none: `exists`, `not_exists`). */
const OP_CLASSES = [
  ["equality", ["eq", "neq"], scalar],
  ["list", ["in", "not_in"], { type: "array", minItems: 1, maxItems: 10000, items: scalar }],
  ["order", ["gt", "gte", "lt", "lte"], { oneOf: [{ type: "number" }, isoDate, relative] }],
  ["text", ["contains", "not_contains", "starts_with", "ends_with"], { type: "string", minLength: 1 }],
  ["pattern", ["matches", "not_matches"], { type: "string", minLength: 1, maxLength: 1000, description: "A regular expression (RE2 syntax), searched unanchored; `(?i)` ignores case." }],
  ["date", ["before", "after"], dateValue],
  ["presence", ["exists", "not_exists"], null],
].map(([name, ops, value]) => [name, spellingsOf(ops), value]);
if (OP_CLASSES.flatMap(([, ops]) => ops).length + spellingsOf(EVENT_OP_NAMES).length !== ALL_OP_SPELLINGS.length) {
  throw new Error("openapi.js: an op of js/rule-ops.js is in no condition class");
}

/** A webhook as answered: with its secret only in the create's answer. */
function webhook(withSecret) {
  const properties = {
    id: id("whk"),
    url: { type: "string" },
    segmentIds: { type: ["array", "null"], items: id("seg"), description: "null: every segment." },
    ...(withSecret && { secret: { type: "string", pattern: "^[0-9a-f]{64}$", description: "The key of the `Kraiter-Signature` HMAC; answered only here, never again." } }),
    createdAt: ISO,
  };
  return { type: "object", additionalProperties: false, required: Object.keys(properties), properties };
}

const schemas = {
  Error: {
    type: "object",
    additionalProperties: false,
    required: ["error"],
    properties: {
      error: {
        type: "object",
        additionalProperties: false,
        required: ["code", "message"],
        properties: {
          code: { enum: ["VALIDATION_ERROR", "UNAUTHORISED", "NOT_FOUND", "METHOD_NOT_ALLOWED", "CONFLICT", "PAYLOAD_TOO_LARGE", "STORAGE_ERROR", "INTERNAL_ERROR"] },
          message: { type: "string" },
          details: {
            type: "array",
            maxItems: 100,
            items: {
              type: "object",
              additionalProperties: false,
              required: ["path", "message"],
              properties: {
                path: { type: "string", description: "Where in the input: `rules.conditions[1].op`, `[3].email`, `query.limit`, `body`." },
                message: { type: "string" },
              },
            },
          },
        },
      },
    },
  },

  // Rules as a client writes them: long op spellings and a bare array allowed.
  Rules: {
    description: "A group, a bare array meaning an `and` group, or one condition. Groups nest up to 32 deep; at most 1,000 conditions (those inside `where` included).",
    oneOf: [ref("Group"), ref("NotGroup"), { type: "array", minItems: 1, items: ref("RuleNode") }, ref("Condition")],
  },
  RuleNode: { oneOf: [ref("Group"), ref("NotGroup"), ref("Condition"), ref("SegmentReference")] },
  Group: {
    type: "object",
    additionalProperties: false,
    required: ["operator", "conditions"],
    properties: { operator: { enum: ["and", "or"] }, conditions: { type: "array", minItems: 1, items: ref("RuleNode") } },
  },
  NotGroup: {
    type: "object",
    additionalProperties: false,
    required: ["operator", "conditions"],
    description: "True when its one node is false.",
    properties: { operator: { const: "not" }, conditions: { type: "array", minItems: 1, maxItems: 1, items: ref("RuleNode") } },
  },
  SegmentReference: {
    type: "object",
    additionalProperties: false,
    required: ["field", "op", "value"],
    description: "Member of any (`in`) or none (`not_in`) of the listed saved segments, by their current rules.",
    properties: { field: { const: "segment" }, op: { enum: ["in", "not_in"] }, value: { type: "array", minItems: 1, maxItems: 10000, items: id("seg") } },
  },
  Condition: {
    description: "A condition on a property or system field, or on an event name. Which `value` an op takes is modelled per op.",
    oneOf: OP_CLASSES.map(([name]) => ref(`Condition.${name}`)).concat(ref("Condition.event")),
  },
  ...Object.fromEntries(OP_CLASSES.map(([name, ops, value]) => [`Condition.${name}`, {
    type: "object",
    additionalProperties: false,
    required: value ? ["field", "op", "value"] : ["field", "op"],
    properties: { field: PROPERTY_FIELD, op: { enum: ops }, ...(value && { value }), ...(["order", "date"].includes(name) && { timeZone }) },
  }])),
  "Condition.event": {
    type: "object",
    additionalProperties: false,
    required: ["field", "op"],
    properties: {
      field: { type: "string", pattern: "^events\\..{1,200}$", description: "`events.<name>`; names are case-sensitive." },
      op: { enum: spellingsOf(EVENT_OP_NAMES) },
      within: { type: "string", pattern: "^0*[1-9][0-9]{0,6}[mhdw]$", description: "`30m`, `2h`, `7d`, `1w`: at most 3650 days." },
      from: dateValue,
      to: dateValue,
      timeZone,
      where: ref("WhereRules"),
      having: ref("Having"),
    },
  },
  WhereRules: {
    description: "Conditions on the event's own properties (`properties.<key>`), as a group, a bare array or one condition.",
    oneOf: [ref("WhereGroup"), { type: "array", minItems: 1, items: ref("WhereNode") }, ref("WhereCondition")],
  },
  WhereNode: { oneOf: [ref("WhereGroup"), ref("WhereCondition")] },
  WhereGroup: {
    type: "object",
    additionalProperties: false,
    required: ["operator", "conditions"],
    properties: { operator: { enum: ["and", "or", "not"] }, conditions: { type: "array", minItems: 1, items: ref("WhereNode") } },
  },
  WhereCondition: {
    oneOf: OP_CLASSES.map(([name, ops, value]) => ({
      type: "object",
      additionalProperties: false,
      required: value ? ["field", "op", "value"] : ["field", "op"],
      properties: { field: { type: "string", pattern: "^properties\\..+$" }, op: { enum: ops }, ...(value && { value }), ...(["order", "date"].includes(name) && { timeZone }) },
    })),
  },
  Having: {
    type: "object",
    additionalProperties: false,
    required: ["fn", "op", "value"],
    description: "A test of an aggregate over the matching events; `property` names the event property for every fn but `count`.",
    properties: {
      fn: { enum: ["count", "sum", "avg", "min", "max", "distinct"] },
      property: { type: "string", minLength: 1, maxLength: 200 },
      op: { enum: spellingsOf(["eq", "neq", "gt", "gte", "lt", "lte"]) },
      value: { type: "number" },
    },
  },

  // Rules as the API returns them: canonical.
  CanonicalGroup: {
    type: "object",
    additionalProperties: false,
    required: ["operator", "conditions"],
    properties: {
      operator: { enum: ["and", "or", "not"] },
      conditions: { type: "array", items: { oneOf: [ref("CanonicalGroup"), ref("CanonicalCondition")] } },
    },
  },
  CanonicalCondition: {
    type: "object",
    additionalProperties: false,
    required: ["field", "op"],
    properties: {
      field: { type: "string" },
      op: { enum: [...PROPERTY_OP_NAMES, ...EVENT_OP_NAMES] },
      value: { oneOf: [scalar, { type: "array", items: scalar }] },
      within: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      timeZone: { type: "string" },
      where: ref("CanonicalGroup"),
      having: {
        type: "object",
        additionalProperties: false,
        required: ["fn", "op", "value"],
        properties: { fn: { type: "string" }, property: { type: "string" }, op: { type: "string" }, value: { type: "number" } },
      },
    },
  },

  Segment: {
    type: "object",
    additionalProperties: false,
    required: ["id", "name", "rules", "memberCount", "computedAt", "createdAt", "updatedAt", "status", "live", "nextChangeAt"],
    properties: {
      id: id("seg"),
      name: { type: "string" },
      rules: ref("CanonicalGroup"),
      live: { type: "boolean", description: "Kept current after every mutation and as time passes; every change is in the feed." },
      nextChangeAt: { ...ISO, type: ["string", "null"], description: "When the members next change with time alone (live segments); null if never or not live." },
      memberCount: { type: "integer", minimum: 0 },
      computedAt: { ...ISO, type: ["string", "null"] },
      createdAt: ISO,
      updatedAt: ISO,
      status: { enum: ["new", "computing", "ready"], description: "`new`: never computed; `computing`: a compute is queued or running; `ready`: computed." },
    },
  },
  SegmentCreate: {
    type: "object",
    additionalProperties: false,
    required: ["name", "rules"],
    properties: { name: { type: "string", minLength: 1, maxLength: 200, pattern: "\\S" }, rules: ref("Rules"), live: { type: "boolean", default: false } },
  },
  SegmentUpdate: {
    type: "object",
    additionalProperties: false,
    description: "Does not recompute membership, unless the segment is live (then its members follow the new rules at once).",
    properties: { name: { type: "string", minLength: 1, maxLength: 200, pattern: "\\S" }, rules: ref("Rules"), live: { type: "boolean" } },
  },
  SegmentPage: page("Segment"),
  Member: {
    type: "object",
    additionalProperties: false,
    required: ["id", "email", "properties", "joinedAt"],
    properties: { id: id("cnt"), email: { type: "string" }, properties, joinedAt: ISO },
  },
  MemberPage: page("Member"),
  Change: {
    type: "object",
    additionalProperties: false,
    required: ["id", "segmentId", "contactId", "email", "type", "at", "cause"],
    properties: {
      id: id("chg"),
      segmentId: id("seg"),
      contactId: id("cnt"),
      email: { type: "string" },
      type: { enum: ["entered", "left"] },
      at: ISO,
      cause: { enum: ["compute", "contact", "event", "time", "rules"] },
    },
  },
  ChangePage: {
    type: "object",
    additionalProperties: false,
    required: ["data", "nextCursor"],
    description: "Oldest first. `nextCursor` is never null: on the last page it is the cursor to poll from for later changes.",
    properties: { data: { type: "array", items: ref("Change") }, nextCursor: { type: "string" } },
  },
  ComputeReceipt: {
    type: "object",
    additionalProperties: false,
    required: ["segmentId", "status", "queuedAt"],
    properties: { segmentId: id("seg"), status: { const: "computing" }, queuedAt: ISO },
  },
  PreviewRequest: {
    type: "object",
    additionalProperties: false,
    required: ["rules"],
    properties: {
      rules: ref("Rules"),
      limit: { type: "integer", minimum: 0, maximum: 100, default: 20, description: "Sample size; 0 answers the count alone." },
    },
  },
  Preview: {
    type: "object",
    additionalProperties: false,
    required: ["count", "sample"],
    properties: { count: { type: "integer", minimum: 0 }, sample: { type: "array", maxItems: 100, items: ref("Member") } },
  },

  Contact: {
    type: "object",
    additionalProperties: false,
    required: ["id", "email", "properties", "suppressed", "createdAt", "updatedAt"],
    properties: { id: id("cnt"), email: { type: "string" }, properties, suppressed: { type: "boolean" }, createdAt: ISO, updatedAt: ISO },
  },
  ContactCreate: {
    type: "object",
    additionalProperties: false,
    required: ["email"],
    properties: { email, properties },
  },
  ContactUpdate: {
    type: "object",
    additionalProperties: false,
    description: "Properties merge key by key; a key set to null is removed.",
    properties: { email, properties },
  },
  ContactPage: page("Contact"),
  ContactEvent: {
    type: "object",
    additionalProperties: false,
    required: ["name", "contactId", "properties", "timestamp"],
    description: "An event as stored (the engine keeps no event ids).",
    properties: { name: { type: "string" }, contactId: id("cnt"), properties, timestamp: ISO },
  },
  ContactEventPage: page("ContactEvent"),
  Membership: {
    type: "object",
    additionalProperties: false,
    required: ["id", "name", "live", "joinedAt"],
    properties: { id: id("seg"), name: { type: "string" }, live: { type: "boolean" }, joinedAt: ISO },
  },
  MembershipPage: page("Membership"),
  ContactImport: { type: "array", items: ref("ContactCreate"), description: "Upserted by email, all or nothing." },
  ContactImportResult: {
    type: "object",
    additionalProperties: false,
    required: ["created", "updated"],
    properties: { created: { type: "integer", minimum: 0 }, updated: { type: "integer", minimum: 0 } },
  },

  Event: {
    type: "object",
    additionalProperties: false,
    required: ["id", "name", "contactId", "properties", "timestamp", "createdAt"],
    properties: { id: id("evt"), name: { type: "string" }, contactId: id("cnt"), properties, timestamp: ISO, createdAt: ISO },
  },
  EventInput: {
    type: "object",
    additionalProperties: false,
    required: ["name"],
    description: "Exactly one of contactId and email; an unknown email creates the contact.",
    oneOf: [{ required: ["contactId"] }, { required: ["email"] }],
    properties: {
      name: { type: "string", minLength: 1, maxLength: 200 },
      contactId: { type: "string" },
      email,
      properties,
      timestamp: {
        oneOf: [
          { type: "string", anyOf: [{ format: "date" }, { format: "date-time" }], description: "ISO 8601 date or date-time" },
          { type: "number", minimum: -62167219200000, maximum: 253402300799999, description: "epoch milliseconds" },
        ],
      },
    },
  },
  ExplainRequest: {
    type: "object",
    additionalProperties: false,
    required: ["rules", "contactId"],
    properties: { rules: ref("Rules"), contactId: { type: "string" } },
  },
  Explanation: {
    type: "object",
    additionalProperties: false,
    required: ["contactId", "member", "now", "tree"],
    properties: {
      contactId: id("cnt"),
      member: { type: "boolean" },
      now: ISO,
      tree: ref("ExplainNode"),
    },
  },
  ExplainNode: {
    type: "object",
    description: "The canonical rule node with its `path` and `result`; a condition adds what decided it (`actual`; or `window`, `count`, `value`, `firstAt`, `lastAt`; or `segments`). README.md, \"Behavioural rules\".",
    required: ["path", "result"],
    properties: {
      path: { type: "string" },
      result: { type: "boolean" },
      conditions: { type: "array", items: ref("ExplainNode") },
      window: { type: ["object", "null"] },
      count: { type: "integer", minimum: 0 },
      value: { description: "A condition's own `value`; on an event condition, the `having` aggregate (a number, or null)." },
      firstAt: { type: ["string", "null"] },
      lastAt: { type: ["string", "null"] },
      segments: { type: "array", items: { type: "object", required: ["id", "member", "tree"], properties: { id: { type: "string" }, member: { type: "boolean" }, tree: { oneOf: [ref("ExplainNode"), { type: "null" }] } } } },
    },
    additionalProperties: true,
  },
  EventImport: { type: "array", items: ref("EventInput"), description: "All or nothing." },
  WebhookCreate: {
    type: "object",
    additionalProperties: false,
    required: ["url"],
    properties: {
      url: {
        type: "string",
        format: "uri",
        maxLength: 2048,
        description: "Where changes are POSTed: `https:`, or `http:` to a loopback address (`localhost`, `127.0.0.0/8`, `[::1]`); no credentials in it.",
      },
      segmentIds: {
        type: ["array", "null"],
        minItems: 1,
        maxItems: 100,
        uniqueItems: true,
        items: id("seg"),
        description: "Saved segments whose changes the webhook receives; left out or null: every segment, later ones included.",
      },
    },
  },
  Webhook: webhook(false),
  WebhookCreated: webhook(true),
  WebhookPage: page("Webhook"),
  WebhookBatch: {
    type: "object",
    additionalProperties: false,
    required: ["data"],
    description: "A receiver drops a change whose `id` it has seen (ids increase across the tenant's segments).",
    properties: { data: { type: "array", minItems: 1, maxItems: 100, items: ref("Change"), description: "One segment's changes, in feed order." } },
  },
  SchemaKey: {
    type: "object",
    additionalProperties: false,
    required: ["key", "count", "types", "distinct", "top"],
    properties: {
      key: { type: "string" },
      count: { type: "integer", minimum: 1, description: "Contacts (or events) that have the key." },
      types: {
        type: "array",
        description: "Most common first; `date` is a string that is an ISO 8601 instant.",
        items: {
          type: "object", additionalProperties: false, required: ["type", "count"],
          properties: { type: { enum: ["string", "date", "number", "boolean", "null", "array", "object"] }, count: { type: "integer", minimum: 1 } },
        },
      },
      distinct: { type: "integer", minimum: 1 },
      top: {
        type: "array",
        maxItems: 10,
        description: "The most common scalar values, most common first.",
        items: {
          type: "object", additionalProperties: false, required: ["value", "count"],
          properties: { value: { type: ["string", "number", "boolean", "null"] }, count: { type: "integer", minimum: 1 } },
        },
      },
    },
  },
  Schema: {
    type: "object",
    additionalProperties: false,
    required: ["contacts", "events", "dataChangedAt"],
    properties: {
      contacts: {
        type: "object", additionalProperties: false, required: ["count", "properties"],
        properties: { count: { type: "integer", minimum: 0 }, properties: { type: "array", items: ref("SchemaKey") } },
      },
      events: {
        type: "object", additionalProperties: false, required: ["count", "names"],
        properties: {
          count: { type: "integer", minimum: 0 },
          names: {
            type: "array",
            items: {
              type: "object", additionalProperties: false, required: ["name", "count", "lastAt", "properties"],
              properties: { name: { type: "string" }, count: { type: "integer", minimum: 1 }, lastAt: ISO, properties: { type: "array", items: ref("SchemaKey") } },
            },
          },
        },
      },
      dataChangedAt: { type: ["string", "null"], format: "date-time", description: "When contacts or events last changed; a segment computed before it is stale." },
    },
  },
  EventImportResult: {
    type: "object",
    additionalProperties: false,
    required: ["imported", "contactsCreated"],
    properties: { imported: { type: "integer", minimum: 0 }, contactsCreated: { type: "integer", minimum: 0 } },
  },
};

/** Per command: summary, request body schema, success schema, which error statuses it adds, its links. */
const DOCS = {
  "segments.create": {
    summary: "Create a segment", body: "SegmentCreate", answer: "Segment", links: "segment",
    example: { name: "Active Pro Users", rules: { operator: "and", conditions: [{ field: "properties.plan", op: "in", value: ["pro", "enterprise"] }, { field: "events.login", op: "occurred", within: "7d" }] } },
  },
  "segments.list": { summary: "List segments, in creation order", answer: "SegmentPage" },
  "segments.get": { summary: "Get a segment", answer: "Segment", errors: [404] },
  "segments.update": { summary: "Update a segment's name or rules (does not recompute)", body: "SegmentUpdate", answer: "Segment", errors: [404], example: { name: "Active paying users" } },
  "segments.delete": { summary: "Delete a segment", errors: [404] },
  "segments.listMembers": { summary: "A segment's members, in contact id order", answer: "MemberPage", errors: [404] },
  "segments.changes": { summary: "A segment's change feed (entered / left), oldest first", answer: "ChangePage", errors: [404] },
  "segments.compute": { summary: "Queue a computation; it finishes in the background", answer: "ComputeReceipt", errors: [404] },
  "segments.preview": {
    summary: "Count and sample the members of rules; nothing is stored", body: "PreviewRequest", answer: "Preview",
    example: { rules: [{ field: "properties.seats", op: "gte", value: 10 }], limit: 5 },
  },
  "segments.explain": {
    summary: "Why a contact is or is not a member of rules (not saved)", body: "ExplainRequest", answer: "Explanation", errors: [404],
    example: { rules: [{ field: "properties.plan", op: "eq", value: "pro" }], contactId: "cnt_01K56D2A800000000000000000" },
  },
  "segments.explainSaved": { summary: "Why a contact is or is not a member of a saved segment", answer: "Explanation", errors: [404] },
  "contacts.create": {
    summary: "Create a contact", body: "ContactCreate", answer: "Contact", errors: [409], links: "contact",
    example: { email: "alice@example.com", properties: { plan: "pro", seats: 12 } },
  },
  "contacts.get": { summary: "Get a contact", answer: "Contact", errors: [404] },
  "contacts.events": { summary: "A contact's events, newest first", answer: "ContactEventPage", errors: [404] },
  "contacts.segments": { summary: "The saved segments a contact is a member of, in creation order", answer: "MembershipPage", errors: [404] },
  "schema": { summary: "What the data holds: property keys, value types and common values; event names, counts and property keys", answer: "Schema" },
  "contacts.list": {
    summary: "List contacts, in creation order; with `email`, find the contact with that email",
    description: "With `email` (compared case-insensitively) the answer is a page of that contact, or an empty page; `email` takes `limit` but not `cursor`.",
    answer: "ContactPage",
  },
  "contacts.update": {
    summary: "Update a contact (properties merge; null removes a key)", body: "ContactUpdate", answer: "Contact", errors: [404, 409],
    example: { properties: { plan: "enterprise", seats: null } },
  },
  "contacts.delete": { summary: "Delete a contact and its memberships", errors: [404] },
  "contacts.import": {
    summary: "Upsert contacts by email, all or nothing",
    description: "With `dryRun=true` nothing is stored: the answer is what the import would do (the same counts and validation errors).", body: "ContactImport", answer: "ContactImportResult",
    example: [{ email: "bob@example.com", properties: { plan: "free" } }, { email: "alice@example.com", properties: { seats: 20 } }],
  },
  "events.track": { summary: "Track an event", body: "EventInput", answer: "Event", errors: [404], example: { name: "login", email: "alice@example.com" } },
  "events.import": {
    summary: "Import events, all or nothing",
    description: "With `dryRun=true` nothing is stored: the answer is what the import would do (the same counts and validation errors).", body: "EventImport", answer: "EventImportResult",
    example: [{ name: "purchase_completed", email: "bob@example.com", properties: { amount: 49 }, timestamp: "2025-09-14T09:30:00.000Z" }],
  },
  "webhooks.create": {
    summary: "Create a webhook: segment changes recorded from now on are POSTed to its url",
    description: "The answer holds the signing `secret`, the only time it is given. Deliveries are described under `webhooks` (segmentChanges).",
    body: "WebhookCreate", answer: "WebhookCreated", errors: [409], links: "webhook",
    example: { url: "https://hooks.example.com/kraiter" },
  },
  "webhooks.list": { summary: "List webhooks, in creation order (no secrets)", answer: "WebhookPage" },
  "webhooks.get": { summary: "Get a webhook (no secret)", answer: "Webhook", errors: [404] },
  "webhooks.delete": { summary: "Delete a webhook; nothing more is delivered to it", errors: [404] },
};

const ERRORS = {
  400: "VALIDATION_ERROR: invalid input (`details` points into it), malformed JSON, a body of the wrong shape, or a bad, unknown or repeated query parameter",
  401: "UNAUTHORISED: no `Authorization: Bearer` key, or an unknown one",
  404: "NOT_FOUND: no such segment, contact or webhook (or no such route)",
  405: "METHOD_NOT_ALLOWED: the path exists but not with this method; `Allow` lists the methods that do",
  409: "CONFLICT: a contact with that email (case-insensitive) exists, or the tenant has its 100 webhooks",
  413: `PAYLOAD_TOO_LARGE: a request body over ${MAX_BODY_BYTES} bytes`,
  500: "STORAGE_ERROR (storage failed; nothing was kept) or INTERNAL_ERROR",
};
const COMMON_ERRORS = [400, 401, 405, 413, 500];

const errorResponse = (status, head) => {
  const response = { description: ERRORS[status] };
  if (!head) response.content = { "application/json": { schema: ref("Error") } };
  if (status === 405) response.headers = { Allow: { schema: { type: "string" }, description: "The methods the path answers" } };
  return response;
};

/** OpenAPI links from a create to the operations on what it created (stateful testing follows them). */
const LINKS = {
  segment: ["segments.get", "segments.get.head", "segments.update", "segments.delete", "segments.listMembers", "segments.listMembers.head", "segments.compute"],
  contact: ["contacts.get", "contacts.get.head", "contacts.update", "contacts.delete"],
  webhook: ["webhooks.get", "webhooks.get.head", "webhooks.delete"],
};

function links(kind) {
  const ops = LINKS[kind];
  const linkName = (op) => op.split(".").slice(1).map((w) => w[0].toUpperCase() + w.slice(1)).join("");
  return Object.fromEntries(ops.map((op) => [linkName(op), {
    operationId: op,
    parameters: { id: "$response.body#/id" },
  }]));
}

const pathParam = { name: "id", in: "path", required: true, schema: { type: "string", minLength: 1 } };

function queryParam(name) {
  const { type, minimum, maximum, default: fallback, enum: values } = QUERY_PARAMS[name];
  const schema = type === "integer" ? { type, minimum, maximum, default: fallback } : { type, ...(values && { enum: [...values] }) };
  const description = {
    limit: "Page size, 1 to 100 (default 20).",
    cursor: "The `nextCursor` of the previous page; empty or absent for the first.",
    email: "Find the contact with this email (case-insensitive).",
    contactId: "The contact to explain (required).",
    dryRun: "`true`: validate and count what the import would create and update; nothing is stored.",
  }[name];
  return { name, in: "query", required: Boolean(QUERY_PARAMS[name].required), schema, description };
}

function operation(command, docs, head) {
  const { rest } = command;
  const queryNames = [...new Set(COMMANDS.filter((c) => c.rest?.path === rest.path && c.rest.method === rest.method).flatMap((c) => c.rest.query ?? []))];
  const op = {
    operationId: head ? `${command.name}.head` : command.name,
    summary: head ? `${docs.summary} (headers only)` : docs.summary,
    ...(docs.description && { description: docs.description }),
    tags: [command.resource ?? "schema"],
    parameters: [...(rest.path.includes(":id") ? [pathParam] : []), ...queryNames.map(queryParam)],
    responses: {},
  };
  if (op.parameters.length === 0) delete op.parameters;
  if (docs.body) op.requestBody = { required: true, content: { "application/json": { schema: ref(docs.body), ...(docs.example && { example: docs.example }) } } };
  const success = { description: rest.status === 204 ? "No content" : docs.summary };
  if (docs.answer && rest.status !== 204 && !head) success.content = { "application/json": { schema: ref(docs.answer) } };
  if (docs.links && !head) success.links = links(docs.links);
  op.responses[rest.status] = success;
  for (const status of [...COMMON_ERRORS, ...(docs.errors ?? [])].sort()) op.responses[status] = errorResponse(status, head);
  return op;
}

/** What a webhook's url receives (OpenAPI 3.1 `webhooks`; README.md "Webhooks"). */
const DELIVERY = {
  post: {
    operationId: "webhooks.delivery",
    summary: "A batch of one segment's changes, sent to a webhook's url",
    description: "At least once: a batch that is not answered 2xx within 10 s is sent again (back-off from 30 s, doubling, at most an hour apart, for 24 h). Drop a change whose `id` you have seen. A segment's changes never arrive out of order.",
    tags: ["webhooks"],
    parameters: [{
      name: "Kraiter-Signature",
      in: "header",
      required: true,
      schema: { type: "string", pattern: "^t=\\d+,v1=[0-9a-f]{64}$" },
      description: "`t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\" keyed with the webhook's secret>`.",
    }],
    requestBody: { required: true, content: { "application/json": { schema: ref("WebhookBatch") } } },
    responses: { "2XX": { description: "Acknowledged: the batch is not sent again" }, default: { description: "Anything else (or no answer within 10 s): sent again later" } },
  },
};

function build() {
  const paths = {};
  for (const command of COMMANDS) {
    if (!command.rest || command.rest.when) continue; // a `when` operation shares its sibling's path and method
    const docs = DOCS[command.name];
    if (!docs) throw new Error(`openapi.js: no docs for ${command.name}`);
    const path = command.rest.path.replace(/:(\w+)/g, "{$1}");
    paths[path] ??= {};
    paths[path][command.rest.method.toLowerCase()] = operation(command, docs, false);
    if (command.rest.method === "GET") paths[path].head = operation(command, docs, true);
  }
  const document = (head) => ({
    operationId: head ? "openapi.head" : "openapi",
    summary: head ? "This document (headers only)" : "This document; needs no key",
    security: [],
    responses: {
      200: { description: "The OpenAPI 3.1 document", ...(!head && { content: { "application/json": { schema: { type: "object" } } } }) },
      405: errorResponse(405, head),
    },
  });
  paths["/api/openapi.json"] = { get: document(false), head: document(true) };
  return {
    openapi: "3.1.0",
    info: {
      title: "Kraiter Segments REST API",
      version: "0.1.0",
      description: "Segments, contacts, events and webhooks of one tenant (one API key). Every route but this document needs `Authorization: Bearer <key>`. Bodies are JSON, at most 1 MB. Every failure is the `Error` envelope. HEAD answers wherever GET does (same status and headers, no body); OPTIONS answers CORS preflights for the origins in KRAITER_CORS_ORIGINS. A query parameter a route does not list, or one given twice, is a 400. See README.md.",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    tags: [{ name: "segments" }, { name: "contacts" }, { name: "events" }, { name: "schema" }, { name: "webhooks" }],
    paths,
    webhooks: { segmentChanges: DELIVERY },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An API key from KRAITER_API_KEYS" } },
      schemas,
    },
  };
}

export const OPENAPI = build();
export const OPENAPI_TEXT = JSON.stringify(OPENAPI);
