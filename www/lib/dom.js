// A few DOM helpers so the app's modules stay plain ES without a framework:
// h() builds elements, uid() gives ids for label/for pairs, debounce() spaces
// out live previews, and formatting for counts and times.

/**
 * h("button", { class: "x", onclick: fn, "aria-label": "…" }, child, …)
 * Attributes set to null/undefined/false are left out; `true` sets them empty.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v == null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "value") el.value = v;
    else if (k === "checked" || k === "selected") el[k] = Boolean(v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

let next = 0;
export const uid = (prefix = "id") => `${prefix}-${++next}`;

/** A select whose options are [value, label] pairs. */
export function select(attrs, options, selected) {
  return h("select", attrs, options.map(([value, label]) => h("option", { value, selected: value === selected }, label)));
}

export function debounce(fn, ms) {
  let timer = null;
  const run = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  run.cancel = () => clearTimeout(timer);
  return run;
}

const numberFormat = new Intl.NumberFormat("en");
export const count = (n) => numberFormat.format(n);

export function when(iso) {
  if (!iso) return "never";
  const d = new Date(iso);
  return d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

export function ms(t) {
  return t < 1000 ? `${Math.round(t)} ms` : `${(t / 1000).toFixed(1)} s`;
}

/** Shows `text` as the error of `input` in `error` (its described-by element) and marks it invalid; "" clears both. */
export function setFieldError(input, error, text) {
  error.textContent = text;
  if (text) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}
