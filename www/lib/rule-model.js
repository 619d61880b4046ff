// What the rule builder knows about the rule language (README.md "Rule
// language" and "Behavioural rules"), with no DOM: field kinds, which ops
// each takes, how a condition's `value` is shown in the form and read back,
// and the shapes of windows and `having`. The builder edits the rule JSON
// itself, so the JSON view round-trips; the codecs here guarantee that
// reading back what is shown gives the same value (tests/www/rule-model.test.mjs).

import { LONG_OPS } from "../../js/rule-ops.js";

export const FIELD_KINDS = [
  { kind: "property", label: "Property", prefix: "properties." },
  { kind: "event", label: "Event", prefix: "events." },
  { kind: "email", label: "Email", field: "email" },
  { kind: "createdAt", label: "Created at", field: "createdAt" },
  { kind: "updatedAt", label: "Updated at", field: "updatedAt" },
  { kind: "suppressed", label: "Suppressed", field: "suppressed" },
  { kind: "segment", label: "Segment", field: "segment" },
  { kind: "other", label: "Other…" },
];

/** Inside `where` only the event's own properties can be asked about ("other" shows anything else pasted in). */
export const WHERE_KINDS = FIELD_KINDS.filter((k) => k.kind === "property" || k.kind === "other");

export const PROPERTY_OPS = [
  ["eq", "equals"], ["neq", "does not equal"],
  ["gt", "greater than"], ["gte", "at least"], ["lt", "less than"], ["lte", "at most"],
  ["in", "is one of"], ["not_in", "is none of"],
  ["contains", "contains"], ["not_contains", "does not contain"],
  ["starts_with", "starts with"], ["ends_with", "ends with"],
  ["exists", "exists"], ["not_exists", "does not exist"],
  ["before", "is before"], ["after", "is after"],
  ["matches", "matches"], ["not_matches", "does not match"],
];

export const EVENT_OPS = [["occurred", "occurred"], ["not_occurred", "did not occur"]];

export const SEGMENT_OPS = [["in", "is in any of"], ["not_in", "is in none of"]];

export const HAVING_FNS = [
  ["count", "count of events"], ["sum", "sum of"], ["avg", "average of"], ["min", "minimum of"],
  ["max", "maximum of"], ["distinct", "distinct values of"],
];
export const HAVING_OPS = [["eq", "="], ["neq", "≠"], ["gt", ">"], ["gte", "≥"], ["lt", "<"], ["lte", "≤"]];

/**
 * Long spellings the API accepts; the builder shows them in the short form.
 * One list shared with the engine's checks (js/rule-ops.js; see README.md).
 */
export { LONG_OPS };

export const WITHIN_UNITS = [["m", "minutes"], ["h", "hours"], ["d", "days"], ["w", "weeks"]];

const NO_VALUE = new Set(["exists", "not_exists", "occurred", "not_occurred"]);
const LIST_OPS = new Set(["in", "not_in"]);
const TEXT_OPS = new Set(["contains", "not_contains", "starts_with", "ends_with", "matches", "not_matches"]);
const ORDER_OPS = new Set(["gt", "gte", "lt", "lte"]);
const DATE_OPS = new Set(["before", "after"]);

export const isGroup = (node) => node !== null && typeof node === "object" && !Array.isArray(node)
  && ("operator" in node || "conditions" in node);

/** Splits a field into the builder's kind and the text after its prefix. */
export function fieldKind(field) {
  if (typeof field !== "string") return { kind: "other", key: field === undefined ? "" : JSON.stringify(field) };
  for (const k of FIELD_KINDS) {
    if (k.prefix && field.startsWith(k.prefix)) return { kind: k.kind, key: field.slice(k.prefix.length) };
    if (k.field === field) return { kind: k.kind, key: "" };
  }
  return { kind: "other", key: field };
}

export function fieldFrom(kind, key) {
  const k = FIELD_KINDS.find((f) => f.kind === kind);
  if (!k || kind === "other") return key;
  return k.prefix ? k.prefix + key : k.field;
}

export function opsFor(kind) {
  if (kind === "event") return EVENT_OPS;
  if (kind === "segment") return SEGMENT_OPS;
  return kind === "other" ? [...PROPERTY_OPS, ...EVENT_OPS] : PROPERTY_OPS;
}
export const takesValue = (op) => !NO_VALUE.has(op);
/** Event ops take a window, a time zone, `where` and `having`. */
export const isEventOp = (op) => op === "occurred" || op === "not_occurred";
/** Ops whose value may be a date, so a time zone can say where its local times are. */
export const takesDate = (op) => ORDER_OPS.has(op) || DATE_OPS.has(op);

/** The value types the form offers for an op; "json" is the escape hatch that can hold anything. */
export function valueTypes(op) {
  if (LIST_OPS.has(op)) return ["text", "number", "boolean", "json"];
  if (ORDER_OPS.has(op)) return ["number", "date", "json"];
  if (TEXT_OPS.has(op)) return ["text", "json"];
  if (DATE_OPS.has(op)) return ["date", "json"];
  if (NO_VALUE.has(op)) return ["json"];
  return ["text", "number", "boolean", "json"]; // eq, neq, and unknown ops
}

