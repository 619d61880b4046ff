// An event condition's `where`: which of its events count, by their own
// properties. The same group and condition editors as the rule itself, in
// "where" scope: event-property fields and property ops only, no windows,
// segments or nested where (the language refuses them there).
import { h } from "./dom.js";
import { fieldKind, isGroup } from "./rule-model.js";
import { removeWhere } from "./rule-edits.js";
import { renderGroup } from "./group-editor.js";

export function renderWhere(ctx, cond, path, rerender) {
  const wherePath = `${path}.where`;
  if (!isGroup(cond.where)) {
    return h("div", { class: "section where" },
      h("p", { class: "hint" }, `where is ${JSON.stringify(cond.where)}, not a group or condition.`),
      h("button", { type: "button", class: "icon danger", "data-key": `${wherePath}:remove`, "aria-label": "Remove the event filter",
        onclick: () => { removeWhere(cond); rerender(); } }, "✕"));
  }
  return h("div", { class: "section where" },
    renderGroup(ctx, cond.where, wherePath, {
      indices: [], scope: "where", lead: "Only events where", name: "event filter", event: () => fieldKind(cond.field).key,
      onRemove: () => removeWhere(cond), removeFocus: `${path}:add-where`,
    }));
}
