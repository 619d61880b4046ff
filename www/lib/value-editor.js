// A condition's `value`: the type select (text, number, true/false, date,
// JSON) and the input, shown and read back through rule-model.js so what is
// shown always reads back as the same value. Dates take ISO dates and the
// relative "now" / "-7d" / "+3d"; patterns are RE2 regular expressions.
import { h, select, uid } from "./dom.js";
import { fieldKind, parseValue, showValue, valueTypes } from "./rule-model.js";
import { setValue } from "./rule-edits.js";
import { control } from "./controls.js";
import { setList } from "./relist.js";

const TYPE_LABELS = { text: "Text", number: "Number", boolean: "True/false", date: "Date", json: "JSON" };
const LIST = /^(in|not_in)$/;
const PATTERN = /^(matches|not_matches)$/;

/**
 * The type select (when there is a choice) and the value input, as controls
 * of the condition row. `eventOf()`: in a where, the event's name (else null).
 */
export function renderValue(ctx, cond, path, rerender, eventOf = () => null) {
  const shown = showValue(cond.op, cond.value, ctx.typeHints.get(cond));
  const types = valueTypes(cond.op);
  const parts = [];
  if (types.length > 1) {
    const typeId = uid("type");
    parts.push(control(typeId, "Type", select({ id: typeId, class: "narrow", "data-key": `${path}:type`, "data-role": "value",
      onchange: (e) => {
        ctx.typeHints.set(cond, e.target.value);
        setValue(cond, parseValue(cond.op, e.target.value, shown.text));
        rerender();
      } }, types.map((t) => [t, TYPE_LABELS[t]]), shown.type)));
  }
  const id = uid("value");
  const label = PATTERN.test(cond.op) && shown.type !== "json" ? "Pattern (regular expression)"
    : LIST.test(cond.op) && shown.type !== "json" ? "Values (comma-separated)" : "Value";
  parts.push(control(id, label, input(ctx, id, path, cond, shown, eventOf), "grow"));
  return parts;
}

function input(ctx, id, path, cond, shown, eventOf) {
  const common = { id, "data-key": `${path}:value`, "data-role": "value" };
  if (shown.type === "boolean" && !LIST.test(cond.op)) {
    return select({ ...common, onchange: (e) => { setValue(cond, parseValue(cond.op, "boolean", e.target.value)); ctx.changed(); } },
      [["", "—"], ["true", "true"], ["false", "false"]], shown.text);
  }
  const placeholder = PATTERN.test(cond.op) && shown.type === "text" ? "^[a-z]+@example\\.com$"
    : { number: "10", date: "2025-01-31, now or -7d", json: '"pro" or ["a", 1]', text: LIST.test(cond.op) ? "pro, enterprise" : "pro" }[shown.type] ?? "";
  const completes = ctx.hints && fieldKind(cond.field).kind === "property" && !LIST.test(cond.op) && !PATTERN.test(cond.op)
    && (shown.type === "text" || shown.type === "number");
  const el = h("input", { ...common, type: "text", value: shown.text, placeholder, autocomplete: "off", spellcheck: "false",
    inputmode: shown.type === "number" ? "decimal" : null, class: shown.type === "json" || PATTERN.test(cond.op) ? "mono" : null,
    oninput: (e) => {
      const type = ctx.typeHints.get(cond) ?? shown.type;
      setValue(cond, parseValue(cond.op, type, e.target.value));
      ctx.typeHints.set(cond, type);
      ctx.changed();
    } });
  if (completes) { // the property's most common values, for the key (and event) the condition has now
    el.relist = () => setList(el, ctx.hints.valueList({ key: fieldKind(cond.field).key, event: eventOf() }));
    el.relist();
  }
  return el;
}
