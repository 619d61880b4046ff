// An event condition's window: any time, "in the last" N units (`within`),
// or between `from` and `to` (ISO dates, "now", or offsets like "-30d"),
// and, with a window, the time zone its days and local dates are in.
import { h, select, uid } from "./dom.js";
import { WITHIN_UNITS, showWithin, windowMode } from "./rule-model.js";
import { setBound, setTimeZone, setWindowMode } from "./rule-edits.js";
import { control, zoneInput } from "./controls.js";

const MODES = [["none", "any time"], ["within", "in the last"], ["range", "between"]];
const show = (v) => (typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v));

export function renderWindow(ctx, cond, path, rerender) {
  const mode = windowMode(cond) === "none" && ctx.modeHints.get(cond) === "range" ? "range" : windowMode(cond);
  const modeId = uid("when");
  const parts = [control(modeId, "When", select({ id: modeId, class: "narrow", "data-key": `${path}:window`, "data-role": "within",
    onchange: (e) => { ctx.modeHints.set(cond, e.target.value); setWindowMode(cond, e.target.value); rerender(); } }, MODES, mode))];

  if (mode === "within") parts.push(...withinControls(ctx, cond, path));
  if (mode === "range") {
    for (const [key, label, placeholder] of [["from", "From", "-30d, 2025-01-01 or now"], ["to", "To (before)", "now"]]) {
      const id = uid(key);
      parts.push(control(id, label, h("input", { id, type: "text", class: "mono", value: show(cond[key]), placeholder,
        autocomplete: "off", spellcheck: "false", "data-key": `${path}:${key}`, "data-role": key,
        oninput: (e) => { setBound(cond, key, e.target.value); ctx.changed(); } }), "bound"));
    }
  }
  if (mode !== "none" || cond.timeZone !== undefined) {
    parts.push(zoneInput(uid("zone"), path, cond.timeZone, (text) => { setTimeZone(cond, text); ctx.changed(); }));
  }
  return h("div", { class: "condition-row section window" }, parts);
}

function withinControls(ctx, cond, path) {
  const parsed = showWithin(cond.within);
  if (!parsed) {
    const id = uid("within");
    return [control(id, "Window", h("input", { id, type: "text", class: "narrow mono", value: show(cond.within),
      "data-key": `${path}:within-raw`, "data-role": "within",
      oninput: (e) => { cond.within = e.target.value; ctx.changed(); } }))];
  }
  const amountId = uid("amount");
  const unitId = uid("unit");
  const update = () => {
    cond.within = `${document.getElementById(amountId).value.trim()}${document.getElementById(unitId).value}`;
    ctx.changed();
  };
  return [
    control(amountId, "Amount", h("input", { id: amountId, type: "text", inputmode: "numeric", class: "tiny", value: parsed.amount,
      "data-key": `${path}:within-amount`, "data-role": "within", oninput: update }), "tiny"),
    control(unitId, "Unit", select({ id: unitId, class: "narrow", "data-key": `${path}:within-unit`, "data-role": "within", onchange: update },
      WITHIN_UNITS, parsed.unit)),
  ];
}
