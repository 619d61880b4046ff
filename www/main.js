// The segment-preview app: wires the rule builder, JSON view, live preview,
// explain panel, contact profiles, saved segments (live ones follow the
// change stream, with a membership chart) and data panel to one client: a
// server tenant over REST, or a Kraiter in a module worker on IndexedDB
// (www/lib/source-picker.js chooses; simulated activity, demo data, imports
// and reset are this browser's only). `?db=name` picks the browser database
// (default kraiter-segments-demo). `window.kraiter` is the client, for the
// console (and the browser tests).
import { count, debounce } from "./lib/dom.js";
import { createActivityControl } from "./lib/activity-control.js";
import { createContactProfile } from "./lib/contact-profile.js";
import { createCopyControl } from "./lib/copy-tenant.js";
import { createDataPanel } from "./lib/data-panel.js";
import { createImportPanel } from "./lib/import-panel.js";
import { deleteBrowserData, openBrowser } from "./lib/data-source.js";
import { createExplainPanel } from "./lib/explain-panel.js";
import { createJsonView } from "./lib/json-view.js";
import { createMembershipChart } from "./lib/membership-chart.js";
import { createPreview } from "./lib/preview-panel.js";
import { createRuleBuilder } from "./lib/rule-builder.js";
import { createSegmentsPanel } from "./lib/segments-panel.js";
import { pickSource } from "./lib/source-picker.js";
import { remapRules, restoreSegments, savedSegments } from "./lib/demo-replace.js";
import { createSaveGuard } from "./lib/save-guard.js";
import { createSchemaHints } from "./lib/schema-hints.js";

const DB = new URLSearchParams(location.search).get("db") || "kraiter-segments-demo";
const START_RULES = {
  operator: "and",
  conditions: [
    { field: "properties.plan", op: "in", value: ["pro", "enterprise"] },
    { operator: "or", conditions: [
      { field: "events.login", op: "occurred", within: "7d" },
      { field: "properties.seats", op: "gte", value: 10 },
    ] },
  ],
};

const $ = (id) => document.getElementById(id);
const stats = $("stats");
const banner = $("banner");
const generalErrors = $("rule-errors");
let editing = null; // the saved segment being edited: { id, name }
let schema = null; // the last schema(): counts for the header, keys for the builder, dataChangedAt

const onWaiting = () => {
  banner.hidden = false;
  banner.textContent = "This data is open in another tab. Close that tab to continue here.";
};

let client;
let source;
let unsubscribe = () => {};
/** Every change of every segment goes to the list and the chart; the header's counts follow soon after. */
function follow() {
  unsubscribe();
  unsubscribe = client.segments.subscribe("*", (change) => {
    segmentsPanel.applyChange(change);
    chart.add(change);
    countsLater();
  });
}
const countsLater = debounce(() => refreshStats().catch(() => {}), 1000);
Object.defineProperty(window, "kraiter", { get: () => client });
try {
  source = await pickSource({ db: DB, onWaiting });
  client = source.client;
  document.body.dataset.source = source.kind;
  $("source-label").textContent = source.label;
  banner.hidden = true;
} catch (err) {
  banner.hidden = false;
  banner.textContent = `Could not open the data: ${err.message}`;
  throw err;
}
const DRAFT_KEY = source.kind === "server" ? `kraiter-segments:draft:server:${source.key}` : `kraiter-segments:draft:${DB}`;

