// Small form pieces the builder's editors share: a labelled control, and the
// time zone input with completions from the browser's list of IANA zones
// (Intl.supportedValuesOf, when there is one) in one page-wide datalist.
import { h } from "./dom.js";

/** A label above its input, in a flex cell; `extra` adds classes (grow, …). */
export function control(id, label, input, extra) {
  return h("div", { class: `control${extra ? ` ${extra}` : ""}` }, h("label", { class: "label", for: id }, label), input);
}

const ZONES_ID = "time-zones";

function ensureZoneList() {
  if (document.getElementById(ZONES_ID)) return;
  let zones = [];
  try {
    zones = Intl.supportedValuesOf?.("timeZone") ?? [];
  } catch {
    zones = [];
  }
  const list = h("datalist", { id: ZONES_ID }, ["UTC", ...zones.filter((z) => z !== "UTC")].map((z) => h("option", { value: z })));
  document.body.append(list);
}

/** The `timeZone` input: empty means none; `onText` gets what is typed. */
export function zoneInput(id, path, value, onText) {
  ensureZoneList();
  return control(id, "Time zone", h("input", { id, type: "text", value: typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value),
    list: ZONES_ID, placeholder: "UTC", autocomplete: "off", spellcheck: "false", class: "zone",
    "data-key": `${path}:timeZone`, "data-role": "timeZone", oninput: (e) => onText(e.target.value) }), "zone");
}
