// Draws an explanation's tree: every node with its result as a mark that
// says "true" or "false" in words and with a symbol as well as a colour,
// and under each condition what decided it — the property value, or for an
// event the matching events, the aggregate, the first and last times and the
// window; a segment reference lists each segment, its own tree folded away.
import { h, when } from "./dom.js";
import { aggregateText, conditionText, groupText, valueText } from "./rule-text.js";

/** The ✓ true / ✗ false mark. */
export const mark = (result) => h("span", { class: `mark ${result ? "yes" : "no"}` },
  h("span", { "aria-hidden": "true" }, result ? "✓ " : "✗ "), result ? "true" : "false");

/**
 * @param {object} tree an explanation's `tree`
 * @param {(id: string) => string} segmentName
 */
export function renderTree(tree, segmentName) {
  return h("ol", { class: "xtree" }, renderNode(tree, segmentName));
}

function renderNode(node, segmentName) {
  const common = { class: `xnode ${node.result ? "is-true" : "is-false"}`, "data-path": node.path, "data-result": String(node.result) };
  if (Array.isArray(node.conditions)) {
    return h("li", { ...common, "data-kind": "group" },
      h("div", { class: "xhead" }, mark(node.result), h("span", { class: "xdesc" }, groupText(node))),
      h("ol", {}, node.conditions.map((c) => renderNode(c, segmentName))));
  }
  return h("li", { ...common, "data-kind": "condition" },
    h("div", { class: "xhead" }, mark(node.result), h("span", { class: "xdesc" }, conditionText(node, segmentName))),
    decided(node, segmentName));
}

/** What decided a condition, as label: value facts (data-fact names the explanation's key). */
function decided(node, segmentName) {
  if (Array.isArray(node.segments)) {
    return h("ul", { class: "xsegments" }, node.segments.map((s) => h("li", {},
      h("details", { "data-segment": s.id },
        h("summary", {}, mark(s.member), ` ${s.member ? "member of" : "not a member of"} “${segmentName(s.id)}”`),
        s.tree ? renderTree(s.tree, segmentName) : h("p", { class: "hint" }, "This segment no longer exists.")))));
  }
  const facts = [];
  if ("count" in node) {
    facts.push(fact("count", "Matching events", String(node.count)));
    if (node.having) facts.push(fact("value", aggregateText(node.having), node.value === null ? "none (no events)" : String(node.value)));
    facts.push(fact("firstAt", "First", node.firstAt ? when(node.firstAt) : "—", node.firstAt));
    facts.push(fact("lastAt", "Last", node.lastAt ? when(node.lastAt) : "—", node.lastAt));
    facts.push(fact("window", "Window", windowText(node.window), node.window ? `${node.window.from ?? ""}/${node.window.to ?? ""}` : ""));
  } else if (node.field !== undefined) {
    facts.push("actual" in node ? fact("actual", "Value", valueText(node.actual), JSON.stringify(node.actual))
      : fact("actual", "Value", "none (not set)", ""));
  }
  return facts.length ? h("dl", { class: "xfacts" }, facts) : null;
}

function fact(name, label, text, raw = text) {
  return h("div", { class: "xfact", "data-fact": name, "data-value": raw ?? "" }, h("dt", {}, label), h("dd", {}, text));
}

function windowText(w) {
  if (!w) return "all time";
  return `${w.from ? when(w.from) : "the beginning"} → ${w.to ? when(w.to) : "now"}`;
}
