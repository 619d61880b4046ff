// The segments list's status words (www/lib/segment-status.js) and the
// one-line rule summary it shows beside them (www/lib/rule-text.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { segmentStatus } from "../../www/lib/segment-status.js";
import { ruleSummary } from "../../www/lib/rule-text.js";

const at = "2026-01-02T10:00:00.000Z";

test("new, computing, ready, stale; live is never stale", () => {
  assert.equal(segmentStatus({ status: "new", computedAt: null }).key, "new");
  assert.equal(segmentStatus({ status: "ready", computedAt: at }, { computing: true }).key, "computing");
  assert.equal(segmentStatus({ status: "computing", computedAt: at }).key, "computing");
  assert.equal(segmentStatus({ status: "ready", computedAt: at }, { dataChangedAt: at }).key, "ready", "computed at the last write");
  assert.equal(segmentStatus({ status: "ready", computedAt: at }, { dataChangedAt: "2026-01-02T10:00:01.000Z" }).key, "stale");
  assert.equal(segmentStatus({ status: "ready", computedAt: at }, { dataChangedAt: null }).key, "ready");
  assert.equal(segmentStatus({ status: "ready", live: true, computedAt: at }, { dataChangedAt: "2027-01-01T00:00:00Z" }).key, "ready");
});

test("a rule in one line, groups in brackets, segments by name", () => {
  const rules = { operator: "and", conditions: [
    { field: "properties.plan", op: "in", value: ["pro", "enterprise"] },
    { operator: "or", conditions: [{ field: "events.login", op: "occurred", within: "7d" }, { field: "properties.seats", op: "gte", value: 10 }] },
    { field: "segment", op: "in", value: ["seg_1"] },
  ] };
  assert.equal(ruleSummary(rules, () => "Europeans"),
    "plan is one of “pro”, “enterprise” and (login occurred in the last 7d or seats at least 10) and In segments: is in any of “Europeans”");
  assert.equal(ruleSummary({ operator: "and", conditions: [] }), "every contact");
  assert.equal(ruleSummary({ operator: "not", conditions: [{ field: "properties.plan", op: "eq", value: "free" }] }), "not plan equals “free”");
});
