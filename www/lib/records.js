// Turns imported rows into SDK records: CSV rows by their header (email,
// name, contactId, timestamp; every other column is a property, with
// numbers and true/false read as such) and NDJSON objects as they are,
// or with their extra keys gathered into `properties`.

const CONTACT_KEYS = new Set(["email"]);
const EVENT_KEYS = new Set(["name", "email", "contactId", "timestamp"]);

/** A CSV cell as a property value: "" is absent, numbers and booleans are typed. */
export function cellValue(text) {
  const t = text.trim();
  if (t === "") return undefined;
  if (t === "true" || t === "false") return t === "true";
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(t) && t.length < 17) return Number(t);
  return text;
}

/** header → column name of a property (a "properties." prefix is dropped). */
const propertyName = (column) => (column.startsWith("properties.") ? column.slice(11) : column);

export function recordFromRow(kind, header, cells) {
  const fixed = kind === "events" ? EVENT_KEYS : CONTACT_KEYS;
  const record = {};
  const properties = {};
  header.forEach((column, i) => {
    const cell = cells[i] ?? "";
    if (fixed.has(column)) {
      if (cell.trim() !== "") record[column] = cell.trim();
    } else if (column !== "") {
      const v = cellValue(cell);
      if (v !== undefined) properties[propertyName(column)] = v;
    }
  });
  if (Object.keys(properties).length) record.properties = properties;
  return record;
}

export function recordFromObject(kind, obj) {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj) || "properties" in obj) return obj;
  const fixed = kind === "events" ? EVENT_KEYS : CONTACT_KEYS;
  const record = {};
  const properties = {};
  for (const [k, v] of Object.entries(obj)) {
    if (fixed.has(k)) record[k] = v;
    else properties[k] = v;
  }
  if (Object.keys(properties).length) record.properties = properties;
  return record;
}