// Rule editing: builder ⇄ JSON, every change previewed and kept as a draft;
// completions and warnings from the data's schema; saving refused, in words, while the rule cannot be saved.
const guard = createSaveGuard({ buttons: [$("save-new"), $("save-changes")], reason: $("save-reason") });
let untouchedErrors = 0; // errors held back on new conditions nobody has edited yet
// New names in the data: lists and warnings set again in place (no redraw under the user's typing).
const hints = createSchemaHints(() => client, { onSchema: () => builder.relist() });
const preview = createPreview({
  client: { segments: { preview: (...a) => client.segments.preview(...a) } },
  onDetails: (details) => {
    const { general, hidden } = builder.setDetails(details ?? []);
    showGeneral(general);
    untouchedErrors = hidden;
    const marked = general.length || document.querySelector("#panel-form .invalid");
    guard.set("rule", marked ? "The rule has problems (marked above): fix them to save it." : null);
    if (hidden && !marked) return "Finish the new condition to see who matches.";
  },
  onOpen: (m) => profile.show(m),
  where: source.kind === "server" ? "on the server" : "in a worker",
});
const profile = createContactProfile({
  client: () => client,
  onExplain: (contact, segment) => explain.show({ contactId: contact.id, email: contact.email, segment }, { focus: true }),
});
const builder = createRuleBuilder($("panel-form"), { onChange: (rules) => ruleChanged(rules), hints });
const explain = createExplainPanel({
  client: {
    segments: { explain: (...a) => client.segments.explain(...a) },
    contacts: { getByEmail: (...a) => client.contacts.getByEmail(...a) },
  },
  rules: () => builder.getRules(),
  segmentName: (id) => segmentsPanel.segments.find((s) => s.id === id)?.name ?? id,
});
const json = createJsonView($("rule-json"), $("rule-json-status"), (rules) => {
  builder.setRules(rules);
  ruleChanged(builder.getRules(), { fromJson: true });
}, (problem) => guard.set("json", problem && `Not saved: ${problem} Fix it in the JSON tab, or edit the rule in the builder to replace it.`));

function ruleChanged(rules, { fromJson = false } = {}) {
  if (!fromJson) json.show(rules);
  localStorage.setItem(DRAFT_KEY, JSON.stringify({ rules, editing }));
  preview.update(rules);
  explain.rulesChanged();
}

function showGeneral(details) {
  generalErrors.replaceChildren(...(details ?? []).map((d) => {
    const li = document.createElement("li");
    li.textContent = d.path ? `${d.path}: ${d.message}` : d.message;
    return li;
  }));
}

function loadRules(rules) {
  builder.setRules(rules);
  json.show(builder.getRules(), { force: true });
  ruleChanged(builder.getRules());
}

// Tabs (WAI-ARIA tabs pattern: arrow keys move between them).
const tabs = [$("tab-form"), $("tab-json")];
function selectTab(tab) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute("aria-selected", String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute("aria-controls")).hidden = !on;
  }
  if (tab.id === "tab-json") json.show(builder.getRules(), { force: true });
}
for (const t of tabs) {
  t.addEventListener("click", () => selectTab(t));
  t.addEventListener("keydown", (e) => {
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    const other = tabs[(tabs.indexOf(t) + 1) % tabs.length];
    selectTab(other);
    other.focus();
  });
}

// Saving segments.
const nameInput = $("segment-name");
const nameError = $("segment-name-error");
const liveInput = $("segment-live");
function setEditing(segment) {
  editing = segment && { id: segment.id, name: segment.name, live: Boolean(segment.live) };
  liveInput.checked = Boolean(editing?.live);
  $("editing").hidden = !editing;
  $("editing").textContent = editing ? `Editing “${editing.name}”. The preview shows the rule as edited; save to keep it.` : "";
  $("save-changes").hidden = !editing;
  $("stop-editing").hidden = !editing;
  $("save-new").textContent = editing ? "Save as new" : "Save as segment";
  if (editing) nameInput.value = editing.name;
  builder.setSegments(segmentsPanel.segments, editing?.id ?? null);
}

async function save(create) {
  if (guard.blocked()) return;
  if (untouchedErrors) { // a new condition left blank: show its errors now, do not save
    showGeneral(builder.revealAll().general);
    untouchedErrors = 0;
    guard.set("rule", "The rule has problems (marked above): fix them to save it.");
    return;
  }
  nameError.textContent = "";
  nameInput.removeAttribute("aria-invalid");
  const rules = builder.getRules();
  const name = nameInput.value.trim();
  const live = liveInput.checked;
  try {
    const seg = create
      ? await client.segments.create({ name, rules, live })
      : await client.segments.update(editing.id, { name, rules, live });
    setEditing(seg);
    localStorage.setItem(DRAFT_KEY, JSON.stringify({ rules, editing }));
    await segmentsPanel.refresh();
    if (!seg.live) await segmentsPanel.compute(seg.id); // a live segment is current already
  } catch (err) {
    if (err.code !== "VALIDATION_ERROR") throw err;
    const nameDetails = (err.details ?? []).filter((d) => d.path === "name");
    const other = (err.details ?? []).filter((d) => d.path !== "name");
    if (nameDetails.length) {
      nameError.textContent = nameDetails.map((d) => d.message).join(" ");
      nameInput.setAttribute("aria-invalid", "true");
      nameInput.focus();
    }
    showGeneral(builder.setDetails(other).general);
  }
}
$("save-form").addEventListener("submit", (e) => {
  e.preventDefault();
  save(true);
});
$("save-changes").addEventListener("click", () => save(false));
$("stop-editing").addEventListener("click", () => {
  setEditing(null);
  nameInput.value = "";
  loadRules(START_RULES);
});

