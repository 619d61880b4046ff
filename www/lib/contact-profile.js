// A contact's profile, opened from a preview sample or a segment member: its
// properties, the saved segments it belongs to (contacts.segments) and its
// events newest first (contacts.events, "Show more" follows nextCursor), in a
// modal dialog (focus moves in, Escape closes, focus goes back). Its button
// opens the explain panel for the contact, as the rows did before.
import { h, when } from "./dom.js";

const EVENTS_PAGE = 20;

/**
 * @param {{ client: () => object, onExplain(contact: { id, email }, segment: { id, name } | null): void }} options
 */
export function createContactProfile({ client, onExplain }) {
  const dialog = document.getElementById("profile");
  const heading = document.getElementById("profile-heading");
  const meta = document.getElementById("profile-meta");
  const explain = document.getElementById("profile-explain");
  const props = document.querySelector("#profile-properties tbody");
  const segments = document.getElementById("profile-segments");
  const events = document.getElementById("profile-events");
  const more = document.getElementById("profile-more");
  const status = document.getElementById("profile-status");
  let target = null; // { contact, segment }
  let eventsCursor = null;
  let opener = null;
  let returnFocus = true;
  let seq = 0;

  function row(key, value) {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return h("tr", {}, h("th", { scope: "row" }, key), h("td", {}, text));
  }

  async function loadEvents(cursor) {
    const mine = seq;
    more.disabled = true;
    const page = await client().contacts.events(target.contact.id, { limit: EVENTS_PAGE, cursor: cursor ?? undefined });
    if (mine !== seq) return;
    if (!cursor && !page.data.length) events.replaceChildren(h("li", { class: "hint" }, "No events."));
    events.append(...page.data.map((e) => h("li", { "data-event": e.name },
      h("strong", {}, e.name), h("span", { class: "when" }, when(e.timestamp)),
      Object.keys(e.properties ?? {}).length ? h("span", { class: "props" }, JSON.stringify(e.properties)) : null)));
    eventsCursor = page.data.length ? page.nextCursor : null;
    more.hidden = !eventsCursor;
    more.disabled = false;
    status.textContent = `${events.querySelectorAll("li[data-event]").length} events shown${eventsCursor ? "; more are older" : ""}.`;
  }

  async function show({ id, email }, { segment = null } = {}) {
    const mine = ++seq;
    opener = document.activeElement;
    returnFocus = true;
    target = { contact: { id, email }, segment };
    heading.textContent = email;
    meta.textContent = `Contact ${id}`;
    explain.textContent = segment ? `Explain why this contact is in “${segment.name}”` : "Explain against the rule being edited";
    props.replaceChildren();
    segments.replaceChildren(h("li", { class: "hint" }, "Reading…"));
    events.replaceChildren();
    more.hidden = true;
    status.textContent = "";
    if (!dialog.open) dialog.showModal();
    heading.focus();
    try {
      const [contact, memberships] = await Promise.all([
        client().contacts.get(id),
        client().contacts.segments(id, { limit: 100 }),
      ]);
      if (mine !== seq) return;
      meta.textContent = `Contact ${id} · created ${when(contact.createdAt)} · updated ${when(contact.updatedAt)}`;
      const entries = Object.entries(contact.properties ?? {});
      props.replaceChildren(...(entries.length ? entries.map(([k, v]) => row(k, v)) : [h("tr", {}, h("td", { class: "hint", colspan: 2 }, "No properties."))]));
      const list = [];
      for await (const s of memberships) list.push(s);
      segments.replaceChildren(...(list.length
        ? list.map((s) => h("li", { "data-segment": s.id }, s.name, s.live ? h("span", { class: "badge live" }, "Live") : null,
          h("span", { class: "when" }, `joined ${when(s.joinedAt)}`)))
        : [h("li", { class: "hint" }, "In no saved segment.")]));
      await loadEvents(null);
    } catch (err) {
      if (mine !== seq) return;
      status.textContent = err.code === "NOT_FOUND" ? "This contact no longer exists." : `Could not read the contact: ${err.message}`;
    }
  }

  function close() {
    if (dialog.open) dialog.close();
  }

  dialog.addEventListener("close", () => {
    seq++;
    if (returnFocus && opener?.isConnected) opener.focus();
  });
  document.getElementById("profile-close").addEventListener("click", close);
  more.addEventListener("click", () => loadEvents(eventsCursor).catch((err) => { status.textContent = `Could not read more events: ${err.message}`; }));
  explain.addEventListener("click", () => {
    const { contact, segment } = target;
    returnFocus = false; // focus goes to the explanation instead
    close();
    onExplain(contact, segment);
  });

  return { show, close, get open() { return dialog.open; } };
}
