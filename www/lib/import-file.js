// Worker task: imports contacts or events from a CSV or NDJSON File,
// streaming it (a million-row file never sits in memory as one string) and
// importing in batches, each one SDK call and one storage transaction.
// Progress is bytes read. A bad record stops the import with its line
// number; the batches before it stay imported.
import { KraiterError } from "../../js/errors.js";
import { createCsvReader } from "./csv.js";
import { recordFromObject, recordFromRow } from "./records.js";

const BATCH = 10_000;

/** NDJSON when the file name says so, or its first character opens an object. */
export function detectFormat(name, firstText) {
  if (/\.(ndjson|jsonl|json)$/i.test(name)) return "ndjson";
  if (/\.(csv|tsv|txt)$/i.test(name)) return "csv";
  return firstText.trimStart().startsWith("{") ? "ndjson" : "csv";
}

/**
 * @param {{ file: Blob & { name?: string }, kind: "contacts" | "events", batchSize?: number }} args
 */
export async function importFile(kraiter, { file, kind, batchSize = BATCH }, { progress } = {}) {
  if (kind !== "contacts" && kind !== "events") throw new KraiterError("VALIDATION_ERROR", "kind must be contacts or events", [{ path: "kind", message: "choose contacts or events" }]);
  const total = file.size;
  const result = kind === "contacts" ? { records: 0, created: 0, updated: 0 } : { records: 0, imported: 0, contactsCreated: 0 };
  let batch = [];
  let lines = [];
  let format = null;
  let header = null;

  const flush = async () => {
    if (!batch.length) return;
    try {
      const r = kind === "contacts" ? await kraiter.contacts.import(batch) : await kraiter.events.import(batch);
      for (const [k, v] of Object.entries(r)) result[k] += v;
      result.records += batch.length;
    } catch (err) {
      throw atLine(err, lines);
    }
    batch = [];
    lines = [];
  };
  const add = (record, line) => {
    batch.push(record);
    lines.push(line);
  };

  let csv = null;
  let pending = ""; // NDJSON: the unfinished last line
  let lineNo = 0;
  const ndjson = (text, final) => {
    const parts = (pending + text).split("\n");
    pending = final ? "" : parts.pop();
    for (const raw of parts) {
      lineNo++;
      const line = raw.trim();
      if (!line) continue;
      let obj;
      try {
        obj = JSON.parse(line);
      } catch (e) {
        throw new KraiterError("VALIDATION_ERROR", `line ${lineNo}: not valid JSON (${e.message})`, [{ path: `line ${lineNo}`, message: "not valid JSON" }]);
      }
      add(recordFromObject(kind, obj), lineNo);
    }
  };

  const reader = file.stream().getReader();
  const decoder = new TextDecoder();
  let read = 0;
  for (;;) {
    const { value, done } = await reader.read();
    const text = done ? decoder.decode() : decoder.decode(value, { stream: true });
    if (!done) read += value.byteLength;
    if (format === null && (text || done)) {
      format = detectFormat(file.name ?? "", text);
      if (format === "csv") {
        csv = createCsvReader((cells, line) => {
          if (!header) header = cells.map((c) => c.trim().replace(/^\uFEFF/, ""));
          else add(recordFromRow(kind, header, cells), line);
        });
      }
    }
    if (format === "csv") {
      csv.push(text);
      if (done) csv.end();
    } else {
      ndjson(text, done);
    }
    while (batch.length >= batchSize) {
      const rest = batch.splice(batchSize);
      const restLines = lines.splice(batchSize);
      await flush();
      batch = rest;
      lines = restLines;
    }
    progress?.({ done: read, total, records: result.records + batch.length });
    if (done) break;
  }
  if (format === "csv" && !header) throw new KraiterError("VALIDATION_ERROR", "the CSV file is empty; its first row must name the columns", [{ path: "file", message: "empty" }]);
  await flush();
  progress?.({ done: total, total, records: result.records });
  return { format, ...result };
}

/** "[3].email" in a batch → "line 57: …", so the message points into the file. */
function atLine(err, lines) {
  if (!(err instanceof KraiterError) || !err.details?.length) return err;
  const details = err.details.map((d) => {
    const m = /^\[(\d+)\](.*)$/.exec(d.path ?? "");
    return m ? { path: `line ${lines[Number(m[1])]}${m[2] ? ` ${m[2].replace(/^\./, "")}` : ""}`, message: d.message } : d;
  });
  return new KraiterError(err.code, `${details[0].path}: ${details[0].message}`, details);
}
