// The canonical form of a rule, as the engine stores and returns it (README.md
// "Rule language": a group at the root, short op names, `within` without
// leading zeros), computed in the page so the builder holds and the JSON view
// shows exactly what a save would store. A rule pasted in any accepted
// spelling comes back out in this form; an invalid one is left as it is
// (unknown keys included) so the engine can say what is wrong and where.
// tests/www/rule-model.test.mjs checks it against the engine's own.
import { LONG_OPS } from "../../js/rule-ops.js";

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const isGroupish = (v) => isObject(v) && ("operator" in v || "conditions" in v);

/** A bare array is an "and" group, and so is a lone condition. */
function asGroup(node) {
  if (Array.isArray(node)) return { operator: "and", conditions: node };
  if (isObject(node) && !isGroupish(node)) return { operator: "and", conditions: [node] };
  return node;
}

/** Rules as the builder holds them: the canonical form of every node. */
export function normaliseRules(rules) {
  return orderKeys(node(asGroup(rules)));
}

function node(n) {
  if (Array.isArray(n)) return node(asGroup(n));
  if (!isObject(n)) return n;
  if (isGroupish(n)) return Array.isArray(n.conditions) ? { ...n, conditions: n.conditions.map(node) } : { ...n };
  const out = { ...n, op: shortOp(n.op) };
  if (!("op" in n)) delete out.op;
  if (typeof n.within === "string") out.within = duration(n.within) ?? n.within;
  for (const k of ["from", "to"]) if (typeof n[k] === "string") out[k] = relative(n[k]) ?? n[k];
  if ("where" in n && (Array.isArray(n.where) || isObject(n.where))) out.where = node(asGroup(n.where));
  if (isObject(n.having) && "op" in n.having) out.having = { ...n.having, op: shortOp(n.having.op) };
  return out;
}

const shortOp = (op) => (typeof op === "string" && Object.hasOwn(LONG_OPS, op) ? LONG_OPS[op] : op);

/** "007d" → "7d"; null when it is not a duration (left for the validator). */
function duration(s) {
  const m = /^0*([1-9]\d*)([mhdw])$/.exec(s);
  return m ? `${m[1]}${m[2]}` : null;
}

function relative(s) {
  if (s === "now") return s;
  const m = /^([+-])(\d+[mhdw])$/.exec(s);
  const d = m && duration(m[2]);
  return d ? m[1] + d : null;
}

const CONDITION_ORDER = ["field", "op", "value", "within", "from", "to", "timeZone", "where", "having"];
const GROUP_ORDER = ["operator", "conditions"];
const HAVING_ORDER = ["fn", "property", "op", "value"];

/** The canonical key order of every node (and `having`), other keys after. */
export function orderKeys(n) {
  if (Array.isArray(n)) return n.map(orderKeys);
  if (!isObject(n)) return n;
  const order = isGroupish(n) ? GROUP_ORDER : CONDITION_ORDER;
  const out = {};
  const put = (k) => {
    if (k === "conditions" || k === "where") out[k] = orderKeys(n[k]);
    else if (k === "having" && isObject(n[k])) out[k] = pick(n[k], HAVING_ORDER);
    else out[k] = n[k];
  };
  for (const k of order) if (k in n) put(k);
  for (const k of Object.keys(n)) if (!(k in out)) put(k);
  return out;
}

function pick(obj, order) {
  const out = {};
  for (const k of order) if (k in obj) out[k] = obj[k];
  for (const [k, v] of Object.entries(obj)) if (!(k in out)) out[k] = v;
  return out;
}
