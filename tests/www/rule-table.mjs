// Rules covering every construct of the language (README.md "Rule language"
// and "Behavioural rules"), shared by the node round-trip test
// (rule-model.test.mjs) and the Chromium one (tests/browser/round-trip.test.mjs).
// SEG stands for the id of a saved segment; `ref(SEG)` swaps it in.

export const SEG = "seg_REF";

/** Canonical rules: each must come back out of the builder exactly as it went in. */
export const CANONICAL = [
  ["property ops", { operator: "and", conditions: [
    { field: "properties.plan", op: "in", value: ["pro", "enterprise"] },
    { field: "properties.seats", op: "gte", value: 10 },
    { field: "properties.beta", op: "eq", value: true },
    { field: "properties.name", op: "contains", value: "ada" },
    { field: "properties.tags", op: "not_in", value: [1, 2] },
    { field: "properties.company", op: "not_exists" },
    { field: "suppressed", op: "eq", value: false },
    { field: "createdAt", op: "after", value: "2025-01-01" },
  ] }],
  ["patterns", { operator: "or", conditions: [
    { field: "email", op: "matches", value: "(?i)^[a-z]+@example\\.com$" },
    { field: "properties.code", op: "not_matches", value: "^\\d{3}-\\w+$" },
  ] }],
  ["relative dates and a zone on a property", { operator: "and", conditions: [
    { field: "properties.trialEndsAt", op: "before", value: "+3d" },
    { field: "properties.signupDate", op: "gte", value: "-30d" },
    { field: "updatedAt", op: "lt", value: "now" },
    { field: "properties.renewsAt", op: "after", value: "2025-06-01T09:00", timeZone: "Europe/Berlin" },
  ] }],
  ["event windows", { operator: "and", conditions: [
    { field: "events.login", op: "occurred" },
    { field: "events.login", op: "occurred", within: "7d" },
    { field: "events.login", op: "not_occurred", within: "30m", timeZone: "UTC" },
    { field: "events.open", op: "occurred", within: "2w", timeZone: "America/New_York" },
    { field: "events.login", op: "occurred", from: "-90d", to: "-30d" },
    { field: "events.login", op: "occurred", to: "-30d" },
    { field: "events.login", op: "occurred", from: "2025-01-01", to: "2025-02-01T12:30", timeZone: "Asia/Tokyo" },
    { field: "events.login", op: "occurred", from: "now" },
  ] }],
  ["where and having", { operator: "and", conditions: [
    { field: "events.purchase", op: "occurred", within: "30d",
      where: { operator: "and", conditions: [
        { field: "properties.category", op: "eq", value: "shoes" },
        { field: "properties.amount", op: "gte", value: 50 },
      ] } },
    { field: "events.purchase", op: "occurred", within: "90d", having: { fn: "sum", property: "amount", op: "gte", value: 500 } },
    { field: "events.login", op: "occurred", having: { fn: "count", op: "lt", value: 3 } },
    { field: "events.purchase", op: "not_occurred", from: "-60d", timeZone: "Europe/London",
      where: { operator: "or", conditions: [
        { field: "properties.sku", op: "starts_with", value: "X-" },
        { operator: "not", conditions: [{ field: "properties.coupon", op: "exists" }] },
        { operator: "and", conditions: [
          { field: "properties.paidAt", op: "before", value: "2025-03-01T08:00", timeZone: "Europe/Paris" },
          { field: "properties.note", op: "matches", value: "gift" },
        ] },
      ] },
      having: { fn: "avg", property: "amount", op: "neq", value: 12.5 } },
    ...["min", "max", "distinct"].map((fn, i) => ({ field: "events.view", op: "occurred", having: { fn, property: "page", op: ["gt", "lte", "eq"][i], value: -2 } })),
  ] }],
  ["not groups and segment references", { operator: "not", conditions: [
    { operator: "or", conditions: [
      { field: "segment", op: "in", value: [SEG] },
      { operator: "not", conditions: [{ field: "segment", op: "not_in", value: [SEG] }] },
      { operator: "and", conditions: [{ field: "properties.plan", op: "eq", value: "free" }] },
    ] },
  ] }],
  ["everything at once", { operator: "and", conditions: [
    { field: "events.purchase", op: "occurred", from: "-60d", to: "2025-11-20T12:00", timeZone: "Europe/Berlin",
      where: { operator: "and", conditions: [
        { field: "properties.category", op: "eq", value: "shoes" },
        { operator: "not", conditions: [{ field: "properties.amount", op: "lt", value: 10 }] },
      ] },
      having: { fn: "sum", property: "amount", op: "gte", value: 100 } },
    { operator: "not", conditions: [{ field: "properties.plan", op: "eq", value: "free" }] },
    { field: "segment", op: "in", value: [SEG] },
    { field: "email", op: "matches", value: "^person\\d*[02468]@" },
  ] }],
];

/** Accepted but not canonical: each is shown by the builder in the engine's canonical form. */
export const SPELLINGS = [
  ["a bare array at the root", [{ field: "properties.plan", op: "equals", value: "pro" }]],
  ["a lone condition at the root", { field: "events.login", op: "occurred", within: "007d" }],
  ["long op names, in where and having too", [{ field: "events.purchase", op: "occurred", within: "7d",
    where: [{ field: "properties.amount", op: "greaterThanOrEquals", value: 1 }, { field: "properties.sku", op: "startsWith", value: "A" }],
    having: { fn: "sum", property: "amount", op: "lessThan", value: 9 } }]],
  ["a lone condition as where, leading zeros in offsets", { operator: "or", conditions: [
    { field: "events.login", op: "occurred", from: "-090d", to: "+01h", where: { field: "properties.device", op: "notEquals", value: "ios" } },
  ] }],
];

/** Replaces SEG by a real id, everywhere in a rule. */
export function ref(rule, id) {
  return JSON.parse(JSON.stringify(rule).replaceAll(SEG, id));
}
