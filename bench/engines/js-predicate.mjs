// Peer: what a developer writes by hand instead of an engine. One JS function
// per shape over the plain contact objects, plus the pre-built per-contact
// last-event index (bench/event-index.mjs). The exact README semantics, written out.
// The behavioural shapes aggregate over event properties, which no fixed index
// answers: each preview or compute makes one pass over the purchases (held as
// typed arrays, one per property, grouped at load) into per-contact accumulators;
// so does `from-to` over the logins, whose window the last-event index cannot answer.

import { EVENT_NAMES, PURCHASE } from "../dataset.mjs";
import { buildLastEventIndex } from "../event-index.mjs";
import { AMOUNT, CATEGORIES, categoryCode } from "../event-properties.mjs";
import { EMAIL_PATTERN } from "../shapes.mjs";
import { eventWindow, parseIso, withinMs } from "../time.mjs";

const lowerIncludes = (v, needle) =>
  typeof v === "string"
    ? v.toLowerCase().includes(needle)
    : Array.isArray(v) && v.some((e) => typeof e === "string" && e.toLowerCase() === needle);
const num = (v) => (typeof v === "number" ? v : NaN);

/** One event name's events as typed arrays: contact, ts, category code, amount (NaN where not a number). */
function eventColumns(events, code) {
  let n = 0;
  for (const b of events) for (let j = 0; j < b.name.length; j++) if (b.name[j] === code) n++;
  const out = { contact: new Int32Array(n), ts: new Float64Array(n), category: new Uint8Array(n), amount: new Float64Array(n) };
  let k = 0;
  for (const b of events) {
    for (let j = 0; j < b.name.length; j++) {
      if (b.name[j] !== code) continue;
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
 * Behavioural shapes: a function of the window [lo, hi) in ms that makes the
 * pass and answers the per-contact test. The window is a parameter so the
 * boundary check can move each end by 1 ms.
 */
function behavioural(id, { purchases, logins }, scratch, index, now) {
  const { contact, ts, category, amount } = purchases;
  switch (id) {
    case "count-where": {
      const wanted = categoryCode(CATEGORIES[0]);
      return (lo, hi) => {
        const counts = scratch.counts.fill(0);
        for (let j = 0; j < contact.length; j++) {
          if (category[j] === wanted && ts[j] >= lo && ts[j] < hi) counts[contact[j]]++;
        }
        return (c, i) => counts[i] >= 3;
      };
    }
    case "sum-amount":
      return (lo, hi) => {
        const sums = scratch.sums.fill(0);
        for (let j = 0; j < contact.length; j++) {
          const a = amount[j];
          if (ts[j] >= lo && ts[j] < hi && a === a) sums[contact[j]] += a;
        }
        return (c, i) => sums[i] >= 500;
      };
    case "avg-amount":
      return (lo, hi) => {
        const sums = scratch.sums.fill(0);
        const counts = scratch.counts.fill(0);
        for (let j = 0; j < contact.length; j++) {
          const a = amount[j];
          if (ts[j] >= lo && ts[j] < hi && a === a) {
            sums[contact[j]] += a;
            counts[contact[j]]++;
          }
        }
        return (c, i) => counts[i] > 0 && sums[i] / counts[i] >= 150;
      };
    case "distinct-categories":
      // Codes 1..20 are 20 distinct strings ("shoes" and "Shoes" differ): one bit each.
      return (lo, hi) => {
        const seen = scratch.counts.fill(0);
        for (let j = 0; j < contact.length; j++) {
          if (category[j] && ts[j] >= lo && ts[j] < hi) seen[contact[j]] |= 1 << category[j];
        }
        return (c, i) => popcount(seen[i]) >= 2;
      };
    case "from-to": {
      const recent = index.past.login;
      const from14 = now - withinMs("14d");
      return (lo, hi) => {
        const hit = scratch.hit.fill(0);
        for (let j = 0; j < logins.contact.length; j++) if (logins.ts[j] >= lo && logins.ts[j] < hi) hit[logins.contact[j]] = 1;
        return (c, i) => hit[i] === 1 && !(recent[i] >= from14);
      };
    }
  }
  return null;
}

function popcount(x) {
  let n = 0;
  for (; x; x &= x - 1) n++;
  return n;
}

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
    case "or-mix": {
      const { login, email_opened: opened, purchase, trial_started: trial } = past;
      const [d7, d14, d30] = [lo("7d"), lo("14d"), lo("30d")];
      return (c, i) => {
        const p = c.properties;
        if ((login[i] >= d7 || opened[i] >= d7) && (p.plan === "pro" || p.plan === "enterprise")) return true;
        if ((purchase[i] >= d30 || trial[i] >= d14) && (p.country === "DE" || p.country === "AT" || p.country === "CH") && p.verified === true) return true;
        return num(p.seats) >= 100 && !(login[i] >= d30) && num(p.ltv) > 1000;
      };
    }
    case "segment-ref": {
      const { login, purchase } = past;
      const [d30, d90] = [lo("30d"), lo("90d")];
      return (c, i) => {
        const p = c.properties;
        const engaged = (p.plan === "pro" || p.plan === "enterprise") && login[i] >= d30;
        const big = num(p.seats) >= 200 && p.verified === true;
        return (engaged || big) && !(purchase[i] >= d90);
      };
    }
    case "regex-email": {
      // RE2's leading (?i) is JS's `i` flag; emails are ASCII, so ASCII folding is all there is.
      const re = new RegExp(EMAIL_PATTERN.replace(/^\(\?i\)/, ""), "i");
      return (c) => re.test(c.email);
    }
    default:
      throw new Error(`js-predicate: no hand-written predicate for shape ${id}`);
  }
}

export async function createEngine({ dataset }) {
  const { contacts, now } = dataset;
  /** The window of the shape's first condition, the one its pass counts events in. */
  const windowOf = (shape) => eventWindow(shape.rules.conditions[0], now);
  let index;
  let columns;
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
      columns = { purchases: eventColumns(dataset.events, PURCHASE), logins: eventColumns(dataset.events, EVENT_NAMES.indexOf("login")) };
      scratch = { counts: new Uint32Array(contacts.length), sums: new Float64Array(contacts.length), hit: new Uint8Array(contacts.length) };
      return { ms: performance.now() - t, note: "builds the last-event index and the purchases' and logins' typed arrays" };
    },
    /** A function giving the per-contact predicate; behavioural shapes make their pass in it, so it is timed. */
    async prepare(shape) {
      const pass = behavioural(shape.id, columns, scratch, index, now);
      if (pass) {
        const [lo, hi] = windowOf(shape);
        return () => pass(lo, hi);
      }
      const pred = handWritten(shape.id, shape, index, now);
      return () => pred;
    },
    /**
     * How many members hinge on an event exactly on a bound of the shape's
     * window [lo, hi): members that stop being members (or become ones) when
     * the window leaves out its first millisecond (lo), or its last (hi − 1).
     * Null for shapes without a windowed pass.
     */
    boundaryHinges(shape) {
      const pass = behavioural(shape.id, columns, scratch, index, now);
      if (!pass) return null;
      const [lo, hi] = windowOf(shape);
      const base = member(pass(lo, hi));
      const differs = (m) => m.reduce((n, x, i) => n + (x !== base[i] ? 1 : 0), 0);
      return { first: lo, last: hi - 1, atFrom: differs(member(pass(lo + 1, hi))), atTo: differs(member(pass(lo, hi - 1))) };
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
      index = columns = scratch = null;
    },
  };
}
