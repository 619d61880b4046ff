// Reads a CSV or NDJSON File into SDK records in the page, streaming it (a
// big file never sits in memory as one string) with progress in bytes read,
// so the whole file can be checked by a dry run and then imported in one
// call, one transaction. Also reads a file's head for the import preview.
// A line that is not JSON stops the read with its line number.
import { KraiterError } from "../../js/errors.js";
import { createCsvReader } from "./csv.js";
import { objectColumns, recordFromObject, recordFromRow } from "./records.js";

/** NDJSON when the file name says so, or its first character opens an object. */
export function detectFormat(name, firstText) {
  if (/\.(ndjson|jsonl|json)$/i.test(name)) return "ndjson";
  if (/\.(csv|tsv|txt)$/i.test(name)) return "csv";
  return firstText.trimStart().startsWith("{") ? "ndjson" : "csv";
}

const notJson = (lineNo, e) => new KraiterError("VALIDATION_ERROR", `line ${lineNo}: not valid JSON (${e.message})`,
  [{ path: `line ${lineNo}`, message: `not valid JSON (${e.message})` }]);

/**
 * Streams `file`, calling onRow(row, line) for each row: { cells, header }
 * for CSV, { object } for NDJSON. Stops early when onRow answers
 * false. Answers { format, header } (header: the CSV's column names).
 */
async function scan(file, onRow, onProgress) {
  const reader = file.stream().getReader();
  const decoder = new TextDecoder();
  let format = null;
  let header = null;
  let csv = null;
  let pending = "";
  let lineNo = 0;
  let read = 0;
  let stop = false;
  const ndjson = (text, final) => {
    const parts = (pending + text).split("\n");
    pending = final ? "" : parts.pop();
    for (const raw of parts) {
      lineNo++;
      const line = raw.trim();
      if (!line || stop) continue;
      let object;
      try {
        object = JSON.parse(line);
      } catch (e) {
        throw notJson(lineNo, e);
      }
      if (onRow({ object }, lineNo) === false) stop = true;
    }
  };
  try {
    while (!stop) {
      const { value, done } = await reader.read();
      const text = done ? decoder.decode() : decoder.decode(value, { stream: true });
      if (!done) read += value.byteLength;
      if (format === null && (text || done)) {
        format = detectFormat(file.name ?? "", text);
        if (format === "csv") {
          csv = createCsvReader((cells, line) => {
            if (stop) return;
            if (!header) header = cells.map((c) => c.trim().replace(/^\uFEFF/, ""));
            else if (onRow({ cells, header }, line) === false) stop = true;
          });
        }
      }
      if (format === "csv") {
        csv.push(text);
        if (done) csv.end();
      } else if (format === "ndjson") {
        ndjson(text, done);
      }
      onProgress?.({ done: read, total: file.size });
      if (done) break;
    }
  } finally {
    if (stop) await reader.cancel().catch(() => {});
  }
  if (format === "csv" && !header) throw new KraiterError("VALIDATION_ERROR", "the CSV file is empty; its first row must name the columns", [{ path: "file", message: "the file is empty" }]);
  return { format: format ?? "csv", header: header ?? [] };
}

/**
 * The first `limit` rows of `file`, for the preview: { format, columns,
 * rows } where a row is { line, cells } (CSV, text) or { line, object }
 * (NDJSON, as written).
 */
export async function readHead(file, limit = 5) {
  const rows = [];
  const seen = new Set();
  const { format, header } = await scan(file, (row, line) => {
    if (row.cells) {
      rows.push({ line, cells: row.cells });
    } else {
      for (const c of objectColumns(row.object)) seen.add(c);
      rows.push({ line, object: row.object });
    }
    return rows.length < limit;
  });
  const columns = format === "csv" ? header : [...seen];
  return { format, columns, rows };
}

/**
 * Every record of `file` under `mapping` (column → target, records.js):
 * { format, records, lines } where lines[i] is the line records[i] came from.
 */
export async function readRecords(file, { kind, mapping }, { onProgress } = {}) {
  const records = [];
  const lines = [];
  const { format } = await scan(file, (row, line) => {
    records.push(row.cells ? recordFromRow(kind, row.header, row.cells, mapping) : recordFromObject(kind, row.object, mapping));
    lines.push(line);
  }, onProgress);
  return { format, records, lines };
}

/** Engine paths into the records ("[3].email") as file lines ("line 57 email"), so messages point into the file. */
export function detailsAtLines(details, lines) {
  return (details ?? []).map((d) => {
    const m = /^\[(\d+)\](.*)$/.exec(d.path ?? "");
    return m ? { path: `line ${lines[Number(m[1])]}${m[2] ? ` ${m[2].replace(/^\./, "")}` : ""}`, message: d.message } : d;
  });
}