const segmentsPanel = createSegmentsPanel({
  client: {
    segments: new Proxy({}, { get: (_, m) => (...a) => client.segments[m](...a) }),
  },
  onEdit: (segment) => {
    setEditing(segment);
    loadRules(segment.rules);
    selectTab(tabs[0]);
    $("builder-heading").scrollIntoView({ block: "start" });
  },
  onDeleted: (id) => {
    if (editing?.id === id) setEditing(null);
    if (chart.segmentId === id) chart.hide();
  },
  onSelect: (segment) => chart.show(segment),
  onList: (segments) => {
    builder.setSegments(segments, editing?.id ?? null);
    showCounts();
  },
  onOpenMember: (m, segment) => profile.show(m, { segment }),
  dataChangedAt: () => schema?.dataChangedAt ?? null,
});

/** The header's counts: contacts and events from schema(), segments from the list. */
function showCounts() {
  if (!schema) return;
  const n = segmentsPanel.segments.length;
  stats.textContent = `${count(schema.contacts.count)} contacts · ${count(schema.events.count)} events · ${count(n)} segment${n === 1 ? "" : "s"}`;
}

/** Reads the schema again (`now: false`: at most every 2 s, for ticks of simulated activity). */
async function refreshStats({ now = true } = {}) {
  await hints.refresh({ now }); // completions and warnings follow the data too
  schema = hints.schema;
  showCounts();
  segmentsPanel.render(); // a computed segment may be stale now
}

const chart = createMembershipChart({ client: () => client });
if (source.kind === "server") createCopyControl({ server: () => client, db: DB });
else setUpBrowserData();
/** After an import, demo data or a reset: the counts, the preview and the explain panel follow. */
async function dataChanged() {
  await refreshStats();
  preview.update(builder.getRules(), { now: true });
  explain.rulesChanged();
}
// File import, in either data source.
createImportPanel({
  client: () => client,
  // The REST routes take arrays; this browser's engine reads CSV text itself.
  textImports: () => source.kind !== "server",
  onChanged: dataChanged,
  busy: (on) => ["demo-generate", "reset"].forEach((id) => { $(id).disabled = on; }),
});

/** This browser only: simulated activity, demo data, file imports, reset. */
function setUpBrowserData() {
  const activity = createActivityControl({
    client: () => client,
    onTick: () => refreshStats({ now: false }),
    onStopped: () => refreshStats(),
  });

  createDataPanel({
    client: () => client,
    onChanged: dataChanged,
    /** Deletes the data in this browser; `keepSegments` saves the segments again (the draft's references follow). */
    onReset: async ({ keepSegments = false } = {}) => {
      const kept = keepSegments ? await savedSegments(client) : [];
      await activity.stop();
      unsubscribe();
      chart.hide();
      await client.close();
      await deleteBrowserData(DB);
      client = await openBrowser(DB, { onWaiting });
      follow();
      explain.reset();
      if (keepSegments) {
        const ids = await restoreSegments(client, kept);
        const was = editing;
        setEditing(was && ids.has(was.id) ? { ...was, id: ids.get(was.id) } : null);
        loadRules(remapRules(builder.getRules(), ids));
      } else {
        localStorage.removeItem(DRAFT_KEY);
        setEditing(null);
      }
      await segmentsPanel.refresh();
      await refreshStats();
    },
  });
}

// Start: the last draft (or an example rule), the saved segments, the counts.
const draft = JSON.parse(localStorage.getItem(DRAFT_KEY) ?? "null");
setEditing(draft?.editing ?? null);
loadRules(draft?.rules ?? START_RULES);
follow();
await refreshStats();
await segmentsPanel.refresh();
document.body.dataset.state = "ready";
