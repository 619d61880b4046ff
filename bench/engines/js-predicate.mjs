// Peer: what a developer writes by hand instead of an engine. One JS function
// per shape over the plain contact objects, plus the pre-built per-contact
// last-event index (bench/event-index.mjs). The exact README semantics, written out.

import { buildLastEventIndex } from "../event-index.mjs";
import { parseIso, withinMs } from "../time.mjs";

const lowerIncludes = (v, needle) =>
  typeof v === "string"
    ? v.toLowerCase().includes(needle)
    : Array.isArray(v) && v.some((e) => typeof e === "string" && e.toLowerCase() === needle);
const num = (v) => (typeof v === "number" ? v : NaN);

function handWritten(id, shape, { past, last }, now) {
  const lo = (w) => now - withinMs(w);
  switch (id) {
    case "property":
      return (c) => {
        const p = c.properties;
        return p.plan === "pro" && num(p.seats) >= 10 && p.verified === true;
      };
    case "in-1000": {
      const set = new Set(shape.rules[0].value);
      return (c) => set.has(c.properties.utmCampaign);
    }
    case "contains":
      return (c) => lowerIncludes(c.properties.company, "ström");
    case "dates": {
      const from = parseIso("2024-01-01T00:00:00Z");
      const to = parseIso("2025-01-01");
      return (c) => {
        const t = parseIso(c.properties.signupDate);
        return t !== null && t >= from && t < to;
      };
    }
    case "occurred-within": {
      const purchase = past.purchase;
      const from = lo("30d");
      return (c, i) => purchase[i] >= from;
    }
    case "not-occurred": {
      const login = past.login;
      const from = lo("14d");
      return (c, i) => !(login[i] >= from);
    }
    case "nested": {
      const set = new Set(shape.rules.conditions[2].conditions[0].value);
      const login7 = lo("7d");
      const purchase90 = lo("90d");
      const after = parseIso("2024-06-01T00:00:00.000Z");
      const { login, purchase } = past;
      const trial = last.trial_started;
      const pageView = last.page_view;
      return (c, i) => {
        const p = c.properties;
        if ((p.plan === "pro" || p.plan === "enterprise") && login[i] >= login7) {
          const t = parseIso(p.signupDate);
          if (t !== null && t > after) return true;
        }
        if (lowerIncludes(p.company, "tek") && !(purchase[i] >= purchase90) && lowerIncludes(p.tags, "vip")) return true;
        if (set.has(p.utmCampaign) && num(p.seats) >= 50) return true;
        if (p.country === "DE" && p.verified === true && num(p.ltv) > 500 && !Number.isNaN(trial[i])) return true;
        return Number.isNaN(pageView[i]) && c.email.toLowerCase().endsWith("@acme.io");
      };
    }
    default:
      throw new Error(`js-predicate: no hand-written predicate for shape ${id}`);
  }
}

export async function createEngine({ dataset }) {
  const { contacts, now } = dataset;
  let index;
  return {
    name: "js-predicate",
    async load() {
      const t = performance.now();
      index = buildLastEventIndex(dataset.events, contacts.length, now);
      return { ms: performance.now() - t, note: "builds the last-event index" };
    },
    async prepare(shape) {
      return handWritten(shape.id, shape, index, now);
    },
    async preview(pred, limit) {
      let count = 0;
      const sample = [];
      for (let i = 0; i < contacts.length; i++) {
        if (pred(contacts[i], i)) {
          if (count < limit) sample.push(contacts[i].email);
          count++;
        }
      }
      return { count, sample };
    },
    async compute(pred) {
      const members = new Int32Array(contacts.length);
      let count = 0;
      for (let i = 0; i < contacts.length; i++) if (pred(contacts[i], i)) members[count++] = i;
      return { count, members: members.subarray(0, count) };
    },
    async close() {
      index = null;
    },
  };
}
