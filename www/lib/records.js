// Turns imported rows into SDK records through a column mapping: each column
// (a CSV header cell, or a key of an NDJSON object, "properties.x" for a key
// of its properties) is one of the record's fields (email, name, contactId,
// timestamp), a property, or ignored. CSV property cells are typed by
// infer-types.js; NDJSON values are kept as written.
import { inferCell } from "./infer-types.js";

/** The fields a record of each kind has besides its properties. */
export const FIELDS = { contacts: ["email"], events: ["name", "email", "contactId", "timestamp"] };

/** A column's property name: a "properties." prefix is dropped. */
export const propertyName = (column) => (column.startsWith("properties.") ? column.slice(11) : column);

/** Where a column goes unless the user says otherwise: its own field if the kind has it, else a property. */
export function defaultTarget(kind, column) {
  if (column === "") return "ignore";
  return FIELDS[kind].includes(column) ? column : "property";
}

/** The mapping for `columns`: the defaults, with the user's `overrides` (column → target) on top. */
export function mappingFor(kind, columns, overrides = new Map()) {
  return new Map(columns.map((c) => {
    const o = overrides.get(c);
    return [c, o && (o === "property" || o === "ignore" || FIELDS[kind].includes(o)) ? o : defaultTarget(kind, c)];
  }));
}

const targetOf = (kind, mapping, column) => mapping.get(column) ?? defaultTarget(kind, column);

/**
 * The mapping as a text import's `columns` (README, "Imports from text"):
 * per CSV column in order, its field, "properties.<key>", or null to skip.
 * The engine then types the cells as recordFromRow would.
 */
export function textColumns(kind, columns, mapping = new Map()) {
  return columns.map((column) => {
    const target = targetOf(kind, mapping, column);
    if (target === "ignore") return null;
    return target === "property" ? `properties.${propertyName(column)}` : target;
  });
}

/** A CSV row as a record: fields as trimmed text (empty left out), property cells typed. */
export function recordFromRow(kind, header, cells, mapping = new Map()) {
  const record = {};
  const properties = {};
  header.forEach((column, i) => {
    const cell = cells[i] ?? "";
    const target = targetOf(kind, mapping, column);
    if (target === "ignore") return;
    if (target === "property") {
      const v = inferCell(cell);
      if (v !== undefined) properties[propertyName(column)] = v;
    } else if (cell.trim() !== "") {
      record[target] = cell.trim();
    }
  });
  if (Object.keys(properties).length) record.properties = properties;
  return record;
}

/** An NDJSON object's columns: its keys, with the keys of an object `properties` as "properties.<key>". */
export function objectColumns(obj) {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return [];
  return Object.entries(obj).flatMap(([k, v]) => (k === "properties" && v && typeof v === "object" && !Array.isArray(v)
    ? Object.keys(v).map((p) => `properties.${p}`) : [k]));
}

/** The value of one column of an NDJSON object (see objectColumns). */
export function objectValue(obj, column) {
  if (column.startsWith("properties.") && obj.properties && typeof obj.properties === "object" && !(column in obj)) {
    return obj.properties[column.slice(11)];
  }
  return obj[column];
}

/** An NDJSON object as a record; anything but an object is passed on for the engine to refuse with its path. */
export function recordFromObject(kind, obj, mapping = new Map()) {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return obj;
  const record = {};
  const properties = {};
  for (const column of objectColumns(obj)) {
    const target = targetOf(kind, mapping, column);
    const value = objectValue(obj, column);
    if (column === "properties") record.properties = value; // not an object: the engine says why, at its path
    else if (target === "ignore") continue;
    else if (target === "property") properties[propertyName(column)] = value;
    else record[target] = value;
  }
  if (Object.keys(properties).length) record.properties = properties;
  return record;
}
