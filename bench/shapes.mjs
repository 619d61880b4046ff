// The rule shapes the benchmark times, written in the README rule-language
// language. Every engine runs exactly these; the peers translate them.
// Values are derived from the dataset generator so selectivities stay sensible
// at every size.

import { campaignCount, campaignName } from "./dataset.mjs";
import { CATEGORIES } from "./event-properties.mjs";
import { hash32, rng } from "./prng.mjs";

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

export function buildShapes({ seed, contacts }) {
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
  ];
}
