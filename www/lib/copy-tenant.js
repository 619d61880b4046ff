// "Copy to this browser": reads a server tenant over REST (contacts a page at
// a time, each contact's events through contacts.events, then the segments)
// into this browser's database, replacing what it held, so rules can be
// previewed offline. Segment references are re-pointed at the new ids; the
// copied segments that are not live are computed in the browser.
import { chooseSource, deleteBrowserData, openBrowser } from "./data-source.js";
import { count, h, ms } from "./dom.js";

const PAGE = 100;
const PARALLEL = 4; // contacts whose events are read at once
const EVENT_BATCH = 5000;

/** Every item of a paged SDK call. */
async function all(pagePromise) {
  const out = [];
  for await (const item of await pagePromise) out.push(item);
  return out;
}

/** Runs `fn` over `items`, `limit` at a time; answers the results in order. */
async function inParallel(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

/** The rule with every segment reference's id replaced through `ids`. */
function repoint(node, ids) {
  if (Array.isArray(node)) return node.map((n) => repoint(n, ids));
  if (!node || typeof node !== "object") return node;
  const copy = {};
  for (const [k, v] of Object.entries(node)) copy[k] = k === "value" && node.field === "segment" && Array.isArray(v) ? v.map((id) => ids.get(id) ?? id) : repoint(v, ids);
  return copy;
}

const references = (node) => (Array.isArray(node) ? node.flatMap(references)
  : !node || typeof node !== "object" ? []
    : node.field === "segment" ? [...(node.value ?? [])] : Object.values(node).flatMap(references));

/**
 * Copies the tenant `server` (a connect() client) into database `db`.
 * `onProgress(done, total, text)` reports contacts copied of the tenant's count.
 * Answers `{ contacts, events, segments }` copied.
 */
export async function copyTenant({ server, db, onProgress = () => {} }) {
  const schema = await server.schema();
  const total = schema.contacts.count;
  await deleteBrowserData(db);
  const browser = await openBrowser(db);
  try {
    let contacts = 0;
    let events = 0;
    let page = await server.contacts.list({ limit: PAGE });
    onProgress(0, total, `Copying ${total.toLocaleString("en")} contacts and their events…`);
    for (;;) {
      if (page.data.length) {
        await browser.contacts.import(page.data.map((c) => ({ email: c.email, properties: c.properties ?? {} })));
        const perContact = await inParallel(page.data, PARALLEL, async (c) => (await all(server.contacts.events(c.id, { limit: PAGE })))
          .map((e) => ({ name: e.name, email: c.email, properties: e.properties ?? {}, timestamp: e.timestamp })));
        const records = perContact.flat();
        for (let i = 0; i < records.length; i += EVENT_BATCH) await browser.events.import(records.slice(i, i + EVENT_BATCH));
        contacts += page.data.length;
        events += records.length;
        onProgress(contacts, Math.max(total, contacts), `Copied ${contacts.toLocaleString("en")} of ${total.toLocaleString("en")} contacts, ${events.toLocaleString("en")} events…`);
      }
      if (!page.nextCursor || !page.data.length) break;
      page = await server.contacts.list({ limit: PAGE, cursor: page.nextCursor });
    }

    // Segments: referenced ones first, so each reference can name its new id.
    const segments = await all(server.segments.list({ limit: PAGE }));
    const ids = new Map();
    let left = segments;
    while (left.length) {
      const ready = left.filter((s) => references(s.rules).every((id) => ids.has(id) || !segments.some((o) => o.id === id)));
      if (!ready.length) throw new Error("the segments' references form a cycle");
      for (const s of ready) {
        const copy = await browser.segments.create({ name: s.name, rules: repoint(s.rules, ids), live: Boolean(s.live) });
        ids.set(s.id, copy.id);
      }
      left = left.filter((s) => !ids.has(s.id));
    }
    onProgress(contacts, Math.max(total, contacts), "Computing the segments in this browser…");
    for (const s of segments.filter((x) => !x.live)) {
      await browser.segments.compute(ids.get(s.id));
      await browser.segments.waitForCompute(ids.get(s.id));
    }
    await browser.compact();
    return { contacts, events, segments: segments.length };
  } finally {
    await browser.close();
  }
}

/**
 * The Data card's "Copy to this browser" (server mode): progress bar, outcome,
 * and a button that opens the copy.
 * @param {{ server: () => object, db: string }} options
 */
export function createCopyControl({ server, db }) {
  const button = document.getElementById("copy-start");
  const job = document.getElementById("copy-job");
  const label = document.getElementById("copy-label");
  const bar = document.getElementById("copy-progress");
  const result = document.getElementById("copy-result");
  button.addEventListener("click", async () => {
    if (!confirm("Replace the data stored in this browser with a copy of this tenant?")) return;
    button.disabled = true;
    job.hidden = false;
    bar.removeAttribute("value");
    result.className = "result";
    result.replaceChildren();
    const t0 = performance.now();
    try {
      const copied = await copyTenant({ server: server(), db, onProgress: (done, total, text) => {
        bar.max = total || 1;
        bar.value = done;
        label.textContent = text;
      } });
      result.classList.add("ok");
      result.append(`Copied ${count(copied.contacts)} contacts, ${count(copied.events)} events and ${count(copied.segments)} segments into this browser (${ms(performance.now() - t0)}). `,
        h("button", { type: "button", id: "copy-open", onclick: () => { chooseSource("browser"); location.reload(); } }, "Open this browser's copy"));
    } catch (err) {
      result.classList.add("error");
      result.textContent = `Copy failed: ${err.message}`;
    } finally {
      job.hidden = true;
      button.disabled = false;
    }
  });
}
