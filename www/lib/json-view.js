// The JSON tab: shows the builder's rule JSON and applies edits back to the
// builder as soon as they parse, so either view can be used and they agree.
import { orderKeys } from "./rule-canon.js";

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
