// Type inference for imported cells: what a CSV cell means as a property
// value (TRUE/true/False are booleans, numbers are numbers, empty is absent,
// the rest text) and which type a column or JSON value shows as in the
// import preview, in the schema's type names ("date" = an ISO date string).

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const BOOLEAN = /^(true|false)$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;

/**
 * A CSV cell as a property value: "" (or blanks) is absent (undefined),
 * true/false in any case a boolean, a plain decimal a number (not "007"
 * or 17+ digits, which would lose digits), anything else the text itself.
 */
export function inferCell(text) {
  const t = String(text).trim();
  if (t === "") return undefined;
  if (BOOLEAN.test(t)) return t.toLowerCase() === "true";
  if (NUMBER.test(t) && t.length < 17) return Number(t);
  return text;
}

export const isIsoDate = (s) => typeof s === "string" && ISO_DATE.test(s.trim()) && !Number.isNaN(Date.parse(s.trim()));

/** A value's type name: string, date, number, boolean, null, array, object, or "absent" for undefined. */
export function typeOf(value) {
  if (value === undefined) return "absent";
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "string") return isIsoDate(value) ? "date" : "string";
  return typeof value; // number, boolean, object
}

/**
 * The type a column's values share, for the preview: the one type, "mixed
 * (a, b)" when they differ, "empty" when every value is absent.
 */
export function columnType(values) {
  const types = [...new Set(values.map(typeOf).filter((t) => t !== "absent"))];
  if (!types.length) return "empty";
  if (types.length === 1) return types[0];
  return `mixed (${types.sort().join(", ")})`;
}
