// The rule shapes the benchmark times, written in the README rule-language
// language. Every engine runs exactly these; the peers translate them.
// Values are derived from the dataset generator so selectivities stay sensible
// at every size.

import { campaignCount, campaignName } from "./dataset.mjs";
import { CATEGORIES } from "./event-properties.mjs";
import { hash32, rng } from "./prng.mjs";
import { inlineRefs } from "./segment-refs.mjs";

/** 1,000 `in` values: 990 campaign ids (some absent from small datasets), 8 unknown, 2 numbers. */
export function inList(seed, contacts) {
  const r = rng(hash32(seed, 0x1000));
  const values = new Set();
  const count = Math.max(campaignCount(contacts), 2000);
  while (values.size < 990) values.add(campaignName(Math.floor(r() * count)));
  for (let j = 0; values.size < 998; j++) values.add(`cmp_unknown_${j}`);
  return [...values, 42, 7];
}

/** Does the rule have an event condition with `where` or `having` (an aggregate over the events)? */
export function usesEventFilters(node) {
  if (Array.isArray(node)) return node.some(usesEventFilters);
  if (node.operator) return node.conditions.some(usesEventFilters);
  return node.field.startsWith("events.") && (node.where !== undefined || node.having !== undefined);
}

const and = (...conditions) => ({ operator: "and", conditions });
const or = (...conditions) => ({ operator: "or", conditions });

/**
 * Every shape: { id, title, rules, refs?, checkMembers?, peerRules }. `rules`
 * is what kraiter gets (segment references as "ref:<name>", bench/segment-refs.mjs);
 * `peerRules` the same with the referenced rules inlined, what the peers translate.
 */
export function buildShapes({ seed, contacts }) {
  return shapeList(seed, contacts).map((s) => ({ ...s, peerRules: inlineRefs(s.rules, s.refs) }));
}

/** The referenced segments of `segment-ref`. */
export const REFERENCED = {
  engaged: and(
    { field: "properties.plan", op: "in", value: ["pro", "enterprise"] },
    { field: "events.login", op: "occurred", within: "30d" },
  ),
  "big-accounts": and(
    { field: "properties.seats", op: "gte", value: 200 },
    { field: "properties.verified", op: "eq", value: true },
  ),
};

/** The `from` / `to` shape's window: the 60 days before the last 30; `to` is now − 30d written as Berlin local time. */
export const LAPSED_WINDOW = { from: "-90d", to: "2025-08-16T12:00:00", timeZone: "Europe/Berlin" };
/** The email pattern: first name a-e, four family names, three providers; `(?i)` for the capitalised 10%. */
export const EMAIL_PATTERN = String.raw`(?i)^[a-e]\w*\.(kim|tanaka|silva|berg)\d+@(gmail|outlook|proton)\.`;

