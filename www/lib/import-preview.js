// What the import preview shows before anything is stored, DOM-free: whether
// a file holds contacts or events (from its columns, and its first rows'
// event names), each column's target and inferred type with its first
// values, and what a mapping lacks. import-panel.js draws it.
import { columnType, inferCell } from "./infer-types.js";
import { FIELDS, mappingFor, objectValue, propertyName } from "./records.js";

/** A name that reads like a person's ("Ada Lovelace"), not an event's ("page_view"). */
const personLike = (v) => typeof v === "string" && /\S\s+\S/.test(v.trim());

/**
 * Contacts or events, and why. A record with `name` and `email` or
 * `contactId` is an event; `email` without `name` a contact. A `name` +
 * `email` file without `timestamp` or `contactId` whose names hold spaces
 * ("Ada Lovelace") is a contact file with a name property.
 * @param {string[]} columns @param {unknown[]} names the first rows' `name` values
 */
export function detectKind(columns, names = []) {
  const has = (c) => columns.includes(c);
  if (has("name") && (has("email") || has("contactId"))) {
    if (!has("timestamp") && !has("contactId") && names.some(personLike)) {
      return { kind: "contacts", reason: "Contacts: the name column holds people's names (with spaces), so it is read as a property; email identifies each contact." };
    }
    const by = has("contactId") ? "contactId" : "email";
    return { kind: "events", reason: `Events: each row has a name (the event) and ${by === "email" ? "an email" : "a contactId"}${has("timestamp") ? " and a timestamp" : ""}.` };
  }
  if (has("email")) return { kind: "contacts", reason: "Contacts: an email column and no event name column." };
  return { kind: "contacts", reason: "Neither an email column nor event columns (name and email or contactId): map a column to the email below." };
}

/** The choices of a column's "maps to" select, as [value, label]. */
export function targetChoices(kind, column) {
  const label = { email: kind === "events" ? "Contact email" : "Email", name: "Event name", contactId: "Contact ID", timestamp: "Timestamp" };
  return [...FIELDS[kind].map((f) => [f, label[f]]), ["property", `Property “${propertyName(column) || "(no name)"}”`], ["ignore", "Ignore"]];
}

const shown = (v) => (v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));

/**
 * One entry per column: { column, target, choices, type, samples } where
 * `type` is what the column becomes (a field, or the inferred type of its
 * property values) and `samples` the first rows' values as text.
 * @param {{ format, columns: string[], rows: object[] }} head from readHead()
 */
export function previewColumns(head, kind, overrides) {
  const mapping = mappingFor(kind, head.columns, overrides);
  return head.columns.map((column, i) => {
    const raw = head.rows.map((r) => (r.cells ? r.cells[i] ?? "" : r.object && typeof r.object === "object" ? objectValue(r.object, column) : undefined));
    const target = mapping.get(column);
    const values = head.format === "csv" ? raw.map((c) => inferCell(c)) : raw;
    const type = target === "ignore" ? "ignored" : target === "property" ? columnType(values) : "field";
    return { column, target, choices: targetChoices(kind, column), type, samples: raw.map(shown) };
  });
}

/** The first rows' `name` values, for detectKind. */
export function namesOf(head) {
  const i = head.columns.indexOf("name");
  return head.rows.map((r) => (r.cells ? r.cells[i] : r.object?.name)).filter((v) => v !== undefined);
}

/** What a mapping lacks for its kind, in words ([] when it can be imported). */
export function mappingProblems(kind, mapping) {
  const targets = new Set(mapping.values());
  if (kind === "contacts") return targets.has("email") ? [] : ["Map a column to Email: every contact needs one."];
  const problems = [];
  if (!targets.has("name")) problems.push("Map a column to Event name: every event needs one.");
  if (!targets.has("email") && !targets.has("contactId")) problems.push("Map a column to Contact email or Contact ID: every event belongs to a contact.");
  return problems;
}


