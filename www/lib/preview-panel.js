// The live preview: while the rule is edited, a debounced `preview` call in
// the worker gives the count and the first members. Only the newest answer
// is shown; a validation error goes back to the builder to be shown at its
// condition. Each sample row opens that contact's profile.
import { count, debounce, h, ms } from "./dom.js";

/**
 * @param {{ client, onDetails(details: object[] | null): string | void, onOpen(member: object): void }} options
 *   `onDetails` may answer a note to show instead of the default one.
 */
export function createPreview({ client, onDetails, onOpen, where = "in a worker" }) {
  const section = document.getElementById("preview");
  const out = document.getElementById("preview-count");
  const unit = document.getElementById("preview-unit");
  const meta = document.getElementById("preview-meta");
  const body = document.querySelector("#preview-sample tbody");
  const bar = document.getElementById("count-bar"); // the compact count kept in sight on phones (styles.css)
  let seq = 0;

  async function run(rules) {
    const mine = ++seq;
    section.setAttribute("aria-busy", "true");
    const t0 = performance.now();
    try {
      const { count: n, sample } = await client.segments.preview(rules, { limit: 10 });
      if (mine !== seq) return;
      out.value = count(n);
      out.textContent = count(n);
      unit.textContent = n === 1 ? "contact matches" : "contacts match";
      if (bar) bar.textContent = `${count(n)} ${unit.textContent}`;
      meta.textContent = `Evaluated in ${ms(performance.now() - t0)} ${where}.`;
      body.replaceChildren(...sample.map((m) => h("tr", {},
        h("td", {}, h("button", { type: "button", class: "link", "aria-label": `Open the contact ${m.email}`,
          title: "Open this contact: properties, segments, events, explain", onclick: () => onOpen(m) }, m.email)),
        h("td", { class: "props", title: JSON.stringify(m.properties) }, summarise(m.properties)))));
      onDetails(null);
    } catch (err) {
      if (mine !== seq) return;
      out.textContent = "–";
      unit.textContent = "contacts match";
      body.replaceChildren();
      meta.textContent = err.code === "VALIDATION_ERROR" ? "Fix the marked conditions to see who matches." : `Preview failed: ${err.message}`;
      const note = onDetails(err.code === "VALIDATION_ERROR" ? err.details ?? [] : null);
      if (note) meta.textContent = note;
      if (bar) bar.textContent = `– contacts match: ${meta.textContent}`;
    } finally {
      if (mine === seq) section.setAttribute("aria-busy", "false");
    }
  }

  const later = debounce(run, 200);
  return {
    /** Schedules a preview of `rules` (debounced); `now` runs it at once. */
    update(rules, { now = false } = {}) {
      const copy = structuredClone(rules);
      if (now) {
        later.cancel();
        return run(copy);
      }
      later(copy);
    },
  };
}

function summarise(properties = {}) {
  return Object.entries(properties).slice(0, 4).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join("/") : v}`).join(" · ");
}
