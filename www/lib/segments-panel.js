// Saved segments: the list (name, member count, last computation) with
// compute / edit / delete, and a paged table of the selected segment's
// members. Computation runs in the worker; the row shows it is running.
// A member's email opens the explain panel for it and that segment.
import { count, h, when } from "./dom.js";

const PAGE = 20;

/**
 * @param {{ client, onEdit(segment: object): void, onDeleted(id: string): void,
 *   onList(segments: object[]): void, onExplain(member: object, segment: { id, name }): void }} options
 */
export function createSegmentsPanel({ client, onEdit, onDeleted, onList, onExplain }) {
  const body = document.querySelector("#segment-list tbody");
  const empty = document.getElementById("segments-empty");
  const members = document.getElementById("members");
  const membersHeading = document.getElementById("members-heading");
  const memberBody = document.querySelector("#member-table tbody");
  const prev = document.getElementById("members-prev");
  const next = document.getElementById("members-next");
  const pageLabel = document.getElementById("members-page");
  const computing = new Set();
  let segments = [];
  let selected = null; // { id, name }
  let cursors = [undefined]; // cursor of each page seen; last is the current page's
  let nextCursor = null;

  async function refresh() {
    const all = [];
    for await (const s of await client.segments.list({ limit: 100 })) all.push(s);
    segments = all;
    render();
    onList(segments);
  }

  function render() {
    empty.hidden = segments.length > 0;
    body.replaceChildren(...segments.map((s) => {
      const busy = computing.has(s.id);
      return h("tr", { class: selected?.id === s.id ? "selected" : null, "data-segment": s.id },
        h("td", {}, h("button", { type: "button", class: "link", "aria-label": `Show members of ${s.name}`,
          onclick: () => select(s) }, s.name)),
        h("td", { class: "num", "data-role": "member-count" }, busy ? "…" : count(s.memberCount)),
        h("td", { class: "status" }, busy ? "Computing…" : s.computedAt ? when(s.computedAt) : "Not computed"),
        h("td", { class: "actions" },
          h("button", { type: "button", disabled: busy, "aria-label": `Compute ${s.name}`, onclick: () => compute(s.id) }, "Compute"),
          h("button", { type: "button", "aria-label": `Edit rules of ${s.name}`, onclick: () => onEdit(s) }, "Edit"),
          h("button", { type: "button", class: "danger", "aria-label": `Delete ${s.name}`, onclick: () => remove(s) }, "Delete")));
    }));
  }

  async function compute(id) {
    computing.add(id);
    render();
    try {
      await client.segments.compute(id);
      await client.segments.waitForCompute(id);
    } finally {
      computing.delete(id);
      await refresh();
      if (selected?.id === id) await loadMembers(cursors.at(-1));
    }
  }

  async function remove(s) {
    if (!confirm(`Delete the segment “${s.name}”?`)) return;
    await client.segments.delete(s.id);
    if (selected?.id === s.id) {
      selected = null;
      members.hidden = true;
    }
    onDeleted(s.id);
    await refresh();
  }

  async function select(s) {
    selected = { id: s.id, name: s.name };
    cursors = [undefined];
    render();
    await loadMembers(undefined);
    members.hidden = false;
    membersHeading.focus();
  }

  async function loadMembers(cursor) {
    const page = await client.segments.listMembers(selected.id, { limit: PAGE, cursor });
    const seg = segments.find((s) => s.id === selected.id);
    membersHeading.textContent = `Members of ${selected.name}`;
    nextCursor = page.nextCursor;
    memberBody.replaceChildren(...(page.data.length
      ? page.data.map((m) => h("tr", {}, h("td", {}, h("button", { type: "button", class: "link",
        "aria-label": `Explain why ${m.email} is a member`, onclick: () => onExplain(m, selected) }, m.email)), h("td", { class: "id" }, m.id), h("td", {}, when(m.joinedAt))))
      : [h("tr", {}, h("td", { colspan: 3, class: "hint" }, seg?.computedAt ? "No members." : "Compute the segment to see its members."))]));
    const n = cursors.length;
    const total = seg?.memberCount ?? 0;
    pageLabel.textContent = total ? `Page ${n} of ${Math.max(1, Math.ceil(total / PAGE))}` : "";
    prev.disabled = n <= 1;
    next.disabled = !nextCursor;
  }

  prev.addEventListener("click", async () => {
    if (cursors.length <= 1) return;
    cursors.pop();
    await loadMembers(cursors.at(-1));
  });
  next.addEventListener("click", async () => {
    if (!nextCursor) return;
    cursors.push(nextCursor);
    await loadMembers(nextCursor);
  });

  return { refresh, compute, get segments() { return segments; } };
}
