// What the two DuckDB peers share, Node (@duckdb/node-api,
// bench/engines/duckdb.mjs) and the browser (@duckdb/duckdb-wasm,
// bench/browser/duckdb-wasm.js): the shredded typed-column schema, the cell
// values that fill it, and the SQL each preview and compute runs, so both
// answer the same queries over the same tables. No driver imports.

import { EVENT_NAMES } from "../dataset.mjs";
import { AMOUNT, CATEGORY_VALUES } from "../event-properties.mjs";
import { parseIso } from "../time.mjs";
import { toSqlWhere } from "../translate-sql.mjs";

const SQL_TYPES = { s: "VARCHAR", t: "BIGINT", n: "DOUBLE", b: "BOOLEAN", l: "VARCHAR[]" };

/**
 * Which JSON types occur under each property key → typed columns:
 * { schema: { [key]: { s?, t?, n?, b?, l? } }, columns: [{ key, kind, name, sql }] }.
 */
export function shredSchema(contacts) {
  const seen = {};
  for (const { properties } of contacts) {
    for (const [key, v] of Object.entries(properties)) {
      if (v === null || v === undefined) continue;
      const kinds = (seen[key] ??= new Set());
      if (typeof v === "string") kinds.add("s").add("t");
      else if (typeof v === "number") kinds.add("n");
      else if (typeof v === "boolean") kinds.add("b");
      else if (Array.isArray(v) && v.every((e) => typeof e === "string")) kinds.add("l");
      else throw new Error(`duckdb peer: no column type for ${key}=${JSON.stringify(v)}`);
    }
  }
  const schema = {};
  const columns = [];
  for (const [key, kinds] of Object.entries(seen)) {
    schema[key] = {};
    for (const k of ["s", "t", "n", "b", "l"]) {
      if (!kinds.has(k)) continue;
      const name = `p_${key.replace(/[^A-Za-z0-9_]/g, "_")}_${k}`;
      schema[key][k] = name;
      columns.push({ key, kind: k, name, sql: SQL_TYPES[k] });
    }
  }
  return { schema, columns };
}

/** The value of property value v in its typed column of kind `kind` (null when v is of another type). */
export function cell(v, kind) {
  switch (kind) {
    case "s": return typeof v === "string" ? v : null;
    case "t": {
      const ms = parseIso(v);
      return ms === null ? null : BigInt(ms);
    }
    case "n": return typeof v === "number" ? v : null;
    case "b": return typeof v === "boolean" ? v : null;
    case "l": return Array.isArray(v) ? v : null;
  }
}

/** The events' properties as typed columns, one per (key, JSON type) the dataset writes. */
export const EVENT_SCHEMA = { category: { s: "p_category_s" }, amount: { n: "p_amount_n", s: "p_amount_s" } };

export const EVENTS_DDL = "CREATE TABLE events (contact_id INTEGER, name VARCHAR, ts BIGINT, p_category_s VARCHAR, p_amount_n DOUBLE, p_amount_s VARCHAR)";

/** Event k of a generated batch as the events table's six values. */
export function eventRow(batch, k) {
  const kind = batch.amountKind[k];
  return [
    batch.contact[k],
    EVENT_NAMES[batch.name[k]],
    BigInt(batch.ts[k]),
    CATEGORY_VALUES[batch.category[k]] ?? null,
    kind === AMOUNT.number ? batch.amount[k] : null,
    kind === AMOUNT.string ? String(batch.amount[k]) : null,
  ];
}

/**
 * Preview, compute and member list over the `contacts c` table, given
 * `rows(sql)` (→ arrays of row values) and `run(sql)` of a connection.
 */
export function sqlSegments({ rows, run, schema, now, eventColumns }) {
  const translate = (shape) => toSqlWhere(shape.peerRules, { schema: schema(), now, eventSchema: EVENT_SCHEMA, eventColumns });
  return {
    /** The shape's WHERE clause; throws Inexpressible for a shape this form cannot answer. */
    translate,
    async prepare(shape) {
      return translate(shape);
    },
    async preview(where, limit) {
      const [[count]] = await rows(`SELECT count(*) FROM contacts c WHERE ${where}`);
      const sample = await rows(`SELECT c.email FROM contacts c WHERE ${where} ORDER BY c.id LIMIT ${limit}`);
      return { count: Number(count), sample: sample.map((r) => r[0]) };
    },
    async compute(where) {
      await run(`CREATE OR REPLACE TABLE segment_members AS SELECT c.id FROM contacts c WHERE ${where}`);
      const [[count]] = await rows("SELECT count(*) FROM segment_members");
      return { count: Number(count) };
    },
    /** The contact indices of the last compute, ascending (untimed, for the id-by-id check). */
    async members() {
      return Int32Array.from((await rows("SELECT id FROM segment_members ORDER BY id")).map((r) => r[0]));
    },
  };
}
