// The rule language's operator names, in one list the JS side shares: the
// www rule builder (www/lib/rule-model.js), the Worker's OpenAPI document
// (js/worker/openapi.js) and the type declarations all follow it. The engine
// (src/rules/op.rs) is the authority; tests/sdk/rule-ops.test.mjs checks this
// list against it, in both directions. See README.md "Rule language".

/** Canonical names of the ops on properties and system fields, as stored and returned. */
export const PROPERTY_OP_NAMES = [
  "eq", "neq", "gt", "gte", "lt", "lte", "in", "not_in", "contains", "not_contains",
  "starts_with", "ends_with", "exists", "not_exists", "before", "after", "matches", "not_matches",
];

/** Canonical names of the ops on `events.<name>` fields. */
export const EVENT_OP_NAMES = ["occurred", "not_occurred"];

/** Long spellings the engine also accepts, each with the canonical name it is stored as. */
export const LONG_OPS = Object.freeze({
  equals: "eq", not_equals: "neq", notEquals: "neq", greaterThan: "gt", greaterThanOrEquals: "gte",
  lessThan: "lt", lessThanOrEquals: "lte", notContains: "not_contains", startsWith: "starts_with",
  endsWith: "ends_with", notExists: "not_exists",
});

/** Every spelling a rule may use for `op`. */
export const ALL_OP_SPELLINGS = [...PROPERTY_OP_NAMES, ...EVENT_OP_NAMES, ...Object.keys(LONG_OPS)];
