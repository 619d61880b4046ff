// Saved segments: the list (name, member count, live switch and badge, last
// computation) with compute / edit / delete, and a paged table of the
// selected segment's members. Computation runs in the worker; the row shows
// it is running. A live segment's row follows its changes (applyChange):
// the count moves at once, then the segment is read again, at most twice a
// second. A member's email opens the explain panel for it and that segment.
import { count, h, when } from "./dom.js";
import { liveBadge } from "./live-badge.js";

const PAGE = 20;
const REREAD_MS = 500;

/**
 * @param {{ client, onEdit(segment: object): void, onDeleted(id: string): void,
 *   onList(segments: object[]): void, onExplain(member: object, segment: { id, name }): void,
 *   onSelect(segment: object): void }} options
 */
export function createSegmentsPanel({ client, onEdit, onDeleted, onList, onExplain, onSelect }) {
  const body = document.querySelector("#segment-list tbody");
  const empty = document.getElementById("segments-empty");
  const members = document.getElementById("members");
  const membersHeading = document.getElementById("members-heading");
  const memberBody = document.querySelector("#member-table tbody");
  const prev = document.getElementById("members-prev");
  const next = document.getElementById("members-next");
  const pageLabel = document.getElementById("members-page");
  const computing = new Set();
  const rereads = new Map(); // segment id → timer of the pending re-read
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

  function row(s) {
    const busy = computing.has(s.id);
    return h("tr", { class: selected?.id === s.id ? "selected" : null, "data-segment": s.id, "data-live": String(Boolean(s.live)) },
      h("td", {}, h("button", { type: "button", class: "link", "aria-label": `Show members of ${s.name}`,
        onclick: () => select(s) }, s.name)),
      h("td", { class: "num", "data-role": "member-count" }, busy ? "…" : count(s.memberCount)),
      h("td", { class: "live" },
        h("input", { type: "checkbox", role: "switch", checked: s.live, "aria-label": `Live: ${s.name}`, "data-focus": `live:${s.id}`,
          onchange: (e) => setLive(s, e.target.checked) }),
        liveBadge(s)),
      h("td", { class: "status" }, busy ? "Computing…" : s.computedAt ? when(s.computedAt) : "Not computed"),
      h("td", { class: "actions" },
        h("button", { type: "button", disabled: busy, "aria-label": `Compute ${s.name}`, "data-focus": `compute:${s.id}`, onclick: () => compute(s.id) }, "Compute"),
        h("button", { type: "button", "aria-label": `Edit rules of ${s.name}`, onclick: () => onEdit(s) }, "Edit"),
        h("button", { type: "button", class: "danger", "aria-label": `Delete ${s.name}`, onclick: () => remove(s) }, "Delete")));
  }

  /** Redraws rows, keeping keyboard focus on the control it was on. */
  function keepingFocus(redraw) {
    const key = document.activeElement?.dataset?.focus;
    redraw();
    if (key) body.querySelector(`[data-focus="${key}"]`)?.focus();
  }

  function render() {
    empty.hidden = segments.length > 0;
    keepingFocus(() => body.replaceChildren(...segments.map(row)));
  }

  function patch(s) {
    keepingFocus(() => body.querySelector(`tr[data-segment="${s.id}"]`)?.replaceWith(row(s)));
  }

  async function setLive(s, live) {
    await client.segments.update(s.id, { live });
    await refresh();
    if (selected?.id === s.id) await loadMembers(cursors.at(-1));
  }

  /** A change of a segment's membership (from subscribe): the count now, the segment soon. */
  function applyChange(change) {
    const s = segments.find((x) => x.id === change.segmentId);
    if (!s) return;
    s.memberCount += change.type === "entered" ? 1 : -1;
    const cell = body.querySelector(`tr[data-segment="${s.id}"] [data-role=member-count]`);
    if (cell && !computing.has(s.id)) cell.textContent = count(s.memberCount);
    if (rereads.has(s.id)) return;
    rereads.set(s.id, setTimeout(async () => {
      rereads.delete(s.id);
      const fresh = await client.segments.get(s.id).catch(() => null);
      const i = segments.findIndex((x) => x.id === s.id);
      if (!fresh || i < 0) return;
      segments[i] = fresh;
      patch(fresh);
      if (selected?.id === s.id) await loadMembers(cursors.at(-1));
    }, REREAD_MS));
  }

  // "next change in 3 minutes" goes stale: reword it now and then.
  setInterval(() => segments.filter((s) => s.live && s.nextChangeAt).forEach(patch), 15_000);

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
    clearTimeout(rereads.get(s.id));
    rereads.delete(s.id);
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
    onSelect?.(s);
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

  return { refresh, compute, applyChange, get segments() { return segments; }, get selected() { return selected; } };
}