/**
 * How a value is shown: `{ type, text }`. Chosen so that
 * parseValue(op, type, text) gives the value back exactly.
 */
export function showValue(op, value, preferred) {
  const types = valueTypes(op);
  if (value === undefined) return { type: types.includes(preferred) ? preferred : types[0], text: "" };
  const fits = (type) => types.includes(type) && roundTrips(op, type, value);
  if (preferred && preferred !== "json" && fits(preferred)) {
    return { type: preferred, text: LIST_OPS.has(op) ? listText(value) : String(value) };
  }
  if (LIST_OPS.has(op)) {
    if (Array.isArray(value) && value.length > 0) {
      for (const type of ["text", "number", "boolean"]) {
        if (fits(type)) return { type, text: listText(value) };
      }
    }
  } else if (typeof value === "number" && fits("number")) {
    return { type: "number", text: String(value) };
  } else if (typeof value === "boolean" && fits("boolean")) {
    return { type: "boolean", text: String(value) };
  } else if (typeof value === "string") {
    for (const type of ["date", "text"]) if (fits(type)) return { type, text: value };
  }
  return { type: "json", text: JSON.stringify(value) };
}

function roundTrips(op, type, value) {
  if (LIST_OPS.has(op) ? !Array.isArray(value) || !value.every(isScalar) : !isScalar(value)) return false;
  const text = LIST_OPS.has(op) ? listText(value) : String(value);
  return same(parseValue(op, type, text), value);
}

const listText = (items) => items.map(String).join(", ");

/** Reads a form value back. Empty text means "no value" (undefined). */
export function parseValue(op, type, text) {
  if (type === "json") {
    if (text.trim() === "") return undefined;
    try {
      return JSON.parse(text);
    } catch {
      return text; // not JSON: sent as typed, and the validator says what is wrong
    }
  }
  if (LIST_OPS.has(op)) {
    if (text.trim() === "") return undefined;
    const items = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
    return items.length ? items.map((s) => scalar(type, s)) : undefined;
  }
  if (text === "") return undefined;
  return scalar(type, text);
}

function scalar(type, text) {
  if (type === "number") {
    const n = Number(text);
    return text.trim() !== "" && Number.isFinite(n) ? n : text;
  }
  if (type === "boolean") return text === "true" ? true : text === "false" ? false : text;
  return text;
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b) && typeof a === typeof b;
}

/** An ISO date (its start) or a relative date: "now", "-7d", "+3h". */
const looksLikeDate = (v) => typeof v === "string" && (/^\d{4}-\d{2}-\d{2}/.test(v) || isRelative(v));
const isRelative = (v) => typeof v === "string" && (v === "now" || /^[+-]\d+[mhdw]$/.test(v));
const isScalar = (v) => ["string", "number", "boolean"].includes(typeof v);

/** Whether `value` is the kind of value `op` takes (its type, not its validity). */
export function fitsOp(op, value) {
  if (NO_VALUE.has(op)) return value === undefined;
  if (LIST_OPS.has(op)) return Array.isArray(value) && value.length > 0 && value.every(isScalar);
  if (ORDER_OPS.has(op)) return typeof value === "number" || looksLikeDate(value);
  if (DATE_OPS.has(op)) return looksLikeDate(value);
  if (TEXT_OPS.has(op)) return typeof value === "string" && value !== "";
  return isScalar(value);
}

/** `within` as { amount, unit }, or null when it is not in the form's shape. */
export function showWithin(within) {
  const m = typeof within === "string" ? /^([1-9]\d*)([mhdw])$/.exec(within) : null;
  return m ? { amount: m[1], unit: m[2] } : null;
}

/** The window of an event condition: "none", "within" or "range" (from/to). */
export function windowMode(cond) {
  if (cond.within !== undefined) return "within";
  if (cond.from !== undefined || cond.to !== undefined) return "range";
  return "none";
}

/** A new condition of a kind, with a sensible op. */
export function newCondition(kind = "property") {
  if (kind === "event") return { field: "events.", op: "occurred" };
  if (kind === "segment") return { field: "segment", op: "in" };
  return { field: fieldFrom(kind, ""), op: "eq" };
}

export const newGroup = (operator = "and") => ({ operator, conditions: [newCondition()] });

/** A having value as typed: a finite number, or the text as typed so the validator can say why not. */
export function parseHavingValue(text) {
  if (text.trim() === "") return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}
export const showHavingValue = (value) => (value === undefined ? "" : typeof value === "number" ? String(value) : typeof value === "string" ? value : JSON.stringify(value));

export { normaliseRules } from "./rule-canon.js";

/** Path of a child in a group, as the API writes it: `rules.conditions[2]`. */
export const childPath = (groupPath, i) => `${groupPath}.conditions[${i}]`;

/**
 * Where a validation detail belongs: the deepest node path that prefixes it,
 * and what follows (".op", ".value[3]", "" for the node itself).
 */
export function locateDetail(path, nodePaths) {
  let best = null;
  for (const p of nodePaths) {
    if ((path === p || path.startsWith(p + ".") || path.startsWith(p + "[")) && (!best || p.length > best.length)) best = p;
  }
  if (!best) return { node: null, rest: path };
  return { node: best, rest: path.slice(best.length) };
}
