// One group of the rule builder: its operator (all / any / none, the last
// being the language's one-node `not`), its children, and the buttons that
// add a condition, a group or a "not" group. Used for the rule itself and,
// restricted to event properties, for an event condition's `where`.
import { h, select, uid } from "./dom.js";
import { childPath, isGroup, newCondition, newGroup } from "./rule-model.js";
import { setOperator } from "./rule-edits.js";
import { renderCondition } from "./condition-editor.js";

const OPERATORS = [["and", "all"], ["or", "any"], ["not", "none"]];

/**
 * @param ctx the builder's context (rule-builder.js)
 * @param {{ indices: number[], scope: "rule" | "where", lead: string, name: string,
 *   onRemove?: () => void, removeFocus?: string, event?: () => string }} at  `event`: in a where, the event's name (read when used)
 */
export function renderGroup(ctx, group, path, at) {
  ctx.track(path, group);
  const { indices, scope } = at;
  const opId = uid("operator");
  const children = Array.isArray(group.conditions) ? group.conditions : [];
  const known = OPERATORS.some(([v]) => v === group.operator);
  const isNot = group.operator === "not";
  const full = isNot && children.length >= 1; // `not` holds exactly one node
  const add = (node, focus) => () => {
    if (!Array.isArray(group.conditions)) group.conditions = [];
    const at = group.conditions.push(node) - 1;
    ctx.markNew(node);
    ctx.render(`${childPath(path, at)}:${focus}`);
    ctx.changed();
  };
  return h("fieldset", { class: `group${indices.length || scope === "where" ? " nested" : ""}${isNot ? " not" : ""}${scope === "where" ? " where" : ""}`,
    "data-path": path },
  h("legend", { class: "group-head" },
    h("label", { for: opId, class: "inline-label" }, at.lead),
    select({ id: opId, "data-key": `${path}:operator`, "data-role": "operator",
      onchange: (e) => { setOperator(group, e.target.value); ctx.render(); ctx.changed(); } },
    [...OPERATORS, ...(known ? [] : [[String(group.operator), `${group.operator} (unknown)`]])], String(group.operator)),
    h("span", { class: "inline-label" }, isNot ? "of this:" : "of these:"),
    at.onRemove && h("button", { type: "button", class: "icon danger", "data-key": `${path}:remove`,
      "aria-label": `Remove ${at.name}`, title: `Remove ${at.name}`,
      onclick: () => { at.onRemove(); ctx.render(at.removeFocus); ctx.changed(); } }, "✕"),
  ),
  h("div", { class: "group-body" },
    children.map((child, i) => {
      const p = childPath(path, i);
      const childAt = { indices: [...indices, i], scope, event: at.event,
        name: `${scope === "where" ? "event filter " : ""}${isGroup(child) ? "group" : "condition"} ${[...indices, i].map((n) => n + 1).join(".")}`,
        onRemove: () => group.conditions.splice(i, 1), removeFocus: `${path}:add-condition` };
      return isGroup(child)
        ? renderGroup(ctx, child, p, { ...childAt, lead: "Match" })
        : renderCondition(ctx, child, p, childAt);
    }),
    h("ul", { class: "errors", "data-errors-for": path }),
  ),
  !full && h("div", { class: "group-actions" },
    h("button", { type: "button", class: "ghost", "data-key": `${path}:add-condition`,
      onclick: add(newCondition(), "kind") }, "+ Condition"),
    h("button", { type: "button", class: "ghost", "data-key": `${path}:add-group`,
      onclick: add(newGroup(), "operator") }, "+ Group"),
    h("button", { type: "button", class: "ghost", "data-key": `${path}:add-not`,
      title: "A group that matches when its condition does not", onclick: add(newGroup("not"), "operator") }, "+ Not"),
  ));
}
