// Translates README rule-language rules into JSON Logic for the json-logic peers,
// exactly: JSON Logic's own comparisons coerce types, so typed comparisons are
// guarded with small custom operations (the way a user of those libraries
// would add them). Data per contact: { email, properties, ev: { name: { last, past } } }
// where ev comes from the pre-built last-event index (bench/event-index.mjs).

import { Inexpressible } from "./inexpressible.mjs";
import { parseIso, withinMs } from "./time.mjs";

const regexes = new Map();
/** A rule-language pattern as a JS RegExp: RE2's leading (?i) is the `i` flag (the bench's patterns are ASCII). */
const regex = (pattern) => {
  if (!regexes.has(pattern)) regexes.set(pattern, pattern.startsWith("(?i)") ? new RegExp(pattern.slice(4), "i") : new RegExp(pattern));
  return regexes.get(pattern);
};

/** Custom operations both json-logic libraries get, as plain functions of their arguments. */
export const customOps = {
  present: (x) => x !== null && x !== undefined,
  is_number: (x) => typeof x === "number" && !Number.isNaN(x),
  iso_ms: (x) => parseIso(x),
  icontains: (x, needle) =>
    typeof x === "string"
      ? x.toLowerCase().includes(needle)
      : Array.isArray(x) && x.some((e) => typeof e === "string" && e.toLowerCase() === needle),
  istarts: (x, needle) => typeof x === "string" && x.toLowerCase().startsWith(needle),
  iends: (x, needle) => typeof x === "string" && x.toLowerCase().endsWith(needle),
  matches: (x, pattern) => typeof x === "string" && regex(pattern).test(x),
};

/** Why the json-logic peers skip shapes with `where` / `having`. */
const JSON_LOGIC_NO_AGGREGATES =
  "its data objects hold the last-event index, which has no event properties or counts; filter/reduce would need every event as an object per contact";

const SYSTEM = new Set(["email", "createdAt", "updatedAt", "suppressed"]);

function varOf(field) {
  if (field.startsWith("properties.")) {
    const key = field.slice("properties.".length);
    if (key.includes(".")) throw new Error(`json-logic var paths cannot address key ${key}`);
    return { var: field };
  }
  if (SYSTEM.has(field)) return { var: field };
  throw new Error(`unsupported field ${field}`);
}

const not = (x) => ({ "!": [x] });
const typedCmp = (op, x, value) => {
  if (typeof value === "number") return { and: [{ is_number: [x] }, { [op]: [x, value] }] };
  const ms = parseIso(value);
  if (ms === null) throw new Error(`comparison value ${value} is neither number nor ISO date`);
  return { and: [{ is_number: [{ iso_ms: [x] }] }, { [op]: [{ iso_ms: [x] }, ms] }] };
};

function condition(c, now) {
  if (c.field.startsWith("events.")) {
    const name = c.field.slice("events.".length);
    if (name.includes(".")) throw new Error(`json-logic var paths cannot address event ${name}`);
    if (c.where !== undefined || c.having !== undefined) throw new Inexpressible(JSON_LOGIC_NO_AGGREGATES);
    if (c.from !== undefined || c.to !== undefined) throw new Inexpressible("its data objects hold the last-event index, which answers windows ending at now only, not `from` / `to`");
    let occurred;
    if (c.within) {
      const past = { var: `ev.${name}.past` };
      occurred = { and: [{ is_number: [past] }, { ">=": [past, now - withinMs(c.within)] }] };
    } else occurred = { is_number: [{ var: `ev.${name}.last` }] };
    if (c.op === "occurred") return occurred;
    if (c.op === "not_occurred") return not(occurred);
    throw new Error(`bad event op ${c.op}`);
  }
  const x = varOf(c.field);
  const v = c.value;
  switch (c.op) {
    case "eq": return { "===": [x, v] };
    case "neq": return { "!==": [x, v] };
    case "in": return { in: [x, v] };
    case "not_in": return not({ in: [x, v] });
    case "gt": return typedCmp(">", x, v);
    case "gte": return typedCmp(">=", x, v);
    case "lt": return typedCmp("<", x, v);
    case "lte": return typedCmp("<=", x, v);
    case "before": return typedCmp("<", x, v);
    case "after": return typedCmp(">", x, v);
    case "contains": return { icontains: [x, v.toLowerCase()] };
    case "not_contains": return not({ icontains: [x, v.toLowerCase()] });
    case "starts_with": return { istarts: [x, v.toLowerCase()] };
    case "ends_with": return { iends: [x, v.toLowerCase()] };
    case "matches": return { matches: [x, v] };
    case "not_matches": return not({ matches: [x, v] });
    case "exists": return { present: [x] };
    case "not_exists": return not({ present: [x] });
    default: throw new Error(`json-logic translation lacks op ${c.op}`);
  }
}

/** JSON Logic for canonical rules (short op names), evaluated at `now`. */
export function toJsonLogic(rules, now) {
  if (Array.isArray(rules)) return toJsonLogic({ operator: "and", conditions: rules }, now);
  if (rules.operator) return { [rules.operator]: rules.conditions.map((n) => toJsonLogic(n, now)) };
  return condition(rules, now);
}

/** The data object each contact is evaluated against. */
export function jsonLogicContexts(contacts, index) {
  const names = Object.keys(index.last);
  const out = new Array(contacts.length);
  for (let i = 0; i < contacts.length; i++) {
    const ev = {};
    for (const name of names) {
      const last = index.last[name][i];
      if (last === last) {
        const past = index.past[name][i];
        ev[name] = past === past ? { last, past } : { last };
      }
    }
    out[i] = { email: contacts[i].email, properties: contacts[i].properties, ev };
  }
  return out;
}
