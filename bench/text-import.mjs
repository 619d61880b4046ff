// Import throughput of the text path (README, "Imports from text"): the
// dataset as CSV text, contacts then events, into a fresh instance, timing
// only the import calls (building the text is not counted, as building the
// record objects is not for arrays). Tags are left out: a CSV cell holds no
// array. Answers { contactsPerSec, eventsPerSec }.

import { EVENT_NAMES } from "./dataset.mjs";
import { eventProperties } from "./event-properties.mjs";

const CONTACT_KEYS = ["plan", "country", "company", "utmCampaign", "seats", "ltv", "verified", "signupDate"];
const CONTACT_BATCH = 100_000;
const EVENT_BATCH = 500_000;

/** A CSV cell for `v`, quoted when it must be. */
const cell = (v) => {
  if (v === undefined || v === null || typeof v === "object") return "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export async function importText(dataset, K, clock = () => dataset.now) {
  const { contacts, events } = dataset;
  const k = await K.open({ now: clock });
  try {
    let contactsMs = 0;
    const header = ["email", ...CONTACT_KEYS.map((key) => `properties.${key}`)].join(",");
    for (let s = 0; s < contacts.length; s += CONTACT_BATCH) {
      const rows = [header];
      for (const c of contacts.slice(s, s + CONTACT_BATCH)) rows.push([c.email, ...CONTACT_KEYS.map((key) => cell(c.properties[key]))].join(","));
      const text = rows.join("\n");
      const t = performance.now();
      const r = await k.contacts.import(text, { format: "csv" });
      contactsMs += performance.now() - t;
      if (r.created !== rows.length - 1) throw new Error(`kraiter text import: created ${r.created} of ${rows.length - 1}`);
    }
    let eventsMs = 0;
    let count = 0;
    let rows = [];
    const flush = async () => {
      const text = `name,email,timestamp,properties.category,properties.amount\n${rows.join("\n")}`;
      const t = performance.now();
      const r = await k.events.import(text, { format: "csv" });
      eventsMs += performance.now() - t;
      if (r.imported !== rows.length || r.contactsCreated) throw new Error(`kraiter text import: ${JSON.stringify(r)} for ${rows.length} rows`);
      count += rows.length;
      rows = [];
    };
    for (const b of events) {
      for (let j = 0; j < b.contact.length; j++) {
        const p = eventProperties(b, j);
        rows.push(`${EVENT_NAMES[b.name[j]]},${contacts[b.contact[j]].email},${new Date(b.ts[j]).toISOString()},${cell(p?.category)},${cell(p?.amount)}`);
        if (rows.length === EVENT_BATCH) await flush();
      }
    }
    if (rows.length) await flush();
    return { contactsPerSec: contacts.length / (contactsMs / 1000), eventsPerSec: count / (eventsMs / 1000), contactsMs, eventsMs };
  } finally {
    await k.close();
  }
}
