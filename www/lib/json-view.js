// The JSON tab: shows the builder's rule JSON and applies edits back to the
// builder as soon as they parse, so either view can be used and they agree.
import { orderKeys } from "./rule-canon.js";

/**
 * @param {HTMLTextAreaElement} textarea
 * @param {HTMLElement} status where parse problems are reported
 * @param {(rules: unknown) => void} onRules called with each edit that parses
 * @param {(problem: string | null) => void} [onValidity] why the text cannot be used (null: it can)
 */
export function createJsonView(textarea, status, onRules, onValidity = () => {}) {
  let shown = "";
  const refuse = (message) => {
    status.textContent = `${message} Saving is off until it does.`;
    textarea.setAttribute("aria-invalid", "true");
    onValidity(message);
  };
  textarea.addEventListener("input", () => {
    let value;
    try {
      value = JSON.parse(textarea.value);
    } catch (err) {
      refuse(`The JSON view does not parse yet (${err.message}).`);
      return;
    }
    if (value === null || typeof value !== "object") {
      refuse("The JSON view must hold a group object { operator, conditions } or an array of conditions.");
      return;
    }
    textarea.removeAttribute("aria-invalid");
    status.textContent = "Applied to the builder.";
    onValidity(null);
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
        onValidity(null);
      }
    },
  };
}
