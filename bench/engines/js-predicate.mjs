// Peer: what a developer writes by hand instead of an engine. One JS function
// per shape over the plain contact objects, plus the pre-built per-contact
// last-event index (bench/event-index.mjs). The exact README semantics, written out.
// The behavioural shapes aggregate over event properties, which no fixed index
// answers: each preview or compute makes one pass over the purchases (held as
// typed arrays, one per property, grouped at load) into per-contact accumulators.

import { PURCHASE } from "../dataset.mjs";
import { buildLastEventIndex } from "../event-index.mjs";
import { AMOUNT, CATEGORIES, categoryCode } from "../event-properties.mjs";
import { parseIso, withinMs } from "../time.mjs";

const lowerIncludes = (v, needle) =>
  typeof v === "string"
    ? v.toLowerCase().includes(needle)
    : Array.isArray(v) && v.some((e) => typeof e === "string" && e.toLowerCase() === needle);
const num = (v) => (typeof v === "number" ? v : NaN);

/** The purchases as typed arrays: contact, ts, category code, amount (NaN where not a number). */
function purchaseColumns(events) {
  let n = 0;
  for (const b of events) for (let j = 0; j < b.name.length; j++) if (b.name[j] === PURCHASE) n++;
  const out = { contact: new Int32Array(n), ts: new Float64Array(n), category: new Uint8Array(n), amount: new Float64Array(n) };
  let k = 0;
  for (const b of events) {
    for (let j = 0; j < b.name.length; j++) {
      if (b.name[j] !== PURCHASE) continue;
      out.contact[k] = b.contact[j];
      out.ts[k] = b.ts[j];
      out.category[k] = b.category[j];
      out.amount[k] = b.amountKind[j] === AMOUNT.number ? b.amount[j] : NaN;
      k++;
    }
  }
  return out;
}

/**
 * Behavioural shapes: a function of the window [from, to] (both inclusive)
 * that makes the pass and answers the per-contact test. The window is a
 * parameter so the boundary check can move each end by 1 ms.
 */
function behavioural(id, purchases, scratch) {
  const { contact, ts, category, amount } = purchases;
  switch (id) {
    case "count-where": {
      const wanted = categoryCode(CATEGORIES[0]);
      return (from, to) => {
        const counts = scratch.counts.fill(0);
        for (let j = 0; j < contact.length; j++) {
          if (category[j] === wanted && ts[j] >= from && ts[j] <= to) counts[contact[j]]++;
        }
        return (c, i) => counts[i] >= 3;
      };
    }
    case "sum-amount":
      return (from, to) => {
        const sums = scratch.sums.fill(0);
        for (let j = 0; j < contact.length; j++) {
          const a = amount[j];
          if (ts[j] >= from && ts[j] <= to && a === a) sums[contact[j]] += a;
        }
        return (c, i) => sums[i] >= 500;
      };
  }
  return null;
}

const WINDOWS = { "count-where": "30d", "sum-amount": "90d" };

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
  let purchases;
  let scratch;
  const member = (pred) => {
    const out = new Uint8Array(contacts.length);
    for (let i = 0; i < contacts.length; i++) out[i] = pred(contacts[i], i) ? 1 : 0;
    return out;
  };
  return {
    name: "js-predicate",
    async load() {
      const t = performance.now();
      index = buildLastEventIndex(dataset.events, contacts.length, now);
      purchases = purchaseColumns(dataset.events);
      scratch = { counts: new Uint32Array(contacts.length), sums: new Float64Array(contacts.length) };
      return { ms: performance.now() - t, note: "builds the last-event index and the purchases' typed arrays" };
    },
    /** A function giving the per-contact predicate; behavioural shapes make their pass in it, so it is timed. */
    async prepare(shape) {
      const pass = behavioural(shape.id, purchases, scratch);
      if (pass) {
        const from = now - withinMs(WINDOWS[shape.id]);
        return () => pass(from, now);
      }
      const pred = handWritten(shape.id, shape, index, now);
      return () => pred;
    },
    /**
     * How many members hinge on an event exactly on a bound of the shape's
     * window: members that stop being members (or become ones) when the window
     * excludes now − D, or now. Null for shapes without a windowed pass.
     */
    boundaryHinges(shape) {
      const pass = behavioural(shape.id, purchases, scratch);
      if (!pass) return null;
      const from = now - withinMs(WINDOWS[shape.id]);
      const base = member(pass(from, now));
      const differs = (m) => m.reduce((n, x, i) => n + (x !== base[i] ? 1 : 0), 0);
      return { atFrom: differs(member(pass(from + 1, now))), atNow: differs(member(pass(from, now - 1))) };
    },
    async preview(make, limit) {
      const pred = make();
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
    async compute(make) {
      const pred = make();
      const members = new Int32Array(contacts.length);
      let count = 0;
      for (let i = 0; i < contacts.length; i++) if (pred(contacts[i], i)) members[count++] = i;
      return { count, members: members.subarray(0, count) };
    },
    async close() {
      index = purchases = scratch = null;
    },
  };
}
