// One condition of the rule builder: field kind and key, op, and what the op
// takes — a value (value-editor.js), saved segments (segment-picker.js), or
// for an event the window, `having` and `where` (their own editors). Each
// control edits the condition JSON through rule-edits.js.
import { h, select, uid } from "./dom.js";
import { FIELD_KINDS, WHERE_KINDS, fieldFrom, fieldKind, opsFor, showValue, takesDate, takesValue } from "./rule-model.js";
import { addHaving, addWhere, setKind, setOp, setTimeZone } from "./rule-edits.js";
import { renderValue } from "./value-editor.js";
import { renderSegmentPicker } from "./segment-picker.js";
import { renderWindow } from "./window-editor.js";
import { renderHaving } from "./having-editor.js";
import { renderWhere } from "./where-editor.js";
import { control, zoneInput } from "./controls.js";
import { describedBy, relist, setList } from "./relist.js";

const EVENT_KEYS = ["within", "from", "to", "where", "having"];

export function renderCondition(ctx, cond, path, at) {
  ctx.track(path, cond);
  const { scope } = at;
  const { kind, key } = fieldKind(cond.field);
  const kinds = scope === "where" ? WHERE_KINDS : FIELD_KINDS;
  const kindOptions = kinds.some((k) => k.kind === kind) ? kinds : [...kinds, FIELD_KINDS.find((k) => k.kind === kind)];
  const kindInfo = FIELD_KINDS.find((k) => k.kind === kind);
  const id = (name) => uid(name);
  const rerender = () => { ctx.render(); ctx.changed(); };
  const isEvent = kind === "event" || EVENT_KEYS.some((k) => cond[k] !== undefined);

  const ops = opsFor(kind);
  const opKnown = ops.some(([op]) => op === cond.op);
  const opOptions = opKnown ? ops : [...ops, [String(cond.op ?? ""), cond.op === undefined ? "(choose)" : `${cond.op} (unknown)`]];

  const kindId = id("kind");
  const parts = [
    control(kindId, "Field", select({ id: kindId, "data-key": `${path}:kind`, "data-role": "field",
      onchange: (e) => { setKind(cond, kind, e.target.value, key); rerender(); } },
    kindOptions.map((k) => [k.kind, k.label]), kind)),
  ];
  // In a where, the event whose properties these are: read when used, as its name may be edited since this was drawn.
  const eventOf = () => (scope === "where" ? (typeof at.event === "function" ? at.event() : at.event) ?? null : null);
  let el = null;
  let warning = null; // a key no data has: a warning, not an error
  if (kindInfo.prefix || kind === "other") {
    const keyId = id("key");
    const label = kind === "event" ? "Event name" : kind === "property" ? (scope === "where" ? "Event property" : "Property") : "Field path";
    const of = () => ({ kind, event: eventOf() });
    warning = h("p", { class: "warning", id: id("warning"), "data-warning-for": path });
    const warn = (input, text) => {
      const message = ctx.hints?.warning({ ...of(), key: text }) ?? null;
      warning.textContent = message ?? "";
      describedBy(input, warning.id, Boolean(message));
    };
    const input = h("input", { id: keyId, type: "text", value: key, "data-key": `${path}:key`,
      "data-role": "field", autocomplete: "off", spellcheck: "false",
      placeholder: kind === "event" ? "login" : kind === "property" ? (scope === "where" ? "amount" : "plan") : "properties.plan",
      // A new key: the completions that depend on it (this condition's values; an event's where and having keys) follow it.
      oninput: (e) => { cond.field = fieldFrom(kind, e.target.value); relist(el); ctx.changed(); } });
    if (ctx.hints && (kind === "event" || kind === "property")) {
      input.relist = () => {
        setList(input, ctx.hints.keyList(of()));
        warn(input, fieldKind(cond.field).key);
      };
      input.relist();
    } else {
      warn(input, key);
    }
    parts.push(control(keyId, label, input));
  }
  const opId = id("op");
  parts.push(control(opId, "Operator", select({ id: opId, "data-key": `${path}:op`, "data-role": "op",
    onchange: (e) => { setOp(cond, e.target.value); rerender(); } }, opOptions, String(cond.op ?? ""))));

  if (kind === "segment") parts.push(renderSegmentPicker(ctx, cond, path));
  else if (takesValue(cond.op) || cond.value !== undefined) parts.push(...renderValue(ctx, cond, path, rerender, eventOf));

  if (!isEvent && (cond.timeZone !== undefined || (takesDate(cond.op) && showValue(cond.op, cond.value, ctx.typeHints.get(cond)).type === "date"))) {
    parts.push(zoneInput(id("zone"), path, cond.timeZone, (text) => { setTimeZone(cond, text); ctx.changed(); }));
  }

  const name = at.name;
  parts.push(h("button", { type: "button", class: "icon danger remove", "data-key": `${path}:remove`,
    "aria-label": `Remove ${name}`, title: `Remove ${name}`,
    onclick: () => { at.onRemove(); ctx.render(at.removeFocus); ctx.changed(); } }, "✕"));

  const extras = [];
  if (isEvent) {
    extras.push(renderWindow(ctx, cond, path, rerender));
    if (cond.having !== undefined) extras.push(renderHaving(ctx, cond, path, rerender));
    if (cond.where !== undefined) extras.push(renderWhere(ctx, cond, path, rerender));
    const adders = [
      cond.having === undefined && h("button", { type: "button", class: "ghost small", "data-key": `${path}:add-having`,
        onclick: () => { addHaving(cond); ctx.render(`${path}:having-fn`); ctx.changed(); } }, "+ Count / sum / average…"),
      cond.where === undefined && scope !== "where" && h("button", { type: "button", class: "ghost small", "data-key": `${path}:add-where`,
        onclick: () => { addWhere(cond); ctx.markNew(cond.where); ctx.render(`${path}.where.conditions[0]:key`); ctx.changed(); } },
      "+ Only events where…"),
    ].filter(Boolean);
    if (adders.length) extras.push(h("div", { class: "condition-actions" }, adders));
  }

  el = h("div", { class: `condition${isEvent ? " event" : ""}`, role: "group", "aria-label": name, "data-path": path },
    h("div", { class: "condition-row" }, parts),
    warning,
    h("ul", { class: "errors", "data-errors-for": path }),
    extras);
  // Until the user edits it (beyond picking the field kind, whose select
  // fires input as well as change), a new condition is not marked invalid.
  const touched = (e) => {
    if (e.target.closest("[data-path]") !== el) return;
    if (e.target.dataset.key === `${path}:kind`) return;
    ctx.touch(cond);
  };
  el.addEventListener("input", touched);
  el.addEventListener("change", touched);
  return el;
}
