// Translates README rule-language rules into a DuckDB SQL WHERE clause, exactly.
// Properties are "shredded" into one typed column per JSON type seen under
// the key (bench/engines/duckdb.mjs builds them), which makes type strictness
// and absent/null handling plain SQL NULL logic.

import { Inexpressible } from "./inexpressible.mjs";
import { eventWindow, parseIso, withinMs } from "./time.mjs";

const lit = (s) => `'${String(s).replaceAll("'", "''")}'`;
const num = (n) => {
  if (!Number.isFinite(n)) throw new Error(`non-finite number ${n}`);
  return String(n);
};
// Expressions may be NULL where a property is absent or of another type. The
// tree is AND/OR only (monotone), so under WHERE a NULL acts exactly like
// false; negations are written `IS NOT TRUE`, which maps NULL to true. This
// keeps plain `col IN (...)` / `col = v` predicates DuckDB can optimise.
const not = (expr) => `(${expr}) IS NOT TRUE`;
const any = (parts) => (parts.length ? `(${parts.join(" OR ")})` : "false");

/**
 * schema: { [key]: { s?, n?, b?, t?, l? } } column names for string, number,
 * boolean, ISO-instant-of-string (ms) and list-of-strings values of that key.
 * eventSchema: the same per-key typed columns for the events table's
 * `properties` (used by `where` and `having`). eventColumns: optional name =>
 * { last, past } column names holding the pre-built last-event index (latest
 * timestamp, latest at or before now); without it, event conditions are
 * EXISTS over the raw events table, or with `having` an IN over its rows
 * grouped by contact.
 */
export function toSqlWhere(rules, { schema, now, alias = "c", eventsTable = "events", eventSchema = {}, eventColumns }) {
  const propertyCols = (field, keys, a) => {
    if (!field.startsWith("properties.")) throw new Error(`unsupported field ${field}`);
    const c = keys[field.slice("properties.".length)] ?? {};
    return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, `${a}.${v}`]));
  };
  const contactCols = (field) => (field === "email" ? { s: `${alias}.email` } : propertyCols(field, schema, alias));
  const eventCols = (field) => propertyCols(field, eventSchema, "e");

  const condition = (c, colsOf) => {
    if (c.field.startsWith("events.")) return eventCondition(c);
    return propertyCondition(colsOf(c.field), c.op, c.value);
  };
  const node = (n, colsOf) => {
    if (Array.isArray(n)) return node({ operator: "and", conditions: n }, colsOf);
    if (n.operator !== undefined && n.operator !== "and" && n.operator !== "or") throw new Error(`SQL translation lacks operator ${n.operator}`);
    if (n.operator) return `(${n.conditions.map((m) => node(m, colsOf)).join(n.operator === "and" ? " AND " : " OR ")})`;
    return condition(n, colsOf);
  };

  const eventCondition = (c) => {
    const name = c.field.slice("events.".length);
    if (c.op !== "occurred" && c.op !== "not_occurred") throw new Error(`bad event op ${c.op}`);
    const negate = (hit) => (c.op === "occurred" ? hit : `NOT (${hit})`); // EXISTS and IN (subquery) are never NULL
    if (eventColumns) {
      if (c.where !== undefined || c.having !== undefined) throw new Inexpressible("the pre-built last-event index holds no event properties or aggregates (plain duckdb answers from the events table)");
      if (c.from !== undefined || c.to !== undefined) throw new Inexpressible("the pre-built last-event index answers windows ending at now only, not `from` / `to` (plain duckdb answers from the events table)");
      const cols = eventColumns(name);
      if (!cols) return c.op === "occurred" ? "false" : "true";
      const hit = c.within ? `${alias}.${cols.past} >= ${now - withinMs(c.within)}` : `${alias}.${cols.last} IS NOT NULL`;
      return c.op === "occurred" ? hit : not(hit);
    }
    let events = `e.name = ${lit(name)}`;
    const [lo, hi] = eventWindow(c, now); // whole ms, lo <= ts < hi
    if (lo > -Infinity) events += ` AND e.ts >= ${lo}`;
    if (hi < Infinity) events += ` AND e.ts < ${hi}`;
    if (c.where !== undefined) events += ` AND ${node(c.where, (field) => {
      if (field.startsWith("events.")) throw new Error("an event condition inside `where`");
      return eventCols(field);
    })}`;
    if (c.having === undefined) return negate(`EXISTS (SELECT 1 FROM ${eventsTable} e WHERE e.contact_id = ${alias}.id AND ${events})`);
    // An aggregate per contact over its matching events. When the test holds
    // over no events (count lt 3, sum eq 0) the contacts without any must
    // match too, so it is written as "not among those where it fails".
    const test = `${aggregate(c.having)} ${OPS[c.having.op]} ${num(c.having.value)}`;
    const per = (having) => `${alias}.id IN (SELECT e.contact_id FROM ${eventsTable} e WHERE ${events} GROUP BY e.contact_id HAVING ${having})`;
    return negate(holdsOverNoEvents(c.having) ? `NOT (${per(not(test))})` : per(test));
  };
  const aggregate = ({ fn, property }) => {
    if (fn === "count") return "count(*)";
    const col = eventCols(`properties.${property}`);
    switch (fn) {
      case "sum": return col.n ? `coalesce(sum(${col.n}), 0)` : "0";
      case "avg": case "min": case "max": return col.n ? `${fn}(${col.n})` : "NULL";
      // Type-strict distinct scalars: one count per typed column.
      case "distinct": {
        const parts = ["s", "n", "b"].filter((k) => col[k]).map((k) => `count(DISTINCT ${col[k]})`);
        return parts.length ? `(${parts.join(" + ")})` : "0";
      }
      default: throw new Error(`bad having fn ${fn}`);
    }
  };
  return node(rules, contactCols);
}

