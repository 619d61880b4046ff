// The rule builder: a form over the rule JSON itself, so every rule the
// language allows can be built and the JSON view shows exactly what the
// builder holds. This module owns the state (the rule, the saved segments a
// reference can pick, which conditions are new and untouched) and the
// render loop; group-editor.js and condition-editor.js draw the nodes, and
// error-marks.js puts the engine's validation details at their controls.
// Structural edits re-render the form and put focus back where it was;
// typing only updates the JSON.
import { isGroup, newGroup, normaliseRules } from "./rule-model.js";
import { renderGroup } from "./group-editor.js";
import { clearMarks, markDetails } from "./error-marks.js";
import { relist } from "./relist.js";

/**
 * @param {HTMLElement} root where the form goes
 * @param {{ onChange(rules: object): void, hints?: object }} options
 *   `hints`: completions and warnings from the data (schema-hints.js)
 */
export function createRuleBuilder(root, { onChange, hints = null }) {
  let rules = newGroup();
  let details = [];
  let segments = [];
  let editingId = null;
  let nodes = new Map(); // path → node object, of the last render
  let fresh = new WeakSet(); // conditions added and not yet edited

  const ctx = {
    hints,
    typeHints: new WeakMap(), // condition → value type the user picked
    modeHints: new WeakMap(), // condition → window mode the user picked
    segments: () => segments,
    editingId: () => editingId,
    track: (path, node) => nodes.set(path, node),
    changed: () => onChange(rules),
    render,
    /** A node the user just added: its conditions are not marked invalid until edited. */
    markNew(node) {
      if (isGroup(node)) for (const c of node.conditions ?? []) ctx.markNew(c);
      else if (node && typeof node === "object") fresh.add(node);
    },
    touch: (cond) => fresh.delete(cond),
  };

  /** Re-renders; focus returns to the control with `focusKey`, or the one that had it. */
  function render(focusKey) {
    const active = document.activeElement;
    const key = focusKey ?? (root.contains(active) ? active?.dataset.key : null);
    nodes = new Map();
    root.replaceChildren(renderGroup(ctx, rules, "rules", { indices: [], scope: "rule", lead: "Contacts that match", name: "all conditions" }));
    mark();
    if (key) root.querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus();
  }

  /** Conditions nothing has been typed into yet: a field with no key, no value. */
  function markBlank(node) {
    if (isGroup(node)) for (const c of node.conditions ?? []) markBlank(c);
    else if (node && typeof node === "object" && /^(properties|events)\.$/.test(String(node.field ?? "")) && node.value === undefined) fresh.add(node);
    if (node && typeof node === "object" && isGroup(node.where)) markBlank(node.where);
  }

  function mark() {
    return markDetails(root, details, [...nodes.keys()], (path) => fresh.has(nodes.get(path)));
  }

  return {
    /** Replaces the rules (from the JSON view, or a saved segment). */
    setRules(next) {
      rules = normaliseRules(next);
      if (!isGroup(rules)) rules = newGroup();
      details = [];
      markBlank(rules); // a blank condition (say, from a saved draft) is not red before it is edited
      render();
    },
    /** Marks every condition as edited, so all of the rule's errors show (on save). */
    revealAll() {
      fresh = new WeakSet();
      clearMarks(root);
      return mark();
    },
    getRules: () => rules,
    /** The saved segments a reference can pick; `editing` (an id) is not offered, so no segment refers to itself. */
    setSegments(list, editing = null) {
      segments = list;
      editingId = editing;
      render();
    },
    /**
     * Validation details from the engine; [] clears. Returns those not placed
     * on a node (`general`) and how many were held back on new, untouched
     * conditions (`hidden`).
     */
    setDetails(next) {
      details = next ?? [];
      clearMarks(root);
      return mark();
    },
    render,
    /** Sets every input's completions and warnings again from the hints (the data's names changed): no redraw. */
    relist: () => relist(root),
  };
}
