// The file import of the data panel, as a person can check it before
// anything is stored: pick a file, see what it holds (contacts or events,
// detected, can be changed), its columns mapped to fields or properties
// (editable) with inferred types and first rows, and a dry run's counts;
// then one import call, one transaction, with progress throughout. In this
// browser a CSV file goes to the engine as it is (an import from text, with
// the mapping as its columns), so no record objects are built in the page;
// only when the engine names bad records is the file read here, to point at
// their lines.
import { count, debounce, h, select } from "./dom.js";
import { detailsAtLines, readHead, readRecords } from "./import-file.js";
import { detectKind, mappingProblems, namesOf, previewColumns } from "./import-preview.js";
import { mappingFor, textColumns } from "./records.js";

const PREVIEW_ROWS = 5;

/** @param {{ client: () => object, textImports: () => boolean, onChanged(): Promise<void>, busy(on: boolean): void }} options */
export function createImportPanel({ client, textImports, onChanged, busy }) {
  const $ = (id) => document.getElementById(id);
  const form = $("import-form");
  const fileInput = $("import-file");
  const panel = $("import-preview");
  const detected = $("import-detected");
  const columnsBody = document.querySelector("#import-columns tbody");
  const caption = document.querySelector("#import-columns caption");
  const plan = $("import-plan");
  const problems = $("import-problems");
  const start = $("import-start");
  const job = $("import-job");
  const jobLabel = $("import-progress-label");
  const bar = $("import-progress");
  const result = $("import-result");

  let file = null;
  let head = null;
  let kind = "contacts";
  let overrides = new Map();
  let checked = null; // { kind, n, records, lines } or { kind, n, text } of the last good dry run
  let seq = 0;

  const setState = (state) => { form.dataset.state = state; };
  const kindInputs = () => [...form.querySelectorAll("input[name=kind]")];

  function progress(label, done, total) {
    job.hidden = false;
    jobLabel.textContent = label;
    if (total) {
      bar.max = total;
      bar.value = done;
    } else {
      bar.removeAttribute("value"); // indeterminate: one call, no steps to count
    }
  }

  function showErrors(list, target, intro) {
    target.replaceChildren(...(intro ? [h("li", { class: "intro" }, intro)] : []),
      ...list.map((d) => h("li", {}, d.path ? `${d.path}: ${d.message}` : d.message)));
  }

  function renderColumns() {
    caption.textContent = `Columns of ${file.name}, with its first ${head.rows.length} row${head.rows.length === 1 ? "" : "s"}`;
    columnsBody.replaceChildren(...previewColumns(head, kind, overrides).map((c, i) => {
      const id = `import-map-${i}`;
      return h("tr", { "data-column": c.column },
        h("th", { scope: "row" }, h("label", { for: id }, h("code", {}, c.column || "(no name)"))),
        h("td", {}, select({ id, "data-role": "import-target", onchange: (e) => { overrides.set(c.column, e.target.value); renderColumns(); check(); } },
          c.choices, c.target)),
        h("td", { class: "type", "data-role": "import-type" }, c.type),
        h("td", { class: "samples" }, h("ol", { class: "samples" }, c.samples.map((s) => h("li", {}, s === "" ? h("span", { class: "muted" }, "(empty)") : s)))));
    }));
  }

  const blockStart = (reason) => {
    start.disabled = true;
    start.textContent = "Import"; // not the count of an earlier file
    plan.textContent = reason;
    plan.className = "result";
  };

  const importer = (what) => (what === "contacts" ? client().contacts : client().events);

  /** Engine errors at records ("[3].email") as lines of the file, reading it here only now. */
  async function atLines(details, lines) {
    if (!lines) lines = (await readRecords(file, { kind, mapping: mappingFor(kind, head.columns, overrides) })).lines;
    return detailsAtLines(details, lines);
  }

  /** Reads the whole file under the mapping and dry-runs the import: counts, or the engine's errors. */
  async function runCheck() {
    const mine = ++seq;
    checked = null;
    problems.replaceChildren();
    const mapping = mappingFor(kind, head.columns, overrides);
    const lacking = mappingProblems(kind, mapping);
    if (lacking.length) {
      showErrors(lacking.map((message) => ({ message })), problems);
      blockStart("Nothing can be imported until the columns are mapped as above.");
      setState("invalid");
      return;
    }
    setState("checking");
    blockStart("Checking the whole file (nothing is stored yet)…");
    let read = null;
    try {
      let dry;
      if (textImports() && head.format === "csv") {
        const text = { format: "csv", columns: textColumns(kind, head.columns, mapping) };
        progress(`Checking ${file.name} (nothing is stored yet)…`);
        dry = await importer(kind).import(file, { ...text, dryRun: true });
        if (mine !== seq) return;
        checked = { kind, text, n: kind === "contacts" ? dry.created + dry.updated : dry.imported };
      } else {
        read = await readRecords(file, { kind, mapping }, {
          onProgress: (p) => mine === seq && progress(`Reading ${file.name}: ${Math.round((100 * p.done) / (p.total || 1))}%`, p.done, p.total),
        });
        if (mine !== seq) return;
        progress(`Checking ${count(read.records.length)} records (nothing is stored yet)…`);
        dry = await importer(kind).import(read.records, { dryRun: true });
        if (mine !== seq) return;
        checked = { ...read, kind, n: read.records.length };
      }
      start.disabled = false;
      start.textContent = `Import ${count(checked.n)} ${kind === "contacts" ? "contacts" : "events"}`;
      plan.className = "result ok";
      plan.textContent = kind === "contacts"
        ? `Ready: ${count(checked.n)} records will create ${count(dry.created)} new contacts and update ${count(dry.updated)}.`
        : `Ready: ${count(dry.imported)} events will be imported, creating ${count(dry.contactsCreated)} new contacts.`;
      setState("ready");
    } catch (err) {
      if (mine !== seq) return;
      const details = err.code === "VALIDATION_ERROR" ? await atLines(err.details, read?.lines) : [];
      if (mine !== seq) return;
      showErrors(details.length ? details : [{ message: err.message }], problems,
        details.length ? `${details.length >= 100 ? "At least 100" : count(details.length)} record${details.length === 1 ? "" : "s"} cannot be imported${details.length >= 100 ? " (the first 100 are listed)" : ""}:` : null);
      blockStart("Nothing was imported. Fix the file (or the mapping) and choose it again.");
      setState("invalid");
    } finally {
      if (mine === seq) job.hidden = true;
    }
  }
  const check = debounce(() => runCheck(), 250);

  async function choose(chosen) {
    file = chosen;
    overrides = new Map();
    result.textContent = "";
    result.className = "result";
    $("import-errors").replaceChildren();
    if (!file) {
      panel.hidden = true;
      setState("idle");
      return;
    }
    setState("reading");
    try {
      head = await readHead(file, PREVIEW_ROWS);
    } catch (err) {
      panel.hidden = true;
      result.textContent = `Cannot read ${file.name}: ${err.message}`;
      result.className = "result error";
      setState("invalid");
      return;
    }
    const guess = detectKind(head.columns, namesOf(head));
    kind = guess.kind;
    for (const input of kindInputs()) input.checked = input.value === kind;
    detected.textContent = `Detected ${guess.reason}`;
    panel.hidden = false;
    renderColumns();
    await runCheck();
  }

  fileInput.addEventListener("change", () => choose(fileInput.files?.[0] ?? null));
  for (const input of kindInputs()) {
    input.addEventListener("change", () => {
      if (!input.checked || !head) return;
      kind = input.value;
      detected.textContent = `You chose ${kind}.`;
      renderColumns();
      check();
    });
  }
  $("import-cancel").addEventListener("click", () => {
    seq++;
    fileInput.value = "";
    choose(null);
  });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!checked) return;
    const { records, lines, text, n } = checked;
    const what = checked.kind;
    busy(true);
    start.disabled = true;
    setState("importing");
    progress(`Importing ${count(n)} ${what} in one transaction…`);
    try {
      const r = text ? await importer(what).import(file, text) : await importer(what).import(records);
      result.className = "result ok";
      result.textContent = what === "contacts"
        ? `Imported ${count(n)} contacts from ${file.name}: ${count(r.created)} new, ${count(r.updated)} updated.`
        : `Imported ${count(r.imported)} events from ${file.name}; ${count(r.contactsCreated)} new contacts.`;
      panel.hidden = true;
      fileInput.value = "";
      file = null;
      checked = null;
      setState("done");
    } catch (err) {
      const details = err.code === "VALIDATION_ERROR" ? await atLines(err.details, lines) : [];
      result.className = "result error";
      result.textContent = `Import failed, nothing was stored: ${err.message}`;
      showErrors(details, $("import-errors"));
      setState("failed");
    } finally {
      job.hidden = true;
      busy(false);
      await onChanged();
    }
  });
}
