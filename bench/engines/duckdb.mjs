// Peer: DuckDB (in-memory, through @duckdb/node-api). Contacts become a table
// with one typed column per (property, JSON type). Rules become SQL
// (bench/translate-sql.mjs). Two ways to hold events: "duckdb" keeps a raw
// table (contact_id, name, ts ms) queried with EXISTS, as a database user
// would; "duckdb-indexed" instead gets the same pre-built last-event index as
// the JS peers, as two columns per event name on the contacts table. Event
// properties are typed columns on the events table too (the strongest form
// for DuckDB: no JSON parsing at query time); "duckdb-indexed" has no events
// table, so it skips the shapes with `where` / `having` or a `from` / `to`
// window. Segment references are inlined (bench/segment-refs.mjs).

import { BIGINT, BOOLEAN, DOUBLE, DuckDBDataChunk, DuckDBInstance, INTEGER, JSToDuckDBValueConverter, LIST, VARCHAR } from "@duckdb/node-api";
import { EVENT_NAMES } from "../dataset.mjs";
import { buildLastEventIndex } from "../event-index.mjs";
import { AMOUNT, CATEGORY_VALUES } from "../event-properties.mjs";
import { supportsBy } from "../inexpressible.mjs";
import { parseIso } from "../time.mjs";
import { toSqlWhere } from "../translate-sql.mjs";

const CHUNK = 2048;

/** Which JSON types occur under each property key → typed column names. */
function shredSchema(contacts) {
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
  const TYPES = { s: VARCHAR, t: BIGINT, n: DOUBLE, b: BOOLEAN, l: LIST(VARCHAR) };
  const SQL = { s: "VARCHAR", t: "BIGINT", n: "DOUBLE", b: "BOOLEAN", l: "VARCHAR[]" };
  for (const [key, kinds] of Object.entries(seen)) {
    schema[key] = {};
    for (const k of ["s", "t", "n", "b", "l"]) {
      if (!kinds.has(k)) continue;
      const name = `p_${key.replace(/[^A-Za-z0-9_]/g, "_")}_${k}`;
      schema[key][k] = name;
      columns.push({ key, kind: k, name, type: TYPES[k], sql: SQL[k] });
    }
  }
  return { schema, columns };
}

function cell(v, kind) {
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
const EVENT_SCHEMA = { category: { s: "p_category_s" }, amount: { n: "p_amount_n", s: "p_amount_s" } };

const eventColumnNames = (name) => ({ last: `ev_${name}_last`, past: `ev_${name}_past` });

export async function createEngine({ dataset }, { indexed = false } = {}) {
  const { contacts, now } = dataset;
  let instance;
  let con;
  let shred;
  const rows = async (sql) => (await con.runAndReadAll(sql)).getRows();
  const translate = (shape) => toSqlWhere(shape.peerRules, { schema: shred.schema, now, eventSchema: EVENT_SCHEMA, eventColumns: indexed ? eventColumnNames : undefined });
  return {
    name: indexed ? "duckdb-indexed" : "duckdb",
    async load() {
      const t = performance.now();
      instance = await DuckDBInstance.create(":memory:");
      con = await instance.connect();
      shred = shredSchema(contacts);
      let index = null;
      if (indexed) {
        index = buildLastEventIndex(dataset.events, contacts.length, now);
        for (const name of EVENT_NAMES) {
          const cols = eventColumnNames(name);
          shred.columns.push({ name: cols.last, sql: "BIGINT", type: BIGINT, event: index.last[name] });
          shred.columns.push({ name: cols.past, sql: "BIGINT", type: BIGINT, event: index.past[name] });
        }
      }
      const colsSql = shred.columns.map((c) => `, ${c.name} ${c.sql}`).join("");
      await con.run(`CREATE TABLE contacts (id INTEGER, email VARCHAR${colsSql})`);
      if (!indexed) await con.run("CREATE TABLE events (contact_id INTEGER, name VARCHAR, ts BIGINT, p_category_s VARCHAR, p_amount_n DOUBLE, p_amount_s VARCHAR)");
      let app = await con.createAppender("contacts");
      const types = [INTEGER, VARCHAR, ...shred.columns.map((c) => c.type)];
      const chunk = DuckDBDataChunk.create(types);
      for (let s = 0; s < contacts.length; s += CHUNK) {
        const n = Math.min(CHUNK, contacts.length - s);
        const cols = types.map(() => new Array(n));
        for (let j = 0; j < n; j++) {
          const c = contacts[s + j];
          cols[0][j] = s + j;
          cols[1][j] = c.email;
          shred.columns.forEach((col, k) => {
            if (!col.event) cols[k + 2][j] = cell(c.properties[col.key], col.kind);
            else cols[k + 2][j] = Number.isNaN(col.event[s + j]) ? null : BigInt(col.event[s + j]);
          });
        }
        chunk.reset();
        chunk.setColumnsConverted(cols, JSToDuckDBValueConverter);
        app.appendDataChunk(chunk);
      }
      app.closeSync();
      const contactsMs = performance.now() - t;
      if (indexed) return { ms: contactsMs, note: "builds the last-event index; contacts only, no events table" };
      app = await con.createAppender("events");
      const evChunk = DuckDBDataChunk.create([INTEGER, VARCHAR, BIGINT, VARCHAR, DOUBLE, VARCHAR]);
      for (const batch of dataset.events) {
        for (let s = 0; s < batch.contact.length; s += CHUNK) {
          const n = Math.min(CHUNK, batch.contact.length - s);
          const cols = Array.from({ length: 6 }, () => new Array(n));
          for (let j = 0; j < n; j++) {
            const k = s + j;
            cols[0][j] = batch.contact[k];
            cols[1][j] = EVENT_NAMES[batch.name[k]];
            cols[2][j] = BigInt(batch.ts[k]);
            cols[3][j] = CATEGORY_VALUES[batch.category[k]] ?? null;
            const kind = batch.amountKind[k];
            cols[4][j] = kind === AMOUNT.number ? batch.amount[k] : null;
            cols[5][j] = kind === AMOUNT.string ? String(batch.amount[k]) : null;
          }
          evChunk.reset();
          evChunk.setColumns(cols);
          app.appendDataChunk(evChunk);
        }
      }
      app.closeSync();
      return { ms: performance.now() - t, contactsMs, eventsMs: performance.now() - t - contactsMs };
    },
    supports: (shape) => supportsBy(translate)(shape),
    async prepare(shape) {
      return translate(shape);
    },
    async preview(where, limit) {
      const [[count]] = await rows(`SELECT count(*) FROM contacts c WHERE ${where}`);
      const sample = await rows(`SELECT c.email FROM contacts c WHERE ${where} ORDER BY c.id LIMIT ${limit}`);
      return { count: Number(count), sample: sample.map((r) => r[0]) };
    },
    async compute(where) {
      await con.run(`CREATE OR REPLACE TABLE segment_members AS SELECT c.id FROM contacts c WHERE ${where}`);
      const [[count]] = await rows("SELECT count(*) FROM segment_members");
      return { count: Number(count) };
    },
    /** The contact indices of the last compute, ascending (untimed, for the id-by-id check). */
    async members() {
      return Int32Array.from((await rows("SELECT id FROM segment_members ORDER BY id")).map((r) => r[0]));
    },
    async close() {
      con?.closeSync();
      instance?.closeSync?.();
      con = instance = null;
    },
  };
}
