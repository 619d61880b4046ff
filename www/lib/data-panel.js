// The data panel of this browser's data: replace it with a demo dataset
// (saved segments kept and recomputed) or delete everything. Demo generation
// runs as a worker task; this module shows a progress bar and the outcome.
// (File import, in both data sources, is import-panel.js.)
import { count, ms } from "./dom.js";

/**
 * @param {{ client: () => object, onChanged(): Promise<void>, onReset(options?: { keepSegments?: boolean }): Promise<void> }} options
 *   `client` returns the current client (it changes after a reset).
 */
export function createDataPanel({ client, onChanged, onReset }) {
  const job = document.getElementById("job");
  const jobLabel = document.getElementById("job-label");
  const bar = document.getElementById("job-progress");
  const result = document.getElementById("job-result");
  const buttons = ["demo-generate", "reset"].map((id) => document.getElementById(id));

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
      result.textContent = `Failed: ${err.message}`;
      result.classList.add("error");
      await snapshot().catch(() => {});
      await onChanged();
    } finally {
      job.hidden = true;
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  document.getElementById("demo-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const contacts = Number(document.getElementById("demo-size").value);
    run(`Replacing the data with ${count(contacts)} demo contacts…`, async (progress) => {
      await onReset({ keepSegments: true });
      const r = await client().task("generateDemo", { contacts }, {
        onProgress: (p) => progress(p.done, p.total, p.phase === "done" ? "Importing the last events…" : `Imported ${count(p.done)} of ${count(p.total)} contacts…`),
      });
      progress(0, 0, "Recomputing the saved segments…");
      let kept = 0;
      for await (const s of await client().segments.list({ limit: 100 })) {
        kept++;
        if (s.live) continue; // a live segment is current already
        await client().segments.compute(s.id);
        await client().segments.waitForCompute(s.id);
      }
      return `Replaced the data with ${count(r.contacts)} demo contacts and ${count(r.events)} events${kept ? `; ${count(kept)} saved segment${kept === 1 ? "" : "s"} kept and recomputed` : ""}.`;
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
