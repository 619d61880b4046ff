// Compiled with `tsc --noEmit` in npm test: the README's usage must type-check
// against js/index.d.ts through the package's own "exports" map.
import { Kraiter, KraiterError, memoryStorage, type Segment, type Rules } from "kraiter-segments";

const kraiter = await Kraiter.open({ storage: memoryStorage(), now: () => new Date() });
const rules: Rules = {
  operator: "and",
  conditions: [
    { field: "properties.plan", op: "in", value: ["pro", "enterprise"] },
    { operator: "or", conditions: [{ field: "events.login", op: "occurred", within: "7d" }, { field: "properties.seats", op: "gte", value: 10 }] },
  ],
};
const segment: Segment = await kraiter.segments.create({ name: "Active Pro Users", rules });
const receipt = await kraiter.segments.compute(segment.id);
const status: "computing" = receipt.status;
await kraiter.segments.waitForCompute(segment.id);
for await (const member of await kraiter.segments.listMembers(segment.id, { limit: 50 })) {
  const joined: string = member.joinedAt;
  void joined;
}
const { count } = await kraiter.segments.preview([{ field: "email", op: "ends_with", value: "@example.com" }], { limit: 5 });
await kraiter.contacts.import([{ email: "a@example.com", properties: { plan: "pro" } }]);
await kraiter.contacts.import("email,properties.plan\na@example.com,pro\n", { columns: ["email", null], dryRun: true });
await kraiter.events.import(new Blob([""]), { format: "ndjson" });
// @ts-expect-error format applies to text imports only
await kraiter.contacts.import([{ email: "a@example.com" }], { format: "csv" });
await kraiter.events.track({ name: "login", email: "a@example.com" });
try {
  await kraiter.segments.get("seg_missing");
} catch (e) {
  if (e instanceof KraiterError && e.code === "NOT_FOUND") console.log(e.status, count, status);
}
await kraiter.close();

// The behavioural language type-checks as written in README.md …
const behavioural: Rules = [
  { field: "events.purchase", op: "occurred", within: "30d",
    where: [{ field: "properties.category", op: "eq", value: "shoes" }],
    having: { fn: "sum", property: "amount", op: "gte", value: 500 } },
  { field: "events.login", op: "occurred", from: "-90d", to: "-30d", timeZone: "Europe/Berlin" },
  { operator: "not", conditions: [{ field: "segment", op: "in", value: ["seg_x"] }] },
  { field: "email", op: "matches", value: "(?i)@example\\.com$" },
];
const why = await kraiter.segments.explain(behavioural, "cnt_x");
const decided: boolean = why.tree.result;
void decided;
// … and a typo'd op or fn does not.
// @ts-expect-error: no op "occured"
const typo: Rules = [{ field: "events.login", op: "occured" }];
// @ts-expect-error: no fn "total"
const badFn: Rules = [{ field: "events.buy", op: "occurred", having: { fn: "total", property: "amount", op: "gt", value: 1 } }];
// @ts-expect-error: count takes no property
const countProperty: Rules = [{ field: "events.buy", op: "occurred", having: { fn: "count", property: "amount", op: "gt", value: 1 } }];
void typo; void badFn; void countProperty;
await kraiter.contacts.create({ email: "s@example.com", suppressed: true });

// Node sees fileStorage, and not the other runtimes' adapters.
import { fileStorage } from "kraiter-segments";
// @ts-expect-error: indexedDBStorage is browsers only
import { indexedDBStorage } from "kraiter-segments";
const onDisk = await Kraiter.open({ storage: fileStorage("/tmp/x", { wait: 1000 }) });
void indexedDBStorage; void onDisk;
