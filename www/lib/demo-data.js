// The demo dataset: N contacts with typed properties (plan, seats, country,
// signup date, tags, …) and about three events each over the last 120 days,
// from a seeded generator so a given size and seed always give the same
// data. Runs as a worker task and imports in batches, reporting progress.

const PLANS = [["free", 50], ["starter", 25], ["pro", 18], ["enterprise", 7]];
const COUNTRIES = ["GB", "US", "DE", "FR", "NL", "ES", "IT", "SE", "PL", "IE", "CA", "AU"];
const FIRST = ["Ada", "Alan", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "Edsger", "Radia", "Tim", "Sophie", "Niklaus", "Hedy", "Guido"];
const LAST = ["Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie", "Allen", "Dijkstra", "Perlman", "Berners-Lee", "Wilson", "Wirth", "Lamarr", "Rossum"];
const DOMAINS = ["example.com", "example.org", "mail.test", "acme.test", "initech.test"];
const TAGS = ["beta", "vip", "churn-risk", "newsletter", "partner", "webinar"];
/** The demo's event names with their weights (the activity simulator tracks the same mix). */
export const EVENTS = [["login", 55], ["page_view", 25], ["purchase", 8], ["trial_started", 7], ["support_ticket", 5]];
const DAY = 86_400_000;

/** mulberry32: small, fast, seedable. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = (rand, list) => list[Math.floor(rand() * list.length)];
export function weighted(rand, pairs) {
  let r = rand() * pairs.reduce((n, [, w]) => n + w, 0);
  for (const [v, w] of pairs) if ((r -= w) < 0) return v;
  return pairs[0][0];
}

export function demoContact(i, rand, now) {
  const first = pick(rand, FIRST);
  const last = pick(rand, LAST);
  const plan = weighted(rand, PLANS);
  const properties = {
    name: `${first} ${last}`,
    plan,
    seats: plan === "free" ? 1 : 1 + Math.floor(rand() * (plan === "enterprise" ? 500 : 40)),
    country: pick(rand, COUNTRIES),
    signupDate: new Date(now - Math.floor(rand() * 730) * DAY).toISOString().slice(0, 10),
    newsletter: rand() < 0.4,
  };
  if (rand() < 0.3) properties.tags = TAGS.filter(() => rand() < 0.3);
  if (rand() < 0.5) properties.company = `${pick(rand, LAST)} ${pick(rand, ["Ltd", "GmbH", "Inc", "BV"])}`;
  const email = `${first}.${last}.${i}@${pick(rand, DOMAINS)}`.toLowerCase();
  return { email, properties };
}

/**
 * Worker task: generates and imports `contacts` contacts and about
 * `eventsPerContact` events each. Progress: { phase, done, total }.
 */
export async function generateDemo(kraiter, { contacts = 10_000, eventsPerContact = 3, seed = 1, now = Date.now() } = {}, { progress } = {}) {
  const rand = prng(seed);
  const contactBatch = 20_000;
  const eventBatch = 60_000;
  const total = contacts;
  let events = [];
  let imported = 0;
  let created = 0;
  let eventsImported = 0;
  for (let start = 0; start < total; start += contactBatch) {
    const batch = [];
    for (let i = start; i < Math.min(total, start + contactBatch); i++) {
      const c = demoContact(i, rand, now);
      batch.push(c);
      const n = Math.round(rand() * 2 * eventsPerContact);
      for (let e = 0; e < n; e++) {
        const age = Math.floor(rand() ** 2 * 120 * DAY);
        events.push({ name: weighted(rand, EVENTS), email: c.email, timestamp: new Date(now - age).toISOString() });
      }
    }
    created += (await kraiter.contacts.import(batch)).created;
    imported += batch.length;
    while (events.length >= eventBatch) {
      eventsImported += (await kraiter.events.import(events.splice(0, eventBatch))).imported;
    }
    progress?.({ phase: "contacts", done: imported, total });
  }
  while (events.length) {
    eventsImported += (await kraiter.events.import(events.splice(0, eventBatch))).imported;
  }
  progress?.({ phase: "done", done: imported, total });
  return { contacts: imported, created, events: eventsImported };
}