function shapeList(seed, contacts) {
  const list = inList(seed, contacts);
  return [
    {
      id: "property",
      title: "property-only: plan eq, seats gte, verified eq",
      rules: and(
        { field: "properties.plan", op: "eq", value: "pro" },
        { field: "properties.seats", op: "gte", value: 10 },
        { field: "properties.verified", op: "eq", value: true },
      ),
    },
    {
      id: "in-1000",
      title: "utmCampaign in 1,000 values",
      rules: [{ field: "properties.utmCampaign", op: "in", value: list }],
    },
    {
      id: "contains",
      title: "company contains (high-cardinality, case-insensitive)",
      rules: and({ field: "properties.company", op: "contains", value: "STRÖM" }),
    },
    {
      id: "dates",
      title: "signupDate gte ISO and before ISO (mixed formats)",
      rules: and(
        { field: "properties.signupDate", op: "gte", value: "2024-01-01T00:00:00Z" },
        { field: "properties.signupDate", op: "before", value: "2025-01-01" },
      ),
    },
    {
      id: "occurred-within",
      title: "events.purchase occurred within 30d",
      rules: and({ field: "events.purchase", op: "occurred", within: "30d" }),
    },
    {
      id: "not-occurred",
      title: "events.login not_occurred within 14d",
      rules: and({ field: "events.login", op: "not_occurred", within: "14d" }),
    },
    {
      id: "nested",
      title: "nested and/or mix of all the above",
      rules: or(
        and(
          { field: "properties.plan", op: "in", value: ["pro", "enterprise"] },
          { field: "events.login", op: "occurred", within: "7d" },
          { field: "properties.signupDate", op: "after", value: "2024-06-01T00:00:00.000Z" },
        ),
        and(
          { field: "properties.company", op: "contains", value: "tek" },
          { field: "events.purchase", op: "not_occurred", within: "90d" },
          { field: "properties.tags", op: "contains", value: "VIP" },
        ),
        and(
          { field: "properties.utmCampaign", op: "in", value: list },
          { field: "properties.seats", op: "gte", value: 50 },
        ),
        and(
          { field: "properties.country", op: "eq", value: "DE" },
          { field: "properties.verified", op: "eq", value: true },
          { field: "properties.ltv", op: "gt", value: 500 },
          { field: "events.trial_started", op: "occurred" },
        ),
        and(
          { field: "events.page_view", op: "not_occurred" },
          { field: "email", op: "ends_with", value: "@ACME.io" },
        ),
      ),
    },
    // Behavioural: aggregates over the events' own properties. Membership is
    // also checked id by id, and for the contacts whose membership hinges on
    // an event exactly on a window bound (bench/engines/js-predicate.mjs).
    {
      id: "count-where",
      title: `purchase where category eq ${CATEGORIES[0]}, count gte 3 within 30d`,
      rules: and({
        field: "events.purchase",
        op: "occurred",
        within: "30d",
        where: [{ field: "properties.category", op: "eq", value: CATEGORIES[0] }],
        having: { fn: "count", op: "gte", value: 3 },
      }),
      checkMembers: true,
    },
    {
      id: "sum-amount",
      title: "purchase amount sum gte 500 within 90d",
      rules: and({
        field: "events.purchase",
        op: "occurred",
        within: "90d",
        having: { fn: "sum", property: "amount", op: "gte", value: 500 },
      }),
      checkMembers: true,
    },
    // An `or` of groups, each mixing event conditions (some in an `or` of
    // their own) with property conditions.
    {
      id: "or-mix",
      title: "or of groups mixing event conditions (and or-groups of them) with property conditions",
      rules: or(
        and(
          or({ field: "events.login", op: "occurred", within: "7d" }, { field: "events.email_opened", op: "occurred", within: "7d" }),
          { field: "properties.plan", op: "in", value: ["pro", "enterprise"] },
        ),
        and(
          or({ field: "events.purchase", op: "occurred", within: "30d" }, { field: "events.trial_started", op: "occurred", within: "14d" }),
          { field: "properties.country", op: "in", value: ["DE", "AT", "CH"] },
          { field: "properties.verified", op: "eq", value: true },
        ),
        and(
          { field: "properties.seats", op: "gte", value: 100 },
          { field: "events.login", op: "not_occurred", within: "30d" },
          { field: "properties.ltv", op: "gt", value: 1000 },
        ),
      ),
    },
    {
      id: "avg-amount",
      title: "purchase amount avg gte 150 within 90d",
      rules: and({
        field: "events.purchase",
        op: "occurred",
        within: "90d",
        having: { fn: "avg", property: "amount", op: "gte", value: 150 },
      }),
      checkMembers: true,
    },
    {
      id: "distinct-categories",
      title: "purchase categories distinct gte 2 within 30d",
      rules: and({
        field: "events.purchase",
        op: "occurred",
        within: "30d",
        having: { fn: "distinct", property: "category", op: "gte", value: 2 },
      }),
      checkMembers: true,
    },
    {
      id: "from-to",
      title: "lapsed: login from -90d to 2025-08-16T12:00 Europe/Berlin (= now - 30d), not within 14d",
      // Not within 14d rather than 30d, so logins just after `to` still count
      // (30d would hide them, and with them whether `to` was read in Berlin time).
      rules: and(
        { field: "events.login", op: "occurred", ...LAPSED_WINDOW },
        { field: "events.login", op: "not_occurred", within: "14d" },
      ),
      checkMembers: true,
    },
    {
      id: "segment-ref",
      title: "segment in [engaged, big-accounts] and purchase not_occurred within 90d",
      rules: and(
        { field: "segment", op: "in", value: ["ref:engaged", "ref:big-accounts"] },
        { field: "events.purchase", op: "not_occurred", within: "90d" },
      ),
      refs: REFERENCED,
      checkMembers: true,
    },
    {
      id: "regex-email",
      title: "email matches a case-insensitive RE2 pattern",
      rules: and({ field: "email", op: "matches", value: EMAIL_PATTERN }),
      checkMembers: true,
    },
  ];
}
