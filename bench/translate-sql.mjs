// Translates README rule-language rules into a DuckDB SQL WHERE clause, exactly.
// Properties are "shredded" into one typed column per JSON type seen under
// the key (bench/engines/duckdb.mjs builds them), which makes type strictness
// and absent/null handling plain SQL NULL logic.

import { parseIso, withinMs } from "./time.mjs";

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
 */
/**
 * eventColumns: optional name => { last, past } column names holding the
 * pre-built last-event index (latest timestamp, latest at or before now);
 * without it, event conditions are EXISTS over the raw events table.
 */
export function toSqlWhere(rules, { schema, now, alias = "c", eventsTable = "events", eventColumns }) {
  const cols = (field) => {
    if (field === "email") return { s: `${alias}.email` };
    if (!field.startsWith("properties.")) throw new Error(`unsupported field ${field}`);
    const key = field.slice("properties.".length);
    const c = schema[key] ?? {};
    return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, `${alias}.${v}`]));
  };
  const cmp = (c, op, v) => {
    if (typeof v === "number") return c.n ? `${c.n} ${op} ${num(v)}` : "false";
    const ms = parseIso(v);
    if (ms === null) throw new Error(`comparison value ${v} is neither number nor ISO date`);
    return c.t ? `${c.t} ${op} ${ms}` : "false";
  };
  const eq = (c, v) => {
    if (typeof v === "string") return c.s ? `${c.s} = ${lit(v)}` : "false";
    if (typeof v === "number") return c.n ? `${c.n} = ${num(v)}` : "false";
    if (typeof v === "boolean") return c.b ? `${c.b} = ${v}` : "false";
    throw new Error(`bad eq value ${v}`);
  };
  const inList = (c, values) => {
    const strs = values.filter((v) => typeof v === "string");
    const nums = values.filter((v) => typeof v === "number");
    const bools = values.filter((v) => typeof v === "boolean");
    const parts = [];
    if (strs.length && c.s) parts.push(`${c.s} IN (${strs.map(lit).join(", ")})`);
    if (nums.length && c.n) parts.push(`${c.n} IN (${nums.map(num).join(", ")})`);
    if (bools.length && c.b) parts.push(`${c.b} IN (${bools.join(", ")})`);
    return any(parts);
  };
  const contains = (c, v) => {
    const needle = lit(v.toLowerCase());
    const parts = [];
    if (c.s) parts.push(`contains(lower(${c.s}), ${needle})`);
    if (c.l) parts.push(`list_contains(list_transform(${c.l}, x -> lower(x)), ${needle})`);
    return any(parts);
  };
  const strOp = (c, fn, v) => (c.s ? `${fn}(lower(${c.s}), ${lit(v.toLowerCase())})` : "false");
  const present = (c) => any(Object.values(c).map((col) => `${col} IS NOT NULL`));

  const condition = (c) => {
    if (c.field.startsWith("events.")) {
      const name = c.field.slice("events.".length);
      if (eventColumns) {
        const cols = eventColumns(name);
        if (!cols) return c.op === "occurred" ? "false" : "true";
        const hit = c.within ? `${alias}.${cols.past} >= ${now - withinMs(c.within)}` : `${alias}.${cols.last} IS NOT NULL`;
        if (c.op === "occurred") return hit;
        if (c.op === "not_occurred") return not(hit);
        throw new Error(`bad event op ${c.op}`);
      }
      let where = `e.contact_id = ${alias}.id AND e.name = ${lit(name)}`;
      if (c.within) where += ` AND e.ts BETWEEN ${now - withinMs(c.within)} AND ${now}`;
      const exists = `EXISTS (SELECT 1 FROM ${eventsTable} e WHERE ${where})`;
      if (c.op === "occurred") return exists;
      if (c.op === "not_occurred") return `NOT ${exists}`; // EXISTS is never NULL
      throw new Error(`bad event op ${c.op}`);
    }
    const col = cols(c.field);
    const v = c.value;
    switch (c.op) {
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
      case "exists": return present(col);
      case "not_exists": return not(present(col));
      default: throw new Error(`SQL translation lacks op ${c.op}`);
    }
  };
  const node = (n) => {
    if (Array.isArray(n)) return node({ operator: "and", conditions: n });
    if (n.operator) return `(${n.conditions.map(node).join(n.operator === "and" ? " AND " : " OR ")})`;
    return condition(n);
  };
  return node(rules);
}
