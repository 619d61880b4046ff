// Deterministic benchmark dataset: contacts with realistic, messy property
// types and an event stream spread over two years around a fixed NOW. Contact
// i depends only on (seed, i) and event batch b only on (seed, b), so any size
// is reproducible and events stream out in typed-array batches (10M events
// never exist as objects at once). Purchases carry `category` and `amount`
// (bench/event-properties.mjs), also as typed arrays.

import { PURCHASE_SEED, purchaseShopper } from "./event-properties.mjs";
import { cumulate, hash32, pickWeighted, rng } from "./prng.mjs";

export const NOW = Date.parse("2025-09-15T10:00:00.000Z");
const DAY = 86_400_000;

export const EVENT_NAMES = ["page_view", "login", "email_opened", "purchase", "trial_started"];
export const PURCHASE = EVENT_NAMES.indexOf("purchase");
// Slots of the name draw: page_view 40%, purchase 13% (5 of them were page
// views before purchases had properties, so login, email_opened and
// trial_started events stay exactly as they were), login 25%, email_opened
// 18%, trial_started 4%.
const EVENT_SLOTS = [0, PURCHASE, 1, 2, PURCHASE, 4];
const EVENT_CUM = cumulate([40, 5, 25, 18, 8, 4]);

/** Windows the shapes use; events are planted exactly on their bounds. */
export const BOUNDARY_DAYS = [7, 14, 30, 90, 365];

const FIRST = ["anna", "ben", "carla", "dmitri", "emma", "farid", "greta", "hiro", "ines", "jonas", "kai", "lena", "mateo", "nora", "oskar", "priya", "quinn", "rosa", "sven", "tomas", "uma", "viktor", "wei", "xenia", "yusuf", "zoe"];
const LAST = ["smith", "mueller", "garcia", "rossi", "novak", "kim", "nguyen", "silva", "jensen", "dubois", "kowalski", "ivanova", "okafor", "haddad", "tanaka", "berg"];
const DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "proton.me", "icloud.com", "web.de", "acme.io", "corp.example.com"];
const SYLLABLES = ["zen", "tor", "qua", "lux", "vex", "nor", "bri", "tek", "sol", "mar", "kin", "dra", "pho", "ly", "ra", "mü", "ström", "cé", "ax", "io", "ver", "gal", "tri", "on", "ex", "umi", "pal", "dyn", "ark", "ose", "fin", "ber", "cor", "nex", "ta", "vi", "lo", "sky", "bit", "hub"];
const SUFFIXES = ["Labs", "Systems", "GmbH", "Inc.", "Technologies", "AG", "Ltd", "& Co", "Software", "Group", "SA", "Studio"];
const PLANS = ["free", "starter", "pro", "enterprise"];
const PLAN_CUM = cumulate([55, 20, 15, 5, 4, 1]); // last two: absent, null
const COUNTRIES = ["US", "DE", "GB", "FR", "IN", "BR", "CA", "NL", "ES", "IT", "SE", "PL", "JP", "AU", "MX", "CH", "AT", "BE", "DK", "NO", "FI", "IE", "PT", "SG", "ZA"];
const TAGS = ["beta", "vip", "newsletter", "churn-risk", "partner"];
const JUNK_DATES = ["n/a", "", "unknown", "2024-13-01", "2024-02-30", "last tuesday"];

/** Name of company k: 2-3 syllables and a suffix, ~216k distinct names. */
export function companyName(k) {
  const h = hash32(k, 0xc0ffee);
  const n = 2 + (h & 1);
  let s = "";
  for (let j = 0; j < n; j++) s += SYLLABLES[(h >>> (1 + j * 6)) % SYLLABLES.length];
  return s[0].toUpperCase() + s.slice(1) + " " + SUFFIXES[(h >>> 20) % SUFFIXES.length];
}

/** UTM campaign id k (0 <= k < campaignCount). */
export function campaignName(k) {
  return "cmp_" + hash32(k, 0x17a).toString(36);
}

export function campaignCount(contacts) {
  return Math.max(10, Math.floor(contacts / 20));
}

function caseVariant(s, u) {
  return u < 0.8 ? s : u < 0.9 ? s.toUpperCase() : s.toLowerCase();
}

function pad(n, w = 2) {
  return String(n).padStart(w, "0");
}

function isoVariant(ms, u) {
  const d = new Date(ms);
  if (u < 0.85) return d.toISOString();
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  if (u < 0.9) return date;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (u < 0.95) return `${date}T${time}`; // no offset: UTC for the engine
  const local = new Date(ms + 2 * 3_600_000); // the same instant written at +02:00
  return `${local.toISOString().slice(0, 19)}+02:00`;
}

