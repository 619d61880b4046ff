// Every JSON example of README.md's "Behavioural rules" section runs here:
// it is accepted as written, and on a small shop it matches the contacts the
// README's words say it does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Kraiter } from "kraiter-segments";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const section = readme.slice(readme.indexOf("### Behavioural rules"), readme.indexOf("### Decisions where the spec is silent"));
const examples = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]));

const NOW = Date.parse("2026-12-01T10:00:00.000Z");
const DAY = 86_400_000;
const at = (days) => new Date(NOW - days * DAY).toISOString();

/** What each example matches in the shop below, in README order. */
const EXPECTED = [
  ["ann@x.io"], // shoes ≥ 50 within 30 days
  ["ann@x.io", "cy@x.io"], // sum(amount) ≥ 500 within 90 days
  ["bo@x.io"], // login between 90 and 30 days ago
  ["ann@x.io"], // opened within 7 calendar days in Berlin
];

test("the README's behavioural examples are valid and mean what it says", async () => {
  assert.equal(examples.length, EXPECTED.length, "one expectation per README example");
  const k = await Kraiter.open({ now: () => NOW });
  await k.events.import([
    { name: "purchase", email: "ann@x.io", timestamp: at(3), properties: { category: "shoes", amount: 80 } },
    { name: "purchase", email: "ann@x.io", timestamp: at(40), properties: { category: "bags", amount: 450 } },
    { name: "purchase", email: "bo@x.io", timestamp: at(5), properties: { category: "shoes", amount: 20 } },
    { name: "purchase", email: "cy@x.io", timestamp: at(60), properties: { category: "coats", amount: 520 } },
    { name: "login", email: "bo@x.io", timestamp: at(45) },
    { name: "login", email: "cy@x.io", timestamp: at(10) },
    { name: "open", email: "ann@x.io", timestamp: at(5) },
    // 23:30 on 24 Nov in Berlin: inside 7 × 24 h, but before the calendar week,
    // which starts at Berlin midnight on 25 Nov (six days before 1 Dec).
    { name: "open", email: "cy@x.io", timestamp: "2026-11-24T22:30:00.000Z" },
  ]);
  for (const [i, example] of examples.entries()) {
    const { sample } = await k.segments.preview([example], { limit: 100 });
    assert.deepEqual(sample.map((m) => m.email).sort(), EXPECTED[i], JSON.stringify(example));
  }
  await k.close();
});
