// The rule builder: a form over the rule JSON itself (groups, conditions,
// fields, ops, values, within), so every rule the language allows can be
// built, and the JSON view shows exactly what the builder holds. Validation
// details from the engine are shown at the condition and control their
// `path` points to. Structural edits re-render the form and put focus back
// where it was; typing only updates the JSON.
import { h, select, uid } from "./dom.js";
import {
  FIELD_KINDS, WITHIN_UNITS, childPath, fieldFrom, fieldKind, fitsOp, isGroup, locateDetail, newCondition, newGroup,
  normaliseRules, opsFor, parseValue, showValue, showWithin, takesValue, takesWithin, valueTypes,
} from "./rule-model.js";

const TYPE_LABELS = { text: "Text", number: "Number", boolean: "True/false", date: "Date", json: "JSON" };

/**
 * @param {HTMLElement} root where the form goes
 * @param {{ onChange(rules: object): void }} options
 */
export function createRuleBuilder(root, { onChange }) {
  let rules = newGroup();
  let details = [];
  const typeHints = new WeakMap(); // condition object → value type the user picked

  const changed = () => onChange(rules);

  /** Re-renders; focus returns to the control with `focusKey`, or the one that had it. */
  function render(focusKey) {
    const active = document.activeElement;
    const key = focusKey ?? (root.contains(active) ? active?.dataset.key : null);
    const nodePaths = [];
    root.replaceChildren(renderGroup(rules, "rules", [], null, nodePaths));
    showDetails(nodePaths);
    if (key) root.querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus();
  }

  function renderGroup(group, path, indices, parent, nodePaths) {
    nodePaths.push(path);
    const name = indices.length ? `group ${indices.map((i) => i + 1).join(".")}` : "all conditions";
    const opId = uid("operator");
    const children = Array.isArray(group.conditions) ? group.conditions : [];
    const structural = (fn, focus) => () => { fn(); render(focus); changed(); };
    return h("fieldset", { class: `group${indices.length ? " nested" : ""}`, "data-path": path },
      h("legend", { class: "group-head" },
        h("label", { for: opId, class: "inline-label" }, indices.length ? "Match" : "Contacts that match"),
        select({ id: opId, "data-key": `${path}:operator`, "data-role": "operator",
          onchange: (e) => { group.operator = e.target.value; render(); changed(); } },
        [["and", "all"], ["or", "any"], ...(["and", "or"].includes(group.operator) ? [] : [[String(group.operator), `${group.operator} (unknown)`]])],
        group.operator),
        h("span", { class: "inline-label" }, "of these:"),
        parent && h("button", { type: "button", class: "icon danger", "data-key": `${path}:remove`,
          "aria-label": `Remove ${name}`, title: `Remove ${name}`,
          onclick: structural(() => parent.conditions.splice(indices.at(-1), 1), `${parentPath(path)}:add-condition`) }, "✕"),
      ),
      h("div", { class: "group-body" },
        children.map((child, i) => {
          const p = childPath(path, i);
          return isGroup(child)
            ? renderGroup(child, p, [...indices, i], group, nodePaths)
            : renderCondition(child, p, [...indices, i], group, nodePaths);
        }),
        h("ul", { class: "errors", "data-errors-for": path }),
      ),
      h("div", { class: "group-actions" },
        h("button", { type: "button", class: "ghost", "data-key": `${path}:add-condition`,
          onclick: structural(() => { ensureList(group).push(newCondition()); }, `${childPath(path, children.length)}:kind`) },
        "+ Condition"),
        h("button", { type: "button", class: "ghost", "data-key": `${path}:add-group`,
          onclick: structural(() => { ensureList(group).push(newGroup()); }, `${childPath(path, children.length)}:operator`) },
        "+ Group"),
      ),
    );
  }

  function renderCondition(cond, path, indices, parent, nodePaths) {
    nodePaths.push(path);
    const name = `condition ${indices.map((i) => i + 1).join(".")}`;
    const { kind, key } = fieldKind(cond.field);
    const kindInfo = FIELD_KINDS.find((k) => k.kind === kind);
    const ids = { kind: uid("kind"), key: uid("key"), op: uid("op"), type: uid("type"), value: uid("value"),
      within: uid("within"), amount: uid("amount"), unit: uid("unit"), errors: uid("errors") };
    const rerender = () => { render(); changed(); };

    const ops = opsFor(kind);
    const opKnown = ops.some(([op]) => op === cond.op);
    const opOptions = opKnown ? ops : [...ops, [String(cond.op ?? ""), cond.op === undefined ? "(choose)" : `${cond.op} (unknown)`]];

    const parts = [
      control(ids.kind, "Field", select({ id: ids.kind, "data-key": `${path}:kind`, "data-role": "field",
        onchange: (e) => { setKind(cond, kind, e.target.value, key); rerender(); } },
      FIELD_KINDS.map((k) => [k.kind, k.label]), kind)),
    ];
    if (kindInfo.prefix || kind === "other") {
      const label = kind === "event" ? "Event name" : kind === "property" ? "Property" : "Field path";
      parts.push(control(ids.key, label, h("input", { id: ids.key, type: "text", value: key, "data-key": `${path}:key`,
        "data-role": "field", autocomplete: "off", spellcheck: "false",
        list: kind === "event" ? "event-names" : kind === "property" ? "property-keys" : null,
        placeholder: kind === "event" ? "login" : kind === "property" ? "plan" : "properties.plan",
        oninput: (e) => { cond.field = fieldFrom(kind, e.target.value); changed(); } })));
    }
    parts.push(control(ids.op, "Operator", select({ id: ids.op, "data-key": `${path}:op`, "data-role": "op",
      onchange: (e) => { setOp(cond, e.target.value); rerender(); } }, opOptions, String(cond.op ?? ""))));

    if (takesValue(cond.op) || cond.value !== undefined) {
      const shown = showValue(cond.op, cond.value, typeHints.get(cond));
      const types = valueTypes(cond.op);
      if (types.length > 1) {
        parts.push(control(ids.type, "Type", select({ id: ids.type, class: "narrow", "data-key": `${path}:type`, "data-role": "value",
          onchange: (e) => {
            typeHints.set(cond, e.target.value);
            setValue(cond, parseValue(cond.op, e.target.value, shown.text));
            rerender();
          } }, types.map((t) => [t, TYPE_LABELS[t]]), shown.type)));
      }
      parts.push(control(ids.value, /^(in|not_in)$/.test(cond.op) && shown.type !== "json" ? "Values (comma-separated)" : "Value",
        valueInput(ids.value, path, cond, shown), "grow"));
    }

    if (takesWithin(cond.op) || cond.within !== undefined) parts.push(withinControl(cond, path, ids, rerender));

    parts.push(h("button", { type: "button", class: "icon danger remove", "data-key": `${path}:remove`,
      "aria-label": `Remove ${name}`, title: `Remove ${name}`,
      onclick: () => {
        parent.conditions.splice(indices.at(-1), 1);
        render(`${parentPath(path)}:add-condition`);
        changed();
      } }, "✕"));

    return h("div", { class: "condition", role: "group", "aria-label": name, "data-path": path },
      h("div", { class: "condition-row" }, parts),
      h("ul", { class: "errors", id: ids.errors, "data-errors-for": path }),
    );
  }

  function valueInput(id, path, cond, shown) {
    const common = { id, "data-key": `${path}:value`, "data-role": "value" };
    if (shown.type === "boolean" && !/^(in|not_in)$/.test(cond.op)) {
      return select({ ...common, onchange: (e) => { setValue(cond, parseValue(cond.op, "boolean", e.target.value)); changed(); } },
        [["", "—"], ["true", "true"], ["false", "false"]], shown.text);
    }
    const placeholder = { number: "10", date: "2025-01-31", json: '"pro" or ["a", 1]', text: /^(in|not_in)$/.test(cond.op) ? "pro, enterprise" : "pro" }[shown.type] ?? "";
    return h("input", { ...common, type: "text", value: shown.text, placeholder, autocomplete: "off", spellcheck: "false",
      inputmode: shown.type === "number" ? "decimal" : null, class: shown.type === "json" ? "mono" : null,
      oninput: (e) => {
        const type = typeHints.get(cond) ?? shown.type;
        setValue(cond, parseValue(cond.op, type, e.target.value));
        typeHints.set(cond, type);
        changed();
      } });
  }

  function withinControl(cond, path, ids, rerender) {
    const parsed = showWithin(cond.within);
    const on = cond.within !== undefined;
    const box = h("label", { class: "check" },
      h("input", { type: "checkbox", id: ids.within, checked: on, "data-key": `${path}:within-on`, "data-role": "within",
        onchange: (e) => { if (e.target.checked) cond.within = "7d"; else delete cond.within; rerender(); } }),
      "within the last");
    if (!on) return h("div", { class: "control within" }, h("span", { class: "label", "aria-hidden": "true" }, "\u00a0"), box);
    if (!parsed) {
      return h("div", { class: "control within" }, h("span", { class: "label", "aria-hidden": "true" }, "\u00a0"),
        h("div", { class: "inline" }, box, h("label", { class: "sr-only", for: ids.amount }, "Window"),
          h("input", { id: ids.amount, type: "text", class: "narrow mono", value: typeof cond.within === "string" ? cond.within : JSON.stringify(cond.within),
            "data-key": `${path}:within-raw`, "data-role": "within",
            oninput: (e) => { cond.within = e.target.value; changed(); } })));
    }
    const update = () => {
      const amount = document.getElementById(ids.amount).value.trim();
      const unit = document.getElementById(ids.unit).value;
      cond.within = `${amount}${unit}`;
      changed();
    };
    return h("div", { class: "control within" }, h("span", { class: "label", "aria-hidden": "true" }, "\u00a0"),
      h("div", { class: "inline" }, box,
        h("label", { class: "sr-only", for: ids.amount }, "Amount"),
        h("input", { id: ids.amount, type: "text", inputmode: "numeric", class: "tiny", value: parsed.amount,
          "data-key": `${path}:within-amount`, "data-role": "within", oninput: update }),
        h("label", { class: "sr-only", for: ids.unit }, "Unit"),
        select({ id: ids.unit, class: "narrow", "data-key": `${path}:within-unit`, "data-role": "within", onchange: update },
          WITHIN_UNITS, parsed.unit)));
  }

  /** Marks every detail at its condition, and the control its path names. */
  function showDetails(nodePaths) {
    const general = [];
    for (const d of details) {
      const { node, rest } = locateDetail(String(d.path ?? ""), nodePaths);
      const host = node && root.querySelector(`[data-path="${CSS.escape(node)}"]`);
      const list = host && root.querySelector(`[data-errors-for="${CSS.escape(node)}"]`);
      if (!list) {
        general.push(d);
        continue;
      }
      list.append(h("li", {}, d.message));
      host.classList.add("invalid");
      const role = rest.match(/^\.(\w+)/)?.[1];
      const roleName = role === "operator" ? "operator" : role === "field" ? "field" : role === "op" ? "op"
        : role === "value" ? "value" : role === "within" ? "within" : null;
      const rowSelector = host.matches("fieldset") ? ":scope > legend [data-role]" : ":scope > .condition-row [data-role]";
      const targets = [...host.querySelectorAll(rowSelector)].filter((el) => !roleName || el.dataset.role === roleName);
      for (const el of roleName ? targets : []) {
        el.setAttribute("aria-invalid", "true");
        el.setAttribute("aria-describedby", list.id || (list.id = uid("errors")));
      }
    }
    return general;
  }

  return {
    /** Replaces the rules (from the JSON view, or a saved segment). */
    setRules(next) {
      rules = normaliseRules(next);
      if (!isGroup(rules)) rules = newGroup();
      details = [];
      render();
    },
    getRules: () => rules,
    /** Validation details from the engine; [] clears. Returns those not placed on a condition. */
    setDetails(next) {
      details = next ?? [];
      const nodePaths = [...root.querySelectorAll("[data-path]")].map((el) => el.dataset.path);
      for (const list of root.querySelectorAll("[data-errors-for]")) list.replaceChildren();
      for (const el of root.querySelectorAll(".invalid")) el.classList.remove("invalid");
      for (const el of root.querySelectorAll("[aria-invalid]")) {
        el.removeAttribute("aria-invalid");
        el.removeAttribute("aria-describedby");
      }
      return showDetails(nodePaths);
    },
    render,
  };
}

