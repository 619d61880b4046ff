// The JSON tab: shows the builder's rule JSON and applies edits back to the
// builder as soon as they parse, so either view can be used and they agree.

/**
 * @param {HTMLTextAreaElement} textarea
 * @param {HTMLElement} status where parse problems are reported
 * @param {(rules: unknown) => void} onRules called with each edit that parses
 */
export function createJsonView(textarea, status, onRules) {
  let shown = "";
  textarea.addEventListener("input", () => {
    let value;
    try {
      value = JSON.parse(textarea.value);
    } catch (err) {
      status.textContent = `Not valid JSON yet: ${err.message}`;
      textarea.setAttribute("aria-invalid", "true");
      return;
    }
    if (value === null || typeof value !== "object") {
      status.textContent = "Rules are a group object { operator, conditions } or an array of conditions.";
      textarea.setAttribute("aria-invalid", "true");
      return;
    }
    textarea.removeAttribute("aria-invalid");
    status.textContent = "Applied to the builder.";
    onRules(value);
  });
  return {
    /** Shows `rules`, unless the user is typing here (their text stays as typed). */
    show(rules, { force = false } = {}) {
      const text = JSON.stringify(orderKeys(rules), null, 2);
      if (!force && document.activeElement === textarea) return;
      if (text !== shown || textarea.value !== text) {
        textarea.value = text;
        shown = text;
        textarea.removeAttribute("aria-invalid");
        status.textContent = "";
      }
    },
  };
}

const CONDITION_ORDER = ["field", "op", "value", "within"];
const GROUP_ORDER = ["operator", "conditions"];

/** The canonical key order (operator, conditions / field, op, value, within), other keys after. */
export function orderKeys(node) {
  if (Array.isArray(node)) return node.map(orderKeys);
  if (node === null || typeof node !== "object") return node;
  const order = "conditions" in node || "operator" in node ? GROUP_ORDER : CONDITION_ORDER;
  const out = {};
  for (const k of order) if (k in node) out[k] = k === "conditions" ? orderKeys(node[k]) : node[k];
  for (const [k, v] of Object.entries(node)) if (!(k in out)) out[k] = v;
  return out;
}
