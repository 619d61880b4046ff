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
import { supportsBy } from "../inexpressible.mjs";
import { EVENTS_DDL, cell, eventRow, shredSchema, sqlSegments } from "./duckdb-sql.mjs";

const CHUNK = 2048;
const DRIVER_TYPES = { s: VARCHAR, t: BIGINT, n: DOUBLE, b: BOOLEAN, l: LIST(VARCHAR) };

const eventColumnNames = (name) => ({ last: `ev_${name}_last`, past: `ev_${name}_past` });

export async function createEngine({ dataset }, { indexed = false } = {}) {
  const { contacts, now } = dataset;
  let instance;
  let con;
  let shred;
  const rows = async (sql) => (await con.runAndReadAll(sql)).getRows();
  const sql = sqlSegments({ rows, run: (q) => con.run(q), schema: () => shred.schema, now: dataset.now, eventColumns: indexed ? eventColumnNames : undefined });
  return {
    ...sql,
    name: indexed ? "duckdb-indexed" : "duckdb",
    async load() {
      const t = performance.now();
      instance = await DuckDBInstance.create(":memory:");
      con = await instance.connect();
      shred = shredSchema(contacts);
      for (const c of shred.columns) c.type = DRIVER_TYPES[c.kind];
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
      if (!indexed) await con.run(EVENTS_DDL);
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
            const row = eventRow(batch, s + j);
            for (let c = 0; c < 6; c++) cols[c][j] = row[c];
          }
          evChunk.reset();
          evChunk.setColumns(cols);
          app.appendDataChunk(evChunk);
        }
      }
      app.closeSync();
      return { ms: performance.now() - t, contactsMs, eventsMs: performance.now() - t - contactsMs };
    },
    supports: (shape) => supportsBy(sql.translate)(shape),
    async close() {
      con?.closeSync();
      instance?.closeSync?.();
      con = instance = null;
    },
  };
}
