// Rule nodes as short English, for the explain panel and the one-line
// summaries of the segments list: "plan is one of pro, enterprise",
// "purchase occurred between -60d and now in Europe/Berlin, where category
// equals shoes, with sum of amount ≥ 100". No DOM, so the node tests can
// check it (tests/www/rule-text.test.mjs).
import { EVENT_OPS, HAVING_FNS, HAVING_OPS, PROPERTY_OPS, SEGMENT_OPS, fieldKind } from "./rule-model.js";

const label = (list, op) => list.find(([o]) => o === op)?.[1] ?? String(op);
const FIELD_NAMES = { email: "email", createdAt: "created at", updatedAt: "updated at", suppressed: "suppressed" };

/** A value as it would be read: strings quoted, lists joined. */
export function valueText(v) {
  if (Array.isArray(v)) return v.map(valueText).join(", ");
  if (typeof v === "string") return `“${v}”`;
  return JSON.stringify(v);
}

/** What a group asks for. */
export function groupText(node) {
  if (node.operator === "not") return "Not this";
  return node.operator === "or" ? "Any of these" : "All of these";
}

/** A condition as a sentence; `segmentName(id)` names referenced segments. */
export function conditionText(node, segmentName = (id) => id) {
  const { kind, key } = fieldKind(node.field);
  if (kind === "segment") {
    return `In segments: ${label(SEGMENT_OPS, node.op)} ${(node.value ?? []).map((id) => `“${segmentName(id)}”`).join(", ")}`;
  }
  if (kind === "event") return eventText(key, node);
  const field = kind === "property" ? key : FIELD_NAMES[kind] ?? String(node.field);
  const pattern = node.op === "matches" || node.op === "not_matches";
  const value = node.value === undefined ? "" : ` ${pattern ? `the pattern /${node.value}/` : valueText(node.value)}`;
  const zone = node.timeZone ? ` (${node.timeZone})` : "";
  return `${field} ${label(PROPERTY_OPS, node.op)}${value}${zone}`;
}

function eventText(name, node) {
  const parts = [`${name} ${label(EVENT_OPS, node.op)}`];
  if (node.within) parts.push(`in the last ${node.within}`);
  if (node.from !== undefined && node.to !== undefined) parts.push(`from ${node.from} to ${node.to}`);
  else if (node.from !== undefined) parts.push(`since ${node.from}`);
  else if (node.to !== undefined) parts.push(`before ${node.to}`);
  if (node.timeZone) parts.push(`in ${node.timeZone}`);
  let text = parts.join(" ");
  if (node.where) text += `, where ${whereText(node.where)}`;
  if (node.having) text += `, with ${havingText(node.having)}`;
  return text;
}

/** A where node (or a whole rule), recursively: "category equals “shoes” and amount at least 50". */
export function whereText(n, segmentName) {
  if (Array.isArray(n)) return whereText({ operator: "and", conditions: n }, segmentName);
  if (n && Array.isArray(n.conditions)) {
    const inner = n.conditions.map((c) => (c.conditions && c.conditions.length > 1 ? `(${whereText(c, segmentName)})` : whereText(c, segmentName)));
    if (n.operator === "not") return `not ${inner[0] ?? "…"}`;
    return inner.join(n.operator === "or" ? " or " : " and ");
  }
  return conditionText(n, segmentName);
}

/** A saved segment's rule in one line: "plan is one of “pro” and (login occurred in the last 7d or seats ≥ 10)". */
export const ruleSummary = (rules, segmentName) => whereText(rules, segmentName) || "every contact";

/** The aggregate a having tests: "count of events", "sum of amount". */
export const aggregateText = (h) => (h.fn === "count" ? "count of events" : `${label(HAVING_FNS, h.fn)} ${h.property}`);

export const havingText = (h) => `${aggregateText(h)} ${label(HAVING_OPS, h.op)} ${h.value}`;
