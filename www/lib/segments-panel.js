// Saved segments: the list (name and the rule in one line, member count,
// live switch and badge, status: new / computing / ready / stale) with
// compute (not for live ones: they are current) / edit / delete, and a
// paged table of the selected segment's members with a CSV export. The row
// shows a computation running. A live segment's row follows its changes
// (applyChange): the count moves at once, then the segment is read again, at
// most twice a second. A member's email opens that contact's profile.
import { count, h, when } from "./dom.js";
import { liveBadge } from "./live-badge.js";
import { exportMembers } from "./members-export.js";
import { ruleSummary } from "./rule-text.js";
import { segmentStatus } from "./segment-status.js";

const PAGE = 20;
const REREAD_MS = 500;

/**
 * @param {{ client, onEdit(segment: object): void, onDeleted(id: string): void,
 *   onList(segments: object[]): void, onOpenMember(member: object, segment: { id, name }): void,
 *   onSelect(segment: object): void, dataChangedAt(): string | null }} options
 *   `dataChangedAt`: schema().dataChangedAt, which makes a computed segment stale.
 */
export function createSegmentsPanel({ client, onEdit, onDeleted, onList, onOpenMember, onSelect, dataChangedAt = () => null }) {
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

  const nameOf = (id) => segments.find((s) => s.id === id)?.name ?? id;

  /** Reads the list again; the selected segment's heading and pages follow a rename or a recompute. */
  async function refresh() {
    const all = [];
    for await (const s of await client.segments.list({ limit: 100 })) all.push(s);
    segments = all;
    render();
    onList(segments);
    const current = selected && segments.find((s) => s.id === selected.id);
    if (selected && !current) deselect();
    else if (current) {
      selected.name = current.name;
      await loadMembers(cursors.at(-1));
    }
  }

  function deselect() {
    selected = null;
    members.hidden = true;
  }

  function row(s) {
    const busy = computing.has(s.id);
    const state = segmentStatus(s, { computing: busy, dataChangedAt: dataChangedAt() });
    const summary = ruleSummary(s.rules, nameOf);
    return h("tr", { class: selected?.id === s.id ? "selected" : null, "data-segment": s.id, "data-live": String(Boolean(s.live)), "data-status": state.key },
      h("td", {}, h("button", { type: "button", class: "link", "aria-label": `Show members of ${s.name}`,
        onclick: () => select(s) }, s.name),
        h("span", { class: "rule-summary", "data-role": "summary", title: summary }, summary)),
      h("td", { class: "num", "data-role": "member-count" }, busy ? "…" : count(s.memberCount)),
      h("td", { class: "live" },
        h("input", { type: "checkbox", role: "switch", checked: s.live, "aria-label": `Live: ${s.name}`, "data-focus": `live:${s.id}`,
          onchange: (e) => setLive(s, e.target.checked) }),
        liveBadge(s)),
      h("td", { class: "status" }, h("span", { class: `state ${state.key}`, "data-role": "status" }, state.text),
        state.note ? h("span", { class: "when" }, state.note) : null,
        s.computedAt ? h("span", { class: "when" }, `Computed ${when(s.computedAt)}`) : null),
      h("td", { class: "actions" },
        s.live ? null : h("button", { type: "button", disabled: busy, "aria-label": `Compute ${s.name}`, "data-focus": `compute:${s.id}`, onclick: () => compute(s.id) }, "Compute"),
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
    }
  }

  async function remove(s) {
    if (!confirm(`Delete the segment “${s.name}”?`)) return;
    await client.segments.delete(s.id);
    if (selected?.id === s.id) deselect();
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
    if (!selected) return;
    membersHeading.textContent = `Members of ${selected.name}`;
    nextCursor = page.nextCursor;
    memberBody.replaceChildren(...(page.data.length
      ? page.data.map((m) => h("tr", {}, h("td", {}, h("button", { type: "button", class: "link",
        "aria-label": `Open the contact ${m.email}`, onclick: () => onOpenMember(m, { ...selected }) }, m.email)), h("td", { class: "id" }, m.id), h("td", {}, when(m.joinedAt))))
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

  const exportButton = document.getElementById("members-export");
  const exportJob = document.getElementById("export-job");
  const exportBar = document.getElementById("export-progress");
  const exportStatus = document.getElementById("export-status");
  exportButton.addEventListener("click", async () => {
    const seg = selected && segments.find((s) => s.id === selected.id);
    if (!seg) return;
    exportButton.disabled = true;
    exportJob.hidden = false;
    exportBar.removeAttribute("value");
    exportStatus.className = "result";
    exportStatus.textContent = "";
    try {
      const done = await exportMembers(client, seg, (n, total) => {
        exportBar.max = total || 1;
        exportBar.value = n;
      });
      if (done) {
        exportStatus.textContent = `Exported ${count(done.members)} member${done.members === 1 ? "" : "s"} of ${seg.name} ${done.how === "saved" ? "to the chosen file" : "as a download"}.`;
        exportStatus.classList.add("ok");
      }
    } catch (err) {
      exportStatus.textContent = `Export failed: ${err.message}`;
      exportStatus.classList.add("error");
    } finally {
      exportJob.hidden = true;
      exportButton.disabled = false;
    }
  });

  return {
    refresh, compute, applyChange,
    /** Redraws the rows (the data changed, so a status may now be stale). */
    render,
    get segments() { return segments; }, get selected() { return selected; },
  };
}
