// The properties benchmark purchases carry, and how purchases cluster. The
// behavioural shapes (`where` on category, `having` count / sum of amount)
// need contacts that buy several times within weeks, so purchases come in
// shopping bursts: a purchase starts a burst at its own time and contact, and
// the next purchases of the batch follow it within 10 days, mostly in the same
// category. Everything is stored as typed-array codes per event; the record
// form the SDK takes is built one event at a time (eventProperties).

import { cumulate, hash32, pickWeighted } from "./prng.mjs";

const DAY = 86_400_000;
export const PURCHASE_SEED = 0xb0b;

/** The category pool, most bought first, with each one's median amount. */
export const CATEGORIES = ["shoes", "apparel", "books", "electronics", "home", "beauty", "sports", "toys", "grocery", "garden"];
const CATEGORY_CUM = cumulate([30, 18, 12, 10, 8, 7, 6, 4, 3, 2]);
const MEDIAN_AMOUNT = [80, 45, 18, 220, 60, 30, 70, 35, 25, 55];

/**
 * Category codes: 0 absent, 1..10 CATEGORIES[code - 1], 11..20 the same word
 * capitalised ("Shoes", from an older import; `eq "shoes"` must not match it).
 */
export const CATEGORY_VALUES = [undefined, ...CATEGORIES, ...CATEGORIES.map((c) => c[0].toUpperCase() + c.slice(1))];
export const categoryCode = (value) => CATEGORY_VALUES.indexOf(value);

/** amountKind codes: how the amount of a purchase is written. */
export const AMOUNT = { none: 0, number: 1, string: 2, null: 3 };

const BURST_GOES_ON = 0.72; // burst length is geometric: mean 1 / (1 - 0.72) ≈ 3.6 purchases
const SAME_CATEGORY = 0.8; // a follow-up keeps the burst's category
const FAVOURITE = 0.6; // a fresh category is the contact's favourite
const FOLLOW_UP_DAYS = 10;
const RECENT = 2; // burst starts lean to the last months: u ** 2 over two years

/** A category code: 2% absent, 1.5% capitalised, else `favourite` (a code 1..10) or one from the pool. */
function drawCategory(q, favourite) {
  const u = q();
  if (u < 0.02) return 0;
  const k = q() < FAVOURITE ? favourite : 1 + pickWeighted(CATEGORY_CUM, q());
  return u < 0.035 ? k + CATEGORIES.length : k;
}

/** A price around the category's median, log-normal, 5 to 2000 in steps of 0.5. */
function drawAmount(q, code) {
  const k = (code - 1) % CATEGORIES.length;
  const median = code ? MEDIAN_AMOUNT[k] : 50;
  const normal = Math.sqrt(-2 * Math.log(1 - q())) * Math.cos(2 * Math.PI * q());
  // Steps of 0.5 keep every sum exact in binary floating point, so `sum gte`
  // never depends on the order an engine adds in (cents would: 0.1 + 0.2).
  return Math.min(2000, Math.max(5, Math.round(median * Math.exp(0.9 * normal) * 2) / 2));
}

/**
 * A per-batch function that fills in purchase j of the batch arrays: its
 * contact and time when it follows a burst, its time from `u` (the event's
 * time draw) when it starts one, its category and amount. A planted event
 * (on a window bound or in the future) comes with u = -1: it keeps its time
 * and always starts a burst, whose follow-ups then lie just inside or just
 * outside the window it bounds. q is the batch's purchase random stream.
 */
export function purchaseShopper(q, now, seed) {
  let left = 0;
  let burstContact = 0;
  let burstTs = 0;
  let burstCategory = 0;
  let favourite = 1;
  return (j, u, { contact, ts, category, amount, amountKind }) => {
    let code;
    if (left > 0 && u >= 0) {
      left--;
      contact[j] = burstContact;
      const off = Math.floor(q() * FOLLOW_UP_DAYS * DAY);
      ts[j] = burstTs <= now && burstTs + off > now ? burstTs - off : burstTs + off;
      code = q() < SAME_CATEGORY ? burstCategory : drawCategory(q, favourite);
    } else {
      left = 0;
      while (q() < BURST_GOES_ON) left++;
      burstContact = contact[j];
      if (u >= 0) ts[j] = now - Math.floor(730 * DAY * u ** RECENT);
      burstTs = ts[j];
      favourite = 1 + pickWeighted(CATEGORY_CUM, hash32(seed, burstContact) / 4294967296);
      code = burstCategory = drawCategory(q, favourite);
    }
    category[j] = code;
    const price = drawAmount(q, code);
    const w = q();
    amount[j] = price;
    amountKind[j] = w < 0.94 ? AMOUNT.number : w < 0.97 ? AMOUNT.none : w < 0.99 ? AMOUNT.string : AMOUNT.null;
  };
}

/** The `properties` of event j of a batch as the SDK takes them, or undefined. */
export function eventProperties(batch, j) {
  const code = batch.category[j];
  const kind = batch.amountKind[j];
  if (!code && !kind) return undefined;
  const p = {};
  if (code) p.category = CATEGORY_VALUES[code];
  if (kind === AMOUNT.number) p.amount = batch.amount[j];
  else if (kind === AMOUNT.string) p.amount = String(batch.amount[j]); // "49.5": a CSV leftover, never summed
  else if (kind === AMOUNT.null) p.amount = null;
  return p;
}
