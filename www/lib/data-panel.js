// The data panel: generate a demo dataset, import a CSV or NDJSON file of
// contacts or events, or delete everything. The work runs as worker tasks;
// this module shows a progress bar and the outcome.
import { count, ms } from "./dom.js";

/**
 * @param {{ client: () => object, onChanged(): Promise<void>, onReset(): Promise<void> }} options
 *   `client` returns the current client (it changes after a reset).
 */
export function createDataPanel({ client, onChanged, onReset }) {
  const job = document.getElementById("job");
  const jobLabel = document.getElementById("job-label");
  const bar = document.getElementById("job-progress");
  const result = document.getElementById("job-result");
  const buttons = ["demo-generate", "import-start", "reset"].map((id) => document.getElementById(id));

  /** Big imports leave a long log: one snapshot now keeps the next page load fast. */
  async function snapshot() {
    jobLabel.textContent = "Saving a snapshot for fast reloads…";
    bar.removeAttribute("value");
    await client().compact();
  }

  async function run(label, work) {
    buttons.forEach((b) => { b.disabled = true; });
    job.hidden = false;
    jobLabel.textContent = label;
    bar.removeAttribute("value"); // indeterminate until the first report
    result.textContent = "";
    result.className = "result";
    const t0 = performance.now();
    try {
      const message = await work((done, total, text) => {
        bar.max = total || 1;
        bar.value = done;
        if (text) jobLabel.textContent = text;
      });
      await snapshot();
      result.textContent = `${message} (${ms(performance.now() - t0)})`;
      result.classList.add("ok");
      await onChanged();
    } catch (err) {
      result.textContent = err.code === "VALIDATION_ERROR" ? `Import stopped: ${err.message}` : `Failed: ${err.message}`;
      result.classList.add("error");
      await snapshot().catch(() => {}); // batches before the bad record were kept
      await onChanged();
    } finally {
      job.hidden = true;
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  document.getElementById("demo-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const contacts = Number(document.getElementById("demo-size").value);
    run(`Generating ${count(contacts)} contacts…`, async (progress) => {
      const r = await client().task("generateDemo", { contacts }, {
        onProgress: (p) => progress(p.done, p.total, p.phase === "done" ? "Importing the last events…" : `Imported ${count(p.done)} of ${count(p.total)} contacts…`),
      });
      return `Generated ${count(r.contacts)} contacts and ${count(r.events)} events.`;
    });
  });

  const form = document.getElementById("import-form");
  const fileInput = document.getElementById("import-file");
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const file = fileInput.files?.[0];
    if (!file) {
      result.textContent = "Choose a CSV or NDJSON file first.";
      result.className = "result error";
      fileInput.focus();
      return;
    }
    const kind = new FormData(form).get("kind");
    run(`Importing ${file.name}…`, async (progress) => {
      const r = await client().task("importFile", { file, kind }, {
        onProgress: (p) => progress(p.done, p.total, `Importing ${file.name}: ${count(p.records)} records read…`),
      });
      fileInput.value = "";
      return kind === "contacts"
        ? `Imported ${count(r.records)} contacts from ${file.name}: ${count(r.created)} new, ${count(r.updated)} updated.`
        : `Imported ${count(r.imported)} events from ${file.name}; ${count(r.contactsCreated)} new contacts.`;
    });
  });

  document.getElementById("reset").addEventListener("click", () => {
    if (!confirm("Delete every contact, event and segment stored in this browser?")) return;
    run("Deleting…", async () => {
      await onReset();
      return "All data deleted.";
    });
  });
}
