// The value of a segment reference: saved segments picked by name (a
// checkbox each), never typed ids. Ids in the rule that are not saved
// segments (pasted in, or deleted since) are still listed, checked, so they
// can be seen and removed, and an error at `value[i]` marks the i-th one.
import { h, uid } from "./dom.js";
import { toggleSegment } from "./rule-edits.js";

export function renderSegmentPicker(ctx, cond, path) {
  const picked = Array.isArray(cond.value) ? cond.value : [];
  const saved = ctx.segments().filter((s) => s.id !== ctx.editingId() || picked.includes(s.id));
  const names = new Map(saved.map((s) => [s.id, s.name]));
  const rows = [
    ...saved.map((s) => [s.id, s.name]),
    ...picked.filter((v) => !names.has(v)).map((v) => [v, `${typeof v === "string" ? v : JSON.stringify(v)} (not a saved segment)`]),
  ];
  const legendId = uid("segments");
  const box = (id, label) => {
    const index = picked.indexOf(id);
    const inputId = uid("seg");
    return h("label", { class: "chip", for: inputId },
      h("input", { type: "checkbox", id: inputId, checked: index >= 0, "data-key": `${path}:segment:${id}`, "data-role": "value",
        "data-item": index >= 0 ? index : null,
        onchange: (e) => { toggleSegment(cond, id, e.target.checked); ctx.render(); ctx.changed(); } }),
      h("span", {}, label));
  };
  return h("div", { class: "control grow segments-pick", role: "group", "aria-labelledby": legendId },
    h("span", { class: "label", id: legendId }, "Saved segments"),
    rows.length
      ? h("div", { class: "chips" }, rows.map(([id, label]) => box(id, label)))
      : h("p", { class: "hint" }, "No saved segments yet: save a rule as a segment to refer to it here."),
    typeof cond.value !== "undefined" && !Array.isArray(cond.value)
      && h("p", { class: "hint" }, `The value ${JSON.stringify(cond.value)} is not a list; pick segments to replace it.`));
}