function control(id, label, input, extra) {
  return h("div", { class: `control${extra ? ` ${extra}` : ""}` }, h("label", { class: "label", for: id }, label), input);
}

function parentPath(path) {
  return path.replace(/\.conditions\[\d+\]$/, "");
}

function ensureList(group) {
  if (!Array.isArray(group.conditions)) group.conditions = [];
  return group.conditions;
}

function setKind(cond, from, to, key) {
  const wasEvent = from === "event";
  const isEvent = to === "event";
  cond.field = fieldFrom(to, to === "other" ? (cond.field ?? "") : FIELD_KINDS.find((k) => k.kind === to).prefix ? key : "");
  if (wasEvent !== isEvent && to !== "other") {
    cond.op = isEvent ? "occurred" : "eq";
    delete cond.value;
    delete cond.within;
  }
}

function setOp(cond, op) {
  const before = cond.op;
  cond.op = op;
  if (!takesValue(op)) delete cond.value;
  else if (/^(in|not_in)$/.test(op) && cond.value !== undefined && !Array.isArray(cond.value)) cond.value = [cond.value];
  else if (/^(in|not_in)$/.test(before) && !/^(in|not_in)$/.test(op) && Array.isArray(cond.value)) cond.value = cond.value[0];
  // A value of another kind than the new op takes (say "pro" for "at least") is dropped.
  if (cond.value !== undefined && !fitsOp(op, cond.value)) delete cond.value;
  if (!takesWithin(op)) delete cond.within;
}

function setValue(cond, value) {
  if (value === undefined) delete cond.value;
  else cond.value = value;
}
