// The demo tenant's data for `npm start`: a few thousand contacts of a
// made-up SaaS product, their events over the last 90 days (relative to `now`,
// so "within 7d" segments have members whenever the demo runs), and segments
// that use most of the rule language. Seeded: the same on every machine.

const DAY = 86_400_000;
const FIRST = ["anna", "ben", "carla", "dmitri", "emma", "farid", "greta", "hiro", "ines", "jonas", "kai", "lena", "mateo", "nora", "oskar", "priya", "quinn", "rosa", "sven", "tomas", "uma", "viktor", "wei", "yusuf", "zoe"];
const LAST = ["smith", "mueller", "garcia", "rossi", "novak", "kim", "nguyen", "silva", "jensen", "dubois", "kowalski", "okafor", "haddad", "tanaka", "berg"];
const DOMAINS = ["gmail.com", "outlook.com", "proton.me", "icloud.com", "acme.io", "globex.com", "initech.example", "umbrella.co"];
const COMPANIES = { "acme.io": "Acme", "globex.com": "Globex", "initech.example": "Initech", "umbrella.co": "Umbrella" };
const COUNTRIES = ["US", "GB", "DE", "FR", "IE", "NL", "IN", "BR", "CA", "SE", "JP", "AU"];
const PLANS = [["free", 50], ["starter", 22], ["pro", 20], ["enterprise", 8]];
const FEATURES = ["segments", "campaigns", "sequences", "templates", "analytics"];
const TAGS = ["beta", "vip", "newsletter", "partner"];

/** mulberry32: seeded floats in [0, 1). */
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted(r, pairs) {
  let u = r() * pairs.reduce((sum, [, w]) => sum + w, 0);
  for (const [value, w] of pairs) if ((u -= w) < 0) return value;
  return pairs[pairs.length - 1][0];
}

const pick = (r, list) => list[Math.floor(r() * list.length)];

/**
 * @returns {{ contacts: {email, properties}[], events: {name, email, timestamp, properties}[], segments: {name, rules}[] }}
 */
export function demoDataset({ contactCount = 3000, now = Date.now(), seed = 2025 } = {}) {
  const r = random(seed);
  const contacts = [];
  const events = [];
  const at = (daysAgo) => new Date(now - Math.floor(daysAgo * DAY)).toISOString();

  for (let i = 0; i < contactCount; i++) {
    const email = `${pick(r, FIRST)}.${pick(r, LAST)}${i}@${pick(r, DOMAINS)}`;
    const plan = weighted(r, PLANS);
    const paying = plan !== "free";
    const signedUpDaysAgo = 1 + r() * 720;
    const properties = {
      plan,
      country: pick(r, COUNTRIES),
      seats: plan === "enterprise" ? 25 + Math.floor(r() * 475) : paying ? 1 + Math.floor(r() * 40) : 1,
      mrr: plan === "enterprise" ? 2000 + Math.floor(r() * 8000) : plan === "pro" ? 99 * (1 + Math.floor(r() * 5)) : plan === "starter" ? 29 : 0,
      marketingOptIn: r() < 0.6,
      signedUpAt: at(signedUpDaysAgo),
    };
    if (r() < 0.4) properties.tags = TAGS.filter(() => r() < 0.3);
    const company = COMPANIES[email.split("@")[1]];
    if (company) properties.company = company;
    contacts.push({ email, properties });

    // Engagement: paying customers log in more; a fifth of everyone has gone quiet.
    const quiet = r() < 0.2;
    const logins = quiet ? 0 : Math.floor(r() * (paying ? 12 : 5));
    const horizon = Math.min(90, signedUpDaysAgo);
    for (let j = 0; j < logins; j++) events.push({ name: "login", email, timestamp: at(r() * horizon), properties: {} });
    const views = quiet ? Math.floor(r() * 2) : Math.floor(r() * 8);
    for (let j = 0; j < views; j++) events.push({ name: "page_view", email, timestamp: at(r() * horizon), properties: { path: pick(r, ["/pricing", "/docs", "/blog", "/changelog"]) } });
    if (paying && r() < 0.35) events.push({ name: "purchase_completed", email, timestamp: at(r() * horizon), properties: { amount: properties.mrr, currency: "USD" } });
    if (!paying && r() < 0.15) events.push({ name: "trial_started", email, timestamp: at(r() * Math.min(30, horizon)), properties: { plan: "pro" } });
    if (!quiet && r() < 0.5) events.push({ name: "feature_used", email, timestamp: at(r() * horizon), properties: { feature: pick(r, FEATURES) } });
  }

  const segments = [
    { name: "Active Pro Users", rules: { operator: "and", conditions: [
      { field: "properties.plan", op: "in", value: ["pro", "enterprise"] },
      { field: "events.login", op: "occurred", within: "7d" },
    ] } },
    { name: "Churn risk: paying, no login in 30 days", rules: { operator: "and", conditions: [
      { field: "properties.plan", op: "neq", value: "free" },
      { field: "events.login", op: "not_occurred", within: "30d" },
    ] } },
    { name: "Big teams", rules: [{ field: "properties.seats", op: "gte", value: 100 }] },
    { name: "Recent purchasers", rules: [{ field: "events.purchase_completed", op: "occurred", within: "30d" }] },
    { name: "UK & Ireland newsletter", rules: { operator: "and", conditions: [
      { field: "properties.country", op: "in", value: ["GB", "IE"] },
      { field: "properties.marketingOptIn", op: "eq", value: true },
    ] } },
    { name: "Trials to convert", rules: { operator: "and", conditions: [
      { field: "events.trial_started", op: "occurred", within: "14d" },
      { operator: "or", conditions: [
        { field: "properties.tags", op: "contains", value: "beta" },
        { field: "events.page_view", op: "occurred", within: "7d" },
      ] },
    ] } },
  ];
  return { contacts, events, segments };
}