const OPS = { eq: "=", neq: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=" };
const JS_OPS = { eq: (a, b) => a === b, neq: (a, b) => a !== b, gt: (a, b) => a > b, gte: (a, b) => a >= b, lt: (a, b) => a < b, lte: (a, b) => a <= b };

/** README: over no events count, sum and distinct are 0; avg, min and max have no value, so the test is false. */
function holdsOverNoEvents({ fn, op, value }) {
  return (fn === "count" || fn === "sum" || fn === "distinct") && JS_OPS[op](0, value);
}

/** A property condition over the typed columns `col` ({ s, n, b, t, l } SQL expressions) of one key. */
function propertyCondition(col, op, v) {
  switch (op) {
    case "eq": return eq(col, v);
    case "neq": return not(eq(col, v));
    case "in": return inList(col, v);
    case "not_in": return not(inList(col, v));
    case "gt": return cmp(col, ">", v);
    case "gte": return cmp(col, ">=", v);
    case "lt": return cmp(col, "<", v);
    case "lte": return cmp(col, "<=", v);
    case "after": return cmp(col, ">", v);
    case "before": return cmp(col, "<", v);
    case "contains": return contains(col, v);
    case "not_contains": return not(contains(col, v));
    case "starts_with": return strOp(col, "starts_with", v);
    case "ends_with": return strOp(col, "suffix", v);
    case "matches": return matches(col, v);
    case "not_matches": return not(matches(col, v));
    case "exists": return present(col);
    case "not_exists": return not(present(col));
    default: throw new Error(`SQL translation lacks op ${op}`);
  }
}

function cmp(c, op, v) {
  if (typeof v === "number") return c.n ? `${c.n} ${op} ${num(v)}` : "false";
  const ms = parseIso(v);
  if (ms === null) throw new Error(`comparison value ${v} is neither number nor ISO date`);
  if (c.s && !c.t) throw new Error("date comparison on strings without a parsed-instant column");
  return c.t ? `${c.t} ${op} ${ms}` : "false";
}
function eq(c, v) {
  if (typeof v === "string") return c.s ? `${c.s} = ${lit(v)}` : "false";
  if (typeof v === "number") return c.n ? `${c.n} = ${num(v)}` : "false";
  if (typeof v === "boolean") return c.b ? `${c.b} = ${v}` : "false";
  throw new Error(`bad eq value ${v}`);
}
function inList(c, values) {
  const strs = values.filter((v) => typeof v === "string");
  const nums = values.filter((v) => typeof v === "number");
  const bools = values.filter((v) => typeof v === "boolean");
  const parts = [];
  if (strs.length && c.s) parts.push(`${c.s} IN (${strs.map(lit).join(", ")})`);
  if (nums.length && c.n) parts.push(`${c.n} IN (${nums.map(num).join(", ")})`);
  if (bools.length && c.b) parts.push(`${c.b} IN (${bools.join(", ")})`);
  return any(parts);
}
function contains(c, v) {
  const needle = lit(v.toLowerCase());
  const parts = [];
  if (c.s) parts.push(`contains(lower(${c.s}), ${needle})`);
  if (c.l) parts.push(`list_contains(list_transform(${c.l}, x -> lower(x)), ${needle})`);
  return any(parts);
}
// DuckDB's regexp_matches is RE2 too, searched unanchored, and takes the same (?i) prefix.
const matches = (c, v) => (c.s ? `regexp_matches(${c.s}, ${lit(v)})` : "false");
const strOp = (c, fn, v) => (c.s ? `${fn}(lower(${c.s}), ${lit(v.toLowerCase())})` : "false");
const present = (c) => any(Object.values(c).map((col) => `${col} IS NOT NULL`));
