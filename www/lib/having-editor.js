// An event condition's `having`: an aggregate over the matching events
// (count, or sum / avg / min / max / distinct of an event property) compared
// with a number. Its validation messages are listed in its own row.
import { h, select, uid } from "./dom.js";
import { HAVING_FNS, HAVING_OPS, fieldKind, showHavingValue } from "./rule-model.js";
import { removeHaving, setHavingFn, setHavingOp, setHavingProperty, setHavingValue } from "./rule-edits.js";
import { control } from "./controls.js";
import { describedBy, setList } from "./relist.js";

const withUnknown = (options, v) => (options.some(([o]) => o === v) ? options : [...options, [String(v ?? ""), v === undefined ? "(choose)" : `${v} (unknown)`]]);

export function renderHaving(ctx, cond, path, rerender) {
  const having = cond.having;
  if (having === null || typeof having !== "object" || Array.isArray(having)) {
    return h("div", { class: "section having" },
      h("p", { class: "hint" }, `having is ${JSON.stringify(having)}, not { fn, op, value }.`),
      removeButton(ctx, cond, path));
  }
  const ids = { fn: uid("fn"), property: uid("property"), op: uid("hop"), value: uid("hvalue") };
  let warning = null; // an event property no such event has: a warning, not an error
  const parts = [
    control(ids.fn, "Aggregate", select({ id: ids.fn, "data-key": `${path}:having-fn`, "data-role": "having.fn",
      onchange: (e) => { setHavingFn(having, e.target.value); rerender(); } }, withUnknown(HAVING_FNS, having.fn), String(having.fn ?? ""))),
  ];
  if (having.fn !== "count" || having.property !== undefined) {
    const input = h("input", { id: ids.property, type: "text", autocomplete: "off", spellcheck: "false",
      value: typeof having.property === "string" ? having.property : having.property === undefined ? "" : JSON.stringify(having.property),
      placeholder: "amount", "data-key": `${path}:having-property`, "data-role": "having.property",
      oninput: (e) => { setHavingProperty(having, e.target.value); input.relist?.(); ctx.changed(); } });
    if (ctx.hints) {
      // The property keys the condition's event has (its name read now: it may have been edited since this was drawn).
      warning = h("p", { class: "warning", id: uid("warning"), "data-warning-for": `${path}.having` });
      input.relist = () => {
        const event = fieldKind(cond.field).key;
        setList(input, ctx.hints.keyList({ kind: "property", event }));
        const message = typeof having.property === "string" ? ctx.hints.warning({ kind: "property", event, key: having.property }) : null;
        warning.textContent = message ?? "";
        describedBy(input, warning.id, Boolean(message));
      };
      input.relist();
    }
    parts.push(control(ids.property, "Event property", input));
  }
  parts.push(
    control(ids.op, "Is", select({ id: ids.op, class: "narrow", "data-key": `${path}:having-op`, "data-role": "having.op",
      onchange: (e) => { setHavingOp(having, e.target.value); ctx.changed(); } }, withUnknown(HAVING_OPS, having.op), String(having.op ?? ""))),
    control(ids.value, "Number", h("input", { id: ids.value, type: "text", inputmode: "decimal", class: "tiny", autocomplete: "off",
      value: showHavingValue(having.value), placeholder: "1", "data-key": `${path}:having-value`, "data-role": "having.value",
      oninput: (e) => { setHavingValue(having, e.target.value); ctx.changed(); } }), "small"),
    removeButton(ctx, cond, path),
  );
  return h("div", { class: "section having" },
    h("div", { class: "condition-row" }, parts),
    warning,
    h("ul", { class: "errors", "data-errors-for": path, "data-section": "having" }));
}

function removeButton(ctx, cond, path) {
  return h("button", { type: "button", class: "icon danger remove", "data-key": `${path}:remove-having`,
    "aria-label": "Remove the aggregate test", title: "Remove the aggregate test",
    onclick: () => { removeHaving(cond); ctx.render(`${path}:add-having`); ctx.changed(); } }, "✕");
}