/** Contact i of a dataset with `total` contacts: { email, properties }. */
export function contactAt(seed, i, total) {
  const r = rng(hash32(seed, i));
  const first = FIRST[Math.floor(r() * FIRST.length)];
  const last = LAST[Math.floor(r() * LAST.length)];
  let email = `${first}.${last}${i}@${DOMAINS[Math.floor(r() * DOMAINS.length)]}`;
  if (r() < 0.1) email = email[0].toUpperCase() + email.slice(1);
  const p = {};

  const plan = pickWeighted(PLAN_CUM, r());
  if (plan < 4) p.plan = PLANS[plan];
  else if (plan === 5) p.plan = null;

  p.country = COUNTRIES[Math.floor(COUNTRIES.length * r() ** 2)];

  const uc = r();
  const companyU = r();
  const caseU = r();
  if (uc < 0.94) p.company = caseVariant(companyName(Math.floor(companyU * Math.max(1, total / 5))), caseU);
  else if (uc < 0.95) p.company = null;

  const um = r();
  const campU = r();
  if (um < 0.85) p.utmCampaign = campaignName(Math.floor(campaignCount(total) * campU ** 1.5));

  const us = r();
  const seats = Math.max(1, Math.floor(Math.exp(r() * Math.log(500))));
  if (us < 0.93) p.seats = seats;
  else if (us < 0.94) p.seats = String(seats); // CSV leftovers: never compared as numbers
  else if (us < 0.95) p.seats = null;

  const ul = r();
  const ltv = Math.round(Math.exp(r() * 10) * 100) / 100;
  if (ul < 0.9) p.ltv = ltv;

  const uv = r();
  const verified = r() < 0.7;
  if (uv < 0.97) p.verified = verified;
  else if (uv < 0.98) p.verified = String(verified);

  const ud = r();
  const signup = NOW - DAY - Math.floor(r() * 3 * 365 * DAY);
  const fmt = r();
  if (ud < 0.95) p.signupDate = isoVariant(signup, fmt);
  else if (ud < 0.97) p.signupDate = JUNK_DATES[Math.floor(fmt * JUNK_DATES.length)];

  if (r() < 0.7) {
    const tags = [];
    const k = Math.floor(r() * 4);
    for (let j = 0; j < k; j++) {
      const t = TAGS[Math.floor(r() * TAGS.length)];
      tags.push(t === "vip" && r() < 0.3 ? "VIP" : t);
    }
    p.tags = tags;
  }
  return { email, properties: p };
}

/** All contacts, as plain objects (the form `contacts.import` takes). */
export function generateContacts(seed, total) {
  const out = new Array(total);
  for (let i = 0; i < total; i++) out[i] = contactAt(seed, i, total);
  return out;
}

function gcd(a, b) {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Events in batches: yields { start, contact: Int32Array, name: Uint8Array,
 * ts: Float64Array, category: Uint8Array, amount: Float64Array, amountKind:
 * Uint8Array } (contact index, index into EVENT_NAMES, epoch ms; the property
 * codes of bench/event-properties.mjs, 0 on other events). 10% of contacts
 * never act; activity is skewed; 1% of events lie in the future, 1% exactly
 * on window bounds. Purchases come in shopping bursts (event-properties.mjs).
 */
export function* generateEvents(seed, contacts, total, batchSize = 50_000) {
  const active = Math.max(1, Math.floor(contacts * 0.9));
  let mult = 2_654_435_761 % contacts || 1;
  while (gcd(mult, contacts) !== 1) mult++;
  const offset = hash32(seed, 99) % contacts;
  const bounds = [NOW, NOW + 1];
  for (const d of BOUNDARY_DAYS) bounds.push(NOW - d * DAY, NOW - d * DAY - 1, NOW - d * DAY + 1);
  for (let start = 0, b = 0; start < total; start += batchSize, b++) {
    const n = Math.min(batchSize, total - start);
    const r = rng(hash32(seed ^ 0x5eed, b));
    const contact = new Int32Array(n);
    const name = new Uint8Array(n);
    const ts = new Float64Array(n);
    const category = new Uint8Array(n);
    const amount = new Float64Array(n);
    const amountKind = new Uint8Array(n);
    // Purchase details draw from their own stream, so the other events are
    // the same draws whatever the purchase model does.
    const shop = purchaseShopper(rng(hash32(seed ^ PURCHASE_SEED, b)), NOW, seed);
    for (let j = 0; j < n; j++) {
      const rank = Math.floor(active * r() ** 2);
      contact[j] = (rank * mult + offset) % contacts;
      name[j] = EVENT_SLOTS[pickWeighted(EVENT_CUM, r())];
      const kind = r();
      const u = r();
      if (kind < 0.98) ts[j] = NOW - Math.floor(730 * DAY * u ** 1.3);
      else if (kind < 0.99) ts[j] = NOW + 1 + Math.floor(u * 14 * DAY);
      else ts[j] = bounds[Math.floor(u * bounds.length)];
      if (name[j] === PURCHASE) shop(j, kind < 0.98 ? u : -1, { contact, ts, category, amount, amountKind });
    }
    yield { start, contact, name, ts, category, amount, amountKind };
  }
}

/** Contact index encoded in a generated email (the digits before "@"). */
export function indexFromEmail(email) {
  const m = /(\d+)@/.exec(email);
  return m ? Number(m[1]) : -1;
}
