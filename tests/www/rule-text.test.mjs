// The explain panel's wording of rule nodes (www/lib/rule-text.js): every
// part of a condition that decides it is named, so a reader can tell the
// nodes of a tree apart without the JSON.
import { test } from "node:test";
import assert from "node:assert/strict";
import { conditionText, groupText, havingText, whereText } from "../../www/lib/rule-text.js";

test("property, system field, pattern and segment conditions", () => {
  assert.equal(conditionText({ field: "properties.plan", op: "in", value: ["pro", "enterprise"] }), "plan is one of “pro”, “enterprise”");
  assert.equal(conditionText({ field: "properties.seats", op: "gte", value: 10 }), "seats at least 10");
  assert.equal(conditionText({ field: "properties.company", op: "not_exists" }), "company does not exist");
  assert.equal(conditionText({ field: "createdAt", op: "before", value: "-7d", timeZone: "Europe/Berlin" }), "created at is before “-7d” (Europe/Berlin)");
  assert.equal(conditionText({ field: "email", op: "matches", value: "^a\\d@" }), "email matches the pattern /^a\\d@/");
  assert.equal(conditionText({ field: "segment", op: "not_in", value: ["seg_1", "seg_2"] }, (id) => ({ seg_1: "Pro" })[id] ?? id),
    "In segments: is in none of “Pro”, “seg_2”");
});

test("event conditions name their window, zone, filter and aggregate", () => {
  assert.equal(conditionText({ field: "events.login", op: "occurred" }), "login occurred");
  assert.equal(conditionText({ field: "events.login", op: "not_occurred", within: "7d", timeZone: "UTC" }), "login did not occur in the last 7d in UTC");
  assert.equal(conditionText({ field: "events.login", op: "occurred", from: "-90d", to: "-30d" }), "login occurred from -90d to -30d");
  assert.equal(conditionText({ field: "events.login", op: "occurred", to: "-30d" }), "login occurred before -30d");
  assert.equal(conditionText({ field: "events.login", op: "occurred", from: "2025-01-01" }), "login occurred since 2025-01-01");
  assert.equal(conditionText({
    field: "events.purchase", op: "occurred", within: "30d",
    where: { operator: "or", conditions: [
      { field: "properties.category", op: "eq", value: "shoes" },
      { operator: "not", conditions: [{ field: "properties.amount", op: "lt", value: 10 }] },
    ] },
    having: { fn: "sum", property: "amount", op: "gte", value: 500 },
  }), "purchase occurred in the last 30d, where category equals “shoes” or not amount less than 10, with sum of amount ≥ 500");
});

test("groups, nested where groups and having", () => {
  assert.equal(groupText({ operator: "and" }), "All of these");
  assert.equal(groupText({ operator: "or" }), "Any of these");
  assert.equal(groupText({ operator: "not" }), "Not this");
  assert.equal(whereText({ operator: "and", conditions: [
    { field: "properties.a", op: "exists" },
    { operator: "or", conditions: [{ field: "properties.b", op: "eq", value: 1 }, { field: "properties.c", op: "eq", value: 2 }] },
  ] }), "a exists and (b equals 1 or c equals 2)");
  assert.equal(havingText({ fn: "count", op: "lt", value: 3 }), "count of events < 3");
  assert.equal(havingText({ fn: "distinct", property: "page", op: "eq", value: 2 }), "distinct values of page = 2");
});
