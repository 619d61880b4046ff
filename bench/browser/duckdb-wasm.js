// Peer in the browser: DuckDB-wasm in its own Web Worker, as its users run
// it, served from node_modules (the "eh" bundle when the browser has wasm
// exceptions, else "mvp"; single-threaded: the page is not cross-origin
// isolated). Same tables, typed columns and SQL as the Node DuckDB peer
// (bench/engines/duckdb-sql.mjs); records go in as Arrow tables.
import * as duckdb from "/node_modules/@duckdb/duckdb-wasm/dist/duckdb-browser.mjs";
import { Table, vectorFromArray, Int32, Utf8, Int64, Float64, Bool, List, Field } from "apache-arrow";
import { EVENTS_DDL, cell, eventRow, shredSchema, sqlSegments } from "../engines/duckdb-sql.mjs";

const DIST = new URL("/node_modules/@duckdb/duckdb-wasm/dist/", location.href).href;
const BUNDLES = {
  mvp: { mainModule: `${DIST}duckdb-mvp.wasm`, mainWorker: `${DIST}duckdb-browser-mvp.worker.js` },
  eh: { mainModule: `${DIST}duckdb-eh.wasm`, mainWorker: `${DIST}duckdb-browser-eh.worker.js` },
};
const ARROW = {
  s: () => new Utf8(), t: () => new Int64(), n: () => new Float64(), b: () => new Bool(),
  l: () => new List(new Field("item", new Utf8(), true)),
};
const ROWS = 100_000; // rows per Arrow table handed to insertArrowTable

export function createEngine({ dataset }) {
  const { contacts } = dataset;
  let db;
  let worker;
  let conn;
  let shred;
  const rows = async (sql) => {
    const t = await conn.query(sql);
    const cols = t.schema.fields.map((_, i) => t.getChildAt(i));
    return Array.from({ length: t.numRows }, (_, r) => cols.map((c) => c.get(r)));
  };
  const sql = sqlSegments({ rows, run: (q) => conn.query(q), schema: () => shred.schema, now: dataset.now });
  return {
    ...sql,
    name: "duckdb-wasm",
    async load() {
      let t = performance.now();
      const bundle = await duckdb.selectBundle(BUNDLES);
      worker = new Worker(bundle.mainWorker);
      db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
      await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
      conn = await db.connect();
      const openMs = performance.now() - t;
      t = performance.now();
      shred = shredSchema(contacts);
      await conn.query(`CREATE TABLE contacts (id INTEGER, email VARCHAR${shred.columns.map((c) => `, ${c.name} ${c.sql}`).join("")})`);
      await conn.query(EVENTS_DDL);
      let insertMs = 0;
      const insert = async (table, name) => {
        const t0 = performance.now();
        await conn.insertArrowTable(table, { name, create: false });
        insertMs += performance.now() - t0;
      };
      for (let s = 0; s < contacts.length; s += ROWS) {
        const part = contacts.slice(s, s + ROWS);
        const cols = {
          id: vectorFromArray(part.map((_, j) => s + j), new Int32()),
          email: vectorFromArray(part.map((c) => c.email), new Utf8()),
        };
        for (const col of shred.columns) cols[col.name] = vectorFromArray(part.map((c) => cell(c.properties[col.key], col.kind)), ARROW[col.kind]());
        await insert(new Table(cols), "contacts");
      }
      const contactsMs = performance.now() - t;
      const names = ["contact_id", "name", "ts", "p_category_s", "p_amount_n", "p_amount_s"];
      const types = [new Int32(), new Utf8(), new Int64(), new Utf8(), new Float64(), new Utf8()];
      let pending = names.map(() => []);
      const flush = async () => {
        if (!pending[0].length) return;
        const cols = Object.fromEntries(names.map((n, c) => [n, vectorFromArray(pending[c], types[c])]));
        pending = names.map(() => []);
        await insert(new Table(cols), "events");
      };
      for (const batch of dataset.events) {
        for (let k = 0; k < batch.contact.length; k++) {
          const row = eventRow(batch, k);
          for (let c = 0; c < 6; c++) pending[c].push(row[c]);
        }
        if (pending[0].length >= ROWS) await flush();
      }
      await flush();
      const [[threads]] = await rows("SELECT current_setting('threads')");
      return {
        ms: performance.now() - t,
        contactsMs,
        eventsMs: performance.now() - t - contactsMs,
        insertMs,
        openMs,
        bundle: bundle.mainModule.split("/").pop(),
        threads: Number(threads),
        note: "records → Arrow tables → insertArrowTable; instantiate (worker, wasm) not included; see openMs",
      };
    },
    async memory() {
      const [[bytes]] = await rows("SELECT sum(memory_usage_bytes) FROM duckdb_memory()");
      const [[usage, limit]] = await rows("SELECT memory_usage, memory_limit FROM pragma_database_size()");
      return { duckdbMemoryBytes: Number(bytes), databaseMemoryUsage: usage, memoryLimit: limit };
    },
    async close() {
      await conn?.close();
      await db?.terminate();
      worker?.terminate();
      conn = db = worker = null;
    },
  };
}
